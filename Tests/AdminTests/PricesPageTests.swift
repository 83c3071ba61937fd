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

@Suite("Admin prices page")
struct PricesPageTests {
    @Test("add a version: valid → 303 and an audit row with before and after; invalid → 422 with input kept")
    func addVersion() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.createUser("admin@ops.test", role: .admin)
            try await harness.withClient { client in
                let admin = try await harness.signIn(client, "admin@ops.test")
                let valid = try await client.submit("/admin/prices", as: admin, [
                    ("model", "gpt-4o"), ("input", "2.75"), ("cached_input", ""), ("output", "11"), ("per_request", ""),
                    ("effective_from", "2027-03-01T00:00"),
                ])
                #expect(valid.status == .seeOther)
                #expect(valid.headers[.location] == "/admin/prices?added=gpt-4o")
                let storedRow = try #require(try await harness.rows(
                    "SELECT input_price, cached_price, output_price FROM model_prices WHERE effective_from = '2027-03-01T00:00:00Z'"
                ).first)
                let stored = try storedRow.decode((Int64, Int64, Int64).self)
                #expect(stored == (2_750_000_000, 2_750_000_000, 11_000_000_000))
                let audit = try #require(try await latestAudit(harness, action: "model_price.create"))
                #expect(audit.actor == "admin@ops.test")
                #expect(audit.before?.contains(#""input_per_1m": "2.5""#) == true)
                #expect(audit.after?.contains(#""input_per_1m": "2.75""#) == true)
                let page = try await client.get("/admin/prices?added=gpt-4o", as: admin).text
                #expect(page.contains("Added a price version for gpt-4o."))
                #expect(page.contains("scheduled"))

                let invalid = try await client.submit("/admin/prices", as: admin, [
                    ("model", ""), ("input", "$2"), ("output", "1.1234567891"), ("per_request", "-1"), ("effective_from", "2027-02-30"),
                ])
                #expect(invalid.status == .unprocessableContent)
                let html = invalid.text
                #expect(html.contains(#"value="$2""#) && html.contains(#"value="1.1234567891""#) && html.contains(#"value="2027-02-30""#))
                for id in ["model-error", "input-error", "output-error", "per_request-error", "effective_from-error"] {
                    #expect(html.contains(#"id="\#(id)""#), "\(id)")
                }
                #expect(html.contains("Use at most 9 decimals"))

                let duplicate = try await client.submit("/admin/prices", as: admin, [
                    ("model", "gpt-4o"), ("input", "3"), ("output", "12"), ("effective_from", "2027-03-01"),
                ])
                #expect(duplicate.status == .unprocessableContent)
                #expect(duplicate.text.contains("already has a version from this instant"))

                let empty = try await client.submit("/admin/prices", as: admin, [])
                #expect(empty.status == .unprocessableContent)
            }
            let count = try await harness.rows("SELECT count(*) FROM model_prices").first!.decode(Int.self, at: 0)
            #expect(count == 2)
        }
    }

    @Test("sales see prices without forms and get 403 on POST; a POST without the CSRF token is 403")
    func salesAndCSRF() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.createUser("admin@ops.test", role: .admin)
            try await harness.createUser("sales@ops.test", role: .sales)
            try await harness.withClient { client in
                let admin = try await harness.signIn(client, "admin@ops.test")
                let sales = try await harness.signIn(client, "sales@ops.test")
                let fields = [("model", "x"), ("input", "1"), ("output", "1"), ("effective_from", "2027-03-01")]
                let page = try await client.get("/admin/prices", as: sales)
                #expect(page.status == .ok && page.text.contains("<code>gpt-4o</code>"))
                #expect(!page.text.contains(#"method="post" action="/admin/prices""#))
                #expect(try await client.submit("/admin/prices", as: sales, fields).status == .forbidden)
                var noToken = admin
                noToken.csrf = ""
                #expect(try await client.submit("/admin/prices", as: noToken, fields).status == .forbidden)
            }
            let count = try await harness.rows("SELECT count(*) FROM model_prices").first!.decode(Int.self, at: 0)
            #expect(count == 1)
            let audits = try await harness.rows("SELECT count(*) FROM audit_log").first!.decode(Int.self, at: 0)
            #expect(audits == 0)
        }
    }

    @Test("an exact id beats a pattern: the page says which exact ids win, and the lookup shows the version that applies")
    func precedence() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.addPrice(PriceDraft(
                model: "gpt-4o*", input: try PricePerMillionTokens(parsing: "9"), cachedInput: .zero,
                output: try PricePerMillionTokens(parsing: "9"), effectiveFrom: instant("2027-02-01T00:00:00Z")))
            try await harness.createUser("sales@ops.test", role: .sales)
            try await harness.withClient { client in
                let sales = try await harness.signIn(client, "sales@ops.test")
                let page = try await client.get("/admin/prices", as: sales).text
                #expect(page.contains("exact ids win over it: gpt-4o"))
                let exact = try await client.get("/admin/prices?check=gpt-4o", as: sales).text
                #expect(exact.contains("is priced now by <strong><code>gpt-4o</code></strong>"))
                let mini = try await client.get("/admin/prices?check=gpt-4o-mini", as: sales).text
                #expect(mini.contains("is priced now by <strong><code>gpt-4o*</code></strong>"))
                let none = try await client.get("/admin/prices?check=llama", as: sales).text
                #expect(none.contains("No price applies to <code>llama</code>"))
            }
        }
    }
}
