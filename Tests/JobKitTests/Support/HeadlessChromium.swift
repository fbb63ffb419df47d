import Foundation
import Synchronization
import Testing

/// Debian's `chromium`, run headless as a child process to load a page the way a browser
/// does: `--dump-dom` prints the DOM after the page's parsing and scripts, `--screenshot`
/// writes a PNG for people to look at. `.ci/run` installs the package when it is missing.
enum HeadlessChromium {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The browser binary, or `nil` when it is not installed.
    static let executable: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The rendered DOM of `url`.
    static func dumpDOM(_ url: String, in directory: TemporaryDirectory) async throws -> String {
        try await run(["--dump-dom", url], in: directory)
    }

    /// Writes a screenshot of `url`, `width` × `height` CSS pixels, to `path`.
    static func screenshot(_ url: String, to path: String, width: Int, height: Int, in directory: TemporaryDirectory) async throws {
        _ = try await run(["--screenshot=\(path)", "--window-size=\(width),\(height)", "--hide-scrollbars", url], in: directory)
    }

    private static func run(_ arguments: [String], in directory: TemporaryDirectory) async throws -> String {
        guard let executable else {
            throw Failure(description: "chromium is not installed; `apt-get install chromium` (.ci/run does it).")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        // A profile of its own per call, so parallel tests never share one; no sandbox, as
        // tests may run as root.
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--user-data-dir=\(directory.path("chromium-\(UUID().uuidString)"))",
        ] + arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let output = Mutex<Data?>(nil)
        let reader = Thread {
            let data = stdout.fileHandleForReading.readDataToEndOfFile()
            output.withLock { $0 = data }
        }
        reader.start()
        try await waitUntil("chromium to finish \(arguments)", timeout: .seconds(120)) { !process.isRunning }
        let data = try await poll(timeout: .seconds(60), "chromium's output") { output.withLock { $0 } }
        guard process.terminationStatus == 0 else {
            throw Failure(description: "chromium \(arguments) exited with status \(process.terminationStatus).")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
