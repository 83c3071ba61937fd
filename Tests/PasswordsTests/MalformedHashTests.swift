import Passwords
import Testing

@Suite("Malformed stored hashes")
struct MalformedHashTests {
    static let salt = "c29tZXNhbHRzb21lc2FsdA"
    static let hash = "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE"

    static let malformed: [String] = [
        "", "$", "$$$$$", "not a hash", "argon2id$v=19$m=19456,t=2,p=1$\(salt)$\(hash)",
        "$argon2id$v=19$m=19456,t=2,p=1$\(salt)",
        "$argon2id$v=19$m=19456,t=2,p=1$\(salt)$\(hash)$extra",
        "$argon2id$v=19$m=19456,t=2$\(salt)$\(hash)",
        "$argon2id$v=19$t=2,m=19456,p=1$\(salt)$\(hash)",
        "$argon2id$v=19$m=19456,t=2,p=1,keyid=abc$\(salt)$\(hash)",
        "$argon2id$v=19$m=-1,t=2,p=1$\(salt)$\(hash)",
        "$argon2id$v=19$m=019456,t=2,p=1$\(salt)$\(hash)",
        "$argon2id$v=19$m=99999999999,t=2,p=1$\(salt)$\(hash)",
        "$argon2id$v=19$m=19456,t=2,p=1$$\(hash)",
        "$argon2id$v=19$m=19456,t=2,p=1$\(salt)$",
        "$argon2id$v=19$m=19456,t=2,p=1$\(salt)$!!!not-base64!!!",
        "$argon2id$v=19$m=19456,t=2,p=1$\(salt)==$\(hash)",
        "$argon2id$v=19$m=19456,t=2,p=1$\(salt)$\(hash)" + String(repeating: "A", count: 1000),
    ]

    static let unsupported: [String] = [
        "$argon2i$v=19$m=19456,t=2,p=1$\(salt)$\(hash)",
        "$argon2d$v=19$m=19456,t=2,p=1$\(salt)$\(hash)",
        "$argon2id$v=16$m=19456,t=2,p=1$\(salt)$\(hash)",
        "$argon2id$m=19456,t=2,p=1$\(salt)$\(hash)",
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        // Parameters a stored string must not be allowed to demand (memory, time, lanes, sizes).
        "$argon2id$v=19$m=4194304,t=2,p=1$\(salt)$\(hash)",
        "$argon2id$v=19$m=19456,t=1000,p=1$\(salt)$\(hash)",
        "$argon2id$v=19$m=19456,t=0,p=1$\(salt)$\(hash)",
        "$argon2id$v=19$m=19456,t=2,p=0$\(salt)$\(hash)",
        "$argon2id$v=19$m=8,t=2,p=4$\(salt)$\(hash)",
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$\(hash)",
        "$argon2id$v=19$m=19456,t=2,p=1$\(salt)$YWFh",
    ]

    @Test(arguments: malformed + unsupported)
    func verifyThrowsAClearErrorAndNeedsRehash(phc: String) async {
        let hasher = PasswordHasher(parameters: lightParameters)
        await #expect(throws: PasswordHashError.self) {
            _ = try await hasher.verify("password", against: phc)
        }
        #expect(hasher.needsRehash(phc))
    }

    @Test func errorsNameTheProblemButNotTheInput() async {
        let hasher = PasswordHasher(parameters: lightParameters)
        await #expect(throws: PasswordHashError.malformedHash) {
            _ = try await hasher.verify("secret-password", against: "garbage")
        }
        await #expect(throws: PasswordHashError.unsupportedAlgorithm("2b")) {
            _ = try await hasher.verify("secret-password", against: Self.unsupported[4])
        }
        let error = PasswordHashError.malformedHash
        #expect(!error.description.contains("secret"))
    }
}
