import Foundation
import HTTPTypes
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import TallyAccess
import TallyTestSupport
import TallyWebTestSupport
import Testing

@Suite("Portal shows no cost")
struct SentinelTests {
    /// Renderings of the planted cost (987,654,321,987 nano-USD = $987.654321987) and model price
    /// ($123.456789 per 1M tokens) that must appear on no customer page.
    static let forbidden = [
        "987654321987", "987,654,321,987", "987.654321987", "987.65", "$987", "987.7", "$1k", "$1.0k",
        "123.456789", "123456789", "123,456,789", "123.46", "$123", "unpriced", "Unpriced", "price_id", "margin", "Margin",
    ]

    @Test("planted costs, prices and the unpriced flag appear on no portal page or CSV")
    func noCostAnywhere() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.catalog.addPrice(PriceDraft(
                model: "claude-x", input: try PricePerMillionTokens(parsing: "123.456789"),
                cachedInput: try PricePerMillionTokens(parsing: "123.456789"), output: try PricePerMillionTokens(parsing: "123.456789"),
                effectiveFrom: instant("2027-01-01T00:00:00Z")))
            try await harness.portalAccount(plan: "payg")
            try await DashboardTests.seedUsage(harness)
            _ = try await harness.rows("UPDATE usage_events SET cost = 987654321987, unpriced = true")
            _ = try await harness.rows("UPDATE daily_usage SET cost = 987654321987")
            _ = try await harness.rows("UPDATE period_usage SET cost = 987654321987")
            try await harness.withClient { client in
                let owner = try await harness.signIn(client, "owner@acme.test")
                let pages = [
                    "/", "/usage", "/usage?group=all", "/usage?group=model&range=90d", "/usage?range=last-period",
                    "/usage.csv?group=all&range=90d", "/usage/events/morning", "/usage/events/today",
                ]
                for page in pages {
                    let response = try await client.get(page, as: owner)
                    #expect(response.status == .ok, "\(page)")
                    for text in Self.forbidden {
                        #expect(!response.text.contains(text), "\(page) shows \(text)")
                    }
                }
                // The page did render the usage (the sentinels had something to hide in).
                #expect(try await client.get("/usage/events/morning", as: owner).text.contains("claude-x"))
            }
        }
    }
}
