import NIOPosix

extension NIOThreadPool {
    /// Runs `body` on the pool like `runIfActive`, but whether the calling task is cancelled
    /// does not matter: `runIfActive` skips work whose task was cancelled before it started,
    /// which would also skip the ROLLBACK that a cancelled transaction needs. Stopping a
    /// statement on cancellation is `StatementCanceller`'s job.
    func runStatement<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            submit { state in
                guard case .active = state else {
                    continuation.resume(throwing: NIOThreadPoolError.ThreadPoolInactive())
                    return
                }
                continuation.resume(with: Result(catching: body))
            }
        }
    }
}
