import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TallyAccess
import TallyTestSupport
import TallyWeb
import TallyWebTestSupport
import Testing

@Suite("CSRF on every state-changing route")
struct CSRFEnumerationTests {
    /// Every route of the router that is not GET, HEAD or OPTIONS, outside `/api/` (API keys,
    /// not cookies). A route added later is enumerated here without anyone listing it.
    static func stateChangingRoutes(_ router: Router<AppRequestContext>) -> [(HTTPRequest.Method, String)] {
        router.routes
            .filter { ![.get, .head, .options].contains($0.method) && !$0.path.description.hasPrefix("/api/") }
            .map { ($0.method, $0.path.description) }
    }

    @Test("every state-changing route: no token → 403, another session's token → 403, cross-site → 403, valid → not 403")
    func everyRoute() async throws {
        let matrix = try RouteMatrix.load()
        try await WebHarness.with { harness in
            try await harness.createMatrixUsers()
            let router = harness.makeRouter()
            let routes = Self.stateChangingRoutes(router)
            #expect(!routes.isEmpty)
            let addresses = AddressSource()
            try await Application(router: router, logger: harness.database.logger).test(.router) { client in
                for (method, pattern) in routes {
                    let row = matrix.first { $0.method == method && $0.path == pattern }
                    // The first role the matrix lets through, so "valid" shows CSRF is the only gate.
                    let role = MatrixRole.allCases.first { (row?.expected[$0]?.status ?? 403) != 403 } ?? .admin
                    try await check(method, concretePath(pattern), as: role, client: client, addresses: addresses)
                }
            }
        }
    }

    private func check(
        _ method: HTTPRequest.Method, _ path: String, as role: MatrixRole, client: some TestClientProtocol,
        addresses: AddressSource
    ) async throws {
        let route = "\(method) \(path) as \(role)"
        let mine = try await client.browser(role, addresses: addresses)
        let other = try await client.browser(role, addresses: addresses)
        #expect(!mine.csrf.isEmpty && mine.csrf != other.csrf)
        let none = try await client.send(method, path, mine, csrf: nil, addresses: addresses)
        #expect(none.status == .forbidden, "\(route): no token")
        let foreign = try await client.send(method, path, mine, csrf: other.csrf, addresses: addresses)
        #expect(foreign.status == .forbidden, "\(route): another session's token")
        let crossSite = try await client.send(
            method, path, mine, csrf: mine.csrf, addresses: addresses, extraHeaders: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
        #expect(crossSite.status == .forbidden, "\(route): Sec-Fetch-Site: cross-site")
        let valid = try await client.send(method, path, mine, csrf: mine.csrf, addresses: addresses)
        #expect(valid.status != .forbidden, "\(route): its own token")
    }
}
