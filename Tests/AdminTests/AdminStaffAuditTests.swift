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

@Suite("Admin staff and audit log")
struct AdminStaffAuditTests {
    @Test("staff: admins only (sales 403 on GET); create shows the password once; disable needs confirmation and ends sessions")
    func staff() async throws {
        try await WebHarness.with { harness in
            try await harness.withClient { client in
                let browsers = try await harness.staffBrowsers(client)
                #expect(try await client.get("/admin/staff", as: browsers.sales).status == .forbidden)
                let list = try await client.get("/admin/staff", as: browsers.admin)
                #expect(list.status == .ok && list.text.contains("sales@ops.test") && list.text.contains("admin@ops.test <span class=\"muted\">(you)</span>"))
                #expect(list.text.contains("<td>2027-02-20 12:00 UTC</td>"))
                let bad = try await client.submit("/admin/staff", as: browsers.admin, [("email", "nobody"), ("role", "owner")])
                #expect(bad.status == .unprocessableContent && bad.text.contains("Choose admin or sales."))
                let fields = [("email", "ann@ops.test"), ("role", "sales")]
                try await expectGuarded(client, "/admin/staff", fields, browsers: browsers, harness: harness, action: "user.create")
                let created = try await client.submit("/admin/staff", as: browsers.admin, fields)
                #expect(created.status == .ok && created.text.contains("User created: ann@ops.test (sales)"))
                let invalidEmail = try await client.submit("/admin/staff", as: browsers.admin, [("email", "no-at-sign"), ("role", "sales")])
                #expect(invalidEmail.status == .unprocessableContent && invalidEmail.text.contains("Enter an email address"))

                let salesID = try await harness.rows("SELECT id FROM users WHERE email = 'sales@ops.test'").first!.decode(Int64.self, at: 0)
                let unconfirmed = try await client.submit("/admin/staff/\(salesID)/disable", as: browsers.admin, [])
                #expect(unconfirmed.status == .unprocessableContent && unconfirmed.text.contains("Tick the box to confirm"))
                try await expectGuarded(client, "/admin/staff/\(salesID)/disable", [("confirm", "yes")], browsers: browsers, harness: harness, action: "user.disable")
                #expect(try await client.submit("/admin/staff/\(salesID)/disable", as: browsers.admin, [("confirm", "yes")]).status == .seeOther)
                // The sales session ended: the next request is anonymous.
                let after = try await client.get("/admin/accounts", as: browsers.sales)
                #expect(after.status == .seeOther && after.headers[.location] == "/login")
                let audit = try #require(try await harness.lastAudit("user.disable"))
                #expect(audit.before?.contains("active") == true && audit.after?.contains("disabled") == true)
                let adminID = try await harness.rows("SELECT id FROM users WHERE email = 'admin@ops.test'").first!.decode(Int64.self, at: 0)
                let own = try await client.submit("/admin/staff/\(adminID)/disable", as: browsers.admin, [("confirm", "yes")])
                #expect(own.status == .unprocessableContent && own.text.contains("You cannot disable your own user."))
            }
        }
    }

    @Test("audit log: newest first, before → after per changed field, filters in the URL, pagination")
    func auditLog() async throws {
        try await WebHarness.with { harness in
            try await harness.seedBasicCatalog()
            let id = try await harness.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            try await harness.withClient { client in
                let browsers = try await harness.staffBrowsers(client)
                for number in 1...52 {
                    harness.clock.advance(seconds: 10)
                    let status = number % 2 == 1 ? [("status", "paused"), ("confirm", "yes")] : [("status", "active")]
                    #expect(try await client.submit("/admin/accounts/\(id)/status", as: browsers.admin, status).status == .seeOther)
                }
                let first = try await client.get("/admin/audit", as: browsers.sales)
                #expect(first.status == .ok)
                let page = first.text
                #expect(page.contains("52 changes · page 1 of 2"))
                #expect(page.contains("<span class=\"field-name\">status</span>: <del>paused</del> → <ins>active</ins>"))
                let newest = try #require(page.range(of: "<code>account.unpause</code>"))
                let older = try #require(page.range(of: "<code>account.pause</code>"))
                #expect(newest.lowerBound < older.lowerBound)
                let requestID = try await harness.rows("SELECT request_id FROM audit_log ORDER BY id DESC LIMIT 1").first!.decode(String?.self, at: 0)
                #expect(requestID.map { page.contains($0) } == true)
                let filtered = try await client.get("/admin/audit?action=account.pause&account=\(id)", as: browsers.sales).text
                #expect(filtered.contains("26 changes · page 1 of 1") && !filtered.contains("account.unpause</code>"))
                let byActor = try await client.get("/admin/audit?actor=someone@else.test", as: browsers.sales).text
                #expect(byActor.contains("No changes match these filters"))
                let range = try await client.get("/admin/audit?from=2027-02-21&to=2027-02-22", as: browsers.sales).text
                #expect(range.contains("0 changes"))
                let badDate = try await client.get("/admin/audit?from=yesterday", as: browsers.sales)
                #expect(badDate.status == .unprocessableContent && badDate.text.contains("Enter a date as YYYY-MM-DD."))
                let second = try await client.get("/admin/audit?page=2", as: browsers.sales).text
                #expect(second.contains("page 2 of 2") && second.contains(#"href="/admin/audit" rel="prev""#))
            }
        }
    }
}
