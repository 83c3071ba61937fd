import Foundation
import Passwords
import Testing

/// Cheap parameters for tests that hash many times; the format and rehash tests use the defaults.
let lightParameters = Argon2Parameters(memoryKiB: 1024, iterations: 1, parallelism: 1)

@Suite("PasswordHasher")
struct PasswordHasherTests {
    let hasher = PasswordHasher()

    @Test func defaultHashIsArgon2idPHCWithOWASPParameters() async throws {
        let phc = try await hasher.hash("correct horse battery staple")
        let pattern = try Regex(#"^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$"#)
        #expect(phc.wholeMatch(of: pattern) != nil)
        #expect(hasher.parameters == .owasp)
    }

    @Test func hundredConcurrentHashesHaveDistinctSaltsWithinTheCap() async throws {
        let limiter = HashingLimiter(maxConcurrent: 2)
        let light = PasswordHasher(parameters: lightParameters, limiter: limiter)
        let hashes = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<100 {
                group.addTask { try await light.hash("the same password") }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        let salts = hashes.map { $0.split(separator: "$")[3] }
        #expect(hashes.count == 100)
        #expect(Set(salts).count == 100)
        #expect(limiter.peakInFlight >= 1)
        #expect(limiter.peakInFlight <= 2)
        #expect(limiter.inFlight == 0)
    }

    @Test func concurrencyCapOfOneRunsHashesOneAtATime() async throws {
        let limiter = HashingLimiter(maxConcurrent: 1)
        let light = PasswordHasher(parameters: lightParameters, limiter: limiter)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<20 {
                group.addTask {
                    let phc = try await light.hash("password number \(index)")
                    return try await light.verify("password number \(index)", against: phc)
                }
            }
            for try await verified in group { #expect(verified) }
        }
        #expect(limiter.peakInFlight == 1)
    }

    @Test func sharedLimiterCapsAtTheCoreCount() {
        #expect(HashingLimiter.shared.maxConcurrent == ProcessInfo.processInfo.activeProcessorCount)
    }

    @Test func verifiesTheRightPasswordAndRefusesAWrongOne() async throws {
        let phc = try await hasher.hash("correct horse battery staple")
        #expect(try await hasher.verify("correct horse battery staple", against: phc))
        #expect(try await !hasher.verify("correct horse battery stapler", against: phc))
        #expect(try await !hasher.verify("Correct horse battery staple", against: phc))
        #expect(try await !hasher.verify("", against: phc))
    }

    @Test func weakerStoredParametersNeedRehash() async throws {
        let weak = PasswordHasher(parameters: Argon2Parameters(memoryKiB: 4096, iterations: 1, parallelism: 1))
        let weakPHC = try await weak.hash("some password")
        #expect(weakPHC.hasPrefix("$argon2id$v=19$m=4096,t=1,p=1$"))
        #expect(hasher.needsRehash(weakPHC))
        // Still verifies with the stronger hasher: the stored parameters are used.
        #expect(try await hasher.verify("some password", against: weakPHC))

        let defaultPHC = try await hasher.hash("some password")
        #expect(!hasher.needsRehash(defaultPHC))
    }

    @Test func strongerStoredParametersDoNotNeedRehash() {
        let stronger = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$"
            + "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE"
        #expect(!hasher.needsRehash(stronger))
        let fewerIterations = "$argon2id$v=19$m=65536,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$"
            + "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE"
        #expect(hasher.needsRehash(fewerIterations))
    }

    @Test func otherAlgorithmsNeedRehash() {
        #expect(hasher.needsRehash("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"))
        #expect(hasher.needsRehash("$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$YWFhYWFhYWFhYWFhYWFhYQ"))
        #expect(hasher.needsRehash(""))
    }

    @Test func maximumLengthPasswordVerifiesAndItsPrefixDoesNot() async throws {
        let light = PasswordHasher(parameters: lightParameters)
        let password = String(repeating: "Zq8#", count: 32)
        #expect(password.count == 128)
        let phc = try await light.hash(password)
        #expect(try await light.verify(password, against: phc))
        #expect(try await !light.verify(String(password.dropLast()), against: phc))
    }

    @Test func unicodePasswordVerifiesExactlyAndItsNFDFormDoesNot() async throws {
        let password = "pässwörd-日本語-🔑"
        let nfd = password.decomposedStringWithCanonicalMapping
        #expect(nfd == password)  // canonically equivalent for Swift's ==
        #expect(Array(nfd.utf8) != Array(password.utf8))  // but different bytes

        let phc = try await hasher.hash(password)
        #expect(try await hasher.verify(password, against: phc))
        #expect(try await !hasher.verify(nfd, against: phc))
    }

    @Test func dummyHashIsComputedOnceAndNeverVerifies() async throws {
        let first = try await hasher.dummyHash
        let second = try await hasher.dummyHash
        #expect(first == second)
        #expect(first.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(!hasher.needsRehash(first))
        #expect(try await !hasher.verify("password", against: first))
    }
}
