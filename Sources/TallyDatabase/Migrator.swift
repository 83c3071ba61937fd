import Foundation
import Logging
import Postgres

/// Applies migrations in order, each in its own transaction, recording each with its checksum.
///
/// A session advisory lock makes concurrent runs safe: a second `tally migrate` waits for the
/// first and then finds nothing left to do.
public struct Migrator: Sendable {
    /// The advisory lock key every Tally migrator takes.
    static let lockKey: Int64 = 0x7A11_7000_0001
    /// The role the migrations grant data access to (the app role, or a group it belongs to).
    public static let appRole = "tally_app"

    /// The migrations known to this Tally, in version order.
    public let migrations: [Migration]
    let logger: Logger

    /// Creates a migrator for the given migrations.
    public init(migrations: [Migration], logger: Logger) {
        self.migrations = migrations
        self.logger = logger
    }

    /// Where the database stands against the known migrations.
    public struct Status: Sendable, Equatable {
        /// Migrations recorded in the database.
        public var applied: [AppliedMigration]
        /// Known migrations not yet applied, in order.
        public var pending: [Migration]
        /// Problems that stop migration (changed or unknown files).
        public var problems: [MigrationError]
    }

    /// Reads `schema_migrations` (absent means nothing applied) and compares it with the files.
    public func status(on connection: PostgresConnection) async throws -> Status {
        let exists = try await connection.query("SELECT to_regclass('public.schema_migrations') IS NOT NULL")
        var applied: [AppliedMigration] = []
        if try exists.first?.decode(Bool.self, at: 0) == true {
            let rows = try await connection.query(
                "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version")
            for row in rows {
                let (version, name, checksum, appliedAt) = try row.decode((Int, String, String, Date).self)
                applied.append(AppliedMigration(version: version, name: name, checksum: checksum, appliedAt: appliedAt))
            }
        }
        return compare(applied: applied)
    }

    func compare(applied: [AppliedMigration]) -> Status {
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        let appliedVersions = Set(applied.map(\.version))
        var problems: [MigrationError] = []
        for record in applied {
            guard let migration = known[record.version] else {
                problems.append(.unknownApplied(name: record.name))
                continue
            }
            if migration.checksum != record.checksum { problems.append(.changedAfterApplied(name: migration.name)) }
        }
        let pending = migrations.filter { !appliedVersions.contains($0.version) }
        return Status(applied: applied, pending: pending, problems: problems)
    }

    /// Applies every pending migration; returns those it applied (none if another run did them).
    /// Must run as the owner role.
    @discardableResult
    public func migrate(on connection: PostgresConnection) async throws -> [Migration] {
        try await connection.execute("SELECT pg_advisory_lock(\(Self.lockKey))")
        do {
            let applied = try await migrateLocked(on: connection)
            try await connection.execute("SELECT pg_advisory_unlock(\(Self.lockKey))")
            return applied
        } catch {
            _ = try? await connection.execute("SELECT pg_advisory_unlock(\(Self.lockKey))")
            throw error
        }
    }

    private func migrateLocked(on connection: PostgresConnection) async throws -> [Migration] {
        try await createHistoryTable(on: connection)
        let status = try await status(on: connection)
        if let problem = status.problems.first { throw problem }
        for migration in status.pending {
            logger.info("applying migration", metadata: ["migration": "\(migration.name)"])
            try await connection.withTransaction { connection in
                try await connection.unsafeExecuteScript(migration.sql)
                try await connection.execute(
                    """
                    INSERT INTO schema_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                    """)
            }
        }
        return status.pending
    }

    private func createHistoryTable(on connection: PostgresConnection) async throws {
        let role = try await connection.query("SELECT 1 FROM pg_roles WHERE rolname = \(Self.appRole)")
        guard !role.isEmpty else { throw MigrationError.appRoleMissing(Self.appRole) }
        try await connection.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        try await connection.execute("GRANT SELECT ON schema_migrations TO \(identifier: Self.appRole)")
    }
}
