import Foundation
import Postgres
import TallyDatabase

/// Filters of the audit log page; every one optional.
public struct AuditLogQuery: Sendable, Hashable {
    /// The actor's email (or `tally command`), exact, case-insensitive.
    public var actor: String
    /// An action such as `plan.update`.
    public var action: String
    /// An object kind such as `account`.
    public var objectKind: String
    /// Changes concerning this account.
    public var accountID: Int64?
    /// From this instant (inclusive).
    public var from: Date?
    /// Before this instant (exclusive).
    public var before: Date?
    /// 1-based page.
    public var page: Int
    /// Rows per page.
    public var pageSize: Int

    /// A query; `page` is clamped to 1 or more.
    public init(
        actor: String = "", action: String = "", objectKind: String = "", accountID: Int64? = nil,
        from: Date? = nil, before: Date? = nil, page: Int = 1, pageSize: Int = 50
    ) {
        self.actor = actor
        self.action = action
        self.objectKind = objectKind
        self.accountID = accountID
        self.from = from
        self.before = before
        self.page = max(page, 1)
        self.pageSize = pageSize
    }
}

/// One row of the audit log with the fields it changed.
public struct AuditEntry: Sendable, Hashable {
    /// One changed field: its value before and after (nil: absent).
    public struct Change: Sendable, Hashable {
        public let field: String
        public let before: String?
        public let after: String?
    }

    public let id: Int64
    public let at: Date
    public let actor: String
    public let action: String
    public let objectKind: String
    public let objectID: String
    public let accountID: Int64?
    /// The account's name, when the change concerns an account.
    public let accountName: String?
    /// What differs between before and after (`AuditTrail.changedFields`).
    public let changes: [Change]
    public let requestID: String?
}

/// A page of the audit log, newest first.
public struct AuditLogPage: Sendable, Hashable {
    public let entries: [AuditEntry]
    /// Rows matching the filters, on every page.
    public let total: Int
    public let query: AuditLogQuery
    /// Every action and object kind in the log, for the filter lists.
    public let actions: [String]
    public let objectKinds: [String]

    /// The number of pages (at least 1).
    public var pageCount: Int { max(1, (total + query.pageSize - 1) / query.pageSize) }
}

/// The audit log read model (staff scope).
public struct AuditLog: Sendable {
    let pool: PostgresPool

    /// A read model over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The page `query` asks for.
    public func load(_ query: AuditLogQuery) async throws -> AuditLogPage {
        try await pool.withTransaction(scope: .staff) { connection in
            let filter: PostgresQuery = """
                (\(query.actor) = '' OR lower(l.actor) = lower(\(query.actor)))
                AND (\(query.action) = '' OR l.action = \(query.action))
                AND (\(query.objectKind) = '' OR l.object_kind = \(query.objectKind))
                AND (\(query.accountID)::bigint IS NULL OR l.account_id = \(query.accountID))
                AND (\(query.from)::timestamptz IS NULL OR l.at >= \(query.from))
                AND (\(query.before)::timestamptz IS NULL OR l.at < \(query.before))
                """
            let total = try await connection.query("SELECT count(*)::bigint FROM audit_log l WHERE \(filter)")
                .first!.decode(Int.self, at: 0)
            let rows = try await connection.query(
                """
                SELECT l.id, l.at, l.actor, l.action, l.object_kind, l.object_id, l.account_id, a.name,
                       l.before::text, l.after::text, l.request_id
                FROM audit_log l LEFT JOIN accounts a ON a.id = l.account_id
                WHERE \(filter)
                ORDER BY l.at DESC, l.id DESC
                LIMIT \(query.pageSize) OFFSET \((query.page - 1) * query.pageSize)
                """)
            let entries = try rows.map(Self.entry)
            let actions = try await connection.query("SELECT DISTINCT action FROM audit_log ORDER BY 1").map { try $0.decode(String.self, at: 0) }
            let kinds = try await connection.query("SELECT DISTINCT object_kind FROM audit_log ORDER BY 1").map { try $0.decode(String.self, at: 0) }
            return AuditLogPage(entries: entries, total: total, query: query, actions: actions, objectKinds: kinds)
        }
    }

    /// The newest `limit` entries about one account (the account page).
    public func recent(accountID: Int64, limit: Int, on connection: PostgresConnection) async throws -> [AuditEntry] {
        let rows = try await connection.query(
            """
            SELECT l.id, l.at, l.actor, l.action, l.object_kind, l.object_id, l.account_id, a.name,
                   l.before::text, l.after::text, l.request_id
            FROM audit_log l LEFT JOIN accounts a ON a.id = l.account_id
            WHERE l.account_id = \(accountID)
            ORDER BY l.at DESC, l.id DESC LIMIT \(limit)
            """)
        return try rows.map(Self.entry)
    }

    static func entry(_ row: PostgresRow) throws -> AuditEntry {
        let (id, at, actor, action, kind, objectID, accountID, accountName, before, after, requestID) =
            try row.decode((Int64, Date, String, String, String, String, Int64?, String?, String?, String?, String?).self)
        let changes = AuditTrail.changedFields(before: snapshot(before), after: snapshot(after)).map {
            AuditEntry.Change(field: $0.field, before: $0.before, after: $0.after)
        }
        return AuditEntry(
            id: id, at: at, actor: actor, action: action, objectKind: kind, objectID: objectID, accountID: accountID,
            accountName: accountName, changes: changes, requestID: requestID)
    }

    private static func snapshot(_ json: String?) -> AuditSnapshot? {
        guard let json else { return nil }
        return try? JSONDecoder().decode(AuditSnapshot.self, from: Data(json.utf8))
    }
}
