import Foundation
import Metering
import Postgres
import TallyDatabase

/// Reads the customer dashboard from the rollups: the account and its plan, the period counter
/// (`period_usage`, the row the entitlement check reads), the period's `daily_usage` rows (one
/// index range, grouped three ways at once) and the active grants. Never reads `usage_events`.
public struct DashboardReader: Sendable {
    let pool: PostgresPool

    /// A reader over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The dashboard of `accountID` at `now`, in `scope` (a customer's own account scope); nil
    /// when the scope cannot see the account.
    public func dashboard(accountID: Int64, now: Date, scope: DataScope) async throws -> Dashboard? {
        try await pool.withTransaction(scope: scope) { connection in
            guard let account = try await Self.account(accountID, on: connection) else { return nil }
            let period = try BillingPeriod.containing(now, anchorDay: account.anchorDay, timeZone: account.timeZone)
            let previous = period.preceding
            let today = LocalDay(containing: now, in: account.timeZone)
            let totals = try await Self.periodTotals(accountID, current: period, previous: previous, on: connection)
            let breakdown = try await Self.breakdown(accountID, period: period, on: connection)
            let grants = try await Self.activeGrants(accountID, at: now, on: connection)
            let included: CreditLimit = account.plan?.included ?? .limited(.zero)
            let ledger = try CreditLedger(included: included, grants: grants, used: totals.used, at: now)
            let byDay = Dictionary(breakdown.days.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
            let lastShown = min(today, period.nextFirstDay.adding(days: -1))
            let daily = period.firstDay.through(lastShown).map { day in
                byDay[day.description] ?? NamedCredits(key: day.description, label: day.shortText, credits: .zero, events: 0)
            }
            return Dashboard(
                accountName: account.name, status: account.status, timeZone: account.timeZone,
                timeZoneName: account.timeZoneName, plan: account.plan,
                period: period, today: today, ledger: ledger, periodEvents: totals.events, daily: daily,
                previousPeriodCredits: totals.previous, previousPeriodDays: previous.firstDay.days(until: previous.nextFirstDay),
                byFeature: breakdown.features, byModel: breakdown.models, hasAnyUsage: totals.hasAny,
                projection: UsageProjection(used: totals.used, granted: ledger.granted, period: period, now: now))
        }
    }

    private struct AccountRow {
        let name: String
        let status: AccountStatus
        let timeZone: TimeZone
        let timeZoneName: String
        let anchorDay: Int
        let plan: DashboardPlan?
    }

    private static func account(_ id: Int64, on connection: PostgresConnection) async throws -> AccountRow? {
        let rows = try await connection.query(
            """
            SELECT a.name, a.status, a.time_zone, a.anchor_day,
                   p.name, p.included_credits, p.overage_policy, p.grace_bp, p.overage_price_per_credit
            FROM accounts a LEFT JOIN plans p ON p.id = a.plan_id
            WHERE a.id = \(id)
            """)
        guard let row = rows.first else { return nil }
        let (name, status, zone, anchorDay) = try row.decode((String, String, String, Int).self)
        let (planName, included, policy, grace, price) = try (
            row.decode(String?.self, at: 4), row.decode(Int64?.self, at: 5), row.decode(String?.self, at: 6),
            row.decode(Int64?.self, at: 7), row.decode(Int64?.self, at: 8))
        var plan: DashboardPlan?
        if let planName {
            let overage: OveragePolicy = if policy == "charge" {
                .charge(pricePerCredit: Money(nanos: price ?? 0))
            } else {
                .block(grace: try BasisPoints(grace ?? 0))
            }
            plan = DashboardPlan(
                name: planName, included: included.map { .limited(Credits(millis: $0)) } ?? .unlimited, overage: overage)
        }
        return AccountRow(
            name: name, status: AccountStatus(rawValue: status) ?? .paused,
            timeZone: TimeZone(identifier: zone) ?? TimeZone(secondsFromGMT: 0)!, timeZoneName: zone, anchorDay: anchorDay,
            plan: plan)
    }

    /// This period's credits and events and the previous period's credits (the counter the
    /// entitlement check reads), and whether the account has any usage at all.
    private static func periodTotals(
        _ account: Int64, current: BillingPeriod, previous: BillingPeriod, on connection: PostgresConnection
    ) async throws -> (used: Credits, events: Int64, previous: Credits, hasAny: Bool) {
        let rows = try await connection.query(
            """
            SELECT coalesce(sum(credits) FILTER (WHERE period_start = \(current.start)), 0)::bigint,
                   coalesce(sum(events) FILTER (WHERE period_start = \(current.start)), 0)::bigint,
                   coalesce(sum(credits) FILTER (WHERE period_start = \(previous.start)), 0)::bigint,
                   EXISTS (SELECT 1 FROM daily_usage WHERE account_id = \(account))
            FROM period_usage
            WHERE account_id = \(account) AND period_start IN (\(current.start), \(previous.start))
            """)
        guard let row = rows.first else { return (.zero, 0, .zero, false) }
        let (used, events, previousCredits, hasAny) = try row.decode((Int64, Int64, Int64, Bool).self)
        return (Credits(millis: used), events, Credits(millis: previousCredits), hasAny)
    }

    /// The period's `daily_usage` grouped by day, by feature and by model in one pass. In each
    /// grouping set the other keys are NULL (the rollup stores `''`, never NULL, for "none").
    private static func breakdown(
        _ account: Int64, period: BillingPeriod, on connection: PostgresConnection
    ) async throws -> (days: [NamedCredits], features: [NamedCredits], models: [NamedCredits]) {
        var days: [NamedCredits] = []
        var features: [NamedCredits] = []
        var models: [NamedCredits] = []
        for row in try await connection.query(
            """
            SELECT to_char(g.local_day, 'YYYY-MM-DD'), g.feature_key, g.model, g.credits, g.events, f.name
            FROM (
                SELECT local_day, feature_key, model, sum(credits)::bigint AS credits, sum(events)::bigint AS events
                FROM daily_usage
                WHERE account_id = \(account)
                  AND local_day >= \(period.firstDay.description)::date AND local_day < \(period.nextFirstDay.description)::date
                GROUP BY GROUPING SETS ((local_day), (feature_key), (model))
            ) g
            LEFT JOIN features f ON f.key = g.feature_key
            """) {
            let (day, feature, model, credits, events, featureName) =
                try row.decode((String?, String?, String?, Int64, Int64, String?).self)
            let amount = Credits(millis: credits)
            if let day, let parsed = LocalDay(day) {
                days.append(NamedCredits(key: day, label: parsed.shortText, credits: amount, events: events))
            } else if let feature {
                let label = feature.isEmpty ? "Unattributed" : featureName ?? feature
                features.append(NamedCredits(key: feature, label: label, credits: amount, events: events))
            } else if let model {
                models.append(NamedCredits(key: model, label: model.isEmpty ? "No model" : model, credits: amount, events: events))
            }
        }
        return (days, largestFirst(features), largestFirst(models))
    }

    /// Largest credits first; ties by label, so the order never depends on the database.
    static func largestFirst(_ rows: [NamedCredits]) -> [NamedCredits] {
        rows.sorted { ($0.credits.millis, $1.label) > ($1.credits.millis, $0.label) }
    }

    /// The grants active at `now`: the entitlement check's rule (granted ≤ now < expires).
    private static func activeGrants(_ account: Int64, at now: Date, on connection: PostgresConnection) async throws -> [CreditGrant] {
        try await connection.query(
            """
            SELECT kind, amount, granted_at, expires_at, price FROM credit_grants
            WHERE account_id = \(account) AND granted_at <= \(now) AND (expires_at IS NULL OR expires_at > \(now))
            """
        ).map { row in
            let (kind, amount, grantedAt, expiresAt, price) = try row.decode((String, Int64, Date, Date?, Int64?).self)
            return try CreditGrant(
                amount: Credits(millis: amount), kind: GrantKind(rawValue: kind) ?? .adjustment,
                grantedAt: grantedAt, expiresAt: expiresAt, price: price.map(Money.init(nanos:)))
        }
    }
}
