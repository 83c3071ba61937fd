import Foundation
import HTTPTypes
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import TallyDatabase
import TallyTestSupport
import TallyWebTestSupport
import Testing

/// Issue 19's acceptance: the costs LiteLLM computes for the fixture's calls
/// (`scripts/litellm-fixture/make_fixture.py`, run by hand; its output is committed under
/// `Tests/Fixtures/litellm`) are the costs Tally stores, to the nano-USD, once LiteLLM's price
/// entries are imported through Tally's importer and each provider usage object is ingested
/// through the API.
@Suite("Equal to LiteLLM")
struct LiteLLMParityTests {
    static let directory = WebHarness.repositoryRoot + "/Tests/Fixtures/litellm"

    /// Cases where Tally deliberately charges something else, with the reason and Tally's cost
    /// in nano-USD. Empty: every case matches.
    static let deliberateDifferences: [String: (reason: String, tallyNanos: Int64)] = [:]

    struct Case {
        let id: String
        let model: String
        let usage: Any
        let serviceTier: String
        let liteLLMNanos: Int64
    }

    static func cases() throws -> (version: String, cases: [Case]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/cases.json"))
        let fixture = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let list = try #require(fixture["cases"] as? [[String: Any]])
        let cases = try list.map { item in
            Case(
                id: try #require(item["id"] as? String), model: try #require(item["model"] as? String),
                usage: try #require(item["usage"]), serviceTier: try #require(item["service_tier"] as? String),
                liteLLMNanos: try #require((item["litellm_cost_nanos"] as? NSNumber)?.int64Value))
        }
        return (try #require(fixture["litellm_version"] as? String), cases)
    }

    @Test("every fixture call costs what LiteLLM charges, to the nano-USD")
    func everyCaseMatches() async throws {
        let (version, cases) = try Self.cases()
        #expect(version == "1.110.2")
        #expect(cases.count >= 40)
        let entries = try String(contentsOfFile: Self.directory + "/entries.json", encoding: .utf8)
        try await MeteringHarness.with { harness in
            let list = PriceList.parse(entries)
            #expect(list.format == .litellm)
            #expect(list.errors.isEmpty, "\(list.errors)")
            #expect(list.skipped.isEmpty, "\(list.skipped)")
            _ = try await PriceStore(pool: harness.pool).importList(
                list, effectiveFrom: instant("2027-02-01T00:00:00Z"), by: .system, at: harness.clock.now())
            let events = try cases.map { item in
                let usage = String(decoding: try JSONSerialization.data(withJSONObject: item.usage, options: [.sortedKeys]), as: UTF8.self)
                return event(
                    item.id, "\"model\": \"\(item.model)\", \"usage\": \(usage), \"service_tier\": \"\(item.serviceTier)\", "
                        + "\"occurred_at\": \"2027-02-20T11:00:00Z\"")
            }
            try await harness.withClient { client in
                let response = try await client.postEvents(events, key: harness.ingestKey)
                #expect(response.status == .ok, "\(response.text)")
            }
            var stored: [String: Int64] = [:]
            for row in try await harness.rows("SELECT event_id, cost FROM usage_events") {
                let (id, cost) = try row.decode((String, Int64).self)
                stored[id] = cost
            }
            for item in cases {
                let expected = Self.deliberateDifferences[item.id]?.tallyNanos ?? item.liteLLMNanos
                #expect(stored[item.id] == expected, "\(item.id): Tally \(stored[item.id].map(String.init) ?? "none"), LiteLLM \(item.liteLLMNanos)")
            }
            try await expectRollupsMatchEvents(harness)
        }
    }
}
