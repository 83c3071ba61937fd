import CLibPQ
import Foundation
import Logging

/// Short reads from many tasks, several per round trip, over a few connections that no task
/// leases.
///
/// A pooled call costs its task a lease (and, at 64 concurrent requests over 8–10 connections,
/// a wait in line for one), a hop to a thread that blocks in libpq, one round trip and a hop
/// back, and the server one wake-up per statement. Here callers only queue their unit: each lane
/// (a connection with a thread of its own) takes every unit waiting, sends them all in one
/// libpq pipeline, each followed by its own sync point, then reads the answers in order and
/// resumes each caller. Under load a round trip carries tens of units.
///
/// A unit is either a caller's statements, run as ``PostgresConnection/pipeline(_:)`` runs them
/// on a leased connection outside a transaction (one implicit transaction; a failure skips the
/// rest of that unit only), or one ``BatchedRead``: the reads of one type that a round trip
/// carries become one statement, one implicit transaction. The lanes' sessions default to
/// read-only transactions: a unit waits for no row lock (a read never does), so one caller can
/// never stall the units queued behind it on a lock that another transaction, itself waiting for
/// a lane, holds. Units are for short statements: a slow one still delays those sent after it on
/// the same lane.
final class SharedPipeline: Sendable {
    /// One caller's work and where its answer goes.
    enum Unit: Sendable {
        /// Statements, answered with their results.
        case statements([BoundStatement], CheckedContinuation<[PostgresResult], any Error>)
        /// A read that may share its statement, answered with its own rows.
        case read(any BatchedRead, CheckedContinuation<[PostgresRow], any Error>)

        func fail(_ error: any Error) {
            switch self {
            case .statements(_, let continuation): continuation.resume(throwing: error)
            case .read(_, let continuation): continuation.resume(throwing: error)
            }
        }
    }

    private let queue: UnitQueue
    private let lanes: [Lane]

    /// Starts `count` lanes to `conninfo` (they connect on first use).
    init(conninfo: String, count: Int, logger: Logger) {
        let queue = UnitQueue()
        self.queue = queue
        lanes = (0..<count).map { index in Lane(number: index, conninfo: conninfo, queue: queue, logger: logger) }
        for lane in lanes { lane.start() }
    }

    /// Runs `queries` as one implicit transaction; their results, in order.
    func run(_ queries: [PostgresQuery]) async throws -> [PostgresResult] {
        let statements = try queries.map(BoundStatement.init)
        return try await withCheckedThrowingContinuation { continuation in
            enqueue(.statements(statements, continuation))
        }
    }

    /// The rows that answer `read` (position column included), read with the other reads of
    /// its type that wait for a lane.
    func read(_ read: some BatchedRead) async throws -> [PostgresRow] {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(.read(read, continuation))
        }
    }

    /// How many units wait for a lane right now (for tests that need units to travel together).
    var waitingUnits: Int { queue.count }

    private func enqueue(_ unit: Unit) {
        if !queue.put(unit) { unit.fail(PostgresError(.poolClosed)) }
    }

    deinit {
        for unit in queue.close() { unit.fail(PostgresError(.poolClosed)) }
    }

    /// Fails waiting units, lets each lane finish the round trip it is in, and closes the lanes'
    /// connections.
    func shutdown() async {
        for unit in queue.close() { unit.fail(PostgresError(.poolClosed)) }
        for lane in lanes { await lane.finished() }
    }
}

/// A statement's SQL and its bound parameters, before a connection's statement cache plans it.
struct BoundStatement: Sendable {
    let sql: String
    let types: [UInt32]
    let parameters: BoundParameters

    init(_ query: PostgresQuery) throws(PostgresError) {
        sql = query.sql
        types = query.binds.map { type(of: $0).postgresType.oid }
        parameters = try BoundParameters(query.binds)
    }
}

/// The units waiting for a lane: lanes block here until there is work or the pipeline closes.
private final class UnitQueue: @unchecked Sendable {
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var units: [SharedPipeline.Unit] = []
    private var isClosed = false

