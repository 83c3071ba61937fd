import Foundation
import HTTPTypes
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import TallyAccess
import TallyWebTestSupport
import Testing

/// The overview's two slots: top-up requests waiting and recent (open) alerts.
@Suite("Overview slots")
struct OverviewSlotTests {
    @Test("top-up requests waiting: how many, and each linking to its request on the top-ups page; an answered one leaves")
    func topUpRequestsWaiting() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            try await harness.createUser("owner@acme.test", role: .owner, account: "acme")
            try await harness.withClient { client in
                let browsers = try await harness.staffBrowsers(client)
                let empty = try #require(overviewSlot(try await client.get("/admin", as: browsers.sales).text, "top-up-requests"))
                #expect(empty.contains("No top-up requests are waiting."))

                let owner = try await harness.signIn(client, "owner@acme.test")
                for (credits, note) in [("500", "Launch week"), ("20", "")] {
                    #expect(try await client.submit("/billing/top-ups", as: owner, [("credits", credits), ("note", note)]).status == .seeOther)
                }
                let ids = try await harness.rows("SELECT id FROM top_up_requests ORDER BY requested_at, id").map { try $0.decode(Int64.self, at: 0) }
                try #require(ids.count == 2)
                let card = try #require(overviewSlot(try await client.get("/admin", as: browsers.sales).text, "top-up-requests"))
                #expect(card.contains("2 waiting") && card.contains("Acme") && !card.contains("No top-up requests"))
                let topUps = try await client.get("/admin/top-ups", as: browsers.sales).text
                for id in ids {
                    #expect(card.contains(#"href="/admin/top-ups#request-\#(id)""#))
                    #expect(topUps.contains(#"id="request-\#(id)""#), "the link's target exists")
                }

                let approved = try await client.submit("/admin/top-ups/\(ids[0])/approve", as: browsers.admin, [("price", "25"), ("expires", "")])
                #expect(approved.status == .seeOther)
                let after = try #require(overviewSlot(try await client.get("/admin", as: browsers.sales).text, "top-up-requests"))
                #expect(after.contains("1 waiting") && !after.contains("#request-\(ids[0])\"") && after.contains("#request-\(ids[1])\""))
            }
        }
    }

    @Test("recent alerts: how many are open, the newest linking to the account's alerts; an acknowledged one leaves")
    func recentAlerts() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            try await harness.withClient { client in
                let browsers = try await harness.staffBrowsers(client)
                let empty = try #require(overviewSlot(try await client.get("/admin", as: browsers.sales).text, "recent-alerts"))
                #expect(empty.contains("No open alerts."))

                // 80 of 100 credits: the 50 % and 75 % thresholds fire at ingest.
                try await harness.ingest((0..<80).map { eventJSON("a\($0)", account: "acme", at: "2027-02-20T10:00:00Z") })
                let ids = try await harness.rows("SELECT id FROM alerts ORDER BY threshold").map { try $0.decode(Int64.self, at: 0) }
                try #require(ids.count == 2)
                let card = try #require(overviewSlot(try await client.get("/admin", as: browsers.sales).text, "recent-alerts"))
                #expect(card.contains("2 open") && card.contains("Acme has used 75% of its credits this period."))
                #expect(card.contains(#"href="/admin/alerts?account=acme""#))
                #expect(try await client.get("/admin/alerts?account=acme", as: browsers.sales).text.contains("Acme has used 75%"))

                #expect(try await client.submit("/admin/alerts/\(ids[1])/acknowledge", as: browsers.admin, []).status == .seeOther)
                let after = try #require(overviewSlot(try await client.get("/admin", as: browsers.sales).text, "recent-alerts"))
                #expect(after.contains("1 open") && !after.contains("75%") && after.contains("Acme has used 50%"))
            }
        }
    }
}

/// The overview card `<section … id="<id>">…</section>`.
func overviewSlot(_ html: String, _ id: String) -> String? {
    guard let start = html.range(of: #"id="\#(id)""#), let end = html.range(of: "</section>", range: start.upperBound..<html.endIndex)
    else { return nil }
    return String(html[start.upperBound..<end.lowerBound])
}
