import Foundation
import Postgres

/// Which rows of a batch its insert stored (the others were already stored).
struct StoredRows {
    /// The stored rows' keys; nil when every row was stored.
    private let keys: Set<EventKey>?
    /// How many rows were stored.
    let count: Int

    /// Every one of `total` rows.
    init(all total: Int) {
        keys = nil
        count = total
    }

    /// The rows with these keys.
    init(keys: Set<EventKey>) {
        self.keys = keys
        count = keys.count
    }

    /// Whether row `index` of `rows` was stored.
    func contains(_ index: Int, of rows: EventRows) -> Bool {
        guard let keys else { return true }
        return keys.contains(EventKey(accountID: rows.accountIDs[index], eventID: rows.eventIDs[index]))
    }
}

/// What a batch adds to `daily_usage` and `period_usage`, summed in Swift over the rows its
/// insert stored and written by one statement, one row per key.
///
/// Summing here spares the server sorting and grouping the batch once per rollup and testing
/// twenty latency-bucket filters per event. The rules are the seed's SQL rules (`Rollups`): a
/// failure is `success == false`, an event without a duration is in no latency bucket, and no
/// feature or no model is `''`.
struct IngestRollups {
    /// A `daily_usage` row's key; the day as `YYYY-MM-DD`.
    struct DailyKey: Hashable {
        let accountID: Int64
        let day: String
        let feature: String
        let model: String
    }

    /// What a `daily_usage` row gains.
    struct DailySums {
        var events: Int64 = 0
        var failures: Int64 = 0
        var input: Int64 = 0
        var cached: Int64 = 0
        var output: Int64 = 0
        /// The other kinds and web searches, as `EventRows.extraKinds`.
        var extra = [Int64](repeating: 0, count: Rollups.extraColumns.count)
        var units: Int64 = 0
        var cost: Int64 = 0
        var credits: Int64 = 0
        var latency = [Int64](repeating: 0, count: Rollups.latencyBuckets)
    }

    /// A `period_usage` row's key.
    struct PeriodKey: Hashable {
        let accountID: Int64
        let periodStart: Date
        let feature: String
    }

    /// What a `period_usage` row gains.
    struct PeriodSums {
        var events: Int64 = 0
        var credits: Int64 = 0
        var cost: Int64 = 0
    }

    private(set) var daily: [DailyKey: DailySums] = [:]
    private(set) var period: [PeriodKey: PeriodSums] = [:]

    /// The sums over the `stored` rows of `rows`.
    init(_ rows: EventRows, stored: StoredRows) throws {
        for index in 0..<rows.count where stored.contains(index, of: rows) {
            let accountID = rows.accountIDs[index], feature = rows.features[index] ?? ""
            let cost = rows.costs[index], credits = rows.credits[index]
            let dailyKey = DailyKey(accountID: accountID, day: rows.localDays[index], feature: feature, model: rows.models[index] ?? "")
            try daily[dailyKey, default: DailySums()].add(
                success: rows.success[index], input: rows.input[index], cached: rows.cached[index], output: rows.output[index],
                extra: rows.extraKinds, at: index, units: rows.units[index], cost: cost, credits: credits,
                durationMS: rows.durations[index])
            let periodKey = PeriodKey(accountID: accountID, periodStart: rows.periodStarts[index], feature: feature)
            try period[periodKey, default: PeriodSums()].add(cost: cost, credits: credits)
        }
    }

    /// The (account, period) pairs that gained events, by account, then period: callers that
    /// lock per pair take the locks in one order and never deadlock each other.
    var accountPeriods: [AccountPeriod] {
        Set(period.keys.map { AccountPeriod(accountID: $0.accountID, periodStart: $0.periodStart) })
            .sorted { ($0.accountID, $0.periodStart) < ($1.accountID, $1.periodStart) }
    }

    /// The same sums over every account, for `daily_operator_usage`.
    var operatorDelta: OperatorRollupDelta {
        get throws {
            var delta = OperatorRollupDelta()
            for (key, sums) in daily {
                try delta.add(
                    day: key.day, feature: key.feature, model: key.model, events: sums.events, failures: sums.failures,
                    outputUnits: sums.units, cost: sums.cost, latency: sums.latency)
            }
            return delta
        }
    }

