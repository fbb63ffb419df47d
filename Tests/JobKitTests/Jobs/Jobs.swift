import Testing

/// The tests of `Sources/JobKit/Jobs`: `scripts/test --filter Jobs` runs them all.
@Suite enum Jobs {}
