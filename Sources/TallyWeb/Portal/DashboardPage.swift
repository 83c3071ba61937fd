import Alerting
import Hummingbird
import Metering
import Postgres
import Reporting
import TallyAccess

/// `GET /`: the customer dashboard. Reads only rollups (``DashboardReader``) and its banner
/// (``AlertStore/bannerQuery(account:periodStart:at:)``), in one round trip in the session's
/// account scope.
struct DashboardPage: Sendable {
    let reader: DashboardReader
    let pages: Pages
    let clock: any WallClock
    let frames: CustomerFrames
    let drawings: ChartDrawings

    init(pool: PostgresPool, pages: Pages, clock: any WallClock, frames: CustomerFrames, drawings: ChartDrawings) {
        reader = DashboardReader(pool: pool)
        self.pages = pages
        self.clock = clock
        self.frames = frames
        self.drawings = drawings
    }

    func render(_ context: CustomerRequestContext) async throws -> Response {
        let now = clock.now()
        let accountID = context.accountID
        let read = try await reader.dashboard(accountID: accountID, now: now, scope: context.scope) { period in
            [AlertStore.bannerQuery(account: accountID, periodStart: period.start, at: now)]
        }
        guard let (dashboard, alongside) = read else {
            throw context.objectNotFound("account", objectID: String(context.accountID))
        }
        let threshold = try AlertStore.bannerThreshold(alongside[0])
        let presenter = DashboardPresenter(
            dashboard: dashboard, isOwner: context.session.role == .owner, accountID: accountID, drawings: drawings)
        var frame = frames.frame(
            context.session, accountName: dashboard.accountName, current: .dashboard, bannerThreshold: threshold)
        frame.banners += presenter.banners
        return try pages.page("portal/dashboard", frame: frame, presenter.view)
    }
}
