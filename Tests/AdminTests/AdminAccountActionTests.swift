import Foundation
import HTTPTypes
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import TallyAccess
import TallyTestSupport
import TallyWebTestSupport
import Testing

@Suite("Admin account actions")
struct AdminAccountActionTests {
    @Test("a plan change at the next period takes effect exactly at the period start: credits under the new override only from then")
    func planChangeAtNextPeriod() async throws {
        try await WebHarness.with(start: instant("2027-02-20T12:00:00Z")) { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createPlan(PlanDraft(
                code: "pro-plus", name: "Pro Plus", includedCredits: .limited(Credits(credits: 1_000)), overage: .block(grace: .zero)))
            try await harness.catalog.setEntitlement(
                planCode: "pro-plus", featureKey: "summarize", entitlement: Entitlement(enabled: true, creditRuleOverride: .perEvent(Credits(credits: 5))))
            let id = try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            let plusID = try await harness.rows("SELECT id FROM plans WHERE code = 'pro-plus'").first!.decode(Int64.self, at: 0)
            try await harness.withClient { client in
                let browsers = try await harness.staffBrowsers(client)
                let fields = [("plan", String(plusID)), ("timing", "next_period")]
                try await expectGuarded(client, "/admin/accounts/\(id)/plan", fields, browsers: browsers, harness: harness, action: "account.plan_change")
                let missing = try await client.submit("/admin/accounts/\(id)/plan", as: browsers.admin, [("plan", ""), ("timing", "next_period")])
                #expect(missing.status == .unprocessableContent && missing.text.contains("Choose a plan."))
                let scheduled = try await client.submit("/admin/accounts/\(id)/plan", as: browsers.admin, fields)
                #expect(scheduled.status == .seeOther)
                let (planID, nextID, from) = try await harness.rows("SELECT plan_id, next_plan_id, next_plan_from FROM accounts WHERE id = \(id)")
                    .first!.decode((Int64, Int64?, Date?).self)
                #expect(nextID == plusID && from == instant("2027-03-01T00:00:00Z") && planID != plusID)
                let audit = try #require(try await harness.lastAudit("account.plan_change"))
                #expect(audit.after?.contains("pro-plus from 2027-03-01") == true && audit.before?.contains("next_plan") == false)

                harness.clock.set(instant("2027-02-28T23:59:59Z"))
                try await harness.ingest([#"{"id": "before", "account": "acme", "feature": "summarize", "occurred_at": "2027-02-28T23:59:59Z"}"#])
                harness.clock.set(instant("2027-03-01T00:00:00Z"))
                try await harness.ingest([
                    #"{"id": "at", "account": "acme", "feature": "summarize", "occurred_at": "2027-03-01T00:00:00Z"}"#,
                    // A late event from before the change keeps the old plan's rule.
                    #"{"id": "late", "account": "acme", "feature": "summarize", "occurred_at": "2027-02-28T23:00:00Z"}"#,
                ])
                var credits: [String: Int64] = [:]
                for row in try await harness.rows("SELECT event_id, credits FROM usage_events WHERE account_id = \(id)") {
                    let (event, millis) = try row.decode((String, Int64).self)
                    credits[event] = millis
                }
                #expect(credits == ["before": 1_000, "at": 5_000, "late": 1_000])
                let answer = try #require(try await harness.entitlement(account: "acme", feature: "summarize"))
                let thousand = Credits(credits: 1_000)
                #expect(answer.ledger.included == .limited(thousand))
                // Eight days on, the morning's session has expired: sign in again to read the page.
                let admin = try await harness.signIn(client, "admin@ops.test")
                let page = try await client.get("/admin/accounts/\(id)", as: admin).text
                #expect(page.contains("<dt>Plan</dt><dd>Pro Plus (pro-plus)</dd>") && !page.contains("<dt>Next plan</dt>"))
            }
        }
    }

    @Test("editing the zone or anchor day moves a scheduled plan change to the next period start as then counted")
    func scheduledChangeFollowsZone() async throws {
        try await WebHarness.with(start: instant("2027-02-20T12:00:00Z")) { harness in
            try await harness.seedBasicCatalog()
            let id = try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            let (proID, paygID) = try await harness.rows(
                "SELECT (SELECT id FROM plans WHERE code = 'pro'), (SELECT id FROM plans WHERE code = 'payg')"
            ).first!.decode((Int64, Int64).self)
            try await harness.withClient { client in
                let browsers = try await harness.staffBrowsers(client)
                let scheduled = try await client.submit(
                    "/admin/accounts/\(id)/plan", as: browsers.admin, [("plan", String(paygID)), ("timing", "next_period")])
                #expect(scheduled.status == .seeOther)
                let edited = try await client.submit("/admin/accounts/\(id)", as: browsers.admin, [
                    ("name", "Acme"), ("external_id", "acme"), ("plan", String(proID)), ("time_zone", "Asia/Tokyo"), ("anchor_day", "25"),
                ])
                #expect(edited.status == .seeOther)
                let (nextID, from) = try await harness.rows("SELECT next_plan_id, next_plan_from FROM accounts WHERE id = \(id)")
                    .first!.decode((Int64?, Date?).self)
                // Tokyo is UTC+9: the period from 25 February starts at 2027-02-24T15:00:00Z.
                #expect(nextID == paygID && from == instant("2027-02-24T15:00:00Z"))
            }
        }
    }

    @Test("a new zone or anchor day carries the current period's usage and alerts into the new period: no credits handed out")
    func calendarChangeKeepsUsage() async throws {
        try await WebHarness.with(start: instant("2027-02-20T12:00:00Z")) { harness in
            try await harness.seedBasicCatalog()
            let id = try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            // 80 of the 100 included credits this period (UTC, from 1 February), and 3 last period.
            let events = (0..<80).map { #"{"id": "e-\#($0)", "account": "acme", "feature": "summarize"}"# }
                + (0..<3).map { #"{"id": "old-\#($0)", "account": "acme", "feature": "summarize", "occurred_at": "2027-01-20T10:00:00Z"}"# }
            _ = try await harness.ingest(events)
            let before = try #require(try await harness.entitlement(account: "acme", feature: "summarize"))
            #expect(before.ledger.used == (Credits(credits: 80)))
            let proID = try await harness.rows("SELECT id FROM plans WHERE code = 'pro'").first!.decode(Int64.self, at: 0)
            try await harness.withClient { client in
                let browsers = try await harness.staffBrowsers(client)
                let edited = try await client.submit("/admin/accounts/\(id)", as: browsers.admin, [
                    ("name", "Acme"), ("external_id", "acme"), ("plan", String(proID)), ("time_zone", "Asia/Tokyo"), ("anchor_day", "25"),
                ])
                #expect(edited.status == .seeOther)
            }
            // 2027-02-20 12:00Z is 21:00 in Tokyo: the period runs from 25 January there (2027-01-24T15:00Z).
            let after = try #require(try await harness.entitlement(account: "acme", feature: "summarize"))
            #expect(after.period.start == instant("2027-01-24T15:00:00Z"))
            #expect(after.ledger.used == (Credits(credits: 80)), "the 3 January events stay in their own period")
            // The counters still equal the events, period by period.
            let mismatches = try await harness.rows(
                """
                SELECT count(*)::int8 FROM (
                    SELECT account_id, period_start, feature_key, count(*) AS events, sum(credits) AS credits, sum(cost) AS cost
                    FROM usage_events GROUP BY 1, 2, 3
                ) e FULL JOIN period_usage p USING (account_id, period_start, feature_key)
                WHERE e.events IS DISTINCT FROM p.events OR e.credits IS DISTINCT FROM p.credits OR e.cost IS DISTINCT FROM p.cost
                """).first!.decode(Int.self, at: 0)
            #expect(mismatches == 0)
            // The 50 % and 75 % alerts moved with the usage: the next event fires neither again.
            let moved = try await harness.rows(
                "SELECT threshold, dedupe_key FROM alerts WHERE account_id = \(id) AND rule = 'credits_used' ORDER BY threshold")
                .map { try $0.decode((Int, String).self) }
            #expect(moved.map(\.0) == [50, 75])
            #expect(moved.map(\.1) == ["2027-01-24T15:00:00Z/50", "2027-01-24T15:00:00Z/75"])
            _ = try await harness.ingest([#"{"id": "e-80", "account": "acme", "feature": "summarize"}"#])
            let count = try await harness.rows("SELECT count(*)::int8 FROM alerts WHERE account_id = \(id)").first!.decode(Int.self, at: 0)
            #expect(count == 2)
            let last = try await harness.entitlement(account: "acme", feature: "summarize")
            #expect(last?.ledger.used == (Credits(credits: 81)))
        }
    }

    @Test("grant credits: valid → grant and audit row; too many decimals and a past expiry → 422 with messages")
    func grant() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            let id = try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            try await harness.withClient { client in
                let browsers = try await harness.staffBrowsers(client)
                let bad = try await client.submit("/admin/accounts/\(id)/grants", as: browsers.admin, [
                    ("amount", "10.1234"), ("kind", "top_up"), ("note", "promo"), ("price", "abc"), ("expires", "2020-01-01"),
                ])
                #expect(bad.status == .unprocessableContent)
                #expect(bad.text.contains("has more than 3 decimals"))
                #expect(bad.text.contains("is not a plain number"))
                #expect(bad.text.contains(#"value="10.1234""#) && bad.text.contains(#"value="promo""#))
                let past = try await client.submit("/admin/accounts/\(id)/grants", as: browsers.admin, [
                    ("amount", "10"), ("kind", "top_up"), ("expires", "2020-01-01"),
                ])
                #expect(past.status == .unprocessableContent && past.text.contains("The expiry must be in the future."))
                #expect(try await harness.auditCount("account.grant") == 0)
                let fields = [("amount", "250.5"), ("kind", "top_up"), ("note", "Q1 pack"), ("price", "19.99"), ("expires", "2027-06-01")]
                try await expectGuarded(client, "/admin/accounts/\(id)/grants", fields, browsers: browsers, harness: harness, action: "account.grant")
                let ok = try await client.submit("/admin/accounts/\(id)/grants", as: browsers.admin, fields)
                #expect(ok.status == .seeOther)
                let (amount, price, expires) = try await harness.rows("SELECT amount, price, expires_at FROM credit_grants WHERE account_id = \(id)")
                    .first!.decode((Int64, Int64?, Date?).self)
                #expect(amount == 250_500 && price == 19_990_000_000 && expires == instant("2027-06-01T00:00:00Z"))
                let audit = try #require(try await harness.lastAudit("account.grant"))
                #expect(audit.after?.contains("250.5") == true)
                let page = try await client.get("/admin/accounts/\(id)", as: browsers.admin).text
                #expect(page.contains("<dt>Granted</dt><dd>350.5</dd>"))
            }
        }
    }

    @Test("pause needs confirmation; paused → the entitlement check answers paused; unpause restores it")
    func pause() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            let id = try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            try await harness.withClient { client in
                let browsers = try await harness.staffBrowsers(client)
                let unconfirmed = try await client.submit("/admin/accounts/\(id)/status", as: browsers.admin, [("status", "paused")])
                #expect(unconfirmed.status == .unprocessableContent && unconfirmed.text.contains("Tick the box to confirm"))
                let fields = [("status", "paused"), ("confirm", "yes")]
                try await expectGuarded(client, "/admin/accounts/\(id)/status", fields, browsers: browsers, harness: harness, action: "account.pause")
                #expect(try await client.submit("/admin/accounts/\(id)/status", as: browsers.admin, fields).status == .seeOther)
                let paused = try await harness.entitlement(account: "acme", feature: "summarize")
                #expect(paused?.decision.reason == .paused)
                let audit = try #require(try await harness.lastAudit("account.pause"))
                #expect(audit.before?.contains(#""active""#) == true && audit.after?.contains(#""paused""#) == true)
                #expect(try await client.submit("/admin/accounts/\(id)/status", as: browsers.admin, [("status", "active")]).status == .seeOther)
                let active = try await harness.entitlement(account: "acme", feature: "summarize")
                #expect(active?.decision.reason == .ok)
            }
        }
    }

    @Test("add a customer user: the password is shown once and works; a taken email → 422")
    func addUser() async throws {
        try await WebHarness.with { harness in
            let id = try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: nil)
            try await harness.withClient { client in
                let browsers = try await harness.staffBrowsers(client)
                let fields = [("email", "new@acme.test"), ("role", "owner")]
                try await expectGuarded(client, "/admin/accounts/\(id)/users", fields, browsers: browsers, harness: harness, action: "user.create")
                let created = try await client.submit("/admin/accounts/\(id)/users", as: browsers.admin, fields)
                #expect(created.status == .ok)
                let html = created.text
                let start = try #require(html.range(of: #"<code class="secret-value">"#))
                let password = String(html[start.upperBound...].prefix { $0 != "<" })
                #expect(password.count == 20)
                _ = try await harness.signIn(client, "new@acme.test", password: password)
                let again = try await client.submit("/admin/accounts/\(id)/users", as: browsers.admin, fields)
                #expect(again.status == .unprocessableContent && again.text.contains("A user with this email already exists."))
                let bad = try await client.submit("/admin/accounts/\(id)/users", as: browsers.admin, [("email", "nope"), ("role", "admin")])
                #expect(bad.status == .unprocessableContent && bad.text.contains("Choose owner or member."))
                let audit = try #require(try await harness.lastAudit("user.create"))
                #expect(audit.after?.contains("new@acme.test") == true && audit.after?.contains(password) == false)
            }
        }
    }
}
