-- The entitlement check in one round trip (issue 5: p99 ≤ 5 ms at 64 connections).
--
-- Before, a check was an API-key lookup, then BEGIN, set_config, three reads and COMMIT: seven
-- round trips, each a thread hop in the app. This function does the same work inside one
-- statement, so the app sends one prepared EXECUTE and reads one row:
--
--   * the key is looked up first; no row at all means unknown or revoked (the app answers 401).
--     Nothing is cached anywhere, so a revoked key fails on its very next use.
--   * the data scope is then set with set_config(…, true), exactly as DataScope.service does
--     (migration 0003). In a single statement outside BEGIN the implicit transaction ends with
--     the statement, so the scope ends with it too. plpgsql runs its statements in order, so the
--     scope is set before row-level security reads it.
--   * one row follows: the key, the account with its plan and the feature's entitlement (NULL
--     account columns: no such account, 404), the credits used per recent period (the app picks
--     the current period, computed from the account's time zone and anchor day), and the active
--     grants. Every read is an index lookup or a short index range.
--
-- SECURITY INVOKER (the default): row-level security applies as for any other query.

CREATE FUNCTION tally_entitlement_check(p_key_hash bytea, p_external_id text, p_feature text, p_now timestamptz)
RETURNS TABLE (
    key_id bigint, key_name text, key_prefix text, key_scope text, key_hash bytea,
    account_id bigint, external_id text, plan_id bigint, status text, time_zone text, anchor_day integer,
    included_credits bigint, overage_policy text, grace_bp bigint, overage_price_per_credit bigint,
    enabled boolean, period_limit bigint,
    period_starts timestamptz[], period_credits bigint[], period_feature_credits bigint[],
    grant_kinds text[], grant_amounts bigint[], grant_granted_at timestamptz[],
    grant_expires_at timestamptz[], grant_prices bigint[]
)
LANGUAGE plpgsql VOLATILE
AS $$
#variable_conflict use_column
DECLARE
    k api_keys%ROWTYPE;
BEGIN
    SELECT * INTO k FROM api_keys WHERE api_keys.key_hash = p_key_hash AND revoked_at IS NULL;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    PERFORM set_config('app.scope', 'service', true), set_config('app.account_id', '', true);
    RETURN QUERY
    SELECT k.id, k.name, k.prefix, k.scope, k.key_hash,
           a.id, a.external_id, a.plan_id, a.status, a.time_zone, a.anchor_day,
           p.included_credits, p.overage_policy, p.grace_bp, p.overage_price_per_credit,
           e.enabled, e.period_limit,
           u.starts, u.credits, u.feature_credits,
           g.kinds, g.amounts, g.granted_at, g.expires_at, g.prices
    FROM (SELECT 1) AS one
    LEFT JOIN accounts a ON a.external_id = p_external_id
    LEFT JOIN plans p ON p.id = a.plan_id
    LEFT JOIN entitlements e ON e.plan_id = a.plan_id AND e.feature_key = p_feature
    LEFT JOIN LATERAL (
        -- A period is at most 31 days and an hour long, so the current one started within 32 days.
        SELECT array_agg(s.period_start) AS starts, array_agg(s.total) AS credits,
               array_agg(s.by_feature) AS feature_credits
        FROM (
            SELECT pu.period_start, sum(pu.credits)::bigint AS total,
                   coalesce(sum(pu.credits) FILTER (WHERE pu.feature_key = p_feature), 0)::bigint AS by_feature
            FROM period_usage pu
            WHERE pu.account_id = a.id AND pu.period_start > p_now - interval '32 days' AND pu.period_start <= p_now
            GROUP BY pu.period_start
        ) s
    ) u ON true
    LEFT JOIN LATERAL (
        SELECT array_agg(cg.kind) AS kinds, array_agg(cg.amount) AS amounts, array_agg(cg.granted_at) AS granted_at,
               array_agg(cg.expires_at) AS expires_at, array_agg(cg.price) AS prices
        FROM credit_grants cg
        WHERE cg.account_id = a.id AND cg.granted_at <= p_now AND (cg.expires_at IS NULL OR cg.expires_at > p_now)
    ) g ON true;
END;
$$;
