import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import TallyWebTestSupport
import Testing

/// The customer's threshold-alert banner, on every page of the portal.
@Suite("Threshold banners")
struct ThresholdBannerTests {
    static let pages = ["/", "/usage", "/billing", "/team", "/settings"]

    @Test("after ingest crosses 90 %, every customer page shows the alert's banner once; another account's pages show none")
    func bannerOnEveryPage() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            try await harness.portalAccount()
            try await harness.portalAccount(account: "other")
            let acme = (1...90).map { meteredEvent("a\($0)", at: "2027-02-19T12:00:00Z", feature: "summarize") }
            let other = (1...10).map { meteredEvent("o\($0)", at: "2027-02-19T12:00:00Z", feature: "summarize", account: "other") }
            try await harness.ingest(acme + other, receivedAt: "2027-02-19T12:00:01Z")
            // The ingest's threshold observer fired acme's alerts, and only acme's.
            let fired = try await harness.rows(
                "SELECT ac.external_id, al.threshold FROM alerts al JOIN accounts ac ON ac.id = al.account_id ORDER BY 2"
            ).map { try $0.decode((String, Int).self) }
            #expect(fired.map(\.0) == ["acme", "acme", "acme"] && fired.map(\.1) == [50, 75, 90])
            try await harness.withClient { client in
                let owner = try await harness.signIn(client, "owner@acme.test")
                for path in Self.pages {
                    let html = try await client.get(path, as: owner).text
                    #expect(html.components(separatedBy: "Your account has used 90% of its credits for this period.").count == 2, "\(path)")
                    #expect(html.components(separatedBy: "class=\"banner ").count == 2, "\(path): one banner, not two for one crossing")
                    #expect(html.contains("banner banner-warning"), "\(path)")
                }
                let otherOwner = try await harness.signIn(client, "owner@other.test")
                for path in Self.pages {
                    let html = try await client.get(path, as: otherOwner).text
                    #expect(!html.contains("of its credits for this period") && !html.contains("class=\"banner "), "other \(path)")
                }
            }
        }
    }
}
