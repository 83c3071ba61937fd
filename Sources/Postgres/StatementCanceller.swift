import CLibPQ
import Dispatch
import Foundation

/// Stops a connection's running statement when the task waiting for it is cancelled.
///
/// The task waits on the async executor while a pool thread blocks in libpq, so cancelling the
/// task alone would leave the statement running and the connection leased until it ends. Here
/// the cancellation sends the server a cancel request (`PQcancel`, which libpq allows from any
/// thread) on a thread of its own; the statement then fails with SQLSTATE 57014, the blocking call
/// returns, and the connection is free and healthy at once.
///
/// A cancel request must never reach a later statement on the same connection. So it is only
/// sent while a call is in the server's hands, and the call does not return until the request
/// has been delivered: libpq's `PQcancel` returns once the server has signalled the backend, and
/// a backend that has finished its statement ignores a cancel that arrives while it waits for the
/// next one.
final class StatementCanceller: @unchecked Sendable {
    private enum State {
        /// No call, or one that no cancellation concerns.
        case idle
        /// A call is queued for a pool thread.
        case queued
        /// A call was cancelled before it started: it will not start.
        case cancelledBeforeStart
        /// The call is in libpq.
        case running
        /// A cancel request for the running call is on its way.
        case cancelling
        /// The cancel request was delivered (or could not be).
        case cancelled
    }

    // From PQgetCancel; freed in deinit. Used only by `PQcancel`, which is thread-safe.
    private let cancel: OpaquePointer?
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var state = State.idle

    /// A canceller for the connection `handle`, made right after it connected.
    init(_ handle: LibPQHandle) {
        cancel = PQgetCancel(handle.pointer)
    }

    deinit {
        if let cancel { PQfreeCancel(cancel) }
    }

    /// Marks a call as queued; on the caller's task, before the call is handed to a thread.
    func willRun() {
        condition.withLock { state = .queued }
    }

    /// Runs the blocking `call` on the current (pool) thread, unless it was cancelled while
    /// queued. Returns its outcome and whether a cancel request was sent for it; waits for a
    /// cancel request still on its way.
    func run<T>(_ call: () throws(PostgresError) -> T) throws(CancellationError) -> (Result<T, PostgresError>, cancelled: Bool) {
        let start = condition.withLock { () -> Bool in
            if case .cancelledBeforeStart = state { return false }
            state = .running
            return true
        }
        guard start else {
            condition.withLock { state = .idle }
            throw CancellationError()
        }
        let outcome = Result(catching: call)
        let cancelled = condition.withLock { () -> Bool in
            while case .cancelling = state { condition.wait() }
            defer { state = .idle }
            if case .cancelled = state { return true }
            return false
        }
        return (outcome, cancelled)
    }

    /// The task waiting for the call was cancelled: keeps a queued call from starting, or asks
    /// the server to cancel a running one. Returns at once (the request goes from another thread).
    func taskCancelled() {
        let send = condition.withLock { () -> Bool in
            switch state {
            case .queued:
                state = .cancelledBeforeStart
                return false
            case .running:
                state = .cancelling
                return true
            case .idle, .cancelledBeforeStart, .cancelling, .cancelled:
                return false
            }
        }
        guard send else { return }
        // PQcancel opens a connection to the server and waits for it to close: never on the
        // caller's thread, which may be an event loop.
        DispatchQueue.global().async { [self] in
            var message = [CChar](repeating: 0, count: 256)
            if let cancel { _ = PQcancel(cancel, &message, Int32(message.count)) }
            condition.withLock {
                state = .cancelled
                condition.broadcast()
            }
        }
    }
}
