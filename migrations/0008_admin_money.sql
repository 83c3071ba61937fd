-- The admin overview (issue 7) reports cost per output unit per feature from the daily rollup, so
-- daily_usage carries the sum of output_units like its other counters. Existing rows are filled
-- from their events; the ingest's upsert (MeteringStore/Rollups.swift) keeps it from now on.

ALTER TABLE daily_usage ADD COLUMN output_units bigint NOT NULL DEFAULT 0;

UPDATE daily_usage d SET output_units = e.units
FROM (
    SELECT account_id, local_day, coalesce(feature_key, '') AS feature_key, coalesce(model, '') AS model,
           sum(output_units)::bigint AS units
    FROM usage_events GROUP BY 1, 2, 3, 4
) e
WHERE d.account_id = e.account_id AND d.local_day = e.local_day AND d.feature_key = e.feature_key AND d.model = e.model;

-- The overview groups the whole operator's daily rollup by day within a range.
CREATE INDEX daily_usage_day_idx ON daily_usage (local_day);
