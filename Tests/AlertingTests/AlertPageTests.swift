// The admin pages of alerts, rules and webhooks, and the customer's threshold banners (issue 8).
import Alerting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Metering
import MeteringStore
import TallyAccess
import TallyTestSupport
import TallyWebTestSupport
import Postgres
import TallyDatabase
import Testing

@Suite("Alert pages")
struct AlertPageTests {
    private func setUp(_ harness: WebHarness) async throws {
        try await harness.seedBasicCatalog()
        try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
        try await harness.catalog.createAccount(externalID: "globex", name: "Globex", planCode: "pro")
        try await harness.createUser("admin@tally.test", role: .admin, account: nil)
        try await harness.createUser("sales@tally.test", role: .sales, account: nil)
        try await harness.createUser("owner@acme.test", role: .owner, account: "acme")
        try await harness.ingest(harness.summarizeEvents("acme", count: 80, prefix: "a"))     // 50, 75
        try await harness.ingest(harness.summarizeEvents("globex", count: 95, prefix: "g"))   // 50, 75, 90
    }

    @Test("the list shows alerts newest first, filters by rule, level, account and state, and paginates")
    func listAndFilter() async throws {
        try await WebHarness.with { harness in
            try await setUp(harness)
            try await harness.withClient { client in
                let sales = try await harness.signIn(client, "sales@tally.test")
                let all = try await client.get("/admin/alerts", as: sales)
                #expect(all.status == .ok)
                #expect(all.text.contains("5 alert(s)"))
                #expect(all.text.contains("Globex has used 90% of its credits this period."))
                #expect(!all.text.contains("/acknowledge"))   // sales see no forms
                let acme = try await client.get("/admin/alerts?account=acme&level=warning", as: sales)
                #expect(acme.text.contains("Acme has used 75%"))
                #expect(!acme.text.contains("Acme has used 50%"))
                #expect(!acme.text.contains("Globex"))
                let bad = try await client.get("/admin/alerts?rule=nonsense&level=%00&page=-3", as: sales)
                #expect(bad.status == .ok)   // unknown filter values are ignored, not an error
                let none = try await client.get("/admin/alerts?rule=cost_spike", as: sales)
                #expect(none.text.contains("No alerts match this filter"))
            }
            // 60 alerts: two pages.
            for index in 0..<55 {
                _ = try await harness.rows(
                    """
                    INSERT INTO alerts (account_id, rule, level, subject, dedupe_key, message, fired_at)
                    VALUES (NULL, 'unpriced_model', 'warning', \("m\(index)"), \("k\(index)"), 'Model m has no price', now())
                    """)
            }
            try await harness.withClient { client in
                let admin = try await harness.signIn(client, "admin@tally.test")
                let first = try await client.get("/admin/alerts", as: admin)
                #expect(first.text.contains("Page 1 of 2 · 60 alert(s)"))
                #expect(first.text.contains(#"action="/admin/alerts/"#) && first.text.contains("/acknowledge"))
                #expect(first.text.contains(#"href="/admin/alerts?state=open&amp;page=2""#))
                let second = try await client.get("/admin/alerts?state=open&page=2", as: admin)
                #expect(second.text.contains("Page 2 of 2"))
            }
        }
    }

    @Test("an admin acknowledges an alert (audited); sales get 403; an unknown id is 404")
    func acknowledge() async throws {
        try await WebHarness.with { harness in
            try await setUp(harness)
            let id = try await harness.rows("SELECT id FROM alerts WHERE threshold = 90").first!.decode(Int64.self, at: 0)
            try await harness.withClient { client in
                let sales = try await harness.signIn(client, "sales@tally.test")
                #expect(try await client.submit("/admin/alerts/\(id)/acknowledge", as: sales, []).status == .forbidden)
                let admin = try await harness.signIn(client, "admin@tally.test")
                let done = try await client.submit(
                    "/admin/alerts/\(id)/acknowledge", as: admin, [("return", "/admin/alerts?account=globex&state=open")])
                #expect(done.status == .seeOther)
                #expect(done.headers[.location] == "/admin/alerts?account=globex&state=open")
                let offsite = try await client.submit("/admin/alerts/\(id)/acknowledge", as: admin, [("return", "https://evil.test/")])
                #expect(offsite.headers[.location] == "/admin/alerts")
                #expect(try await client.submit("/admin/alerts/999999/acknowledge", as: admin, []).status == .notFound)
                let open = try await client.get("/admin/alerts", as: admin)
                #expect(!open.text.contains("Globex has used 90%"))
                let acknowledged = try await client.get("/admin/alerts?state=acknowledged", as: admin)
                #expect(acknowledged.text.contains("Globex has used 90%"))
                #expect(acknowledged.text.contains("by admin@tally.test"))
            }
            let audit = try await harness.rows("SELECT action, object_id, actor FROM audit_log WHERE object_kind = 'alert'")
                .map { try $0.decode((String, String, String).self) }
            #expect(audit.count == 1)   // the second acknowledgement changed nothing
            #expect(audit.first?.0 == "alert.acknowledge" && audit.first?.1 == String(id) && audit.first?.2 == "admin@tally.test")
        }
    }

