import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import HummingbirdTesting
import MeteringStore
import Postgres
import TallyTestSupport
import TallyWeb
import TallyWebTestSupport

/// The metering tests' fixture on the one web harness: ``WebHarness/seedBasicCatalog()`` (plans
/// `pro` and `payg`, features `summarize` and `chat`, gpt-4o priced from 2027-01-01), account
/// `acme` on `pro` in UTC, and an ingest key. The harness's parts (`database`, `pool`, `clock`,
/// `catalog`) read through.
@dynamicMemberLookup
struct MeteringHarness: Sendable {
    let web: WebHarness
    let ingestKey: String

    static let start = instant("2027-02-20T12:00:00Z")

    static func with(_ body: (MeteringHarness) async throws -> Void) async throws {
        try await WebHarness.with(start: start) { web in
            try await web.seedBasicCatalog()
            try await web.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            let key = try await APIKeyStore(pool: web.pool).create(name: "backend", scope: .ingest, now: start)
            try await body(MeteringHarness(web: web, ingestKey: key.secret))
        }
    }

    subscript<Value>(dynamicMember path: KeyPath<WebHarness, Value>) -> Value { web[keyPath: path] }

    /// The production router over this harness's database.
    func makeRouter() -> Router<AppRequestContext> { web.makeRouter() }

    /// Runs `body` with a test client of the app.
    func withClient(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await web.withClient(body)
    }

    /// Runs `query` in the service scope and returns its rows.
    func rows(_ query: PostgresQuery) async throws -> PostgresRows { try await web.rows(query) }
}

/// HTTP helpers.
extension TestClientProtocol {
    /// POSTs `{"events": events}` with the key.
    @discardableResult
    func postEvents(_ events: [String], key: String, contentType: String = "application/json") async throws -> TestResponse {
        try await postRaw("{\"events\": [" + events.joined(separator: ",") + "]}", key: key, contentType: contentType)
    }

    /// POSTs a raw body to /api/v1/events.
    func postRaw(_ body: String, key: String?, contentType: String = "application/json") async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: contentType]
        if let key { headers[.authorization] = "Bearer \(key)" }
        return try await execute(uri: "/api/v1/events", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// GETs `uri` with the key.
    func get(_ uri: String, key: String?) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let key { headers[.authorization] = "Bearer \(key)" }
        return try await execute(uri: uri, method: .get, headers: headers)
    }
}

/// The JSON body of a response.
func json(_ response: TestResponse) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any] ?? [:]
}

/// An event's JSON text from fields.
func event(_ id: String, account: String = "acme", _ extra: String = "") -> String {
    "{\"id\": \"\(id)\", \"account\": \"\(account)\"" + (extra.isEmpty ? "" : ", " + extra) + "}"
}
