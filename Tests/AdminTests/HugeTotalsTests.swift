import Foundation
import HTTPTypes
import HummingbirdTesting
import Alerting
import Metering
import MeteringStore
import NIOCore
import Postgres
import TallyAccess
import TallyTestSupport
import TallyWebTestSupport
import Testing

/// Issue "No request can hurt anyone else", findings 1 and 2: sums that passed 64 bits killed the
/// process (a read key's usage request trapped in `UsageSums.+`) or failed every later batch on
/// the operator's daily row, whatever its account. Totals are now 128-bit in Swift and
/// numeric(38,0) in PostgreSQL, and one event's values are bounded (docs/metering.md, "Bounds").
@Suite("No total can overflow")
struct HugeTotalsTests {
    /// 10,000 events at the per-event maximum cost ($1,000,000 each) on one account, day, feature
    /// and model: $10 billion, 10¹⁹ nano-USD, past 64 bits in `daily_usage`, `period_usage` and
    /// `daily_operator_usage`. Then another account's event on the same day, feature and model.
    @Test("ten thousand maximum-cost events pass 64 bits; every total, page and API answer stays exact; other accounts ingest on")
    func costBeyondSixtyFourBits() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "payg")
            try await harness.catalog.createAccount(externalID: "globex", name: "Globex", planCode: "pro")
            try await harness.createUser("owner@acme.test", role: .owner)
            try await harness.createUser("admin@ops.test", role: .admin, account: nil)
            for batch in 0..<10 {
                let events = (0..<1_000).map { index in
                    #"{"id": "big-\#(batch)-\#(index)", "account": "acme", "feature": "summarize", "model": "gpt-4o", "cost_usd": "1000000", "input_tokens": 1000000000}"#
                }
                #expect(try await harness.ingest(events).accepted == 1_000)
            }
            // Globex's event lands on the operator's row that now holds more than 2⁶³ nano-USD.
            #expect(try await harness.ingest([
                #"{"id": "g1", "account": "globex", "feature": "summarize", "model": "gpt-4o", "cost_usd": "0.5"}"#,
            ]).accepted == 1)
            let expectedCost = Int128(10_000) * 1_000_000 * 1_000_000_000 + 500_000_000
            let operatorCost = try await harness.rows("SELECT sum(cost) FROM daily_operator_usage").first!.decode(Int128.self, at: 0)
            #expect(operatorCost == expectedCost)
            #expect(operatorCost > Int128(Int64.max))
            let acmeCost = try await harness.rows(
                "SELECT sum(cost), sum(input_tokens), sum(credits) FROM daily_usage WHERE account_id = (SELECT id FROM accounts WHERE external_id = 'acme')"
            ).first!.decode((Int128, Int128, Int128).self)
            #expect(acmeCost == (Int128(10_000) * 1_000_000 * 1_000_000_000, 10_000 * 1_000_000_000, 10_000 * 1_000))

            let read = try await APIKeyStore(pool: harness.pool).create(name: "reader", scope: .read, now: harness.clock.now())
            try await harness.withClient { client in
                for grouping in ["day", "feature", "model"] {
                    let response = try await client.execute(
                        uri: "/api/v1/accounts/acme/usage?group_by=\(grouping)", method: .get,
                        headers: [.authorization: "Bearer \(read.secret)"])
                    #expect(response.status == .ok, "usage by \(grouping)")
                    #expect(String(buffer: response.body).contains(#""input_tokens":10000000000000"#), "usage by \(grouping)")
                }
                let check = try await client.execute(
                    uri: "/api/v1/accounts/acme/entitlements/summarize", method: .get, headers: [.authorization: "Bearer \(read.secret)"])
                #expect(check.status == .ok)
                #expect(String(buffer: check.body).contains(#""used":10000}"#))
                let admin = try await harness.signIn(client, "admin@ops.test")
                let acmeID = try await harness.rows("SELECT id FROM accounts WHERE external_id = 'acme'").first!.decode(Int64.self, at: 0)
                for path in ["/admin", "/admin/accounts", "/admin/accounts/\(acmeID)", "/admin/margins", "/admin/margins.csv"] {
                    let page = try await client.get(path, as: admin)
                    #expect(page.status == .ok, "\(path)")
                }
                let account = try await client.get("/admin/accounts/\(acmeID)", as: admin)
                #expect(account.text.contains("$10,000,000,000"), "the account's cost this period, exact")
                let owner = try await harness.signIn(client, "owner@acme.test")
                for path in ["/", "/usage", "/usage.csv", "/billing"] {
                    #expect(try await client.get(path, as: owner).status == .ok, "\(path)")
                }
            }
        }
    }

    /// What a database could hold after a long life at high rates: sums near 10³⁰, planted
    /// directly. Every read of them answers, exactly, and nothing traps.
    @Test("sums of 10³⁰ planted in the rollups are read back exactly by the usage API, the check and the pages")
    func plantedSumsNearTheEnvelope() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            try await harness.createUser("owner@acme.test", role: .owner)
            try await harness.createUser("admin@ops.test", role: .admin, account: nil)
            try await harness.ingest([
                #"{"id": "e1", "account": "acme", "feature": "chat", "model": "gpt-4o", "input_tokens": 10}"#,
                #"{"id": "e2", "account": "acme", "feature": "chat", "model": "gpt-4o", "input_tokens": 10, "occurred_at": "2027-02-19T12:00:00Z"}"#,
            ])
            let huge = "1000000000000000000000000000000"
            _ = try await harness.rows(
                """
                UPDATE daily_usage SET input_tokens = \(huge)::numeric, cached_input_tokens = \(huge)::numeric,
                    output_tokens = \(huge)::numeric, cost = \(huge)::numeric, credits = \(huge)::numeric
                RETURNING 1
                """)
            _ = try await harness.rows("UPDATE period_usage SET cost = \(huge)::numeric, credits = \(huge)::numeric RETURNING 1")
            _ = try await harness.rows("UPDATE daily_operator_usage SET cost = \(huge)::numeric RETURNING 1")
            let read = try await APIKeyStore(pool: harness.pool).create(name: "reader", scope: .read, now: harness.clock.now())
            try await harness.withClient { client in
                let usage = try await client.execute(
                    uri: "/api/v1/accounts/acme/usage?group_by=feature", method: .get, headers: [.authorization: "Bearer \(read.secret)"])
                #expect(usage.status == .ok)
                // Two days of 10³⁰ input tokens each: the total is 2 × 10³⁰, exact.
                #expect(String(buffer: usage.body).contains(#""input_tokens":2000000000000000000000000000000"#))
                let csv = try await client.execute(
                    uri: "/api/v1/accounts/acme/usage.csv?group_by=day", method: .get, headers: [.authorization: "Bearer \(read.secret)"])
                #expect(csv.status == .ok)
                #expect(String(buffer: csv.body).contains(",\(huge),"))
                let check = try await client.execute(
                    uri: "/api/v1/accounts/acme/entitlements/chat", method: .get, headers: [.authorization: "Bearer \(read.secret)"])
                #expect(check.status == .ok)
                #expect(String(buffer: check.body).contains(#""allowed":false"#))
                let admin = try await harness.signIn(client, "admin@ops.test")
                let acmeID = try await harness.rows("SELECT id FROM accounts WHERE external_id = 'acme'").first!.decode(Int64.self, at: 0)
                for path in ["/admin", "/admin/accounts", "/admin/accounts/\(acmeID)", "/admin/margins", "/admin/margins.csv", "/admin/features"] {
                    #expect(try await client.get(path, as: admin).status == .ok, "\(path)")
                }
                let owner = try await harness.signIn(client, "owner@acme.test")
                for path in ["/", "/usage", "/usage.csv", "/billing"] {
                    #expect(try await client.get(path, as: owner).status == .ok, "\(path)")
                }
            }
            // The scheduled rules (cost spike, margins, caps) read the same sums.
            _ = try await ScheduledRules(pool: harness.pool).evaluate(at: harness.clock.now())
        }
    }

    /// Finding 2's event: a provider cost past what one event may cost is that event's 422, with
    /// its field; the rest of the batch is not stored (the batch is all or nothing), and the next
    /// batch without it is stored, for this account and any other.
    @Test("cost_usd past the per-event bound is a 422 naming cost_usd; token counts past theirs likewise; nothing else is hurt")
    func perEventBounds() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "crash", name: "Crash", planCode: "pro")
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            let key = try await APIKeyStore(pool: harness.pool).create(name: "backend", scope: .ingest, now: harness.clock.now())
            try await harness.withClient { client in
                func post(_ events: [String]) async throws -> TestResponse {
                    try await client.execute(
                        uri: "/api/v1/events", method: .post,
                        headers: [.contentType: "application/json", .authorization: "Bearer \(key.secret)"],
                        body: ByteBuffer(string: #"{"events": ["# + events.joined(separator: ",") + "]}"))
                }
                let poison = #"{"id": "c1", "account": "crash", "feature": "chat", "model": "m-x", "cost_usd": "9223372036.854775807"}"#
                let refused = try await post([poison, #"{"id": "ok1", "account": "acme", "feature": "chat"}"#])
                #expect(refused.status == .unprocessableContent)
                #expect(refused.text.contains(#""field":"cost_usd""#))
                #expect(refused.text.contains("at most 1000000"))
                for (field, value) in [
                    ("input_tokens", "5000000000000000000"), ("output_tokens", "1000000001"), ("cached_input_tokens", "9223372036854775807"),
                    ("output_units", "1000000001"), ("duration_ms", "1000000001"),
                ] {
                    let response = try await post([#"{"id": "t1", "account": "crash", "\#(field)": \#(value)}"#])
                    #expect(response.status == .unprocessableContent, "\(field)")
                    #expect(response.text.contains(#""field":"\#(field)""#), "\(field)")
                    #expect(response.text.contains("from 0 to 1,000,000,000"), "\(field)")
                }
                let usage = try await post([#"{"id": "u1", "account": "crash", "usage": {"prompt_tokens": 5000000000, "completion_tokens": 1}}"#])
                #expect(usage.status == .unprocessableContent)
                #expect(usage.text.contains(#""field":"usage""#))
                // Tokens that pass 64 bits only together were once dropped without a word.
                let together = try await post([
                    #"{"id": "q1", "account": "crash", "input_tokens": 4611686018427387904, "output_tokens": 4611686018427387904}"#,
                ])
                #expect(together.status == .unprocessableContent)
                let accepted = try await post([
                    #"{"id": "ok1", "account": "acme", "feature": "chat", "model": "m-x"}"#,
                    #"{"id": "ok2", "account": "crash", "feature": "chat", "model": "m-x", "cost_usd": "1000000"}"#,
                ])
                #expect(accepted.status == .ok)
                #expect(accepted.text == #"{"accepted":2,"duplicates":0}"#)
                let admin = try await harness.createUser("admin@ops.test", role: .admin, account: nil)
                _ = admin
                let browser = try await harness.signIn(client, "admin@ops.test")
                #expect(try await client.get("/admin", as: browser).status == .ok)
            }
        }
    }

    /// A price that makes one event cost more than the bound: the event is refused, with a
    /// sentence, instead of storing a cost no column of one event holds.
    @Test("a price that makes one event cost more than $1,000,000 refuses that event, saying why")
    func computedCostBound() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            try await harness.catalog.addPrice(PriceDraft(
                model: "dear", input: try PricePerMillionTokens(parsing: "5000000"), cachedInput: .zero,
                output: .zero, effectiveFrom: instant("2027-01-01T00:00:00Z")))
            await #expect(throws: IngestError.self) {
                try await harness.ingest([#"{"id": "d1", "account": "acme", "feature": "chat", "model": "dear", "input_tokens": 1000000}"#])
            }
            do {
                try await harness.ingest([#"{"id": "d1", "account": "acme", "feature": "chat", "model": "dear", "input_tokens": 1000000}"#])
            } catch IngestError.invalidEvents(let problems) {
                #expect(problems.first?.message.contains("more than the $1,000,000 one event may cost") == true)
            }
            #expect(try await harness.ingest([
                #"{"id": "d2", "account": "acme", "feature": "chat", "model": "dear", "input_tokens": 100000}"#,
            ]).accepted == 1)
        }
    }
}
