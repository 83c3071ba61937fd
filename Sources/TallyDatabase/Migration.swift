import Foundation

/// One schema change: a file `migrations/NNNN_name.sql`, applied once, in version order.
public struct Migration: Sendable, Equatable {
    /// The number the file name starts with.
    public let version: Int
    /// The file name without the `.sql` extension, e.g. `0001_baseline`.
    public let name: String
    /// The SQL text, run in one transaction.
    public let sql: String
    /// SHA-256 of the file, hex: an applied file must never change.
    public let checksum: String

    /// Creates a migration; `MigrationSource` reads them from files.
    public init(version: Int, name: String, sql: String, checksum: String) {
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = checksum
    }
}

/// A migration recorded in `schema_migrations`.
public struct AppliedMigration: Sendable, Equatable {
    /// The version recorded.
    public let version: Int
    /// The name recorded.
    public let name: String
    /// The checksum recorded when it was applied.
    public let checksum: String
    /// When it was applied.
    public let appliedAt: Date
}

/// What went wrong with migrations, in words an operator can act on.
public enum MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The migrations folder does not exist or cannot be read.
    case folderUnreadable(path: String)
    /// A `.sql` file whose name is not `NNNN_name.sql`.
    case badFileName(String)
    /// Two files share a version number.
    case duplicateVersion(Int, [String])
    /// A file already applied has changed since.
    case changedAfterApplied(name: String)
    /// The database has a migration this Tally does not know (a newer Tally ran against it).
    case unknownApplied(name: String)
    /// The app role named in the grants does not exist.
    case appRoleMissing(String)

    public var description: String {
        switch self {
        case .folderUnreadable(let path):
            return "cannot read the migrations folder \(path)"
        case .badFileName(let name):
            return "migration file \(name) is not named NNNN_name.sql"
        case .duplicateVersion(let version, let names):
            return "migrations \(names.joined(separator: " and ")) share version \(version)"
        case .changedAfterApplied(let name):
            return "migration \(name).sql was changed after it was applied (its checksum differs); "
                + "restore the applied text and put the change in a new migration"
        case .unknownApplied(let name):
            return "the database has migration \(name) applied, which this Tally does not have; "
                + "run the Tally version that applied it"
        case .appRoleMissing(let role):
            return "database role \(role) does not exist; create it (see README, 'Using an existing PostgreSQL')"
        }
    }
}
