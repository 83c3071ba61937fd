import Foundation
import HTTPTypes
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import TallyWebTestSupport
import Testing

@Suite("Ingest: validation errors")
struct ValidationTests {
    /// One bad event per case: its fields (after id and account) and the field the 422 names.
    static let cases: [(String, String)] = [
        (#"{"account": "acme"}"#, "id"),
        (#"{"id": "\#(String(repeating: "x", count: 129))", "account": "acme"}"#, "id"),
        (#"{"id": 7, "account": "acme"}"#, "id"),
        (#"{"id": "e"}"#, "account"),
        (#"{"id": "e", "account": 42}"#, "account"),
        (#"{"id": "e", "account": "acme", "input_tokens": -1}"#, "input_tokens"),
        (#"{"id": "e", "account": "acme", "output_tokens": 1.5}"#, "output_tokens"),
        (#"{"id": "e", "account": "acme", "cached_input_tokens": "3"}"#, "cached_input_tokens"),
        (#"{"id": "e", "account": "acme", "output_units": -2}"#, "output_units"),
        (#"{"id": "e", "account": "acme", "usage": {"prompt_tokens": 1}, "input_tokens": 1}"#, "usage"),
        (#"{"id": "e", "account": "acme", "usage": {"prompt_tokens": 1, "cache_creation": {"ephemeral_5m_input_tokens": 1}}}"#, "usage"),
        (#"{"id": "e", "account": "acme", "usage": {"prompt_tokens": 1, "completion_tokens": 1, "completion_tokens_details": {"reasoning_tokens": 2}}}"#, "usage"),
        (#"{"id": "e", "account": "acme", "usage": {"promptTokenCount": 1, "input_tokens": 1}}"#, "usage"),
        (#"{"id": "e", "account": "acme", "service_tier": "turbo"}"#, "service_tier"),
        (#"{"id": "e", "account": "acme", "reasoning_tokens": -1}"#, "reasoning_tokens"),
        (#"{"id": "e", "account": "acme", "usage": {"prompt_tokens": 1, "prompt_tokens_details": {"cached_tokens": 5}}}"#, "usage"),
        (#"{"id": "e", "account": "acme", "usage": {"input_tokens": -4}}"#, "usage"),
        (#"{"id": "e", "account": "acme", "usage": 12}"#, "usage"),
        (#"{"id": "e", "account": "acme", "success": "yes"}"#, "success"),
        (#"{"id": "e", "account": "acme", "duration_ms": -1}"#, "duration_ms"),
        (#"{"id": "e", "account": "acme", "end_user": "\#(String(repeating: "u", count: 257))"}"#, "end_user"),
        (#"{"id": "e", "account": "acme", "occurred_at": "yesterday"}"#, "occurred_at"),
        (#"{"id": "e", "account": "acme", "occurred_at": "2027-02-20T12:05:01Z"}"#, "occurred_at"),
        (#"{"id": "e", "account": "acme", "occurred_at": "2027-01-15T11:59:59Z"}"#, "occurred_at"),
        (#"{"id": "e", "account": "acme", "cost_usd": 0.01}"#, "cost_usd"),
        (#"{"id": "e", "account": "acme", "cost_usd": "1e-3"}"#, "cost_usd"),
        (#"{"id": "e", "account": "acme", "cost_usd": "-0.5"}"#, "cost_usd"),
        (#"{"id": "e", "account": "acme", "metadata": [1, 2]}"#, "metadata"),
        (#"{"id": "e", "account": "acme", "metadata": {"blob": "\#(String(repeating: "m", count: 4100))"}}"#, "metadata"),
        (#"{"id": "e", "account": "acme", "feature": ""}"#, "feature"),
        (#"{"id": "e", "account": "acme", "model": 3}"#, "model"),
        (#"{"id": "e", "account": "acme", "colour": "blue"}"#, "colour"),
        (#"[1]"#, "event"),
        (#"{"id": "e", "account": "nobody"}"#, "account"),
    ]

    @Test(arguments: cases)
    func eachInvalidFieldIsReportedAndNothingStored(_ body: String, _ field: String) async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                let response = try await client.postEvents([event("good"), body], key: key)
                #expect(response.status == .unprocessableContent)
                let problems = try json(response)["events"] as? [[String: Any]] ?? []
                #expect(problems.count == 1)
                #expect(problems.first?["index"] as? Int == 1)
                #expect(problems.first?["field"] as? String == field)
                #expect((problems.first?["message"] as? String)?.isEmpty == false)
            }
            #expect(try await harness.rows("SELECT count(*) FROM usage_events").first!.decode(Int.self, at: 0) == 0)
            try await expectRollupsMatchEvents(harness)
        }
    }

    @Test func everyBadEventOfABatchIsListed() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                let response = try await client.postEvents(
                    [#"{"account": "acme", "input_tokens": -1}"#, event("ok"), event("b", #""success": 1"#)], key: key)
                let problems = try json(response)["events"] as? [[String: Any]] ?? []
                #expect(problems.map { $0["index"] as? Int } == [0, 0, 2])
                #expect(problems.map { $0["field"] as? String } == ["id", "input_tokens", "success"])
            }
        }
    }

    @Test func strictTaggingRefusesEventsWithoutFeature() async throws {
        try await MeteringHarness.with { harness in
            try await harness.catalog.updateSettings(MeteringSettings(strictTagging: true))
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                let response = try await client.postEvents([event("a", #""feature": "chat""#), event("b")], key: key)
                #expect(response.status == .unprocessableContent)
                let problems = try json(response)["events"] as? [[String: Any]] ?? []
                #expect(problems.map { $0["field"] as? String } == ["feature"])
            }
        }
    }

    @Test func malformedOversizedAndWrongContentTypeAreRefused() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                #expect(try await client.postRaw("{\"events\": [", key: key).status == .badRequest)
                #expect(try await client.postRaw("{\"items\": []}", key: key).status == .badRequest)
                #expect(try await client.postRaw("{}", key: key, contentType: "text/plain").status == .unsupportedMediaType)
                let huge = "{\"events\": [], \"pad\": \"" + String(repeating: "p", count: 1_048_600) + "\"}"
                let tooLarge = try await client.postRaw(huge, key: key)
                #expect(tooLarge.status == .contentTooLarge)
                #expect((try json(tooLarge)["error"] as? String)?.contains("1 MiB") == true)
                let many = (0...EventValidator.maxEvents).map { event("e\($0)") }
                #expect(try await client.postEvents(many, key: key).status == .contentTooLarge)
                let malformed = try await client.postRaw("nope", key: key)
                #expect((try json(malformed)["error"] as? String)?.contains("not valid JSON") == true)
            }
            #expect(try await harness.rows("SELECT count(*) FROM usage_events").first!.decode(Int.self, at: 0) == 0)
        }
    }

    @Test func aThousandEventsAreAccepted() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                let batch = (0..<EventValidator.maxEvents).map {
                    event("e\($0)", #""feature": "chat", "model": "gpt-4o", "input_tokens": \#($0), "duration_ms": \#($0 * 7)"#)
                }
                let response = try await client.postEvents(batch, key: key)
                #expect(response.text == #"{"accepted":1000,"duplicates":0}"#)
            }
            try await expectRollupsMatchEvents(harness)
        }
    }
}
