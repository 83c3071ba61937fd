import Foundation
import HTTPTypes
import Hummingbird
import Postgres
import TallyDatabase
import HummingbirdTesting
import TallyAccess
import TallyTestSupport
import TallyWeb
import TallyWebTestSupport
import Testing

@Suite("Sessions")
struct SessionWebTests {
    @Test("the session cookie changes at login and the old value is rejected")
    func newCookieAtLogin() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("ann@example.com", password: "right password")
            try await harness.makeApp().test(.router) { client in
                let (first, _) = try await client.signIn(email: "ann@example.com", password: "right password")
                let oldValue = try #require(first.cookies[sessionCookie])
                var second = first
                second.csrf = first.csrf  // a signed-in browser posts the session's token
                let again = try await client.submitLogin(&second, email: "ann@example.com", password: "right password")
                #expect(again.status == .seeOther)
                let newValue = try #require(second.cookies[sessionCookie])
                #expect(newValue != oldValue)
                let old = try await client.execute(uri: "/", method: .get, headers: first.headers)
                #expect(old.status == .seeOther)
                #expect(old.headers[.location] == "/login")
                let current = try await client.execute(uri: "/", method: .get, headers: second.headers)
                #expect(current.status == .ok)
            }
        }
    }

    @Test("signed-in pages say who is signed in and are not cached")
    func homePage() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("owner@example.com", role: .owner, account: "acme", password: "right password")
            try await harness.makeApp().test(.router) { client in
                let (state, _) = try await client.signIn(email: "owner@example.com", password: "right password")
                let home = try await client.execute(uri: "/", method: .get, headers: state.headers)
                #expect(home.status == .ok)
                #expect(home.headers[.cacheControl] == "no-store")
                let html = String(buffer: home.body)
                #expect(html.contains("owner@example.com"))
                #expect(html.contains("Acme"), "the account's name")
                let anonymous = try await client.execute(uri: "/admin", method: .get)
                #expect(anonymous.status == .seeOther)
                #expect(anonymous.headers[.location] == "/login")
                let customerOnStaff = try await client.execute(uri: "/admin", method: .get, headers: state.headers)
                #expect(customerOnStaff.status == .forbidden)
            }
        }
    }

    @Test("logout deletes the session row and the old cookie stops working")
    func logout() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("bob@example.com", role: .admin, password: "right password")
            try await harness.makeApp().test(.router) { client in
                let (state, _) = try await client.signIn(email: "bob@example.com", password: "right password")
                let cookieValue = try #require(state.cookies[sessionCookie])
                let token = try #require(SessionToken(cookieValue: cookieValue))
                #expect(try await harness.access.sessions.exists(token))
                let response = try await client.post("/logout", state, csrf: state.csrf)
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/login")
                #expect(response.headers[values: .setCookie].contains { $0.hasPrefix(sessionCookie + "=;") || $0.contains("Max-Age=0") })
                #expect(try await harness.access.sessions.exists(token) == false)
                let after = try await client.execute(uri: "/admin", method: .get, headers: state.headers)
                #expect(after.status == .seeOther)
                #expect(after.headers[.location] == "/login")
            }
        }
    }

    @Test("29:59 idle keeps the session; 30:01 idle sends the user back to login")
    func idleTimeout() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("cy@example.com", password: "right password")
            try await harness.makeApp().test(.router) { client in
                let (state, _) = try await client.signIn(email: "cy@example.com", password: "right password")
                harness.clock.advance(seconds: 29 * 60 + 59)
                #expect(try await client.execute(uri: "/", method: .get, headers: state.headers).status == .ok)
                harness.clock.advance(seconds: 30 * 60 + 1)
                let expired = try await client.execute(uri: "/", method: .get, headers: state.headers)
                #expect(expired.status == .seeOther)
                #expect(expired.headers[.location] == "/login")
            }
        }
    }

    @Test("last seen moves at most once a minute: page views within a minute write nothing")
    func touchOncePerMinute() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("flo@example.com", password: "right password")
            try await harness.makeApp().test(.router) { client in
                let (state, _) = try await client.signIn(email: "flo@example.com", password: "right password")
                let signedInAt = harness.clock.now()
                func lastSeen() async throws -> Date {
                    try await harness.pool.withTransaction(scope: .service) { connection in
                        try await connection.query(
                            "SELECT s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = 'flo@example.com'"
                        ).first!.decode(Date.self, at: 0)
                    }
                }
                harness.clock.advance(seconds: 59)
                #expect(try await client.execute(uri: "/", method: .get, headers: state.headers).status == .ok)
                #expect(try await lastSeen() == signedInAt)
                harness.clock.advance(seconds: 1)
                #expect(try await client.execute(uri: "/", method: .get, headers: state.headers).status == .ok)
                #expect(try await lastSeen() == harness.clock.now())
            }
        }
    }

    @Test("a session ends 12 hours after login however active it is")
    func absoluteTimeout() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("dee@example.com", password: "right password")
            try await harness.makeApp().test(.router) { client in
                let (state, _) = try await client.signIn(email: "dee@example.com", password: "right password")
                for _ in 0..<24 {
                    harness.clock.advance(seconds: 29 * 60)
                    _ = try await client.execute(uri: "/", method: .get, headers: state.headers)
                }
                harness.clock.advance(seconds: 24 * 60 + 1)  // 24 × 29 min + 24 min 1 s = 12 h 0 min 1 s
                let expired = try await client.execute(uri: "/", method: .get, headers: state.headers)
                #expect(expired.status == .seeOther)
            }
        }
    }

    @Test("a disabled user's next request goes back to login; a password reset ends sessions too")
    func disableAndReset() async throws {
        try await WebHarness.with { harness in
            try await harness.createUser("eve@example.com", password: "right password")
            try await harness.createUser("fay@example.com", password: "right password")
            try await harness.makeApp().test(.router) { client in
                let (eve, _) = try await client.signIn(email: "eve@example.com", password: "right password")
                let (fay, _) = try await client.signIn(email: "fay@example.com", password: "right password")
                _ = try await harness.administration.disableUser(email: "EVE@example.com", now: harness.clock.now())
                let next = try await client.execute(uri: "/", method: .get, headers: eve.headers)
                #expect(next.status == .seeOther)
                #expect(next.headers[.location] == "/login")
                let (_, again) = try await client.signIn(email: "eve@example.com", password: "right password")
                #expect(again.status == .ok)  // disabled: the generic failure page

                _ = try await harness.administration.resetPassword(email: "fay@example.com", newPassword: "a new password", now: harness.clock.now())
                #expect(try await client.execute(uri: "/", method: .get, headers: fay.headers).status == .seeOther)
            }
        }
    }
}
