import Foundation
import HTTPTypes
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import TallyAccess
import TallyWebTestSupport
import Testing

@Suite("Admin plans and features")
struct AdminCatalogTests {
    static let plan = [
        ("code", "team"), ("name", "Team"), ("monthly_fee", "99"), ("included_credits", "500"),
        ("overage_policy", "charge"), ("overage_price", "0.02"),
    ]

    @Test("plans: create valid/invalid (too many decimals refused), edit with before → after, guarded")
    func createAndEdit() async throws {
        try await WebHarness.with { harness in
            try await harness.withClient { client in
                let browsers = try await harness.staffBrowsers(client)
                let bad = try await client.submit("/admin/plans", as: browsers.admin, [
                    ("code", "Team Plan"), ("name", ""), ("monthly_fee", "49.1234567891"), ("included_credits", "1.0005"),
                    ("overage_policy", "block"), ("grace", "10.555"),
                ])
                #expect(bad.status == .unprocessableContent)
                #expect(bad.text.contains("has more than 9 decimals") && bad.text.contains("has more than 3 decimals") && bad.text.contains("has more than 2 decimals"))
                #expect(bad.text.contains("lowercase letters") && bad.text.contains("Enter a name of 1 to 200 characters."))
                #expect(bad.text.contains(#"value="49.1234567891""#))
                try await expectGuarded(client, "/admin/plans", Self.plan, browsers: browsers, harness: harness, action: "plan.create")
                let created = try await client.submit("/admin/plans", as: browsers.admin, Self.plan)
                #expect(created.status == .seeOther)
                let id = try await harness.rows("SELECT id FROM plans WHERE code = 'team'").first!.decode(Int64.self, at: 0)
                let (fee, included, policy, price) = try await harness.rows(
                    "SELECT monthly_fee, included_credits, overage_policy, overage_price_per_credit FROM plans WHERE id = \(id)"
                ).first!.decode((Int64, Int64?, String, Int64).self)
                #expect(fee == 99_000_000_000 && included == 500_000 && policy == "charge" && price == 20_000_000)
                #expect(try await harness.lastAudit("plan.create")?.after?.contains("charge $0.02 per credit") == true)

                let edited = Self.plan.map { $0.0 == "monthly_fee" ? ("monthly_fee", "129.5") : $0 } + [("unlimited", "yes")]
                try await expectGuarded(client, "/admin/plans/\(id)", edited, browsers: browsers, harness: harness, action: "plan.update")
                #expect(try await client.submit("/admin/plans/\(id)", as: browsers.admin, edited).status == .seeOther)
                let audit = try #require(try await harness.lastAudit("plan.update"))
                #expect(audit.before?.contains("$99") == true && audit.after?.contains("$129.5") == true && audit.after?.contains("unlimited") == true)
                let taken = try await client.submit("/admin/plans", as: browsers.admin, Self.plan)
                #expect(taken.status == .unprocessableContent && taken.text.contains("Another plan already has this code."))
                let list = try await client.get("/admin/plans", as: browsers.sales)
                #expect(list.status == .ok && list.text.contains("Team") && !list.text.contains("New plan"))
            }
        }
    }

