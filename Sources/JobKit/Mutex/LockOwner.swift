import Foundation

/// The default owner string of this process: `host:pid`.
///
/// Other processes see it in ``DBMutexError/holder`` and in `lock.recovered` events, so it
/// should say which machine and process to look at.
public enum LockOwner {
    /// `host:pid` of this process.
    public static let current: String = {
        let host = ProcessInfo.processInfo.hostName
        return "\(host.isEmpty ? "localhost" : host):\(ProcessInfo.processInfo.processIdentifier)"
    }()
}
