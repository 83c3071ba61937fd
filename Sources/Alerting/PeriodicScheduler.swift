import Foundation
import Logging
import Metering
import Postgres

/// A job the scheduler runs once a minute.
public struct PeriodicJob: Sendable {
    /// A stable name (the key of its row in `scheduled_jobs`).
    public let name: String
    /// The work, given the scheduler clock's time.
    public let run: @Sendable (Date) async throws -> Void

    /// A job.
    public init(name: String, run: @escaping @Sendable (Date) async throws -> Void) {
        self.name = name
        self.run = run
    }
}

/// "Every minute, under the lock, run these jobs": safe with any number of Tally instances.
///
/// Each tick takes a PostgreSQL session advisory lock (`pg_try_advisory_lock`) on one pooled
/// connection; an instance that does not get it skips the tick. Under the lock, each job first
/// claims the current minute in `scheduled_jobs` (an UPDATE that succeeds only when the job's last
/// minute is older), so two instances whose ticks follow one another within a minute still run
/// each job once. The lock dies with its connection, so a crashed instance blocks no one.
public struct PeriodicScheduler: Sendable {
    /// The advisory lock key of Tally's scheduler.
    public static let lockKey: Int64 = 0x7A11_7000_0008

    let pool: PostgresPool
    let clock: any WallClock
    let jobs: [PeriodicJob]
    let interval: Duration
    let logger: Logger

    /// A scheduler of `jobs` over `pool`, reading time from `clock`, ticking every `interval`.
    public init(pool: PostgresPool, clock: any WallClock, jobs: [PeriodicJob], interval: Duration = .seconds(60), logger: Logger) {
        self.pool = pool
        self.clock = clock
        self.jobs = jobs
        self.interval = interval
        self.logger = logger
    }

    /// What one tick did.
    public enum TickOutcome: Sendable, Equatable {
        /// Another instance holds the lock; nothing ran here.
        case skipped
        /// These jobs ran (those that had already run this minute are not listed).
        case ran([String])
    }

    /// One tick: takes the lock (or skips), and runs each job not yet run this minute; with
    /// `force`, runs every job regardless (for `tally alerts run-once`). A failing job is logged
    /// and does not stop the others.
    @discardableResult
    public func tick(force: Bool = false) async throws -> TickOutcome {
        try await pool.withConnection { connection in
            let locked = try await connection.query("SELECT pg_try_advisory_lock(\(Self.lockKey))")
            guard try locked.first?.decode(Bool.self, at: 0) == true else { return .skipped }
            do {
                let ran = try await runJobs(force: force, on: connection)
                try await connection.execute("SELECT pg_advisory_unlock(\(Self.lockKey))")
                return .ran(ran)
            } catch {
                _ = try? await connection.execute("SELECT pg_advisory_unlock(\(Self.lockKey))")
                throw error
            }
        }
    }

    private func runJobs(force: Bool, on connection: PostgresConnection) async throws -> [String] {
        let now = clock.now()
        let minute = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60)
        var ran: [String] = []
        for job in jobs {
            let claimed = try await connection.query(
                """
                INSERT INTO scheduled_jobs (name, last_minute) VALUES (\(job.name), \(minute))
                ON CONFLICT (name) DO UPDATE SET last_minute = EXCLUDED.last_minute
                WHERE scheduled_jobs.last_minute < EXCLUDED.last_minute OR \(force)
                RETURNING name
                """)
            guard !claimed.isEmpty else { continue }
            do {
                try await job.run(now)
                ran.append(job.name)
            } catch is CancellationError {
                // The server is shutting down; the job's transaction rolled back and runs next time.
                logger.info("scheduled job stopped by the shutdown", metadata: ["job": "\(job.name)"])
            } catch {
                logger.error("scheduled job failed", metadata: ["job": "\(job.name)", "error": "\(error)"])
            }
        }
        return ran
    }

    /// Ticks every `interval` until the task is cancelled (the server's shutdown).
    public func run() async {
        logger.info("scheduler started", metadata: ["jobs": "\(jobs.map(\.name).joined(separator: ","))"])
        while !Task.isCancelled {
            do {
                try await tick()
            } catch {
                logger.error("scheduler tick failed", metadata: ["error": "\(error)"])
            }
            do {
                try await Task.sleep(for: interval)
            } catch {
                break
            }
        }
        logger.info("scheduler stopped")
    }
}
