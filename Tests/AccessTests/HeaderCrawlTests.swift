import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TallyAccess
import TallyTestSupport
import TallyWeb
import TallyWebTestSupport
import Testing

@Suite("Security headers on every response")
struct HeaderCrawlTests {
    static let csp =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        + "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

    /// Paths outside the router that the crawl visits too: a missing page, a static file, a
    /// missing static file and a path that tries to leave public/.
    static let extraPaths = ["/no-such-page", "/static/css/tally.css", "/static/css/missing.css", "/static/../Package.swift"]

    @Test("a crawl of every route, 404 and static files, anonymous and signed in, finds every header and no unsafe-inline")
    func crawl() async throws {
        try await WebHarness.with { harness in
            try await harness.createMatrixUsers()
            let router = harness.makeRouter()
            let routes = router.routes.map { ($0.method, concretePath($0.path.description)) }
                + Self.extraPaths.map { (HTTPRequest.Method.get, $0) }
            let addresses = AddressSource()
            try await Application(router: router, logger: harness.database.logger).test(.router) { client in
                for role in [MatrixRole.anonymous, .member, .admin] {
                    for (method, path) in routes {
                        let browser = try await client.browser(role, addresses: addresses)
                        let response = try await client.send(method, path, browser, csrf: browser.csrf, addresses: addresses)
                        check(response, "\(method) \(path) as \(role)", signedIn: role != .anonymous && !path.hasPrefix("/static/"))
                    }
                }
            }
        }
    }

    private func check(_ response: TestResponse, _ label: String, signedIn: Bool) {
        let headers = response.headers
        #expect(headers[.contentSecurityPolicy] == Self.csp, "\(label): CSP")
        #expect(headers[values: .contentSecurityPolicy].count == 1, "\(label): one CSP")
        #expect(headers[.xContentTypeOptions] == "nosniff", "\(label): nosniff")
        #expect(headers[.init("Referrer-Policy")!] == "strict-origin-when-cross-origin", "\(label): Referrer-Policy")
        #expect(headers[.init("Cross-Origin-Opener-Policy")!] == "same-origin", "\(label): COOP")
        #expect(headers[.server] == nil && headers[.init("X-Powered-By")!] == nil, "\(label): version banner")
        if let type = headers[.contentType], isText(type) {
            #expect(type.lowercased().contains("charset=utf-8"), "\(label): \(type) without charset=utf-8")
        }
        for field in headers {
            #expect(!field.value.contains("unsafe-inline"), "\(label): \(field.name) allows unsafe-inline")
        }
        if signedIn { #expect(headers[.cacheControl] == "no-store", "\(label): Cache-Control on a signed-in page") }
        if headers[.contentType]?.hasPrefix("text/html") == true {
            let html = String(buffer: response.body).lowercased()
            #expect(!html.contains("<style") && !html.contains(" style="), "\(label): inline style")
            #expect(!html.contains("<script>") && !html.contains(" onclick="), "\(label): inline script")
        }
    }

    private func isText(_ type: String) -> Bool {
        let type = type.lowercased()
        return type.hasPrefix("text/") || type.contains("json") || type.contains("javascript") || type.contains("xml")
    }
}
