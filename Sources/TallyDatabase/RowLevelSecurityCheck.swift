import Postgres

/// A table that holds account data, as the catalogue describes it.
public struct AccountDataTable: Sendable, Equatable {
    /// The table's name (schema `public`).
    public let name: String
    /// The column naming the account: `id` for `accounts`, `account_id` elsewhere, `nil` for
    /// tables protected through another table (`sessions`, through its user).
    public let accountColumn: String?
    /// `ALTER TABLE … ENABLE ROW LEVEL SECURITY` is in force.
    public let rowSecurityEnabled: Bool
    /// `ALTER TABLE … FORCE ROW LEVEL SECURITY` is in force (the owner is filtered too).
    public let rowSecurityForced: Bool

    /// Both ENABLE and FORCE.
    public var isProtected: Bool { rowSecurityEnabled && rowSecurityForced }
}

/// Why the server refuses to run: account data that row-level security does not guard.
public struct UnprotectedAccountDataError: Error, Sendable, CustomStringConvertible {
    /// Tables lacking ENABLE or FORCE ROW LEVEL SECURITY.
    public let tables: [String]
    /// Views that run with their owner's rights (no `security_invoker`), which bypass RLS.
    public let views: [String]

    public var description: String {
        var parts: [String] = []
        if !tables.isEmpty {
            parts.append("table(s) without ENABLE and FORCE ROW LEVEL SECURITY: \(tables.joined(separator: ", "))")
        }
        if !views.isEmpty {
            parts.append("view(s) without security_invoker: \(views.joined(separator: ", "))")
        }
        return "refusing to serve: account data is not protected by row-level security; "
            + parts.joined(separator: "; ") + " (see migrations/0003_row_level_security.sql)"
    }
}

extension DatabaseRoles {
    /// Tables that hold account data even without an `account_id` column.
    public static let alwaysProtectedTables: Set<String> = ["accounts", "sessions"]

    /// Every table in `public` that holds account data: `accounts`, `sessions`, and each table or
    /// partition with an `account_id` column. Generic over the catalogue, so tables added by later
    /// migrations are included without a list to update.
    public static func accountDataTables(on connection: PostgresConnection) async throws -> [AccountDataTable] {
        let rows = try await connection.query(
            """
            SELECT c.relname::text, c.relrowsecurity, c.relforcerowsecurity,
                   EXISTS (SELECT 1 FROM pg_attribute a
                            WHERE a.attrelid = c.oid AND a.attname = 'account_id'
                              AND a.attnum > 0 AND NOT a.attisdropped)
              FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
             ORDER BY c.relname
            """)
        return try rows.compactMap { row in
            let (name, enabled, forced, hasAccountID) = try row.decode((String, Bool, Bool, Bool).self)
            let column: String? = hasAccountID ? "account_id" : (name == "accounts" ? "id" : nil)
            guard hasAccountID || alwaysProtectedTables.contains(name) else { return nil }
            return AccountDataTable(name: name, accountColumn: column, rowSecurityEnabled: enabled, rowSecurityForced: forced)
        }
    }

    /// Views in `public` that run with their owner's rights: without `security_invoker` a view
    /// reads its tables as the owner, and FORCE does not help, so it would leak every account.
    public static func viewsWithoutSecurityInvoker(on connection: PostgresConnection) async throws -> [String] {
        let rows = try await connection.query(
            """
            SELECT c.relname::text FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'v'
               AND NOT EXISTS (
                   SELECT 1 FROM unnest(coalesce(c.reloptions, '{}'::text[])) AS o(option)
                    WHERE lower(o.option) IN ('security_invoker=true', 'security_invoker=on',
                                              'security_invoker=yes', 'security_invoker=1'))
             ORDER BY c.relname
            """)
        return try rows.map { try $0.decode(String.self, at: 0) }
    }

    /// The start-up check of `tally serve` after ``verifyAppRole(on:)``: every account-data table
    /// has ENABLE and FORCE ROW LEVEL SECURITY and every view uses `security_invoker`.
    ///
    /// - Throws: ``UnprotectedAccountDataError`` naming the tables and views.
    public static func verifyRowLevelSecurity(on connection: PostgresConnection) async throws {
        let tables = try await accountDataTables(on: connection).filter { !$0.isProtected }.map(\.name)
        let views = try await viewsWithoutSecurityInvoker(on: connection)
        if !tables.isEmpty || !views.isEmpty {
            throw UnprotectedAccountDataError(tables: tables, views: views)
        }
    }

    /// Both start-up checks: the role (``verifyAppRole(on:)``) and the tables
    /// (``verifyRowLevelSecurity(on:)``).
    public static func verifyServing(on connection: PostgresConnection) async throws {
        try await verifyAppRole(on: connection)
        try await verifyRowLevelSecurity(on: connection)
    }
}
