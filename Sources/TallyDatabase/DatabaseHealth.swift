import Logging
import Postgres

/// What `/readyz` and `/metrics` read about the database: whether its migrations are applied,
/// and the connection pool's numbers.
public struct DatabaseHealth: Sendable {
    let pool: PostgresPool
    let migrator: Migrator

    /// The pool's numbers at one moment.
    public struct PoolReading: Sendable, Equatable {
        /// Connections handed out, open and free, and callers waiting for one.
        public var inUse = 0, idle = 0, waiting = 0
        /// The pool's connection limit.
        public var maxConnections = 0
        /// Counters since start: connections opened and closed, errors raised, waits given up.
        public var opened = 0, closed = 0, errors = 0, timeouts = 0

        /// All zeros.
        public init() {}
    }

    /// Health over `pool`, checked against `migrations`.
    public init(pool: PostgresPool, migrations: [Migration], logger: Logger) {
        self.pool = pool
        migrator = Migrator(migrations: migrations, logger: logger)
    }

    /// Where the database stands against the known migrations (one connection, one read).
    public func migrationStatus() async throws -> Migrator.Status {
        try await pool.withConnection { try await migrator.status(on: $0) }
    }

    /// The pool's numbers now.
    public var poolReading: PoolReading {
        let statistics = pool.statistics
        var reading = PoolReading()
        reading.inUse = statistics.inUse
        reading.idle = statistics.idle
        reading.waiting = statistics.waiting
        reading.maxConnections = pool.configuration.maxConnections
        reading.opened = statistics.opened
        reading.closed = statistics.closed
        reading.errors = statistics.errors
        reading.timeouts = statistics.timeouts
        return reading
    }
}
