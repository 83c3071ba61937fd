import TallyDatabase
import Foundation
import HTTPTypes
import HummingbirdTesting
import MeteringStore
import NIOCore
import Postgres
import TallyTestSupport
import TallyWebTestSupport
import Testing

@Suite("API keys")
struct APIKeyTests {
    @Test func keyIsPrefixedRandomAndOnlyItsHashIsStored() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            #expect(key.hasPrefix("tly_"))
            #expect(key.count == 4 + 43)   // 256 random bits, base64url
            let stored = try await harness.rows("SELECT prefix, encode(key_hash, 'hex') FROM api_keys").map { try $0.decode((String, String).self) }
            #expect(stored.count == 1)
            #expect(key.hasPrefix(stored[0].0))
            #expect(!stored[0].1.contains(key) && stored[0].1.count == 64)
        }
    }

    @Test func missingMalformedAndUnknownKeysGet401() async throws {
        try await MeteringHarness.with { harness in
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                for header in [nil, "Basic abc", "Bearer tly_unknown", "Bearer "] as [String?] {
                    var headers: HTTPFields = [.contentType: "application/json"]
                    if let header { headers[.authorization] = header }
                    let response = try await client.execute(
                        uri: "/api/v1/events", method: .post, headers: headers, body: .init(string: "{\"events\": []}"))
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] == "Bearer")
                    #expect(try json(response)["error"] is String)
                }
            }
        }
    }

    @Test func revokedKeyFailsOnItsNextUse() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                #expect(try await client.postEvents([], key: key).status == .ok)
                _ = try await APIKeyStore(pool: harness.pool).revoke(nameOrPrefix: "backend", now: harness.clock.now())
                #expect(try await client.postEvents([], key: key).status == .unauthorized)
            }
        }
    }

    @Test func readKeyCannotIngestButCanCheckEntitlements() async throws {
        try await MeteringHarness.with { harness in
            let secret = try await APIKeyStore(pool: harness.pool).create(name: "reader", scope: .read, now: harness.clock.now()).secret
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                #expect(try await client.postEvents([event("a")], key: secret).status == .forbidden)
                #expect(try await client.get("/api/v1/accounts/acme/entitlements/chat", key: secret).status == .ok)
            }
            #expect(try await harness.rows("SELECT count(*) FROM usage_events").first!.decode(Int.self, at: 0) == 0)
        }
    }

    @Test func cookiesDoNotOpenTheAPIAndKeysDoNotOpenPages() async throws {
        try await MeteringHarness.with { harness in
            let key = harness.ingestKey
            try await harness.withClient { (client: any TestClientProtocol) async throws in
                let withCookie = try await client.execute(
                    uri: "/api/v1/accounts/acme/entitlements/chat", method: .get,
                    headers: [.cookie: "__Host-tally_session=anything"])
                #expect(withCookie.status == .unauthorized)
                let page = try await client.get("/", key: key)
                #expect(page.status == .seeOther)
                #expect(page.headers[.location] == "/login")
            }
        }
    }

    @Test func namesAreUniqueAmongActiveKeysAndRevokeNeedsAMatch() async throws {
        try await MeteringHarness.with { harness in
            let keys = APIKeyStore(pool: harness.pool)
            await #expect(throws: Refused(APIKeyProblem.nameTaken)) {
                _ = try await keys.create(name: "backend", scope: .read, now: harness.clock.now())
            }
            await #expect(throws: CatalogError.apiKeyNotFound("nope")) {
                _ = try await keys.revoke(nameOrPrefix: "nope", now: harness.clock.now())
            }
        }
    }
}
