import Foundation
import Postgres
import TallyWebTestSupport
import Testing

/// The invariant every ingest test ends with: `daily_usage`, `period_usage` and
/// `daily_operator_usage` equal the sums over raw `usage_events`, exactly, row for row (latency
/// histogram included, recomputed here in Swift from `duration_ms`; every token kind and web
/// searches included); and every event names an
/// existing account and price (usage_events has no foreign keys since migration 0014). Sums of
/// tokens, units, cost and credits are 128-bit, as the rollups' numeric(38,0) columns.
func expectRollupsMatchEvents(_ harness: MeteringHarness, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let orphans = try await harness.rows(
        """
        SELECT count(*) FROM usage_events u
        WHERE NOT EXISTS (SELECT FROM accounts a WHERE a.id = u.account_id)
           OR (u.price_id IS NOT NULL AND NOT EXISTS (SELECT FROM model_prices p WHERE p.id = u.price_id))
        """).first?.decode(Int.self, at: 0)
    #expect(orphans == 0, "events naming a missing account or price", sourceLocation: sourceLocation)
    struct Daily: Hashable {
        var events = 0, failures = 0
        var input: Int128 = 0, cached: Int128 = 0, output: Int128 = 0, cost: Int128 = 0, credits: Int128 = 0
        /// The kinds added in migration 0017 and web searches, in `extraColumns` order.
        var extra = [Int128](repeating: 0, count: 7)
        var latency = [Int](repeating: 0, count: 20)
    }
    let extraColumns = [
        "cache_write_5m_tokens", "cache_write_1h_tokens", "reasoning_tokens", "audio_input_tokens", "audio_output_tokens",
        "image_input_tokens", "web_search_queries",
    ]
    let extraArray = "ARRAY[" + extraColumns.joined(separator: ", ") + "]::numeric[]"
    struct Operator: Hashable {
        var events = 0, failures = 0
        var units: Int128 = 0, cost: Int128 = 0
        var latency = [Int](repeating: 0, count: 20)
    }
    var expectedDaily: [String: Daily] = [:]
    var expectedPeriod: [String: [Int128]] = [:]
    var expectedOperator: [String: Operator] = [:]
    for row in try await harness.rows(
        """
        SELECT account_id, local_day::text, coalesce(feature_key, ''), coalesce(model, ''), success, input_tokens,
               cached_input_tokens, output_tokens, cost, credits, duration_ms, period_start::text, output_units,
               \(unsafeRaw: extraArray)
        FROM usage_events
        """) {
        let (account, day, feature, model, success, input, cached, output, cost, credits, duration, period) =
            try row.decode((Int, String, String, String, Bool, Int128, Int128, Int128, Int128, Int128, Int?, String).self)
        let units = try row.decode(Int128.self, at: 12)
        let extra = try row.decode([Int128].self, at: 13)
        let key = "\(account)|\(day)|\(feature)|\(model)"
        var daily = expectedDaily[key] ?? Daily()
        daily.events += 1
        daily.failures += success ? 0 : 1
        daily.input += input
        daily.cached += cached
        daily.output += output
        daily.cost += cost
        daily.credits += credits
        for column in extra.indices { daily.extra[column] += extra[column] }
        if let duration { daily.latency[min(duration == 0 ? 0 : Int.bitWidth - duration.leadingZeroBitCount, 19)] += 1 }
        expectedDaily[key] = daily
        let operatorKey = "\(day)|\(feature)|\(model)"
        var operatorSums = expectedOperator[operatorKey] ?? Operator()
        operatorSums.events += 1
        operatorSums.failures += success ? 0 : 1
        operatorSums.units += units
        operatorSums.cost += cost
        if let duration { operatorSums.latency[min(duration == 0 ? 0 : Int.bitWidth - duration.leadingZeroBitCount, 19)] += 1 }
        expectedOperator[operatorKey] = operatorSums
        let periodKey = "\(account)|\(period)|\(feature)"
        let sums = expectedPeriod[periodKey] ?? [0, 0, 0]
        expectedPeriod[periodKey] = [sums[0] + 1, sums[1] + credits, sums[2] + cost]
    }
    var actualDaily: [String: Daily] = [:]
    for row in try await harness.rows(
        """
        SELECT account_id, local_day::text, feature_key, model, events, failures, input_tokens, cached_input_tokens,
               output_tokens, cost, credits, latency, \(unsafeRaw: extraArray) FROM daily_usage
        """) {
        let (account, day, feature, model, events, failures, input, cached, output, cost, credits, latency) =
            try row.decode((Int, String, String, String, Int, Int, Int128, Int128, Int128, Int128, Int128, [Int]).self)
        actualDaily["\(account)|\(day)|\(feature)|\(model)"] = Daily(
            events: events, failures: failures, input: input, cached: cached, output: output, cost: cost,
            credits: credits, extra: try row.decode([Int128].self, at: 12), latency: latency)
    }
    var actualPeriod: [String: [Int128]] = [:]
    for row in try await harness.rows(
        "SELECT account_id, period_start::text, feature_key, events, credits, cost FROM period_usage") {
        let (account, period, feature, events, credits, cost) = try row.decode((Int, String, String, Int128, Int128, Int128).self)
        actualPeriod["\(account)|\(period)|\(feature)"] = [events, credits, cost]
    }
    var actualOperator: [String: Operator] = [:]
    for row in try await harness.rows(
        "SELECT local_day::text, feature_key, model, events, failures, output_units, cost, latency FROM daily_operator_usage") {
        let (day, feature, model, events, failures, units, cost, latency) =
            try row.decode((String, String, String, Int, Int, Int128, Int128, [Int]).self)
        actualOperator["\(day)|\(feature)|\(model)"] = Operator(
            events: events, failures: failures, units: units, cost: cost, latency: latency)
    }
    #expect(actualDaily == expectedDaily, "daily_usage differs from the events", sourceLocation: sourceLocation)
    #expect(actualOperator == expectedOperator, "daily_operator_usage differs from the events", sourceLocation: sourceLocation)
    #expect(actualPeriod == expectedPeriod, "period_usage differs from the events", sourceLocation: sourceLocation)
}
