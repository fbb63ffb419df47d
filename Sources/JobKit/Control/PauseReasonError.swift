/// A pause reason that cannot be kept: empty, too long, or holding a NUL byte.
public struct PauseReasonError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, as a sentence.
    public let message: String

    public var description: String { message }
}
