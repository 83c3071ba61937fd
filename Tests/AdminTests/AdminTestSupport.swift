import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import TallyAccess
import TallyWebTestSupport
import Testing

/// The signed-in staff of an admin test.
struct AdminBrowsers: Sendable {
    let admin: BrowserState
    let sales: BrowserState
}

extension WebHarness {
    /// Creates `admin@ops.test` and `sales@ops.test` and signs both in.
    func staffBrowsers(_ client: some TestClientProtocol) async throws -> AdminBrowsers {
        try await createUser("admin@ops.test", role: .admin)
        try await createUser("sales@ops.test", role: .sales)
        return AdminBrowsers(admin: try await signIn(client, "admin@ops.test"), sales: try await signIn(client, "sales@ops.test"))
    }

    /// The number of audit rows with `action`.
    func auditCount(_ action: String) async throws -> Int {
        try await rows("SELECT count(*)::bigint FROM audit_log WHERE action = \(action)").first!.decode(Int.self, at: 0)
    }

    /// The newest audit row with `action`: its before and after as JSON text, and the actor.
    func lastAudit(_ action: String) async throws -> (before: String?, after: String?, actor: String)? {
        try await rows(
            "SELECT before::text, after::text, actor FROM audit_log WHERE action = \(action) ORDER BY id DESC LIMIT 1"
        ).first.map { try $0.decode((String?, String?, String).self) }
    }

    /// The id of the account with `externalID`.
    func accountID(_ externalID: String) async throws -> Int64 {
        try await rows("SELECT id FROM accounts WHERE external_id = \(externalID)").first!.decode(Int64.self, at: 0)
    }
}

extension TestClientProtocol {
    /// A POST with the browser's cookies and no CSRF token.
    func submitWithoutToken(_ uri: String, as state: BrowserState, _ fields: [(String, String)]) async throws -> TestResponse {
        var headers = state.headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await execute(uri: uri, method: .post, headers: headers, body: formBody(fields))
    }
}

/// The standard checks of one admin form: missing CSRF → 403 and nothing written; sales → 403
/// and nothing written.
func expectGuarded(
    _ client: some TestClientProtocol, _ uri: String, _ fields: [(String, String)], browsers: AdminBrowsers,
    harness: WebHarness, action: String, sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let before = try await harness.auditCount(action)
    let noToken = try await client.submitWithoutToken(uri, as: browsers.admin, fields)
    #expect(noToken.status == .forbidden, "\(uri) without a CSRF token", sourceLocation: sourceLocation)
    let asSales = try await client.submit(uri, as: browsers.sales, fields)
    #expect(asSales.status == .forbidden, "\(uri) as sales", sourceLocation: sourceLocation)
    #expect(try await harness.auditCount(action) == before, "\(uri): nothing written", sourceLocation: sourceLocation)
}
