import Foundation

/// The outcome of a child process that ran to its end.
struct ProcessResult: Sendable {
    /// The exit status (or the signal number, when a signal ended it).
    var status: Int32
    /// What it wrote to standard output and standard error, interleaved.
    var output: String

    var succeeded: Bool { status == 0 }

    /// The last `count` lines of the output, for error messages.
    func tail(_ count: Int = 20) -> String {
        lastLines(of: output, count: count)
    }
}

/// Runs helper programs (initdb, pg_ctl, runuser) to their end.
///
/// Every function here blocks: call them only from a thread of their own
/// (`runOnDedicatedThread`), never from the cooperative pool.
enum ProcessRunner {
    /// Runs `executable` with `arguments` from `/`, with no `PG*` variables in its environment,
    /// and waits for it to exit.
    ///
    /// Output goes to an unlinked temporary file rather than a pipe: a server that a child starts
    /// can inherit a pipe and keep it open, and reading it would then never end.
    static func run(_ executable: String, _ arguments: [String]) throws -> ProcessResult {
        let capture = try OutputCapture()
        defer { capture.close() }
        // posix_spawn and waitpid rather than Foundation's Process: on Linux, Process notices a
        // child's exit through a descriptor the child inherits, so `pg_ctl start` (whose server
        // keeps running and inherits it too) would never be seen to finish.
        let pid = try spawn(executable, arguments, output: capture.childDescriptor)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else {
                throw EmbeddedPostgresError.commandFailed(
                    command: ([executable] + arguments).joined(separator: " "),
                    output: "waitpid: \(String(cString: strerror(errno)))")
            }
        }
        let exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : status & 0x7F
        return ProcessResult(status: exitStatus, output: capture.contents())
    }

    private static func spawn(_ executable: String, _ arguments: [String], output: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        // Nothing else of ours goes to the child: a server started now (by the supervisor, while
        // tally serves) would otherwise keep tally's listening socket, and its port, after tally
        // exits. Marking our descriptors close-on-exec leaves them open in tally itself.
        markDescriptorsCloseOnExec()
        // Run from / (through sh, as glibc's addchdir is not exposed to Swift): the server's user
        // may not be allowed into our working directory.
        let command = ["/bin/sh", "-c", "cd / && exec \"$0\" \"$@\"", executable] + arguments
        let argv = command.map { strdup($0) } + [nil]
        let environment = childEnvironment().map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            environment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environment)
        guard result == 0 else {
            throw EmbeddedPostgresError.commandFailed(
                command: ([executable] + arguments).joined(separator: " "), output: String(cString: strerror(result)))
        }
        return pid
    }

    /// Sets close-on-exec on every descriptor above standard error (the listening socket,
    /// database connections, log files), so no child inherits them.
    private static func markDescriptorsCloseOnExec() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for descriptor in names.compactMap({ Int32($0) }) where descriptor > 2 {
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0, flags & FD_CLOEXEC == 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// The environment for child processes: ours, minus libpq and server variables such as
    /// `PGDATA` or `PGPORT` that would override the cluster's own settings.
    static func childEnvironment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        if environment["PATH"] == nil {
            environment["PATH"] = "/usr/local/bin:/usr/bin:/bin"
        }
        return environment
    }
}

/// Runs blocking work on a new thread and resumes the caller when it is done, so waiting for
/// child processes never holds a thread of the cooperative pool.
func runOnDedicatedThread<T: Sendable>(
    _ body: @escaping @Sendable () throws -> T
) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.name = "EmbeddedPostgres"
        thread.start()
    }
}

/// The last `count` lines of `text`.
func lastLines(of text: String, count: Int) -> String {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let trimmed = lines.last == "" ? lines.dropLast() : lines[...]
    return trimmed.suffix(count).joined(separator: "\n")
}

/// An unlinked temporary file that collects a child's output.
private struct OutputCapture {
    let descriptor: Int32
    let childDescriptor: Int32

    init() throws {
        let path = NSTemporaryDirectory() + "/tally-ept-\(UUID().uuidString).out"
        let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw EmbeddedPostgresError.fileSystem(path: path, reason: String(cString: strerror(errno)))
        }
        unlink(path)
        self.descriptor = descriptor
        // The child gets it as stdout and stderr through dup2, which clears close-on-exec.
        self.childDescriptor = descriptor
    }

    func contents() -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var offset: off_t = 0
        while true {
            let count = pread(descriptor, &buffer, buffer.count, offset)
            if count <= 0 { break }
            bytes += buffer[0..<count]
            offset += off_t(count)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func close() {
        _ = Foundation.close(descriptor)
    }
}
