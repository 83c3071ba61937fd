import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Metering
import MeteringStore
import Passwords
import Postgres
import Synchronization
import TallyAccess
import TallyDatabase
import TallyTestSupport
import TallyWeb

/// Light argon2 parameters so tests that create many users stay fast.
public let lightPasswordParameters = Argon2Parameters(memoryKiB: 64, iterations: 1, parallelism: 1)

/// The whole app over a fresh migrated database, with a test clock: for web tests of pages.
///
/// ```swift
/// try await WebHarness.with { harness in
///     try await harness.seedBasicCatalog()
///     try await harness.createUser("owner@acme.test", role: .owner, account: "acme")
///     try await harness.withClient { client in
///         let browser = try await harness.signIn(client, "owner@acme.test")
///         let page = try await client.get("/", as: browser)
///     }
/// }
/// ```
public struct WebHarness: Sendable {
    /// The test's own database.
    public let database: TestDatabase
    /// App-role connections (row-level security applies).
    public let pool: PostgresPool
    /// The clock every service of the app reads.
    public let clock: TestClock
    /// Users, sessions and logins (light password hashing).
    public let access: AccessServices
    /// Plans, features, prices, accounts.
    public let catalog: CatalogStore
    /// The pages, loaded from the repository's templates.
    public let pages: Pages
    /// The password every user made by ``createUser(_:role:account:password:)`` gets by default.
    public static let password = "correct horse battery"

    /// The repository's root folder.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// Runs `body` with a fresh harness whose clock starts at `start`, hashing passwords with
    /// `hasher` (light parameters unless a test is about the stored format); the pool is shut
    /// down afterwards.
    public static func with(
        start: Date = instant("2027-02-20T12:00:00Z"), hasher: PasswordHasher = PasswordHasher(parameters: lightPasswordParameters),
        _ body: (WebHarness) async throws -> Void
    ) async throws {
        try await TestDatabase.with { database in try await with(database: database, start: start, hasher: hasher, body) }
    }

    /// Runs `body` with a harness over `database` (one a test made, such as an empty one it
    /// restored a backup into); the pool is shut down afterwards, the database left as it is.
    public static func with(
        database: TestDatabase, start: Date = instant("2027-02-20T12:00:00Z"),
        hasher: PasswordHasher = PasswordHasher(parameters: lightPasswordParameters), _ body: (WebHarness) async throws -> Void
    ) async throws {
        try await database.withPool(maxConnections: 8) { pool in
            let clock = TestClock(start)
            let harness = WebHarness(
                database: database, pool: pool, clock: clock,
                access: AccessServices(pool: pool, hasher: hasher, clock: clock, logger: database.logger),
                catalog: CatalogStore(pool: pool, actor: .seed),
                pages: try Pages(directory: repositoryRoot + "/templates", reloadOnChange: false, strict: true, logger: database.logger))
            try await body(harness)
        }
    }

    /// The production configuration over the repository's folders; `unknown` (the in-process
    /// peer) is a trusted proxy so tests choose client addresses with X-Forwarded-For.
    public static var configuration: ServerConfiguration {
        var configuration = ServerConfiguration(
            publicDirectory: Self.repositoryRoot + "/public", templatesDirectory: Self.repositoryRoot + "/templates")
        configuration.trustedProxies = ["unknown"]
        configuration.docsDirectory = Self.repositoryRoot + "/docs"
        return configuration
    }

    /// The app's services over this harness.
    public var services: AppServices {
        AppServices(pool: pool, migrations: database.migrations, pages: pages, access: access)
    }

    /// The password hasher of ``access``.
    public var hasher: PasswordHasher { access.hasher }

    /// Creates users as the admin pages and commands do.
    public var administration: UserAdministration {
        UserAdministration(users: access.users, accounts: access.accounts, hasher: hasher)
    }

    /// The production router; tests may add test-only routes to it before building an
    /// application.
    public func makeRouter(logger: Logger? = nil) -> Router<AppRequestContext> {
        TallyApplication.makeRouter(configuration: Self.configuration, services: services, logger: logger ?? database.logger)
    }

    /// The application over the production router.
    public func makeApp(logger: Logger? = nil) -> some ApplicationProtocol {
        Application(router: makeRouter(logger: logger), logger: logger ?? database.logger)
    }

    /// Runs `body` with an in-process client of the production router.
    public func withClient(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await makeApp().test(.router) { client in
            try await body(client)
        }
    }