    @Test("rules: defaults shown; bad input is 422 with the input kept; a good change is saved, audited and used")
    func editRules() async throws {
        try await WebHarness.with { harness in
            try await setUp(harness)
            try await harness.withClient { client in
                let admin = try await harness.signIn(client, "admin@tally.test")
                let page = try await client.get("/admin/alerts/rules", as: admin)
                #expect(page.text.contains(#"value="50, 75, 90, 100""#))
                #expect(page.text.contains(#"name="spikeMinimum" inputmode="decimal" value="5""#))
                var fields = [("creditsEnabled", "on"), ("creditThresholds", "60, abc"), ("marginEnabled", "on"), ("marginWarning", "20"),
                              ("marginCritical", "25"), ("marginCooldown", "60"), ("spikeEnabled", "on"), ("spikeMultiplier", "2.5"),
                              ("spikeMinimum", "-1"), ("spikeCooldown", "60"), ("unpricedCooldown", "0"), ("capEnabled", "on")]
                let refused = try await client.submit("/admin/alerts/rules", as: admin, fields)
                #expect(refused.status == .unprocessableContent)
                #expect(refused.text.contains(#"value="60, abc""#))
                #expect(refused.text.contains(#"id="creditThresholds-error""#))
                #expect(refused.text.contains("The critical margin must be below the warning margin."))
                #expect(refused.text.contains(#"id="unpricedCooldown-error""#))
                #expect(try await AlertRuleStore(pool: harness.pool).load() == AlertRuleSettings())   // nothing saved
                fields[1] = ("creditThresholds", "60, 95")
                fields[4] = ("marginCritical", "5")
                fields[8] = ("spikeMinimum", "12.5")
                fields[10] = ("unpricedCooldown", "30")
                let saved = try await client.submit("/admin/alerts/rules", as: admin, fields)
                #expect(saved.status == .seeOther)
                #expect(saved.headers[.location] == "/admin/alerts/rules?saved=1")
                let sales = try await harness.signIn(client, "sales@tally.test")
                #expect(try await client.submit("/admin/alerts/rules", as: sales, fields).status == .forbidden)
                let readOnly = try await client.get("/admin/alerts/rules", as: sales)
                #expect(!readOnly.text.contains(#"action="/admin/alerts/rules""#))
            }
            let settings = try await AlertRuleStore(pool: harness.pool).load()
            #expect(settings.creditThresholds == [60, 95])
            #expect(settings.marginWarningBP == 2_000 && settings.marginCriticalBP == 500)
            #expect(settings.spikeMultiplierBP == 25_000 && settings.spikeMinimumCost == 12_500_000_000)
            #expect(!settings.unpricedEnabled && settings.unpricedCooldownMinutes == 30)
            let audit = try await harness.rows("SELECT count(*)::bigint FROM audit_log WHERE action = 'alert_rules.update'")
            #expect(try audit.first!.decode(Int64.self, at: 0) == 1)
            // The new thresholds apply from the next ingest: acme goes from 80 to 95 and gets 95, and
            // 60, which it had passed before 60 was a threshold.
            try await harness.ingest(harness.summarizeEvents("acme", count: 15, prefix: "more"))
            #expect(try await harness.thresholds("acme") == [50, 60, 75, 95])
        }
    }

