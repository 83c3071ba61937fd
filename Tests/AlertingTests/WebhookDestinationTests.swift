// Webhooks cannot be aimed inside the network (issue "No request can hurt anyone else", item 9).
import Alerting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import MeteringStore
import Postgres
import TallyDatabase
import TallyAccess
import TallyTestSupport
import TallyWebTestSupport
import Testing

@Suite("Webhook destinations: https to public addresses only, checked when saved and when sent")
struct WebhookDestinationTests {
    @Test("address ranges", arguments: [
        ("8.8.8.8", IPAddress.Range.public), ("93.184.216.34", .public), ("2606:4700::1111", .public),
        ("127.0.0.1", .loopback), ("127.255.0.9", .loopback), ("::1", .loopback),
        ("10.1.2.3", .privateNetwork), ("172.16.0.1", .privateNetwork), ("172.31.255.255", .privateNetwork),
        ("192.168.0.10", .privateNetwork), ("100.64.0.1", .privateNetwork), ("fd12:3456::1", .privateNetwork),
        ("169.254.169.254", .linkLocal), ("fe80::1", .linkLocal), ("224.0.0.251", .multicast), ("ff02::1", .multicast),
        ("0.0.0.0", .unspecified), ("::", .unspecified), ("255.255.255.255", .reserved), ("192.0.2.7", .reserved),
        ("::ffff:127.0.0.1", .loopback), ("::ffff:169.254.169.254", .linkLocal), ("64:ff9b::a00:1", .privateNetwork),
        ("172.32.0.1", .public), ("100.128.0.1", .public),
    ])
    func ranges(text: String, range: IPAddress.Range) throws {
        #expect(try #require(IPAddress(text)).range == range, "\(text)")
    }

