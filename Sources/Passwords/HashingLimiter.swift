import Foundation
import NIOPosix
import Synchronization

/// Runs password hashes on a dedicated, fixed-size thread pool, so at most ``maxConcurrent``
/// argon2 computations run at once however many logins arrive.
///
/// Hashing is the cheapest denial of service on the box: each one costs ~19 MiB and tens of
/// milliseconds of a core. Extra requests wait (suspended, holding no thread) in the pool's
/// queue. The pool is separate from `NIOThreadPool.singleton`, so a burst of logins never
/// delays the blocking libpq calls that run there.
///
/// Share one limiter per process: ``shared`` is what ``PasswordHasher`` uses by default.
public final class HashingLimiter: Sendable {
    /// The process-wide limiter: one hash at a time per core.
    public static let shared = HashingLimiter(maxConcurrent: ProcessInfo.processInfo.activeProcessorCount)

    /// The most hashes that run at the same time.
    public let maxConcurrent: Int

    private let pool: NIOThreadPool
    private let counters = Mutex(Counters())

    private struct Counters {
        var inFlight = 0
        var peakInFlight = 0
    }

    /// Creates a limiter with its own pool of `maxConcurrent` threads (at least one).
    public init(maxConcurrent: Int) {
        self.maxConcurrent = max(1, maxConcurrent)
        self.pool = NIOThreadPool(numberOfThreads: self.maxConcurrent)
        self.pool.start()
    }

    deinit {
        pool.shutdownGracefully { _ in }
    }

    /// The number of hashes computing right now.
    public var inFlight: Int {
        counters.withLock { $0.inFlight }
    }

    /// The largest number of hashes that were computing at the same moment since the limiter was made.
    public var peakInFlight: Int {
        counters.withLock { $0.peakInFlight }
    }

    /// Runs `body` on the pool once a slot is free, and returns its result.
    func run<T: Sendable>(
        _ body: @escaping @Sendable () throws(PasswordHashError) -> T
    ) async throws -> T {
        try await pool.runIfActive { [self] in
            self.counters.withLock { counters in
                counters.inFlight += 1
                counters.peakInFlight = max(counters.peakInFlight, counters.inFlight)
            }
            defer { self.counters.withLock { $0.inFlight -= 1 } }
            return try body()
        }
    }
}
