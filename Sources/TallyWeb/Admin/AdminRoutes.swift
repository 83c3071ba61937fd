import Hummingbird
import MeteringStore
import Postgres
import Reporting
import TallyAccess

/// The admin area's accounts, plans, features, staff and audit pages (docs/admin.md). Pages
/// read in `StaffRequestContext` (admin and sales); every change uses `AdminRequestContext`
/// (sales get 403) and writes its audit row in the transaction of the change.
struct AdminRoutes {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        let admin = AdminPages(services: services)
        AdminAccountsRoutes(admin: admin).register(on: router)
        AdminAccountActionRoutes(admin: admin).register(on: router)
        AdminPlansRoutes(admin: admin).register(on: router)
        AdminFeaturesRoutes(admin: admin).register(on: router)
        AdminStaffRoutes(admin: admin).register(on: router)
        AdminAuditRoutes(admin: admin).register(on: router)
    }
}

/// What the admin routes share: the stores, read models, pages and the clock.
struct AdminPages: Sendable {
    let pages: Pages
    let clock: any WallClock
    let accounts: AdminAccountStore
    let plans: AdminPlanStore
    let users: StaffAdministration
    let accountList: AdminAccountList
    let accountDetail: AccountDetailReport
    let catalog: PlanCatalogReport
    let audit: AuditLog
    /// For the read models loaded per request (the account page's margin).
    let pool: PostgresPool

    init(services: AppServices) {
        pool = services.pool
        pages = services.pages
        clock = services.access.clock
        accounts = AdminAccountStore(pool: services.pool)
        plans = AdminPlanStore(pool: services.pool)
        users = StaffAdministration(database: services.pool, hasher: services.access.hasher)
        accountList = AdminAccountList(pool: services.pool)
        accountDetail = AccountDetailReport(pool: services.pool)
        catalog = PlanCatalogReport(pool: services.pool)
        audit = AuditLog(pool: services.pool)
    }
}

/// The id in the path as a number; anything else is the same 404 as a missing object.
func pathID(_ context: some RequestContext, _ name: String = "id") throws -> Int64 {
    guard let text = context.parameters.get(name), let id = Int64(text), id > 0 else { throw AppError.notFound }
    return id
}
