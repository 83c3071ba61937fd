import Metering
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

    /// What a row gains. Cost is 128-bit: a re-rate adds the cost changes of every event of a
    /// day, feature and model at once, which 64 bits need not hold; counts come from one batch.
    struct Sums {
        var events: Int64 = 0
        var failures: Int64 = 0
        var outputUnits: Int64 = 0
        var cost: Int128 {
            get { costSum.value }
            set { costSum = WideInteger(newValue) }
        }
        private var costSum = WideInteger(0)
        var latency = [Int64](repeating: 0, count: Rollups.latencyBuckets)
    }

    private(set) var rows: [Key: Sums] = [:]

    /// Adds the sums of a `daily_usage` row's gain (`IngestRollups`).
    mutating func add(
        day: String, feature: String, model: String, events: Int64, failures: Int64, outputUnits: Int64, cost: Int64,
        latency: [Int64]
    ) throws {
        try rows[Key(day: day, feature: feature, model: model), default: Sums()].add(
            events: events, failures: failures, outputUnits: outputUnits, cost: cost, latency: latency)
    }

    /// Adds a change of stored cost (a re-rated event); events and counts stay.
    mutating func addCost(_ delta: Int64, day: String, feature: String, model: String) throws {
        let key = Key(day: day, feature: feature, model: model)
        var sums = rows[key] ?? Sums()
        sums.cost = try sums.cost.rollupSum(Int128(delta))
        rows[key] = sums
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
        SELECT local_day, feature_key, model, sum(events)::bigint, sum(failures)::bigint, sum(output_units),
               sum(cost), ARRAY[\((1...Rollups.latencyBuckets).map { "sum(latency[\($0)])" }.joined(separator: ", "))]::bigint[]
        FROM daily_usage
        GROUP BY local_day, feature_key, model
        """

}

extension OperatorRollupDelta.Sums {
    mutating func add(events: Int64, failures: Int64, outputUnits: Int64, cost: Int64, latency: [Int64]) throws {
        self.events = try self.events.rollupSum(events)
        self.failures = try self.failures.rollupSum(failures)
        self.outputUnits = try self.outputUnits.rollupSum(outputUnits)
        self.cost = try self.cost.rollupSum(Int128(cost))
        for bucket in latency.indices where latency[bucket] != 0 {
            self.latency[bucket] = try self.latency[bucket].rollupSum(latency[bucket])
        }
    }
}
