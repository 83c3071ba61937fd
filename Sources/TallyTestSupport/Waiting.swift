import Synchronization

/// Returns once `condition` holds, looking again after each `Task.yield()`: for state inside the
/// test process (a pool's queue, a counter) that has no event to wait on. No timer is involved;
/// `timeout` only bounds a wait for something that never comes, with ``ConditionNeverHeld``.
public func waitUntil(
    _ what: String, timeout: Duration = .seconds(60), _ condition: () -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { throw ConditionNeverHeld(condition: what) }
        await Task.yield()
    }
}

/// A gate that opens once: tasks that `wait()` resume when it opens, and every later `wait()`
/// returns at once. For ordering steps across tasks without sleeping ("hold the lock until the
/// other side has tried").
public final class TestLatch: Sendable {
    private struct State {
        var isOpen = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// A closed latch.
    public init() {}

    /// Opens the latch and resumes every waiter; opening it again does nothing.
    public func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.isOpen else { return [] }
            state.isOpen = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the latch is open.
    public func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.isOpen { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}
