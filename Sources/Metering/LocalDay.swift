import Foundation

/// A calendar day in some time zone, without a time: the key of the daily rollup
/// ("daily" means the account's local day).
public struct LocalDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The Gregorian year.
    public let year: Int
    /// The month, 1...12.
    public let month: Int
    /// The day of the month, 1...28/29/30/31.
    public let day: Int

    /// A day; nil when it does not exist (Feb 30, month 13…).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...Self.daysIn(year: year, month: month)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day on the wall calendar in `timeZone` at `instant`.
    public init(containing instant: Date, in timeZone: TimeZone) {
        let parts = Calendar.gregorian(in: timeZone).dateComponents([.year, .month, .day], from: instant)
        // Gregorian calendars always return all three components asked for.
        year = parts.year ?? 1970
        month = parts.month ?? 1
        day = parts.day ?? 1
    }

    /// Parses `YYYY-MM-DD`; nil for anything else or a day that does not exist.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// `2027-02-28`.
    public var description: String {
        let pad = { (value: Int, width: Int) in
            String(repeating: "0", count: max(0, width - String(value).count)) + String(value)
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Orders days on the calendar.
    public static func < (lhs: LocalDay, rhs: LocalDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// The first instant of this day in `timeZone`: local midnight, or the first instant after
    /// it where a DST change skips midnight (e.g. America/Santiago, 00:00 → 01:00).
    public func start(in timeZone: TimeZone) -> Date {
        let calendar = Calendar.gregorian(in: timeZone)
        // Noon exists on every day in every zone; its start of day is the day's first instant.
        let noon = DateComponents(year: year, month: month, day: day, hour: 12)
        guard let midday = calendar.date(from: noon) else { preconditionFailure("\(self) has no noon in \(timeZone.identifier)") }
        return calendar.startOfDay(for: midday)
    }

    /// The next calendar day.
    public var next: LocalDay {
        if let tomorrow = LocalDay(year: year, month: month, day: day + 1) { return tomorrow }
        return month == 12 ? LocalDay(uncheckedYear: year + 1, month: 1, day: 1) : LocalDay(uncheckedYear: year, month: month + 1, day: 1)
    }

    private init(uncheckedYear year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days in a month of the Gregorian calendar (leap years: divisible by 4, except centuries
    /// not divisible by 400).
    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Day `anchorDay` of the month, or the month's last day when it is shorter.
    static func clamped(year: Int, month: Int, anchorDay: Int) -> LocalDay {
        LocalDay(uncheckedYear: year, month: month, day: min(anchorDay, daysIn(year: year, month: month)))
    }
}

extension Calendar {
    /// A Gregorian calendar in `timeZone` (a value: nothing shared or mutated).
    static func gregorian(in timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }
}