    @Test("the admin form refuses plain http, loopback, private, link-local and metadata addresses, and names resolving to them")
    func refusedWhenSaved() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("admin@ops.test", role: .admin, account: nil)
            try await harness.withClient { client in
                let admin = try await harness.signIn(client, "admin@ops.test")
                let refused = [
                    ("http://127.0.0.1:9/hook", "Use https://"), ("http://hooks.example.test/hook", "Use https://"),
                    ("https://127.0.0.1/hook", "loopback"), ("https://169.254.169.254/latest/meta-data", "link-local"),
                    ("https://10.0.0.5/hook", "private"), ("https://192.168.1.20:8443/hook", "private"),
                    ("https://[::1]/hook", "loopback"), ("https://[fe80::1]/hook", "link-local"),
                    ("https://[::ffff:127.0.0.1]/hook", "loopback"), ("https://0.0.0.0/hook", "unspecified"),
                    ("https://224.0.0.1/hook", "multicast"), ("https://localhost/hook", "loopback"),
                    ("https://user:pw@hooks.example.test/hook", "credentials"),
                ]
                for (url, reason) in refused {
                    let response = try await client.submit(
                        "/admin/webhooks", as: admin, [("name", "Ops"), ("url", url), ("rules[]", "credits_used"), ("format", "json")])
                    #expect(response.status == .unprocessableContent, "\(url)")
                    #expect(response.text.contains(reason), "\(url): \(reason)")
                }
                #expect(try await harness.rows("SELECT count(*) FROM webhook_endpoints").first!.decode(Int.self, at: 0) == 0)
                let saved = try await client.submit(
                    "/admin/webhooks", as: admin,
                    [("name", "Ops"), ("url", "https://hooks.example.test/tally"), ("rules[]", "credits_used"), ("format", "json")])
                #expect(saved.status == .ok || saved.status == .seeOther)
                #expect(try await harness.rows("SELECT count(*) FROM webhook_endpoints").first!.decode(Int.self, at: 0) == 1)
            }
        }
    }

    @Test("TALLY_WEBHOOK_ALLOW_PRIVATE lets loopback and private ranges through, never link-local or metadata")
    func privateNetworksWhenAllowed() async throws {
        let allowing = WebhookDestinations(allowPrivateNetworks: true, resolver: TestResolver())
        #expect(await allowing.checkForSaving("https://10.0.0.5/hook") == nil)
        #expect(await allowing.checkForSaving("https://localhost/hook") == nil)
        #expect(await allowing.checkForSaving("https://169.254.169.254/latest/meta-data")?.description.contains("link-local") == true)
        #expect(await allowing.checkForSaving("https://[ff02::1]/hook")?.description.contains("multicast") == true)
        #expect(await allowing.checkForSaving("http://10.0.0.5/hook")?.description.contains("https") == true)
        let strict = WebhookDestinations(resolver: TestResolver())
        #expect(await strict.checkForSaving("https://10.0.0.5/hook")?.description.contains("private") == true)
        #expect(await strict.checkForSaving("https://hooks.example.test/hook") == nil)
        // A name with one public and one private address could be steered to the private one.
        let mixed = WebhookDestinations(resolver: TestResolver(answers: ["split.example.test": ["93.184.216.34", "10.0.0.7"]]))
        #expect(await mixed.checkForSaving("https://split.example.test/hook")?.description.contains("10.0.0.7") == true)
    }

    @Test("a name that turned into 127.0.0.1 after it was saved is refused when sent; nothing reaches the address")
    func refusedWhenSent() async throws {
        try await WebHarness.with { harness in
            let receiver = WebhookReceiver()
            try await receiver.serve { url in
                let port = try #require(URL(string: url)?.port)
                let rebound = "http://rebind.example.test:\(port)/hook"
                // Saved while the name answered a public address (plain http allowed for the test).
                let saving = WebhookDestinations(allowPlainHTTP: true, resolver: TestResolver(answers: ["rebind.example.test": ["93.184.216.34"]]))
                _ = try await WebhookStore(pool: harness.pool, destinations: saving).create(
                    WebhookDraft(name: "rebind", url: rebound, rules: AlertRule.allCases), by: .command, at: harness.clock.now())
                try await harness.seedBasicCatalog()
                try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
                try await harness.ingest(harness.summarizeEvents("acme", count: 60, prefix: "a"))
                // By the delivery the name answers the receiver's own address, 127.0.0.1.
                let sending = WebhookDestinations(allowPlainHTTP: true, resolver: TestResolver(answers: ["rebind.example.test": ["127.0.0.1"]]))
                let transport = HTTPWebhookTransport()
                let round = try await WebhookDeliverer(pool: harness.pool, transport: transport, destinations: sending, logger: Logger(label: "test"))
                    .deliverDue(at: harness.clock.now())
                #expect(round.retrying == 1)
            }
            #expect(receiver.received.isEmpty)
            let error = try await harness.rows("SELECT error FROM webhook_attempts").first!.decode(String?.self, at: 0) ?? ""
            #expect(error.hasPrefix("refused: rebind.example.test (127.0.0.1) is a loopback address"))
        }
    }

    @Test("a redirect is never followed, wherever it points: the attempt fails with its status")
    func redirectsAreNotFollowed() async throws {
        try await WebHarness.with { harness in
            let inside = WebhookReceiver()
            try await inside.serve { insideURL in
                let redirecting = WebhookReceiver(answers: [302], location: insideURL)
                try await redirecting.serve { url in
                    try await harness.addEndpoint(url: url)
                    try await harness.seedBasicCatalog()
                    try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
                    try await harness.ingest(harness.summarizeEvents("acme", count: 60, prefix: "a"))
                    let transport = HTTPWebhookTransport()
                    let round = try await WebhookDeliverer(
                        pool: harness.pool, transport: transport, destinations: .testReceivers, logger: Logger(label: "test")
                    ).deliverDue(at: harness.clock.now())
                    #expect(round.retrying == 1)
                }
                #expect(redirecting.received.count == 1)
            }
            #expect(inside.received.isEmpty)
            #expect(try await harness.rows("SELECT status_code FROM webhook_attempts").first!.decode(Int?.self, at: 0) == 302)
        }
    }
}
