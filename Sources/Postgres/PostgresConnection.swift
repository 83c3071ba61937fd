import CLibPQ
import Foundation
import Logging
import NIOPosix

/// One libpq connection.
///
/// libpq calls block, so every call that talks to the server runs on the connection's thread pool,
/// never on the async executor. A connection is used by one task at a time; the pool guarantees
/// that, which is why the class can be `Sendable`. Cancelling the task that waits for a statement
/// cancels the statement on the server (see `run(_:)`).
public final class PostgresConnection: @unchecked Sendable {
    let handle: LibPQHandle
    let threadPool: NIOThreadPool
    /// Stops the running statement when the task waiting for it is cancelled.
    private let canceller: StatementCanceller
    /// The logger for this connection's errors.
    public let logger: Logger
    private var closed = false
    private var ownsThreadPool = false
    /// Statements with binds are prepared once per connection and then only executed.
    private var statements = PreparedStatements()
    /// Statements waiting to go out with the next one (see `sendWithNextStatement(_:)`).
    private var pending: [PipelinedStatement] = []

    private init(handle: LibPQHandle, threadPool: NIOThreadPool, logger: Logger) {
        self.handle = handle
        self.threadPool = threadPool
        self.logger = logger
        canceller = StatementCanceller(handle)
    }

    deinit {
        if !closed { handle.finish() }
        if ownsThreadPool { threadPool.shutdownGracefully { _ in } }
    }

    /// Opens a connection from a URL (`postgresql://…`) or a conninfo string (`host=… dbname=…`).
    ///
    /// The session is set to UTF-8, `DateStyle = ISO` and `TimeZone = UTC`, which the decoders rely
    /// on. Each of its statements may run for `statementTimeout` at most (PostgreSQL's
    /// `statement_timeout`; nil leaves the server's setting, zero turns the limit off); one that
    /// runs longer fails with SQLSTATE 57014 (``PostgresError/isStatementTimeout``).
    public static func connect(
        to conninfo: String, threadPool: NIOThreadPool, logger: Logger, statementTimeout: Duration? = nil
    ) async throws -> PostgresConnection {
        let handle = try await threadPool.runIfActive { () throws(PostgresError) -> LibPQHandle in
            try LibPQHandle.connect(conninfo, statementTimeout: statementTimeout)
        }
        return PostgresConnection(handle: handle, threadPool: threadPool, logger: logger)
    }

    /// Opens a one-off connection with a thread of its own for its blocking calls, for commands,
    /// set-up work and tests. (Sharing a small thread pool between such connections can deadlock:
    /// a call that waits on the server can hold the thread another connection needs to proceed.)
    /// Servers use a `PostgresPool`, whose thread pool is sized to its connections.
    public static func connect(
        to conninfo: String, logger: Logger, statementTimeout: Duration? = nil
    ) async throws -> PostgresConnection {
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        do {
            let connection = try await connect(
                to: conninfo, threadPool: threadPool, logger: logger, statementTimeout: statementTimeout)
            connection.ownsThreadPool = true
            return connection
        } catch {
            threadPool.shutdownGracefully { _ in }
            throw error
        }
    }

    /// Runs `body` on a one-off connection (see `connect(to:logger:)`) and closes it afterwards,
    /// whether `body` returns or throws.
    @discardableResult
    public static func withConnection<Result: Sendable>(
        to conninfo: String, logger: Logger, statementTimeout: Duration? = nil,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await connect(to: conninfo, logger: logger, statementTimeout: statementTimeout)
        defer { connection.close() }
        return try await body(connection)
    }

