import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import TallyAccess
import TallyDatabase
import TallyTestSupport
import TallyWebTestSupport
import Testing

@Suite("Account-bound read-only API keys")
struct AccountAPIKeyTests {
    private func call(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, key: String, body: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [.authorization: "Bearer \(key)"]
        if body != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    /// Creates a key on the Team page; returns the secret read from the page that shows it once.
    private func createKey(_ client: some TestClientProtocol, _ owner: BrowserState, _ name: String) async throws -> String {
        let response = try await client.submit("/team/api-keys", as: owner, [("name", name)])
        #expect(response.status == .ok)
        guard let start = response.text.range(of: #"<code class="secret">"#) else { return "" }
        return String(response.text[start.upperBound...].prefix { $0 != "<" })
    }

    @Test("a key reads its own account's usage only: other accounts 404, ingest and entitlements 403; revoked → 401")
    func keyScope() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            try await harness.catalog.createAccount(externalID: "globex", name: "Globex", planCode: "pro")
            try await harness.createUser("owner@acme.test", role: .owner)
            try await harness.ingest([usageEvent("a1"), usageEvent("g1", account: "globex")])
            try await harness.withClient { client in
                let owner = try await harness.signIn(client, "owner@acme.test")
                let key = try await createKey(client, owner, "finance export")
                #expect(key.hasPrefix("tly_") && key.count == 47)
                let team = try await client.get("/team", as: owner).text
                #expect(!team.contains(key))
                #expect(team.contains("<code>\(key.prefix(12))…\(key.suffix(4))</code>"))
                #expect(try await harness.number("SELECT count(*) FROM api_keys WHERE scope = 'read' AND account_id IS NOT NULL") == 1)

                let own = try await call(client, .get, "/api/v1/accounts/acme/usage", key: key)
                #expect(own.status == .ok)
                #expect(try await call(client, .get, "/api/v1/accounts/acme/usage.csv", key: key).status == .ok)
                let other = try await call(client, .get, "/api/v1/accounts/globex/usage", key: key)
                let missing = try await call(client, .get, "/api/v1/accounts/nobody/usage", key: key)
                #expect(other.status == .notFound && missing.status == .notFound)
                #expect(other.text.replacingOccurrences(of: other.headers[.init("X-Request-Id")!] ?? "", with: "")
                    == missing.text.replacingOccurrences(of: missing.headers[.init("X-Request-Id")!] ?? "", with: ""))
                #expect(try await call(client, .get, "/api/v1/accounts/globex/usage.csv", key: key).status == .notFound)
                #expect(try await call(client, .get, "/api/v1/accounts/acme/entitlements/summarize", key: key).status == .forbidden)
                #expect(try await call(client, .get, "/api/v1/accounts/globex/entitlements/summarize", key: key).status == .forbidden)
                let ingest = try await call(client, .post, "/api/v1/events", key: key, body: #"{"events": [\#(usageEvent("x"))]}"#)
                #expect(ingest.status == .forbidden)
                #expect(try await harness.number("SELECT count(*) FROM usage_events") == 2)

                // An operator read key is not bound: it reads any account.
                let operatorKey = try await APIKeyStore(pool: harness.pool).create(name: "ops", scope: .read, now: harness.clock.now())
                #expect(try await call(client, .get, "/api/v1/accounts/globex/usage", key: operatorKey.secret).status == .ok)

                let id = try await harness.number("SELECT id FROM api_keys WHERE account_id IS NOT NULL")
                let confirm = try await client.get("/team/api-keys/\(id)/revoke", as: owner)
                #expect(confirm.status == .ok && confirm.text.contains("finance export"))
                let revoked = try await client.submit("/team/api-keys/revoke", as: owner, [("id", String(id))])
                #expect(revoked.status == .seeOther)
                #expect(try await call(client, .get, "/api/v1/accounts/acme/usage", key: key).status == .unauthorized)
                #expect(try await harness.number("SELECT count(*) FROM audit_log WHERE action IN ('api_key.create', 'api_key.revoke')") == 2)
            }
        }
    }

    @Test("names: required, unique among the account's active keys, free again after a revoke; other accounts' keys are 404")
    func namesAndForeignKeys() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("owner@acme.test", role: .owner)
            try await harness.createUser("owner@globex.test", role: .owner, account: "globex")
            try await harness.withClient { client in
                let acme = try await harness.signIn(client, "owner@acme.test")
                let globex = try await harness.signIn(client, "owner@globex.test")
                let empty = try await client.submit("/team/api-keys", as: acme, [("name", "  ")])
                #expect(empty.status == .unprocessableContent && empty.text.contains("Give the key a name"))
                _ = try await createKey(client, acme, "ci")
                let duplicate = try await client.submit("/team/api-keys", as: acme, [("name", "ci")])
                #expect(duplicate.status == .unprocessableContent && duplicate.text.contains("already has this name"))
                _ = try await createKey(client, globex, "ci")
                // The operator may use the same name too.
                _ = try await APIKeyStore(pool: harness.pool).create(name: "ci", scope: .ingest, now: harness.clock.now())

                let acmeKey = try await harness.number(
                    "SELECT k.id FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE a.external_id = 'acme'")
                #expect(try await client.get("/team/api-keys/\(acmeKey)/revoke", as: globex).status == .notFound)
                #expect(try await client.submit("/team/api-keys/revoke", as: globex, [("id", String(acmeKey))]).status == .notFound)
                #expect(!(try await client.get("/team", as: globex).text.contains("owner@acme.test")))

                // Row-level security: an account scope sees its own keys, never the operator's.
                let acmeID = try await harness.accountID("acme")
                let visible = try await harness.pool.withTransaction(scope: .account(acmeID)) { connection in
                    try await connection.query("SELECT count(*)::int8 FROM api_keys").first?.decode(Int64.self, at: 0) ?? -1
                }
                #expect(visible == 1)

                #expect(try await client.submit("/team/api-keys/revoke", as: acme, [("id", String(acmeKey))]).status == .seeOther)
                _ = try await createKey(client, acme, "ci")
            }
        }
    }

    @Test("the key check sets the service scope for its own statement only: the next statement on the connection has none")
    func keyCheckScopeDoesNotLeak() async throws {
        try await WebHarness.with { harness in
            let key = try await APIKeyStore(pool: harness.pool).create(name: "ops", scope: .ingest, now: harness.clock.now())
            let (found, after) = try await harness.pool.withConnection { connection in
                let found = try await connection.query(
                    "SELECT name FROM api_key_by_hash(sha256(convert_to(\(key.secret), 'UTF8')))"
                ).first?.decode(String.self, at: 0)
                let after = try await connection.query("SELECT coalesce(current_setting('app.scope', true), '')")
                    .first?.decode(String.self, at: 0)
                return (found, after)
            }
            #expect(found == "ops")
            #expect(after == "")
            do {
                _ = try await harness.pool.query("SELECT count(*) FROM api_keys")
                Issue.record("an unscoped query on api_keys returned rows")
            } catch let error as PostgresError {
                #expect(error.sqlState == "42501")
            }
        }
    }
}
