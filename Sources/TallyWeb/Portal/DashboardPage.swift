import Alerting
import Hummingbird
import Metering
import Postgres
import Reporting
import TallyAccess
import TallyDatabase

/// `GET /`: the customer dashboard. Reads only rollups (``DashboardReader``) and its banner
/// (``AlertStore/bannerThreshold(account:periodStart:at:on:)``), in one transaction in the
/// session's account scope.
struct DashboardPage: Sendable {
    let pool: PostgresPool
    let pages: Pages
    let clock: any WallClock
    let frames: CustomerFrames

    init(pool: PostgresPool, pages: Pages, clock: any WallClock, frames: CustomerFrames) {
        self.pool = pool
        self.pages = pages
        self.clock = clock
        self.frames = frames
    }

    func render(_ context: CustomerRequestContext) async throws -> Response {
        let now = clock.now()
        let accountID = context.accountID
        let read = try await pool.withTransaction(scope: context.scope) { connection -> (Dashboard, Int?)? in
            guard let dashboard = try await DashboardReader.dashboard(accountID: accountID, now: now, on: connection) else {
                return nil
            }
            let threshold = try await AlertStore.bannerThreshold(
                account: accountID, periodStart: dashboard.period.start, at: now, on: connection)
            return (dashboard, threshold)
        }
        guard let (dashboard, threshold) = read else {
            throw context.objectNotFound("account", objectID: String(context.accountID))
        }
        let presenter = DashboardPresenter(dashboard: dashboard, isOwner: context.session.role == .owner)
        var frame = frames.frame(
            context.session, accountName: dashboard.accountName, current: .dashboard, bannerThreshold: threshold)
        frame.banners += presenter.banners
        return try pages.page("portal/dashboard", frame: frame, presenter.view)
    }
}
