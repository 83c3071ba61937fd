import Hummingbird
import Postgres
import Reporting
import TallyAccess

/// `GET /`: the customer dashboard. Reads only rollups (``DashboardReader``), in the session's
/// account scope.
struct DashboardPage: Sendable {
    let reader: DashboardReader
    let pages: Pages
    let clock: any WallClock

    init(pool: PostgresPool, pages: Pages, clock: any WallClock) {
        reader = DashboardReader(pool: pool)
        self.pages = pages
        self.clock = clock
    }

    func render(_ context: CustomerRequestContext) async throws -> Response {
        guard let dashboard = try await reader.dashboard(accountID: context.accountID, now: clock.now(), scope: context.scope) else {
            throw context.objectNotFound("account", objectID: String(context.accountID))
        }
        let presenter = DashboardPresenter(dashboard: dashboard, isOwner: context.session.role == .owner)
        var frame = PageFrame.customer(context.session, accountName: dashboard.accountName, current: .dashboard)
        frame.banners = presenter.banners
        return try pages.page("portal/dashboard", frame: frame, presenter.view)
    }
}
