/// Where Tally's database is and how Tally connects to it. Built once from flags and environment
/// by the `tally` command and passed down.
public struct DatabaseConfiguration: Sendable, Equatable {
    /// The app role's URL (`DATABASE_URL`). nil runs the embedded cluster.
    public var appURL: String?
    /// The owner role's URL (`TALLY_OWNER_DATABASE_URL`), used to migrate an external database.
    public var ownerURL: String?
    /// The embedded cluster's folder (`TALLY_DATA_DIR`).
    public var dataDirectory: String
    /// The folder of `NNNN_name.sql` files (`TALLY_MIGRATIONS_DIR`).
    public var migrationsDirectory: String
    /// The most connections the app's pool opens (`TALLY_DB_POOL_SIZE`).
    public var poolSize: Int
    /// How long a request waits for a pooled connection before answering 503.
    public var acquireTimeout: Duration
    /// Connections besides the pool that carry every request's short reads together
    /// (`TALLY_DB_SHARED_CONNECTIONS`; 0 runs them on pooled connections).
    public var sharedConnections = 1
    /// The longest a statement of the server's requests (and its scheduler) may run
    /// (`TALLY_DB_STATEMENT_TIMEOUT_MS`); past it the request answers 503. Migrations, the demo
    /// seeder and one-shot commands run under `maintenanceStatementTimeout` instead.
    public var statementTimeout: Duration = .seconds(5)

    /// The longest a statement of set-up, migrations, `VACUUM`, the demo seeder and one-shot
    /// commands may run: an hour, for a migration that builds an index on a large table or the
    /// seeder's bulk load, yet a statement stuck (behind another session's lock, say) ends rather
    /// than hold start-up for ever.
    public static let maintenanceStatementTimeout: Duration = .seconds(3600)

    /// The embedded cluster's folder unless configured otherwise.
    public static let defaultDataDirectory = ".tally/postgres"

    /// The defaults: embedded cluster in `.tally/postgres`, migrations from `migrations/`.
    public init(
        appURL: String? = nil, ownerURL: String? = nil, dataDirectory: String = defaultDataDirectory,
        migrationsDirectory: String = "migrations", poolSize: Int = 10, acquireTimeout: Duration = .seconds(1)
    ) {
        self.appURL = appURL
        self.ownerURL = ownerURL
        self.dataDirectory = dataDirectory
        self.migrationsDirectory = migrationsDirectory
        self.poolSize = poolSize
        self.acquireTimeout = acquireTimeout
    }

    /// True when Tally runs its own PostgreSQL cluster.
    public var isEmbedded: Bool { appURL == nil }
}
