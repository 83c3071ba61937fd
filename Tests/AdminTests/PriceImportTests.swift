import Reporting
import TallyAccess
import TallyDatabase
import HTTPTypes
import Foundation
import HummingbirdTesting
import Metering
import Postgres
import MeteringStore
import TallyWebTestSupport
import Testing

@Suite("Admin price lists")
struct PriceImportTests {
    @Test("CSV: prices per 1M, optional columns in any order, the cached price defaults to input")
    func csv() throws {
        let list = PriceList.parse(
            """
            # our resale list
            output,model,input,cached_input
            10,gpt-4o,2.50,1.25

            15,"claude-3-5-sonnet*",3,
            """)
        #expect(list.format == .csv)
        #expect(list.errors.isEmpty)
        #expect(list.entries.map(\.model) == ["gpt-4o", "claude-3-5-sonnet*"])
        #expect(list.entries.map(\.line) == [3, 5])
        #expect(list.entries[0].cachedInput == (try PricePerMillionTokens(parsing: "1.25")))
        #expect(list.entries[1].cachedInput == (try PricePerMillionTokens(parsing: "3")))
        #expect(list.entries[1].output.perMillion.nanos == 15_000_000_000)
    }

    @Test("CSV errors name their line: bad numbers, too many decimals, missing fields, duplicates, bad header")
    func csvErrors() {
        let list = PriceList.parse(
            """
            model,input,output
            ok-model,1,2
            bad-number,1e-3,2
            too-precise,0.0000000001,2
            missing,,2
            ok-model,1,2
            short,1
            negative,-1,2
            """)
        let byLine = Dictionary(uniqueKeysWithValues: list.errors.map { ($0.line, $0.message) })
        #expect(Set(byLine.keys) == [4, 5, 6, 7, 8] as Set)
        #expect(byLine[4]?.contains("more precise") == true)
        #expect(byLine[5]?.contains("input and an output") == true)
        #expect(byLine[6]?.contains("listed twice (first on line 2)") == true)
        #expect(byLine[7]?.contains("has 2 fields") == true)
        #expect(byLine[8]?.contains("negative") == true)
        // An exponent is a number in JSON, and CSV takes the same exact reading.
        #expect(list.entries.map(\.model) == ["ok-model", "bad-number"])
        #expect(list.entries[1].input.perMillion.nanos == 1_000_000)
        let header = PriceList.parse("name,price\nx,1\n")
        #expect(header.errors.first?.line == 1)
        #expect(header.errors.first?.message.contains("unknown: name, price") == true)
    }

