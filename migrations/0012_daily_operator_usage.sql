-- The admin overview (issue 7) reads a per-day operator rollup instead of grouping a range of
-- daily_usage: daily_usage has one row per account, local day, feature and model (≈ 14,500 a
-- month on the demo), and summing twenty latency buckets over those rows made the overview miss
-- its p99 ≤ 50 ms goal. Without the account dimension a month is a few hundred rows.
--
-- daily_operator_usage holds, per local day (each account's own day, as in daily_usage), feature
-- and model, the sums over every account of what the overview reads: events, failures, output
-- units, cost and the latency histogram. It always equals the same sums over daily_usage (and so
-- over usage_events); three writers keep it so, each in the transaction that changes the events:
--   the ingest  (MeteringStore/OperatorRollup.swift: one upsert, the last statement before COMMIT,
--                rows in key order, because every ingest adds to the same few rows),
--   re-rating   (the cost differences, through the same upsert),
--   seed-demo   (filled from daily_usage after its COPY).
--
-- It has no account: only the staff and service scopes may read or write it. An account scope
-- sees no rows (and may write none); with no scope set, a query fails closed like every tenant
-- table's (0010's app_no_data_scope).

CREATE TABLE daily_operator_usage (
    local_day     date NOT NULL,
    feature_key   text NOT NULL,   -- '' : unattributed
    model         text NOT NULL,   -- '' : no model
    events        bigint NOT NULL,
    failures      bigint NOT NULL,
    output_units  bigint NOT NULL,
    cost          bigint NOT NULL, -- nano-USD
    -- Events per latency bucket, as daily_usage.latency (0004).
    latency       bigint[] NOT NULL CHECK (cardinality(latency) = 20),
    PRIMARY KEY (local_day, feature_key, model)
);

CREATE FUNCTION app_can_see_operator_data() RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT CASE current_setting('app.scope', true)
        WHEN 'staff' THEN true
        WHEN 'service' THEN true
        WHEN 'account' THEN false
        ELSE app_no_data_scope()
    END
$$;

ALTER TABLE daily_operator_usage ENABLE ROW LEVEL SECURITY;
ALTER TABLE daily_operator_usage FORCE ROW LEVEL SECURITY;
CREATE POLICY operator_only ON daily_operator_usage
    USING (app_can_see_operator_data()) WITH CHECK (app_can_see_operator_data());

-- The backfill reads daily_usage, whose policy (forced on the owner too) needs a scope.
SELECT set_config('app.scope', 'service', true), set_config('app.account_id', '', true);

INSERT INTO daily_operator_usage (local_day, feature_key, model, events, failures, output_units, cost, latency)
SELECT local_day, feature_key, model, sum(events)::bigint, sum(failures)::bigint, sum(output_units)::bigint,
       sum(cost)::bigint,
       ARRAY[sum(latency[1]), sum(latency[2]), sum(latency[3]), sum(latency[4]), sum(latency[5]),
             sum(latency[6]), sum(latency[7]), sum(latency[8]), sum(latency[9]), sum(latency[10]),
             sum(latency[11]), sum(latency[12]), sum(latency[13]), sum(latency[14]), sum(latency[15]),
             sum(latency[16]), sum(latency[17]), sum(latency[18]), sum(latency[19]), sum(latency[20])]::bigint[]
FROM daily_usage
GROUP BY local_day, feature_key, model;
