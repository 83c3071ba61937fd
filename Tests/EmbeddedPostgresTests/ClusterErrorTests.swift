import Foundation
import Testing

@testable import EmbeddedPostgres

/// Failures that must be reported clearly, before anything runs.
@Suite("Cluster errors")
struct ClusterErrorTests {
    @Test("a socket path over 107 bytes is refused, naming the path")
    func socketPathTooLong() async throws {
        let folder = "/tmp/tally-ept-" + String(repeating: "x", count: 100)
        let options = EmbeddedPostgres.Options(dataDirectory: folder)
        let error = await embeddedError { _ = try await EmbeddedPostgres(options: options, logger: quietLogger).start() }
        let socket = folder + "/run/.s.PGSQL.5432"
        #expect(error == .socketPathTooLong(path: socket, limit: 107))
        #expect(error?.description.contains(socket) == true)
        #expect(!FileManager.default.fileExists(atPath: folder))
    }

    @Test("missing binaries are reported with every place searched")
    func binariesNotFound() async throws {
        try await withTestFolder { folder in
            var options = folder.options()
            options.binarySearch = BinarySearch(
                pathEntries: ["/nonexistent/bin"], versionedRoots: ["/nonexistent/postgresql"])
            let error = await embeddedError { _ = try await EmbeddedPostgres(options: options, logger: quietLogger).start() }
            #expect(
                error == .binariesNotFound(searched: ["/nonexistent/bin", "pg_config --bindir", "/nonexistent/postgresql/<N>/bin"])
            )
            #expect(error?.description.contains("apt-get install postgresql") == true)
        }
    }

    @Test("a data folder holding something else is left alone")
    func foreignDataFolderIsRefused() async throws {
        try await withTestFolder { folder in
            let data = folder.dataDirectory + "/data"
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            try "mine".write(toFile: data + "/notes.txt", atomically: true, encoding: .utf8)
            let error = await embeddedError { _ = try await startCluster(folder) }
            #expect(error == .notACluster(path: data))
            #expect(FileManager.default.fileExists(atPath: data + "/notes.txt"))
            #expect(!FileManager.default.fileExists(atPath: folder.dataDirectory + "/tally.pid"))
        }
    }

    @Test("as root, a folder the postgres user cannot reach is reported", .enabled(if: geteuid() == 0))
    func unreachableFolderAsRoot() async throws {
        try await withTestFolder { folder in
            let privateParent = folder.path + "/private"
            try FileManager.default.createDirectory(
                atPath: privateParent, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            let options = EmbeddedPostgres.Options(dataDirectory: privateParent + "/pg", durability: .fast)
            let error = await embeddedError { _ = try await EmbeddedPostgres(options: options, logger: quietLogger).start() }
            guard case .folderNotReachable(let path, let user, _) = error else {
                Issue.record("expected folderNotReachable, got \(String(describing: error))")
                return
            }
            #expect(path == privateParent + "/pg")
            #expect(user == "postgres")
            #expect(error?.description.contains("TALLY_DATA_DIR") == true)
        }
    }

    @Test("invalid options are refused", arguments: [0, 70_000])
    func invalidPort(port: Int) async throws {
        let options = EmbeddedPostgres.Options(dataDirectory: "/tmp/tally-ept-unused", port: port)
        let error = await embeddedError { _ = try await EmbeddedPostgres(options: options, logger: quietLogger).start() }
        guard case .invalidOption(let name, _) = error else {
            Issue.record("expected invalidOption, got \(String(describing: error))")
            return
        }
        #expect(name == "port")
    }
}
