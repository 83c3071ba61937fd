import Reporting
import TallyAccess
import TallyDatabase
import HTTPTypes
import Foundation
import HummingbirdTesting
import Metering
import Postgres
import MeteringStore
import TallyTestSupport
import TallyWebTestSupport
import Testing

@Suite("Admin re-rate")
struct ReRateTests {
    /// February cost and credits per account, straight from the events.
    func februarySums(_ harness: WebHarness) async throws -> [String: (cost: Int64, credits: Int64)] {
        var sums: [String: (Int64, Int64)] = [:]
        for row in try await harness.rows(
            """
            SELECT a.external_id, sum(u.cost)::bigint, sum(u.credits)::bigint FROM usage_events u JOIN accounts a ON a.id = u.account_id
            WHERE u.occurred_at >= '2027-02-01T00:00:00Z' AND u.occurred_at < '2027-03-01T00:00:00Z' GROUP BY 1
            """) {
            let (account, cost, credits) = try row.decode((String, Int64, Int64).self)
            sums[account] = (cost, credits)
        }
        return sums
    }

    func confirmation(in html: String) -> String? {
        guard let range = html.range(of: #"name="confirmation" value=""#) else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// The scenario plus a per-USD feature, a provider-reported event, a corrected gpt-4o price
    /// from 2027-02-12 and a first price for the unpriced model.
    func seedPriceFix(_ harness: WebHarness) async throws {
        try await seedMarginScenario(harness)
        try await harness.catalog.createFeature(key: "analyze", name: "Analyze", rule: .perDollarOfCost(Credits(credits: 100)))
        try await harness.catalog.setEntitlement(planCode: "pro", featureKey: "analyze", entitlement: Entitlement(enabled: true))
        try await harness.ingest([
            eventJSON("b-usd", account: "blocker", feature: "analyze", input: 40_000, output: 9_000, at: "2027-02-14T10:00:00Z"),
            eventJSON("b-reported", account: "blocker", input: 40_000, output: 9_000, at: "2027-02-14T11:00:00Z", costUSD: "0.5"),
        ])
        try await harness.catalog.addPrice(PriceDraft(
            model: "gpt-4o", input: try PricePerMillionTokens(parsing: "3"), cachedInput: try PricePerMillionTokens(parsing: "1.5"),
            output: try PricePerMillionTokens(parsing: "12"), effectiveFrom: instant("2027-02-12T00:00:00Z")))
        try await harness.catalog.addPrice(PriceDraft(
            model: "mystery-*", input: try PricePerMillionTokens(parsing: "1"), cachedInput: .zero,
            output: try PricePerMillionTokens(parsing: "2"), effectiveFrom: instant("2027-01-01T00:00:00Z")))
    }

    @Test("the previewed difference equals the applied difference; rollups still equal raw sums; audited")
    func previewEqualsApply() async throws {
        try await WebHarness.with { harness in
            try await seedPriceFix(harness)
            let before = try await februarySums(harness)
            let januaryBefore = try await harness.rows("SELECT cost, price_id FROM usage_events WHERE event_id = 'c-jan'")
                .first!.decode((Int64, Int64?).self)
            let preview = try await ReRater(pool: harness.pool).preview(
                ReRateRange(from: instant("2027-02-01T00:00:00Z"), until: instant("2027-03-01T00:00:00Z")))
            #expect(preview.changedEvents > 0)
            try await harness.withClient { client in
                let admin = try await harness.signIn(client, "admin@ops.test")
                let page = try await client.get("/admin/prices/rerate?from=2027-02-01&to=2027-02-28", as: admin)
                #expect(page.status == .ok)
                let token = try #require(confirmation(in: page.text))
                #expect(token == preview.confirmation)
                for account in preview.accounts {
                    #expect(page.text.contains(account.name))
                }
                let applied = try await client.submit(
                    "/admin/prices/rerate", as: admin,
                    [("from", "2027-02-01"), ("to", "2027-02-28"), ("model", ""), ("confirmation", token), ("confirm", "yes")])
                #expect(applied.status == .seeOther)
                #expect(applied.headers[.location]?.contains("done=\(preview.changedEvents)") == true)
            }
            let after = try await februarySums(harness)
            for account in preview.accounts {
                let was = try #require(before[account.externalID]), now = try #require(after[account.externalID])
                #expect(now.cost - was.cost == account.costDelta.nanos, "\(account.externalID) cost difference")
                #expect(now.credits - was.credits == account.creditsDelta.millis, "\(account.externalID) credits difference")
            }
            let totalBefore = before.values.reduce(0) { $0 + $1.cost }, totalAfter = after.values.reduce(0) { $0 + $1.cost }
            #expect(totalAfter - totalBefore == preview.costDelta.nanos)
            try await expectRollupsEqualEvents(harness)

            // What changed, and what must not.
            let unpriced = try await harness.rows("SELECT unpriced, price_id IS NOT NULL, cost FROM usage_events WHERE event_id = 't-unpriced'")
                .first!.decode((Bool, Bool, Int64).self)
            #expect(unpriced.0 == false && unpriced.1 && unpriced.2 > 0)
            let reported = try await harness.rows("SELECT cost FROM usage_events WHERE event_id = 'b-reported'").first!.decode(Int64.self, at: 0)
            #expect(reported == 500_000_000)
            let january = try await harness.rows("SELECT cost, price_id FROM usage_events WHERE event_id = 'c-jan'")
                .first!.decode((Int64, Int64?).self)
            #expect(january == januaryBefore)
            let usd = try await harness.rows("SELECT cost, credits FROM usage_events WHERE event_id = 'b-usd'").first!.decode((Int64, Int64).self)
            #expect(usd.1 == (usd.0 * 100 + 500_000) / 1_000_000, "per-USD credits follow the new cost (100 credits per USD)")
            let early = try await harness.rows("SELECT count(*) FROM usage_events WHERE event_id = 'c0' AND price_id = (SELECT min(id) FROM model_prices)")
                .first!.decode(Int.self, at: 0)
            #expect(early == 1, "an event before the corrected version keeps the first version")

            let audit = try #require(try await latestAudit(harness, action: "usage.rerate"))
            #expect(audit.actor == "admin@ops.test")
            #expect(audit.before?.contains("\"cost\"") == true && audit.after?.contains("\"cost\"") == true)
            let auditRows = try await harness.rows("SELECT count(*) FROM audit_log WHERE action = 'usage.rerate'").first!.decode(Int.self, at: 0)
            #expect(auditRows == preview.accounts.count + 1)

            // A second re-rate of the same range finds nothing to change.
            let again = try await ReRater(pool: harness.pool).preview(
                ReRateRange(from: instant("2027-02-01T00:00:00Z"), until: instant("2027-03-01T00:00:00Z")))
            #expect(again.changedEvents == 0)
        }
    }

    @Test("apply needs the confirmation box and a current preview; bad ranges are 422; sales and missing CSRF are 403")
    func refusals() async throws {
        try await WebHarness.with { harness in
            try await seedPriceFix(harness)
            let costBefore = try await harness.rows("SELECT sum(cost)::bigint FROM usage_events").first!.decode(Int64.self, at: 0)
            try await harness.withClient { client in
                let admin = try await harness.signIn(client, "admin@ops.test")
                let sales = try await harness.signIn(client, "sales@ops.test")
                let page = try await client.get("/admin/prices/rerate?from=2027-02-01&to=2027-02-28", as: admin).text
                let token = try #require(confirmation(in: page))
                let fields = [("from", "2027-02-01"), ("to", "2027-02-28"), ("model", ""), ("confirmation", token)]

                let unconfirmed = try await client.submit("/admin/prices/rerate", as: admin, fields)
                #expect(unconfirmed.status == .unprocessableContent)
                #expect(unconfirmed.text.contains("Tick the box"))
                #expect(unconfirmed.text.contains(#"value="2027-02-01""#))

                let stale = try await client.submit(
                    "/admin/prices/rerate", as: admin, Array(fields.dropLast()) + [("confirmation", "1:2:3:4"), ("confirm", "yes")])
                #expect(stale.status == .unprocessableContent)
                #expect(stale.text.contains("changed since this preview"))

                let backwards = try await client.submit(
                    "/admin/prices/rerate", as: admin, [("from", "2027-02-28"), ("to", "2027-02-01"), ("confirm", "yes")])
                #expect(backwards.status == .unprocessableContent)
                #expect(backwards.text.contains("must not be before"))
                #expect(try await client.get("/admin/prices/rerate?from=2027-02-31&to=x", as: admin).status == .unprocessableContent)

                let salesPage = try await client.get("/admin/prices/rerate?from=2027-02-01&to=2027-02-28", as: sales)
                #expect(salesPage.status == .ok)
                #expect(!salesPage.text.contains(#"action="/admin/prices/rerate" class="form""#))
                #expect(try await client.submit("/admin/prices/rerate", as: sales, fields + [("confirm", "yes")]).status == .forbidden)
                var noToken = admin
                noToken.csrf = ""
                #expect(try await client.submit("/admin/prices/rerate", as: noToken, fields + [("confirm", "yes")]).status == .forbidden)
            }
            let costAfter = try await harness.rows("SELECT sum(cost)::bigint FROM usage_events").first!.decode(Int64.self, at: 0)
            #expect(costAfter == costBefore, "nothing was re-rated")
            let audits = try await harness.rows("SELECT count(*) FROM audit_log WHERE action = 'usage.rerate'").first!.decode(Int.self, at: 0)
            #expect(audits == 0)
        }
    }

    @Test("a price fix for cache writes re-rates past events exactly, every token kind kept")
    func cacheWriteFixReRatesExactly() async throws {
        try await WebHarness.with { harness in
            try await seedMarginScenario(harness)
            let p = { (text: String) in try PricePerMillionTokens(parsing: text) }
            // First listed without cache-write prices: writes billed at the input price.
            try await harness.catalog.addPrice(PriceDraft(
                model: "claude-sonnet-4-5", sheet: PriceSheet(rates: TokenRates(input: try p("3"), cachedInput: try p("0.3"), output: try p("15"))),
                effectiveFrom: instant("2027-01-01T00:00:00Z")))
            let usage = #"{"input_tokens": 50, "output_tokens": 500, "cache_read_input_tokens": 1000, "cache_creation_input_tokens": 24000, "cache_creation": {"ephemeral_5m_input_tokens": 20000, "ephemeral_1h_input_tokens": 4000}}"#
            _ = try await harness.ingest([
                #"{"id": "w1", "account": "charger", "model": "claude-sonnet-4-5", "usage": \#(usage), "occurred_at": "2027-02-15T09:00:00Z"}"#,
                #"{"id": "w2", "account": "blocker", "model": "claude-sonnet-4-5-20250929", "usage": \#(usage), "occurred_at": "2027-02-15T10:00:00Z"}"#,
            ])
            // 50 × 3 + 1,000 × 0.3 + 24,000 × 3 + 500 × 15 per 1M = $0.07995.
            let before = try await harness.rows("SELECT event_id, cost FROM usage_events WHERE event_id IN ('w1', 'w2') ORDER BY 1")
                .map { try $0.decode((String, Int64).self) }
            #expect(before.map(\.1) == [79_950_000, 79_950_000])
            // The fix: 5-minute writes at 1.25×, 1-hour writes at 2× the input price.
            try await harness.catalog.addPrice(PriceDraft(
                model: "claude-sonnet-4-5",
                sheet: PriceSheet(rates: TokenRates(
                    input: try p("3"), cachedInput: try p("0.3"), cacheWrite5m: try p("3.75"), cacheWrite1h: try p("6"), output: try p("15"))),
                effectiveFrom: instant("2027-02-01T00:00:00Z")))
            let range = ReRateRange(from: instant("2027-02-15T00:00:00Z"), until: instant("2027-02-16T00:00:00Z"), model: nil)
            let preview = try await ReRater(pool: harness.pool).preview(range)
            // 50 × 3 + 1,000 × 0.3 + 20,000 × 3.75 + 4,000 × 6 + 500 × 15 per 1M = $0.10695.
            #expect(preview.changedEvents == 2)
            #expect(preview.costDelta == Money(nanos: 2 * (106_950_000 - 79_950_000)))
            _ = try await ReRater(pool: harness.pool).apply(range, confirmation: preview.confirmation, by: .system, at: harness.clock.now())
            let after = try await harness.rows(
                "SELECT cost, cache_write_5m_tokens, cache_write_1h_tokens FROM usage_events WHERE event_id IN ('w1', 'w2') ORDER BY event_id")
                .map { try $0.decode((Int64, Int64, Int64).self) }
            #expect(after.map(\.0) == [106_950_000, 106_950_000])
            #expect(after.allSatisfy { $0.1 == 20_000 && $0.2 == 4_000 })
            try await expectRollupsEqualEvents(harness)
        }
    }
}
