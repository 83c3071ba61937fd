import Foundation
import Logging

/// A private PostgreSQL cluster in a data folder of Tally's own, run with the installed
/// PostgreSQL's `initdb` and `pg_ctl`.
///
/// The server listens only on a Unix socket inside the folder (no TCP port), and trusts local
/// connections: the socket's folder is private (0700) to the user that runs the server. When
/// Tally runs as root, the server runs as the `postgres` system user, because PostgreSQL refuses
/// to run as root.
///
/// ```swift
/// let embedded = EmbeddedPostgres(options: .init(dataDirectory: ".tally/postgres"), logger: logger)
/// let cluster = try await embedded.start()
/// let conninfo = cluster.connectionString(database: "tally")
/// // … serve …
/// try await cluster.stop()
/// ```
public struct EmbeddedPostgres: Sendable {
    /// How the cluster is laid out and run.
    public struct Options: Sendable {
        /// What the server does to keep committed data across a crash.
        public enum Durability: Sendable, Equatable {
            /// PostgreSQL's defaults: fsync, synchronous commit and full page writes on.
            case full
            /// fsync, synchronous_commit and full_page_writes off: a crash of the machine can
            /// lose or corrupt data. For tests and demos only.
            case fast
        }

        /// The data folder, absolute or relative to the working directory.
        public var dataDirectory: String
        /// Crash safety versus speed; may change from one start to the next.
        public var durability: Durability
        /// The server's `max_connections`.
        public var maxConnections: Int
        /// The cluster's superuser role, created by initdb.
        public var superuser: String
        /// The port number that names the socket file (`.s.PGSQL.<port>`); no TCP port is opened.
        public var port: Int
        /// The system user that runs the server when Tally runs as root.
        public var systemUser: String
        /// Where to find `initdb` and `pg_ctl`.
        public var binarySearch: BinarySearch
        /// Seconds to wait for the server to start or stop.
        public var timeoutSeconds: Int
        /// The server's `shared_buffers` in MiB; nil sizes it from the machine's memory (see
        /// `ClusterSettings.sharedBuffers(forPhysicalMemory:)`).
        public var sharedBuffersMiB: Int?

        /// Creates options; every value has a default suited to `tally serve`.
        public init(
            dataDirectory: String = ".tally/postgres",
            durability: Durability = .full,
            maxConnections: Int = 200,
            superuser: String = "postgres",
            port: Int = 5432,
            systemUser: String = "postgres",
            binarySearch: BinarySearch = .standard,
            timeoutSeconds: Int = 60,
            sharedBuffersMiB: Int? = nil
        ) {
            self.sharedBuffersMiB = sharedBuffersMiB
            self.dataDirectory = dataDirectory
            self.durability = durability
            self.maxConnections = maxConnections
            self.superuser = superuser
            self.port = port
            self.systemUser = systemUser
            self.binarySearch = binarySearch
            self.timeoutSeconds = timeoutSeconds
        }
    }

    /// The options this cluster runs with.
    public let options: Options
    let logger: Logger

    /// Describes a cluster; nothing happens until `start()`.
    public init(options: Options = Options(), logger: Logger) {
        self.options = options
        self.logger = logger
    }

    /// Creates the cluster on first use (initdb) and starts it; returns when it accepts
    /// connections, holding Tally's claim on the folder until `RunningCluster.stop()`.
    ///
    /// A server left running by a crashed tally is stopped and started afresh; the files of a
    /// server that is gone are removed.
    ///
    /// - Throws: `EmbeddedPostgresError`, e.g. `inUse` when another tally holds the folder.
    public func start() async throws -> RunningCluster {
        try await runOnDedicatedThread { [self] in try startBlocking() }
    }

    /// The conninfo of this folder's cluster while another tally process holds it, so one-shot
    /// commands can work beside a running `tally serve` without starting or stopping anything.
    public func connectionStringWhileHeldElsewhere(database: String, user: String) throws -> String {
        let layout = try ClusterLayout(dataDirectory: options.dataDirectory, port: options.port)
        return [("host", layout.socketDirectory), ("port", String(layout.port)), ("user", user), ("dbname", database)]
            .map { "\($0.0)=\(conninfoValue($0.1))" }
            .joined(separator: " ")
    }

    /// The whole start sequence; blocking.
    func startBlocking() throws -> RunningCluster {
        try validateOptions()
        let layout = try ClusterLayout(dataDirectory: options.dataDirectory, port: options.port)
        let binaries = try ClusterBinaries.locate(options.binarySearch, preferredMajor: layout.clusterMajorVersion)
        let user = try ClusterUser.resolve(systemUser: options.systemUser)
        try prepareFolder(layout, for: user)
        let claim = try ClusterClaim.acquire(layout)
        let controller = ClusterController(
            layout: layout, binaries: binaries, user: user,
            logger: logger, timeoutSeconds: options.timeoutSeconds
        )
        do {
            try startServer(controller)
        } catch {
            claim.release(layout)
            throw error
        }
        return RunningCluster(controller: controller, superuser: options.superuser, claim: claim)
    }

    private func startServer(_ controller: ClusterController) throws {
        let layout = controller.layout
        try controller.initialiseIfNeeded(superuser: options.superuser, durability: options.durability)
        try ClusterLayout.makeFolder(layout.socketDirectory)
        try controller.user.adopt(layout.socketDirectory)
        try controller.writeSettings(
            ClusterSettings(
                port: layout.port, socketDirectory: layout.socketDirectory,
                maxConnections: options.maxConnections, durability: options.durability,
                sharedBuffersMiB: options.sharedBuffersMiB
                    ?? ClusterSettings.sharedBuffers(forPhysicalMemory: ProcessInfo.processInfo.physicalMemory)
            )
        )
        try controller.clearPreviousServer()
        try controller.startServer()
    }

    /// Creates the data folder and, when the server runs as another user, gives it to that user
    /// and checks the user can reach it.
    private func prepareFolder(_ layout: ClusterLayout, for user: ClusterUser) throws {
        try ClusterLayout.makeFolder(layout.root)
        try user.adoptTreeIfForeign(layout.root)
        try user.checkCanWrite(layout.root)
    }

    private func validateOptions() throws {
        guard (1...65_535).contains(options.port) else {
            throw EmbeddedPostgresError.invalidOption(name: "port", reason: "\(options.port) is not in 1...65535")
        }
        guard options.maxConnections >= 1 else {
            throw EmbeddedPostgresError.invalidOption(name: "maxConnections", reason: "it must be at least 1")
        }
        guard !options.superuser.isEmpty, !options.superuser.contains("\0") else {
            throw EmbeddedPostgresError.invalidOption(name: "superuser", reason: "it must be a role name")
        }
        guard options.timeoutSeconds >= 1 else {
            throw EmbeddedPostgresError.invalidOption(name: "timeoutSeconds", reason: "it must be at least 1")
        }
    }
}
