import Foundation
import Metering

/// Cost and events of one group of the daily rollups (a day, a feature, a model, an account).
public struct CostLine: Hashable, Sendable {
    /// The day (`YYYY-MM-DD`), feature key (`""`: unattributed), model (`""`: none) or account id.
    public let key: String
    /// A display name where the key is an id (accounts); else the key.
    public let name: String
    /// Events.
    public let events: Int64
    /// Stored cost.
    public let cost: Money
}

/// Per feature: cost per output unit, success rate and model latency.
public struct FeatureHealth: Hashable, Sendable {
    /// The feature key (`""`: unattributed).
    public let featureKey: String
    /// Events, failed events, output units and cost in the range.
    public let events: Int64
    public let failures: Int64
    public var outputUnits: Int128 { units.value }
    public let cost: Money
    /// Events per latency bucket (bucket 0: 0 ms; b: [2^(b-1), 2^b) ms; 19: 2^18 ms and more).
    public let latency: [Int64]
    private let units: WideInteger

    init(featureKey: String, events: Int64, failures: Int64, outputUnits: Int128, cost: Money, latency: [Int64]) {
        self.featureKey = featureKey
        self.events = events
        self.failures = failures
        units = WideInteger(outputUnits)
        self.cost = cost
        self.latency = latency
    }

    /// cost / output units, rounded half-even to the nano-USD; nil without output units.
    public var costPerOutputUnit: Money? {
        guard outputUnits > 0 else { return nil }
        return Money(nanos: divideHalfEven(cost.nanos, outputUnits))
    }

    /// Successful events in basis points of all events; nil without events.
    public var successBasisPoints: Int64? {
        guard events > 0 else { return nil }
        return Int64(divideHalfEven(Int128(events - failures) * 10_000, Int128(events)))
    }

    /// The latency percentile `p` (0 < p ≤ 100) as its histogram bucket: the first bucket at which
    /// the cumulative count reaches ⌈p % × n⌉. nil when no event in the range has a duration.
    public func latencyBucket(percentile p: Int) -> Int? {
        let total = latency.reduce(0, +)
        guard total > 0 else { return nil }
        let rank = (total * Int64(p) + 99) / 100
        var cumulative: Int64 = 0
        for (bucket, count) in latency.enumerated() {
            cumulative += count
            if cumulative >= rank { return bucket }
        }
        return latency.count - 1
    }
}

/// An unpriced model and the events behind it.
public struct UnpricedModel: Hashable, Sendable {
    /// The model id as sent (`""`: events without a model).
    public let model: String
    /// Unpriced events in the range.
    public let events: Int64
    /// Accounts that sent them.
    public let accounts: Int64
}

/// One day of the cost-vs-revenue chart.
public struct DayMoney: Hashable, Sendable {
    /// The local day.
    public let day: LocalDay
    /// Stored cost of the day's events.
    public var cost: Money
    /// Revenue spread onto the day (see docs/admin-money.md).
    public var revenue: Money
}

/// The staff home for a range of days: cost, revenue and margin; daily cost vs revenue; cost by
/// feature, model and account; the lowest margins; unpriced and unattributed usage; per-feature
/// health. Built from `daily_operator_usage`, `daily_usage` (per account) and ``MarginReport``
/// (rollups only).
public struct OverviewReport: Sendable {
    /// The first and last local day of the range.
    public let from: LocalDay
    public let through: LocalDay
    /// Totals.
    public let cost: Money
    public let revenue: Money
    public let events: Int64
    /// One entry per day of the range.
    public let days: [DayMoney]
    /// Cost by feature, by model, most expensive first.
    public let byFeature: [CostLine]
    public let byModel: [CostLine]
    /// The 10 accounts that cost the most.
    public let topAccounts: [CostLine]
    /// The 10 accounts with the lowest margin (accounts with cost but no revenue first).
    public let lowestMargins: [AccountRangeMargin]
    /// Unpriced models with counts, most events first.
    public let unpriced: [UnpricedModel]
    /// Events and cost without a feature.
    public let unattributedEvents: Int64
    public let unattributedCost: Money
    /// Per feature, by key.
    public let features: [FeatureHealth]

    /// (revenue − cost) / revenue over the range.
    public var margin: GrossMargin { GrossMargin(revenue: revenue, cost: cost) }
}

/// An account's revenue and cost within the overview's range.
public struct AccountRangeMargin: Hashable, Sendable {
    /// The account.
    public let accountID: Int64
    public let name: String
    public let externalID: String
    /// Revenue spread onto the range's days, and the range's cost.
    public let revenue: Money
    public let cost: Money

    /// The margin within the range.
    public var margin: GrossMargin { GrossMargin(revenue: revenue, cost: cost) }
}

/// Half-even division of exact integers (denominator > 0).
func divideHalfEven(_ numerator: Int128, _ denominator: Int128) -> Int128 {
    let quotient = numerator / denominator
    let remainder = numerator % denominator
    let twice = (remainder < 0 ? -remainder : remainder) * 2
    if twice > denominator || (twice == denominator && quotient % 2 != 0) {
        return numerator < 0 ? quotient - 1 : quotient + 1
    }
    return quotient
}
