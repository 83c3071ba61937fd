import Foundation
import Metering

/// Credits of one named thing (a day, a feature, a model).
public struct NamedCredits: Sendable, Hashable {
    /// The key: `YYYY-MM-DD`, a feature key or a model id; `""` is the unattributed / no-model bucket.
    public let key: String
    /// What to show: the feature's name, the model id, "Unattributed", "No model".
    public let label: String
    /// Credits used.
    public let credits: Credits
    /// Events.
    public let events: Int64

    /// A row.
    public init(key: String, label: String, credits: Credits, events: Int64) {
        self.key = key
        self.label = label
        self.credits = credits
        self.events = events
    }
}

/// The plan an account is on, as the customer may see it (no costs; the overage price is the
/// customer's own bill).
public struct DashboardPlan: Sendable, Hashable {
    /// Display name.
    public let name: String
    /// Credits included per period.
    public let included: CreditLimit
    /// Block (with grace) or charge (with the price per credit).
    public let overage: OveragePolicy
}

/// Everything the customer dashboard shows for one account at one instant.
///
/// `ledger` is built exactly as the entitlement check builds it (the period's `period_usage`
/// credits, the plan's included credits, the grants active now), so the dashboard and
/// `GET /api/v1/accounts/{a}/entitlements/{f}` agree to the milli-credit.
public struct Dashboard: Sendable, Hashable {
    /// The account's display name.
    public let accountName: String
    /// active or paused.
    public let status: AccountStatus
    /// The account's time zone.
    public let timeZone: TimeZone
    /// The zone's IANA name as stored for the account (Foundation may report `UTC` as `GMT`).
    public let timeZoneName: String
    /// The plan; nil when the account has none yet.
    public let plan: DashboardPlan?
    /// The current billing period.
    public let period: BillingPeriod
    /// Today in the account's time zone.
    public let today: LocalDay
    /// Credits granted, used, remaining, overage this period.
    public let ledger: CreditLedger
    /// Events this period.
    public let periodEvents: Int64
    /// Credits per local day of the period, from its first day to today, days without usage as zero.
    public let daily: [NamedCredits]
    /// Credits used in the previous period.
    public let previousPeriodCredits: Credits
    /// Local days in the previous period.
    public let previousPeriodDays: Int64
    /// Credits this period by feature, largest first.
    public let byFeature: [NamedCredits]
    /// Credits this period by model, largest first.
    public let byModel: [NamedCredits]
    /// Whether the account has any usage at all, in any period (false: the first-run state).
    public let hasAnyUsage: Bool
    /// Where the current burn rate leads.
    public let projection: UsageProjection

    /// The previous period's credits per day, rounded half up to the milli-credit; nil when the
    /// previous period had no usage.
    public var previousDailyAverage: Credits? {
        guard previousPeriodCredits > .zero, previousPeriodDays > 0 else { return nil }
        let total = Int128(previousPeriodCredits.millis)
        let days = Int128(previousPeriodDays)
        return Credits(millis: Int64(clamping: (2 * total + days) / (2 * days)))
    }

    /// The block plan's hard limit (granted + grace), or `.unlimited` on charge and unlimited plans.
    public var hardLimit: CreditLimit {
        plan.map { $0.overage.hardLimit(granted: ledger.granted) } ?? .limited(.zero)
    }

    /// Whole percent of the granted credits used, rounded down (the gauge's rule); nil when
    /// nothing or everything (unlimited) is granted.
    public var percentUsed: Int64? {
        guard case .limited(let granted) = ledger.granted, granted > .zero else { return nil }
        return Int64(clamping: Int128(max(ledger.used.millis, 0)) * 100 / Int128(granted.millis))
    }
}
