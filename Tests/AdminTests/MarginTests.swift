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

@Suite("Admin margins")
struct MarginTests {
    @Test("margin figures equal an independent SQL computation over events, grants and plans (charge with overage, block, sold top-ups)")
    func marginReportMatchesSQL() async throws {
        try await WebHarness.with { harness in
            try await seedMarginScenario(harness)
            let expected = try await expectedFebruaryMargins(harness)
            let report = try await MarginReport.load(.current, now: harness.clock.now(), pool: harness.pool, scope: .staff)
            #expect(report.accounts.count == 3)
            for account in report.accounts {
                let want = try #require(expected[account.externalID])
                #expect(account.revenue.fee.nanos == want.fee, "\(account.externalID) fee")
                #expect(account.revenue.overage.nanos == want.overage, "\(account.externalID) overage")
                #expect(account.revenue.topUps.nanos == want.topUps, "\(account.externalID) top-ups")
                #expect(account.cost.nanos == want.cost, "\(account.externalID) cost")
                #expect(account.used.millis == want.used, "\(account.externalID) used")
                #expect(account.margin == GrossMargin(revenue: Money(nanos: want.revenue), cost: Money(nanos: want.cost)))
            }
            // The scenario really exercises each rule.
            #expect(expected["charger"]?.overage == 70_000_000)
            #expect(expected["blocker"]?.overage == 0 && expected["blocker"]?.fee == 49_000_000_000)
            #expect(expected["topper"]?.topUps == 20_000_000_000)
            // Feature revenue shares add up to the revenue exactly.
            for account in report.accounts {
                #expect(account.revenueByFeature.values.reduce(0) { $0 + $1.nanos } == account.totalRevenue.nanos)
            }
            // January is its own period: choosing it shows the January event only.
            let january = try await MarginReport.load(
                .months(from: YearMonth("2027-01")!, through: YearMonth("2027-01")!), now: harness.clock.now(),
                pool: harness.pool, scope: .staff)
            let januaryCost = try await harness.rows(
                "SELECT cost FROM usage_events WHERE event_id = 'c-jan'").first!.decode(Int64.self, at: 0)
            #expect(january.accounts.first { $0.externalID == "charger" }?.cost.nanos == Int128(januaryCost))
        }
    }

    @Test("the margins page and its CSV show the SQL figures; badges flag low margins; sales see it")
    func marginsPageAndCSV() async throws {
        try await WebHarness.with { harness in
            try await seedMarginScenario(harness)
            let expected = try await expectedFebruaryMargins(harness)
            try await harness.withClient { client in
                let sales = try await harness.signIn(client, "sales@ops.test")
                let page = try await client.get("/admin/margins", as: sales)
                #expect(page.status == .ok)
                let html = page.text
                for (account, want) in expected {
                    #expect(html.contains(usd(want.revenue)), "\(account) revenue \(usd(want.revenue))")
                    #expect(html.contains(usd(want.cost)), "\(account) cost")
                }
                #expect(html.contains("badge-critical"))   // charger: $0.07 revenue against its cost
                #expect(!html.contains(#"method="post" action="/admin"#))
                let totalRevenue = expected.values.reduce(0) { $0 + $1.revenue }
                #expect(html.contains(usd(totalRevenue)))

                let csv = try await client.get("/admin/margins.csv?sort=account&dir=asc", as: sales)
                #expect(csv.status == .ok)
                #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
                let lines = csv.text.split(separator: "\r\n").map(String.init)
                #expect(lines.first?.hasPrefix("account_id,external_id,name,plan,periods,fee_usd") == true)
                #expect(lines.count == 4)
                for line in lines.dropFirst() {
                    let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                    let want = try #require(expected[fields[1]])
                    #expect(fields[5] == Money(nanos: want.fee).decimalString)
                    #expect(fields[6] == Money(nanos: want.overage).decimalString)
                    #expect(fields[7] == Money(nanos: want.topUps).decimalString)
                    #expect(fields[8] == Money(nanos: want.revenue).decimalString)
                    #expect(fields[9] == Money(nanos: want.cost).decimalString)
                    let percent = try #require(GrossMargin(revenue: Money(nanos: want.revenue), cost: Money(nanos: want.cost)).basisPoints)
                    #expect(fields[11] == String(format: "%.2f", Double(percent) / 100), "margin % with two decimals")
                    #expect(fields[12] == (fields[1] == "charger" ? "critical" : "healthy"))
                }
                // Sorted by name: Blocker, Charger, Topper.
                #expect(lines.dropFirst().map { $0.split(separator: ",")[1] } == ["blocker", "charger", "topper"])
            }
        }
    }

    @Test("sorting and the period filter: bad input is a 422 with the input kept")
    func sortingAndBadPeriod() async throws {
        try await WebHarness.with { harness in
            try await seedMarginScenario(harness)
            try await harness.withClient { client in
                let admin = try await harness.signIn(client, "admin@ops.test")
                let byCost = try await client.get("/admin/margins?sort=cost&dir=desc", as: admin).text
                let costs = try await harness.rows(
                    "SELECT a.name FROM accounts a JOIN usage_events u ON u.account_id = a.id WHERE u.occurred_at >= '2027-02-01' GROUP BY a.name ORDER BY sum(u.cost) DESC")
                let names = try costs.map { try $0.decode(String.self, at: 0) }
                let positions = names.compactMap { byCost.range(of: ">\($0)</a>")?.lowerBound }
                #expect(positions.count == 3 && positions == positions.sorted())
                #expect(byCost.contains(#"aria-sort="descending""#))

                let bad = try await client.get("/admin/margins?period=2027-13", as: admin)
                #expect(bad.status == .unprocessableContent)
                #expect(bad.text.contains(#"value="2027-13""#))
                #expect(bad.text.contains("field-error"))
                let backwards = try await client.get("/admin/margins?period=2027-03&through=2027-01", as: admin)
                #expect(backwards.status == .unprocessableContent)
                #expect(try await client.get("/admin/margins.csv?period=nope", as: admin).status == .badRequest)

                let january = try await client.get("/admin/margins?period=2027-01", as: admin)
                #expect(january.status == .ok)
                #expect(january.text.contains("Periods starting in 2027-01"))
            }
        }
    }

    @Test("revenue allocation by credits is exact and gives leftovers to the largest remainders")
    func allocation() {
        let shares = RevenueAllocation.byCredits(
            Money(nanos: 10), features: [
                FeatureUsage(featureKey: "a", credits: Credits(millis: 1), cost: .zero),
                FeatureUsage(featureKey: "b", credits: Credits(millis: 1), cost: .zero),
                FeatureUsage(featureKey: "c", credits: Credits(millis: 1), cost: .zero),
            ])
        #expect(shares.values.reduce(0) { $0 + $1.nanos } == 10)
        #expect(shares["a"]?.nanos == 4 && shares["b"]?.nanos == 3 && shares["c"]?.nanos == 3)
        let none = RevenueAllocation.byCredits(Money(nanos: 49), features: [])
        #expect(none[nil]?.nanos == 49)
    }
}
