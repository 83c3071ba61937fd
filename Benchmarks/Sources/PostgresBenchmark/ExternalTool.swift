import Foundation

/// A PostgreSQL client program (pgbench, psql) run against the benchmark's cluster.
struct ExternalTool: Sendable {
    /// What a finished run printed and how long it took.
    struct Run: Sendable {
        var output: String
        var seconds: Double
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let path: String

    /// Finds `name` in the cluster's binary folder, then in the Debian and PATH locations.
    static func locate(_ name: String, binaryDirectory: String) throws -> ExternalTool {
        let candidates = [binaryDirectory, "/usr/lib/postgresql/15/bin", "/usr/bin", "/usr/local/bin"]
            .map { $0 + "/" + name }
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Failure(description: "\(name) not found in \(candidates.joined(separator: ", "))")
        }
        return ExternalTool(path: path)
    }

    /// Runs the program to completion on a thread of its own and times it (wall clock, including
    /// process start and connection set-up). A cancelled task terminates the program; one that
    /// runs longer than `limit` is killed.
    func run(_ arguments: [String], limit: Duration = .seconds(300)) async throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        let box = ProcessBox(process)
        let run = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Run, any Error>) in
                Thread {
                    continuation.resume(with: Result { try Self.blockingRun(box.process, pipe: pipe, limit: limit) })
                }.start()
            }
        } onCancel: {
            if box.process.isRunning { box.process.terminate() }
        }
        try Task.checkCancellation()
        guard process.terminationStatus == 0 else {
            let name = URL(fileURLWithPath: path).lastPathComponent
            throw Failure(description: "\(name) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus):\n\(run.output)")
        }
        return run
    }

    private static func blockingRun(_ process: Process, pipe: Pipe, limit: Duration) throws -> Run {
        // This thread inherits a signal mask from Swift's cooperative pool that blocks SIGALRM
        // and SIGTERM, and children inherit it: pgbench -T then never sees its alarm and runs
        // forever. Unblock everything before spawning.
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
        let start = ContinuousClock.now
        try process.run()
        // A program that overruns its limit is killed, so the benchmark always ends.
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { if process.isRunning { kill(pid, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + limit.seconds, execute: watchdog)
        defer { watchdog.cancel() }
        // Read before waiting, so a chatty program never blocks on a full pipe.
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let elapsed = ContinuousClock.now - start
        return Run(output: String(decoding: data, as: UTF8.self), seconds: elapsed.seconds)
    }
}

/// `Process` is not Sendable; it is only touched by its run thread and, to terminate it, the
/// cancellation handler.
private final class ProcessBox: @unchecked Sendable {
    let process: Process
    init(_ process: Process) { self.process = process }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