    /// Adds the sums to `daily_usage` and `period_usage`, creating missing rows. Each table's
    /// rows are locked in key order, so concurrent batches never wait for each other in a cycle.
    func write(on connection: PostgresConnection) async throws {
        guard !daily.isEmpty else { return }
        let days = Array(daily), periods = Array(period)
        try await connection.execute(
            """
            WITH daily AS (
                INSERT INTO daily_usage AS d (account_id, local_day, feature_key, model, events, failures, input_tokens,
                    cached_input_tokens, output_tokens, \(unsafeRaw: Rollups.extraColumnList), output_units, cost, credits, latency)
                SELECT x.account_id, x.local_day::date, x.feature_key, x.model, x.events, x.failures, x.input_tokens,
                       x.cached_input_tokens, x.output_tokens, \(unsafeRaw: Rollups.extraColumnList), x.output_units, x.cost, x.credits,
                       (\(days.flatMap(\.value.latency)))[(x.n - 1) * \(Int64(Rollups.latencyBuckets)) + 1 : x.n * \(Int64(Rollups.latencyBuckets))]
                FROM unnest(\(days.map(\.key.accountID)), \(days.map(\.key.day)), \(days.map(\.key.feature)), \(days.map(\.key.model)),
                            \(days.map(\.value.events)), \(days.map(\.value.failures)), \(days.map(\.value.input)),
                            \(days.map(\.value.cached)), \(days.map(\.value.output)), \(days.map(\.value.units)),
                            \(days.map(\.value.cost)), \(days.map(\.value.credits)), \(days.map { $0.value.extra[0] }),
                            \(days.map { $0.value.extra[1] }), \(days.map { $0.value.extra[2] }), \(days.map { $0.value.extra[3] }),
                            \(days.map { $0.value.extra[4] }), \(days.map { $0.value.extra[5] }), \(days.map { $0.value.extra[6] }))
                     WITH ORDINALITY
                     AS x(account_id, local_day, feature_key, model, events, failures, input_tokens, cached_input_tokens,
                          output_tokens, output_units, cost, credits, \(unsafeRaw: Rollups.extraColumnList), n)
                ORDER BY 1, 2, 3, 4
                \(unsafeRaw: Rollups.dailyConflictSQL)
            )
            INSERT INTO period_usage AS p (account_id, period_start, feature_key, events, credits, cost)
            SELECT * FROM unnest(\(periods.map(\.key.accountID)), \(periods.map(\.key.periodStart)), \(periods.map(\.key.feature)),
                                 \(periods.map(\.value.events)), \(periods.map(\.value.credits)), \(periods.map(\.value.cost)))
                AS y(account_id, period_start, feature_key, events, credits, cost)
            ORDER BY 1, 2, 3
            \(unsafeRaw: Rollups.periodConflictSQL)
            """)
    }
}

extension IngestRollups.DailySums {
    mutating func add(
        success: Bool, input: Int64, cached: Int64, output: Int64, extra: [[Int64]], at index: Int, units: Int64, cost: Int64,
        credits: Int64, durationMS: Int64?
    ) throws {
        for column in self.extra.indices where extra[column][index] != 0 {
            self.extra[column] = try self.extra[column].rollupSum(extra[column][index])
        }
        events = try events.rollupSum(1)
        if !success { failures = try failures.rollupSum(1) }
        self.input = try self.input.rollupSum(input)
        self.cached = try self.cached.rollupSum(cached)
        self.output = try self.output.rollupSum(output)
        self.units = try self.units.rollupSum(units)
        self.cost = try self.cost.rollupSum(cost)
        self.credits = try self.credits.rollupSum(credits)
        if let durationMS {
            let bucket = Rollups.bucket(ofDurationMS: durationMS)
            latency[bucket] = try latency[bucket].rollupSum(1)
        }
    }
}

extension IngestRollups.PeriodSums {
    mutating func add(cost: Int64, credits: Int64) throws {
        events = try events.rollupSum(1)
        self.cost = try self.cost.rollupSum(cost)
        self.credits = try self.credits.rollupSum(credits)
    }
}

extension FixedWidthInteger {
    /// `self + other` for a rollup's counters, which never wrap. One batch's sums cannot reach
    /// 64 bits within the bounds of docs/metering.md; this is the proof's seat belt.
    func rollupSum(_ other: Self) throws(RollupOverflow) -> Self {
        let (sum, overflow) = addingReportingOverflow(other)
        if overflow { throw RollupOverflow() }
        return sum
    }
}

/// A batch whose sums do not fit a rollup's 64-bit counters.
struct RollupOverflow: Error, CustomStringConvertible {
    var description: String { "a rollup's sums overflow their type" }
}
