import Foundation
import Metering
import Postgres
import TallyDatabase

/// The answer of `GET /api/v1/accounts/{account}/entitlements/{feature}`.
public struct EntitlementAnswer: Sendable, Hashable {
    /// The decision and its reason.
    public let decision: EntitlementDecision
    /// The account's credits this period.
    public let ledger: CreditLedger
    /// The current billing period.
    public let period: BillingPeriod
}

/// Answers "may this account use this feature now?" from the hot counter: a few indexed reads
/// (account with plan and entitlement, the period's `period_usage` rows, active grants), never
/// a scan of events.
public struct EntitlementService: Sendable {
    let pool: PostgresPool

    /// A service over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The answer for the account with `externalID` and `feature`, with `requested` credits;
    /// nil when no account has that external id.
    public func check(account externalID: String, feature: String, requested: Credits, now: Date) async throws -> EntitlementAnswer? {
        try await pool.withTransaction(scope: .service) { connection in
            let rows = try await connection.query(
                """
                SELECT a.id, a.external_id, plan_in_effect(a, \(now)), a.status, a.time_zone, a.anchor_day,
                       p.included_credits, p.overage_policy, p.grace_bp, p.overage_price_per_credit,
                       e.enabled, e.period_limit
                FROM accounts a
                LEFT JOIN plans p ON p.id = plan_in_effect(a, \(now))
                LEFT JOIN entitlements e ON e.plan_id = plan_in_effect(a, \(now)) AND e.feature_key = \(feature)
                WHERE a.external_id = \(externalID)
                """)
            guard let row = rows.first else { return nil }
            let account = try IngestCatalog.meteredAccount(row)
            let included = try row.decode(Int64?.self, at: 6)
            let policy = try Self.policy(row)
            let entitlement = try Self.entitlement(row)
            let period = try account.period(containing: now)
            let (used, featureUsed) = try await usage(account: account.id, period: period, feature: feature, on: connection)
            let grants = try await activeGrants(account: account.id, at: now, on: connection)
            let ledger = try CreditLedger(
                included: account.planID == nil ? .limited(.zero) : included.map { .limited(Credits(millis: $0)) } ?? .unlimited,
                grants: grants, used: used, at: now)
            let decision = try EntitlementDecision.decide(
                status: account.status, entitlement: entitlement, featureUsed: featureUsed,
                policy: policy, ledger: ledger, requested: requested)
            return EntitlementAnswer(decision: decision, ledger: ledger, period: period)
        }
    }

    private static func policy(_ row: PostgresRow) throws -> OveragePolicy {
        let kind = try row.decode(String?.self, at: 7)
        if kind == "charge" { return .charge(pricePerCredit: Money(nanos: try row.decode(Int64.self, at: 9))) }
        return .block(grace: try BasisPoints(try row.decode(Int64?.self, at: 8) ?? 0))
    }

    private static func entitlement(_ row: PostgresRow) throws -> Entitlement? {
        guard let enabled = try row.decode(Bool?.self, at: 10) else { return nil }
        let limit = try row.decode(Int64?.self, at: 11)
        return Entitlement(enabled: enabled, periodLimit: limit.map { .limited(Credits(millis: $0)) } ?? .unlimited)
    }

    /// Credits used this period in total and by `feature`: one index range of `period_usage`.
    private func usage(account: Int64, period: BillingPeriod, feature: String, on connection: PostgresConnection) async throws -> (Credits, Credits) {
        let row = try await connection.query(
            """
            SELECT coalesce(sum(credits), 0)::bigint, coalesce(sum(credits) FILTER (WHERE feature_key = \(feature)), 0)::bigint
            FROM period_usage WHERE account_id = \(account) AND period_start = \(period.start)
            """).first!
        let (total, byFeature) = try row.decode((Int64, Int64).self)
        return (Credits(millis: total), Credits(millis: byFeature))
    }

    private func activeGrants(account: Int64, at now: Date, on connection: PostgresConnection) async throws -> [CreditGrant] {
        var grants: [CreditGrant] = []
        for row in try await connection.query(
            """
            SELECT kind, amount, granted_at, expires_at, price FROM credit_grants
            WHERE account_id = \(account) AND granted_at <= \(now) AND (expires_at IS NULL OR expires_at > \(now))
            """) {
            let (kind, amount, grantedAt, expiresAt, price) = try row.decode((String, Int64, Date, Date?, Int64?).self)
            grants.append(try CreditGrant(
                amount: Credits(millis: amount), kind: GrantKind(rawValue: kind) ?? .adjustment,
                grantedAt: grantedAt, expiresAt: expiresAt, price: price.map(Money.init(nanos:))))
        }
        return grants
    }
}
