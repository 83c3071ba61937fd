import Alerting
import Foundation

extension AlertStore {
    /// The banner for an account's highest threshold crossed this period, for the customer's
    /// pages (`frame.banners += try await alerts.thresholdBanners(...)`); none when no threshold
    /// was crossed.
    func thresholdBanners(account accountID: Int64, at now: Date) async throws -> [PageBanner] {
        guard let top = try await openThresholdAlerts(account: accountID, at: now).first, let percent = top.threshold else { return [] }
        let message = percent >= 100
            ? "Your account has used all of its credits for this period."
            : "Your account has used \(percent)% of its credits for this period."
        return [PageBanner(level: percent >= 100 ? .critical : percent >= 75 ? .warning : .info, message: message,
                           linkHref: "/billing", linkLabel: "See billing")]
    }
}
