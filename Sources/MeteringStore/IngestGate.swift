import Synchronization

/// Lets at most `limit` ingest transactions run at once in this process; the others wait,
/// suspended, before they open theirs.
///
/// Every batch adds to the same few rollup rows (`daily_usage`, `period_usage`: one per account,
/// day, feature and model), so concurrent ingest transactions queue on those rows' locks anyway,
/// one after another. Letting 16 of them in at once only made each hold its snapshot and locks
/// longer: PostgreSQL cannot prune the rollup rows' old versions while such snapshots live, so
/// every conflict check of every upsert walked longer and longer version chains (the profile's
/// top cost). Waiting here instead costs nothing in the database, and validation, which runs
/// before the gate, still uses every core. With several app instances the total is
/// `instances × limit`.
final class IngestGate: Sendable {
    private struct State {
        var available: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    /// A gate with `limit` permits (at least one).
    init(limit: Int) {
        state = Mutex(State(available: max(1, limit)))
    }

    /// Runs `body` holding a permit; waiters are let in first come, first served.
    func withPermit<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        await acquire()
        do {
            let result = try await body()
            release()
            return result
        } catch {
            release()
            throw error
        }
    }

    private func acquire() async {
        let admitted = state.withLock { state -> Bool in
            guard state.available > 0 else { return false }
            state.available -= 1
            return true
        }
        if admitted { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let admittedNow = state.withLock { state -> Bool in
                if state.available > 0 {
                    state.available -= 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if admittedNow { continuation.resume() }
        }
    }

    /// Hands the permit to the longest waiter, or returns it.
    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiters.isEmpty else {
                state.available += 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
