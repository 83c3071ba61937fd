import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MeteringStore
import NIOCore
import TallyAccess
import TallyTestSupport
import TallyWebTestSupport
import Testing

/// Issue "No request can hurt anyone else", item 8: the process never dies of a request. Every
/// route the router has is asked with extreme values (64-bit edges and past them as text,
/// exponents, NaN, year 0 and 99999, 100,000-character texts, NUL, bad percent-encoding, deep
/// JSON), as a read key, an ingest key, an admin and a customer owner. The test process is the
/// server: a trap anywhere ends the run. Nothing may answer 5xx, and `/healthz` answers at the end.
@Suite("Extreme values on every route")
struct ExtremeRequestTests {
    static let values = [
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "99999999999999999999999999999999999999999",
        "1e400", "-1", "NaN", "0000-01-01", "99999-12-31", "2027-02-30", "9999-12-31T23:59:60Z",
        String(repeating: "x", count: 100_000), "\u{0}", "caf\u{65}\u{301}", "<script>alert(1)</script>", "",
    ]

    static let pathValues = ["9223372036854775807", "-1", "99999999999999999999999999", "%00", "%ZZ", "..%2F..%2Fetc",
                             String(repeating: "y", count: 5_000)]

    static let fields = [
        "name", "email", "external_id", "plan", "plan_id", "amount", "credits", "price", "fee", "monthly_fee", "included",
        "included_credits", "grace", "overage", "overage_price", "policy", "rate", "rule", "limit", "time_zone", "anchor_day",
        "expires", "note", "key", "model", "input", "cached", "output", "per_request", "effective_from", "from", "to",
        "confirmation", "confirm", "status", "when", "kind", "role", "id", "reason", "url", "secret", "format", "rules[]",
        "list", "page", "threshold", "marginCritical", "spikeMultiplier", "spikeMinimum", "password", "new_password",
        "current_password", "confirm_password", "token", "enabled", "unlimited", "strict_tagging",
    ]

    static let query = [
        "page=9223372036854775807", "from=0000-01-01", "to=99999-12-31", "group_by=%00", "credits=1e400", "feature=%ZZ",
        "model=" + String(repeating: "m", count: 10_000), "sort=-x", "dir=up", "days=9223372036854775808", "limit=-1",
        "account=%00", "preset=nope", "q=" + String(repeating: "%", count: 3), "before=-9223372036854775808", "month=9999-99",
        "done=99999999999999999999",
    ].joined(separator: "&")

    @Test("every route, every role, extreme values: never 5xx, and the server still answers")
    func everyRoute() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            try await harness.createUser("admin@ops.test", role: .admin, account: nil)
            try await harness.createUser("owner@acme.test", role: .owner)
            let keys = APIKeyStore(pool: harness.pool)
            let read = try await keys.create(name: "reader", scope: .read, now: harness.clock.now()).secret
            let ingest = try await keys.create(name: "ingester", scope: .ingest, now: harness.clock.now()).secret
            let routes = harness.makeRouter().routes.map { (method: $0.method, path: $0.path.description) }.filter { $0.path != "/logout" }
            #expect(routes.count > 60)
            try await harness.withClient { client in
                let admin = try await harness.signIn(client, "admin@ops.test")
                let owner = try await harness.signIn(client, "owner@acme.test")
                var requests = 0
                var serverErrors: [String] = []
                func ask(_ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields, body: ByteBuffer? = nil) async throws {
                    let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
                    requests += 1
                    if response.status.code >= 500 { serverErrors.append("\(response.status.code) \(method) \(uri.prefix(120))") }
                }
                for route in routes {
                    let pattern = route.path
                    for (index, value) in Self.pathValues.enumerated() {
                        let uri = concrete(pattern, value) + (route.method == .get ? "?" + Self.query : "")
                        let extreme = Self.values[(index + routes.count) % Self.values.count]
                        for browser in [admin, owner] {
                            var headers = browser.headers
                            var body: ByteBuffer?
                            if route.method != .get {
                                headers[.contentType] = "application/x-www-form-urlencoded"
                                body = formBody([("_csrf", browser.csrf)] + Self.fields.map { ($0, extreme) })
                            }
                            try await ask(route.method, uri, headers: headers, body: body)
                        }
                        for key in [read, ingest] {
                            var headers: HTTPFields = [.authorization: "Bearer \(key)"]
                            var body: ByteBuffer?
                            if route.method != .get {
                                headers[.contentType] = "application/json"
                                body = ByteBuffer(string: Self.jsonBodies[index % Self.jsonBodies.count])
                            }
                            try await ask(route.method, uri, headers: headers, body: body)
                        }
                    }
                }
                #expect(serverErrors.isEmpty, "\(serverErrors.count) of \(requests) requests answered 5xx: \(serverErrors.prefix(20))")
                #expect(requests > 2_000)
                let health = try await client.execute(uri: "/healthz", method: .get, headers: [:])
                #expect(health.status == .ok)
            }
        }
    }

    /// Batches of every awkward shape: deep nesting, numbers past any bound, NUL, huge strings.
    static let jsonBodies = [
        String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
        #"{"events": [{"id": "e", "account": "acme", "input_tokens": 9223372036854775807, "output_tokens": 9223372036854775807}]}"#,
        #"{"events": [{"id": "e", "account": "acme", "input_tokens": 1"# + String(repeating: "0", count: 5_000) + "}]}",
        #"{"events": [{"id": "e", "account": "acme", "cost_usd": "9223372036.854775807"}]}"#,
        #"{"events": [{"id": "e", "account": "acme", "occurred_at": "0000-01-01T00:00:00Z", "duration_ms": 1e400}]}"#,
        #"{"events": [{"id": "\u0000", "account": "acme\u0000", "metadata": {"a": {"a": {"a": [1e308, -1e308]}}}}]}"#,
        #"{"events": [{"id": "e", "account": "acme", "usage": {"prompt_tokens": 5000000000000000000, "prompt_tokens_details": {"cached_tokens": 9223372036854775807}}}]}"#,
    ]

    private func concrete(_ pattern: String, _ value: String) -> String {
        pattern.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix(":") || (part.hasPrefix("{") && part.hasSuffix("}")) ? value : String(part)
        }.joined(separator: "/")
    }
}
