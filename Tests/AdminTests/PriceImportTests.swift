import Reporting
import TallyAccess
import TallyDatabase
import HTTPTypes
import Foundation
import NIOCore
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
        #expect(list.skipped.first?.message.contains("output_cost_per_image") == true)
        // A float artefact is rounded to the nearest price Tally holds (10⁻¹⁵ USD per token), and shown.
        #expect(list.errors.isEmpty)
        #expect(byModel["odd"]?.input.perMillion.nanos == 333_333_333)
        #expect(byModel["odd"]?.rounded == ["input_cost_per_token 3.33333333333333e-07 → 0.000000333333333"])
        #expect(byModel["gpt-4o"]?.rounded == [])

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

    @Test("LiteLLM: cache writes, reasoning, audio, long-prompt and service tiers are read; zero-only entries are skipped")
    func litellmKinds() throws {
        let list = PriceList.parse(
            """
            {
              "claude-haiku-4-5": {"input_cost_per_token": 1e-06, "output_cost_per_token": 5e-06, "cache_read_input_token_cost": 1e-07,
                                   "cache_creation_input_token_cost": 1.25e-06, "cache_creation_input_token_cost_above_1hr": 2e-06},
              "gemini-2.5-pro": {"input_cost_per_token": 1.25e-06, "output_cost_per_token": 1e-05, "cache_read_input_token_cost": 1.25e-07,
                                 "input_cost_per_token_above_200k_tokens": 2.5e-06, "output_cost_per_token_above_200k_tokens": 1.5e-05,
                                 "cache_read_input_token_cost_above_200k_tokens": 2.5e-07, "input_cost_per_token_batches": 6.25e-07,
                                 "output_cost_per_token_batches": 5e-06, "input_cost_per_token_priority": 2.25e-06},
              "free-output-only": {"output_cost_per_token": 0.0, "mode": "chat"},
              "gpt-4o-mini": {"input_cost_per_token": 2.9999900000000002e-06, "output_cost_per_token": 6e-07,
                              "search_context_cost_per_query": {"search_context_size_low": 0.025, "search_context_size_medium": 0.0275}}
            }
            """)
        #expect(list.errors.isEmpty)
        let byModel = Dictionary(uniqueKeysWithValues: list.entries.map { ($0.model, $0) })
        let haiku = try #require(byModel["claude-haiku-4-5"]?.sheet)
        #expect(haiku.rates[.cacheWrite5m] == (try PricePerMillionTokens(parsing: "1.25")))
        #expect(haiku.rates[.cacheWrite1h] == (try PricePerMillionTokens(parsing: "2")))
        #expect(haiku.rates[.reasoning] == haiku.rates[.output])
        let gemini = try #require(byModel["gemini-2.5-pro"]?.sheet)
        let long = try #require(gemini.tiers.first { $0.serviceTier == .standard })
        #expect(long.aboveInputTokens == 200_000)
        #expect(long.rates[.input] == (try PricePerMillionTokens(parsing: "2.5")))
        #expect(long.rates[.cachedInput] == (try PricePerMillionTokens(parsing: "0.25")))
        #expect(gemini.tiers.contains { $0.serviceTier == .batch && $0.rates[.output] == (try! PricePerMillionTokens(parsing: "5")) })
        #expect(gemini.tiers.contains { $0.serviceTier == .priority && $0.aboveInputTokens == 0 })
        #expect(list.skipped.map(\.model) == ["free-output-only"])
        #expect(list.skipped.first?.message.contains("output_cost_per_token 0.0") == true)
        let mini = try #require(byModel["gpt-4o-mini"])
        #expect(mini.input == (try PricePerMillionTokens(parsing: "2.99999")))
        #expect(mini.rounded == ["input_cost_per_token 2.9999900000000002e-06 → 0.00000299999"])
        #expect(mini.sheet.perQuery == (try Money(parsing: "0.0275")))
    }

    /// LiteLLM's whole price file as LiteLLM 1.110.2 ships it (Tests/Fixtures/litellm).
    static func wholeLiteLLMFile() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("Tests/Fixtures/litellm/model_prices_and_context_window.json"), encoding: .utf8)
    }

    @Test("LiteLLM's whole price file: every entry imported, rounded or skipped with a reason, none in error")
    func wholeLiteLLMFile() throws {
        let text = try Self.wholeLiteLLMFile()
        let list = PriceList.parse(text)
        #expect(list.errors.isEmpty, "\(list.errors.prefix(5))")
        #expect(list.entries.count == LiteLLMFileCounts.imported)
        #expect(list.entries.filter { !$0.rounded.isEmpty }.count == LiteLLMFileCounts.rounded)
        #expect(list.skipped.count == LiteLLMFileCounts.skipped)
        #expect(list.skipped.allSatisfy { !$0.message.isEmpty })
        // sample_spec is left out, every other entry is accounted for.
        #expect(list.entries.count + list.skipped.count == LiteLLMFileCounts.entries - 1)
    }

    @Test("upload: LiteLLM's whole file (3.4 MB) previews in one multipart upload; other forms keep the 1 MiB limit")
    func wholeFileUpload() async throws {
        let text = try Self.wholeLiteLLMFile()
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.createUser("admin@ops.test", role: .admin)
            try await harness.withClient { client in
                let admin = try await harness.signIn(client, "admin@ops.test")
                let boundary = "tally-test-boundary-19"
                var body = ""
                for (name, value) in [("_csrf", admin.csrf), ("effective_from", "2027-03-01"), ("only", "")] {
                    body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
                }
                body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"list_file\"; filename=\"model_prices_and_context_window.json\"\r\n"
                body += "Content-Type: application/json\r\n\r\n\(text)\r\n--\(boundary)--\r\n"
                var headers = admin.headers
                headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
                let preview = try await client.execute(
                    uri: "/admin/prices/import", method: .post, headers: headers, body: ByteBuffer(string: body))
                #expect(preview.status == .ok)
                #expect(preview.text.contains(
                    "\(LiteLLMFileCounts.imported) imported, \(LiteLLMFileCounts.rounded) with prices rounded, \(LiteLLMFileCounts.skipped) skipped."))
                // Another form with the same size is still refused.
                var other = admin.headers
                other[.contentType] = "application/x-www-form-urlencoded"
                let big = try await client.execute(
                    uri: "/admin/prices", method: .post, headers: other,
                    body: ByteBuffer(string: "_csrf=\(admin.csrf)&model=" + String(repeating: "x", count: 2_000_000)))
                #expect(big.status == .contentTooLarge)
            }
        }
    }
}

/// What importing LiteLLM 1.110.2's whole price file gives.
enum LiteLLMFileCounts {
    static let entries = 4_878
    static let imported = 3_922
    static let rounded = 36
    static let skipped = 955
}
