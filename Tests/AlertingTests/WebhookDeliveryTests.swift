// Signed webhook deliveries, retries with backoff, and deliveries that survive a restart (issue 8).
import Alerting
import Foundation
import HTTPTypes
import Logging
import MeteringStore
import Postgres
import Synchronization
import TallyDatabase
import TallyCrypto
import TallyTestSupport
import TallyWebTestSupport
import Testing

/// A transport with no server behind it: every attempt fails without an HTTP answer.
struct UnreachableTransport: WebhookTransport {
    struct Refused: Error {}
    func post(url: String, target: WebhookDestinations.Target, headers: [(String, String)], body: [UInt8]) async throws -> Int {
        throw Refused()
    }
}

/// A transport that answers 200 and counts the requests.
final class CountingTransport: WebhookTransport {
    let count = Mutex(0)
    func post(url: String, target: WebhookDestinations.Target, headers: [(String, String)], body: [UInt8]) async throws -> Int {
        count.withLock { $0 += 1 }
        return 200
    }
}

@Suite("Webhook deliveries")
struct WebhookDeliveryTests {
    static let secret = "whsec_test_secret_0123456789"

    /// An account on `pro` that has crossed 50 % (one alert, one delivery per endpoint).
    private func fireOneAlert(_ harness: WebHarness) async throws {
        try await harness.seedBasicCatalog()
        try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
        try await harness.ingest(harness.summarizeEvents("acme", count: 60, prefix: "a"))
    }

    private func attempts(_ harness: WebHarness) async throws -> [Int?] {
        try await harness.rows("SELECT status_code FROM webhook_attempts ORDER BY at, attempt").map { try $0.decode(Int?.self, at: 0) }
    }

    private func states(_ harness: WebHarness) async throws -> [String] {
        try await harness.rows("SELECT state FROM webhook_deliveries ORDER BY id").map { try $0.decode(String.self, at: 0) }
    }

    @Test("the worked example of docs/alerts.md")
    func workedExample() {
        // The same numbers as the "Verifying a delivery" section of docs/alerts.md.
        let secret = "whsec_5ecc1e2b9f0d4a7c8e61b3d2a9f47c05d6e8b1a2c3d4e5f6"
        let body = Array(#"{"alert_id":42,"level":"warning","rule":"credits_used"}"#.utf8)
        let header = WebhookSignature.header(secret: secret, timestamp: 1_802_145_600, body: body)
        #expect(header == "t=1802145600,v1=e3a38894172685e21d661ed41fe54d8cf1af751a9db30db84fd278cecf132801")
        let now = Date(timeIntervalSince1970: 1_802_145_660)
        #expect(WebhookSignature.verify(header: header, secret: secret, body: body, now: now))
        #expect(!WebhookSignature.verify(header: header, secret: secret, body: body + [0x20], now: now))
        #expect(!WebhookSignature.verify(header: header, secret: "whsec_other_secret_000000", body: body, now: now))
        #expect(!WebhookSignature.verify(header: header, secret: secret, body: body, now: now.addingTimeInterval(600)))   // replayed later
    }

    @Test("a real delivery over HTTP carries a signature the documented recipe verifies")
    func realDeliveryVerifies() async throws {
        try await WebHarness.with { harness in
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                try await harness.addEndpoint(url: url, secret: Self.secret)
                try await fireOneAlert(harness)
                let transport = HTTPWebhookTransport()
                let round = try await WebhookDeliverer(pool: harness.pool, transport: transport, destinations: .testReceivers, logger: Logger(label: "test"))
                    .deliverDue(at: harness.clock.now())
                try await transport.shutdown()
                #expect(round.delivered == 1)
            }
            let request = try #require(receiver.received.first)
            #expect(receiver.received.count == 1)
            // The recipe, step by step, independently of WebhookSignature.
            let header = try #require(request.headers[HTTPField.Name("Tally-Signature")!])
            let parts = Dictionary(uniqueKeysWithValues: header.split(separator: ",").map {
                let pair = $0.split(separator: "=", maxSplits: 1)
                return (String(pair[0]), String(pair[1]))
            })
            let t = try #require(parts["t"])
            #expect(Int64(t) == Int64(harness.clock.now().timeIntervalSince1970))
            let expected = Hex.encode(HMAC.sha256(key: Array(Self.secret.utf8), message: Array("\(t).".utf8) + request.body))
            #expect(parts["v1"] == expected)
            #expect(request.headers[.contentType] == "application/json")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
            #expect(json["rule"] as? String == "credits_used")
            #expect(json["threshold"] as? Int == 50)
            #expect((json["account"] as? [String: Any])?["id"] as? String == "acme")
            #expect(try await states(harness) == ["delivered"])
        }
    }

    @Test("an endpoint answering 500 then 200 gets a retry after the backoff and exactly one success")
    func retriesThenSucceeds() async throws {
        try await WebHarness.with { harness in
            let receiver = WebhookReceiver(answers: [500])
            try await receiver.serve { url in
                try await harness.addEndpoint(url: url)
                try await fireOneAlert(harness)
                let transport = HTTPWebhookTransport()
                let deliverer = WebhookDeliverer(pool: harness.pool, transport: transport, destinations: .testReceivers, logger: Logger(label: "test"))
                #expect(try await deliverer.deliverDue(at: harness.clock.now()).retrying == 1)
                harness.clock.advance(seconds: 29)
                #expect(try await deliverer.deliverDue(at: harness.clock.now()).attempted == 0)   // not due before 30 s
                harness.clock.advance(seconds: 1)
                #expect(try await deliverer.deliverDue(at: harness.clock.now()).delivered == 1)
                harness.clock.advance(seconds: 3_600)
                #expect(try await deliverer.deliverDue(at: harness.clock.now()).attempted == 0)
                try await transport.shutdown()
            }
            #expect(receiver.received.count == 2)
            #expect(try await attempts(harness) == [500, 200])
            #expect(try await states(harness) == ["delivered"])
            // Both attempts sent the same body.
            #expect(receiver.received[0].body == receiver.received[1].body)
        }
    }

