import Logging

/// Keeps a running embedded cluster's server up: when the postmaster exits without Tally asking
/// (the OOM killer, `pg_ctl stop -m immediate`, a crash), it is started again; PostgreSQL's own
/// crash recovery then replays what was committed. A start that fails is tried again after a
/// pause that doubles each time, up to `Policy.longestPause`.
///
/// `run()` returns when its task is cancelled or when the cluster is stopped (`RunningCluster.stop()`
/// releases the claim, and the supervisor never starts a server it no longer holds).
public struct ClusterSupervisor: Sendable {
    /// How often to look, and how long to wait between failed starts.
    public struct Policy: Sendable {
        /// The pause between two looks at the postmaster.
        public var interval: Duration
        /// The pause after the first failed start.
        public var firstPause: Duration
        /// The longest pause between failed starts.
        public var longestPause: Duration

        /// Looks every second; pauses 1 s, 2 s, 4 s … up to 30 s between failed starts.
        public init(interval: Duration = .seconds(1), firstPause: Duration = .seconds(1), longestPause: Duration = .seconds(30)) {
            self.interval = interval
            self.firstPause = firstPause
            self.longestPause = longestPause
        }
    }

    /// What the supervisor saw, for logs, metrics and tests.
    public enum Event: Sendable, Equatable {
        /// The server was found gone.
        case exited
        /// The server accepts connections again, after `attempts` starts.
        case restarted(attempts: Int)
        /// A start failed; another follows after `pause`.
        case startFailed(attempt: Int, pause: Duration)
    }

    let cluster: RunningCluster
    let policy: Policy
    let logger: Logger
    let onEvent: @Sendable (Event) -> Void

    /// A supervisor for `cluster`; `onEvent` hears of every exit, restart and failed start.
    public init(
        cluster: RunningCluster, policy: Policy = Policy(), logger: Logger, onEvent: @escaping @Sendable (Event) -> Void = { _ in }
    ) {
        self.cluster = cluster
        self.policy = policy
        self.logger = logger
        self.onEvent = onEvent
    }

    /// Watches until cancelled or until the cluster is stopped.
    public func run() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: policy.interval)
                guard try await !cluster.isServerRunning() else { continue }
                logger.warning("the database server exited unexpectedly; starting it again", metadata: ["folder": "\(cluster.dataDirectory)"])
                onEvent(.exited)
                try await restart()
            } catch {
                // Cancelled, or the cluster was stopped and released: nothing left to watch.
                return
            }
        }
    }

    /// Starts the server until it runs, pausing longer after each failure.
    private func restart() async throws {
        var pause = policy.firstPause
        var attempt = 1
        while true {
            do {
                try await cluster.startServerIfStopped()
                logger.notice("the database server runs again", metadata: ["attempts": "\(attempt)"])
                onEvent(.restarted(attempts: attempt))
                return
            } catch let error as EmbeddedPostgresError {
                if case .clusterReleased = error { throw error }
                logger.error(
                    "the database server did not start; trying again",
                    metadata: ["attempt": "\(attempt)", "pause": "\(pause)", "error": "\(error)"])
                onEvent(.startFailed(attempt: attempt, pause: pause))
            }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, policy.longestPause)
            attempt += 1
        }
    }
}
