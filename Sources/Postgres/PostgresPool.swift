import Logging
import NIOPosix
import Synchronization

/// A bounded pool of connections to one database.
///
/// - At most `maxConnections` are open; a caller that cannot get one within `acquireTimeout`
///   gets `PostgresError(.poolTimeout)` (a web layer answers 503), never an endless wait.
/// - A connection that comes back broken or inside a transaction is closed, not reused.
/// - An idle connection is checked before reuse, so after a server restart the pool recovers by
///   itself: dead connections are dropped and new ones opened.
public final class PostgresPool: Sendable {
    /// How the pool connects and how large it grows.
    public struct Configuration: Sendable {
        /// A `postgresql://` URL or a libpq conninfo string.
        public var conninfo: String
        /// The most connections open at once.
        public var maxConnections: Int
        /// How long a caller waits for a free connection before `poolTimeout`.
        public var acquireTimeout: Duration
        /// Connections, besides `maxConnections`, that carry the short reads of many callers at
        /// once (``PostgresPool/read(_:)``); 0 runs those on leased connections instead.
        public var sharedConnections: Int
        /// The longest any statement on the pool's connections may run (PostgreSQL's
        /// `statement_timeout`); a statement that runs longer fails with SQLSTATE 57014, which
        /// counts as the database being unavailable. nil leaves the server's setting; zero turns
        /// the limit off.
        public var statementTimeout: Duration?

        /// Creates a configuration.
        public init(
            conninfo: String, maxConnections: Int = 10, acquireTimeout: Duration = .seconds(1), sharedConnections: Int = 1,
            statementTimeout: Duration? = nil
        ) {
            self.conninfo = conninfo
            self.maxConnections = max(1, maxConnections)
            self.acquireTimeout = acquireTimeout
            self.sharedConnections = max(0, sharedConnections)
            self.statementTimeout = statementTimeout
        }
    }

    /// A snapshot of the pool, for metrics.
    public struct Statistics: Sendable, Equatable {
        /// Connections handed out now.
        public var inUse = 0
        /// Connections open and free now.
        public var idle = 0
        /// Callers waiting for a connection now.
        public var waiting = 0
        /// Connections opened since start.
        public var opened = 0
        /// Connections closed since start (broken, returned in a transaction, or shut down).
        public var closed = 0
        /// Database errors raised to callers since start.
        public var errors = 0
        /// Callers that gave up waiting since start.
        public var timeouts = 0

        /// All zeros.
        public init() {}
    }

    enum Lease: Sendable {
        case connection(PostgresConnection)
        case permitToOpen
    }

    /// A caller waiting for a connection. Waiters queue in arrival order and all wait the same
    /// `acquireTimeout`, so the first one always has the earliest deadline: one sweeper task
    /// sleeping until that deadline times them all out, instead of a timer per waiter.
    struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Lease, any Error>
        let deadline: ContinuousClock.Instant
    }

    struct State {
        var idle: [PostgresConnection] = []
        var leased = 0
        var opening = 0
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var isSweeping = false
        var isShutDown = false
        var statistics = Statistics()
    }

    /// The pool's settings.
    public let configuration: Configuration
    let logger: Logger
    let threadPool: NIOThreadPool
    let state = Mutex(State())
    private let shared: SharedPipeline?

    /// Creates a pool; connections open on demand. Call `shutdown()` when done.
    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        threadPool = NIOThreadPool(numberOfThreads: configuration.maxConnections)
        threadPool.start()
        shared = configuration.sharedConnections > 0
            ? SharedPipeline(
                conninfo: configuration.conninfo, count: configuration.sharedConnections,
                statementTimeout: configuration.statementTimeout, logger: logger)
            : nil
    }

    /// Lends a connection to `body` and takes it back afterwards, whatever happens.
    @discardableResult
    public func withConnection<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let connection: PostgresConnection
        do {
            connection = try await acquire()
        } catch {
            countError(error)
            throw error
        }
        do {
            let result = try await body(connection)
            release(connection)
            return result
        } catch {
            release(connection)
            countError(error)
            throw error
        }
    }

    /// Runs `body` in a transaction on a pooled connection: COMMIT on return, ROLLBACK on throw.
    @discardableResult
    public func withTransaction<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in try await connection.withTransaction(body) }
    }

    /// Runs one statement on a pooled connection.
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await withConnection { connection in try await connection.query(query) }
    }

    /// Runs `queries`, which only read, as one read-only implicit transaction in one round trip;
    /// their rows, in order. If one fails, those after it do not run and its error is thrown.
    ///
    /// For short reads on hot paths: they travel over the shared connections together with
    /// other callers' (see `SharedPipeline`), with no connection to wait for. Those transactions
    /// are read-only, so a write fails (SQLSTATE 25006) instead of waiting for a row lock there,
    /// where it would hold up every read queued behind it. Unlike a statement on a leased
    /// connection, such a read is not stopped when its task is cancelled: its round trip carries
    /// other callers' reads too. The statement timeout bounds it.
    public func read(_ queries: [PostgresQuery]) async throws -> [PostgresRows] {
        guard !queries.isEmpty else { return [] }
        guard let shared else {
            return try await withConnection { connection in
                try connection.sendWithNextStatement("SET TRANSACTION READ ONLY")
                return try await connection.pipeline(queries)
            }
        }
        do {
            return try await shared.run(queries).map { PostgresRows(result: $0) }
        } catch {
            countError(error)
            throw error
        }
    }

    /// Runs `read` in a read-only implicit transaction; the rows that answer it, each with the
    /// read's position (1) in column 0.
    ///
    /// Over the shared connections it travels like `read(_:)`, and in one statement with the
    /// other reads of its type waiting there (see `BatchedRead`).
    public func read<Read: BatchedRead>(_ read: Read) async throws -> [PostgresRow] {
        guard let shared else { return Array(try await self.read([Read.batchQuery([read])])[0]) }
        do {
            return try await shared.read(read)
        } catch {
            countError(error)
            throw error
        }
    }

    /// Runs one statement for its effect; returns the rows affected.
    @discardableResult
    public func execute(_ query: PostgresQuery) async throws -> Int {
        try await withConnection { connection in try await connection.execute(query) }
    }

    /// How many reads wait for a shared connection right now (0 without shared connections).
    var sharedReadsWaiting: Int { shared?.waitingUnits ?? 0 }

    /// The pool's current numbers.
    public var statistics: Statistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.inUse = state.leased
            statistics.idle = state.idle.count
            statistics.waiting = state.waiters.count
            return statistics
        }
    }

    /// Closes idle connections, fails waiters and stops the thread pool. Connections still lent
    /// out are closed when they come back.
    public func shutdown() async {
        let (idle, waiters) = state.withLock { state in
            state.isShutDown = true
            defer { state.idle = []; state.waiters = [] }
            return (state.idle, state.waiters)
        }
        idle.forEach { $0.close() }
        for waiter in waiters {
            waiter.continuation.resume(throwing: PostgresError(.poolClosed))
        }
        await shared?.shutdown()
        try? await threadPool.shutdownGracefully()
    }

    private func countError(_ error: any Error) {
        guard error is PostgresError else { return }
        state.withLock { $0.statistics.errors += 1 }
    }
}
