import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Metering
import MeteringStore
import Postgres
import TallyAccess
import TallyDatabase
import TallyWebTestSupport
import Testing

@Suite("Team page: members, roles, removal")
struct TeamTests {
    @Test("owners only: anonymous → sign in, members and staff → 403, owners see the team")
    func accessRules() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("owner@acme.test", role: .owner)
            try await harness.createUser("member@acme.test", role: .member)
            try await harness.createUser("admin@op.test", role: .admin, account: nil)
            try await harness.withClient { client in
                #expect(try await client.get("/team", as: BrowserState()).headers[.location] == "/login")
                let member = try await harness.signIn(client, "member@acme.test")
                #expect(try await client.get("/team", as: member).status == .forbidden)
                #expect(try await client.submit("/team/invitations", as: member, [("email", "x@acme.test")]).status == .forbidden)
                #expect(try await client.submit("/team/api-keys", as: member, [("name", "x")]).status == .forbidden)
                let admin = try await harness.signIn(client, "admin@op.test")
                #expect(try await client.get("/team", as: admin).status == .forbidden)
                let owner = try await harness.signIn(client, "owner@acme.test")
                let page = try await client.get("/team", as: owner)
                #expect(page.status == .ok)
                #expect(page.text.contains("owner@acme.test") && page.text.contains("member@acme.test"))
                #expect(tableRow(page.text, containing: "member@acme.test").contains("/remove"))
                #expect(!tableRow(page.text, containing: "owner@acme.test").contains("/remove"))
                // Last seen: the member signed in above.
                #expect(!tableRow(page.text, containing: "member@acme.test").contains("<td>Never</td>"))
            }
        }
    }

    @Test("removing a member asks first, ends their sessions and keeps them out; the list drops them")
    func removeMember() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("owner@acme.test", role: .owner)
            let member = try await harness.createUser("member@acme.test", role: .member)
            try await harness.withClient { client in
                let memberBrowser = try await harness.signIn(client, "member@acme.test")
                let owner = try await harness.signIn(client, "owner@acme.test")
                let confirm = try await client.get("/team/members/\(member.id)/remove", as: owner)
                #expect(confirm.status == .ok && confirm.text.contains("Remove member@acme.test?"))
                #expect(confirm.text.contains(#"action="/team/members/remove""#))
                #expect(try await client.get("/", as: memberBrowser).status == .ok)
                let removed = try await client.submit("/team/members/remove", as: owner, [("id", String(member.id))])
                #expect(removed.status == .seeOther && removed.headers[.location] == "/team?done=removed")
                #expect(try await client.get("/", as: memberBrowser).headers[.location] == "/login")
                #expect(try await harness.number("SELECT count(*) FROM sessions WHERE user_id = \(member.id)") == 0)
                let page = try await client.get("/team?done=removed", as: owner).text
                #expect(!page.contains("member@acme.test") && page.contains("The member was removed"))
                let (_, again) = try await client.signIn(email: "member@acme.test", password: WebHarness.password)
                #expect(again.status == .ok, "a removed member cannot sign in")
                #expect(try await harness.number("SELECT count(*) FROM audit_log WHERE action = 'user.remove'") == 1)
            }
        }
    }

    @Test("an owner cannot remove themselves, nor demote the last owner; another owner can be demoted")
    func lastOwnerRules() async throws {
        try await WebHarness.with { harness in
            let alice = try await harness.createUser("alice@acme.test", role: .owner)
            let bob = try await harness.createUser("bob@acme.test", role: .owner)
            try await harness.withClient { client in
                let browser = try await harness.signIn(client, "alice@acme.test")
                let selfRemove = try await client.submit("/team/members/remove", as: browser, [("id", String(alice.id))])
                #expect(selfRemove.status == .unprocessableContent && selfRemove.text.contains("You cannot remove yourself."))
                let demoteBob = try await client.submit("/team/members/role", as: browser, [("user", String(bob.id)), ("role", "member")])
                #expect(demoteBob.status == .seeOther)
                #expect(try await harness.number("SELECT count(*) FROM users WHERE role = 'owner'") == 1)
                let demoteSelf = try await client.submit("/team/members/role", as: browser, [("user", String(alice.id)), ("role", "member")])
                #expect(demoteSelf.status == .unprocessableContent && demoteSelf.text.contains("at least one owner"))
                let promote = try await client.submit("/team/members/role", as: browser, [("user", String(bob.id)), ("role", "owner")])
                #expect(promote.status == .seeOther)
                let nonsense = try await client.submit("/team/members/role", as: browser, [("user", String(bob.id)), ("role", "admin")])
                #expect(nonsense.status == .unprocessableContent && nonsense.text.contains("Choose owner or member."))
                // Alice steps down now that Bob owns the account too: she lands on the dashboard.
                let stepDown = try await client.submit("/team/members/role", as: browser, [("user", String(alice.id)), ("role", "member")])
                #expect(stepDown.status == .seeOther && stepDown.headers[.location] == "/")
                #expect(try await client.get("/team", as: browser).status == .forbidden)
                #expect(try await harness.number("SELECT count(*) FROM audit_log WHERE action = 'user.role_change'") == 3)
            }
        }
    }

    @Test("another account's member id answers 404, like a missing one, and changes nothing")
    func foreignMembers() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("owner@acme.test", role: .owner)
            let other = try await harness.createUser("member@globex.test", role: .member, account: "globex")
            try await harness.withClient { client in
                let owner = try await harness.signIn(client, "owner@acme.test")
                let remove = try await client.submit("/team/members/remove", as: owner, [("id", String(other.id))])
                let missing = try await client.submit("/team/members/remove", as: owner, [("id", "999999")])
                #expect(remove.status == .notFound && missing.status == .notFound)
                #expect(withoutRequestID(remove) == withoutRequestID(missing))
                let role = try await client.submit("/team/members/role", as: owner, [("user", String(other.id)), ("role", "owner")])
                #expect(role.status == .notFound)
                #expect(try await client.get("/team/members/\(other.id)/remove", as: owner).status == .notFound)
                #expect(try await harness.number("SELECT count(*) FROM users WHERE id = \(other.id) AND disabled_at IS NULL AND role = 'member'") == 1)
                #expect(try await client.submit("/team/members/remove", as: owner, [("id", "x")]).status == .badRequest)
            }
        }
    }
}
