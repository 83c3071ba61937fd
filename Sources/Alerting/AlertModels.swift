import Foundation

/// The kinds of alert Tally raises.
public enum AlertRule: String, Sendable, Hashable, CaseIterable, Codable {
    /// Credits used crossed a percentage of the credits granted for the period (at ingest).
    case creditsUsed = "credits_used"
    /// The current period's gross margin fell below the warning or critical level.
    case lowMargin = "low_margin"
    /// An account's or a feature's cost today jumped above a multiple of its trailing average.
    case costSpike = "cost_spike"
    /// Events arrived for a model with no price.
    case unpricedModel = "unpriced_model"
    /// A block-policy account used up its credits and grace: entitlement checks now deny it.
    case capReached = "cap_reached"

    /// A short name for pages and messages.
    public var label: String {
        switch self {
        case .creditsUsed: "Credits used"
        case .lowMargin: "Low margin"
        case .costSpike: "Cost spike"
        case .unpricedModel: "Unpriced model"
        case .capReached: "Cap reached"
        }
    }
}

/// How urgent an alert is.
public enum AlertLevel: String, Sendable, Hashable, CaseIterable, Codable {
    /// Worth knowing (e.g. half the credits used).
    case info
    /// Needs attention soon.
    case warning
    /// Needs attention now (credits gone, margin below the critical level, cap reached).
    case critical
}

/// One alert as stored.
public struct Alert: Sendable, Hashable {
    /// Database id.
    public let id: Int64
    /// The account it concerns; nil for operator-wide alerts (an unpriced model).
    public let accountID: Int64?
    /// The account's external id, when there is an account.
    public let accountExternalID: String?
    /// The account's name, when there is an account.
    public let accountName: String?
    /// Which rule fired.
    public let rule: AlertRule
    /// How urgent.
    public let level: AlertLevel
    /// What within the account it is about: a feature, a model, a threshold; "" for the account.
    public let subject: String
    /// The billing period of threshold and cap alerts.
    public let periodStart: Date?
    /// The percentage crossed, for threshold alerts.
    public let threshold: Int?
    /// A sentence for people.
    public let message: String
    /// When it fired.
    public let firedAt: Date
    /// When it was acknowledged; nil while open.
    public let acknowledgedAt: Date?
    /// Who acknowledged it (the admin's email).
    public let acknowledgedBy: String?

    /// Open: not acknowledged yet.
    public var isOpen: Bool { acknowledgedAt == nil }
}

/// The admin-editable rule settings (one row, `alert_rules`).
public struct AlertRuleSettings: Sendable, Hashable {
    /// Threshold alerts at ingest.
    public var creditsEnabled = true
    /// Percentages of granted credits that fire an alert once per account and period.
    public var creditThresholds = [50, 75, 90, 100]
    /// Low margin alerts.
    public var marginEnabled = true
    /// Below this margin (basis points) is a warning.
    public var marginWarningBP: Int64 = 3_000
    /// Below this margin (basis points) is critical.
    public var marginCriticalBP: Int64 = 1_000
    /// Minutes before the same account's margin alert of the same level fires again.
    public var marginCooldownMinutes = 1_440
    /// Cost spike alerts.
    public var spikeEnabled = true
    /// Today's cost must exceed this multiple (basis points: 30,000 = 3×) of the trailing 7-day daily average.
    public var spikeMultiplierBP: Int64 = 30_000
    /// …and be at least this much (nano-USD), so tiny accounts page no one.
    public var spikeMinimumCost: Int64 = 5_000_000_000
    /// Minutes before the same account's or feature's spike alert fires again.
    public var spikeCooldownMinutes = 1_440
    /// Unpriced model alerts.
    public var unpricedEnabled = true
    /// Minutes before the same model's alert fires again.
    public var unpricedCooldownMinutes = 1_440
    /// Cap reached alerts (block plans), once per account and period.
    public var capEnabled = true

    /// The defaults (the migration's).
    public init() {}

    /// The level of a threshold alert at `percent`: 100 % and above critical, 75 % and above
    /// warning, below that info.
    public static func level(ofThreshold percent: Int) -> AlertLevel {
        percent >= 100 ? .critical : percent >= 75 ? .warning : .info
    }
}
