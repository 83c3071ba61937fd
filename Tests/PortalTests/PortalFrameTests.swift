import HummingbirdTesting
import TallyAccess
import TallyWebTestSupport
import Testing

@Suite("Portal frame")
struct PortalFrameTests {
    @Test("customer pages carry the portal navigation: Team for owners only, the current page marked")
    func navigation() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("owner@acme.test", role: .owner)
            try await harness.createUser("member@acme.test", role: .member)
            try await harness.withClient { client in
                let owner = try await harness.signIn(client, "owner@acme.test")
                let member = try await harness.signIn(client, "member@acme.test")
                let ownerHome = try await client.get("/", as: owner).text
                let memberHome = try await client.get("/", as: member).text
                for link in ["href=\"/usage\"", "href=\"/billing\"", "href=\"/settings\""] {
                    #expect(ownerHome.contains(link) && memberHome.contains(link), "\(link)")
                }
                #expect(ownerHome.contains("href=\"/team\""))
                #expect(!memberHome.contains("href=\"/team\""))
                #expect(ownerHome.contains(#"<a href="/" aria-current="page">Dashboard</a>"#))
                #expect(ownerHome.contains("owner@acme.test") && ownerHome.contains(#"action="/logout""#))
                #expect(!ownerHome.contains("/admin"))
            }
        }
    }
}
