import Foundation

/// `count` consecutive ticks of an interval schedule, `intervalMs` apart from `firstMs`
/// (milliseconds since the Unix epoch), as dates made by the same formula JobKit uses for its
/// own ticks, so a tick JobKit computed equals the grid's date bit for bit.
struct TickGrid {
    let firstMs: Int64
    let intervalMs: Int64
    let count: Int

    /// The grid starting at `first`, which must itself be a tick.
    init(first: Date, intervalMs: Int64, count: Int) {
        self.firstMs = Self.nearestMilliseconds(first)
        self.intervalMs = intervalMs
        self.count = count
    }

    /// The date of tick `index`.
    func date(_ index: Int) -> Date { Self.date(milliseconds: firstMs + Int64(index) * intervalMs) }

    var last: Date { date(count - 1) }

    /// The index of `date` when it is exactly (bit for bit) a tick of the grid, else nil.
    func index(of date: Date) -> Int? {
        let milliseconds = Self.nearestMilliseconds(date)
        let offset = milliseconds - firstMs
        guard offset >= 0, offset % intervalMs == 0, offset / intervalMs < Int64(count),
            Self.date(milliseconds: milliseconds) == date
        else { return nil }
        return Int(offset / intervalMs)
    }

    /// Where a tick printed as RFC 3339 with milliseconds (as events print ticks) falls on the
    /// grid: its index, possibly negative or beyond ``count``; nil when it is not a grid tick.
    func position(ofPrinted text: String) -> Int64? {
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = parser.date(from: text) else { return nil }
        let offset = Self.nearestMilliseconds(date) - firstMs
        guard offset % intervalMs == 0 else { return nil }
        return offset / intervalMs
    }

    /// How far `date` lies from the nearest multiple of `intervalMs` since the epoch, in
    /// milliseconds: exactly 0 when it is that tick bit for bit.
    static func offGridMilliseconds(_ date: Date, intervalMs: Int64) -> Double {
        let exact = date.timeIntervalSince1970 * 1000
        let nearest = (exact / Double(intervalMs)).rounded() * Double(intervalMs)
        if Self.date(milliseconds: Int64(nearest)) == date { return 0 }
        return max(abs(exact - nearest), Double.ulpOfOne)
    }

    /// JobKit's formula for a tick's date (`Date(tickMilliseconds:)`, internal to JobKit).
    static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    private static func nearestMilliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
