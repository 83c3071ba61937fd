import Synchronization
import TallyCrypto

/// Hashes and verifies passwords with argon2id, producing and reading PHC strings such as
/// `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
///
/// The password bytes are exactly the UTF-8 of the `String` given: no trimming, truncation or
/// Unicode normalisation, so a password typed in another normal form does not match.
/// Every computation runs on the ``HashingLimiter``'s pool, never on the async executor.
///
/// ```swift
/// let hasher = PasswordHasher()
/// let stored = try await hasher.hash(password)
/// let ok = try await hasher.verify(attempt, against: user?.passwordHash ?? hasher.dummyHash)
/// if ok, hasher.needsRehash(stored) { /* store try await hasher.hash(attempt) */ }
/// ```
public struct PasswordHasher: Sendable {
    /// The parameters new hashes are made with, and the floor below which ``needsRehash(_:)`` is true.
    public let parameters: Argon2Parameters
    /// Where hashes run, and how many at once.
    public let limiter: HashingLimiter

    private let dummy: DummyHashCache

    /// Creates a hasher.
    ///
    /// - Parameters:
    ///   - parameters: the cost of new hashes; OWASP's m=19456 KiB, t=2, p=1 unless stronger.
    ///   - limiter: the pool and concurrency cap; share ``HashingLimiter/shared`` in a process.
    /// - Precondition: `parameters.isSupported`.
    public init(parameters: Argon2Parameters = .owasp, limiter: HashingLimiter = .shared) {
        precondition(parameters.isSupported, "argon2 parameters out of the supported range: \(parameters)")
        self.parameters = parameters
        self.limiter = limiter
        self.dummy = DummyHashCache()
    }

    /// Hashes `password` with a fresh 16-byte salt and returns the PHC string to store.
    public func hash(_ password: String) async throws -> String {
        let bytes = Array(password.utf8)
        let salt = SecureRandom.bytes(count: parameters.saltLength)
        let parameters = self.parameters
        return try await limiter.run { () throws(PasswordHashError) in
            try Argon2.hashEncoded(password: bytes, salt: salt, parameters: parameters)
        }
    }

    /// Whether `password` matches the stored PHC string.
    ///
    /// Recomputes the hash with the stored salt and parameters and compares in constant time.
    ///
    /// - Throws: ``PasswordHashError`` when `phc` is malformed, names another algorithm or asks
    ///   for parameters outside the supported range. A wrong password is `false`, not an error.
    public func verify(_ password: String, against phc: String) async throws -> Bool {
        let stored = try Argon2PHC(parsing: phc)
        let bytes = Array(password.utf8)
        let computed = try await limiter.run { () throws(PasswordHashError) in
            try Argon2.hashRaw(password: bytes, like: stored)
        }
        return ConstantTime.equals(computed, stored.hash)
    }

    /// Whether a stored hash should be replaced at the next successful login: true when it is not
    /// an argon2id v19 PHC string this module can read, or when any of its parameters (m, t, p,
    /// salt length, hash length) is below the configured one.
    public func needsRehash(_ phc: String) -> Bool {
        guard let stored = try? Argon2PHC(parsing: phc) else { return true }
        return stored.parameters.isWeaker(than: parameters)
    }

    /// A hash of a random, never-revealed password with this hasher's parameters, computed once
    /// on first use. Verify against it when the account is unknown so that the answer takes
    /// about as long as for a known account; it never verifies.
    public var dummyHash: String {
        get async throws {
            try await dummy.value(using: self)
        }
    }
}

/// Computes the dummy hash once, however many callers ask at the same time.
private final class DummyHashCache: Sendable {
    private let task = Mutex<Task<String, any Error>?>(nil)

    func value(using hasher: PasswordHasher) async throws -> String {
        let task = self.task.withLock { task in
            if let task { return task }
            let created = Task { try await hasher.hash(SecureRandom.token(bytes: 32)) }
            task = created
            return created
        }
        do {
            return try await task.value
        } catch {
            // Forget a failed attempt (e.g. the pool was shut down) so a later call can retry.
            self.task.withLock { if $0 == task { $0 = nil } }
            throw error
        }
    }
}
