import Foundation
import JobKit
import Testing

@Suite struct DateTimestampTests {
    @Test func everyMillisecondOfASecondPrintsExactly() {
        // A Date stores seconds since 2001 as a Double: many `x.00N` read back as `x.00N - ε`,
        // which must not print as the millisecond before.
        for base in [1_795_425_300.0, 0.0] {
            var wrong: [String] = []
            for millisecond in 0..<1000 {
                let stamp = Date(timeIntervalSince1970: base + Double(millisecond) / 1000).jobKitTimestamp
                let expected = String(format: ".%03dZ", millisecond)
                if !stamp.hasSuffix(expected) { wrong.append("\(stamp) for \(expected)") }
            }
            #expect(wrong.isEmpty, "\(wrong.count) wrong, e.g. \(wrong.prefix(3))")
        }
    }

    @Test func subMillisecondsAreTruncated() {
        #expect(Date(timeIntervalSince1970: 1_795_425_300.2509).jobKitTimestamp == "2026-11-23T09:15:00.250Z")
        #expect(Date(timeIntervalSince1970: 1_795_425_359.9999).jobKitTimestamp == "2026-11-23T09:15:59.999Z")
    }

    @Test func datesBeforeTheEpoch() {
        #expect(Date(timeIntervalSince1970: -0.001).jobKitTimestamp == "1969-12-31T23:59:59.999Z")
        #expect(Date(timeIntervalSince1970: -86_400).jobKitTimestamp == "1969-12-31T00:00:00.000Z")
    }
}
