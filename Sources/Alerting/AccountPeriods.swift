import Foundation
import Metering
import Postgres

/// One account's current billing period at an instant, with what the cap and spike rules need:
/// its ledger and overage policy. (Margins come from `Reporting.MarginReport`: see
/// ``MarginReportPeriodMargins``.)
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
}

/// Loads every account's current period: one query for the accounts and plans, one for credits
/// used and granted of all of them (rollups and grants, never raw events).
enum AccountPeriods {
    static func load(at now: Date, on connection: PostgresConnection) async throws -> [AccountPeriod] {
        struct Base {
            let id: Int64, externalID: String, name: String, zone: TimeZone, period: BillingPeriod
            let hasPlan: Bool, included: Int64?, policy: OveragePolicy
        }
        var bases: [Base] = []
        for row in try await connection.query(
            """
            SELECT a.id, a.external_id, a.name, a.time_zone, a.anchor_day, plan_in_effect(a, \(now)) IS NOT NULL,
                   p.included_credits, p.overage_policy, p.grace_bp, p.overage_price_per_credit
            FROM accounts a LEFT JOIN plans p ON p.id = plan_in_effect(a, \(now))
            ORDER BY a.id
            """) {
            let (id, externalID, name, zoneName, anchor, hasPlan) = try row.decode((Int64, String, String, String, Int, Bool).self)
            let included = try row.decode(Int64?.self, at: 6)
            let policyName = try row.decode(String?.self, at: 7)
            let grace = try row.decode(Int64?.self, at: 8) ?? 0
            let price = try row.decode(Int64?.self, at: 9) ?? 0
            let zone = TimeZone(identifier: zoneName) ?? TimeZone(secondsFromGMT: 0)!
            let policy: OveragePolicy = policyName == "charge"
                ? .charge(pricePerCredit: Money(nanos: price)) : .block(grace: try BasisPoints(grace))
            bases.append(Base(
                id: id, externalID: externalID, name: name, zone: zone,
                period: try BillingPeriod.containing(now, anchorDay: anchor, timeZone: zone),
                hasPlan: hasPlan, included: included, policy: policy))
        }
        guard !bases.isEmpty else { return [] }
        var sums: [Int64: (used: Int128, granted: Int128)] = [:]
        for row in try await connection.query(
            """
            SELECT t.account_id,
                (SELECT coalesce(sum(u.credits), 0) FROM period_usage u
                 WHERE u.account_id = t.account_id AND u.period_start = t.period_start),
                (SELECT coalesce(sum(g.amount), 0) FROM credit_grants g
                 WHERE g.account_id = t.account_id AND g.granted_at <= \(now) AND (g.expires_at IS NULL OR g.expires_at > \(now)))
            FROM unnest(\(bases.map(\.id)), \(bases.map(\.period.start))) AS t(account_id, period_start)
            """) {
            let (id, used, granted) = try row.decode((Int64, Int128, Int128).self)
            sums[id] = (used, granted)
        }
        return try bases.map { base in
            let sum = sums[base.id] ?? (0, 0)
            let included: CreditLimit = !base.hasPlan ? .limited(.zero) : base.included.map { .limited(Credits(millis: $0)) } ?? .unlimited
            let extra = try CreditGrant(amount: Credits(millis: sum.granted), kind: .adjustment, grantedAt: .distantPast)
            return AccountPeriod(
                accountID: base.id, externalID: base.externalID, name: base.name, timeZone: base.zone, period: base.period,
                hasPlan: base.hasPlan,
                ledger: try CreditLedger(included: included, grants: [extra], used: Credits(millis: sum.used), at: now),
                policy: base.policy)
        }
    }
}
