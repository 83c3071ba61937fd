import Foundation
import Metering

/// Credits and cost of one feature in an account's period(s), from `period_usage`.
public struct FeatureUsage: Hashable, Sendable {
    /// The feature key; `""` is the unattributed bucket.
    public let featureKey: String
    /// Credits used.
    public var credits: Credits
    /// Stored event cost (provider cost + infra overhead).
    public var cost: Money

    /// A feature's credits and cost.
    public init(featureKey: String, credits: Credits, cost: Money) {
        self.featureKey = featureKey
        self.credits = credits
        self.cost = cost
    }
}

/// One account in one billing period: what it paid, what it cost.
public struct PeriodMargin: Hashable, Sendable {
    /// The billing period.
    public let period: BillingPeriod
    /// Fee, overage charge and sold top-ups of the period.
    public let revenue: PeriodRevenue
    /// Sum of the period's stored event costs.
    public let cost: Money
    /// Credits used in the period.
    public let used: Credits
    /// Credits used beyond what was granted (see ``CreditLedger``).
    public let overage: Credits
    /// Per feature, sorted by key.
    public let features: [FeatureUsage]
    /// Each sold top-up of the period: when it was granted and its price.
    public let topUpSales: [TopUpSale]
}

/// A sold top-up: its grant instant and price.
public struct TopUpSale: Hashable, Sendable {
    /// When the credits were granted.
    public let grantedAt: Date
    /// What the customer paid.
    public let price: Money
}

/// An account's margin over the selected periods.
public struct AccountMargin: Hashable, Sendable {
    /// The account's database id.
    public let accountID: Int64
    /// The operator's id for it.
    public let externalID: String
    /// Display name.
    public let name: String
    /// `active` or `paused`.
    public let status: String
    /// The account's time zone.
    public let timeZone: TimeZone
    /// The plan's code and name; nil without a plan.
    public let planCode: String?
    public let planName: String?
    /// Each selected period, oldest first.
    public let periods: [PeriodMargin]

    /// Revenue summed over the periods.
    public var revenue: PeriodRevenue {
        PeriodRevenue(
            fee: periods.reduce(.zero) { $0 + $1.revenue.fee },
            overage: periods.reduce(.zero) { $0 + $1.revenue.overage },
            topUps: periods.reduce(.zero) { $0 + $1.revenue.topUps })
    }

    /// Total revenue (fee + overage + top-ups).
    public var totalRevenue: Money { revenue.fee + revenue.overage + revenue.topUps }

    /// Cost summed over the periods.
    public var cost: Money { periods.reduce(.zero) { $0 + $1.cost } }

    /// Credits used summed over the periods.
    public var used: Credits { periods.reduce(.zero) { $0 + $1.used } }

    /// Overage credits summed over the periods.
    public var overage: Credits { periods.reduce(.zero) { $0 + $1.overage } }

    /// The gross margin: (revenue − cost) / revenue.
    public var margin: GrossMargin { GrossMargin(revenue: totalRevenue, cost: cost) }

    /// Per feature, summed over the periods, sorted by key.
    public var features: [FeatureUsage] {
        var byKey: [String: FeatureUsage] = [:]
        for feature in periods.flatMap(\.features) {
            var sum = byKey[feature.featureKey] ?? FeatureUsage(featureKey: feature.featureKey, credits: .zero, cost: .zero)
            sum.credits = sum.credits + feature.credits
            sum.cost = sum.cost + feature.cost
            byKey[feature.featureKey] = sum
        }
        return byKey.values.sorted { $0.featureKey < $1.featureKey }
    }

    /// The account's revenue shared out over its features by credits used (see
    /// ``RevenueAllocation``); a period without credits used keeps its revenue under `nil`.
    public var revenueByFeature: [String?: Money] {
        var result: [String?: Money] = [:]
        for period in periods {
            let total = period.revenue.fee + period.revenue.overage + period.revenue.topUps
            for (key, share) in RevenueAllocation.byCredits(total, features: period.features) {
                result[key] = (result[key] ?? .zero) + share
            }
        }
        return result
    }
}

