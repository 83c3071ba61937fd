import Logging
import Passwords
import Postgres
import TallyAccess

/// The access parts of the app: stores, the login service, the clock and the cookie settings.
public struct AccessServices: Sendable {
    /// Users.
    public let users: UserStore
    /// Accounts.
    public let accounts: AccountStore
    /// Sessions.
    public let sessions: SessionStore
    /// Logins.
    public let login: LoginService
    /// Where "now" comes from: the system clock, or a test's.
    public let clock: any WallClock
    /// The password hasher (one thread pool for logins and the admin pages).
    public let hasher: PasswordHasher

    /// Builds the services over `pool`; every store query runs in an explicit data scope.
    public init(
        pool: PostgresPool, hasher: PasswordHasher = PasswordHasher(), settings: AccessSettings = .init(),
        clock: any WallClock = SystemWallClock(), logger: Logger
    ) {
        users = UserStore(database: pool)
        accounts = AccountStore(database: pool)
        sessions = SessionStore(database: pool, settings: settings)
        login = LoginService(users: users, sessions: sessions, hasher: hasher, settings: settings, logger: logger)
        self.clock = clock
        self.hasher = hasher
    }
}
