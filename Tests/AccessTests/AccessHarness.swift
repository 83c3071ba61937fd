import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Passwords
import Postgres
import Synchronization
import TallyAccess
import TallyTestSupport
import TallyWeb
import TallyWebTestSupport

/// Light argon2 parameters so tests that hash many passwords stay fast. Tests about the stored
/// format use `PasswordHasher()` with the real defaults.
let lightParameters = lightPasswordParameters

/// A migrated database, a pool, a test clock and the app's services over them.
struct AccessHarness: Sendable {
    let database: TestDatabase
    let pool: PostgresPool
    let clock: TestClock
    let hasher: PasswordHasher
    let access: AccessServices
    let pages: Pages

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// Runs `body` with a fresh harness; the pool is shut down afterwards.
    static func with(
        hasher: PasswordHasher = PasswordHasher(parameters: lightParameters),
        _ body: (AccessHarness) async throws -> Void
    ) async throws {
        try await TestDatabase.with { database in
            let pool = database.makePool()
            let clock = TestClock()
            let harness = AccessHarness(
                database: database, pool: pool, clock: clock, hasher: hasher,
                access: AccessServices(pool: pool, hasher: hasher, clock: clock, logger: database.logger),
                pages: try Pages(directory: repositoryRoot + "/templates", reloadOnChange: false, strict: true, logger: database.logger))
            do {
                try await body(harness)
                await pool.shutdown()
            } catch {
                await pool.shutdown()
                throw error
            }
        }
    }

    var administration: UserAdministration {
        UserAdministration(users: access.users, accounts: access.accounts, hasher: hasher)
    }

    /// Creates an account (when `account` is given and new) and a user.
    @discardableResult
    func createUser(_ email: String, password: String = "correct horse battery", role: UserRole = .member, account: String? = "acme") async throws -> User {
        let accountID = role.needsAccount ? account : nil
        if let accountID, try await access.accounts.find(externalID: accountID) == nil {
            _ = try await access.accounts.create(externalID: accountID, name: accountID.capitalized)
        }
        return try await administration.createUser(
            email: email, password: password, role: role, accountExternalID: accountID, now: clock.now())
    }

    /// The application with production (secure) cookies; `unknown` (the in-process peer) is a
    /// trusted proxy so tests choose client addresses with X-Forwarded-For.
    func makeApp(logger: Logger? = nil) -> some ApplicationProtocol {
        var configuration = ServerConfiguration(
            publicDirectory: Self.repositoryRoot + "/public", templatesDirectory: Self.repositoryRoot + "/templates")
        configuration.trustedProxies = ["unknown"]
        configuration.docsDirectory = Self.repositoryRoot + "/docs"
        let services = AppServices(pool: pool, migrations: database.migrations, pages: pages, access: access)
        let logger = logger ?? database.logger
        return Application(
            router: TallyApplication.makeRouter(configuration: configuration, services: services, logger: logger),
            logger: logger)
    }
}
