import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import TallyAccess
import TallyDatabase
import TallyTestSupport
import TallyWeb
import TallyWebTestSupport
import Testing

/// How to probe one customer route that takes an object id: make an object in a given account
/// and return its id. Every customer route with a path parameter needs one (the test below fails
/// naming routes without), so "another account's id → 404" is checked for each as it is added.
struct ForeignObjectProbe: Sendable {
    /// The route as `Router.routes` names it, e.g. `GET /usage/events/{id}`.
    let route: String
    /// Creates an object owned by the account with this external id; returns the id for the URL.
    let makeObject: @Sendable (WebHarness, String) async throws -> String
}

enum ForeignObjectProbes {
    /// Probes for the production routes and the test-only one.
    static let all: [ForeignObjectProbe] = [
        ForeignObjectProbe(route: "GET /usage/events/{id}") { harness, account in
            let eventID = "probe-\(account)-\(UUID().uuidString.prefix(8))"
            try await harness.pool.withTransaction(scope: .service) { connection in
                try await connection.execute(
                    """
                    INSERT INTO usage_events (account_id, event_id, input_tokens, cached_input_tokens, output_tokens,
                                              output_units, success, occurred_at, received_at, local_day, period_start,
                                              cost, unpriced, credits, fingerprint)
                    SELECT id, \(eventID), 0, 0, 0, 0, true, now(), now(), current_date, now(), 0, false, 0,
                           decode(repeat('00', 32), 'hex')
                    FROM accounts WHERE external_id = \(account)
                    """)
            }
            return eventID
        },
        ForeignObjectProbe(route: "GET /test-only/users/{id}") { harness, account in
            let user = try await harness.createUser("probe-\(account)-\(UUID().uuidString.prefix(8))@probe.test", account: account)
            return String(user.id)
        },
        // Portal team pages (docs/portal-account.md): the confirmation pages of remove and revoke.
        ForeignObjectProbe(route: "GET /team/members/{id}/remove") { harness, account in
            let user = try await harness.createUser("probe-\(account)-\(UUID().uuidString.prefix(8))@probe.test", account: account)
            return String(user.id)
        },
        ForeignObjectProbe(route: "GET /team/invitations/{id}/revoke") { harness, account in
            let owner = try await harness.createUser("probe-\(account)-\(UUID().uuidString.prefix(8))@probe.test", role: .owner, account: account)
            let (invitation, _) = try await Invitations(login: harness.access.login).invite(
                email: "invitee-\(UUID().uuidString.prefix(8))@probe.test", role: .member, accountID: owner.accountID ?? 0,
                by: .user(id: owner.id, email: owner.email, requestID: nil), now: harness.clock.now())
            return String(invitation.id)
        },
        ForeignObjectProbe(route: "GET /team/api-keys/{id}/revoke") { harness, account in
            let owner = try await harness.createUser("probe-\(account)-\(UUID().uuidString.prefix(8))@probe.test", role: .owner, account: account)
            let tag = UUID().uuidString.prefix(8)
            let rows = try await harness.pool.withTransaction(scope: .service) { connection in
                try await connection.query(
                    """
                    INSERT INTO api_keys (name, prefix, key_hash, scope, created_at, account_id, last_four)
                    VALUES (\("probe \(tag)"), \("tly_\(tag)"), sha256(convert_to(\(String(tag)), 'UTF8')), 'read', \(harness.clock.now()),
                            \(owner.accountID), 'abcd')
                    RETURNING id
                    """)
            }
            return String(try rows.first?.decode(Int64.self, at: 0) ?? 0)
        },
    ]

    /// A customer route that shows a user of the customer's own account by id: written the way
    /// customer object routes should be (no account filter of its own; the scope does it).
    static func registerTestRoute(on router: Router<AppRequestContext>, access: AccessServices) {
        router.group("/test-only/users", context: CustomerRequestContext.self).get(":id") { _, context in
            let raw = context.parameters.get("id") ?? ""
            guard let id = Int64(raw), let user = try await access.users.find(id: id, in: context.scope) else {
                throw context.objectNotFound("user", objectID: raw)
            }
            return user.email
        }
    }
}

@Suite("Another account's object ids")
struct ForeignObjectTests {
    /// Paths of routes that are not customer routes (they take no customer object ids).
    /// `/invitations/{token}` is anonymous and takes a token, not an account's object id.
    static let nonCustomerPrefixes = ["/admin", "/api/", "/static/", "/login", "/logout", "/invitations/"]

    @Test("every customer route taking an id answers another account's id with 404, the page of a missing id, logged")
    func foreignIDsAre404() async throws {
        let capture = LogCapture()
        try await WebHarness.with { harness in
            let router = harness.makeRouter(logger: capture.logger)
            ForeignObjectProbes.registerTestRoute(on: router, access: harness.access)
            let parameterised = router.routes.filter { route in
                isParameterised(route.path.description) && !Self.nonCustomerPrefixes.contains { route.path.description.hasPrefix($0) }
            }.map { "\($0.method.rawValue) \($0.path)" }
            let probes = ForeignObjectProbes.all.filter { parameterised.contains($0.route) }
            #expect(probes.contains { $0.route.hasPrefix("GET /test-only/") }, "the test-only probe did not match its route")
            #expect(Set(parameterised).subtracting(probes.map(\.route)).isEmpty, "add a ForeignObjectProbe for each of \(parameterised)")
            // An owner, so owner-only pages (the Team page's) can be probed too.
            try await harness.createUser("viewer@alpha.test", role: .owner, account: "alpha", password: "right password")
            try await Application(router: router, logger: capture.logger).test(.router) { client in
                let (viewer, _) = try await client.signIn(email: "viewer@alpha.test", password: "right password")
                for probe in probes {
                    try await check(probe, harness: harness, client: client, viewer: viewer)
                }
            }
            #expect(capture.events("access.not_found").count >= 2 * probes.count)
        }
    }

    private func isParameterised(_ path: String) -> Bool {
        path.split(separator: "/").contains { $0.hasPrefix(":") || $0.hasPrefix("{") }
    }

    private func check(
        _ probe: ForeignObjectProbe, harness: WebHarness, client: some TestClientProtocol, viewer: BrowserState
    ) async throws {
        let pattern = String(probe.route.split(separator: " ", maxSplits: 1)[1])
        let own = try await probe.makeObject(harness, "alpha")
        let foreign = try await probe.makeObject(harness, "bravo")
        let get = { (id: String) in try await client.execute(uri: concretePath(pattern, value: id), method: .get, headers: viewer.headers) }
        #expect(try await get(own).status == .ok, "\(probe.route): own object")
        let foreignResponse = try await get(foreign)
        let missingResponse = try await get("999999999")
        #expect(foreignResponse.status == .notFound, "\(probe.route): another account's object")
        #expect(missingResponse.status == .notFound)
        #expect(withoutRequestID(foreignResponse) == withoutRequestID(missingResponse), "\(probe.route): 404 pages differ")
    }

    private func withoutRequestID(_ response: TestResponse) -> String {
        let id = response.headers[.init("X-Request-Id")!] ?? "-"
        return String(buffer: response.body).replacingOccurrences(of: id, with: "ID")
    }
}
