// Helpers of the alerting tests: account set-up, and a local HTTP server that plays a webhook receiver.
import Alerting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Metering
import MeteringStore
import Postgres
import TallyDatabase
import Synchronization
import TallyTestSupport
import TallyWebTestSupport
import Testing

extension WebHarness {
    /// `count` one-credit `summarize` events for `account`, ids `<prefix>-0…`.
    func summarizeEvents(_ account: String, count: Int, prefix: String, occurredAt: String? = nil, costUSD: String? = nil) -> [String] {
        (0..<count).map { index in
            var fields = #""id": "\#(prefix)-\#(index)", "account": "\#(account)", "feature": "summarize""#
            if let occurredAt { fields += #", "occurred_at": "\#(occurredAt)""# }
            if let costUSD { fields += #", "cost_usd": "\#(costUSD)""# }
            return "{" + fields + "}"
        }
    }

    /// The number of alerts of `rule` (for `account`'s external id, when given).
    func alertCount(_ rule: AlertRule, account: String? = nil) async throws -> Int {
        let rows = try await rows(
            """
            SELECT count(*)::bigint FROM alerts al LEFT JOIN accounts ac ON ac.id = al.account_id
            WHERE al.rule = \(rule.rawValue) AND (\(account)::text IS NULL OR ac.external_id = \(account))
            """)
        return Int(try rows.first!.decode(Int64.self, at: 0))
    }

    /// The thresholds of `account`'s credits-used alerts, ascending.
    func thresholds(_ account: String) async throws -> [Int] {
        try await rows(
            """
            SELECT al.threshold FROM alerts al JOIN accounts ac ON ac.id = al.account_id
            WHERE al.rule = 'credits_used' AND ac.external_id = \(account) ORDER BY al.threshold
            """).map { try $0.decode(Int.self, at: 0) }
    }

    /// Changes the rule settings as the tally command would.
    func setRules(_ change: (inout AlertRuleSettings) -> Void) async throws {
        var settings = try await AlertRuleStore(pool: pool).load()
        change(&settings)
        try await AlertRuleStore(pool: pool).save(settings, by: .command, at: clock.now())
    }

    /// A webhook endpoint at `url` for every rule.
    @discardableResult
    func addEndpoint(url: String, secret: String = "whsec_test_secret_0123456789", format: WebhookFormat = .json) async throws -> Int64 {
        try await WebhookStore(pool: pool, destinations: .testReceivers).create(
            WebhookDraft(name: "receiver", url: url, secret: secret, rules: AlertRule.allCases, format: format),
            by: .command, at: clock.now()).id
    }
}

/// Names the tests use for endpoints, resolved without the network: `*.example.test` to a
/// public address (93.184.216.34), `localhost` to 127.0.0.1; anything else does not resolve.
struct TestResolver: HostResolver {
    var answers: [String: [String]] = [:]
    struct Unresolved: Error {}
    func addresses(of host: String) async throws -> [IPAddress] {
        if let answer = answers[host] { return answer.compactMap(IPAddress.init) }
        if host.hasSuffix(".example.test") { return [IPAddress("93.184.216.34")!] }
        if host == "localhost" { return [IPAddress("127.0.0.1")!] }
        throw Unresolved()
    }
}

extension WebhookDestinations {
    /// The local receivers of these tests listen on http://127.0.0.1.
    static let testReceivers = WebhookDestinations(allowPlainHTTP: true, allowPrivateNetworks: true, resolver: TestResolver())
}

/// What the local receiver got.
struct ReceivedRequest: Sendable {
    let headers: HTTPFields
    let body: [UInt8]
}

/// A webhook receiver: records every request and answers the next scripted status (200 when
/// the script is used up), with `Location: location` when given (a redirect).
final class WebhookReceiver: Sendable {
    private let state: Mutex<(script: [Int], received: [ReceivedRequest])>
    private let location: String?

    init(answers: [Int] = [], location: String? = nil) {
        state = Mutex((answers, []))
        self.location = location
    }

    var received: [ReceivedRequest] { state.withLock { $0.received } }

    /// Runs `body` with the receiver listening on 127.0.0.1 at a free port; passes its URL.
    func serve(_ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/hook") { request, context -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let status = self.state.withLock { state -> Int in
                state.received.append(ReceivedRequest(headers: request.headers, body: Array(bytes.readableBytesView)))
                return state.script.isEmpty ? 200 : state.script.removeFirst()
            }
            var response = Response(status: HTTPResponse.Status(code: status))
            if let location = self.location { response.headers[.location] = location }
            return response
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await body("http://127.0.0.1:\(port)/hook")
        }
    }
}

