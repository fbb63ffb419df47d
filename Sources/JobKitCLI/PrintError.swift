import Foundation

/// Writes a line to standard error, where a command's failures belong.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
