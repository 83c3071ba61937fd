import Foundation
import Metering

/// A calendar month, `2027-02`.
public struct YearMonth: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The year.
    public let year: Int
    /// The month, 1…12.
    public let month: Int

    /// A month; nil outside 1…12 or years 1970…9999.
    public init?(year: Int, month: Int) {
        guard (1...12).contains(month), (1970...9999).contains(year) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM` strictly.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
            let year = Int(parts[0]), let month = Int(parts[1])
        else { return nil }
        self.init(year: year, month: month)
    }

    /// The month holding `day`.
    public init(_ day: LocalDay) {
        year = day.year
        month = day.month
    }

    /// `2027-02`.
    public var description: String {
        (year < 1000 ? String(repeating: "0", count: 4 - String(year).count) : "") + "\(year)-" + (month < 10 ? "0" : "") + "\(month)"
    }

    /// The next month.
    public var next: YearMonth { month == 12 ? YearMonth(uncheckedYear: year + 1, month: 1) : YearMonth(uncheckedYear: year, month: month + 1) }

    /// The previous month.
    public var previous: YearMonth { month == 1 ? YearMonth(uncheckedYear: year - 1, month: 12) : YearMonth(uncheckedYear: year, month: month - 1) }

    /// The first day of the month.
    public var firstDay: LocalDay { LocalDay(year: year, month: month, day: 1)! }

    /// The last day of the month.
    public var lastDay: LocalDay { LocalDay(year: year, month: month, day: LocalDay.daysIn(year: year, month: month))! }

    /// Orders months in time.
    public static func < (lhs: YearMonth, rhs: YearMonth) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }

    private init(uncheckedYear: Int, month: Int) {
        year = uncheckedYear
        self.month = month
    }
}

/// Which billing periods a margin report covers. Every account has its own periods (its anchor
/// day, in its time zone), so a selection names periods per account, not instants.
public enum MarginPeriod: Hashable, Sendable {
    /// Each account's period that holds the report's `now`.
    case current
    /// Each account's periods that **start** in the months `from`…`through` (local calendar).
    case months(from: YearMonth, through: YearMonth)
    /// Each account's periods that share at least one local day with `from`…`through` (the
    /// overview's range).
    case overlapping(from: LocalDay, through: LocalDay)

    /// The periods of an account with `anchorDay` in `timeZone` that this selection covers, oldest first.
    func periods(anchorDay: Int, timeZone: TimeZone, now: Date) throws -> [BillingPeriod] {
        switch self {
        case .current:
            return [try BillingPeriod.containing(now, anchorDay: anchorDay, timeZone: timeZone)]
        case .months(let from, let through):
            var periods: [BillingPeriod] = []
            var month = from
            while month <= through {
                let day = min(anchorDay, LocalDay.daysIn(year: month.year, month: month.month))
                let start = LocalDay(year: month.year, month: month.month, day: day)!.start(in: timeZone)
                periods.append(try BillingPeriod.containing(start, anchorDay: anchorDay, timeZone: timeZone))
                month = month.next
            }
            return periods
        case .overlapping(let from, let through):
            var period = try BillingPeriod.containing(from.start(in: timeZone), anchorDay: anchorDay, timeZone: timeZone)
            var periods: [BillingPeriod] = []
            while period.firstDay <= through {
                periods.append(period)
                period = period.following
            }
            return periods
        }
    }
}
