import Foundation
import Metering

/// A plan as an admin defines it.
public struct PlanDraft: Sendable, Hashable {
    /// Short unique code, e.g. `pro` (lowercase letters, digits, `_ . -`).
    public var code: String
    /// Display name.
    public var name: String
    /// The monthly fee.
    public var monthlyFee: Money
    /// Credits included per billing period.
    public var includedCredits: CreditLimit
    /// What happens when credits run out.
    public var overage: OveragePolicy

    /// A plan definition.
    public init(code: String, name: String, monthlyFee: Money = .zero, includedCredits: CreditLimit, overage: OveragePolicy) {
        self.code = code
        self.name = name
        self.monthlyFee = monthlyFee
        self.includedCredits = includedCredits
        self.overage = overage
    }
}

/// A model price version as an admin enters it.
public struct PriceDraft: Sendable, Hashable {
    /// Exact model id, or a pattern with `*`; held in NFC, Tally's identity form (`IdentityText`).
    public var model: String {
        didSet { model = IdentityText.normalized(model) }
    }
    /// What the version charges.
    public var sheet: PriceSheet
    /// When this version starts to apply.
    public var effectiveFrom: Date

    /// USD per 1M uncached input tokens.
    public var input: PricePerMillionTokens { sheet.input }
    /// USD per 1M cached input tokens.
    public var cachedInput: PricePerMillionTokens { sheet.cachedInput }
    /// USD per 1M output tokens.
    public var output: PricePerMillionTokens { sheet.output }
    /// Fee per request.
    public var perRequest: Money { sheet.perRequest }

    /// A price version with the three basic prices (every other kind at its default).
    public init(
        model: String, input: PricePerMillionTokens, cachedInput: PricePerMillionTokens,
        output: PricePerMillionTokens, perRequest: Money = .zero, effectiveFrom: Date
    ) {
        self.init(
            model: model, sheet: PriceSheet(rates: TokenRates(input: input, cachedInput: cachedInput, output: output), perRequest: perRequest),
            effectiveFrom: effectiveFrom)
    }

    /// A price version charging `sheet`.
    public init(model: String, sheet: PriceSheet, effectiveFrom: Date) {
        self.model = IdentityText.normalized(model)
        self.sheet = sheet
        self.effectiveFrom = effectiveFrom
    }
}

/// A customer account as metering sees it.
public struct MeteredAccount: Sendable, Hashable {
    /// Database id.
    public let id: Int64
    /// The operator's own id for the account.
    public let externalID: String
    /// The plan's id; nil when the account has no plan (every feature is then `not_in_plan`).
    public let planID: Int64?
    /// active or paused.
    public let status: AccountStatus
    /// The account's IANA time zone.
    public let timeZone: TimeZone
    /// Billing anchor day, 1…31.
    public let anchorDay: Int
    /// A plan change scheduled for the start of a later period (`next_plan_id`, `next_plan_from`).
    public var scheduledPlan: ScheduledPlanChange? = nil

    /// The plan in effect at `instant`: the scheduled plan from its start, else `planID` (the
    /// same rule as SQL's `plan_in_effect`).
    public func planID(at instant: Date) -> Int64? {
        if let scheduledPlan, instant >= scheduledPlan.from { return scheduledPlan.planID }
        return planID
    }

    /// The billing period that holds `instant`.
    public func period(containing instant: Date) throws(BillingPeriodError) -> BillingPeriod {
        try BillingPeriod.containing(instant, anchorDay: anchorDay, timeZone: timeZone)
    }
}

/// A plan an account moves to at a given instant (the start of a billing period).
public struct ScheduledPlanChange: Sendable, Hashable {
    /// The plan from `from` on.
    public let planID: Int64
    /// When the plan takes effect.
    public let from: Date

    /// A scheduled change.
    public init(planID: Int64, from: Date) {
        self.planID = planID
        self.from = from
    }
}

/// Operator-wide settings.
public struct MeteringSettings: Sendable, Hashable {
    /// Infra overhead on provider cost.
    public var infraOverhead: BasisPoints
    /// Refuse events without a feature.
    public var strictTagging: Bool
    /// How old an event may be, in days.
    public var lateWindowDays: Int

    /// Settings.
    public init(infraOverhead: BasisPoints = .zero, strictTagging: Bool = false, lateWindowDays: Int = 35) {
        self.infraOverhead = infraOverhead
        self.strictTagging = strictTagging
        self.lateWindowDays = lateWindowDays
    }
}

/// Validation helpers shared by the catalog.
enum CatalogRules {
    /// Codes and feature keys: `^[a-z0-9][a-z0-9_.-]{0,63}$`.
    static func isCode(_ text: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_.-")
        guard let first = text.first, (1...64).contains(text.count), first.isASCII, first.isLetter || first.isNumber else { return false }
        return text.allSatisfy { allowed.contains($0) }
    }
}