    /// Runs a statement and returns its rows. Statements held back by
    /// ``sendWithNextStatement(_:)`` go first, in the same round trip.
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        let statement = try pipelined(query)
        if !pending.isEmpty { return PostgresRows(result: try await runPipeline(takePending() + [statement]).last!) }
        let result: PostgresResult
        do {
            result = try await run { handle throws(PostgresError) in try handle.execute(statement) }
        } catch let error as PostgresError {
            statements.failed(statement.plan, sql: statement.sql, types: statement.types, error: error)
            throw error
        }
        statements.succeeded(statement.plan, sql: statement.sql, types: statement.types)
        return PostgresRows(result: result)
    }

    /// Holds `query` back and sends it just before the next statement, in the same round trip
    /// (libpq's pipeline mode); for statements whose result nobody reads, such as `BEGIN` and
    /// setting the data scope. Its error, if any, is thrown by that next statement, which then
    /// does not run.
    public func sendWithNextStatement(_ query: PostgresQuery) throws {
        pending.append(try pipelined(query))
    }

    /// Runs `queries` in one round trip (after any held-back statements) and returns their rows,
    /// in order. Outside a transaction they run in one implicit transaction, which commits when
    /// the last one succeeds; if one fails, those after it do not run, its error is thrown and
    /// nothing is committed.
    public func pipeline(_ queries: [PostgresQuery]) async throws -> [PostgresRows] {
        guard !queries.isEmpty else { return [] }
        let statements = try queries.map(pipelined)
        let results = try await runPipeline(takePending() + statements)
        return results.suffix(queries.count).map { PostgresRows(result: $0) }
    }

    /// Sends the held-back statements now, if any (before work that cannot join a pipeline).
    func flushPending() async throws {
        guard !pending.isEmpty else { return }
        _ = try await runPipeline(takePending())
    }

    /// The held-back statements, which are then no longer held.
    private func takePending() -> [PipelinedStatement] {
        defer { pending = [] }
        return pending
    }

    /// Sends `sent` in one pipeline and records each statement's outcome in the statement cache.
    private func runPipeline(_ sent: [PipelinedStatement]) async throws -> [PostgresResult] {
        let results: [PostgresResult]
        do {
            results = try await run { handle throws(PostgresError) in try handle.pipeline(sent) }
        } catch let error as PostgresError {
            statements.settle(sent, failure: error)
            throw error
        }
        statements.settle(sent, failure: nil)
        return results
    }

    /// A statement's bound values and its plan in the statement cache.
    private func pipelined(_ query: PostgresQuery) throws -> PipelinedStatement {
        let bound = try BoundStatement(query)
        return PipelinedStatement(bound, plan: statements.lookup(sql: bound.sql, types: bound.types))
    }

    /// Runs a statement for its effect; returns the number of rows it affected.
    @discardableResult
    public func execute(_ query: PostgresQuery) async throws -> Int {
        try await self.query(query).affectedRows
    }

    /// Runs SQL text that may hold several statements and no binds (e.g. a migration file),
    /// through the simple query protocol. The caller vouches that no untrusted input reached it.
    public func unsafeExecuteScript(_ sql: String) async throws {
        _ = try sql.postgresText()
        try await flushPending()
        _ = try await run { handle throws(PostgresError) in try handle.executeScript(sql) }
    }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    @discardableResult
    public func withTransaction<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try sendWithNextStatement("BEGIN")
        let result: Result
        do {
            result = try await body(self)
        } catch {
            // A failed ROLLBACK leaves the connection in a transaction; the pool discards it then.
            _ = try? await execute("ROLLBACK")
            throw error
        }
        try await execute("COMMIT")
        return result
    }

    /// Lets each statement of the current transaction run for up to `timeout` (zero: no limit)
    /// instead of the session's `statement_timeout`; the session's limit is back when the
    /// transaction ends. For the few operations known to be long, such as re-rating millions of
    /// events. Sent with the next statement.
    public func setStatementTimeoutForTransaction(_ timeout: Duration) throws {
        try sendWithNextStatement("SELECT set_config('statement_timeout', \(String(timeout.postgresMilliseconds)), true)")
    }

    /// True when the connection is open and outside any transaction: safe to hand to another task.
    var isReusable: Bool {
        !closed && pending.isEmpty && handle.isOK && handle.isOutsideTransaction
    }

    /// Reads whatever the server sent while the connection was idle (without blocking), so a
    /// connection the server closed (restart, shutdown) is noticed before it is used.
    func isAliveAfterIdle() -> Bool {
        !closed && handle.readsWhatArrivedWhileIdle()
    }

    /// Closes the connection. Further use fails with `connectionLost`.
    public func close() {
        guard !closed else { return }
        closed = true
        handle.finish()
        if ownsThreadPool {
            ownsThreadPool = false
            threadPool.shutdownGracefully { _ in }
        }
    }

    /// Runs a blocking libpq call on the thread pool.
    ///
    /// If the calling task is cancelled meanwhile, the server is asked to cancel the statement
    /// and the call throws `CancellationError` (unless the statement finished first): the
    /// connection is then at once free, outside any statement, and usable. A task that was
    /// already cancelled when the call began runs it to its end: that is how the ROLLBACK, or an
    /// unlock, after a cancellation gets through.
    func run<T: Sendable>(
        _ body: @escaping @Sendable (LibPQHandle) throws(PostgresError) -> T
    ) async throws -> T {
        guard !closed else { throw PostgresError(.connectionLost, serverMessage: "connection closed") }
        let handle = self.handle
        do {
            if Task.isCancelled { return try await threadPool.runStatement { try body(handle) } }
            let canceller = self.canceller
            canceller.willRun()
            let (outcome, cancelled) = try await withTaskCancellationHandler {
                try await threadPool.runStatement { try canceller.run { () throws(PostgresError) in try body(handle) } }
            } onCancel: {
                canceller.taskCancelled()
            }
            if cancelled, case .failure(let error) = outcome, error.isStatementTimeout { throw CancellationError() }
            return try outcome.get()
        } catch let error as PostgresError {
            if error.isUnavailable || error.kind == .server {
                logger.debug("database statement failed", metadata: error.logMetadata.mapValues { .string($0) })
            }
            throw error
        }
    }
}
