import CLibPQ
import Foundation

/// One libpq connection handle and the blocking calls made on it.
///
/// Every method blocks until the server answers, so they run only on a thread that may block (a
/// pooled connection's thread pool, a shared lane's thread), never on the async executor. Only
/// one thread uses a handle at a time; the owner (a `PostgresConnection`, a lane) guarantees
/// that, which is why the handle can be carried across threads.
struct LibPQHandle: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Opens a session; with `readOnly`, its transactions are read-only unless they say otherwise.
    ///
    /// The session is set to UTF-8, `DateStyle = ISO` and `TimeZone = UTC`, which the decoders
    /// rely on, and to `statementTimeout` (nil leaves the server's setting; zero turns it off).
    static func connect(
        _ conninfo: String, readOnly: Bool = false, statementTimeout: Duration? = nil
    ) throws(PostgresError) -> LibPQHandle {
        // Order matters: later keywords override earlier ones, so defaults go before the caller's
        // conninfo and what the decoders need goes after it.
        let keywords = ["connect_timeout", "fallback_application_name", "dbname", "client_encoding"]
        let values = ["5", "tally", conninfo, "UTF8"]
        let pointer = withCStrings(keywords) { keys in
            withCStrings(values) { vals in PQconnectdbParams(keys, vals, 1) }
        }
        guard let pointer else { throw PostgresError(.connectionFailed, serverMessage: "out of memory") }
        let handle = LibPQHandle(pointer: pointer)
        guard handle.isOK else {
            let message = String(cString: PQerrorMessage(pointer)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(pointer)
            throw PostgresError(.connectionFailed, serverMessage: message)
        }
        // Server notices (e.g. "relation already exists, skipping") are not errors; libpq would
        // print them on stderr.
        PQsetNoticeProcessor(pointer, { _, _ in }, nil)
        var setup = "SET DateStyle = 'ISO'; SET TimeZone = 'UTC'; SET extra_float_digits = 3; SET IntervalStyle = 'postgres'"
        if readOnly { setup += "; SET default_transaction_read_only = on" }
        if let statementTimeout { setup += "; SET statement_timeout = \(statementTimeout.postgresMilliseconds)" }
        do {
            _ = try handle.checked(PQexec(pointer, setup))
        } catch {
            PQfinish(pointer)
            throw error
        }
        return handle
    }

    /// Closes the connection; the handle must not be used afterwards.
    func finish() { PQfinish(pointer) }

    /// True while the connection is open and not broken.
    var isOK: Bool { PQstatus(pointer) == CONNECTION_OK }

    /// True when the session is in no transaction (and no statement is running).
    var isOutsideTransaction: Bool { PQtransactionStatus(pointer) == PQTRANS_IDLE }

    /// Reads, without blocking, whatever the server sent while the connection was idle; false
    /// when that shows the server closed it (restart, shutdown).
    func readsWhatArrivedWhileIdle() -> Bool {
        guard isOK else { return false }
        // Twice: a server that ends a session sends an error and then closes, and the second
        // read is the one that sees the close.
        for _ in 0..<2 {
            guard PQconsumeInput(pointer) == 1 else { return false }
        }
        while let notice = PQnotifies(pointer) { PQfreemem(notice) }
        return isOK
    }

    /// The connection's last error: `connectionLost` when the connection broke, else `server`.
    func connectionError() -> PostgresError {
        let message = String(cString: PQerrorMessage(pointer))
        return PostgresError(isOK ? .server : .connectionLost, serverMessage: message)
    }

    /// Turns a libpq result into a `PostgresResult` or a `PostgresError` (a NULL result is the
    /// connection's error).
    func checked(_ result: OpaquePointer?) throws(PostgresError) -> PostgresResult {
        guard let result else { throw connectionError() }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN:
            return PostgresResult(result)
        default:
            let error = serverError(result)
            PQclear(result)
            throw error
        }
    }

    /// The error a failed result reports, with its SQLSTATE and fields. A result without a
    /// SQLSTATE was made by libpq, not sent by the server (which always sends one): "server
    /// closed the connection unexpectedly" can arrive so while the status still reads OK, and
    /// is a lost connection all the same.
    func serverError(_ result: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue ?? 0)) else { return nil }
            return String(cString: value)
        }
        let sqlState = field("C")
        let message = field("M") ?? String(cString: PQresultErrorMessage(result))
        return PostgresError(
            isOK && sqlState != nil ? .server : .connectionLost, sqlState: sqlState, serverMessage: message,
            serverDetail: field("D"), constraint: field("n"))
    }
}

extension Duration {
    /// Whole milliseconds for a PostgreSQL setting: rounded up, so that a limit under a
    /// millisecond does not become 0 (no limit), and capped at the largest value it takes.
    var postgresMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let largest = Int64(Int32.max)
        guard seconds < largest / 1000 else { return largest }
        let fraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return min(seconds * 1000 + fraction, largest)
    }
}

/// Calls `body` with `strings` as a NULL-terminated array of C strings, as libpq's keyword arrays are.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let duplicated: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
    defer { duplicated.forEach { free($0) } }
    return duplicated.withUnsafeBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { body($0) }
    }
}
