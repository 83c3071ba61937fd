/// The customer's "credits used" banner.
extension PageBanner {
    /// The banner for a threshold alert still true this period (``AlertStore/bannerThreshold(account:at:)``),
    /// shown on every customer page.
    static func creditsUsed(percent: Int) -> PageBanner {
        let message = percent >= 100
            ? "Your account has used all of its credits for this period."
            : "Your account has used \(percent)% of its credits for this period."
        return PageBanner(
            level: percent >= 100 ? .critical : percent >= 75 ? .warning : .info, message: message,
            linkHref: "/billing", linkLabel: "See billing")
    }
}
