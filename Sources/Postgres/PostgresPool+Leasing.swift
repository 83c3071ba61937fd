import Logging
import Synchronization

extension PostgresPool {
    enum Decision {
        case use(PostgresConnection)
        case open
        case wait
        case shutDown
    }

    /// Takes an idle connection, opens a new one, or waits for one to come back.
    func acquire() async throws -> PostgresConnection {
        while true {
            let decision = state.withLock { state -> Decision in
                if state.isShutDown { return .shutDown }
                if let connection = state.idle.popLast() {
                    state.leased += 1
                    return .use(connection)
                }
                if state.leased + state.opening < configuration.maxConnections {
                    state.opening += 1
                    return .open
                }
                return .wait
            }
            switch decision {
            case .shutDown:
                throw PostgresError(.poolClosed)
            case .open:
                return try await open()
            case .use(let connection):
                if let usable = try await checkIdle(connection) { return usable }
            case .wait:
                switch try await waitForLease() {
                case .permitToOpen: return try await open()
                case .connection(let connection):
                    if let usable = try await checkIdle(connection) { return usable }
                }
            }
        }
    }

    /// Returns the connection if the server did not close it while idle; else closes it and opens
    /// a replacement in its slot.
    private func checkIdle(_ connection: PostgresConnection) async throws -> PostgresConnection? {
        if connection.isAliveAfterIdle() { return connection }
        connection.close()
        state.withLock { state in
            state.leased -= 1
            state.opening += 1
            state.statistics.closed += 1
        }
        logger.info("dropped a database connection the server closed")
        return try await open()
    }

    /// Opens a connection in a slot already counted in `opening`.
    private func open() async throws -> PostgresConnection {
        do {
            let connection = try await PostgresConnection.connect(
                to: configuration.conninfo, threadPool: threadPool, logger: logger,
                statementTimeout: configuration.statementTimeout)
            state.withLock { state in
                state.opening -= 1
                state.leased += 1
                state.statistics.opened += 1
            }
            return connection
        } catch {
            let waiter = state.withLock { state -> Waiter? in
                state.opening -= 1
                guard !state.isShutDown, !state.waiters.isEmpty else { return nil }
                state.opening += 1
                return state.waiters.removeFirst()
            }
            waiter?.continuation.resume(returning: .permitToOpen)
            if let error = error as? PostgresError {
                logger.warning("cannot connect to the database", metadata: error.logMetadata.mapValues { .string($0) })
            }
            throw error
        }
    }

    /// Takes a connection back: to a waiter, to the idle list, or closed if it is not reusable.
    func release(_ connection: PostgresConnection) {
        let reusable = connection.isReusable
        let handOff = state.withLock { state -> (Waiter, Lease)? in
            if reusable, !state.isShutDown {
                if !state.waiters.isEmpty { return (state.waiters.removeFirst(), .connection(connection)) }
                state.leased -= 1
                state.idle.append(connection)
                return nil
            }
            state.leased -= 1
            state.statistics.closed += 1
            guard !state.isShutDown, !state.waiters.isEmpty else { return nil }
            state.opening += 1
            return (state.waiters.removeFirst(), .permitToOpen)
        }
        if !reusable || handOff.map({ if case .permitToOpen = $0.1 { return true } else { return false } }) == true {
            connection.close()
        }
        if let (waiter, lease) = handOff {
            waiter.continuation.resume(returning: lease)
        }
    }

    private func waitForLease() async throws -> Lease {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let deadline = ContinuousClock.now.advanced(by: configuration.acquireTimeout)
                let (enqueued, startSweeper) = state.withLock { state -> (Bool, Bool) in
                    guard !state.isShutDown else { return (false, false) }
                    state.waiters.append(Waiter(id: id, continuation: continuation, deadline: deadline))
                    defer { state.isSweeping = true }
                    return (true, !state.isSweeping)
                }
                if !enqueued {
                    continuation.resume(throwing: PostgresError(.poolClosed))
                } else if startSweeper {
                    Task { await self.sweepExpiredWaiters() }
                }
            }
        } onCancel: {
            self.abandonWait(id, with: CancellationError())
        }
    }

    /// Times out waiters whose deadline has passed, sleeping until the first one's deadline;
    /// ends when nobody waits (the next waiter starts it again).
    private func sweepExpiredWaiters() async {
        let clock = ContinuousClock()
        while true {
            let now = clock.now
            let (expired, next) = state.withLock { state -> ([Waiter], ContinuousClock.Instant?) in
                let count = state.waiters.prefix { $0.deadline <= now }.count
                let expired = Array(state.waiters.prefix(count))
                state.waiters.removeFirst(count)
                state.statistics.timeouts += count
                guard let first = state.waiters.first else {
                    state.isSweeping = false
                    return (expired, nil)
                }
                return (expired, first.deadline)
            }
            for waiter in expired { waiter.continuation.resume(throwing: PostgresError(.poolTimeout)) }
            guard let next else { return }
            try? await clock.sleep(until: next)
        }
    }

    /// Removes a waiter that was cancelled, if nobody served it meanwhile.
    private func abandonWait(_ id: UInt64, with error: any Error) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: error)
    }
}
