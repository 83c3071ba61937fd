import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Metering
import MeteringStore
import TallyWebTestSupport
import Testing

@Suite("OpenAPI document")
struct OpenAPITests {
    static func document() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: WebHarness.repositoryRoot + "/docs/openapi.json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// `/a/:id/b` and `/a/{id}/b` both read `/a/{id}/b`.
    static func normalised(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix(":") ? "{" + part.dropFirst() + "}" : String(part)
        }.joined(separator: "/")
    }

    @Test("every /api/v1 route of the router is in docs/openapi.json, and nothing else")
    func documentCoversRouter() async throws {
        let document = try Self.document()
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        let documented = Set(paths.flatMap { path, operations in
            operations.keys.filter { ["get", "put", "post", "delete", "patch", "head", "options"].contains($0) }
                .map { "\($0.uppercased()) \(Self.normalised(path))" }
        })
        try await MeteringHarness.with { harness in
            let routes = Set(try harness.makeRouter().routes
                .map { "\($0.method.rawValue) \(Self.normalised($0.path.description))" }
                .filter { $0.split(separator: " ")[1].hasPrefix("/api/v1") })
            #expect(routes.count >= 5)
            #expect(routes.subtracting(documented).isEmpty, "routes missing from docs/openapi.json: \(routes.subtracting(documented).sorted())")
            #expect(documented.subtracting(routes).isEmpty, "documented paths with no route: \(documented.subtracting(routes).sorted())")
        }
    }

    /// Finding 6 of "No request can hurt anyone else": the document stated no bounds, so clients
    /// generated from it sent what the server refused. Every bound the ingest enforces is stated,
    /// with the numbers the code uses.
    @Test("the Event schema states the bounds the ingest enforces, with the code's own numbers")
    func statesTheBounds() throws {
        let schemas = (try Self.document()["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
        let event = try #require(schemas["Event"] as? [String: Any])
        #expect(event["additionalProperties"] as? Bool == false)
        let properties = try #require(event["properties"] as? [String: [String: Any]])
        for (field, maxLength) in [("id", 128), ("account", 200), ("feature", 128), ("model", 200), ("end_user", 256)] {
            #expect(properties[field]?["minLength"] as? Int == 1, "\(field)")
            #expect(properties[field]?["maxLength"] as? Int == maxLength, "\(field)")
            #expect((properties[field]?["pattern"] as? String)?.contains("\\u0000") == true, "\(field): no NUL")
        }
        for field in ["input_tokens", "cached_input_tokens", "output_tokens"] {
            #expect(properties[field]?["maximum"] as? Int64 == MeteringBounds.maxTokens, "\(field)")
            #expect(properties[field]?["minimum"] as? Int == 0, "\(field)")
        }
        #expect(properties["output_units"]?["maximum"] as? Int64 == MeteringBounds.maxOutputUnits)
        #expect(properties["duration_ms"]?["maximum"] as? Int64 == MeteringBounds.maxDurationMS)
        #expect((properties["cost_usd"]?["pattern"] as? String)?.contains("1000000") == true)
        #expect(MeteringBounds.maxEventCost == Money(dollars: 1_000_000))
        #expect((properties["occurred_at"]?["pattern"] as? String)?.hasPrefix("^(2[0-9]{3}|[3-9][0-9]{3})-") == true)
        for shape in ["OpenAIChatUsage", "OpenAIResponsesUsage", "AnthropicUsage"] {
            let counts = ((schemas[shape] as? [String: Any])?["properties"] as? [String: Any])?.values
                .compactMap { ($0 as? [String: Any])?["maximum"] as? Int64 } ?? []
            #expect(!counts.isEmpty && counts.allSatisfy { $0 == MeteringBounds.maxTokens }, "\(shape)")
        }
        let batch = try #require(schemas["EventBatch"] as? [String: Any])
        let events = try #require((batch["properties"] as? [String: Any])?["events"] as? [String: Any])
        #expect(events["maxItems"] as? Int == EventValidator.maxEvents)
    }

    @Test("GET /api/v1/openapi.json serves the committed file without a key")
    func servedWithoutKey() async throws {
        let file = try Data(contentsOf: URL(fileURLWithPath: WebHarness.repositoryRoot + "/docs/openapi.json"))
        try await MeteringHarness.with { harness in
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                let response = try await client.get("/api/v1/openapi.json", key: nil)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                #expect(Data(response.body.readableBytesView) == file)
            }
        }
    }
}
