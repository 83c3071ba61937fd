import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TallyAccess
import TallyTestSupport
import TallyWeb
import TallyWebTestSupport
import Testing

@Suite("Route × role matrix")
struct RouteMatrixTests {
    @Test("the matrix in docs/access.md lists every route of the router, and nothing else")
    func matrixCoversRouter() async throws {
        let matrix = try RouteMatrix.load()
        try await WebHarness.with { harness in
            let routes = harness.makeRouter().routeNames
            let documented = Set(matrix.filter { !$0.path.hasPrefix("/static/") }.map(\.route))
            #expect(routes.subtracting(documented).isEmpty, "routes missing from the matrix: \(routes.subtracting(documented).sorted())")
            #expect(documented.subtracting(routes).isEmpty, "matrix rows with no route: \(documented.subtracting(routes).sorted())")
            #expect(Set(matrix.flatMap(\.expected.keys)) == Set(MatrixRole.allCases))
        }
    }

    @Test("every cell of the matrix: each role gets the documented status (CSRF token valid)")
    func everyCell() async throws {
        let matrix = try RouteMatrix.load()
        try await WebHarness.with { harness in
            try await harness.createMatrixUsers()
            let addresses = AddressSource()
            try await Application(router: harness.makeRouter(), logger: harness.database.logger).test(.router) { client in
                for row in matrix {
                    for role in MatrixRole.allCases {
                        let expected = try #require(row.expected[role])
                        let browser = try await client.browser(role, addresses: addresses)
                        let response = try await client.send(
                            row.method, concretePath(row.path), browser, csrf: browser.csrf, addresses: addresses)
                        #expect(Int(response.status.code) == expected.status, "\(row.route) as \(role)")
                        if let location = expected.location {
                            #expect(response.headers[.location] == location, "\(row.route) as \(role): Location")
                        }
                    }
                }
            }
        }
    }

    @Test("sales may GET staff pages; every state-changing staff route answers sales 403")
    func salesChangeNothing() async throws {
        let matrix = try RouteMatrix.load()
        try await WebHarness.with { harness in
            try await harness.createMatrixUsers()
            let router = harness.makeRouter()
            // No staff POST exists yet: a test-only one registered the way staff changes must be
            // (AdminRequestContext) proves the check below has something to check.
            router.group("/admin/test-only", context: AdminRequestContext.self).post("change") { _, _ in
                Response(status: .noContent)
            }
            let staffRoutes = router.routes.filter { $0.path.description.hasPrefix("/admin") }
                .map { ($0.method, $0.path.description) }
            let addresses = AddressSource()
            try await Application(router: router, logger: harness.database.logger).test(.router) { client in
                for (method, pattern) in staffRoutes {
                    let path = concretePath(pattern)
                    let sales = try await client.browser(.sales, addresses: addresses)
                    let admin = try await client.browser(.admin, addresses: addresses)
                    let asSales = try await client.send(method, path, sales, csrf: sales.csrf, addresses: addresses)
                    let asAdmin = try await client.send(method, path, admin, csrf: admin.csrf, addresses: addresses)
                    if [.get, .head].contains(method) {
                        // Sales read what admins read (a missing object is 404 for both), except
                        // admin-only pages and forms, which the matrix marks 403 for sales.
                        let row = matrix.first { $0.method == method && $0.path == pattern }
                        if row?.expected[.sales]?.status == 403 {
                            #expect(asSales.status == .forbidden, "sales GET \(path): admin-only")
                        } else {
                            #expect(asSales.status == asAdmin.status && asAdmin.status != .forbidden, "sales GET \(path)")
                        }
                    } else {
                        #expect(asSales.status == .forbidden, "sales \(method) \(path) must be 403")
                        #expect(asAdmin.status != .forbidden, "admin \(method) \(path)")
                    }
                }
                #expect(staffRoutes.contains { $0.0 == .post })
            }
        }
    }
}
