import Foundation

/// A duration as the jobs file spells it: a number of seconds, or numbers with units.
///
/// Accepted forms:
/// - a JSON number of seconds: `90`, `0.5`;
/// - a string holding a lone number of seconds: `"90"`, `"0.5"`;
/// - a string of numbers with units, largest unit first, each unit at most once:
///   `"250ms"`, `"90s"`, `"5m"`, `"1h30m"`, `"1d"`, `"1.5h"`. Units are `d` (day, 24 hours),
///   `h`, `m` (minute), `s` and `ms`, in lower case.
///
/// Leading and trailing white space is ignored; a space between the parts (`"1h 30m"`) is
/// refused with a message that shows the fix (`"1h30m"`), so there is one spelling to learn and
/// to search for. A number may have a fractional part, but the result must be a whole number
/// of milliseconds, the precision JobKit keeps everywhere (`"1.5ms"` is refused).
/// Negative values, unknown units (`"5M"`, `"1min"`), repeated or out-of-order units
/// (`"1h2h"`, `"5m1h"`), a number without a unit after another part (`"1h30"`), values beyond
/// ``maximum`` and non-finite numbers throw ``DurationTextError``.
///
/// `Duration.jobKitText` writes a duration back in this form, so `DurationText(d.jobKitText)`
/// gives `d` back for every duration of whole milliseconds.
public struct DurationText: Sendable, Hashable, CustomStringConvertible, Codable {
    /// The duration.
    public let duration: Duration

    /// The largest duration JobKit reads: `Int64.max` milliseconds (about 292 million years).
    public static let maximum: Duration = .milliseconds(Int64.max)

    /// Reads a duration from text such as `"90"`, `"90s"`, `"250ms"` or `"1h30m"`.
    ///
    /// - Throws: ``DurationTextError`` naming the text and the problem.
    public init(_ text: String) throws(DurationTextError) {
        duration = try Self.parse(text)
    }

    /// Reads a duration from a number of seconds, as a JSON number gives it.
    ///
    /// The value must be finite, zero or more, and a whole number of milliseconds; binary
    /// floating-point noise below a millionth of a millisecond is ignored, so `1.005` reads as
    /// 1005 ms.
    ///
    /// - Throws: ``DurationTextError`` naming the number and the problem.
    public init(seconds: Double) throws(DurationTextError) {
        let shown = Self.decimal(seconds)
        guard seconds.isFinite else { throw DurationTextError(number: shown, .notFinite) }
        guard seconds >= 0 else { throw DurationTextError(number: shown, .negative) }
        let milliseconds = seconds * 1000
        guard milliseconds < 0x1p63 else { throw DurationTextError(number: shown, .tooLarge) }
        let whole = milliseconds.rounded()
        guard abs(milliseconds - whole) <= 1e-6 else {
            throw DurationTextError(number: shown, .finerThanMillisecond)
        }
        duration = .milliseconds(Int64(whole))
    }

    /// Creates the value for a duration, for encoding.
    public init(_ duration: Duration) {
        self.duration = duration
    }

