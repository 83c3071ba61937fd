import Alerting
import Hummingbird
import Metering
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

    func render(_ context: CustomerRequestContext) async throws -> Response {
        let now = clock.now()
        let accountID = context.accountID
        guard let (dashboard, threshold) = try await reader.dashboardWithBanner(accountID: accountID, now: now, scope: context.scope) else {
            throw context.objectNotFound("account", objectID: String(context.accountID))
        }
        let presenter = DashboardPresenter(
            dashboard: dashboard, isOwner: context.session.role == .owner, accountID: accountID, drawings: drawings)
        var frame = frames.frame(
            context.session, accountName: dashboard.accountName, current: .dashboard, bannerThreshold: threshold)
        frame.banners += presenter.banners
        return try pages.page("portal/dashboard", frame: frame, presenter.view)
    }
}
