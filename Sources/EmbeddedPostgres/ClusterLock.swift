import Foundation

/// A tally's claim on a data folder.
///
/// The claim is an exclusive `flock` on `tally.lock`, held from the moment `start()` decides what
/// to do until `stop()`, plus `tally.pid` naming the holder for messages. Because the kernel drops
/// a flock when its process dies, a crashed tally never leaves a claim behind (even when its pid
/// is later reused, e.g. pid 1 in a container), and two `start()` calls racing on one folder
/// cannot both win: the second gets `inUse`. The lock is per open file, so this holds inside one
/// process too.
struct ClusterClaim: Sendable {
    /// The open, flock-ed `tally.lock` (close-on-exec, so servers never inherit it).
    let descriptor: Int32

    /// Takes the claim, or throws `inUse` naming the holder's pid.
    static func acquire(_ layout: ClusterLayout) throws -> ClusterClaim {
        let descriptor = open(layout.lockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw EmbeddedPostgresError.fileSystem(path: layout.lockFile, reason: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let error = errno
            close(descriptor)
            if error == EWOULDBLOCK {
                throw EmbeddedPostgresError.inUse(pid: holderPid(layout), folder: layout.displayPath)
            }
            throw EmbeddedPostgresError.fileSystem(path: layout.lockFile, reason: String(cString: strerror(error)))
        }
        let claim = ClusterClaim(descriptor: descriptor)
        do {
            try ClusterLayout.writeFile(layout.claimFile, "\(getpid())\n")
        } catch {
            claim.release(layout)
            throw error
        }
        return claim
    }

    /// Removes `tally.pid` and drops the lock.
    func release(_ layout: ClusterLayout) {
        unlink(layout.claimFile)
        close(descriptor)
    }

    /// Drops the lock but leaves `tally.pid` behind, as a crash would.
    func abandon() {
        close(descriptor)
    }

    /// The pid in `tally.pid`. The holder writes it right after taking the lock, so a missing
    /// file is retried briefly.
    private static func holderPid(_ layout: ClusterLayout) -> Int32? {
        for _ in 0..<10 {
            if let text = try? String(contentsOfFile: layout.claimFile, encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return pid
            }
            usleep(20_000)
        }
        return nil
    }
}
