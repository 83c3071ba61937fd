/// An error from the database layer.
///
/// `description` is deliberately generic: it never contains SQL text, bound values or the server's
/// message, so it is safe to show. `logMetadata` carries the details for logs.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in categories the callers act on.
    public enum Kind: Sendable, Equatable {
        /// No connection could be opened (server down, wrong address, authentication).
        case connectionFailed
        /// The connection broke while in use (server restart, network).
        case connectionLost
        /// No pooled connection became free within the pool's acquire timeout.
        case poolTimeout
        /// The pool was shut down.
        case poolClosed
        /// The server rejected the statement; see `sqlState`.
        case server
        /// A bound string contained a NUL character, which PostgreSQL text cannot hold.
        case nulInString
        /// A COPY was aborted or failed.
        case copyFailed
        /// A bound value is larger than the protocol can carry (2 GiB) or outside its type's range.
        case parameterOutOfRange
    }

    /// The category of the failure.
    public let kind: Kind
    /// The five-character SQLSTATE reported by the server, when there is one.
    public let sqlState: String?
    /// The server's or libpq's message: for logs only.
    public let serverMessage: String?
    /// The server's DETAIL field: for logs only.
    public let serverDetail: String?
    /// The constraint the server named, when there is one (useful to map unique violations).
    public let constraint: String?

    /// Creates an error.
    public init(
        _ kind: Kind, sqlState: String? = nil, serverMessage: String? = nil,
        serverDetail: String? = nil, constraint: String? = nil
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.serverMessage = serverMessage
        self.serverDetail = serverDetail
        self.constraint = constraint
    }

    /// True when the database cannot be used right now; a web layer answers 503 with Retry-After.
    public var isUnavailable: Bool {
        switch kind {
        case .connectionFailed, .connectionLost, .poolTimeout, .poolClosed: return true
        case .server, .copyFailed:
            // Class 08 (connection exception), 57P0x (shutdown, crash recovery, cannot connect
            // now), 53 (resources), 57014 (a statement past its timeout: the database is too slow
            // now), 25006 (a read-only transaction: a standby, until a failover promotes it).
            guard let state = sqlState else { return false }
            return state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53") || isStatementTimeout
                || state == "25006"
        case .nulInString, .parameterOutOfRange: return false
        }
    }

    /// True when the server cancelled the statement (SQLSTATE 57014): it ran past its
    /// `statement_timeout`, or someone cancelled it from outside. (A statement cancelled because
    /// its own task was cancelled throws `CancellationError` instead.)
    public var isStatementTimeout: Bool { sqlState == "57014" }

    /// A generic text that is safe to show anywhere.
    public var description: String {
        switch kind {
        case .connectionFailed: return "database connection failed"
        case .connectionLost: return "database connection lost"
        case .poolTimeout: return "no database connection available in time"
        case .poolClosed: return "database pool is closed"
        case .server: return "database error (SQLSTATE \(sqlState ?? "?????"))"
        case .nulInString: return "a text value contains a NUL character, which the database cannot store"
        case .parameterOutOfRange: return "a value is outside what the database can store"
        case .copyFailed: return "bulk copy failed" + (sqlState.map { " (SQLSTATE \($0))" } ?? "")
        }
    }

    /// Details for structured logs (server message and detail; never SQL text or bound values).
    public var logMetadata: [String: String] {
        var metadata = ["db.error": description]
        if let sqlState { metadata["db.sqlstate"] = sqlState }
        if let serverMessage { metadata["db.message"] = serverMessage }
        if let serverDetail { metadata["db.detail"] = serverDetail }
        if let constraint { metadata["db.constraint"] = constraint }
        return metadata
    }
}

/// A value in a row could not be decoded as the caller asked.
public struct PostgresDecodingError: Error, Sendable, CustomStringConvertible {
    /// The column's name.
    public let column: String
    /// The Swift type the caller asked for.
    public let expectedType: String
    /// What the column held: its PostgreSQL type, `NULL`, or the reason the text did not parse.
    public let actual: String
    /// The caller's file.
    public let file: String
    /// The caller's line.
    public let line: Int

    /// Creates a decoding error.
    public init(column: String, expectedType: String, actual: String, file: String, line: Int) {
        self.column = column
        self.expectedType = expectedType
        self.actual = actual
        self.file = file
        self.line = line
    }

    /// Names the column, the expected type, what it got and the caller's file:line.
    public var description: String {
        "cannot decode column '\(column)' as \(expectedType): got \(actual) (at \(file):\(line))"
    }
}
