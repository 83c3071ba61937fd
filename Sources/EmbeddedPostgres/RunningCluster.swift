import Foundation
import Synchronization

/// A started embedded cluster, and Tally's claim on its data folder.
///
/// Call `stop()` on shutdown. A `RunningCluster` dropped without `stop()` releases the claim
/// but leaves the server running; the next `start()` on the folder stops it and starts afresh.
public final class RunningCluster: Sendable {
    /// The folder holding the Unix socket (libpq's `host`).
    public let socketDirectory: String
    /// The port number in the socket's name (libpq's `port`); no TCP port is open.
    public let port: Int
    /// The cluster's superuser role.
    public let superuser: String
    /// The absolute data folder.
    public let dataDirectory: String
    /// The folder of the PostgreSQL programs in use (initdb, pg_ctl, and usually psql, pg_dump).
    public let binaryDirectory: String

    let controller: ClusterController
    /// The claim while held; nil once released. Operations hold the mutex while they run (on a
    /// dedicated thread), so stop and restart never interleave.
    private let claim: Mutex<ClusterClaim?>

    init(controller: ClusterController, superuser: String, claim: ClusterClaim) {
        self.controller = controller
        self.socketDirectory = controller.layout.socketDirectory
        self.port = controller.layout.port
        self.superuser = superuser
        self.dataDirectory = controller.layout.root
        self.binaryDirectory = controller.binaries.directory
        self.claim = Mutex(claim)
    }

    deinit {
        claim.withLock { $0?.abandon() }
    }

    /// A libpq conninfo string for `database` on this cluster, as `user` (default: the superuser),
    /// e.g. `host=/srv/tally/postgres/run port=5432 user=postgres dbname=tally`.
    public func connectionString(database: String, user: String? = nil) -> String {
        [
            ("host", socketDirectory), ("port", String(port)),
            ("user", user ?? superuser), ("dbname", database),
        ]
        .map { "\($0.0)=\(conninfoValue($0.1))" }
        .joined(separator: " ")
    }

    /// Stops the server (`pg_ctl stop -m fast`) and releases Tally's claim on the folder.
    /// Calling it again does nothing. When the server does not stop, the claim is kept and the
    /// error thrown, so the call can be retried.
    public func stop() async throws {
        try await runOnDedicatedThread { [self] in
            try claim.withLock { held in
                guard let current = held else { return }
                try controller.stopServer()
                current.release(controller.layout)
                held = nil
            }
        }
    }

    /// Stops the server but keeps Tally's claim on the folder, to simulate a database restart
    /// under a running app (with `startServerAgain()`).
    public func stopServerOnly() async throws {
        try await whileClaimed { try $0.stopServer() }
    }

    /// Starts the server again after `stopServerOnly()` (or after it died); returns when it
    /// accepts connections.
    public func startServerAgain() async throws {
        try await whileClaimed { controller in
            try controller.clearPreviousServer()
            try controller.startServer()
        }
    }

    /// Whether the server runs (its pid file names a live postmaster of this folder).
    ///
    /// - Throws: ``EmbeddedPostgresError/clusterReleased(folder:)`` once the cluster was stopped.
    public func isServerRunning() async throws -> Bool {
        try await whileClaimed { controller in
            if case .running = PostmasterState.inspect(controller.layout) { return true }
            return false
        }
    }

    /// Starts the server when it is not running (see `ClusterSupervisor`); returns when it
    /// accepts connections. Does nothing when it runs.
    public func startServerIfStopped() async throws {
        try await whileClaimed { controller in
            if case .running = PostmasterState.inspect(controller.layout) { return }
            try controller.clearPreviousServer()
            try controller.startServer()
        }
    }

    /// Releases the claim without stopping the server or removing tally.pid, as a crash would.
    /// For tests of orphan recovery.
    func abandonForTesting() {
        claim.withLock { held in
            held?.abandon()
            held = nil
        }
    }

    private func whileClaimed<T: Sendable>(_ body: @escaping @Sendable (ClusterController) throws -> T) async throws -> T {
        try await runOnDedicatedThread { [self] in
            try claim.withLock { held in
                guard held != nil else {
                    throw EmbeddedPostgresError.clusterReleased(folder: controller.layout.displayPath)
                }
                return try body(controller)
            }
        }
    }
}

/// `value` as a libpq conninfo value: bare when it can be, else single-quoted with `\` escapes.
func conninfoValue(_ value: String) -> String {
    let plain = !value.isEmpty && !value.contains { $0 == " " || $0 == "'" || $0 == "\\" || $0.isWhitespace }
    if plain { return value }
    let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
    return "'" + escaped + "'"
}
