import Foundation
import Metering
import Postgres

/// One account's current billing period at an instant, with what the scheduled rules need:
/// its ledger, overage policy, revenue parts and cost.
public struct AccountPeriod: Sendable, Hashable {
    /// The account's id, external id and name.
    public let accountID: Int64
    public let externalID: String
    public let name: String
    /// The account's time zone (for "today").
    public let timeZone: TimeZone
    /// The current billing period.
    public let period: BillingPeriod
    /// Whether the account has a plan.
    public let hasPlan: Bool
    /// Credits granted and used this period.
    public let ledger: CreditLedger
    /// The plan's overage policy (block without grace when there is no plan).
    public let policy: OveragePolicy
    /// The plan's fee (zero without a plan).
    public let fee: Money
    /// Sold top-ups granted within the period (the grants' prices).
    public let topUps: Money
    /// Cost of the period's events (provider cost plus overhead, as stored).
    public let cost: Money

    /// Revenue = fee + overage (charge plans) + sold top-ups.
    public func revenue() throws -> PeriodRevenue {
        let overage: Money = if case .charge(let price) = policy { try ledger.overageCharge(pricePerCredit: price) } else { .zero }
        return PeriodRevenue(fee: hasPlan ? fee : .zero, overage: overage, topUps: topUps)
    }

    /// The period's gross margin (`Metering.GrossMargin`).
    public func margin() throws -> GrossMargin {
        GrossMargin(revenue: try revenue().total(), cost: cost)
    }
}

/// Loads every account's current period: one query for the accounts and plans, one for usage
/// and grants of all of them (rollups and grants, never raw events).
enum AccountPeriods {
    static func load(at now: Date, on connection: PostgresConnection) async throws -> [AccountPeriod] {
        struct Base {
            let id: Int64, externalID: String, name: String, zone: TimeZone, period: BillingPeriod
            let hasPlan: Bool, included: Int64?, policy: OveragePolicy, fee: Int64
        }
        var bases: [Base] = []
        for row in try await connection.query(
            """
            SELECT a.id, a.external_id, a.name, a.time_zone, a.anchor_day, a.plan_id IS NOT NULL,
                   p.included_credits, p.overage_policy, p.grace_bp, p.overage_price_per_credit, p.monthly_fee
            FROM accounts a LEFT JOIN plans p ON p.id = a.plan_id
            ORDER BY a.id
            """) {
            let (id, externalID, name, zoneName, anchor, hasPlan) = try row.decode((Int64, String, String, String, Int, Bool).self)
            let included = try row.decode(Int64?.self, at: 6)
            let policyName = try row.decode(String?.self, at: 7)
            let grace = try row.decode(Int64?.self, at: 8) ?? 0
            let price = try row.decode(Int64?.self, at: 9) ?? 0
            let fee = try row.decode(Int64?.self, at: 10) ?? 0
            let zone = TimeZone(identifier: zoneName) ?? TimeZone(secondsFromGMT: 0)!
            let policy: OveragePolicy = policyName == "charge"
                ? .charge(pricePerCredit: Money(nanos: price)) : .block(grace: try BasisPoints(grace))
            bases.append(Base(
                id: id, externalID: externalID, name: name, zone: zone,
                period: try BillingPeriod.containing(now, anchorDay: anchor, timeZone: zone),
                hasPlan: hasPlan, included: included, policy: policy, fee: fee))
        }
        guard !bases.isEmpty else { return [] }
        var sums: [Int64: (used: Int64, cost: Int64, granted: Int64, topUps: Int64)] = [:]
        for row in try await connection.query(
            """
            SELECT t.account_id,
                (SELECT coalesce(sum(u.credits), 0)::bigint FROM period_usage u
                 WHERE u.account_id = t.account_id AND u.period_start = t.period_start),
                (SELECT coalesce(sum(u.cost), 0)::bigint FROM period_usage u
                 WHERE u.account_id = t.account_id AND u.period_start = t.period_start),
                (SELECT coalesce(sum(g.amount), 0)::bigint FROM credit_grants g
                 WHERE g.account_id = t.account_id AND g.granted_at <= \(now) AND (g.expires_at IS NULL OR g.expires_at > \(now))),
                (SELECT coalesce(sum(g.price), 0)::bigint FROM credit_grants g
                 WHERE g.account_id = t.account_id AND g.kind = 'top_up' AND g.price IS NOT NULL
                   AND g.granted_at >= t.period_start AND g.granted_at < t.period_end)
            FROM unnest(\(bases.map(\.id)), \(bases.map(\.period.start)), \(bases.map(\.period.end))) AS t(account_id, period_start, period_end)
            """) {
            let (id, used, cost, granted, topUps) = try row.decode((Int64, Int64, Int64, Int64, Int64).self)
            sums[id] = (used, cost, granted, topUps)
        }
        return try bases.map { base in
            let sum = sums[base.id] ?? (0, 0, 0, 0)
            let included: CreditLimit = !base.hasPlan ? .limited(.zero) : base.included.map { .limited(Credits(millis: $0)) } ?? .unlimited
            let extra = try CreditGrant(amount: Credits(millis: sum.granted), kind: .adjustment, grantedAt: .distantPast)
            return AccountPeriod(
                accountID: base.id, externalID: base.externalID, name: base.name, timeZone: base.zone, period: base.period,
                hasPlan: base.hasPlan,
                ledger: try CreditLedger(included: included, grants: [extra], used: Credits(millis: sum.used), at: now),
                policy: base.policy, fee: Money(nanos: base.fee), topUps: Money(nanos: sum.topUps), cost: Money(nanos: sum.cost))
        }
    }
}

/// One account's gross margin in its current billing period.
public struct AccountPeriodMargin: Sendable, Hashable {
    /// The account.
    public let accountID: Int64
    /// The account's name, for messages.
    public let accountName: String
    /// The current period's start.
    public let periodStart: Date
    /// Revenue and cost of the period so far.
    public let margin: GrossMargin

    /// A margin row.
    public init(accountID: Int64, accountName: String, periodStart: Date, margin: GrossMargin) {
        self.accountID = accountID
        self.accountName = accountName
        self.periodStart = periodStart
        self.margin = margin
    }
}

/// "What is each account's gross margin in its current period?" The low-margin rule asks only
/// this, so the margins page's read model can answer it too.
public protocol CurrentPeriodMargins: Sendable {
    /// Every account's margin in the period that holds `now`, on `connection` (service scope).
    func margins(at now: Date, on connection: PostgresConnection) async throws -> [AccountPeriodMargin]
}

/// The straightforward answer: fee + charge-plan overage + sold top-ups of the period, against
/// the period's stored cost, from `period_usage` and `credit_grants`.
public struct RollupPeriodMargins: CurrentPeriodMargins {
    /// The query keeps no state.
    public init() {}

    public func margins(at now: Date, on connection: PostgresConnection) async throws -> [AccountPeriodMargin] {
        try await AccountPeriods.load(at: now, on: connection).map {
            AccountPeriodMargin(accountID: $0.accountID, accountName: $0.name, periodStart: $0.period.start, margin: try $0.margin())
        }
    }
}
