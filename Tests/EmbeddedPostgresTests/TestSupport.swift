import Foundation
import Logging
import Testing

@testable import EmbeddedPostgres

/// A throwaway folder under /tmp whose `dataDirectory` child holds one test's cluster.
struct TestFolder {
    /// The folder itself (0755, so the `postgres` user can pass through it when tests run as root).
    let path: String

    /// The embedded cluster's data folder inside `path`.
    var dataDirectory: String { path + "/pg" }

    init() throws {
        var template = Array("/tmp/tally-ept-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        path = String(cString: created)
        chmod(path, 0o755)
    }

    /// Options for a fast throwaway cluster in this folder.
    func options(durability: EmbeddedPostgres.Options.Durability = .fast) -> EmbeddedPostgres.Options {
        EmbeddedPostgres.Options(dataDirectory: dataDirectory, durability: durability, maxConnections: 20)
    }

    /// Kills any server still running in the folder, then deletes the folder.
    func remove() {
        let layout = try? ClusterLayout(dataDirectory: dataDirectory, port: 5432)
        if let layout, case .running = PostmasterState.inspect(layout),
            let binaries = try? ClusterBinaries.locate(.standard, preferredMajor: nil),
            let user = try? ClusterUser.resolve(systemUser: "postgres")
        {
            _ = try? user.run(binaries.pgCtl, ["-D", layout.dataDirectory, "-m", "immediate", "-w", "stop"])
        }
        try? FileManager.default.removeItem(atPath: path)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` with a fresh folder, removing it (and any server in it) afterwards.
func withTestFolder(_ body: (TestFolder) async throws -> Void) async throws {
    let folder = try TestFolder()
    do {
        try await body(folder)
    } catch {
        folder.remove()
        throw error
    }
    folder.remove()
}

/// A logger that prints nothing.
let quietLogger = Logger(label: "EmbeddedPostgresTests") { _ in SwiftLogNoOpLogHandler() }

/// Starts the cluster of `folder`.
func startCluster(
    _ folder: TestFolder,
    durability: EmbeddedPostgres.Options.Durability = .fast
) async throws -> RunningCluster {
    try await EmbeddedPostgres(options: folder.options(durability: durability), logger: quietLogger).start()
}

/// Starts the cluster of `folder`, capturing the outcome.
func attemptStart(_ folder: TestFolder) async -> Result<RunningCluster, any Error> {
    do {
        return .success(try await startCluster(folder))
    } catch {
        return .failure(error)
    }
}

/// Runs `sql` with psql over the cluster's socket and returns its unaligned output.
func psql(_ cluster: RunningCluster, _ sql: String) throws -> ProcessResult {
    let bundled = cluster.binaryDirectory + "/psql"
    let executable = FileManager.default.isExecutableFile(atPath: bundled) ? bundled : "/usr/bin/psql"
    return try ProcessRunner.run(
        executable,
        ["-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", cluster.connectionString(database: "postgres"), "-c", sql]
    )
}

/// The trimmed output of `sql`, failing the test when psql fails.
func query(_ cluster: RunningCluster, _ sql: String) throws -> String {
    let result = try psql(cluster, sql)
    guard result.succeeded else { throw TestFailure("psql failed: \(result.output)") }
    return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Whether a process with `pid` exists and is not a zombie.
func isAlive(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 || errno == EPERM else { return false }
    let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    guard let close = stat.lastIndex(of: ")") else { return !stat.isEmpty }
    return !stat[stat.index(after: close)...].hasPrefix(" Z")
}

/// Whether `pid` exits within five seconds. A server removes its pid file (which is what
/// `pg_ctl stop -w` waits for) a moment before its process ends. The server is no child of ours,
/// so this waits on a pidfd, which the kernel makes readable when the process ends.
func exitsSoon(_ pid: Int32) -> Bool {
    guard isAlive(pid) else { return true }
    let descriptor = pidfdOpen(pid, 0)
    // ESRCH: it ended between the two looks.
    guard descriptor >= 0 else { return errno == ESRCH }
    defer { close(descriptor) }
    var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
    return poll(&entry, 1, 5_000) == 1
}

/// glibc's `pidfd_open(2)` (2.36 and later), which the Glibc module does not import.
private let pidfdOpen: @convention(c) (pid_t, UInt32) -> Int32 = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: -2), "pidfd_open") else {
        preconditionFailure("this C library has no pidfd_open")
    }
    return unsafeBitCast(symbol, to: (@convention(c) (pid_t, UInt32) -> Int32).self)
}()

/// A pid that belonged to a process which has exited.
func deadPid() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
}

/// The pid of the server of `cluster`, from postmaster.pid.
func serverPid(_ cluster: RunningCluster) throws -> Int32 {
    let text = try String(contentsOfFile: cluster.dataDirectory + "/data/postmaster.pid", encoding: .utf8)
    guard let line = text.split(separator: "\n").first, let pid = Int32(line) else {
        throw TestFailure("unreadable postmaster.pid")
    }
    return pid
}

/// The error `body` throws, as an `EmbeddedPostgresError`.
func embeddedError(_ body: () async throws -> Void) async -> EmbeddedPostgresError? {
    do {
        try await body()
        return nil
    } catch {
        return error as? EmbeddedPostgresError
    }
}