    /// Creates a user (and, for customers, the account `account` when it does not exist yet, on no
    /// plan). Create accounts with a plan first through ``catalog`` when the test needs one.
    @discardableResult
    public func createUser(
        _ email: String, role: UserRole = .member, account: String? = "acme", password: String = WebHarness.password
    ) async throws -> User {
        let accountID = role.needsAccount ? account : nil
        if let accountID, try await access.accounts.find(externalID: accountID) == nil {
            _ = try await access.accounts.create(externalID: accountID, name: accountID.capitalized)
        }
        return try await administration.createUser(
            email: email, password: password, role: role, accountExternalID: accountID, now: clock.now())
    }

    /// Signs `email` in through the login form and returns the browser, holding the session
    /// cookie and the session's CSRF token. Each call comes from its own client address, so many
    /// sign-ins never meet the per-address throttle.
    public func signIn(
        _ client: some TestClientProtocol, _ email: String, password: String = WebHarness.password
    ) async throws -> BrowserState {
        let address = "198.51.100.\(WebHarness.nextAddress.add(1, ordering: .relaxed).newValue % 250 + 1)"
        let (browser, response) = try await client.signIn(email: email, password: password, address: address)
        guard response.status == .seeOther else {
            throw HarnessError("sign-in of \(email) answered \(response.status.code)")
        }
        return browser
    }

    private static let nextAddress = Atomic<Int>(0)

    /// The small catalog most page tests need: plan `pro` (block, $49/month, 100 credits, no
    /// grace), plan `payg` (charge, $0.01 per credit over 0 included), features `summarize` (1
    /// credit per event) and `chat` (2 credits per 1k tokens) enabled on both, and `gpt-4o`
    /// priced from 2027-01-01 ($2.50 / $1.25 cached / $10 output per 1M tokens).
    public func seedBasicCatalog() async throws {
        try await catalog.createPlan(PlanDraft(
            code: "pro", name: "Pro", monthlyFee: Money(dollars: 49), includedCredits: .limited(Credits(credits: 100)),
            overage: .block(grace: .zero)))
        try await catalog.createPlan(PlanDraft(
            code: "payg", name: "Pay as you go", includedCredits: .limited(.zero),
            overage: .charge(pricePerCredit: try Money(parsing: "0.01"))))
        try await catalog.createFeature(key: "summarize", name: "Summarize", rule: .perEvent(Credits(credits: 1)))
        try await catalog.createFeature(key: "chat", name: "Chat", rule: .perThousandTokens(Credits(credits: 2)))
        for plan in ["pro", "payg"] {
            for feature in ["summarize", "chat"] {
                try await catalog.setEntitlement(planCode: plan, featureKey: feature, entitlement: Entitlement(enabled: true))
            }
        }
        try await catalog.addPrice(PriceDraft(
            model: "gpt-4o", input: try PricePerMillionTokens(parsing: "2.5"),
            cachedInput: try PricePerMillionTokens(parsing: "1.25"),
            output: try PricePerMillionTokens(parsing: "10"), effectiveFrom: instant("2027-01-01T00:00:00Z")))
    }

    /// Stores events through the ingest `POST /api/v1/events` uses (``MeteringServices``: its
    /// observers included, so threshold alerts fire as in production), received at the clock's
    /// time. Each element is one event's JSON object text, e.g.
    /// `#"{"id": "e1", "account": "acme", "feature": "chat"}"#`.
    @discardableResult
    public func ingest(_ events: [String]) async throws -> IngestResult {
        let body = "{\"events\": [" + events.joined(separator: ",") + "]}"
        return try await MeteringServices(pool: pool).ingest.ingest(Data(body.utf8), now: clock.now())
    }

    /// The entitlement check's answer for `account` and `feature` at the clock's time, asked the
    /// way the operator's backend asks (with a fresh read key); nil for an unknown account.
    public func entitlement(account: String, feature: String, requested: Credits = .zero) async throws -> EntitlementAnswer? {
        let key = try await APIKeyStore(pool: pool).create(name: "harness-\(UUID().uuidString.prefix(8))", scope: .read, now: clock.now())
        switch try await EntitlementService(pool: pool).check(
            presenting: key.secret, account: account, feature: feature, requested: requested, now: clock.now())
        {
        case .answered(_, let answer): return answer
        case .unknownAccount: return nil
        case .unauthenticated: throw HarnessError("the entitlement check refused the harness's own key")
        }
    }

    /// Runs `query` in the service scope (sees every account) and returns its rows: for the
    /// independent SQL sums tests compare pages with.
    public func rows(_ query: PostgresQuery) async throws -> PostgresRows {
        try await pool.withTransaction(scope: .service) { try await $0.query(query) }
    }
}

/// A harness step that did not go as a test expects.
public struct HarnessError: Error, CustomStringConvertible {
    /// What happened.
    public let description: String
    init(_ description: String) { self.description = description }
}