    @Test("webhooks: bad input is 422; a new endpoint shows its secret once; the detail page logs deliveries")
    func webhookPages() async throws {
        try await WebHarness.with { harness in
            try await setUp(harness)
            try await harness.withClient { client in
                let admin = try await harness.signIn(client, "admin@tally.test")
                let empty = try await client.get("/admin/webhooks", as: admin)
                #expect(empty.text.contains("No webhook endpoints yet"))
                let refused = try await client.submit("/admin/webhooks", as: admin, [("name", ""), ("url", "ftp://x"), ("format", "json")])
                #expect(refused.status == .unprocessableContent)
                #expect(refused.text.contains(#"id="url-error""#))
                #expect(refused.text.contains("Choose at least one kind of alert."))
                #expect(refused.text.contains(#"value="ftp://x""#))
                let created = try await client.submit("/admin/webhooks", as: admin, [
                    ("name", "Ops"), ("url", "https://hooks.example.test/tally"), ("rules[]", "credits_used"),
                    ("rules[]", "cost_spike"), ("format", "slack"), ("enabled", "on"),
                ])
                #expect(created.status == .ok)
                let secret = try #require(created.text.firstMatch(of: /whsec_[0-9a-f]{48}/)).output
                let id = try await harness.rows("SELECT id FROM webhook_endpoints").first!.decode(Int64.self, at: 0)
                let list = try await client.get("/admin/webhooks", as: admin)
                #expect(list.text.contains("Ops") && !list.text.contains(String(secret)))
                try await harness.ingest(harness.summarizeEvents("acme", count: 15, prefix: "more"))   // 95: 90 fires
                let detail = try await client.get("/admin/webhooks/\(id)", as: admin)
                #expect(detail.status == .ok)
                #expect(detail.text.contains("Acme has used 90% of its credits this period."))
                #expect(!detail.text.contains(String(secret)))
                #expect(try await client.get("/admin/webhooks/424242", as: admin).status == .notFound)
                let disabled = try await client.submit("/admin/webhooks/\(id)", as: admin, [
                    ("name", "Ops"), ("url", "https://hooks.example.test/tally"), ("rules[]", "credits_used"), ("format", "json"),
                ])
                #expect(disabled.status == .seeOther)
                let sales = try await harness.signIn(client, "sales@tally.test")
                #expect(try await client.get("/admin/webhooks/\(id)", as: sales).status == .ok)
                #expect(try await client.submit("/admin/webhooks/\(id)", as: sales, [("name", "x")]).status == .forbidden)
            }
            let endpoint = try #require(try await WebhookStore(pool: harness.pool).list().first)
            #expect(!endpoint.enabled && endpoint.format == .json && endpoint.rules == [.creditsUsed])
            let actions = try await harness.rows("SELECT action FROM audit_log WHERE object_kind = 'webhook_endpoint' ORDER BY id")
                .map { try $0.decode(String.self, at: 0) }
            #expect(actions == ["webhook.create", "webhook.update"])
            let audited = try await harness.rows("SELECT after::text FROM audit_log WHERE action = 'webhook.create'").first!.decode(String.self, at: 0)
            #expect(!audited.contains("whsec_"))
        }
    }

    @Test("a customer's banner: the highest threshold still reached, own account, this period only")
    func customerBanners() async throws {
        try await WebHarness.with { harness in
            try await setUp(harness)
            let ids = try await harness.rows("SELECT external_id, id FROM accounts ORDER BY external_id")
                .map { try $0.decode((String, Int64).self) }
            let id = Dictionary(uniqueKeysWithValues: ids)
            let alerts = AlertStore(pool: harness.pool)
            #expect(try await alerts.bannerThreshold(account: id["acme"]!, at: harness.clock.now()) == 75)
            #expect(try await alerts.bannerThreshold(account: id["globex"]!, at: harness.clock.now()) == 90)
            // A top-up of 40: acme's 80 used of 140 is 57 %, so the 75 % banner gives way to 50 %.
            try await harness.catalog.grant(
                accountExternalID: "acme",
                try CreditGrant(amount: Credits(credits: 40), kind: .topUp, grantedAt: harness.clock.now()))
            #expect(try await alerts.bannerThreshold(account: id["acme"]!, at: harness.clock.now()) == 50)
            // Another 60: 80 of 200 is 40 %, below every threshold fired: no banner, though the alerts stay.
            try await harness.catalog.grant(
                accountExternalID: "acme",
                try CreditGrant(amount: Credits(credits: 60), kind: .topUp, grantedAt: harness.clock.now()))
            #expect(try await alerts.bannerThreshold(account: id["acme"]!, at: harness.clock.now()) == nil)
            let kept = try await harness.rows("SELECT count(*)::int8 FROM alerts WHERE account_id = \(id["acme"]!)")
                .first!.decode(Int.self, at: 0)
            #expect(kept == 2)
            harness.clock.set(instant("2027-03-02T00:00:00Z"))
            #expect(try await alerts.bannerThreshold(account: id["globex"]!, at: harness.clock.now()) == nil)
        }
    }

    @Test("after a top-up the customer's pages drop the banner the top-up made untrue")
    func bannerAfterTopUp() async throws {
        try await WebHarness.with { harness in
            try await setUp(harness)
            try await harness.withClient { client in
                let owner = try await harness.signIn(client, "owner@acme.test")
                for path in ["/", "/usage", "/billing"] {
                    let before = try await client.get(path, as: owner)
                    #expect(before.text.contains("Your account has used 75% of its credits for this period."), "\(path)")
                }
                try await harness.catalog.grant(
                    accountExternalID: "acme",
                    try CreditGrant(amount: Credits(credits: 100), kind: .topUp, grantedAt: harness.clock.now()))
                for path in ["/", "/usage", "/billing"] {
                    let after = try await client.get(path, as: owner)
                    #expect(after.status == .ok)
                    #expect(!after.text.contains("of its credits for this period."), "\(path)")
                }
            }
        }
    }
}
