import Foundation
import Postgres

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
    /// the account's zone and anchor), and the active grants. Every column has a name of its
    /// own (`EntitlementRow` reads them by name), so a column added to a subquery cannot shift
    /// the others.
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
        SELECT c.position, k.key_id, k.key_name, k.key_prefix, k.key_scope, k.key_hash, k.bound_account,
               x.account_id, x.external_id, x.plan_id, x.status, x.time_zone, x.anchor_day,
               x.included_credits, x.overage_policy, x.grace_bp, x.overage_price_per_credit,
               x.enabled, x.period_limit,
               x.period_starts, x.period_credits, x.period_feature_credits,
               x.grant_kinds, x.grant_amounts, x.grant_granted_at, x.grant_expires_at, x.grant_prices
        FROM (
            SELECT set_config('app.scope', 'service', true) AS scope, set_config('app.account_id', '', true) AS account
            OFFSET 0
        ) scope
        CROSS JOIN LATERAL unnest(\(reads.map(\.keyHash)), \(reads.map(\.externalID)), \(reads.map(\.feature)), \(reads.map(\.now)))
            WITH ORDINALITY AS c(key_hash, external_id, feature, now, position)
        CROSS JOIN LATERAL (
            SELECT k.id AS key_id, k.name AS key_name, k.prefix AS key_prefix, k.scope AS key_scope, k.key_hash,
                   (SELECT b.external_id FROM accounts b WHERE b.id = k.account_id) AS bound_account
            FROM api_keys k
            WHERE k.key_hash = c.key_hash AND k.revoked_at IS NULL AND scope.scope IS NOT NULL
            OFFSET 0
        ) k
        LEFT JOIN LATERAL (
            SELECT a.id AS account_id, a.external_id, plan_in_effect(a, c.now) AS plan_id, a.status, a.time_zone, a.anchor_day,
                   p.included_credits, p.overage_policy, p.grace_bp, p.overage_price_per_credit,
                   e.enabled, e.period_limit,
                   u.starts AS period_starts, u.credits AS period_credits, u.feature_credits AS period_feature_credits,
                   g.kinds AS grant_kinds, g.amounts AS grant_amounts, g.granted_at AS grant_granted_at,
                   g.expires_at AS grant_expires_at, g.prices AS grant_prices
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
