import Foundation
import JobKit
import Testing

@Suite struct DurationTextTests {
    static let valid: [(String, Duration)] = [
        ("90", .seconds(90)),
        ("0.5", .milliseconds(500)),
        ("0", .zero),
        ("90s", .seconds(90)),
        ("250ms", .milliseconds(250)),
        ("5m", .seconds(300)),
        ("1h30m", .seconds(5400)),
        ("1d", .seconds(86_400)),
        ("1d2h3m4s5ms", .milliseconds(93_784_005)),
        ("1.5h", .seconds(5400)),
        ("0.001", .milliseconds(1)),
        ("1.250s", .milliseconds(1250)),
        ("007m", .seconds(420)),
        ("  5m\n", .seconds(300)),
        ("106751991167d7h12m55s807ms", .milliseconds(Int64.max)),
    ]

    @Test(arguments: valid)
    func parsesValidText(text: String, expected: Duration) throws {
        #expect(try DurationText.parse(text) == expected)
        #expect(try DurationText(text).duration == expected)
    }

    static let invalid: [(String, String)] = [
        ("", #""" is not a duration: it is empty; write a number of seconds or a text such as "90s", "5m" or "1h30m"."#),
        ("   ", #""   " is not a duration: it is empty; write a number of seconds or a text such as "90s", "5m" or "1h30m"."#),
        ("1x", #""1x" is not a duration: unknown unit "x"; use ms, s, m, h or d, as in "90s", "5m" or "1h30m"."#),
        ("5M", #""5M" is not a duration: unknown unit "M"; use ms, s, m, h or d, as in "90s", "5m" or "1h30m"."#),
        ("1min", #""1min" is not a duration: unknown unit "min"; use ms, s, m, h or d, as in "90s", "5m" or "1h30m"."#),
        ("-5m", #""-5m" is not a duration: it is negative; a duration is zero or more."#),
        ("5m1h", #""5m1h" is not a duration: "h" comes after "m"; write units from largest to smallest, as in "1h30m"."#),
        ("1s1d", #""1s1d" is not a duration: "d" comes after "s"; write units from largest to smallest, as in "1h30m"."#),
        ("1h2h", #""1h2h" is not a duration: the unit "h" appears twice."#),
        ("1h 30m", #""1h 30m" is not a duration: it contains a space; write the parts together, as in "1h30m"."#),
        ("1h30", #""1h30" is not a duration: the number 30 has no unit; only a lone number means seconds, so use ms, s, m, h or d, as in "90s", "5m" or "1h30m"."#),
        ("h", #""h" is not a duration: the unit "h" has no number before it."#),
        ("1hm", #""1hm" is not a duration: unknown unit "hm"; use ms, s, m, h or d, as in "90s", "5m" or "1h30m"."#),
        ("nan", #""nan" is not a duration: "nan" is not a number."#),
        ("1..5s", #""1..5s" is not a duration: "1..5" is not a number."#),
        (".5s", #"".5s" is not a duration: ".5" is not a number."#),
        ("1.5ms", #""1.5ms" is not a duration: it is finer than a millisecond, the smallest step JobKit keeps."#),
        ("0.0001", #""0.0001" is not a duration: it is finer than a millisecond, the smallest step JobKit keeps."#),
        ("106751991167d7h12m55s808ms", #""106751991167d7h12m55s808ms" is not a duration: it is too large; the largest duration is 106751991167d7h12m55s807ms."#),
        ("99999999999999999999999d", #""99999999999999999999999d" is not a duration: it is too large; the largest duration is 106751991167d7h12m55s807ms."#),
    ]

    @Test(arguments: invalid)
    func rejectsInvalidTextWithItsMessage(text: String, message: String) {
        #expect {
            try DurationText.parse(text)
        } throws: { error in
            (error as? DurationTextError)?.description == message
        }
    }

    @Test func rejectsNonFiniteAndNegativeNumbers() {
        let cases: [(Double, String)] = [
            (.nan, "nan is not a duration: it is not a finite number."),
            (.infinity, "inf is not a duration: it is not a finite number."),
            (-5, "-5 is not a duration: it is negative; a duration is zero or more."),
            (0.0001, "0.0001 is not a duration: it is finer than a millisecond, the smallest step JobKit keeps."),
            (1e17, "1e+17 is not a duration: it is too large; the largest duration is 106751991167d7h12m55s807ms."),
        ]
        for (seconds, message) in cases {
            #expect(throws: DurationTextError.self) { try DurationText(seconds: seconds) }
            do {
                _ = try DurationText(seconds: seconds)
            } catch {
                #expect(error.description == message)
            }
        }
    }

    @Test func readsNumbersOfSecondsWithoutBinaryNoise() throws {
        // 1.005 * 1000 is 1004.9999999999999 in binary floating point.
        #expect(try DurationText(seconds: 1.005).duration == .milliseconds(1005))
        #expect(try DurationText(seconds: 0.001).duration == .milliseconds(1))
        #expect(try DurationText(seconds: 90).duration == .seconds(90))
    }

    @Test func decodesJSONNumbersAndStrings() throws {
        struct Config: Decodable {
            var a: DurationText
            var b: DurationText
            var c: DurationText
        }
        let json = #"{"a": 90, "b": 0.5, "c": "1h30m"}"#
        let config = try JSONDecoder().decode(Config.self, from: Data(json.utf8))
        #expect(config.a.duration == .seconds(90))
        #expect(config.b.duration == .milliseconds(500))
        #expect(config.c.duration == .seconds(5400))
    }

    @Test func decodingErrorCarriesTheMessage() {
        let json = #"["5m1h"]"#
        #expect {
            try JSONDecoder().decode([DurationText].self, from: Data(json.utf8))
        } throws: { error in
            guard case DecodingError.dataCorrupted(let context) = error else { return false }
            return context.debugDescription
                == #""5m1h" is not a duration: "h" comes after "m"; write units from largest to smallest, as in "1h30m"."#
        }
    }

    @Test func encodesAsText() throws {
        let data = try JSONEncoder().encode([DurationText(.seconds(5400))])
        #expect(String(decoding: data, as: UTF8.self) == #"["1h30m"]"#)
    }

    static let formatted: [(Duration, String)] = [
        (.zero, "0s"),
        (.milliseconds(250), "250ms"),
        (.seconds(90), "1m30s"),
        (.seconds(5400), "1h30m"),
        (.seconds(86_400), "1d"),
        (.milliseconds(93_784_005), "1d2h3m4s5ms"),
        (.seconds(-300), "-5m"),
        (.microseconds(1500), "1.5ms"),
        (.microseconds(250), "0.25ms"),
    ]

    @Test(arguments: formatted)
    func formatsDurations(duration: Duration, text: String) {
        #expect(duration.jobKitText == text)
    }

    @Test func formattingRoundTrips() throws {
        var generator = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            let milliseconds = Int64(generator.next() % 400_000_000_000)
            let duration = Duration.milliseconds(milliseconds)
            #expect(try DurationText.parse(duration.jobKitText) == duration)
        }
    }

    /// Why fractions longer than 18 digits can be refused as finer than a millisecond: with
    /// the last digit non-zero, `f / 10^k × u` (u ≤ 86 400 000 = 2^10 × 3^3 × 5^5) is whole
    /// only when 2^k or 5^k divides u, so k ≤ 10.
    @Test func longFractionsThatAreWholeMillisecondsAreAccepted() throws {
        #expect(try DurationText.parse("0.0000003125d") == .milliseconds(27))  // k = 10
        #expect(try DurationText.parse("0.00000125d") == .milliseconds(108))
        #expect(throws: DurationTextError.self) { try DurationText.parse("0.0000000001d") }
        #expect(try DurationText.parse("1.0000000000000000000000h") == .seconds(3600))
    }
}

/// A small deterministic generator, so randomised tests give the same values on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