    @Test("an archived plan keeps its accounts but can't be chosen; unarchive restores it")
    func archive() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            let account = try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            let other = try await harness.catalog.createAccount(externalID: "beta", name: "Beta", planCode: "payg")
            let pro = try await harness.rows("SELECT id FROM plans WHERE code = 'pro'").first!.decode(Int64.self, at: 0)
            try await harness.withClient { client in
                let browsers = try await harness.staffBrowsers(client)
                let unconfirmed = try await client.submit("/admin/plans/\(pro)/archive", as: browsers.admin, [("archived", "yes")])
                #expect(unconfirmed.status == .unprocessableContent && unconfirmed.text.contains("Tick the box"))
                let fields = [("archived", "yes"), ("confirm", "yes")]
                try await expectGuarded(client, "/admin/plans/\(pro)/archive", fields, browsers: browsers, harness: harness, action: "plan.archive")
                #expect(try await client.submit("/admin/plans/\(pro)/archive", as: browsers.admin, fields).status == .seeOther)
                #expect(try await harness.rows("SELECT plan_id FROM accounts WHERE id = \(account)").first!.decode(Int64.self, at: 0) == pro)
                let list = try await client.get("/admin/plans", as: browsers.admin).text
                #expect(list.contains("Archived"))
                let newForm = try await client.get("/admin/accounts/new", as: browsers.admin).text
                #expect(!newForm.contains("(pro)"))
                let change = try await client.submit("/admin/accounts/\(other)/plan", as: browsers.admin, [("plan", String(pro)), ("timing", "now")])
                #expect(change.status == .unprocessableContent && change.text.contains("This plan is archived"))
                let answer = try await harness.entitlement(account: "acme", feature: "summarize")
                #expect(answer?.decision.reason == .ok)
                let archived = try await harness.lastAudit("plan.archive")?.after ?? ""
                #expect(archived.contains(#""archived":"yes""#) || archived.contains(#""archived": "yes""#))
                #expect(try await client.submit("/admin/plans/\(pro)/archive", as: browsers.admin, [("archived", "no")]).status == .seeOther)
                #expect(try await client.submit("/admin/accounts/\(other)/plan", as: browsers.admin, [("plan", String(pro)), ("timing", "now")]).status == .seeOther)
            }
        }
    }

    @Test("entitlements on the plan page: override and limit saved and audited; bad rate → 422")
    func entitlements() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            let pro = try await harness.rows("SELECT id FROM plans WHERE code = 'pro'").first!.decode(Int64.self, at: 0)
            try await harness.withClient { client in
                let browsers = try await harness.staffBrowsers(client)
                let bad = try await client.submit("/admin/plans/\(pro)/entitlements", as: browsers.admin, [
                    ("feature", "chat"), ("enabled", "yes"), ("rule_kind", "per_event"), ("rate", "1.23456"),
                ])
                #expect(bad.status == .unprocessableContent && bad.text.contains("has more than 3 decimals") && bad.text.contains(#"value="1.23456""#))
                let fields = [("feature", "chat"), ("enabled", "yes"), ("rule_kind", "per_event"), ("rate", "3"), ("limit", "40")]
                try await expectGuarded(client, "/admin/plans/\(pro)/entitlements", fields, browsers: browsers, harness: harness, action: "entitlement.update")
                #expect(try await client.submit("/admin/plans/\(pro)/entitlements", as: browsers.admin, fields).status == .seeOther)
                let (kind, rate, limit) = try await harness.rows(
                    "SELECT rule_override_kind, rule_override_rate, period_limit FROM entitlements WHERE plan_id = \(pro) AND feature_key = 'chat'"
                ).first!.decode((String?, Int64?, Int64?).self)
                #expect(kind == "per_event" && rate == 3_000 && limit == 40_000)
                let audit = try #require(try await harness.lastAudit("entitlement.update"))
                #expect(audit.before?.contains("feature's own") == true && audit.after?.contains("3 credits per event") == true)
                #expect(try await client.submit("/admin/plans/999999/entitlements", as: browsers.admin, fields).status == .notFound)
            }
        }
    }

    @Test("features: create, edit, and register a key seen on events with one click")
    func features() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            try await harness.ingest([#"{"id": "x", "account": "acme", "feature": "translate"}"#])
            try await harness.withClient { client in
                let browsers = try await harness.staffBrowsers(client)
                let page = try await client.get("/admin/features", as: browsers.sales).text
                #expect(page.contains("New keys to review") && page.contains("<code>translate</code>") && !page.contains("Register (1 credit per event)"))
                let bad = try await client.submit("/admin/features", as: browsers.admin, [("key", "Bad Key"), ("name", "X"), ("rule_kind", "per_usd"), ("rate", "0.0001")])
                #expect(bad.status == .unprocessableContent && bad.text.contains("lowercase letters") && bad.text.contains("has more than 3 decimals"))
                let register = [("key", "translate"), ("name", "translate"), ("rule_kind", "per_event"), ("rate", "1")]
                try await expectGuarded(client, "/admin/features", register, browsers: browsers, harness: harness, action: "feature.create")
                #expect(try await client.submit("/admin/features", as: browsers.admin, register).status == .seeOther)
                let after = try await client.get("/admin/features", as: browsers.admin).text
                #expect(!after.contains("New keys to review"))
                let edit = [("name", "Translate"), ("rule_kind", "per_1k_tokens"), ("rate", "0.5")]
                try await expectGuarded(client, "/admin/features/translate", edit, browsers: browsers, harness: harness, action: "feature.update")
                #expect(try await client.submit("/admin/features/translate", as: browsers.admin, edit).status == .seeOther)
                let audit = try #require(try await harness.lastAudit("feature.update"))
                #expect(audit.before?.contains("1 credit per event") == true && audit.after?.contains("0.5 credits per 1k tokens") == true)
                #expect(try await client.get("/admin/features/nope", as: browsers.admin).status == .notFound)
            }
        }
    }
}
