import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import TallyWeb
import Testing

@Suite("Error pages, static files and headers")
struct ErrorsAndStaticTests {
    struct InternalFailure: Error, CustomStringConvertible {
        var description: String { "secret internal detail: password=hunter2" }
    }

    static let down = "host=/nonexistent-tally-socket dbname=x user=x"

    @Test("an unknown page is a 404 HTML page with the request id and nothing else")
    func notFoundPage() async throws {
        try await WebHarness.withApp(conninfo: Self.down, migrations: []) { client, _ in
            let response = try await client.execute(uri: "/no/such/page", method: .get, headers: [.accept: "text/html"])
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            let requestID = try #require(response.headers[HTTPField.Name("X-Request-Id")!])
            #expect(response.text.contains("<!doctype html>"))
            #expect(response.text.contains("This page does not exist."))
            #expect(response.text.contains("Request id: <code>\(requestID)</code>"))
        }
    }

    @Test("an API 404 is JSON with the request id")
    func apiNotFound() async throws {
        try await WebHarness.withApp(conninfo: Self.down, migrations: []) { client, _ in
            let response = try await client.execute(uri: "/api/v1/nothing", method: .get)
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let requestID = try #require(response.headers[HTTPField.Name("X-Request-Id")!])
            let body = try JSONDecoder().decode([String: String].self, from: Data(response.text.utf8))
            #expect(body["request_id"] == requestID)
            #expect(body["error"] == "This page does not exist.")
        }
    }

    @Test("an unexpected error is a 500 that shows a request id and no internals")
    func internalError() async throws {
        try await WebHarness.withApp(
            conninfo: Self.down, migrations: [],
            extraRoutes: { router, _ in
                router.get("/boom") { _, _ -> String in throw InternalFailure() }
                router.get("/sql-boom") { _, _ -> String in
                    throw PostgresError(.server, sqlState: "42P01", serverMessage: "relation \"users\" does not exist")
                }
            }
        ) { client, _ in
            for path in ["/boom", "/sql-boom"] {
                let response = try await client.execute(uri: path, method: .get, headers: [.accept: "text/html"])
                #expect(response.status == .internalServerError)
                #expect(response.text.contains("Something went wrong on our side."))
                #expect(response.text.contains("Request id:"))
                for secret in ["hunter2", "secret", "relation", "users", "42P01", "InternalFailure"] {
                    #expect(!response.text.contains(secret), "500 page leaks \(secret)")
                }
            }
        }
    }

    @Test("static files are served with cache headers; paths outside public/ are not")
    func staticFiles() async throws {
        try await WebHarness.withApp(conninfo: Self.down, migrations: []) { client, _ in
            let css = try await client.execute(uri: "/static/css/tally.css", method: .get)
            #expect(css.status == .ok)
            #expect(css.headers[.contentType]?.hasPrefix("text/css") == true)
            #expect(css.headers[.cacheControl] == "public, max-age=3600")
            #expect(css.text.contains(":root"))
            for path in [
                "/static/../Package.swift", "/static/%2e%2e/Package.swift", "/static/..%2fPackage.swift",
                "/static/css/../../Package.swift", "/static//etc/passwd",
            ] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status != .ok, "\(path) was served")
                #expect(!response.text.contains("PackageDescription"))
                #expect(!response.text.contains("root:"))
            }
        }
    }

    @Test("every response carries the security headers and no server banner")
    func securityHeaders() async throws {
        try await WebHarness.withApp(conninfo: Self.down, migrations: []) { client, _ in
            for path in ["/healthz", "/no-such-page", "/static/css/tally.css", "/readyz"] {
                let response = try await client.execute(uri: path, method: .get)
                let csp = try #require(response.headers[.contentSecurityPolicy], "no CSP on \(path)")
                #expect(csp.contains("default-src 'self'"))
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(!csp.contains("unsafe-inline"))
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "strict-origin-when-cross-origin")
                #expect(response.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] == "same-origin")
                #expect(response.headers[.server] == nil)
            }
        }
    }
}
