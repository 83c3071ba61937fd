import Foundation

/// Who runs initdb and the server: the current user, or a system user (normally `postgres`)
/// when Tally runs as root, because PostgreSQL refuses to run as root.
struct ClusterUser: Sendable {
    /// How a command is run as the system user.
    enum Switch: Sendable, Equatable {
        /// Run directly, as the current user.
        case none
        /// `runuser -u <user> -- command…` (util-linux).
        case runuser(path: String)
        /// `su -s /bin/sh <user> -c '<quoted command>'`, when runuser is missing.
        case su(path: String)
    }

    /// The user's name, for messages.
    let name: String
    /// The owner given to folders the server writes, when it differs from the current user.
    let ownership: (uid: uid_t, gid: gid_t)?
    let userSwitch: Switch

    /// The current user when not root; the `systemUser` account when root.
    static func resolve(systemUser: String) throws -> ClusterUser {
        guard geteuid() == 0 else {
            return ClusterUser(name: currentUserName(), ownership: nil, userSwitch: .none)
        }
        guard let account = lookUpUser(systemUser) else {
            throw EmbeddedPostgresError.postgresUserMissing(user: systemUser)
        }
        return ClusterUser(name: systemUser, ownership: account, userSwitch: findSwitch())
    }

    /// Runs `executable` as this user and waits for it (blocking).
    func run(_ executable: String, _ arguments: [String]) throws -> ProcessResult {
        switch userSwitch {
        case .none:
            return try ProcessRunner.run(executable, arguments)
        case .runuser(let runuser):
            return try ProcessRunner.run(runuser, ["-u", name, "--", executable] + arguments)
        case .su(let su):
            let command = ([executable] + arguments).map(shellQuoted).joined(separator: " ")
            return try ProcessRunner.run(su, ["-s", "/bin/sh", name, "-c", command])
        }
    }

    /// Gives `path` to this user (no-op when running as the current user).
    func adopt(_ path: String) throws {
        guard let ownership else { return }
        guard lchown(path, ownership.uid, ownership.gid) == 0 else {
            throw EmbeddedPostgresError.fileSystem(
                path: path, reason: "cannot give it to \(name): \(String(cString: strerror(errno)))")
        }
    }

    /// Gives `path` and everything under it to this user, when `path` itself belongs to someone
    /// else (a folder first used by a non-root tally, now run as root).
    func adoptTreeIfForeign(_ path: String) throws {
        guard let ownership, let owner = ownerOf(path), owner != ownership.uid else { return }
        try adopt(path)
        let enumerator = FileManager.default.enumerator(atPath: path)
        while let relative = enumerator?.nextObject() as? String {
            try adopt(path + "/" + relative)
        }
    }

    /// Fails with a clear message when this user cannot write `folder` (for example because a
    /// parent such as /root is private).
    func checkCanWrite(_ folder: String) throws {
        guard userSwitch != .none else { return }
        let result = try run("/bin/sh", ["-c", "test -d \"$1\" && test -w \"$1\" && test -x \"$1\"", "sh", folder])
        guard result.succeeded else {
            throw EmbeddedPostgresError.folderNotReachable(
                path: folder, user: name,
                hint: """
                    One of its parent folders is probably private (like /root). \
                    Set TALLY_DATA_DIR to a folder outside it, for example /var/lib/tally.
                    """
            )
        }
    }
}

/// `value` as one word for /bin/sh.
func shellQuoted(_ value: String) -> String {
    "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// The owner of `path`, or nil when it does not exist.
func ownerOf(_ path: String) -> uid_t? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    return info.st_uid
}

private func lookUpUser(_ name: String) -> (uid: uid_t, gid: gid_t)? {
    var entry = passwd()
    var result: UnsafeMutablePointer<passwd>?
    var buffer = [CChar](repeating: 0, count: 16_384)
    guard getpwnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
    return (entry.pw_uid, entry.pw_gid)
}

private func currentUserName() -> String {
    var entry = passwd()
    var result: UnsafeMutablePointer<passwd>?
    var buffer = [CChar](repeating: 0, count: 16_384)
    guard getpwuid_r(geteuid(), &entry, &buffer, buffer.count, &result) == 0, result != nil,
        let name = entry.pw_name
    else { return "uid \(geteuid())" }
    return String(cString: name)
}

private func findSwitch() -> ClusterUser.Switch {
    let fileManager = FileManager.default
    for path in ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"]
    where fileManager.isExecutableFile(atPath: path) {
        return .runuser(path: path)
    }
    for path in ["/bin/su", "/usr/bin/su"] where fileManager.isExecutableFile(atPath: path) {
        return .su(path: path)
    }
    return .runuser(path: "/usr/sbin/runuser")
}
