-- Totals that cannot overflow, by construction (docs/metering.md, "Bounds").
--
-- One event's counts and amounts are bounded by the ingest (tokens and output units at most
-- 10^9 each, cost at most 10^15 nano-USD, credits at most 10^12 milli-credits) and stay in
-- bigint columns. Every column that sums events' amounts becomes numeric(38,0): with at most
-- 2^53 events in a database, no sum comes near 10^38, while a bigint sum could be overflowed by
-- a handful of valid events (before this, two 5e18-token events or one 9.2-billion-dollar
-- cost_usd made a rollup overflow, and with it every later batch on that row, whatever its
-- account). Event counts and latency buckets count events and stay bigint (at most 2^53).

ALTER TABLE daily_usage
    ALTER COLUMN input_tokens        TYPE numeric(38, 0),
    ALTER COLUMN cached_input_tokens TYPE numeric(38, 0),
    ALTER COLUMN output_tokens       TYPE numeric(38, 0),
    ALTER COLUMN output_units        TYPE numeric(38, 0),
    ALTER COLUMN cost                TYPE numeric(38, 0),
    ALTER COLUMN credits             TYPE numeric(38, 0);

ALTER TABLE period_usage
    ALTER COLUMN credits TYPE numeric(38, 0),
    ALTER COLUMN cost    TYPE numeric(38, 0);

ALTER TABLE daily_operator_usage
    ALTER COLUMN output_units TYPE numeric(38, 0),
    ALTER COLUMN cost         TYPE numeric(38, 0);

-- Event ids are at most 128 characters as sent and stored in Unicode NFC (docs/api.md,
-- "Identity"); NFC lengthens a few rare characters, at most threefold.
ALTER TABLE usage_events DROP CONSTRAINT usage_events_event_id_check;
ALTER TABLE usage_events ADD CONSTRAINT usage_events_event_id_check
    CHECK (event_id <> '' AND length(event_id) <= 384);
