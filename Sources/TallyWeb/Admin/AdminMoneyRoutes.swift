import Templating
import Hummingbird
import Postgres
import TallyAccess

/// The money half of the admin area: the overview `/admin`, margins, model prices, price import
/// and re-rating (docs/admin-money.md). GET pages take `StaffRequestContext` (admin and sales);
/// every POST takes `AdminRequestContext` (sales get 403).
struct AdminMoneyRoutes {
    let pool: PostgresPool
    let pages: Pages
    let clock: any WallClock

    func register(on router: Router<AppRequestContext>) {
        OverviewRoutes(pool: pool, pages: pages, clock: clock).register(on: router)
        MarginsRoutes(pool: pool, pages: pages, clock: clock).register(on: router)
        PricesRoutes(pool: pool, pages: pages, clock: clock).register(on: router)
        PriceImportRoutes(pool: pool, pages: pages, clock: clock).register(on: router)
        ReRateRoutes(pool: pool, pages: pages, clock: clock).register(on: router)
    }
}
