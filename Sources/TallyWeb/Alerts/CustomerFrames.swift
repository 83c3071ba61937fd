import Alerting
import Metering
import TallyAccess

/// Builds the frame of every customer page (dashboard, usage, billing, team, settings) with the
/// account's threshold-alert banners.
///
/// The threshold alerts (fired at ingest by ``ThresholdAlerts``, at the operator's configured
/// percentages) are the portal's one source of "credits used" banners: the dashboard shows no
/// percentage banner of its own, so no page shows two banners for the same crossing, and every
/// page shows the same one.
struct CustomerFrames: Sendable {
    let alerts: AlertStore
    let clock: any WallClock

    /// The frame of a page in `current` of the session's account, its threshold banner first.
    func frame(
        _ session: AuthenticatedSession, accountID: Int64, accountName: String, current: CustomerSection
    ) async throws -> PageFrame {
        let threshold = try await alerts.bannerThreshold(account: accountID, at: clock.now())
        return frame(session, accountName: accountName, current: current, bannerThreshold: threshold)
    }

    /// The frame with a banner threshold the page read itself (in its own transaction).
    func frame(
        _ session: AuthenticatedSession, accountName: String, current: CustomerSection, bannerThreshold: Int?
    ) -> PageFrame {
        var frame = PageFrame.customer(session, accountName: accountName, current: current)
        frame.banners = bannerThreshold.map { [PageBanner.creditsUsed(percent: $0)] } ?? []
        return frame
    }
}
