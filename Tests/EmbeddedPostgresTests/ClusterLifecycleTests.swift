import Foundation
import Testing

@testable import EmbeddedPostgres

/// Real clusters: first start, reuse, stop, restart under a claim.
@Suite("Cluster lifecycle")
struct ClusterLifecycleTests {
    @Test("first start creates the cluster and serves it on the Unix socket only")
    func firstStartServesOnSocketOnly() async throws {
        try await withTestFolder { folder in
            let cluster = try await startCluster(folder)
            #expect(try query(cluster, "select 1") == "1")
            #expect(try query(cluster, "show listen_addresses") == "")
            #expect(try query(cluster, "show fsync") == "off")
            #expect(cluster.socketDirectory == folder.dataDirectory + "/run")
            #expect(FileManager.default.fileExists(atPath: cluster.socketDirectory + "/.s.PGSQL.5432"))
            let socketFolder = try FileManager.default.attributesOfItem(atPath: cluster.socketDirectory)
            #expect((socketFolder[.posixPermissions] as? Int) == 0o700)
            #expect(
                cluster.connectionString(database: "tally")
                    == "host=\(folder.dataDirectory)/run port=5432 user=postgres dbname=tally"
            )
            try await cluster.stop()
        }
    }

    @Test("stop leaves no server and no claim behind")
    func stopLeavesNothingRunning() async throws {
        try await withTestFolder { folder in
            let cluster = try await startCluster(folder)
            let pid = try serverPid(cluster)
            try await cluster.stop()
            #expect(exitsSoon(pid))
            #expect(!FileManager.default.fileExists(atPath: folder.dataDirectory + "/data/postmaster.pid"))
            #expect(!FileManager.default.fileExists(atPath: folder.dataDirectory + "/tally.pid"))
            try await cluster.stop()  // a second stop does nothing
        }
    }

    @Test("a second start reuses the cluster and applies the new durability")
    func secondStartReusesCluster() async throws {
        try await withTestFolder { folder in
            let first = try await startCluster(folder)
            _ = try query(first, "create table kept (id int); insert into kept values (42)")
            try await first.stop()

            let second = try await startCluster(folder, durability: .full)
            #expect(try query(second, "select id from kept") == "42")
            #expect(try query(second, "show fsync") == "on")
            #expect(try query(second, "show synchronous_commit") == "on")
            try await second.stop()
        }
    }

    @Test("the settings live in the cluster, so a start by hand uses them")
    func settingsAreWrittenIntoTheCluster() async throws {
        try await withTestFolder { folder in
            let cluster = try await startCluster(folder)
            try await cluster.stop()
            let data = folder.dataDirectory + "/data"
            let main = try String(contentsOfFile: data + "/postgresql.conf", encoding: .utf8)
            let tally = try String(contentsOfFile: data + "/tally.conf", encoding: .utf8)
            #expect(main.hasSuffix("include_if_exists = 'tally.conf'\n"))
            #expect(tally.contains("listen_addresses = ''"))
            #expect(tally.contains("unix_socket_directories = '\(folder.dataDirectory)/run'"))
            #expect(tally.contains("max_connections = 20"))
        }
    }

    @Test("stopServerOnly and startServerAgain restart the server under the same claim")
    func serverRestartsUnderClaim() async throws {
        try await withTestFolder { folder in
            let cluster = try await startCluster(folder)
            try await cluster.stopServerOnly()
            #expect(try !psql(cluster, "select 1").succeeded)
            #expect(FileManager.default.fileExists(atPath: folder.dataDirectory + "/tally.pid"))
            let intruder = await embeddedError { _ = try await startCluster(folder) }
            #expect(intruder == .inUse(pid: getpid(), folder: folder.dataDirectory))

            try await cluster.startServerAgain()
            #expect(try query(cluster, "select 1") == "1")
            try await cluster.stop()
            let afterStop = await embeddedError { try await cluster.startServerAgain() }
            #expect(afterStop == .clusterReleased(folder: folder.dataDirectory))
        }
    }

    @Test("a half-finished initdb and an empty data folder are cleaned up")
    func halfFinishedInitdbIsCleanedUp() async throws {
        try await withTestFolder { folder in
            let fileManager = FileManager.default
            try fileManager.createDirectory(
                atPath: folder.dataDirectory + "/data.initdb-tmp/base", withIntermediateDirectories: true)
            try fileManager.createDirectory(atPath: folder.dataDirectory + "/data", withIntermediateDirectories: true)
            let cluster = try await startCluster(folder)
            #expect(try query(cluster, "select 1") == "1")
            #expect(!fileManager.fileExists(atPath: folder.dataDirectory + "/data.initdb-tmp"))
            try await cluster.stop()
        }
    }
}