    @Test("deliveries pending across a restart are delivered by the next worker")
    func survivesRestart() async throws {
        try await WebHarness.with { harness in
            try await fireOneAlert(harness)   // no endpoint yet: nothing queued
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                try await harness.addEndpoint(url: url)
                try await harness.ingest(harness.summarizeEvents("acme", count: 20, prefix: "b"))   // 80 %: 75 fires
                // The first Tally cannot reach the endpoint, and then stops.
                let firstRun = try await harness.database.withPool(maxConnections: 2) { firstPool in
                    let first = WebhookDeliverer(pool: firstPool, transport: UnreachableTransport(), destinations: .testReceivers, logger: Logger(label: "first"))
                    return try await first.deliverDue(at: harness.clock.now())
                }
                #expect(firstRun.retrying == 1)
                // A new Tally over the same database carries on.
                harness.clock.advance(seconds: 30)
                try await harness.database.withPool(maxConnections: 4) { secondPool in
                    let transport = HTTPWebhookTransport()
                    let scheduler = Alerting.scheduler(
                        pool: secondPool, clock: harness.clock, transport: transport, destinations: .testReceivers, logger: Logger(label: "second"))
                    #expect(try await scheduler.tick() == .ran(["alerts.evaluate", "webhooks.deliver"]))
                    try await transport.shutdown()
                }
            }
            #expect(receiver.received.count == 1)
            #expect(try await attempts(harness) == [nil, 200])
            #expect(try await states(harness) == ["delivered"])
        }
    }

    @Test("a failing endpoint is retried with doubling pauses and given up after 24 hours")
    func givesUpAfterADay() async throws {
        let schedule = RetrySchedule()
        #expect((1...5).map { schedule.delay(afterAttempt: $0) } == [30, 60, 120, 240, 480])
        #expect(schedule.delay(afterAttempt: 20) == 4 * 3_600)
        try await WebHarness.with { harness in
            try await harness.addEndpoint(url: "https://unreachable.example.test/hook")
            try await fireOneAlert(harness)
            let created = harness.clock.now()
            let deliverer = WebhookDeliverer(pool: harness.pool, transport: UnreachableTransport(), destinations: .testReceivers, logger: Logger(label: "test"))
            var rounds = 0
            while try await states(harness) == ["pending"], rounds < 100 {
                try await deliverer.deliverDue(at: harness.clock.now())
                let next = try await harness.rows("SELECT next_attempt_at FROM webhook_deliveries").first!.decode(Date.self, at: 0)
                harness.clock.set(max(next, harness.clock.now()))
                rounds += 1
            }
            #expect(try await states(harness) == ["failed"])
            let times = try await harness.rows("SELECT at FROM webhook_attempts ORDER BY attempt").map { try $0.decode(Date.self, at: 0) }
            #expect(times.count == rounds)
            #expect(times.last!.timeIntervalSince(created) <= 24 * 3_600)
            #expect(times.last!.timeIntervalSince(created) > 18 * 3_600)
        }
    }

    @Test("a disabled endpoint's deliveries wait, and go out once it is enabled again")
    func disabledEndpointWaits() async throws {
        try await WebHarness.with { harness in
            let id = try await harness.addEndpoint(url: "https://hooks.example.test/a")
            try await fireOneAlert(harness)
            let store = WebhookStore(pool: harness.pool, destinations: .testReceivers)
            let draft = WebhookDraft(name: "receiver", url: "https://hooks.example.test/a", rules: AlertRule.allCases, enabled: false)
            try await store.update(id: id, draft, by: .command, at: harness.clock.now())
            let transport = CountingTransport()
            let deliverer = WebhookDeliverer(pool: harness.pool, transport: transport, destinations: .testReceivers, logger: Logger(label: "test"))
            #expect(try await deliverer.deliverDue(at: harness.clock.now()).attempted == 0)
            try await harness.ingest(harness.summarizeEvents("acme", count: 20, prefix: "b"))   // 80 %: no new delivery
            var enabled = draft
            enabled.enabled = true
            try await store.update(id: id, enabled, by: .command, at: harness.clock.now())
            #expect(try await deliverer.deliverDue(at: harness.clock.now()).delivered == 1)
            #expect(transport.count.withLock { $0 } == 1)
        }
    }

    @Test("the Slack-compatible payload is one text field")
    func slackPayload() async throws {
        try await WebHarness.with { harness in
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                try await harness.addEndpoint(url: url, format: .slack)
                try await fireOneAlert(harness)
                let transport = HTTPWebhookTransport()
                try await WebhookDeliverer(pool: harness.pool, transport: transport, destinations: .testReceivers, logger: Logger(label: "test")).deliverDue(at: harness.clock.now())
                try await transport.shutdown()
            }
            let body = try #require(receiver.received.first).body
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: String])
            #expect(json == ["text": "[INFO] Credits used: Acme has used 50% of its credits this period."])
        }
    }
}
