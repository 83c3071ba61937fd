import MeteringStore
import TallyAccess
import TallyDatabase
import HTTPTypes
import Foundation
import HummingbirdTesting
import Metering
import Postgres
import Reporting
import TallyTestSupport
import TallyWebTestSupport
import Testing

@Suite("Admin overview")
struct OverviewTests {
    @Test("the overview's cost, revenue, breakdowns and unpriced counts equal SQL over the raw events")
    func figures() async throws {
        try await WebHarness.with { harness in
            try await seedMarginScenario(harness)
            let expected = try await expectedFebruaryMargins(harness)
            let report = try await OverviewReport.load(
                from: LocalDay("2027-02-01")!, through: LocalDay("2027-02-28")!, now: harness.clock.now(),
                pool: harness.pool, scope: .staff)
            let february = "occurred_at >= '2027-02-01T00:00:00Z' AND occurred_at < '2027-03-01T00:00:00Z'"
            let cost = try await harness.rows("SELECT sum(cost)::bigint, count(*) FROM usage_events WHERE \(unsafeRaw: february)")
                .first!.decode((Int64, Int64).self)
            #expect(report.cost.nanos == cost.0 && report.events == cost.1)
            // The range is every account's whole February period, so all of its revenue is in it.
            #expect(report.revenue.nanos == expected.values.reduce(0) { $0 + $1.revenue })
            #expect(report.days.count == 28)
            for row in try await harness.rows(
                "SELECT coalesce(model, ''), sum(cost)::bigint FROM usage_events WHERE \(unsafeRaw: february) GROUP BY 1") {
                let (model, sum) = try row.decode((String, Int64).self)
                #expect(report.byModel.first { $0.key == model }?.cost.nanos == Int128(sum), "\(model)")
            }
            for row in try await harness.rows(
                "SELECT local_day::text, sum(cost)::bigint FROM usage_events WHERE \(unsafeRaw: february) GROUP BY 1") {
                let (day, sum) = try row.decode((String, Int64).self)
                #expect(report.days.first { $0.day.description == day }?.cost.nanos == Int128(sum), "\(day)")
            }
            #expect(report.unpriced.map { "\($0.model):\($0.events):\($0.accounts)" } == ["mystery-model:1:1"])
            #expect(report.topAccounts.first?.name == "Charger Ltd")
            #expect(report.lowestMargins.first?.name == "Charger Ltd")
            let summarize = try #require(report.features.first { $0.featureKey == "summarize" })
            // 11 events at 300 ms (bucket 9) and 4 at ~1.5 s (bucket 11).
            #expect(summarize.latencyBucket(percentile: 50) == 9)
            #expect(summarize.latencyBucket(percentile: 95) == 11)

            try await harness.withClient { client in
                let sales = try await harness.signIn(client, "sales@ops.test")
                let page = try await client.get("/admin?from=2027-02-01&to=2027-02-28", as: sales)
                #expect(page.status == .ok)
                let html = page.text
                #expect(html.contains(usd(cost.0)))
                #expect(html.contains("mystery-model"))
                #expect(html.contains("&lt; 2,048 ms"))
                #expect(html.contains("chart-line"))
                #expect(html.contains(#"id="top-up-requests""#) && html.contains(#"id="recent-alerts""#))
                #expect(!html.contains(#"method="post" action="/admin"#))
            }
        }
    }

    @Test("cost per output unit per feature comes from the rollup and equals cost / units over the events")
    func costPerOutputUnit() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            try await harness.ingest((0..<5).map {
                eventJSON("e\($0)", account: "acme", input: 1_234 + $0, output: 567, units: 3 + $0, at: "2027-02-1\($0)T09:00:00Z")
            })
            let (cost, units) = try await harness.rows("SELECT sum(cost)::bigint, sum(output_units)::bigint FROM usage_events")
                .first!.decode((Int64, Int64).self)
            let report = try await OverviewReport.load(
                from: LocalDay("2027-02-01")!, through: LocalDay("2027-02-28")!, now: harness.clock.now(),
                pool: harness.pool, scope: .staff)
            let feature = try #require(report.features.first)
            #expect(feature.outputUnits == Int128(units))
            let quotient = cost / units, remainder = cost % units
            let rounded = remainder * 2 > units || (remainder * 2 == units && quotient % 2 == 1) ? quotient + 1 : quotient
            #expect(feature.costPerOutputUnit?.nanos == Int128(rounded))
            #expect(feature.successBasisPoints == 10_000)
        }
    }

    @Test("revenue is spread evenly over each period's days: a range cutting two periods gets its exact share")
    func revenueSpread() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            // Anchor 15: periods Jan 15 – Feb 14 (31 days) and Feb 15 – Mar 14 (28 days), $49 each.
            try await harness.catalog.createAccount(externalID: "mid", name: "Mid", planCode: "pro", anchorDay: 15)
            let report = try await OverviewReport.load(
                from: LocalDay("2027-02-01")!, through: LocalDay("2027-02-28")!, now: harness.clock.now(),
                pool: harness.pool, scope: .staff)
            // 14 days of ⌊49e9 / 31⌋ (the 9 leftover nanos go to Jan 15–23) + 14 days of 49e9 / 28.
            #expect(report.revenue.nanos == 14 * 1_580_645_161 + 14 * 1_750_000_000)
            #expect(report.days.first?.revenue.nanos == 1_580_645_161)
            #expect(report.days.last?.revenue.nanos == 1_750_000_000)
            #expect(report.lowestMargins.first?.name == "Mid")
        }
    }

    @Test("an empty range shows the empty state; a bad range is a 422 with the input kept")
    func emptyAndInvalid() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("admin@ops.test", role: .admin)
            try await harness.withClient { client in
                let admin = try await harness.signIn(client, "admin@ops.test")
                let home = try await client.get("/admin", as: admin)
                #expect(home.status == .ok)
                #expect(home.text.contains("No usage in this range"))
                #expect(home.text.contains(#"value="2027-02-01""#) && home.text.contains(#"value="2027-02-28""#))
                let bad = try await client.get("/admin?from=2027-02-30&to=2027-02-01", as: admin)
                #expect(bad.status == .unprocessableContent)
                #expect(bad.text.contains(#"value="2027-02-30""#) && bad.text.contains("from-error"))
                let backwards = try await client.get("/admin?from=2027-02-10&to=2027-02-01", as: admin)
                #expect(backwards.status == .unprocessableContent)
                #expect(backwards.text.contains("must not be before"))
                let long = try await client.get("/admin?from=2020-01-01&to=2027-02-01", as: admin)
                #expect(long.status == .unprocessableContent)
            }
        }
    }
}
