import Foundation
import Testing

@testable import EmbeddedPostgres

/// Who holds a data folder: in use, stale pid files, orphans of a crash, racing starts.
@Suite("Cluster claim")
struct ClusterClaimTests {
    @Test("a start while another holds the folder is refused with the holder's pid")
    func startWhileHeldIsInUse() async throws {
        try await withTestFolder { folder in
            let cluster = try await startCluster(folder)
            let error = await embeddedError { _ = try await startCluster(folder) }
            #expect(error == .inUse(pid: getpid(), folder: folder.dataDirectory))
            #expect(error?.description.contains("is in use by another tally (pid \(getpid()))") == true)
            #expect(try query(cluster, "select 1") == "1")
            try await cluster.stop()
        }
    }

    @Test("two starts at once: one wins, the other is refused")
    func racingStartsOneWins() async throws {
        try await withTestFolder { folder in
            async let first = attemptStart(folder)
            async let second = attemptStart(folder)
            let results = await [first, second]
            let winners = results.compactMap { try? $0.get() }
            let refusals = results.compactMap { result -> EmbeddedPostgresError? in
                guard case .failure(let error) = result else { return nil }
                return error as? EmbeddedPostgresError
            }
            #expect(winners.count == 1)
            #expect(refusals == [.inUse(pid: getpid(), folder: folder.dataDirectory)])
            for winner in winners { try await winner.stop() }
        }
    }

    @Test("a stale postmaster.pid naming a dead process is removed")
    func stalePidOfDeadProcessIsRecovered() async throws {
        try await withTestFolder { folder in
            let cluster = try await startCluster(folder)
            try await cluster.stop()
            let dead = try deadPid()
            let data = folder.dataDirectory + "/data"
            try "\(dead)\n\(data)\n".write(toFile: data + "/postmaster.pid", atomically: true, encoding: .utf8)
            try "\(dead)\n".write(
                toFile: folder.dataDirectory + "/run/.s.PGSQL.5432.lock", atomically: true, encoding: .utf8)

            let restarted = try await startCluster(folder)
            #expect(try query(restarted, "select 1") == "1")
            try await restarted.stop()
        }
    }

    @Test("a stale postmaster.pid naming a live process that is not postgres is removed")
    func stalePidOfReusedProcessIsRecovered() async throws {
        try await withTestFolder { folder in
            let cluster = try await startCluster(folder)
            try await cluster.stop()
            let data = folder.dataDirectory + "/data"
            // Our own pid: alive, but not a PostgreSQL server.
            try "\(getpid())\n\(data)\n".write(toFile: data + "/postmaster.pid", atomically: true, encoding: .utf8)

            let restarted = try await startCluster(folder)
            #expect(try query(restarted, "select 1") == "1")
            try await restarted.stop()
        }
    }

    @Test("a server left running by a crashed tally is stopped and started afresh")
    func orphanedServerIsTakenOver() async throws {
        try await withTestFolder { folder in
            let crashed = try await startCluster(folder)
            let orphanPid = try serverPid(crashed)
            crashed.abandonForTesting()
            try "\(try deadPid())\n".write(toFile: folder.dataDirectory + "/tally.pid", atomically: true, encoding: .utf8)

            let successor = try await startCluster(folder)
            #expect(exitsSoon(orphanPid))
            #expect(try serverPid(successor) != orphanPid)
            #expect(try query(successor, "select 1") == "1")
            try await successor.stop()
        }
    }
}
