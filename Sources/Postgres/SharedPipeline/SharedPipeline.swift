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

    /// Starts `count` lanes to `conninfo` (they connect on first use), whose statements run
    /// under `statementTimeout`.
    init(conninfo: String, count: Int, statementTimeout: Duration?, logger: Logger) {
        let queue = UnitQueue()
        self.queue = queue
        lanes = (0..<count).map { index in
            Lane(number: index, conninfo: conninfo, statementTimeout: statementTimeout, queue: queue, logger: logger)
        }
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
