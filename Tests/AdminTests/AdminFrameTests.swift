import HummingbirdTesting
import TallyAccess
import TallyWebTestSupport
import Testing

@Suite("Admin frame")
struct AdminFrameTests {
    @Test("staff pages carry the admin navigation: Staff for admins only, the current page marked")
    func navigation() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("admin@ops.test", role: .admin)
            try await harness.createUser("sales@ops.test", role: .sales)
            try await harness.withClient { client in
                let admin = try await harness.signIn(client, "admin@ops.test")
                let sales = try await harness.signIn(client, "sales@ops.test")
                let adminHome = try await client.get("/admin", as: admin).text
                let salesHome = try await client.get("/admin", as: sales).text
                for link in ["/admin/accounts", "/admin/plans", "/admin/prices", "/admin/margins", "/admin/audit"] {
                    #expect(adminHome.contains("href=\"\(link)\"") && salesHome.contains("href=\"\(link)\""), "\(link)")
                }
                #expect(adminHome.contains("href=\"/admin/staff\""))
                #expect(!salesHome.contains("href=\"/admin/staff\""))
                #expect(adminHome.contains(#"<a href="/admin" aria-current="page">Overview</a>"#))
            }
        }
    }
}
