import EmbeddedPostgres
import Foundation
import Logging
import Postgres
import Synchronization

/// Backs a Tally database up to one file and restores it, with PostgreSQL's own `pg_dump` and
/// `pg_restore` (custom format: compressed, restorable table by table), as the owner role.
///
/// A backup is written to `FILE.partial` and renamed into place only when `pg_dump` succeeded, so
/// a file at the given path is always a whole backup. A restore goes only into a database that
/// holds no tables yet, in one transaction: when it fails, the database stays empty.
public struct DatabaseBackup: Sendable {
    /// What went wrong, worded for a terminal.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The target database already holds tables.
        case notEmpty(tables: Int)
        /// The backup file exists already.
        case fileExists(path: String)
        /// The backup file cannot be read.
        case unreadable(path: String)
        /// `pg_dump` or `pg_restore` failed; `output` is the end of what it said.
        case programFailed(program: String, status: Int32, output: String)

        public var description: String {
            switch self {
            case .notEmpty(let tables):
                "the database already holds \(tables) table\(tables == 1 ? "" : "s"); restore only into an empty database "
                    + "(a new embedded data folder, or a new database created for the owner role)"
            case .fileExists(let path): "\(path) exists already; choose another file name or remove it first"
            case .unreadable(let path): "cannot read \(path)"
            case .programFailed(let program, let status, let output):
                "\(program) failed (exit \(status)):\n\(output)"
            }
        }
    }

    /// A step of a long backup or restore: `done` of `total` tables, the last one named.
    public struct Progress: Sendable, Equatable {
        public let done: Int
        public let total: Int
        public let table: String
    }

    /// The owner role's conninfo.
    let conninfo: String
    let logger: Logger

    /// Backs up and restores the database `conninfo` names (the owner role's).
    public init(ownerConninfo conninfo: String, logger: Logger) {
        self.conninfo = conninfo
        self.logger = logger
    }

    /// Writes a backup of the whole database to `path`; returns its size in bytes.
    ///
    /// - Throws: ``Failure/fileExists(path:)``, ``Failure/programFailed(program:status:output:)``.
    @discardableResult
    public func backUp(to path: String, progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws -> Int64 {
        guard !FileManager.default.fileExists(atPath: path) else { throw Failure.fileExists(path: path) }
        let total = try await tableCount()
        let partial = path + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        let pgDump = try PostgresPrograms.path(of: "pg_dump")
        do {
            // `dumping contents of table "public.x"`, one line per table.
            let tables = TableCounter(total: total, progress: progress)
            try await Self.run(pgDump, ["--format=custom", "--verbose", "--no-owner", "--enable-row-security", "--file=\(partial)", "--dbname=\(conninfo)"]) { line in
                guard let table = Self.quotedName(after: "dumping contents of table ", in: line) else { return false }
                tables.done(table)
                return true
            }
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        guard rename(partial, path) == 0 else {
            throw Failure.programFailed(program: "rename", status: errno, output: String(cString: strerror(errno)))
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        logger.info("backup written", metadata: ["file": "\(path)", "bytes": "\(size)"])
        return size
    }

    /// Restores the backup at `path` into the database, which must hold no tables, in one
    /// transaction.
    ///
    /// - Throws: ``Failure/notEmpty(tables:)``, ``Failure/unreadable(path:)``,
    ///   ``Failure/programFailed(program:status:output:)``.
    public func restore(from path: String, progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws {
        guard FileManager.default.isReadableFile(atPath: path) else { throw Failure.unreadable(path: path) }
        let existing = try await tableCount()
        guard existing == 0 else { throw Failure.notEmpty(tables: existing) }
        let pgRestore = try PostgresPrograms.path(of: "pg_restore")
        let total = try await Self.run(pgRestore, ["--list", path]) { _ in false }
            .split(separator: "\n").filter { $0.contains(" TABLE DATA ") }.count
        let tables = TableCounter(total: total, progress: progress)
        try await Self.run(
            pgRestore, ["--verbose", "--no-owner", "--enable-row-security", "--single-transaction", "--exit-on-error", "--dbname=\(conninfo)", path]
        ) { line in
            // `processing data for table "public.x"`, one line per table.
            guard let table = Self.quotedName(after: "processing data for table ", in: line) else { return false }
            tables.done(table)
            return true
        }
        logger.info("backup restored", metadata: ["file": "\(path)"])
    }

    /// The tables of the database's public schema.
    private func tableCount() async throws -> Int {
        try await PostgresConnection.withConnection(to: conninfo, logger: logger) { connection in
            let rows = try await connection.query(
                """
                SELECT count(*)::int8 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
                """)
            return Int(try rows.first?.decode(Int64.self, at: 0) ?? 0)
        }
    }

    /// `public.x` from `… "public.x"` after `marker`, without the schema.
    static func quotedName(after marker: String, in line: String) -> String? {
        guard let range = line.range(of: marker + "\"") else { return nil }
        let rest = line[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        let name = rest[..<end]
        return String(name.split(separator: ".").last ?? name)
    }

    /// Runs `program` with `arguments`; every line it writes to stderr goes to `line` (which says
    /// whether it used it); returns stdout. Throws ``Failure/programFailed`` on a non-zero exit,
    /// with the last lines it wrote that `line` did not use.
    @discardableResult
    static func run(
        _ program: String, _ arguments: [String], line: @escaping @Sendable (String) -> Bool
    ) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        // Row-level security applies to the owner too (FORCE): the service scope sees and
        // writes every account's rows (migration 0003).
        var environment = ProcessInfo.processInfo.environment
        environment["PGOPTIONS"] = "-c app.scope=service"
        process.environment = environment
        let collected = LineCollector(onLine: line)
        errors.fileHandleForReading.readabilityHandler = { handle in collected.append(handle.availableData) }
        let stdout = StdoutCollector()
        output.fileHandleForReading.readabilityHandler = { handle in stdout.append(handle.availableData) }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        errors.fileHandleForReading.readabilityHandler = nil
        output.fileHandleForReading.readabilityHandler = nil
        collected.append(errors.fileHandleForReading.readDataToEndOfFile())
        collected.finish()
        stdout.append(output.fileHandleForReading.readDataToEndOfFile())
        guard status == 0 else {
            throw Failure.programFailed(
                program: URL(fileURLWithPath: program).lastPathComponent, status: status, output: collected.unusedTail)
        }
        return stdout.text
    }
}

/// Counts the tables a backup or restore has done and reports each.
private final class TableCounter: Sendable {
    private let count = Mutex(0)
    let total: Int
    let progress: @Sendable (DatabaseBackup.Progress) -> Void

    init(total: Int, progress: @escaping @Sendable (DatabaseBackup.Progress) -> Void) {
        self.total = total
        self.progress = progress
    }

    func done(_ table: String) {
        let done = count.withLock { count in
            count += 1
            return count
        }
        progress(DatabaseBackup.Progress(done: min(done, total), total: total, table: table))
    }
}

/// Splits a program's stderr into lines as it arrives, hands each to `onLine`, and keeps the
/// last lines `onLine` did not use, for the error message.
private final class LineCollector: Sendable {
    private struct State {
        var pending = Data()
        var unused: [String] = []
    }

    private let state = Mutex(State())
    private let onLine: @Sendable (String) -> Bool

    init(onLine: @escaping @Sendable (String) -> Bool) {
        self.onLine = onLine
    }

    func append(_ data: Data) {
        guard !data.isEmpty else { return }
        let lines: [String] = state.withLock { state in
            state.pending.append(data)
            var lines: [String] = []
            while let newline = state.pending.firstIndex(of: UInt8(ascii: "\n")) {
                lines.append(String(decoding: state.pending[state.pending.startIndex..<newline], as: UTF8.self))
                state.pending.removeSubrange(state.pending.startIndex...newline)
            }
            return lines
        }
        for line in lines where !onLine(line) { keep(line) }
    }

    /// Hands over a last line without a line break.
    func finish() {
        let rest = state.withLock { state in
            defer { state.pending = Data() }
            return String(decoding: state.pending, as: UTF8.self)
        }
        if !rest.isEmpty, !onLine(rest) { keep(rest) }
    }

    private func keep(_ line: String) {
        state.withLock { state in
            state.unused.append(line)
            if state.unused.count > 20 { state.unused.removeFirst() }
        }
    }

    var unusedTail: String { state.withLock { $0.unused.joined(separator: "\n") } }
}

/// A program's stdout, gathered as it arrives.
private final class StdoutCollector: Sendable {
    private let data = Mutex(Data())

    func append(_ chunk: Data) {
        data.withLock { $0.append(chunk) }
    }

    var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
}
