import Metering

/// The ranges the usage page offers.
public enum UsageRangePreset: String, Sendable, CaseIterable {
    /// The current billing period, up to today.
    case thisPeriod = "period"
    /// The previous billing period, whole.
    case lastPeriod = "last-period"
    /// The last 7 local days, today included.
    case last7Days = "7d"
    /// The last 30 local days, today included.
    case last30Days = "30d"
    /// The last 90 local days, today included.
    case last90Days = "90d"
    /// From and to, as given.
    case custom

    /// For the range picker.
    public var label: String {
        switch self {
        case .thisPeriod: "This period"
        case .lastPeriod: "Last period"
        case .last7Days: "Last 7 days"
        case .last30Days: "Last 30 days"
        case .last90Days: "Last 90 days"
        case .custom: "Custom"
        }
    }
}

/// Why a range cannot be shown.
public enum UsageRangeError: Error, Sendable, Equatable {
    /// A custom range without both ends.
    case missingDay(field: String)
    /// `from` after `to`.
    case reversed(from: LocalDay, to: LocalDay)
    /// Longer than ``UsageRange/maxDays``.
    case tooLong(from: LocalDay, to: LocalDay, days: Int64)
}

/// A range of local days in the account's time zone, both ends included.
public struct UsageRange: Sendable, Hashable {
    /// The longest range the page shows (a leap year).
    public static let maxDays: Int64 = 366

    /// First day, included.
    public let from: LocalDay
    /// Last day, included.
    public let to: LocalDay

    /// Days in the range.
    public var dayCount: Int64 { from.days(until: to) + 1 }

    /// Every day of the range.
    public var days: [LocalDay] { from.through(to) }

    /// A checked custom range.
    public init(from: LocalDay, to: LocalDay) throws(UsageRangeError) {
        guard from <= to else { throw .reversed(from: from, to: to) }
        let days = from.days(until: to) + 1
        guard days <= Self.maxDays else { throw .tooLong(from: from, to: to, days: days) }
        self.from = from
        self.to = to
    }

    /// The range of `preset` for an account whose current period is `period` and whose local day is
    /// `today`; `from` and `to` are used by `.custom` only.
    public static func resolve(
        _ preset: UsageRangePreset, from: LocalDay?, to: LocalDay?, period: BillingPeriod, today: LocalDay
    ) throws(UsageRangeError) -> UsageRange {
        switch preset {
        case .thisPeriod:
            return try UsageRange(from: period.firstDay, to: max(period.firstDay, min(today, period.nextFirstDay.adding(days: -1))))
        case .lastPeriod:
            return try UsageRange(from: period.preceding.firstDay, to: period.firstDay.adding(days: -1))
        case .last7Days: return try UsageRange(from: today.adding(days: -6), to: today)
        case .last30Days: return try UsageRange(from: today.adding(days: -29), to: today)
        case .last90Days: return try UsageRange(from: today.adding(days: -89), to: today)
        case .custom:
            guard let from else { throw .missingDay(field: "from") }
            guard let to else { throw .missingDay(field: "to") }
            return try UsageRange(from: from, to: to)
        }
    }
}