    /// Decodes a JSON number of seconds or a string in any of the accepted forms.
    ///
    /// A value that cannot be read throws `DecodingError.dataCorrupted` whose debug description
    /// is the ``DurationTextError`` message.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        do {
            if let text = try? container.decode(String.self) {
                duration = try Self.parse(text)
            } else {
                duration = try DurationText(seconds: container.decode(Double.self)).duration
            }
        } catch let error as DurationTextError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the duration as text, e.g. `"1h30m"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(duration.jobKitText)
    }

    /// The duration as text, e.g. `1h30m`.
    public var description: String { duration.jobKitText }

    /// Reads a duration from text such as `"90"`, `"90s"`, `"250ms"` or `"1h30m"`.
    ///
    /// - Throws: ``DurationTextError`` naming the text and the problem.
    public static func parse(_ text: String) throws(DurationTextError) -> Duration {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        func fail(_ code: DurationTextError.Code) -> DurationTextError {
            DurationTextError(text: text, code)
        }
        guard !trimmed.isEmpty else { throw fail(.empty) }
        if trimmed.hasPrefix("-") { throw fail(.negative) }
        if trimmed.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
            throw fail(.containsSpace)
        }

        let scalars = Array(trimmed.unicodeScalars)
        var index = 0
        var total: Int128 = 0
        var previousUnit: Unit?
        var partCount = 0
        while index < scalars.count {
            let numberStart = index
            while index < scalars.count, isNumberScalar(scalars[index]) { index += 1 }
            let number = String(String.UnicodeScalarView(scalars[numberStart..<index]))
            let unitStart = index
            while index < scalars.count, !isNumberScalar(scalars[index]) { index += 1 }
            let unitText = String(String.UnicodeScalarView(scalars[unitStart..<index]))
            partCount += 1

            if number.isEmpty {
                if Unit(rawValue: unitText) != nil { throw fail(.missingNumber(unit: unitText)) }
                throw fail(.notANumber(unitText))
            }
            guard let (whole, fraction) = splitNumber(number) else { throw fail(.notANumber(number)) }
            let unit: Unit
            if unitText.isEmpty {
                // A lone number is seconds; a number without a unit after other parts is a typo.
                guard partCount == 1 else { throw fail(.missingUnit(number: number)) }
                unit = .seconds
            } else {
                guard let known = Unit(rawValue: unitText) else { throw fail(.unknownUnit(unitText)) }
                unit = known
            }
            if let previousUnit {
                if previousUnit == unit { throw fail(.repeatedUnit(unit.rawValue)) }
                if previousUnit.milliseconds < unit.milliseconds {
                    throw fail(.unitOutOfOrder(unit.rawValue, after: previousUnit.rawValue))
                }
            }
            previousUnit = unit

            let part = try milliseconds(whole: whole, fraction: fraction, unit: unit, fail: fail)
            total += part
            if total > Int128(Int64.max) { throw fail(.tooLarge) }
        }
        return .milliseconds(Int64(total))
    }

    // MARK: Helpers

    private enum Unit: String {
        case days = "d", hours = "h", minutes = "m", seconds = "s", milliseconds = "ms"

        var milliseconds: Int128 {
            switch self {
            case .days: return 86_400_000
            case .hours: return 3_600_000
            case .minutes: return 60_000
            case .seconds: return 1000
            case .milliseconds: return 1
            }
        }
    }

    private static func isNumberScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar) || scalar == "."
    }

    /// Splits `12.50` into its digit strings `("12", "5")` (trailing zeros of the fraction
    /// dropped), or nil when it is not `digits` or `digits.digits`.
    private static func splitNumber(_ number: String) -> (whole: Substring, fraction: Substring)? {
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty else { return nil }
        guard parts.count == 2 else { return (whole, "") }
        var fraction = parts[1]
        guard !fraction.isEmpty else { return nil }
        while fraction.hasSuffix("0") { fraction = fraction.dropLast() }
        return (whole, fraction)
    }

    /// The exact value of `whole.fraction` units in milliseconds, in integer arithmetic.
    private static func milliseconds(
        whole: Substring,
        fraction: Substring,
        unit: Unit,
        fail: (DurationTextError.Code) -> DurationTextError
    ) throws(DurationTextError) -> Int128 {
        let significantWhole = whole.drop(while: { $0 == "0" })
        // More than 19 significant digits is beyond Int64 milliseconds whatever the unit.
        guard significantWhole.count <= 19, let wholeValue = Int128(whole) else { throw fail(.tooLarge) }
        var result = wholeValue * unit.milliseconds
        guard !fraction.isEmpty else { return result }
        // A whole number of milliseconds never needs more than 10 decimals (see the proof in
        // the tests); longer fractions are finer than a millisecond.
        guard fraction.count <= 18, let fractionValue = Int128(fraction) else {
            throw fail(.finerThanMillisecond)
        }
        var scale: Int128 = 1
        for _ in 0..<fraction.count { scale *= 10 }
        let (quotient, remainder) = (fractionValue * unit.milliseconds).quotientAndRemainder(dividingBy: scale)
        guard remainder == 0 else { throw fail(.finerThanMillisecond) }
        result += quotient
        return result
    }

    /// `5`, `0.5` or `nan`: a number as a message shows it.
    private static func decimal(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return String(value)
    }
}