/// Shares an amount out over features in proportion to their credits, exactly.
public enum RevenueAllocation {
    /// Each feature with credits gets ⌊amount × credits / total⌋ nano-USD; the nanos left over go
    /// one each to the largest remainders (ties: feature key order), so the shares add up to
    /// `amount` exactly. With no credits used at all, the whole amount is under `nil`.
    public static func byCredits(_ amount: Money, features: [FeatureUsage]) -> [String?: Money] {
        let weighted = features.filter { $0.credits.millis > 0 }.sorted { $0.featureKey < $1.featureKey }
        let total = weighted.reduce(Credits.zero) { $0 + $1.credits }.millis
        guard total > 0, amount.nanos != 0 else { return amount.nanos == 0 ? [:] : [nil: amount] }
        // amount × credits is formed in 256 bits; each share is at most `amount`, so it fits.
        let sign: Int128 = amount.nanos < 0 ? -1 : 1
        var shares: [(key: String, nanos: Int128, remainder: UInt128)] = weighted.map {
            let (share, remainder) = UInt128(total).dividingFullWidth(amount.nanos.magnitude.multipliedFullWidth(by: $0.credits.millis.magnitude))
            return ($0.featureKey, sign * Int128(share), remainder)
        }
        var left = (amount.nanos - shares.reduce(0) { $0 + $1.nanos }) * sign
        let order = shares.indices.sorted { shares[$0].remainder > shares[$1].remainder }
        for index in order where left > 0 {
            shares[index].nanos += sign
            left -= 1
        }
        var result: [String?: Money] = [:]
        for share in shares { result[share.key] = Money(nanos: share.nanos) }
        return result
    }
}

/// The margins of every account (or the chosen ones) over a selection of billing periods:
/// revenue = plan fee + overage charge + sold top-ups, cost = stored event cost, margin through
/// `GrossMargin`. The formulas are in docs/admin-money.md. Computed from `period_usage`, the
/// plans and `credit_grants`: never from raw events.
public struct MarginReport: Hashable, Sendable {
    /// The selection.
    public let selection: MarginPeriod
    /// The instant "current" means.
    public let now: Date
    /// One entry per account, in account id order.
    public let accounts: [AccountMargin]

    /// The totals over every account.
    public var total: (revenue: PeriodRevenue, cost: Money, margin: GrossMargin) {
        let revenue = PeriodRevenue(
            fee: accounts.reduce(.zero) { $0 + $1.revenue.fee },
            overage: accounts.reduce(.zero) { $0 + $1.revenue.overage },
            topUps: accounts.reduce(.zero) { $0 + $1.revenue.topUps })
        let cost = accounts.reduce(.zero) { $0 + $1.cost }
        let totalRevenue = revenue.fee + revenue.overage + revenue.topUps
        return (revenue, cost, GrossMargin(revenue: totalRevenue, cost: cost))
    }

    /// Accounts grouped by plan (nil: no plan), sorted by plan code with "no plan" last.
    public var byPlan: [MarginGroup] {
        let groups = Dictionary(grouping: accounts) { $0.planCode }
        return groups.map { code, members in
            MarginGroup(
                key: code, name: members.first?.planName ?? "No plan", accounts: members.count,
                revenue: members.reduce(.zero) { $0 + $1.totalRevenue },
                cost: members.reduce(.zero) { $0 + $1.cost },
                credits: members.reduce(.zero) { $0 + $1.used })
        }.sorted { ($0.key ?? "\u{10FFFF}") < ($1.key ?? "\u{10FFFF}") }
    }

    /// Per feature over every account: cost from `period_usage`, revenue allocated by credits
    /// within each account's period. `""` is unattributed usage; nil collects revenue of periods
    /// that used no credits. Sorted by key, nil last.
    public var byFeature: [MarginGroup] {
        var groups: [String?: MarginGroup] = [:]
        for account in accounts {
            for feature in account.features {
                var group = groups[feature.featureKey] ?? MarginGroup(key: feature.featureKey, name: feature.featureKey)
                group.cost = group.cost + feature.cost
                group.credits = group.credits + feature.credits
                group.accounts += 1
                groups[feature.featureKey] = group
            }
            for (key, share) in account.revenueByFeature {
                var group = groups[key] ?? MarginGroup(key: key, name: key ?? "")
                group.revenue = group.revenue + share
                groups[key] = group
            }
        }
        return groups.values.sorted { ($0.key ?? "\u{10FFFF}") < ($1.key ?? "\u{10FFFF}") }
    }
}

/// Revenue, cost and margin of a group of accounts (a plan) or a feature.
public struct MarginGroup: Hashable, Sendable {
    /// The plan code or feature key; nil for "no plan" / revenue without credits.
    public let key: String?
    /// The plan's name, or the feature key.
    public var name: String
    /// Accounts in the group (with usage of the feature, for features).
    public var accounts = 0
    /// Revenue.
    public var revenue = Money.zero
    /// Cost.
    public var cost = Money.zero
    /// Credits used.
    public var credits = Credits.zero

    /// The group's gross margin.
    public var margin: GrossMargin { GrossMargin(revenue: revenue, cost: cost) }
}