    @Test("LiteLLM JSON: per-token prices become per-1M exactly (exponents included), no Double on the way")
    func litellm() {
        let list = PriceList.parse(
            """
            {
              "sample_spec": {"input_cost_per_token": 0.0, "output_cost_per_token": 0.0},
              "gpt-4o": {"input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05,
                         "cache_read_input_token_cost": 1.25e-06, "litellm_provider": "openai", "mode": "chat"},
              "gpt-4o-mini": {"input_cost_per_token": 1.5e-7, "output_cost_per_token": 6E-7, "cache_read_input_token_cost": 7.5e-08},
              "text-embedding-3-small": {"input_cost_per_token": 0.00000002, "mode": "embedding"},
              "dall-e-3": {"output_cost_per_image": 0.04, "mode": "image_generation"},
              "odd": {"input_cost_per_token": 3.33333333333333e-07, "output_cost_per_token": 1e-06}
            }
            """)
        #expect(list.format == .litellm)
        let byModel = Dictionary(uniqueKeysWithValues: list.entries.map { ($0.model, $0) })
        #expect(byModel["gpt-4o"]?.input.perMillion.nanos == 2_500_000_000)
        #expect(byModel["gpt-4o"]?.output.perMillion.nanos == 10_000_000_000)
        #expect(byModel["gpt-4o"]?.cachedInput.perMillion.nanos == 1_250_000_000)
        #expect(byModel["gpt-4o-mini"]?.input.perMillion.nanos == 150_000_000)
        #expect(byModel["gpt-4o-mini"]?.output.perMillion.nanos == 600_000_000)
        #expect(byModel["gpt-4o-mini"]?.cachedInput.perMillion.nanos == 75_000_000)
        #expect(byModel["text-embedding-3-small"]?.input.perMillion.nanos == 20_000_000)
        #expect(byModel["text-embedding-3-small"]?.output == .zero)
        #expect(list.skipped.map(\.model) == ["dall-e-3"])
        #expect(list.errors.map(\.model) == ["odd"])
        #expect(list.errors.first?.line == 8)
        #expect(list.errors.first?.message.contains("more precise") == true)

        let filtered = PriceList.parse(#"{"gpt-4o": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06}, "x": {}}"#, only: "gpt-*")
        #expect(filtered.entries.map(\.model) == ["gpt-4o"] && filtered.errors.isEmpty)
        let broken = PriceList.parse("{\n  \"gpt-4o\": {\"input_cost_per_token\": 1e-06,\n}")
        #expect(broken.errors.first?.line == 3)
    }

    @Test("Tally JSON: an array of objects with per-1M prices as numbers or strings")
    func tallyJSON() {
        let list = PriceList.parse(#"[{"model": "gpt-4o", "input": "2.50", "output": 10, "per_request": "0.001"}, {"input": 1}]"#)
        #expect(list.format == .json)
        #expect(list.entries.first?.perRequest.nanos == 1_000_000)
        #expect(list.entries.first?.cachedInput.perMillion.nanos == 2_500_000_000)
        #expect(list.errors.first?.message.contains("needs a \"model\"") == true)
    }

    @Test("import: preview shows new, changed and unchanged; apply adds versions with audit rows; errors are 422 with the list kept")
    func importForm() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.createUser("admin@ops.test", role: .admin)
            try await harness.createUser("sales@ops.test", role: .sales)
            let list = "model,input,cached_input,output\ngpt-4o,2.5,1.25,10\ngpt-4o-mini,0.15,0.075,0.6\nclaude-*,3,0.3,15\n"
            let changed = list.replacingOccurrences(of: "claude-*,3,0.3,15", with: "claude-*,3,0.3,15") + "gpt-4.1,2,0.5,8\n"
            try await harness.withClient { client in
                let admin = try await harness.signIn(client, "admin@ops.test")
                let sales = try await harness.signIn(client, "sales@ops.test")
                let fields = [("list", list), ("effective_from", "2027-03-01"), ("only", "")]
                let preview = try await client.submit("/admin/prices/import", as: admin, fields)
                #expect(preview.status == .ok)
                #expect(preview.text.contains("2 versions to add"))
                #expect(preview.text.contains(">Unchanged<"))
                #expect(preview.text.contains(">New<"))
                let versionsBefore = try await harness.rows("SELECT count(*) FROM model_prices").first!.decode(Int.self, at: 0)
                #expect(versionsBefore == 1, "a preview writes nothing")

                let applied = try await client.submit("/admin/prices/import/apply", as: admin, fields)
                #expect(applied.status == .seeOther)
                #expect(applied.headers[.location] == "/admin/prices?imported=2")
                let rows = try await harness.rows(
                    "SELECT model, input_price, output_price FROM model_prices WHERE effective_from = '2027-03-01T00:00:00Z' ORDER BY model")
                let imported = try rows.map { try $0.decode((String, Int64, Int64).self) }
                #expect(imported.map(\.0) == ["claude-*", "gpt-4o-mini"])
                #expect(imported[1].1 == 150_000_000 && imported[1].2 == 600_000_000)
                let audits = try await harness.rows(
                    "SELECT actor, after->>'model', before IS NULL FROM audit_log WHERE action = 'model_price.create' ORDER BY id")
                let recorded = try audits.map { try $0.decode((String, String, Bool).self) }
                #expect(recorded.map(\.1) == ["gpt-4o-mini", "claude-*"])
                #expect(recorded.allSatisfy { $0.0 == "admin@ops.test" && $0.2 }, "new models have no version before")

                // Re-importing with a change: gpt-4o's new price shows what it was.
                let second = try await client.submit(
                    "/admin/prices/import", as: admin,
                    [("list", changed.replacingOccurrences(of: "gpt-4o,2.5,1.25,10", with: "gpt-4o,2.75,1.25,10")),
                     ("effective_from", "2027-04-01"), ("only", "")])
                #expect(second.text.contains(">Changed<") && second.text.contains("was $2.50"))
                let secondApplied = try await client.submit(
                    "/admin/prices/import/apply", as: admin,
                    [("list", "model,input,cached_input,output\ngpt-4o,2.75,1.25,10\n"), ("effective_from", "2027-04-01"), ("only", "")])
                #expect(secondApplied.status == .seeOther)
                let changedAudit = try #require(try await latestAudit(harness, action: "model_price.create"))
                #expect(changedAudit.before?.contains(#""input_per_1m": "2.5""#) == true)
                #expect(changedAudit.after?.contains(#""input_per_1m": "2.75""#) == true)

                let bad = try await client.submit(
                    "/admin/prices/import", as: admin, [("list", "model,input,output\nx,abc,1\n"), ("effective_from", "someday")])
                #expect(bad.status == .unprocessableContent)
                #expect(bad.text.contains("is not a number"))
                #expect(bad.text.contains("someday"))
                #expect(bad.text.contains("x,abc,1"))
                let empty = try await client.submit("/admin/prices/import/apply", as: admin, [])
                #expect(empty.status == .unprocessableContent)

                #expect(try await client.submit("/admin/prices/import", as: sales, fields).status == .forbidden)
                #expect(try await client.submit("/admin/prices/import/apply", as: sales, fields).status == .forbidden)
                var noToken = admin
                noToken.csrf = ""
                #expect(try await client.submit("/admin/prices/import/apply", as: noToken, fields).status == .forbidden)
                let salesPage = try await client.get("/admin/prices/import", as: sales)
                #expect(salesPage.status == .ok && !salesPage.text.contains("<textarea"))
            }
            let count = try await harness.rows("SELECT count(*) FROM model_prices").first!.decode(Int.self, at: 0)
            #expect(count == 4)
        }
    }
}
