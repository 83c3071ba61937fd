import Foundation
import Metering
import Postgres
import TallyDatabase

/// A plan in the plans list, with how many accounts are on it now.
public struct PlanListRow: Sendable, Hashable {
    public let plan: PlanSummary
    /// Accounts whose plan in effect now is this one.
    public let accounts: Int
    /// Accounts that move to this plan at their next period.
    public let scheduled: Int
}

/// A plan's entitlement to one feature, or none (`entitlement` nil) for a feature it lacks.
public struct PlanFeatureRow: Sendable, Hashable {
    public let featureKey: String
    public let featureName: String
    /// The feature's own credit rule.
    public let featureRule: CreditRule
    public let entitlement: Entitlement?
}

/// A registered feature.
public struct FeatureRow: Sendable, Hashable {
    public let key: String
    public let name: String
    public let rule: CreditRule
    /// Plans that enable it.
    public let plans: Int
}

/// A feature key seen on events but not registered: its events earn no credits until it is.
public struct UnregisteredFeature: Sendable, Hashable {
    public let key: String
    public let events: Int64
    public let accounts: Int
    public let lastDay: String
}

/// Plans and features as the admin pages list them (staff scope).
public struct PlanCatalogReport: Sendable {
    let pool: PostgresPool

    /// A read model over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Every plan, active ones first, with account counts at `now`.
    public func plans(now: Date) async throws -> [PlanListRow] {
        try await pool.withTransaction(scope: .staff) { connection in
            try await connection.query(
                """
                SELECT \(unsafeRaw: Self.planColumns),
                       (SELECT count(*) FROM accounts a WHERE plan_in_effect(a, \(now)) = p.id)::bigint,
                       (SELECT count(*) FROM accounts a WHERE a.next_plan_id = p.id AND a.next_plan_from > \(now))::bigint
                FROM plans p ORDER BY p.archived, lower(p.name), p.id
                """
            ).map { row in
                PlanListRow(plan: try Self.plan(row), accounts: try row.decode(Int.self, at: 9), scheduled: try row.decode(Int.self, at: 10))
            }
        }
    }

    /// Plans that can be chosen for an account (not archived).
    public func choosablePlans() async throws -> [PlanSummary] {
        try await pool.withTransaction(scope: .staff) { connection in
            try await connection.query("SELECT \(unsafeRaw: Self.planColumns) FROM plans p WHERE NOT archived ORDER BY lower(name), id")
                .map(Self.plan)
        }
    }

    /// One plan and its entitlement to every registered feature; nil when there is no such plan.
    public func plan(_ id: Int64, now: Date) async throws -> (PlanListRow, [PlanFeatureRow])? {
        guard let row = try await plans(now: now).first(where: { $0.plan.id == id }) else { return nil }
        let features = try await pool.withTransaction(scope: .staff) { connection in
            try await connection.query(
                """
                SELECT f.key, f.name, f.credit_rule_kind, f.credit_rule_rate,
                       e.enabled, e.rule_override_kind, e.rule_override_rate, e.period_limit
                FROM features f LEFT JOIN entitlements e ON e.feature_key = f.key AND e.plan_id = \(id)
                ORDER BY f.key
                """
            ).map { row in
                let (key, name, kind, rate, enabled, overrideKind, overrideRate, limit) =
                    try row.decode((String, String, String, Int64, Bool?, String?, Int64?, Int64?).self)
                let override: CreditRule? = if let overrideKind, let overrideRate {
                    CreditRule(kind: overrideKind, rate: Credits(millis: overrideRate))
                } else { nil }
                return PlanFeatureRow(
                    featureKey: key, featureName: name,
                    featureRule: CreditRule(kind: kind, rate: Credits(millis: rate)) ?? .perEvent(.zero),
                    entitlement: enabled.map { isOn in
                        Entitlement(
                            enabled: isOn, creditRuleOverride: override,
                            periodLimit: limit.map { .limited(Credits(millis: $0)) } ?? .unlimited)
                    })
            }
        }
        return (row, features)
    }

    /// Every registered feature.
    public func features() async throws -> [FeatureRow] {
        try await pool.withTransaction(scope: .staff) { connection in
            try await connection.query(
                """
                SELECT f.key, f.name, f.credit_rule_kind, f.credit_rule_rate,
                       (SELECT count(*) FROM entitlements e WHERE e.feature_key = f.key AND e.enabled)::bigint
                FROM features f ORDER BY f.key
                """
            ).map { row in
                let (key, name, kind, rate, plans) = try row.decode((String, String, String, Int64, Int).self)
                return FeatureRow(key: key, name: name, rule: CreditRule(kind: kind, rate: Credits(millis: rate)) ?? .perEvent(.zero), plans: plans)
            }
        }
    }

    /// One feature; nil when not registered.
    public func feature(_ key: String) async throws -> FeatureRow? {
        try await features().first { $0.key == key }
    }

    /// Feature keys on events (from the daily rollup) that are not registered, most events first.
    public func unregisteredFeatures() async throws -> [UnregisteredFeature] {
        try await pool.withTransaction(scope: .staff) { connection in
            try await connection.query(
                """
                SELECT d.feature_key, sum(d.events)::bigint, count(DISTINCT d.account_id)::bigint, to_char(max(d.local_day), 'YYYY-MM-DD')
                FROM daily_usage d
                WHERE d.feature_key <> '' AND NOT EXISTS (SELECT 1 FROM features f WHERE f.key = d.feature_key)
                GROUP BY d.feature_key ORDER BY 2 DESC, 1
                """
            ).map { row in
                let (key, events, accounts, last) = try row.decode((String, Int64, Int, String).self)
                return UnregisteredFeature(key: key, events: events, accounts: accounts, lastDay: last)
            }
        }
    }

    static let planColumns =
        "p.id, p.code, p.name, p.monthly_fee, p.included_credits, p.overage_policy, p.grace_bp, p.overage_price_per_credit, p.archived"

    /// Decodes ``planColumns`` (9 columns; the list's counts follow at 9 and 10).
    static func plan(_ row: PostgresRow) throws -> PlanSummary {
        let (id, code, name, fee, included, policy, grace, price, archived) =
            try row.decode((Int64, String, String, Int64, Int64?, String, Int64, Int64, Bool).self)
        let overage: OveragePolicy = try policy == "charge"
            ? .charge(pricePerCredit: Money(nanos: price)) : .block(grace: BasisPoints(grace))
        return PlanSummary(
            id: id, code: code, name: name, monthlyFee: Money(nanos: fee),
            included: included.map { .limited(Credits(millis: $0)) } ?? .unlimited, overage: overage, archived: archived)
    }

    /// One plan by id, in a caller's transaction.
    static func summary(_ id: Int64, on connection: PostgresConnection) async throws -> PlanSummary? {
        try await connection.query("SELECT \(unsafeRaw: planColumns) FROM plans p WHERE p.id = \(id)").first.map(plan)
    }
}
