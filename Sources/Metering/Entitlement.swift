/// Whether an account may use the product at all.
public enum AccountStatus: String, Hashable, Sendable, CaseIterable {
    /// Normal.
    case active
    /// Paused by an admin: every entitlement check is denied.
    case paused
}

/// What a plan does when an account's credits run out.
public enum OveragePolicy: Hashable, Sendable {
    /// A hard cap: allowed while used stays within granted × (1 + grace).
    case block(grace: BasisPoints)
    /// Always allowed; each credit over granted is billed at `pricePerCredit`.
    case charge(pricePerCredit: Money)

    /// The most credits a `block` plan lets through for `granted`: granted + floor(granted × grace
    /// / 10,000) milli-credits (rounded down, so grace never exceeds its stated percentage; no grace
    /// on a granted amount of zero or less). Unlimited for `charge` or unlimited granted.
    public func hardLimit(granted: CreditLimit) -> CreditLimit {
        guard case .block(let grace) = self, case .limited(let base) = granted else { return .unlimited }
        // floor(base × grace / 10,000) as (base / 10,000) × grace + floor((base % 10,000) × grace / 10,000),
        // so no intermediate leaves 128 bits before the result would; past that it saturates.
        let whole = BasisPoints.perWhole, base128 = max(base.millis, 0), grace128 = Int128(grace.value)
        let (bulk, overflow) = (base128 / Int128(whole)).multipliedReportingOverflow(by: grace128)
        let (limit, sumOverflow) = base.millis.addingReportingOverflow(bulk + (base128 % Int128(whole)) * grace128 / Int128(whole))
        return .limited(Credits(millis: overflow || sumOverflow ? Int128.max : limit))
    }
}

/// A plan's entitlement to one feature.
public struct Entitlement: Hashable, Sendable {
    /// Whether the plan includes the feature.
    public let enabled: Bool
    /// The plan's credit rule for the feature, replacing the feature's own; nil: the feature's.
    public let creditRuleOverride: CreditRule?
    /// The most credits the feature may use per period.
    public let periodLimit: CreditLimit

    /// An entitlement.
    public init(enabled: Bool, creditRuleOverride: CreditRule? = nil, periodLimit: CreditLimit = .unlimited) {
        self.enabled = enabled
        self.creditRuleOverride = creditRuleOverride
        self.periodLimit = periodLimit
    }
}

/// The answer to "may this account use this feature now?".
public struct EntitlementDecision: Hashable, Sendable {
    /// Why, in the API's words.
    public enum Reason: String, Hashable, Sendable, CaseIterable {
        /// Allowed.
        case ok
        /// The plan has no enabled entitlement for the feature.
        case notInPlan = "not_in_plan"
        /// The account is paused.
        case paused
        /// A `block` plan's credits (with grace) are used up.
        case overLimit = "over_limit"
        /// The feature's per-period limit is used up.
        case featureLimit = "feature_limit"
    }

    /// Whether the call may go ahead.
    public let allowed: Bool
    /// Why.
    public let reason: Reason

    private init(_ reason: Reason) {
        allowed = reason == .ok
        self.reason = reason
    }

    /// Decides, checking in this order (the first that fails is the reason): paused, not in plan,
    /// feature limit, over limit, else ok. "Fits" means `CreditLimit.admits`: with nothing
    /// requested, used must be below the limit (used == limit is denied); with `requested`
    /// credits, used + requested ≤ limit. Throws `negative` for negative `requested`.
    public static func decide(
        status: AccountStatus, entitlement: Entitlement?, featureUsed: Credits,
        policy: OveragePolicy, ledger: CreditLedger, requested: Credits = .zero
    ) throws(AmountError) -> EntitlementDecision {
        guard requested >= .zero else { throw .negative("the requested credits (\(requested))") }
        if status == .paused { return EntitlementDecision(.paused) }
        guard let entitlement, entitlement.enabled else { return EntitlementDecision(.notInPlan) }
        guard entitlement.periodLimit.admits(used: featureUsed, requested: requested) else {
            return EntitlementDecision(.featureLimit)
        }
        guard policy.hardLimit(granted: ledger.granted).admits(used: ledger.used, requested: requested) else {
            return EntitlementDecision(.overLimit)
        }
        return EntitlementDecision(.ok)
    }
}
