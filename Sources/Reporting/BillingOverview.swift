import Foundation
import Metering

/// The plan an account is billed on, as the billing page shows it.
public struct BillingPlan: Sendable, Hashable {
    /// The plan's name.
    public let name: String
    /// The monthly fee.
    public let monthlyFee: Money
    /// Credits included each period (may be unlimited).
    public let included: CreditLimit
    /// Block (with grace) or charge (with a price per credit).
    public let overage: OveragePolicy
}

/// One credit grant of an account (included extra, top-up or adjustment).
public struct BillingGrant: Sendable, Hashable {
    /// Where a grant stands at the page's instant.
    public enum Status: String, Sendable, Hashable {
        /// Counting now.
        case active
        /// Past its expiry.
        case expired
        /// Granted for a later instant.
        case upcoming
    }

    /// The grant's id.
    public let id: Int64
    /// Included, top-up or adjustment.
    public let kind: GrantKind
    /// Credits (negative only for adjustments).
    public let amount: Credits
    /// When it starts counting.
    public let grantedAt: Date
    /// When it stops counting; nil: never.
    public let expiresAt: Date?
    /// What a sold top-up cost the customer.
    public let price: Money?
    /// The note the admin wrote.
    public let note: String
    /// Active, expired or upcoming.
    public let status: Status
}

/// One billing period's figures: credits used against granted, the overage and what the period
/// bills (fee + overage charge + top-ups bought in it).
public struct BillingPeriodFigures: Sendable, Hashable {
    /// The period.
    public let period: BillingPeriod
    /// The ledger: for the current period at the page's instant, for a closed period at its
    /// last millisecond (the grants in force when it closed).
    public let ledger: CreditLedger
    /// The overage charge (zero on block plans and without overage).
    public let overageCharge: Money
    /// The plan's monthly fee (zero without a plan).
    public let fee: Money
    /// Prices of the top-ups granted in the period.
    public let topUps: Money
    /// fee + overage charge + top-ups.
    public let total: Money
}

/// Everything the billing page of one account shows, computed from the account, its plan,
/// `credit_grants` and `period_usage` with `Metering.CreditLedger`.
public struct BillingOverview: Sendable, Hashable {
    /// The account's name.
    public let accountName: String
    /// The account's IANA time zone.
    public let timeZone: TimeZone
    /// Its name as the operator set it (`UTC`, `Europe/Paris`): Foundation may name `UTC` `GMT`.
    public let timeZoneName: String
    /// The day of the month its periods start on.
    public let anchorDay: Int
    /// Paused accounts are denied every entitlement check.
    public let status: AccountStatus
    /// The plan; nil while the account has none.
    public let plan: BillingPlan?
    /// The current period at the page's instant.
    public let current: BillingPeriodFigures
    /// Grants, newest first (at most ``BillingReport/grantLimit``).
    public let grants: [BillingGrant]
    /// How many grants the account has in all.
    public let grantCount: Int
    /// Closed periods on this page, newest first.
    public let pastPeriods: [BillingPeriodFigures]
    /// How many closed periods there are in all (since the account's first activity).
    public let pastPeriodCount: Int
}
