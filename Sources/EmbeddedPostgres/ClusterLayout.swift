import Foundation

/// Where everything of one embedded cluster lives, under its data folder:
///
/// ```
/// <folder>/data              PGDATA (created by initdb into data.initdb-tmp, then renamed)
/// <folder>/data/tally.conf   Tally's settings, rewritten at each start
/// <folder>/run/.s.PGSQL.N    the Unix socket (the folder is 0700)
/// <folder>/postgres.log      the server log
/// <folder>/tally.lock        flock-ed while a tally holds the cluster
/// <folder>/tally.pid         the pid of that tally
/// ```
struct ClusterLayout: Sendable {
    /// The longest socket path `sockaddr_un` takes, without its terminating zero.
    static let maximumSocketPathBytes = 107

    /// The data folder as the user gave it, for messages.
    let displayPath: String
    /// The data folder, absolute.
    let root: String
    /// The socket's port number.
    let port: Int

    /// Resolves `dataDirectory` against the working directory and checks the socket path fits.
    init(dataDirectory: String, port: Int) throws {
        guard !dataDirectory.isEmpty else {
            throw EmbeddedPostgresError.invalidOption(name: "dataDirectory", reason: "it is empty")
        }
        let absolute = dataDirectory.hasPrefix("/")
            ? dataDirectory
            : FileManager.default.currentDirectoryPath + "/" + dataDirectory
        self.displayPath = dataDirectory
        self.root = URL(fileURLWithPath: absolute).standardizedFileURL.path
        self.port = port
        guard socketPath.utf8.count <= Self.maximumSocketPathBytes else {
            throw EmbeddedPostgresError.socketPathTooLong(path: socketPath, limit: Self.maximumSocketPathBytes)
        }
    }

    /// PGDATA.
    var dataDirectory: String { root + "/data" }
    /// Where initdb writes before the result is renamed to `dataDirectory`.
    var initdbScratch: String { root + "/data.initdb-tmp" }
    /// The folder holding the Unix socket.
    var socketDirectory: String { root + "/run" }
    /// The Unix socket itself.
    var socketPath: String { socketDirectory + "/.s.PGSQL.\(port)" }
    /// The server's lock file next to the socket.
    var socketLockPath: String { socketPath + ".lock" }
    /// The server log.
    var logFile: String { root + "/postgres.log" }
    /// Tally's lock file, flock-ed while a tally holds the cluster; never removed.
    var lockFile: String { root + "/tally.lock" }
    /// The pid of the tally holding the cluster.
    var claimFile: String { root + "/tally.pid" }
    /// The server's own pid file.
    var postmasterPidFile: String { dataDirectory + "/postmaster.pid" }
    /// Tally's settings, included from postgresql.conf.
    var settingsFile: String { dataDirectory + "/" + ClusterSettings.fileName }
    /// Marks a complete cluster.
    var versionFile: String { dataDirectory + "/PG_VERSION" }

    /// The major version of the cluster in `dataDirectory`, when there is one.
    var clusterMajorVersion: Int? {
        guard let text = try? String(contentsOfFile: versionFile, encoding: .utf8) else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Creates `path` (and missing parents) if needed; the last component is private (0700).
    static func makeFolder(_ path: String) throws {
        do {
            // Parents get the usual permissions (FileManager would give them 0700 too, and then
            // the postgres user could not reach the folder).
            let parent = (path as NSString).deletingLastPathComponent
            if !parent.isEmpty { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw EmbeddedPostgresError.fileSystem(path: path, reason: "\(error)")
        }
    }

    /// Writes `text` to `path` through a temporary file and a rename, mode 0600.
    static func writeFile(_ path: String, _ text: String) throws {
        let temporary = path + ".tmp"
        let created = FileManager.default.createFile(
            atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        guard created, rename(temporary, path) == 0 else {
            throw EmbeddedPostgresError.fileSystem(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