    /// How many units wait.
    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return units.count
    }

    /// Queues `unit`; false once closed.
    func put(_ unit: SharedPipeline.Unit) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !isClosed else { return false }
        units.append(unit)
        condition.signal()
        return true
    }

    /// Every waiting unit (at most `limit`), blocking until there is one; nil once closed.
    func take(limit: Int) -> [SharedPipeline.Unit]? {
        condition.lock()
        defer { condition.unlock() }
        while units.isEmpty && !isClosed { condition.wait() }
        guard !isClosed else { return nil }
        let taken = Array(units.prefix(limit))
        units.removeFirst(taken.count)
        // More left: wake another lane for them.
        if !units.isEmpty { condition.signal() }
        return taken
    }

    /// Closes the queue and returns the units nobody took.
    func close() -> [SharedPipeline.Unit] {
        condition.lock()
        defer { condition.unlock() }
        isClosed = true
        condition.broadcast()
        defer { units = [] }
        return units
    }
}

/// One shared connection and the thread that drives it.
private final class Lane: @unchecked Sendable {
    /// The most units one round trip carries.
    static let batchLimit = 64

    private let number: Int
    private let conninfo: String
    private let queue: UnitQueue
    private let logger: Logger
    // Used only on the lane's thread.
    private var handle: OpaquePointer?
    private var statements = PreparedStatements()
    // Signalled when the thread has ended.
    private let done = DispatchSemaphore(value: 0)

    init(number: Int, conninfo: String, queue: UnitQueue, logger: Logger) {
        self.number = number
        self.conninfo = conninfo
        self.queue = queue
        self.logger = logger
    }

    func start() {
        let thread = Thread { [self] in
            while let batch = queue.take(limit: Self.batchLimit) { serve(batch) }
            disconnect()
            done.signal()
        }
        thread.name = "PG-shared-\(number)"
        thread.start()
    }

