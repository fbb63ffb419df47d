import Foundation

/// The `defaults` of a jobs file: what a job gets for each key it leaves out. A key that is
/// absent, or whose value is refused, is nil here.
struct JobsFileDefaults: Sendable {
    var ttl: LockTTL?
    var jitter: Duration?
    var grace: Duration?
    var timeZone: TimeZone?
    var catchUp: CatchUp?
    var spread: Duration?
    var overlap: OverlapPolicy?
}
