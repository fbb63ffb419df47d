/// A benchmark waited longer than it allows for something to happen.
struct BenchTimeout: Error, CustomStringConvertible {
    var what: String
    var timeout: Duration
    var description: String { "Gave up after \(timeout) waiting for \(what)." }
}
