import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("OpenAPI document")
struct OpenAPITests {
    static func document() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: MeteringHarness.repositoryRoot + "/docs/openapi.json"))
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

    @Test("GET /api/v1/openapi.json serves the committed file without a key")
    func servedWithoutKey() async throws {
        let file = try Data(contentsOf: URL(fileURLWithPath: MeteringHarness.repositoryRoot + "/docs/openapi.json"))
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