    /// Waits, off the async executor, until the thread has ended; at once if it already has.
    func finished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { [done] in
                done.wait()
                // Let the next caller through too (a pool may be shut down twice).
                done.signal()
                continuation.resume()
            }
        }
    }

    /// One sync point of a round trip: its statements and whom their answer goes to.
    private struct Send {
        enum Answering {
            /// A caller's statements: their results.
            case statements(CheckedContinuation<[PostgresResult], any Error>)
            /// Reads that share one statement, in the order of their positions: each its rows.
            case reads([any BatchedRead], [CheckedContinuation<[PostgresRow], any Error>])
        }

        var statements: [BoundStatement]
        var answering: Answering

        func fail(_ error: any Error) {
            switch answering {
            case .statements(let continuation): continuation.resume(throwing: error)
            case .reads(_, let continuations): for continuation in continuations { continuation.resume(throwing: error) }
            }
        }

        /// The reads of a shared statement, as units to send again one by one.
        var isolatedReads: [SharedPipeline.Unit] {
            guard case .reads(let reads, let continuations) = answering else { return [] }
            return zip(reads, continuations).map { SharedPipeline.Unit.read($0, $1) }
        }
    }

    /// `batch` as sync points: each caller's statements on their own; the reads of each type
    /// together in one statement, where the first read of that type stood (with `coalescing`
    /// off, each read alone). Reads whose shared statement cannot be bound go to `isolate`.
    private func sends(
        for batch: [SharedPipeline.Unit], coalescing: Bool, isolate: inout [SharedPipeline.Unit]
    ) -> [Send] {
        var sends: [Send] = []
        var reads: [ObjectIdentifier: Int] = [:]
        for unit in batch {
            switch unit {
            case .statements(let statements, let continuation):
                sends.append(Send(statements: statements, answering: .statements(continuation)))
            case .read(let read, let continuation):
                let kind = ObjectIdentifier(type(of: read))
                if coalescing, let index = reads[kind], case .reads(var group, var continuations) = sends[index].answering {
                    group.append(read)
                    continuations.append(continuation)
                    sends[index].answering = .reads(group, continuations)
                } else {
                    reads[kind] = sends.count
                    sends.append(Send(statements: [], answering: .reads([read], [continuation])))
                }
            }
        }
        return sends.compactMap { send in
            guard case .reads(let group, _) = send.answering else { return send }
            do throws(PostgresError) {
                var bound = send
                bound.statements = [try type(of: group[0]).boundBatch(group)]
                return bound
            } catch {
                if group.count > 1 { isolate += send.isolatedReads } else { send.fail(error) }
                return nil
            }
        }
    }

    /// Sends every unit of `batch`, then reads and hands out their answers in order. Reads whose
    /// shared statement failed are then sent again one by one.
    private func serve(_ batch: [SharedPipeline.Unit], coalescing: Bool = true) {
        let handle: OpaquePointer
        do {
            handle = try connected()
        } catch {
            for unit in batch { unit.fail(error) }
            return
        }
        var isolate: [SharedPipeline.Unit] = []
        let sends = sends(for: batch, coalescing: coalescing, isolate: &isolate)
        // A connection that fails here is broken: nothing sent comes back.
        func abandon(_ unanswered: ArraySlice<Send>, with error: PostgresError) {
            for send in unanswered { send.fail(error) }
            fail(isolate[...], with: error)
        }
        guard !sends.isEmpty else {
            if !isolate.isEmpty { serve(isolate, coalescing: false) }
            return
        }
        guard PQenterPipelineMode(handle) == 1 else {
            abandon(sends[...], with: PostgresConnection.connectionError(handle))
            return
        }
        var planned: [[PostgresConnection.PipelinedStatement]] = []
        planned.reserveCapacity(sends.count)
        var preparing: Set<PreparedStatements.Key> = []
        for send in sends {
            let sendStatements = send.statements.map { plan($0, preparing: &preparing) }
            do throws(PostgresError) {
                try PostgresConnection.sendUnit(handle, sendStatements)
            } catch {
                abandon(sends[...], with: error)
                return
            }
            planned.append(sendStatements)
        }
        for (index, send) in sends.enumerated() {
            switch PostgresConnection.readUnit(handle, planned[index]) {
            case .success(let results):
                statements.settle(planned[index], failure: nil)
                switch send.answering {
                case .statements(let continuation):
                    continuation.resume(returning: results)
                case .reads(let reads, let continuations):
                    guard let rows = results[0].rowsByRead(count: reads.count) else {
                        send.fail(PostgresError(.server, serverMessage: "a batched read returned a row without a valid position in its first column"))
                        continue
                    }
                    for (continuation, answer) in zip(continuations, rows) { continuation.resume(returning: answer) }
                }
            case .failure(let error):
                statements.settle(planned[index], failure: error)
                // An error without SQLSTATE is not the server refusing a statement but the
                // connection failing: the answers after it will not come (or not in order).
                guard error.sqlState != nil else {
                    abandon(sends[index...], with: error)
                    return
                }
                // One read's value may have failed a shared statement: each read goes again alone.
                let isolated = send.isolatedReads
                if isolated.count > 1 { isolate += isolated } else { send.fail(error) }
            }
        }
        _ = PQexitPipelineMode(handle)
        if !isolate.isEmpty { serve(isolate, coalescing: false) }
    }

    /// The statement with its plan in this connection's cache. A statement another unit of the
    /// same round trip is preparing runs unprepared here: whether that PREPARE succeeds is only
    /// known once its unit's answers are read (a failure earlier in that unit skips it), so
    /// nothing else in the round trip may rely on it. It counts as prepared once its unit
    /// succeeded (`settle`).
    private func plan(
        _ statement: BoundStatement, preparing: inout Set<PreparedStatements.Key>
    ) -> PostgresConnection.PipelinedStatement {
        var plan = statements.lookup(sql: statement.sql, types: statement.types)
        if case .prepare = plan, !preparing.insert(PreparedStatements.Key(sql: statement.sql, types: statement.types)).inserted {
            plan = .unprepared
        }
        return PostgresConnection.PipelinedStatement(statement, plan: plan)
    }

    /// Fails `units` and drops the connection (it is broken; the next batch reconnects).
    private func fail(_ units: ArraySlice<SharedPipeline.Unit>, with error: PostgresError) {
        for unit in units { unit.fail(error) }
        disconnect()
    }

    private func connected() throws(PostgresError) -> OpaquePointer {
        if let handle, PQstatus(handle) == CONNECTION_OK { return handle }
        disconnect()
        let opened = try PostgresConnection.blockingConnect(conninfo, readOnly: true)
        handle = opened
        return opened
    }

    private func disconnect() {
        guard let handle else { return }
        PQfinish(handle)
        self.handle = nil
        statements = PreparedStatements()
        logger.debug("closed a shared database connection", metadata: ["lane": "\(number)"])
    }
}
