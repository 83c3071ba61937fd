import Foundation
import Passwords
import TallyAccess
import TallyTestSupport
import TallyWeb
import TallyWebTestSupport
import Testing

@Suite("Stored passwords")
struct PasswordStorageTests {
    @Test("a stored hash is argon2id with the OWASP parameters (real defaults)")
    func storedHashFormat() async throws {
        try await WebHarness.with(hasher: PasswordHasher()) { harness in
            let user = try await harness.createUser("ada@example.com", role: .admin)
            let stored = try #require(try await harness.access.users.passwordHash(userID: user.id))
            #expect(stored.wholeMatch(of: /\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+\/]{22}\$[A-Za-z0-9+\/]{43}/) != nil)
        }
    }

    @Test("100 users get 100 distinct salts")
    func distinctSalts() async throws {
        try await WebHarness.with { harness in
            var salts = Set<String>()
            for index in 0..<100 {
                let user = try await harness.createUser("user\(index)@example.com", role: .sales)
                let stored = try #require(try await harness.access.users.passwordHash(userID: user.id))
                salts.insert(String(stored.split(separator: "$")[3]))
            }
            #expect(salts.count == 100)
        }
    }

    @Test("a hash with weaker parameters is upgraded at the next login, and the session survives it")
    func rehashOnLogin() async throws {
        let weak = PasswordHasher(parameters: Argon2Parameters(memoryKiB: 32, iterations: 1, parallelism: 1))
        try await WebHarness.with(hasher: PasswordHasher(parameters: lightPasswordParameters)) { harness in
            let admin = UserAdministration(users: harness.access.users, accounts: harness.access.accounts, hasher: weak)
            let user = try await admin.createUser(
                email: "old@example.com", password: "an old password", role: .admin, accountExternalID: nil,
                now: harness.clock.now())
            #expect(try await harness.access.users.passwordHash(userID: user.id)?.contains("m=32,t=1,p=1") == true)

            let outcome = try await harness.access.login.login(
                email: "old@example.com", password: "an old password", clientAddress: "192.0.2.1", now: harness.clock.now())
            guard case .success = outcome else { Issue.record("expected success, got \(outcome)"); return }
            let upgraded = try #require(try await harness.access.users.passwordHash(userID: user.id))
            #expect(upgraded.hasPrefix("$argon2id$v=19$m=64,t=1,p=1$"))
            #expect(try await harness.access.sessions.count(userID: user.id) == 1)
        }
    }
}

@Suite("Password rules")
struct PasswordRuleTests {
    @Test("7 characters are refused, 8 accepted")
    func lengthBounds() async throws {
        try await WebHarness.with { harness in
            await #expect(throws: AccessError.weakPassword(.tooShort(minimum: 8))) {
                try await harness.createUser("seven@example.com", role: .admin, password: "abcdefg")
            }
            try await harness.createUser("eight@example.com", role: .admin, password: "abcdefgh")
        }
    }

    @Test("128 characters are accepted and the 127-character prefix does not log in")
    func longestPassword() async throws {
        try await WebHarness.with { harness in
            let password = String((0..<128).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
            try await harness.createUser("long@example.com", role: .admin, password: password)
            let login = harness.access.login
            let prefix = try await login.login(
                email: "long@example.com", password: String(password.dropLast()), clientAddress: "192.0.2.1",
                now: harness.clock.now())
            guard case .invalidCredentials = prefix else { Issue.record("prefix logged in: \(prefix)"); return }
            let full = try await login.login(
                email: "long@example.com", password: password, clientAddress: "192.0.2.1", now: harness.clock.now())
            guard case .success = full else { Issue.record("full password refused: \(full)"); return }
            await #expect(throws: AccessError.weakPassword(.tooLong(maximum: 128))) {
                try await harness.createUser("longer@example.com", role: .admin, password: password + "x")
            }
        }
    }

    @Test("a listed common password is refused, whatever its case")
    func commonPassword() async throws {
        try await WebHarness.with { harness in
            await #expect(throws: AccessError.weakPassword(.common)) {
                try await harness.createUser("common@example.com", role: .admin, password: "Baseball")
            }
        }
    }

    @Test("a Unicode password is verified exactly: another normal form does not match")
    func unicodePassword() async throws {
        try await WebHarness.with { harness in
            let composed = "p\u{E4}ssw\u{F6}rd-\u{1F511}-\u{65E5}\u{672C}"
            let decomposed = "pa\u{308}ssw\u{6F}\u{308}rd-\u{1F511}-\u{65E5}\u{672C}"
            try await harness.createUser("uni@example.com", role: .admin, password: composed)
            let login = harness.access.login
            let other = try await login.login(
                email: "uni@example.com", password: decomposed, clientAddress: "192.0.2.1", now: harness.clock.now())
            guard case .invalidCredentials = other else { Issue.record("other normal form logged in"); return }
            let exact = try await login.login(
                email: "UNI@example.com", password: composed, clientAddress: "192.0.2.1", now: harness.clock.now())
            guard case .success = exact else { Issue.record("exact password refused: \(exact)"); return }
        }
    }
}
