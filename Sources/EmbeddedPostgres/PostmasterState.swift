import Foundation

/// What `postmaster.pid` says about the server of a cluster.
enum PostmasterState: Equatable, Sendable {
    /// No pid file.
    case absent
    /// A PostgreSQL server of this cluster runs as `pid`.
    case running(pid: Int32)
    /// The pid file names no process, or a process that is not this cluster's server.
    case stale

    /// Reads `postmaster.pid` and checks the process it names (blocking, cheap).
    static func inspect(_ layout: ClusterLayout) -> PostmasterState {
        guard let text = try? String(contentsOfFile: layout.postmasterPidFile, encoding: .utf8) else {
            return FileManager.default.fileExists(atPath: layout.postmasterPidFile) ? .stale : .absent
        }
        guard let firstLine = text.split(separator: "\n").first,
            let pid = Int32(firstLine.trimmingCharacters(in: .whitespaces)), pid > 0
        else { return .stale }
        return isServer(pid: pid, of: layout.dataDirectory) ? .running(pid: pid) : .stale
    }

    /// Removes the pid file and the socket files a dead server left behind, so a reused pid
    /// cannot make the new server refuse to start.
    static func removeLeftovers(_ layout: ClusterLayout) {
        for path in [layout.postmasterPidFile, layout.socketLockPath, layout.socketPath] {
            unlink(path)
        }
    }

    /// Whether `pid` is alive and is a PostgreSQL server working in `dataDirectory`. On Linux
    /// the process must not be a zombie, its name must be `postgres`, and its working directory
    /// (a server changes into its data folder) must be this one when it can be read.
    private static func isServer(pid: Int32, of dataDirectory: String) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else {
            // No /proc (macOS), or the process just ended.
            return !FileManager.default.fileExists(atPath: "/proc/self/stat")
        }
        // "pid (comm) S …": the state follows the last ')'.
        guard let close = stat.lastIndex(of: ")"),
            let state = stat[stat.index(after: close)...].first(where: { $0 != " " }),
            state != "Z", state != "X",
            let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
            comm.trimmingCharacters(in: .whitespacesAndNewlines) == "postgres"
        else { return false }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/\(pid)/cwd", &buffer, buffer.count - 1)
        guard length >= 0 else { return errno == EACCES }
        let cwd = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return cwd == URL(fileURLWithPath: dataDirectory).resolvingSymlinksInPath().path
    }
}
