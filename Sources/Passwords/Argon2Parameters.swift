/// The cost parameters of an argon2id hash.
///
/// The defaults are OWASP's (m=19456 KiB, t=2, p=1) with a 16-byte salt and a 32-byte hash.
/// Stronger settings are fine; a stored hash weaker than the configured parameters is rehashed
/// at the next successful login (see ``PasswordHasher/needsRehash(_:)``).
public struct Argon2Parameters: Sendable, Hashable, CustomStringConvertible {
    /// Memory cost in KiB (argon2 `m`).
    public var memoryKiB: UInt32
    /// Number of passes over memory (argon2 `t`).
    public var iterations: UInt32
    /// Number of lanes (argon2 `p`).
    public var parallelism: UInt32
    /// Length of the random salt in bytes.
    public var saltLength: Int
    /// Length of the hash in bytes.
    public var hashLength: Int

    /// The OWASP ASVS 5.0 / Password Storage Cheat Sheet parameters: m=19456 KiB, t=2, p=1.
    public static let owasp = Argon2Parameters(memoryKiB: 19_456, iterations: 2, parallelism: 1)

    /// The largest parameters this module will compute, for hashing or verifying. A stored string
    /// asking for more is refused instead of being allowed to exhaust memory or CPU.
    public static let supportedMaximum = Argon2Parameters(
        memoryKiB: 1_048_576, iterations: 16, parallelism: 16, saltLength: 64, hashLength: 64
    )

    /// The smallest parameters this module will compute (argon2's own minimums, and a 8-byte salt).
    public static let supportedMinimum = Argon2Parameters(
        memoryKiB: 8, iterations: 1, parallelism: 1, saltLength: 8, hashLength: 16
    )

    /// Creates parameters; `saltLength` defaults to 16 bytes and `hashLength` to 32 bytes.
    public init(
        memoryKiB: UInt32, iterations: UInt32, parallelism: UInt32, saltLength: Int = 16, hashLength: Int = 32
    ) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
        self.saltLength = saltLength
        self.hashLength = hashLength
    }

    /// Whether these parameters lie within ``supportedMinimum`` … ``supportedMaximum`` and satisfy
    /// argon2's rule that memory is at least 8 KiB per lane.
    public var isSupported: Bool {
        let low = Self.supportedMinimum
        let high = Self.supportedMaximum
        return (low.memoryKiB...high.memoryKiB).contains(memoryKiB)
            && (low.iterations...high.iterations).contains(iterations)
            && (low.parallelism...high.parallelism).contains(parallelism)
            && (low.saltLength...high.saltLength).contains(saltLength)
            && (low.hashLength...high.hashLength).contains(hashLength)
            && UInt64(memoryKiB) >= 8 * UInt64(parallelism)
    }

    /// Whether any parameter is below the corresponding one in `other` (the rehash rule).
    public func isWeaker(than other: Argon2Parameters) -> Bool {
        memoryKiB < other.memoryKiB
            || iterations < other.iterations
            || parallelism < other.parallelism
            || saltLength < other.saltLength
            || hashLength < other.hashLength
    }

    /// The PHC parameter segment, e.g. `m=19456,t=2,p=1`.
    public var description: String {
        "m=\(memoryKiB),t=\(iterations),p=\(parallelism)"
    }
}
