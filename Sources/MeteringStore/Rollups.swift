/// The latency buckets, and the demo seed's rollup statements: constant SQL, fed by the `ins` CTE
/// (the rows the seed's statement inserted), so only new events are ever added. The ingest sums
/// by the same rules in Swift (`IngestRollups`); the rollup invariant of the tests checks both
/// against the raw events.
enum Rollups {
    /// Buckets of the daily latency histogram: 0 is 0 ms, b in 1…19 is [2^(b-1), 2^b) ms, the
    /// last also everything longer.
    static let latencyBuckets = 20

    /// The bucket of `durationMS` (the same rule as `bucketSQL`).
    static func bucket(ofDurationMS duration: Int64) -> Int {
        min(64 - duration.leadingZeroBitCount, latencyBuckets - 1)
    }

    /// The bucket in SQL: the bit length of duration_ms, at most 19.
    static let bucketSQL = "least(length(ltrim(duration_ms::bit(64)::text, '0')), 19)"

    /// `ARRAY[count of bucket 0, …, count of bucket 19]` over a group.
    static let histogramSQL = "ARRAY[" + (0..<latencyBuckets).map {
        "count(*) FILTER (WHERE bucket = \($0))"
    }.joined(separator: ", ") + "]::bigint[]"

    /// The `daily_usage` sums of the token kinds beyond input, cached input and output, and of
    /// web searches (`EventRows.extraKinds` order); the same names in `usage_events`.
    static let extraColumns = [
        "cache_write_5m_tokens", "cache_write_1h_tokens", "reasoning_tokens", "audio_input_tokens", "audio_output_tokens",
        "image_input_tokens", "web_search_queries",
    ]

    /// `extraColumns` joined with commas.
    static let extraColumnList = extraColumns.joined(separator: ", ")

    static let dailyUpsert = """
        INSERT INTO daily_usage AS d (account_id, local_day, feature_key, model, events, failures, input_tokens,
            cached_input_tokens, output_tokens, \(extraColumnList), output_units, cost, credits, latency)
        SELECT account_id, local_day, coalesce(feature_key, ''), coalesce(model, ''), count(*),
            count(*) FILTER (WHERE NOT success), sum(input_tokens), sum(cached_input_tokens),
            sum(output_tokens), \(extraColumns.map { "sum(\($0))" }.joined(separator: ", ")),
            sum(output_units), sum(cost), sum(credits), \(histogramSQL)
        FROM (SELECT *, CASE WHEN duration_ms IS NULL THEN NULL ELSE \(bucketSQL) END AS bucket FROM ins) i
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        \(dailyConflictSQL)
        """

    /// What an insert into `daily_usage AS d` does with a key that has a row: adds to it.
    static let dailyConflictSQL = """
        ON CONFLICT (account_id, local_day, feature_key, model) DO UPDATE SET
            events = d.events + EXCLUDED.events, failures = d.failures + EXCLUDED.failures,
            input_tokens = d.input_tokens + EXCLUDED.input_tokens,
            cached_input_tokens = d.cached_input_tokens + EXCLUDED.cached_input_tokens,
            output_tokens = d.output_tokens + EXCLUDED.output_tokens, output_units = d.output_units + EXCLUDED.output_units,
            \(extraColumns.map { "\($0) = d.\($0) + EXCLUDED.\($0)" }.joined(separator: ", ")),
            cost = d.cost + EXCLUDED.cost, credits = d.credits + EXCLUDED.credits,
            latency = \(histogramSumSQL)
        """

    /// `ARRAY[d.latency[1] + EXCLUDED.latency[1], …]`: element-wise sums without a subquery, which
    /// would be planned and run (unnest, sort, aggregate) for every updated row.
    static let histogramSumSQL = "ARRAY[" + (1...latencyBuckets).map {
        "d.latency[\($0)] + EXCLUDED.latency[\($0)]"
    }.joined(separator: ", ") + "]::bigint[]"

    static let periodUpsert = """
        INSERT INTO period_usage AS p (account_id, period_start, feature_key, events, credits, cost)
        SELECT account_id, period_start, coalesce(feature_key, ''), count(*), sum(credits), sum(cost)
        FROM ins GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        \(periodConflictSQL)
        """

    /// What an insert into `period_usage AS p` does with a key that has a row: adds to it.
    static let periodConflictSQL = """
        ON CONFLICT (account_id, period_start, feature_key) DO UPDATE SET
            events = p.events + EXCLUDED.events, credits = p.credits + EXCLUDED.credits, cost = p.cost + EXCLUDED.cost
        """
}
