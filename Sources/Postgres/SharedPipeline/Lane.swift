import Foundation
import Logging

/// One shared connection and the thread that drives it.
final class Lane: @unchecked Sendable {
    /// The most units one round trip carries.
    static let batchLimit = 64

    private let number: Int
    private let conninfo: String
    private let statementTimeout: Duration?
    private let queue: UnitQueue
    private let logger: Logger
    // Used only on the lane's thread.
    private var connection: LaneConnection?
    // Signalled when the thread has ended.
    private let done = DispatchSemaphore(value: 0)

    init(number: Int, conninfo: String, statementTimeout: Duration?, queue: UnitQueue, logger: Logger) {
        self.number = number
        self.conninfo = conninfo
        self.statementTimeout = statementTimeout
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

    /// Sends every unit of `batch`, then reads and hands out their answers in order. Reads whose
    /// shared statement failed are then sent again one by one.
    private func serve(_ batch: [SharedPipeline.Unit], coalescing: Bool = true) {
        let connection: LaneConnection
        do {
            connection = try connected()
        } catch {
            for unit in batch { unit.fail(error) }
            return
        }
        var isolate: [SharedPipeline.Unit] = []
        let sends = LaneSend.sends(for: batch, coalescing: coalescing, isolate: &isolate)
        // A connection that fails here is broken: nothing sent comes back.
        func abandon(_ unanswered: ArraySlice<LaneSend>, with error: PostgresError) {
            for send in unanswered { send.fail(error) }
            fail(isolate[...], with: error)
        }
        guard !sends.isEmpty else {
            if !isolate.isEmpty { serve(isolate, coalescing: false) }
            return
        }
        var planned: [[PipelinedStatement]] = []
        planned.reserveCapacity(sends.count)
        do throws(PostgresError) {
            try connection.beginRoundTrip()
            var preparing: Set<PreparedStatements.Key> = []
            for send in sends {
                let unit = send.statements.map { connection.plan($0, preparing: &preparing) }
                try connection.send(unit)
                planned.append(unit)
            }
        } catch {
            abandon(sends[...], with: error)
            return
        }
        for (index, send) in sends.enumerated() {
            let outcome = connection.read(planned[index])
            connection.settle(planned[index], failure: outcome.failure)
            switch outcome {
            case .success(let results):
                send.answer(results)
            case .failure(let error):
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
        connection.endRoundTrip()
        if !isolate.isEmpty { serve(isolate, coalescing: false) }
    }

    /// Fails `units` and drops the connection (it is broken; the next batch reconnects).
    private func fail(_ units: ArraySlice<SharedPipeline.Unit>, with error: PostgresError) {
        for unit in units { unit.fail(error) }
        disconnect()
    }

    private func connected() throws(PostgresError) -> LaneConnection {
        if let connection, connection.isOK { return connection }
        disconnect()
        let opened = try LaneConnection(conninfo: conninfo, statementTimeout: statementTimeout)
        connection = opened
        return opened
    }

    private func disconnect() {
        guard connection != nil else { return }
        connection = nil
        logger.debug("closed a shared database connection", metadata: ["lane": "\(number)"])
    }
}

extension Result {
    /// The error of a failure; nil for a success.
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
