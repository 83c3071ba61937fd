import Foundation
import Metering
import Reporting
import TallyDatabase

extension DashboardReader {
    /// The customer dashboard with its threshold-alert banner (``AlertStore/bannerQuery(account:periodStart:at:)``),
    /// read in the same round trip; nil when the account does not exist in `scope`.
    public func dashboardWithBanner(
        accountID: Int64, now: Date, scope: DataScope
    ) async throws -> (dashboard: Dashboard, bannerThreshold: Int?)? {
        let read = try await dashboard(accountID: accountID, now: now, scope: scope) { period in
            [AlertStore.bannerQuery(account: accountID, periodStart: period.start, at: now)]
        }
        guard let (dashboard, alongside) = read else { return nil }
        return (dashboard, try AlertStore.bannerThreshold(alongside[0]))
    }
}
