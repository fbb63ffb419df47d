/// A store answered a batch with fewer answers than it was given.
struct ClaimBatchError: Error, CustomStringConvertible {
    var description: String { "The lock store answered a batch of claims with too few answers." }
}
