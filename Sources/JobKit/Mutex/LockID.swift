/// The rules every lock id follows, in every store.
///
/// A lock id is 1 to 255 Unicode scalars (code points) long and holds no NUL character.
/// Anything else is kept verbatim: quotes, backslashes, emoji and SQL fragments are
/// ordinary characters, because ids always travel to the database as parameters.
public enum LockID {
    /// The longest id a store accepts, in Unicode scalars.
    public static let maximumLength = 255

    /// Checks `id` and throws ``InvalidLockIDError`` when it breaks a rule.
    public static func validate(_ id: String) throws(InvalidLockIDError) {
        let length = id.unicodeScalars.count
        if length == 0 {
            throw InvalidLockIDError(lockID: id, problem: .empty)
        }
        if length > maximumLength {
            throw InvalidLockIDError(lockID: id, problem: .tooLong(length))
        }
        if id.unicodeScalars.contains("\0") {
            throw InvalidLockIDError(lockID: id, problem: .containsNUL)
        }
    }
}

/// A lock id that breaks the rules of ``LockID``.
public struct InvalidLockIDError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the id.
    public enum Problem: Sendable, Hashable {
        /// The id is the empty string.
        case empty
        /// The id is longer than ``LockID/maximumLength``; the associated value is its length.
        case tooLong(Int)
        /// The id holds a NUL character, which no database text column can keep.
        case containsNUL
    }

    /// The id as it was given.
    public let lockID: String
    /// What is wrong with it.
    public let problem: Problem

    public var description: String {
        switch problem {
        case .empty:
            return "A lock id must not be empty."
        case .tooLong(let length):
            let head = String(lockID.unicodeScalars.prefix(40).map(Character.init))
            return "The lock id \"\(head)…\" is \(length) characters long; the limit is \(LockID.maximumLength)."
        case .containsNUL:
            return "The lock id \(String(reflecting: lockID)) contains a NUL character, which cannot be stored."
        }
    }
}
