import Alerting
import Logging
import Metering
import MeteringStore
import Passwords
import Postgres
import Reporting
import TallyAccess
import TallyDatabase

/// The composition root: every store, reader and service of the web application, built once
/// over one pool. Route groups receive the parts they use and never see the pool; this file and
/// the error middleware are the only parts of TallyWeb that import `Postgres`.
public struct AppServices: Sendable {
    /// The pages.
    public let pages: Pages
    /// The metrics registry the app reports into.
    public let metrics: AppMetrics
    /// Users, sessions and logins.
    public let access: AccessServices
    /// API keys, the ingest and the entitlement check.
    public let metering: MeteringServices
    /// Alert rules, alerts and webhook endpoints.
    public let alerting: AlertingServices
    /// Migrations and pool numbers, for `/readyz` and `/metrics`.
    let database: DatabaseHealth
    /// The admin area's stores and read models.
    let admin: AdminServices
    /// The customer portal's readers and stores.
    let portal: PortalStores

    /// Builds everything over `pool`; `access` defaults to the standard settings and the system
    /// clock, `webhooks` to https and public addresses only.
    public init(
        pool: PostgresPool, migrations: [Migration], pages: Pages, access: AccessServices? = nil,
        webhooks: WebhookDestinations = WebhookDestinations()
    ) {
        self.pages = pages
        database = DatabaseHealth(pool: pool, migrations: migrations, logger: Logger(label: "tally.migrations"))
        metrics = AppMetrics(database: database)
        let access = access ?? AccessServices(pool: pool, logger: Logger(label: "tally.access"))
        self.access = access
        // One calendar memo for the ingest, the entitlement check and the dashboard; one usage
        // reader for the API's usage report and the usage page.
        let calendar = CalendarMemo()
        let usage = UsageReader(pool: pool)
        metering = MeteringServices(pool: pool, calendar: calendar, usage: usage)
        alerting = AlertingServices(pool: pool, destinations: webhooks)
        admin = AdminServices(
            accounts: AdminAccountStore(pool: pool), plans: AdminPlanStore(pool: pool),
            users: StaffAdministration(database: pool, hasher: access.hasher), accountList: AdminAccountList(pool: pool),
            accountDetail: AccountDetailReport(pool: pool), catalog: PlanCatalogReport(pool: pool), audit: AuditLog(pool: pool),
            reports: MoneyReports(pool: pool), prices: PriceStore(pool: pool), rater: ReRater(pool: pool),
            topUps: TopUpRequests(pool: pool), alerts: alerting.alerts)
        portal = PortalStores(
            dashboard: DashboardReader(pool: pool, calendar: calendar), usage: usage, billing: BillingReport(pool: pool),
            topUps: admin.topUps, apiKeys: AccountAPIKeys(pool: pool))
    }
}

/// The customer portal's readers and stores, built once by ``AppServices``.
struct PortalStores: Sendable {
    let dashboard: DashboardReader
    let usage: UsageReader
    let billing: BillingReport
    let topUps: TopUpRequests
    let apiKeys: AccountAPIKeys
}

extension AccessServices {
    /// Builds the services over `pool`; every store query runs in an explicit data scope.
    public init(
        pool: PostgresPool, hasher: PasswordHasher = PasswordHasher(), settings: AccessSettings = .init(),
        clock: any WallClock = SystemWallClock(), logger: Logger
    ) {
        let users = UserStore(database: pool)
        let sessions = SessionStore(database: pool, settings: settings)
        self.init(
            users: users, accounts: AccountStore(database: pool), sessions: sessions,
            login: LoginService(users: users, sessions: sessions, hasher: hasher, settings: settings, logger: logger),
            clock: clock, hasher: hasher)
    }
}

extension MeteringServices {
    /// Builds the services over `pool`; the ingest checks threshold alerts in each batch's
    /// transaction. The ingest and the check place instants through `calendar`.
    public init(pool: PostgresPool, calendar: CalendarMemo = CalendarMemo(), usage: UsageReader? = nil) {
        self.init(
            keys: APIKeyStore(pool: pool),
            ingest: IngestService(pool: pool, observers: [ThresholdAlerts()], calendar: calendar),
            entitlements: EntitlementService(pool: pool, calendar: calendar), usage: usage ?? UsageReader(pool: pool))
    }
}

extension DemoSetup {
    /// A setup over `pool`.
    public init(pool: PostgresPool, hasher: PasswordHasher = PasswordHasher()) {
        self.init(
            seeder: DemoSeeder(pool: pool),
            users: UserAdministration(users: UserStore(database: pool), accounts: AccountStore(database: pool), hasher: hasher))
    }
}
