/// Why a private PostgreSQL cluster could not be created, started or stopped.
///
/// Each `description` says what went wrong and what to do about it, so the `tally` command can print
/// it as is.
public enum EmbeddedPostgresError: Error, CustomStringConvertible, Sendable, Equatable {
    /// `initdb` and `pg_ctl` were not found in any of the `searched` places.
    case binariesNotFound(searched: [String])
    /// Another process (`pid`, when known) holds the data folder.
    case inUse(pid: Int32?, folder: String)
    /// Tally runs as root but there is no system user to run PostgreSQL as.
    case postgresUserMissing(user: String)
    /// The system user that runs PostgreSQL cannot reach or write the data folder.
    case folderNotReachable(path: String, user: String, hint: String)
    /// The Unix socket path would not fit in `sockaddr_un` (at most `limit` bytes).
    case socketPathTooLong(path: String, limit: Int)
    /// The cluster folder exists, is not empty, and does not hold a PostgreSQL cluster.
    case notACluster(path: String)
    /// An option has a value that cannot work.
    case invalidOption(name: String, reason: String)
    /// `initdb` failed; `output` is the end of what it printed.
    case initdbFailed(output: String)
    /// The server did not start; `logTail` is the end of the server log.
    case startFailed(logTail: String)
    /// The server did not stop; `output` is what `pg_ctl` printed.
    case stopFailed(output: String)
    /// The cluster was already stopped with `RunningCluster.stop()`.
    case clusterReleased(folder: String)
    /// A helper program could not be run or failed.
    case commandFailed(command: String, output: String)
    /// A file or folder operation failed.
    case fileSystem(path: String, reason: String)

    public var description: String {
        switch self {
        case .binariesNotFound(let searched):
            return """
                PostgreSQL's initdb and pg_ctl were not found (searched: \(searched.joined(separator: ", "))). \
                Install the PostgreSQL server (on Debian: apt-get install postgresql), \
                or set DATABASE_URL to use an existing server.
                """
        case .inUse(let pid, let folder):
            let holder = pid.map { "pid \($0)" } ?? "pid unknown"
            return """
                The database folder \(folder) is in use by another tally (\(holder)). \
                Stop that process, or give this one a different data folder.
                """
        case .postgresUserMissing(let user):
            return """
                Tally runs as root, and PostgreSQL refuses to; it runs as the '\(user)' system user, \
                which does not exist. Install the PostgreSQL server (on Debian: apt-get install postgresql), \
                or run tally as an ordinary user.
                """
        case .folderNotReachable(let path, let user, let hint):
            return "The '\(user)' system user cannot write the database folder \(path). \(hint)"
        case .socketPathTooLong(let path, let limit):
            return """
                The database socket path \(path) is longer than \(limit) bytes, the limit for Unix sockets. \
                Choose a data folder with a shorter path (set TALLY_DATA_DIR).
                """
        case .notACluster(let path):
            return """
                The folder \(path) is not empty and does not hold a PostgreSQL cluster. \
                Move it away, or choose another data folder.
                """
        case .invalidOption(let name, let reason):
            return "The embedded database option \(name) is invalid: \(reason)."
        case .initdbFailed(let output):
            return "Creating the database cluster (initdb) failed:\n\(output)"
        case .startFailed(let logTail):
            return "The database server did not start. The end of its log:\n\(logTail)"
        case .stopFailed(let output):
            return "The database server did not stop:\n\(output)"
        case .clusterReleased(let folder):
            return "The database cluster in \(folder) was already stopped and released."
        case .commandFailed(let command, let output):
            return "The command \(command) failed:\n\(output)"
        case .fileSystem(let path, let reason):
            return "Could not prepare \(path): \(reason)."
        }
    }
}
