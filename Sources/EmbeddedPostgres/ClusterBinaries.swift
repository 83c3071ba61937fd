import Foundation

/// Where to look for PostgreSQL's `initdb` and `pg_ctl`, in this order: `directory`; each folder
/// of `pathEntries`; the folder `pg_config --bindir` names (pg_config itself found on
/// `pathEntries`); the highest `<root>/<N>/bin` of each of `versionedRoots` (Debian's layout).
public struct BinarySearch: Sendable, Equatable {
    /// A folder to use first, e.g. from an environment variable; nil for none.
    public var directory: String?
    /// The folders of the executable search path.
    public var pathEntries: [String]
    /// Folders holding one subfolder per major version, each with a `bin` folder.
    public var versionedRoots: [String]

    /// Creates a search.
    public init(directory: String? = nil, pathEntries: [String], versionedRoots: [String]) {
        self.directory = directory
        self.pathEntries = pathEntries
        self.versionedRoots = versionedRoots
    }

    /// The process's `PATH`, then Debian's `/usr/lib/postgresql/<N>/bin`.
    public static var standard: BinarySearch {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return BinarySearch(
            pathEntries: path.split(separator: ":").map(String.init),
            versionedRoots: ["/usr/lib/postgresql"]
        )
    }
}

/// The PostgreSQL server programs Tally runs.
struct ClusterBinaries: Sendable {
    /// The folder holding `initdb`, `pg_ctl` and `postgres`, with symbolic links resolved.
    let directory: String

    var initdb: String { directory + "/initdb" }
    var pgCtl: String { directory + "/pg_ctl" }

    /// Finds the programs (blocking: it may run `pg_config`). When `preferredMajor` is given
    /// (an existing cluster's version) and a versioned root has that version, it comes first
    /// among the versioned folders, so an upgrade that installs a newer server still starts the
    /// old cluster with matching programs.
    static func locate(_ search: BinarySearch, preferredMajor: Int?) throws -> ClusterBinaries {
        var searched: [String] = []
        func accept(_ folder: String) -> ClusterBinaries? {
            searched.append(folder)
            return usableFolder(folder).map(ClusterBinaries.init(directory:))
        }
        if let directory = search.directory, let found = accept(directory) { return found }
        for folder in search.pathEntries where !folder.isEmpty {
            if let found = accept(folder) { return found }
        }
        if let bindir = pgConfigBinDirectory(search.pathEntries) {
            if let found = accept(bindir) { return found }
        } else {
            searched.append("pg_config --bindir")
        }
        for root in search.versionedRoots {
            for folder in versionedFolders(root, preferredMajor: preferredMajor) {
                if let found = accept(folder) { return found }
            }
            if !searched.contains(where: { $0.hasPrefix(root + "/") }) { searched.append(root + "/<N>/bin") }
        }
        throw EmbeddedPostgresError.binariesNotFound(searched: searched)
    }

    /// `folder` with symbolic links resolved, when it holds both programs (directly or
    /// through links, as in /usr/local/bin).
    private static func usableFolder(_ folder: String) -> String? {
        let fileManager = FileManager.default
        let initdb = folder + "/initdb"
        guard fileManager.isExecutableFile(atPath: initdb),
            fileManager.isExecutableFile(atPath: folder + "/pg_ctl")
        else { return nil }
        let real = URL(fileURLWithPath: initdb).resolvingSymlinksInPath().deletingLastPathComponent().path
        if fileManager.isExecutableFile(atPath: real + "/pg_ctl") { return real }
        return folder
    }

    /// What `pg_config --bindir` answers, when pg_config is on the path.
    private static func pgConfigBinDirectory(_ pathEntries: [String]) -> String? {
        let fileManager = FileManager.default
        guard let pgConfig = pathEntries.map({ $0 + "/pg_config" }).first(where: fileManager.isExecutableFile(atPath:)),
            let result = try? ProcessRunner.run(pgConfig, ["--bindir"]), result.succeeded
        else { return nil }
        let folder = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return folder.isEmpty ? nil : folder
    }

    /// `<root>/<N>/bin` for each version N ("15", "9.6"), the preferred one first, then highest first.
    private static func versionedFolders(_ root: String, preferredMajor: Int?) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        let versions = names.compactMap { name in Double(name).map { (name: name, value: $0) } }
            .sorted { $0.value > $1.value }
            .map(\.name)
        let preferred = preferredMajor.map(String.init)
        let ordered = versions.filter { $0 == preferred } + versions.filter { $0 != preferred }
        return ordered.map { root + "/" + $0 + "/bin" }
    }
}

/// The installed PostgreSQL's programs, for the commands that run its client tools (`pg_dump`,
/// `pg_restore`) beside the server ones.
public enum PostgresPrograms {
    /// The path of program `name` (e.g. `pg_dump`) in the folder the embedded cluster's programs
    /// come from: the newest installed PostgreSQL unless `search` says otherwise. Blocking.
    ///
    /// - Throws: ``EmbeddedPostgresError/binariesNotFound(searched:)`` when no PostgreSQL is
    ///   installed or the folder lacks `name`.
    public static func path(of name: String, search: BinarySearch = .standard) throws -> String {
        let folder = try ClusterBinaries.locate(search, preferredMajor: nil).directory
        let path = folder + "/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw EmbeddedPostgresError.binariesNotFound(searched: [path])
        }
        return path
    }
}
