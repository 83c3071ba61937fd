import Logging
import Passwords
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

    /// Collects the services (``AppServices`` builds them over a pool).
    public init(
        users: UserStore, accounts: AccountStore, sessions: SessionStore, login: LoginService, clock: any WallClock,
        hasher: PasswordHasher
    ) {
        self.users = users
        self.accounts = accounts
        self.sessions = sessions
        self.login = login
        self.clock = clock
        self.hasher = hasher
    }
}
