import Foundation
import Testing

@testable import EmbeddedPostgres

@Suite("The supervised embedded cluster")
struct ClusterSupervisorTests {
    /// A supervisor that looks every 50 ms and pauses 100 ms after a failed start, with its
    /// events as a stream.
    private static func supervise(_ cluster: RunningCluster) -> (Task<Void, Never>, AsyncStream<ClusterSupervisor.Event>) {
        let (events, continuation) = AsyncStream<ClusterSupervisor.Event>.makeStream()
        let supervisor = ClusterSupervisor(
            cluster: cluster,
            policy: .init(interval: .milliseconds(50), firstPause: .milliseconds(100), longestPause: .seconds(1)),
            logger: quietLogger, onEvent: { continuation.yield($0) })
        let task = Task {
            await supervisor.run()
            continuation.finish()
        }
        return (task, events)
    }

    @Test("a postmaster killed with SIGKILL is started again, keeping what was committed")
    func killedPostmasterComesBack() async throws {
        try await withTestFolder { folder in
            let cluster = try await startCluster(folder, durability: .full)
            _ = try query(cluster, "create table kept (n int); insert into kept values (42)")
            let (task, events) = Self.supervise(cluster)
            var seen = events.makeAsyncIterator()

            let first = try serverPid(cluster)
            #expect(kill(first, SIGKILL) == 0)
            #expect(await seen.next() == .exited)
            var event = await seen.next()
            while case .startFailed = event { event = await seen.next() }
            guard case .restarted(let attempts) = event else {
                Issue.record("expected a restart, saw \(String(describing: event))")
                return
            }
            #expect(attempts >= 1)
            #expect(try serverPid(cluster) != first)
            #expect(try query(cluster, "select n from kept") == "42")

            // Killed again: back again.
            #expect(kill(try serverPid(cluster), SIGKILL) == 0)
            #expect(await seen.next() == .exited)
            event = await seen.next()
            while case .startFailed = event { event = await seen.next() }
            #expect(event.map { if case .restarted = $0 { true } else { false } } == true)
            #expect(try query(cluster, "select n from kept") == "42")

            task.cancel()
            await task.value
            try await cluster.stop()
        }
    }

    @Test("a stopped cluster is not started again: the supervisor ends")
    func stopEndsTheSupervisor() async throws {
        try await withTestFolder { folder in
            let cluster = try await startCluster(folder)
            let pid = try serverPid(cluster)
            let (task, events) = Self.supervise(cluster)
            try await cluster.stop()
            await task.value
            var seen: [ClusterSupervisor.Event] = []
            for await event in events { seen.append(event) }
            #expect(seen.isEmpty)
            #expect(exitsSoon(pid))
            #expect(!FileManager.default.fileExists(atPath: folder.dataDirectory + "/data/postmaster.pid"))
        }
    }
}
