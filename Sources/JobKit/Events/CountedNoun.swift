/// `count` and the noun that agrees with it, for messages: `1 job`, `3 jobs`, `0 jobs`.
///
/// - Parameters:
///   - count: how many.
///   - singular: the noun for one.
///   - plural: the noun for any other count; `singular` + `s` by default.
package func counted(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
}
