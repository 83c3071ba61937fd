import Postgres

/// The two roles Tally uses: an owner that runs migrations and owns the tables, and an app role
/// with data access only (no ownership, no superuser, no BYPASSRLS) that `tally serve` uses.
public enum DatabaseRoles {
    /// The owning role's name on the embedded cluster.
    public static let owner = "tally_owner"
    /// The app role's name; migrations grant to it.
    public static let app = Migrator.appRole

    /// On a superuser connection: creates both roles and `database` (owned by the owner) if missing.
    public static func bootstrap(database: String, superuser connection: PostgresConnection) async throws {
        try await createRole(owner, attributes: "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE", on: connection)
        try await createRole(app, attributes: "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS", on: connection)
        let exists = try await connection.query("SELECT 1 FROM pg_database WHERE datname = \(database)")
        if exists.isEmpty {
            try await connection.execute(
                "CREATE DATABASE \(identifier: database) OWNER \(identifier: owner) ENCODING 'UTF8' TEMPLATE template0")
        }
    }

    /// On a superuser connection to the database itself: the owner owns the public schema and the
    /// app role may use it.
    public static func prepareSchema(superuser connection: PostgresConnection) async throws {
        try await connection.execute("ALTER SCHEMA public OWNER TO \(identifier: owner)")
        try await connection.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
        try await connection.execute("GRANT USAGE ON SCHEMA public TO \(identifier: app)")
    }

    private static func createRole(_ name: String, attributes: String, on connection: PostgresConnection) async throws {
        let exists = try await connection.query("SELECT 1 FROM pg_roles WHERE rolname = \(name)")
        guard exists.isEmpty else { return }
        try await connection.execute("CREATE ROLE \(identifier: name) \(unsafeRaw: attributes)")
    }
}

/// Why the server refuses to run with the role it connected as.
public struct UnsafeAppRoleError: Error, Sendable, CustomStringConvertible {
    /// The reasons, e.g. "is a superuser".
    public let reasons: [String]
    /// The role checked.
    public let role: String

    public var description: String {
        "refusing to serve as database role \(role): it \(reasons.joined(separator: ", ")); "
            + "connect as a role with data access only (see README)"
    }
}

extension DatabaseRoles {
    /// Checks that the connected role can't bypass row-level security: not a superuser, no
    /// BYPASSRLS, owns no tables.
    public static func verifyAppRole(on connection: PostgresConnection) async throws {
        let rows = try await connection.query(
            """
            SELECT r.rolname::text, r.rolsuper, r.rolbypassrls,
                   (SELECT count(*) FROM pg_class c
                     WHERE c.relowner = r.oid AND c.relkind IN ('r', 'p', 'v', 'm')
                       AND c.relnamespace = 'public'::regnamespace)
              FROM pg_roles r WHERE r.rolname = current_user
            """)
        guard let row = rows.first else { return }
        let (role, isSuperuser, bypassesRLS, ownedTables) = try row.decode((String, Bool, Bool, Int).self)
        var reasons: [String] = []
        if isSuperuser { reasons.append("is a superuser") }
        if bypassesRLS { reasons.append("has BYPASSRLS") }
        if ownedTables > 0 { reasons.append("owns \(ownedTables) table(s)") }
        if !reasons.isEmpty { throw UnsafeAppRoleError(reasons: reasons, role: role) }
    }
}
