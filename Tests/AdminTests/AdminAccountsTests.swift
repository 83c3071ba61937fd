import Foundation
import HTTPTypes
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import TallyAccess
import TallyWebTestSupport
import Testing

@Suite("Admin accounts")
struct AdminAccountsTests {
    static let valid = [("name", "Globex Corp"), ("external_id", "globex"), ("plan", ""), ("time_zone", "Europe/Paris"), ("anchor_day", "15")]

    @Test("create: valid → 303 to the account and an audit row; invalid → 422 with messages and input kept; no token or sales → 403")
    func create() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.withClient { client in
                let browsers = try await harness.staffBrowsers(client)
                let invalid = try await client.submit("/admin/accounts", as: browsers.admin, [
                    ("name", ""), ("external_id", "globex corp"), ("time_zone", "Mars/Olympus"), ("anchor_day", "32"),
                ])
                #expect(invalid.status == .unprocessableContent)
                #expect(invalid.text.contains("Enter a name of 1 to 200 characters."))
                #expect(invalid.text.contains("without spaces"))
                #expect(invalid.text.contains("&#39;Mars/Olympus&#39; is not an IANA time zone") || invalid.text.contains("'Mars/Olympus' is not an IANA time zone"))
                #expect(invalid.text.contains("Enter a day of the month from 1 to 31."))
                #expect(invalid.text.contains(#"value="Mars/Olympus""#) && invalid.text.contains(#"value="32""#))
                #expect(invalid.text.contains(#"aria-invalid="true""#))
                #expect(try await harness.auditCount("account.create") == 0)

                try await expectGuarded(client, "/admin/accounts", Self.valid, browsers: browsers, harness: harness, action: "account.create")
                #expect(try await harness.rows("SELECT 1 FROM accounts WHERE external_id = 'globex'").first == nil)

                let proID = try await harness.rows("SELECT id FROM plans WHERE code = 'pro'").first!.decode(Int64.self, at: 0)
                let created = try await client.submit("/admin/accounts", as: browsers.admin, Self.valid.map { $0.0 == "plan" ? ("plan", String(proID)) : $0 })
                #expect(created.status == .seeOther)
                let id = try await harness.accountID("globex")
                #expect(created.headers[.location] == "/admin/accounts/\(id)?notice=created")
                let row = try await harness.rows("SELECT name, plan_id, time_zone, anchor_day FROM accounts WHERE id = \(id)").first!
                let (name, plan, zone, anchor) = try row.decode((String, Int64?, String, Int).self)
                #expect(name == "Globex Corp" && plan == proID && zone == "Europe/Paris" && anchor == 15)
                let audit = try #require(try await harness.lastAudit("account.create"))
                #expect(audit.before == nil && audit.actor == "admin@ops.test")
                let after = audit.after ?? ""
                #expect(after.contains(#""plan": "pro""#) || after.contains(#""plan":"pro""#))

                let page = try await client.get(try #require(created.headers[.location]), as: browsers.admin)
                #expect(page.status == .ok && page.text.contains("Account created."))
                let salesPage = try await client.get("/admin/accounts/\(id)", as: browsers.sales)
                #expect(salesPage.status == .ok && !salesPage.text.contains("action=\"/admin/accounts/\(id)/grants\""))
            }
        }
    }

    @Test("edit: a taken external id → 422 and no audit row (the failed change writes none); valid → before and after")
    func edit() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            let id = try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            try await harness.catalog.createAccount(externalID: "taken", name: "Taken", planCode: nil)
            try await harness.withClient { client in
                let browsers = try await harness.staffBrowsers(client)
                let form = try await client.get("/admin/accounts/\(id)/edit", as: browsers.admin)
                #expect(form.status == .ok && form.text.contains(#"value="acme""#))
                #expect(try await client.get("/admin/accounts/\(id)/edit", as: browsers.sales).status == .forbidden)
                let proID = try await harness.rows("SELECT id FROM plans WHERE code = 'pro'").first!.decode(Int64.self, at: 0)
                let fields = [("name", "Acme Ltd"), ("external_id", "taken"), ("plan", String(proID)), ("time_zone", "UTC"), ("anchor_day", "1")]
                let refused = try await client.submit("/admin/accounts/\(id)", as: browsers.admin, fields)
                #expect(refused.status == .unprocessableContent)
                #expect(refused.text.contains("Another account already has this external id."))
                #expect(refused.text.contains(#"value="Acme Ltd""#))
                #expect(try await harness.auditCount("account.update") == 0)
                #expect(try await harness.rows("SELECT name FROM accounts WHERE id = \(id)").first!.decode(String.self, at: 0) == "Acme")

                try await expectGuarded(client, "/admin/accounts/\(id)", fields, browsers: browsers, harness: harness, action: "account.update")
                let saved = try await client.submit("/admin/accounts/\(id)", as: browsers.admin, fields.map { $0.0 == "external_id" ? ("external_id", "acme-ltd") : $0 })
                #expect(saved.status == .seeOther)
                let audit = try #require(try await harness.lastAudit("account.update"))
                #expect(audit.before?.contains("acme") == true && audit.after?.contains("acme-ltd") == true)
                #expect(try await client.get("/admin/accounts/999999", as: browsers.admin).status == .notFound)
            }
        }
    }

    @Test("list: search by name or external id, sort by cost, 50 per page with the query kept in the links")
    func listSearchSortPages() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            for number in 1...55 {
                try await harness.catalog.createAccount(
                    externalID: String(format: "cust-%02ld", number), name: String(format: "Customer %02ld", number), planCode: "pro")
            }
            try await harness.catalog.createAccount(externalID: "zeta-x", name: "Needle Industries", planCode: "payg")
            // Cost: cust-07 spends more than cust-03; both more than anyone else.
            try await harness.ingest([
                #"{"id": "a", "account": "cust-07", "feature": "chat", "model": "gpt-4o", "usage": {"input_tokens": 400000, "output_tokens": 100000}}"#,
                #"{"id": "b", "account": "cust-03", "feature": "chat", "model": "gpt-4o", "usage": {"input_tokens": 1000, "output_tokens": 100}}"#,
            ])
            try await harness.withClient { client in
                let browsers = try await harness.staffBrowsers(client)
                let first = try await client.get("/admin/accounts", as: browsers.sales).text
                #expect(first.contains("56 accounts · page 1 of 2"))
                #expect(first.contains("Customer 01") && !first.contains("Needle Industries"))
                #expect(first.contains(#"href="/admin/accounts?page=2""#))
                let second = try await client.get("/admin/accounts?page=2", as: browsers.sales).text
                #expect(second.contains("Customer 55") && second.contains("Needle Industries") && !second.contains("Customer 01<"))

                let byExternal = try await client.get("/admin/accounts?q=ZETA", as: browsers.sales).text
                #expect(byExternal.contains("Needle Industries") && byExternal.contains("1 account ·"))
                let byName = try await client.get("/admin/accounts?q=needle", as: browsers.sales).text
                #expect(byName.contains("Needle Industries") && !byName.contains("Customer 01"))
                let none = try await client.get("/admin/accounts?q=nothing-like-this", as: browsers.sales).text
                #expect(none.contains("No accounts match"))

                let byCost = try await client.get("/admin/accounts?sort=cost&dir=desc", as: browsers.sales).text
                let seven = try #require(byCost.range(of: "Customer 07"))
                let three = try #require(byCost.range(of: "Customer 03"))
                let one = try #require(byCost.range(of: "Customer 01"))
                #expect(seven.lowerBound < three.lowerBound && three.lowerBound < one.lowerBound)
                #expect(byCost.contains(#"aria-sort="descending""#))
                // The cost shown equals the sum of the stored event costs.
                let cost = try await harness.rows(
                    "SELECT sum(cost)::bigint FROM usage_events e JOIN accounts a ON a.id = e.account_id WHERE a.external_id = 'cust-07'"
                ).first!.decode(Int64.self, at: 0)
                #expect(byCost.contains(Money(nanos: cost).formatted(fractionDigits: 4)))
                let paged = try await client.get("/admin/accounts?sort=cost&dir=desc&q=cust", as: browsers.sales).text
                #expect(paged.contains(#"href="/admin/accounts?q=cust&amp;sort=cost&amp;dir=desc&amp;page=2""#))
            }
        }
    }

    @Test("account page: ledger and usage equal independent SQL sums over usage_events")
    func detailNumbers() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            let id = try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            try await harness.ingest([
                #"{"id": "1", "account": "acme", "feature": "summarize", "model": "gpt-4o", "usage": {"input_tokens": 1000, "output_tokens": 200}, "occurred_at": "2027-02-03T10:00:00Z"}"#,
                #"{"id": "2", "account": "acme", "feature": "chat", "model": "gpt-4o", "usage": {"input_tokens": 12345, "output_tokens": 678}, "occurred_at": "2027-02-19T10:00:00Z"}"#,
                #"{"id": "3", "account": "acme", "feature": "chat", "model": "gpt-4o", "usage": {"input_tokens": 5, "output_tokens": 6}, "occurred_at": "2027-02-19T11:00:00Z"}"#,
            ])
            try await harness.withClient { client in
                let browsers = try await harness.staffBrowsers(client)
                let page = try await client.get("/admin/accounts/\(id)", as: browsers.sales).text
                let (credits, cost) = try await harness.rows(
                    "SELECT sum(credits)::bigint, sum(cost)::bigint FROM usage_events WHERE account_id = \(id) AND occurred_at >= '2027-02-01T00:00:00Z'"
                ).first!.decode((Int64, Int64).self)
                #expect(page.contains("<dt>Used</dt><dd>\(Credits(millis: credits).formatted)</dd>"))
                #expect(page.contains("<dt>Remaining</dt><dd>\(Credits(millis: 100_000 - credits).formatted)</dd>"))
                #expect(page.contains("<dt>Cost</dt><dd>\(Money(nanos: cost).formatted(fractionDigits: 4))</dd>"))
                let chat = try await harness.rows(
                    "SELECT sum(credits)::bigint FROM usage_events WHERE account_id = \(id) AND feature_key = 'chat'"
                ).first!.decode(Int64.self, at: 0)
                #expect(page.contains("Chat (chat)</th><td class=\"num\">2</td><td class=\"num\">\(Credits(millis: chat).formatted)</td>"))
                #expect(page.contains(#"id="account-credits-title""#) && page.contains(#"id="account-cost-title""#))
                #expect(page.contains("2027-02-01 to 2027-02-28 (UTC)"))
            }
        }
    }
}
