import Reporting
import TallyDatabase
import HTTPTypes
import Foundation
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import TallyAccess
import TallyTestSupport
import TallyWebTestSupport
import Testing

/// One event's JSON for `WebHarness.ingest`.
func eventJSON(
    _ id: String, account: String, feature: String? = "summarize", model: String? = "gpt-4o", input: Int = 1_000,
    cached: Int = 0, output: Int = 500, units: Int = 0, success: Bool = true, durationMS: Int? = 300,
    at occurredAt: String, costUSD: String? = nil
) -> String {
    var fields = [
        #""id": "\#(id)""#, #""account": "\#(account)""#, #""input_tokens": \#(input)"#,
        #""cached_input_tokens": \#(cached)"#, #""output_tokens": \#(output)"#, #""output_units": \#(units)"#,
        #""success": \#(success)"#, #""occurred_at": "\#(occurredAt)""#,
    ]
    if let feature { fields.append(#""feature": "\#(feature)""#) }
    if let model { fields.append(#""model": "\#(model)""#) }
    if let durationMS { fields.append(#""duration_ms": \#(durationMS)"#) }
    if let costUSD { fields.append(#""cost_usd": "\#(costUSD)""#) }
    return "{" + fields.joined(separator: ", ") + "}"
}

/// The three accounts of the margin tests, on the basic catalog (clock 2027-02-20T12:00Z, periods
/// from the 1st, UTC):
/// - `charger` on `payg` (charge, 0 included, $0.01 per credit over): 7 summarize events → 7 credits over;
/// - `blocker` on `pro` (block, $49, 100 credits): 3 summarize events and 2 chat events;
/// - `topper` on `pro` with a sold top-up (50 credits for $20 on 2027-02-05) and an unpriced event.
/// Plus an admin and a sales user.
func seedMarginScenario(_ harness: WebHarness) async throws {
    try await harness.seedBasicCatalog()
    try await harness.catalog.createAccount(externalID: "charger", name: "Charger Ltd", planCode: "payg")
    try await harness.catalog.createAccount(externalID: "blocker", name: "Blocker Inc", planCode: "pro")
    try await harness.catalog.createAccount(externalID: "topper", name: "Topper GmbH", planCode: "pro")
    try await harness.catalog.grant(
        accountExternalID: "topper",
        try CreditGrant(
            amount: Credits(credits: 50), kind: .topUp, grantedAt: instant("2027-02-05T09:00:00Z"),
            price: Money(dollars: 20)),
        note: "sold")
    var events: [String] = []
    for n in 0..<7 { events.append(eventJSON("c\(n)", account: "charger", input: 10_000 + n * 37, output: 5_000 + n, at: "2027-02-1\(n)T08:00:00Z")) }
    for n in 0..<3 { events.append(eventJSON("b\(n)", account: "blocker", input: 2_000, output: 900 + n, at: "2027-02-0\(n + 2)T10:00:00Z")) }
    for n in 0..<2 {
        events.append(eventJSON("bc\(n)", account: "blocker", feature: "chat", input: 3_333, cached: 1_000, output: 777, at: "2027-02-15T10:00:00Z"))
    }
    for n in 0..<4 { events.append(eventJSON("t\(n)", account: "topper", input: 12_345, output: 6_789, durationMS: 1_500 + n, at: "2027-02-1\(n)T12:00:00Z")) }
    events.append(eventJSON("t-unpriced", account: "topper", model: "mystery-model", at: "2027-02-12T12:00:00Z"))
    // An event of January: another period, never in February's figures.
    events.append(eventJSON("c-jan", account: "charger", at: "2027-01-31T23:00:00Z"))
    try await harness.ingest(events)
    try await harness.createUser("admin@ops.test", role: .admin)
    try await harness.createUser("sales@ops.test", role: .sales)
}

/// Each account's February figures computed straight from events, grants and plans in SQL:
/// revenue = fee + round(max(used − included − active grants, 0) × price / 1,000) on charge plans
/// + top-up prices granted in February; cost = Σ event cost.
struct ExpectedMargin: Equatable {
    var fee: Int64, overage: Int64, topUps: Int64, cost: Int64, used: Int64
    var revenue: Int64 { fee + overage + topUps }
}

func expectedFebruaryMargins(_ harness: WebHarness) async throws -> [String: ExpectedMargin] {
    var result: [String: ExpectedMargin] = [:]
    for row in try await harness.rows(
        """
        WITH period AS (SELECT '2027-02-01T00:00:00Z'::timestamptz AS s, '2027-03-01T00:00:00Z'::timestamptz AS e,
                               '2027-02-20T12:00:00Z'::timestamptz AS now),
        figures AS (
            SELECT a.external_id, p.monthly_fee, p.overage_policy, p.overage_price_per_credit, p.included_credits,
                (SELECT coalesce(sum(cost), 0) FROM usage_events u, period WHERE u.account_id = a.id AND u.occurred_at >= period.s AND u.occurred_at < period.e) AS cost,
                (SELECT coalesce(sum(credits), 0) FROM usage_events u, period WHERE u.account_id = a.id AND u.occurred_at >= period.s AND u.occurred_at < period.e) AS used,
                (SELECT coalesce(sum(amount), 0) FROM credit_grants g, period WHERE g.account_id = a.id AND g.granted_at <= period.now AND (g.expires_at IS NULL OR g.expires_at > period.now)) AS granted,
                (SELECT coalesce(sum(price), 0) FROM credit_grants g, period WHERE g.account_id = a.id AND g.kind = 'top_up' AND g.granted_at >= period.s AND g.granted_at < period.e) AS top_ups
            FROM accounts a JOIN plans p ON p.id = a.plan_id
        )
        SELECT external_id, monthly_fee,
            CASE WHEN overage_policy = 'charge'
                 THEN round(greatest(used - included_credits - granted, 0)::numeric * overage_price_per_credit / 1000)::bigint
                 ELSE 0 END,
            top_ups::bigint, cost::bigint, used::bigint
        FROM figures
        """) {
        let (account, fee, overage, topUps, cost, used) = try row.decode((String, Int64, Int64, Int64, Int64, Int64).self)
        result[account] = ExpectedMargin(fee: fee, overage: overage, topUps: topUps, cost: cost, used: used)
    }
    return result
}

/// Fails unless `daily_usage`, `period_usage` and `daily_operator_usage` equal the sums over
/// `usage_events`, row for row (events, credits, cost, output units and every token kind;
/// failures for the operator's rows; the rollup keys of the ingest).
func expectRollupsEqualEvents(_ harness: WebHarness, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let daily = try await harness.rows(
        """
        SELECT count(*) FROM (
            (SELECT account_id, local_day, coalesce(feature_key, ''), coalesce(model, ''), count(*)::bigint,
                    sum(cost)::bigint, sum(credits)::bigint, sum(output_units)::bigint,
                    sum(input_tokens)::numeric, sum(cached_input_tokens)::numeric, sum(output_tokens)::numeric, sum(cache_write_5m_tokens)::numeric, sum(cache_write_1h_tokens)::numeric, sum(reasoning_tokens)::numeric, sum(audio_input_tokens)::numeric, sum(audio_output_tokens)::numeric, sum(image_input_tokens)::numeric, sum(web_search_queries)::numeric
             FROM usage_events GROUP BY 1, 2, 3, 4
             EXCEPT
             SELECT account_id, local_day, feature_key, model, events, cost, credits, output_units,
                    input_tokens, cached_input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, reasoning_tokens, audio_input_tokens, audio_output_tokens, image_input_tokens, web_search_queries FROM daily_usage)
            UNION ALL
            (SELECT account_id, local_day, feature_key, model, events, cost, credits, output_units,
                    input_tokens, cached_input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, reasoning_tokens, audio_input_tokens, audio_output_tokens, image_input_tokens, web_search_queries FROM daily_usage
             EXCEPT
             SELECT account_id, local_day, coalesce(feature_key, ''), coalesce(model, ''), count(*)::bigint,
                    sum(cost)::bigint, sum(credits)::bigint, sum(output_units)::bigint,
                    sum(input_tokens)::numeric, sum(cached_input_tokens)::numeric, sum(output_tokens)::numeric, sum(cache_write_5m_tokens)::numeric, sum(cache_write_1h_tokens)::numeric, sum(reasoning_tokens)::numeric, sum(audio_input_tokens)::numeric, sum(audio_output_tokens)::numeric, sum(image_input_tokens)::numeric, sum(web_search_queries)::numeric
             FROM usage_events GROUP BY 1, 2, 3, 4)
        ) d
        """).first!.decode(Int.self, at: 0)
    let period = try await harness.rows(
        """
        SELECT count(*) FROM (
            (SELECT account_id, period_start, coalesce(feature_key, ''), count(*)::bigint, sum(credits)::bigint, sum(cost)::bigint
             FROM usage_events GROUP BY 1, 2, 3
             EXCEPT SELECT account_id, period_start, feature_key, events, credits, cost FROM period_usage)
            UNION ALL
            (SELECT account_id, period_start, feature_key, events, credits, cost FROM period_usage
             EXCEPT SELECT account_id, period_start, coalesce(feature_key, ''), count(*)::bigint, sum(credits)::bigint, sum(cost)::bigint
             FROM usage_events GROUP BY 1, 2, 3)
        ) p
        """).first!.decode(Int.self, at: 0)
    let operatorRows = try await harness.rows(
        """
        SELECT count(*) FROM (
            (SELECT local_day, coalesce(feature_key, ''), coalesce(model, ''), count(*)::bigint,
                    count(*) FILTER (WHERE NOT success)::bigint, sum(output_units)::bigint, sum(cost)::bigint
             FROM usage_events GROUP BY 1, 2, 3
             EXCEPT SELECT local_day, feature_key, model, events, failures, output_units, cost FROM daily_operator_usage)
            UNION ALL
            (SELECT local_day, feature_key, model, events, failures, output_units, cost FROM daily_operator_usage
             EXCEPT
             SELECT local_day, coalesce(feature_key, ''), coalesce(model, ''), count(*)::bigint,
                    count(*) FILTER (WHERE NOT success)::bigint, sum(output_units)::bigint, sum(cost)::bigint
             FROM usage_events GROUP BY 1, 2, 3)
        ) o
        """).first!.decode(Int.self, at: 0)
    #expect(daily == 0, "daily_usage rows that differ from the events", sourceLocation: sourceLocation)
    #expect(period == 0, "period_usage rows that differ from the events", sourceLocation: sourceLocation)
    #expect(operatorRows == 0, "daily_operator_usage rows that differ from the events", sourceLocation: sourceLocation)
}

/// `$1,234.56` as the pages print it.
func usd(_ nanos: Int64) -> String { Money(nanos: nanos).formatted() }

/// The latest audit row of `action`: actor, before and after as JSON text.
func latestAudit(_ harness: WebHarness, action: String) async throws -> (actor: String, before: String?, after: String?)? {
    try await harness.rows(
        "SELECT actor, before::text, after::text FROM audit_log WHERE action = \(action) ORDER BY id DESC LIMIT 1"
    ).first.map { try $0.decode((String, String?, String?).self) }
}
