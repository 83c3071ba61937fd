import EmbeddedPostgres
import Foundation

/// Private test clusters live in `/tmp/tally-test-<pid>-<n>` (short, for the socket path limit)
/// and are stopped and removed when the test process exits; ones left by a killed run are
/// removed by the next.
enum TestClusterJanitor {
    static let prefix = "tally-test-"
    nonisolated(unsafe) private static var atExit: (RunningCluster, String)?

    static func newClusterFolder() -> String {
        "/tmp/\(prefix)\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Stops the cluster and removes its folder when the process exits normally.
    static func stopAtExit(_ cluster: RunningCluster, folder: String) {
        atExit = (cluster, folder)
        atexit {
            guard let (cluster, folder) = TestClusterJanitor.atExit else { return }
            let done = DispatchSemaphore(value: 0)
            Task.detached {
                try? await cluster.stop()
                done.signal()
            }
            _ = done.wait(timeout: .now() + 20)
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    /// Kills the servers of test clusters whose test process is gone, and removes their folders.
    static func removeAbandonedClusters() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/tmp") else { return }
        for entry in entries where entry.hasPrefix(prefix) {
            let owner = entry.dropFirst(prefix.count).split(separator: "-").first.flatMap { Int32($0) }
            guard let owner, kill(owner, 0) != 0, errno == ESRCH else { continue }
            let folder = "/tmp/" + entry
            if let pidText = try? String(contentsOfFile: folder + "/data/postmaster.pid", encoding: .utf8),
                let line = pidText.split(separator: "\n").first, let postmaster = Int32(line)
            {
                kill(postmaster, SIGQUIT)
            }
            try? FileManager.default.removeItem(atPath: folder)
        }
    }
}
