import Foundation
import Metering
import Postgres

/// The answer of `GET /api/v1/accounts/{account}/entitlements/{feature}`.
public struct EntitlementAnswer: Sendable, Hashable {
    /// The decision and its reason.
    public let decision: EntitlementDecision
    /// The account's credits this period.
    public let ledger: CreditLedger
    /// The current billing period.
    public let period: BillingPeriod
}

/// The outcome of an entitlement check made with the caller's API key.
public enum EntitlementCheck: Sendable, Hashable {
    /// The key is unknown, malformed or revoked (401).
    case unauthenticated
    /// The key is valid, but no account has the external id (404).
    case unknownAccount(APIKeyIdentity)
    /// The key is valid and this is the answer.
    case answered(APIKeyIdentity, EntitlementAnswer)
}

/// Answers "may this account use this feature now?" from the hot counter, never a scan of
/// events.
///
/// The API key check and every read behind the answer are one statement (`EntitlementRead`),
/// sent over the pool's shared connections together with the other checks waiting there
/// (`PostgresPool.read`). Nothing is cached, so a revoked key fails and a committed event counts
/// on the very next check.
public struct EntitlementService: Sendable {
    let pool: PostgresPool
    /// The current period per time zone and anchor day (pure calendar arithmetic, remembered).
    let placements = CalendarPlacements()

    /// A service over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Authenticates `secret` (the API key as sent) and answers for the account with
    /// `externalID` and `feature`, with `requested` credits. A nil external id or feature names
    /// nothing (text no account or feature can have): the key is still checked, and the answer
    /// is then `unknownAccount`, or `not_in_plan` for the feature.
    public func check(
        presenting secret: String, account externalID: String?, feature: String?, requested: Credits, now: Date
    ) async throws -> EntitlementCheck {
        guard let hash = APIKeyStore.hash(ofPresented: secret) else { return .unauthenticated }
        let rows = try await pool.read(EntitlementRead(keyHash: Data(hash), externalID: externalID, feature: feature, now: now))
        guard let row = rows.first, var key = try APIKeyStore.verifiedIdentity(row, hash: hash, from: Column.key) else {
            return .unauthenticated
        }
        key.boundAccount = try row.decode(String?.self, at: Column.boundAccount)
        guard !row.isNull(at: Column.account) else { return .unknownAccount(key) }
        return .answered(key, try Self.answer(row, requested: requested, now: now, placements: placements))
    }

    /// Column positions in the check's row.
    enum Column {
        /// The API key's id, name, prefix, scope and hash.
        static let key = 1
        static let account = 6
        static let includedCredits = 12
        static let overagePolicy = 13
        static let graceBP = 14
        static let overagePrice = 15
        static let enabled = 16
        static let periodLimit = 17
        static let periodStarts = 18
        static let periodCredits = 19
        static let periodFeatureCredits = 20
        static let grants = 21
        /// The external id of the account a customer's key belongs to (after the five grant arrays).
        static let boundAccount = 26
    }

    static func answer(
        _ row: PostgresRow, requested: Credits, now: Date, placements: CalendarPlacements
    ) throws -> EntitlementAnswer {
        let account = try IngestCatalog.meteredAccount(row, from: Column.account)
        let included = try row.decode(Int64?.self, at: Column.includedCredits)
        let period = try placements.placement(of: now, for: account).period
        let (used, featureUsed) = try usage(row, in: period)
        let ledger = try CreditLedger(
            included: account.planID == nil ? .limited(.zero) : included.map { .limited(Credits(millis: $0)) } ?? .unlimited,
            grants: try grants(row), used: used, at: now)
        let decision = try EntitlementDecision.decide(
            status: account.status, entitlement: try entitlement(row), featureUsed: featureUsed,
            policy: try policy(row), ledger: ledger, requested: requested)
        return EntitlementAnswer(decision: decision, ledger: ledger, period: period)
    }

    private static func policy(_ row: PostgresRow) throws -> OveragePolicy {
        let kind = try row.decode(String?.self, at: Column.overagePolicy)
        if kind == "charge" { return .charge(pricePerCredit: Money(nanos: try row.decode(Int64.self, at: Column.overagePrice))) }
        return .block(grace: try BasisPoints(try row.decode(Int64?.self, at: Column.graceBP) ?? 0))
    }

    private static func entitlement(_ row: PostgresRow) throws -> Entitlement? {
        guard let enabled = try row.decode(Bool?.self, at: Column.enabled) else { return nil }
        let limit = try row.decode(Int64?.self, at: Column.periodLimit)
        return Entitlement(enabled: enabled, periodLimit: limit.map { .limited(Credits(millis: $0)) } ?? .unlimited)
    }

    /// Credits used in `period` in total and by the feature: the entry of the recent periods
    /// whose start is this period's (none: nothing used yet).
    private static func usage(_ row: PostgresRow, in period: BillingPeriod) throws -> (Credits, Credits) {
        let starts = try row.decode([Date]?.self, at: Column.periodStarts) ?? []
        guard let index = starts.firstIndex(of: period.start) else { return (.zero, .zero) }
        let totals = try row.decode([Int128].self, at: Column.periodCredits)
        let byFeature = try row.decode([Int128].self, at: Column.periodFeatureCredits)
        return (Credits(millis: totals[index]), Credits(millis: byFeature[index]))
    }

