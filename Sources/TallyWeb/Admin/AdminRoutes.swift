import Alerting
import Hummingbird
import MeteringStore
import Reporting
import TallyAccess

/// The admin area's accounts, plans, features, staff and audit pages (docs/admin.md). Pages
/// read in `StaffRequestContext` (admin and sales); every change uses `AdminRequestContext`
/// (sales get 403) and writes its audit row in the transaction of the change.
struct AdminRoutes {
    let admin: AdminServices
    let pages: Pages
    let clock: any WallClock

    func register(on router: Router<AppRequestContext>) {
        AdminAccountsRoutes(
            pages: pages, clock: clock, accounts: admin.accounts, accountList: admin.accountList,
            accountDetail: admin.accountDetail, catalog: admin.catalog
        ).register(on: router)
        AdminAccountActionRoutes(
            pages: pages, clock: clock, accounts: admin.accounts, accountDetail: admin.accountDetail,
            catalog: admin.catalog, users: admin.users, reports: admin.reports
        ).register(on: router)
        AdminPlansRoutes(pages: pages, clock: clock, plans: admin.plans, catalog: admin.catalog).register(on: router)
        AdminFeaturesRoutes(pages: pages, clock: clock, plans: admin.plans, catalog: admin.catalog).register(on: router)
        AdminStaffRoutes(pages: pages, clock: clock, users: admin.users).register(on: router)
        AdminAuditRoutes(pages: pages, audit: admin.audit).register(on: router)
        OverviewRoutes(reports: admin.reports, topUps: admin.topUps, alerts: admin.alerts, pages: pages, clock: clock)
            .register(on: router)
        MarginsRoutes(reports: admin.reports, pages: pages, clock: clock).register(on: router)
        PricesRoutes(reports: admin.reports, prices: admin.prices, pages: pages, clock: clock).register(on: router)
        PriceImportRoutes(prices: admin.prices, pages: pages, clock: clock).register(on: router)
        ReRateRoutes(rater: admin.rater, pages: pages, clock: clock).register(on: router)
    }
}

/// The stores and read models of the admin area, built once by ``AppServices``.
struct AdminServices: Sendable {
    let accounts: AdminAccountStore
    let plans: AdminPlanStore
    let users: StaffAdministration
    let accountList: AdminAccountList
    let accountDetail: AccountDetailReport
    let catalog: PlanCatalogReport
    let audit: AuditLog
    /// Margins, the overview and the price catalogue.
    let reports: MoneyReports
    let prices: PriceStore
    let rater: ReRater
    /// The overview's slots: top-up requests waiting and open alerts.
    let topUps: TopUpRequests
    let alerts: AlertStore
}

/// The id in the path as a number; anything else is the same 404 as a missing object.
func pathID(_ context: some RequestContext, _ name: String = "id") throws -> Int64 {
    guard let text = context.parameters.get(name), let id = Int64(text), id > 0 else { throw AppError.notFound }
    return id
}
