import CLibPQ
import Foundation
import Logging
import NIOPosix

/// One libpq connection.
///
/// libpq calls block, so every call that talks to the server runs on the connection's thread pool,
/// never on the async executor. A connection is used by one task at a time; the pool guarantees
/// that, which is why the class can be `Sendable`.
public final class PostgresConnection: @unchecked Sendable {
    let handle: OpaquePointer
    let threadPool: NIOThreadPool
    /// The logger for this connection's errors.
    public let logger: Logger
    private var closed = false
    private var ownsThreadPool = false
    /// Statements with binds are prepared once per connection and then only executed.
    private var statements = PreparedStatements()
    /// Statements waiting to go out with the next one (see `sendWithNextStatement(_:)`).
    private var pending: [PipelinedStatement] = []

    private init(handle: OpaquePointer, threadPool: NIOThreadPool, logger: Logger) {
        self.handle = handle
        self.threadPool = threadPool
        self.logger = logger
    }

    deinit {
        if !closed { PQfinish(handle) }
        if ownsThreadPool { threadPool.shutdownGracefully { _ in } }
    }

    /// Opens a connection from a URL (`postgresql://…`) or a conninfo string (`host=… dbname=…`).
    ///
    /// The session is set to UTF-8, `DateStyle = ISO` and `TimeZone = UTC`, which the decoders rely on.
    public static func connect(
        to conninfo: String, threadPool: NIOThreadPool, logger: Logger
    ) async throws -> PostgresConnection {
        let handle = try await threadPool.runIfActive { () throws(PostgresError) -> UnsafeSendableHandle in
            UnsafeSendableHandle(try blockingConnect(conninfo))
        }
        return PostgresConnection(handle: handle.pointer, threadPool: threadPool, logger: logger)
    }

    /// Opens a one-off connection with a thread of its own for its blocking calls, for commands,
    /// set-up work and tests. (Sharing a small thread pool between such connections can deadlock:
    /// a call that waits on the server can hold the thread another connection needs to proceed.)
    /// Servers use a `PostgresPool`, whose thread pool is sized to its connections.
    public static func connect(to conninfo: String, logger: Logger) async throws -> PostgresConnection {
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        do {
            let connection = try await connect(to: conninfo, threadPool: threadPool, logger: logger)
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
        to conninfo: String, logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await connect(to: conninfo, logger: logger)
        defer { connection.close() }
        return try await body(connection)
    }

    /// Opens a session; with `readOnly`, its transactions are read-only unless they say otherwise.
    static func blockingConnect(_ conninfo: String, readOnly: Bool = false) throws(PostgresError) -> OpaquePointer {
        // Order matters: later keywords override earlier ones, so defaults go before the caller's
        // conninfo and what the decoders need goes after it.
        let keywords = ["connect_timeout", "fallback_application_name", "dbname", "client_encoding"]
        let values = ["5", "tally", conninfo, "UTF8"]
        let handle = withCStrings(keywords) { keys in
            withCStrings(values) { vals in PQconnectdbParams(keys, vals, 1) }
        }
        guard let handle else { throw PostgresError(.connectionFailed, serverMessage: "out of memory") }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(handle)
            throw PostgresError(.connectionFailed, serverMessage: message)
        }
        // Server notices (e.g. "relation already exists, skipping") are not errors; libpq would
        // print them on stderr.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        let setup = "SET DateStyle = 'ISO'; SET TimeZone = 'UTC'; SET extra_float_digits = 3; SET IntervalStyle = 'postgres'"
            + (readOnly ? "; SET default_transaction_read_only = on" : "")
        do {
            _ = try checked(PQexec(handle, setup), connection: handle)
        } catch {
            PQfinish(handle)
            throw error
        }
        return handle
    }

    /// Runs a statement and returns its rows. Statements held back by
    /// ``sendWithNextStatement(_:)`` go first, in the same round trip.
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        let statement = try pipelined(query)
        if !pending.isEmpty { return PostgresRows(result: try await runPipeline(takePending() + [statement]).last!) }
        let result: PostgresResult
        do {
            result = try await run { handle throws(PostgresError) in
                switch statement.plan {
                case .unprepared:
                    return try Self.blockingExecute(handle, sql: statement.sql, types: statement.types, parameters: statement.parameters)
                case .prepared(let name):
                    return try Self.blockingExecutePrepared(handle, name: name, parameters: statement.parameters)
                case .prepare(let name):
                    try Self.blockingPrepare(handle, name: name, sql: statement.sql, types: statement.types)
                    return try Self.blockingExecutePrepared(handle, name: name, parameters: statement.parameters)
                }
            }
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
            results = try await run { handle throws(PostgresError) in try Self.blockingPipeline(handle, sent) }
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
        _ = try await run { handle throws(PostgresError) in try Self.checked(PQexec(handle, sql), connection: handle) }
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

    /// True when the connection is open and outside any transaction: safe to hand to another task.
    var isReusable: Bool {
        !closed && pending.isEmpty && PQstatus(handle) == CONNECTION_OK && PQtransactionStatus(handle) == PQTRANS_IDLE
    }

    /// Reads whatever the server sent while the connection was idle (without blocking), so a
    /// connection the server closed (restart, shutdown) is noticed before it is used.
    func isAliveAfterIdle() -> Bool {
        guard !closed, PQstatus(handle) == CONNECTION_OK else { return false }
        // Twice: a server that ends a session sends an error and then closes, and the second
        // read is the one that sees the close.
        for _ in 0..<2 {
            guard PQconsumeInput(handle) == 1 else { return false }
        }
        while let notice = PQnotifies(handle) { PQfreemem(notice) }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Closes the connection. Further use fails with `connectionLost`.
    public func close() {
        guard !closed else { return }
        closed = true
        PQfinish(handle)
        if ownsThreadPool {
            ownsThreadPool = false
            threadPool.shutdownGracefully { _ in }
        }
    }

    /// Runs a blocking libpq call on the thread pool.
    func run<T: Sendable>(
        _ body: @escaping @Sendable (OpaquePointer) throws(PostgresError) -> T
    ) async throws -> T {
        guard !closed else { throw PostgresError(.connectionLost, serverMessage: "connection closed") }
        let handle = UnsafeSendableHandle(self.handle)
        do {
            return try await threadPool.runIfActive { try body(handle.pointer) }
        } catch let error as PostgresError {
            if error.isUnavailable || error.kind == .server {
                logger.debug("database statement failed", metadata: error.logMetadata.mapValues { .string($0) })
            }
            throw error
        }
    }
}

/// A libpq handle carried into the thread pool; only one thread uses it at a time.
struct UnsafeSendableHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
}
