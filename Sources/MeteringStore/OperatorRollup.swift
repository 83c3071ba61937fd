import Postgres

/// Changes to `daily_operator_usage` (migration 0012): per local day, feature and model, the
/// sums over every account that the admin overview reads. Built in Swift from the rows a
/// transaction changed, written by one upsert.
///
/// Every ingest adds to the same few rows (a day has one per feature and model, whatever the
/// account), so concurrent ingest transactions queue on their locks. The upsert therefore runs
/// as the last statement before COMMIT, holding the locks as briefly as possible, and takes them
/// in key order, so two transactions never wait for each other in a cycle.
struct OperatorRollupDelta {
    /// A row's key; the day as `YYYY-MM-DD`, `''` for no feature or no model.
    struct Key: Hashable {
        let day: String
        let feature: String
        let model: String
    }

    /// What a row gains.
    struct Sums {
        var events: Int64 = 0
        var failures: Int64 = 0
        var outputUnits: Int64 = 0
        var cost: Int64 = 0
        var latency = [Int64](repeating: 0, count: Rollups.latencyBuckets)
    }

    private(set) var rows: [Key: Sums] = [:]

    /// Nothing to write.
    var isEmpty: Bool { rows.isEmpty }

    /// Adds one stored event (the same rules as the `daily_usage` upsert: a failure is
    /// `success == false`, an event without a duration is in no latency bucket).
    mutating func addEvent(
        day: String, feature: String?, model: String?, success: Bool, outputUnits: Int64, cost: Int64, durationMS: Int64?
    ) throws {
        let key = Key(day: day, feature: feature ?? "", model: model ?? "")
        var sums = rows[key] ?? Sums()
        sums.events = try Self.add(sums.events, 1)
        sums.failures = try Self.add(sums.failures, success ? 0 : 1)
        sums.outputUnits = try Self.add(sums.outputUnits, outputUnits)
        sums.cost = try Self.add(sums.cost, cost)
        if let durationMS {
            let bucket = Rollups.bucket(ofDurationMS: durationMS)
            sums.latency[bucket] = try Self.add(sums.latency[bucket], 1)
        }
        rows[key] = sums
    }

    /// Adds a change of stored cost (a re-rated event); events and counts stay.
    mutating func addCost(_ delta: Int64, day: String, feature: String, model: String) throws {
        let key = Key(day: day, feature: feature, model: model)
        var sums = rows[key] ?? Sums()
        sums.cost = try Self.add(sums.cost, delta)
        rows[key] = sums
    }

    /// The events of `rows` whose keys are in `inserted` (the batch's new events), each once.
    init(_ rows: EventRows, inserted: Set<EventKey>) throws {
        var pending = inserted
        for index in rows.accountIDs.indices {
            guard pending.remove(EventKey(accountID: rows.accountIDs[index], eventID: rows.eventIDs[index])) != nil else { continue }
            try addEvent(
                day: rows.localDays[index], feature: rows.features[index], model: rows.models[index],
                success: rows.success[index], outputUnits: rows.units[index], cost: rows.costs[index],
                durationMS: rows.durations[index])
        }
    }

    /// No changes yet.
    init() {}

    /// Adds the sums to `daily_operator_usage` in one statement, creating missing rows; rows are
    /// locked in (day, feature, model) order.
    func write(on connection: PostgresConnection) async throws {
        guard !rows.isEmpty else { return }
        let entries = Array(rows)
        try await connection.execute(
            """
            INSERT INTO daily_operator_usage AS o (local_day, feature_key, model, events, failures, output_units, cost, latency)
            SELECT x.local_day::date, x.feature_key, x.model, x.events, x.failures, x.output_units, x.cost,
                   (\(entries.flatMap(\.value.latency))::bigint[])[(x.n - 1) * \(Int64(Rollups.latencyBuckets)) + 1 : x.n * \(Int64(Rollups.latencyBuckets))]
            FROM unnest(\(entries.map(\.key.day)), \(entries.map(\.key.feature)), \(entries.map(\.key.model)),
                        \(entries.map(\.value.events)), \(entries.map(\.value.failures)), \(entries.map(\.value.outputUnits)),
                        \(entries.map(\.value.cost))) WITH ORDINALITY
                 AS x(local_day, feature_key, model, events, failures, output_units, cost, n)
            ORDER BY 1, 2, 3
            ON CONFLICT (local_day, feature_key, model) DO UPDATE SET
                events = o.events + EXCLUDED.events, failures = o.failures + EXCLUDED.failures,
                output_units = o.output_units + EXCLUDED.output_units, cost = o.cost + EXCLUDED.cost,
                latency = \(unsafeRaw: Self.latencySumSQL)
            """)
    }

    /// `ARRAY[o.latency[1] + EXCLUDED.latency[1], …]` (see `Rollups.histogramSumSQL`).
    static let latencySumSQL = "ARRAY[" + (1...Rollups.latencyBuckets).map {
        "o.latency[\($0)] + EXCLUDED.latency[\($0)]"
    }.joined(separator: ", ") + "]::bigint[]"

    /// Fills an empty `daily_operator_usage` from `daily_usage` (the demo seed, after loading
    /// the events and their daily rollup into an empty database): constant SQL.
    static let fillFromDailySQL = """
        INSERT INTO daily_operator_usage (local_day, feature_key, model, events, failures, output_units, cost, latency)
        SELECT local_day, feature_key, model, sum(events)::bigint, sum(failures)::bigint, sum(output_units)::bigint,
               sum(cost)::bigint, ARRAY[\((1...Rollups.latencyBuckets).map { "sum(latency[\($0)])" }.joined(separator: ", "))]::bigint[]
        FROM daily_usage
        GROUP BY local_day, feature_key, model
        """

    private static func add(_ a: Int64, _ b: Int64) throws -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        if overflow { throw OperatorRollupOverflow() }
        return sum
    }
}

/// A batch whose sums do not fit the rollup's 64-bit counters.
struct OperatorRollupOverflow: Error, CustomStringConvertible {
    var description: String { "the operator rollup's sums overflow 64 bits" }
}