    private static func grants(_ row: PostgresRow) throws -> [CreditGrant] {
        guard let kinds = try row.decode([String]?.self, at: Column.grants) else { return [] }
        let amounts = try row.decode([Int64].self, at: Column.grants + 1)
        let grantedAt = try row.decode([Date].self, at: Column.grants + 2)
        let expiresAt = try row.decode([Date?].self, at: Column.grants + 3)
        let prices = try row.decode([Int64?].self, at: Column.grants + 4)
        return try kinds.indices.map { index in
            try CreditGrant(
                amount: Credits(millis: amounts[index]), kind: GrantKind(rawValue: kinds[index]) ?? .adjustment,
                grantedAt: grantedAt[index], expiresAt: expiresAt[index], price: prices[index].map(Money.init(nanos:)))
        }
    }
}

/// What one entitlement check reads: the key presented, and the account's plan, entitlement,
/// recent period usage and active grants for the feature.
struct EntitlementRead: BatchedRead {
    let keyHash: Data
    /// NULL names no account.
    let externalID: String?
    /// NULL names no feature.
    let feature: String?
    let now: Date

    /// The checks as one statement. Each check's row comes only for a known, unrevoked key:
    /// its position, the key, then the account with its plan and the feature's entitlement
    /// (NULL: no such account), the credits used per period that started in the last 32 days (a
    /// period is at most 31 days and an hour; the caller picks the current one, computed from
    /// the account's zone and anchor), and the active grants.
    ///
    /// Row-level security needs the data scope set before any tenant row is read. `scope` calls
    /// `set_config(…, true)`, which lasts until the end of the statement's own implicit
    /// transaction, exactly like `DataScope.service` inside a transaction. The key read (`k`:
    /// `api_keys` has row-level security too, migration 0006) and the tenant reads (`x`) sit in
    /// LATERAL subqueries that refer to `scope`, all fenced with `OFFSET 0` so the planner cannot
    /// flatten them: they can only run after `scope` has produced its row. Were that order ever
    /// broken, `app_can_see_account` would raise "no data scope" (fail closed), never show rows.
    /// `EntitlementTests` check that the scope ends with the statement.
    static func batchQuery(_ reads: [EntitlementRead]) -> PostgresQuery {
        """
        SELECT c.position, k.id, k.name, k.prefix, k.scope, k.key_hash, x.*, k.bound_account
        FROM (
            SELECT set_config('app.scope', 'service', true) AS scope, set_config('app.account_id', '', true) AS account
            OFFSET 0
        ) scope
        CROSS JOIN LATERAL unnest(\(reads.map(\.keyHash)), \(reads.map(\.externalID)), \(reads.map(\.feature)), \(reads.map(\.now)))
            WITH ORDINALITY AS c(key_hash, external_id, feature, now, position)
        CROSS JOIN LATERAL (
            SELECT k.id, k.name, k.prefix, k.scope, k.key_hash,
                   (SELECT b.external_id FROM accounts b WHERE b.id = k.account_id) AS bound_account
            FROM api_keys k
            WHERE k.key_hash = c.key_hash AND k.revoked_at IS NULL AND scope.scope IS NOT NULL
            OFFSET 0
        ) k
        LEFT JOIN LATERAL (
            SELECT a.id, a.external_id, plan_in_effect(a, c.now) AS plan_id, a.status, a.time_zone, a.anchor_day,
                   p.included_credits, p.overage_policy, p.grace_bp, p.overage_price_per_credit,
                   e.enabled, e.period_limit,
                   u.starts, u.credits, u.feature_credits,
                   g.kinds, g.amounts, g.granted_at, g.expires_at, g.prices
            FROM accounts a
            LEFT JOIN plans p ON p.id = plan_in_effect(a, c.now)
            LEFT JOIN entitlements e ON e.plan_id = plan_in_effect(a, c.now) AND e.feature_key = c.feature
            LEFT JOIN LATERAL (
                SELECT array_agg(t.period_start) AS starts, array_agg(t.total) AS credits,
                       array_agg(t.by_feature) AS feature_credits
                FROM (
                    SELECT pu.period_start, sum(pu.credits) AS total,
                           coalesce(sum(pu.credits) FILTER (WHERE pu.feature_key = c.feature), 0) AS by_feature
                    FROM period_usage pu
                    WHERE pu.account_id = a.id AND pu.period_start > c.now - interval '32 days' AND pu.period_start <= c.now
                    GROUP BY pu.period_start
                ) t
            ) u ON true
            LEFT JOIN LATERAL (
                SELECT array_agg(cg.kind) AS kinds, array_agg(cg.amount) AS amounts, array_agg(cg.granted_at) AS granted_at,
                       array_agg(cg.expires_at) AS expires_at, array_agg(cg.price) AS prices
                FROM credit_grants cg
                WHERE cg.account_id = a.id AND cg.granted_at <= c.now AND (cg.expires_at IS NULL OR cg.expires_at > c.now)
            ) g ON true
            WHERE a.external_id = c.external_id AND scope.scope IS NOT NULL
            OFFSET 0
        ) x ON true
        """
    }
}
