import Foundation

/// Why a billing period cannot be computed.
public enum BillingPeriodError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The anchor day is outside 1...31.
    case invalidAnchorDay(Int)

    /// A sentence for an admin.
    public var description: String {
        switch self {
        case .invalidAnchorDay(let day): "the billing anchor day must be 1 to 31 (got \(day))"
        }
    }
}

/// One monthly billing period of an account: from local midnight of the anchor day in the
/// account's time zone, to local midnight of the next month's anchor day (exclusive).
///
/// The anchor is clamped to the month's last day: anchor 31 in 2027 gives periods starting
/// Jan 31, Feb 28, Mar 31, Apr 30… Each boundary is the first instant of its local day, so a
/// period across a DST change is an hour shorter or longer than its days × 24 h.
public struct BillingPeriod: Hashable, Sendable {
    /// The first instant of the period (inclusive).
    public let start: Date
    /// The first instant of the next period (exclusive).
    public let end: Date
    /// The local day on which the period starts.
    public let firstDay: LocalDay
    /// The local day on which the next period starts.
    public let nextFirstDay: LocalDay
    /// The account's anchor day, 1...31.
    public let anchorDay: Int
    /// The account's time zone.
    public let timeZone: TimeZone

    /// When the customer's credits reset: the next period's start.
    public var resetsAt: Date { end }

    /// Whether `instant` falls in this period (`start` ≤ instant < `end`).
    public func contains(_ instant: Date) -> Bool {
        start <= instant && instant < end
    }

    /// The period that contains `instant` for an account anchored on `anchorDay` in `timeZone`.
    /// An instant exactly at a period's start belongs to that period, not the one before.
    public static func containing(_ instant: Date, anchorDay: Int, timeZone: TimeZone) throws(BillingPeriodError) -> BillingPeriod {
        guard (1...31).contains(anchorDay) else { throw .invalidAnchorDay(anchorDay) }
        let today = LocalDay(containing: instant, in: timeZone)
        var (year, month) = (today.year, today.month)
        if today < LocalDay.clamped(year: year, month: month, anchorDay: anchorDay) {
            (year, month) = month == 1 ? (year - 1, 12) : (year, month - 1)
        }
        return period(year: year, month: month, anchorDay: anchorDay, timeZone: timeZone)
    }

    /// The period right after this one.
    public var following: BillingPeriod {
        let (year, month) = firstDay.month == 12 ? (firstDay.year + 1, 1) : (firstDay.year, firstDay.month + 1)
        return Self.period(year: year, month: month, anchorDay: anchorDay, timeZone: timeZone)
    }

    /// The period right before this one.
    public var preceding: BillingPeriod {
        let (year, month) = firstDay.month == 1 ? (firstDay.year - 1, 12) : (firstDay.year, firstDay.month - 1)
        return Self.period(year: year, month: month, anchorDay: anchorDay, timeZone: timeZone)
    }

    /// The period that starts in `year`-`month`.
    private static func period(year: Int, month: Int, anchorDay: Int, timeZone: TimeZone) -> BillingPeriod {
        let first = LocalDay.clamped(year: year, month: month, anchorDay: anchorDay)
        let (nextYear, nextMonth) = month == 12 ? (year + 1, 1) : (year, month + 1)
        let next = LocalDay.clamped(year: nextYear, month: nextMonth, anchorDay: anchorDay)
        return BillingPeriod(
            start: first.start(in: timeZone), end: next.start(in: timeZone),
            firstDay: first, nextFirstDay: next, anchorDay: anchorDay, timeZone: timeZone
        )
    }
}
