import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import TallyAccess
import TallyDatabase
import TallyTestSupport
import TallyWebTestSupport
import Testing

@Suite("Billing, Team and Settings never show cost, margin, provider prices or another account")
struct AccountPagesSentinelTests {
    @Test("sentinel values planted in cost columns and model prices appear on no account page")
    func sentinels() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.addPrice(PriceDraft(
                model: "sentinel-model", input: try PricePerMillionTokens(parsing: "4242.4242"),
                cachedInput: try PricePerMillionTokens(parsing: "4242.4242"),
                output: try PricePerMillionTokens(parsing: "4242.4242"), effectiveFrom: instant("2027-01-01T00:00:00Z")))
            try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "payg")
            try await harness.catalog.createAccount(externalID: "globex", name: "Globex Sentinel Corp", planCode: "pro")
            try await harness.createUser("owner@acme.test", role: .owner)
            try await harness.createUser("member@acme.test", role: .member)
            try await harness.createUser("spy@globex.test", role: .owner, account: "globex")
            try await harness.ingest([
                usageEvent("a1", feature: "chat", extra: #""model": "sentinel-model", "input_tokens": 1000, "output_tokens": 1000"#),
                usageEvent("g1", account: "globex"),
            ])
            let sentinel: Int64 = 987_654_321_987_654
            for table in ["usage_events", "daily_usage", "period_usage"] {
                _ = try await harness.rows("UPDATE \(identifier: table) SET cost = \(sentinel) RETURNING 1")
            }
            let accountID = try await harness.accountID("acme")
            let userID = try await harness.number("SELECT id FROM users WHERE email = 'owner@acme.test'")
            let requestID = try await TopUpRequests(pool: harness.pool).request(
                accountID: accountID, credits: Credits(credits: 10), note: "",
                by: .user(id: userID, email: "owner@acme.test", requestID: nil), now: harness.clock.now())
            _ = try await TopUpRequests(pool: harness.pool).approve(
                id: requestID, price: Money(dollars: 5), expiresAt: nil, by: .system, now: harness.clock.now())
            let forbidden = ["987654321987654", "987,654", "$987", "4242", "4,242", "Globex", "spy@globex.test", "sentinel-model"]
            try await harness.withClient { client in
                for email in ["owner@acme.test", "member@acme.test"] {
                    let browser = try await harness.signIn(client, email)
                    for path in ["/billing", "/team", "/settings"] {
                        let response = try await client.get(path, as: browser)
                        if email.hasPrefix("member"), path == "/team" { continue }
                        #expect(response.status == .ok, "\(path) as \(email)")
                        for value in forbidden {
                            #expect(!response.text.contains(value), "\(path) as \(email) shows \(value)")
                        }
                    }
                }
            }
        }
    }
}
