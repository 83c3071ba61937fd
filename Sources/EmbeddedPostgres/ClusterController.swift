import Foundation
import Logging

/// Runs initdb and pg_ctl for one cluster. Every method blocks: call them from a dedicated thread.
struct ClusterController: Sendable {
    let layout: ClusterLayout
    let binaries: ClusterBinaries
    let user: ClusterUser
    let logger: Logger
    /// Seconds pg_ctl waits for the server to start or stop.
    let timeoutSeconds: Int

    /// Creates the cluster unless `data` already holds one. initdb writes into a scratch folder
    /// that is renamed into place only when complete, so a crash mid-way never leaves a folder
    /// that looks initialised. Returns whether it created the cluster.
    @discardableResult
    func initialiseIfNeeded(superuser: String, durability: EmbeddedPostgres.Options.Durability) throws -> Bool {
        if layout.clusterMajorVersion != nil { return false }
        try removeEmptyDataFolder()
        logger.info("creating database cluster", metadata: ["folder": "\(layout.root)"])
        try? FileManager.default.removeItem(atPath: layout.initdbScratch)
        var arguments = [
            "--pgdata=\(layout.initdbScratch)", "--username=\(superuser)", "--auth=trust",
            "--encoding=UTF8", "--no-locale",
        ]
        if durability == .fast { arguments.append("--no-sync") }
        let result = try user.run(binaries.initdb, arguments)
        guard result.succeeded else {
            try? FileManager.default.removeItem(atPath: layout.initdbScratch)
            throw EmbeddedPostgresError.initdbFailed(output: result.tail())
        }
        try appendInclude(to: layout.initdbScratch + "/postgresql.conf")
        guard rename(layout.initdbScratch, layout.dataDirectory) == 0 else {
            throw EmbeddedPostgresError.fileSystem(path: layout.dataDirectory, reason: String(cString: strerror(errno)))
        }
        return true
    }

    /// Writes tally.conf for this run.
    func writeSettings(_ settings: ClusterSettings) throws {
        try ClusterLayout.writeFile(layout.settingsFile, settings.fileContents)
        try user.adopt(layout.settingsFile)
    }

    /// Makes way for our server: stops an orphan left by a crashed tally (nobody holds the claim,
    /// since we do) and removes the files of a server that is gone.
    func clearPreviousServer() throws {
        switch PostmasterState.inspect(layout) {
        case .absent:
            PostmasterState.removeLeftovers(layout)
        case .stale:
            logger.info("removing a stale server pid file", metadata: ["folder": "\(layout.root)"])
            PostmasterState.removeLeftovers(layout)
        case .running(let pid):
            logger.warning("stopping an orphaned database server", metadata: ["pid": "\(pid)"])
            try stopServer()
        }
    }

    /// `pg_ctl start`, waiting until the server accepts connections.
    func startServer() throws {
        logger.info("starting database", metadata: ["socket": "\(layout.socketDirectory)"])
        let result = try user.run(
            binaries.pgCtl,
            ["-D", layout.dataDirectory, "-l", layout.logFile, "-w", "-t", "\(timeoutSeconds)", "start"]
        )
        guard result.succeeded else {
            // A server that is still starting would otherwise run on unclaimed.
            if case .running = PostmasterState.inspect(layout) { try? stopServer() }
            throw EmbeddedPostgresError.startFailed(logTail: startFailureDetails(result))
        }
    }

    /// `pg_ctl stop -m fast`, falling back to `-m immediate`; nothing when no server runs.
    func stopServer() throws {
        guard case .running = PostmasterState.inspect(layout) else {
            PostmasterState.removeLeftovers(layout)
            return
        }
        logger.info("stopping database", metadata: ["folder": "\(layout.root)"])
        let fast = try pgCtlStop(mode: "fast")
        if fast.succeeded { return }
        logger.warning("database did not stop in fast mode", metadata: ["output": "\(fast.tail(5))"])
        let immediate = try pgCtlStop(mode: "immediate")
        guard immediate.succeeded else {
            throw EmbeddedPostgresError.stopFailed(output: fast.tail() + "\n" + immediate.tail())
        }
    }

    private func pgCtlStop(mode: String) throws -> ProcessResult {
        try user.run(binaries.pgCtl, ["-D", layout.dataDirectory, "-m", mode, "-w", "-t", "\(timeoutSeconds)", "stop"])
    }

    /// The end of the server log, or pg_ctl's own output when the log says nothing.
    private func startFailureDetails(_ result: ProcessResult) -> String {
        let log = (try? String(contentsOfFile: layout.logFile, encoding: .utf8)) ?? ""
        let tail = lastLines(of: log, count: 20)
        return tail.isEmpty ? result.tail() : tail + "\n(pg_ctl: " + result.tail(3) + ")"
    }

    private func appendInclude(to configFile: String) throws {
        guard let handle = FileHandle(forWritingAtPath: configFile) else {
            throw EmbeddedPostgresError.fileSystem(path: configFile, reason: "cannot open it for writing")
        }
        defer { try? handle.close() }
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(ClusterSettings.includeLine.utf8))
        } catch {
            throw EmbeddedPostgresError.fileSystem(path: configFile, reason: "\(error)")
        }
    }

    /// An empty `data` folder (made by hand, or by an old crash) is removed; anything else that
    /// is not a cluster is left alone and reported.
    private func removeEmptyDataFolder() throws {
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: layout.dataDirectory) else { return }
        let contents = (try? fileManager.contentsOfDirectory(atPath: layout.dataDirectory)) ?? ["?"]
        guard contents.isEmpty else { throw EmbeddedPostgresError.notACluster(path: layout.dataDirectory) }
        try? fileManager.removeItem(atPath: layout.dataDirectory)
    }
}
