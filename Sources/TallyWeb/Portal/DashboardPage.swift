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
    let frames: CustomerFrames

    init(pool: PostgresPool, pages: Pages, clock: any WallClock, frames: CustomerFrames) {
        reader = DashboardReader(pool: pool)
        self.pages = pages
        self.clock = clock
        self.frames = frames
    }

    func render(_ context: CustomerRequestContext) async throws -> Response {
        guard let dashboard = try await reader.dashboard(accountID: context.accountID, now: clock.now(), scope: context.scope) else {
            throw context.objectNotFound("account", objectID: String(context.accountID))
        }
        let presenter = DashboardPresenter(dashboard: dashboard, isOwner: context.session.role == .owner)
        var frame = try await frames.frame(
            context.session, accountID: context.accountID, accountName: dashboard.accountName, current: .dashboard)
        frame.banners += presenter.banners
        return try pages.page("portal/dashboard", frame: frame, presenter.view)
    }
}
