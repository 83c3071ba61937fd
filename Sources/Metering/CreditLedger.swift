import Foundation

/// What a grant of credits is for.
public enum GrantKind: String, Hashable, Sendable, CaseIterable {
    /// Included credits beyond the plan's per-period amount (e.g. a prorated plan change).
    case included
    /// Credits bought by the customer (carries a price: revenue).
    case topUp = "top_up"
    /// A correction by an admin (with a note); the only kind that may be negative.
    case adjustment
}

/// Credits granted to an account outside the plan's per-period included credits.
public struct CreditGrant: Hashable, Sendable {
    /// Number of credits; positive except for adjustments.
    public let amount: Credits
    /// What the grant is for.
    public let kind: GrantKind
    /// When the grant was made: it counts from this instant on.
    public let grantedAt: Date
    /// The first instant at which the grant no longer counts; nil: never expires.
    public let expiresAt: Date?
    /// What the customer paid for a top-up; nil when not sold.
    public let price: Money?

    /// A grant; throws `negative` for a negative amount on anything but an adjustment, or a negative price.
    public init(amount: Credits, kind: GrantKind, grantedAt: Date, expiresAt: Date? = nil, price: Money? = nil) throws(AmountError) {
        guard kind == .adjustment || amount >= .zero else { throw .negative("a \(kind.rawValue) grant (\(amount) credits)") }
        guard (price ?? .zero) >= .zero else { throw .negative("a grant's price") }
        self.amount = amount
        self.kind = kind
        self.grantedAt = grantedAt
        self.expiresAt = expiresAt
        self.price = price
    }

    /// Whether the grant counts at `instant`: `grantedAt` ≤ instant < `expiresAt`.
    /// A grant is already expired at the very instant of `expiresAt`.
    public func isActive(at instant: Date) -> Bool {
        grantedAt <= instant && expiresAt.map { instant < $0 } ?? true
    }
}

/// One account's credits in one billing period, at one instant.
///
/// granted = the plan's included credits for the period + every grant active at the instant;
/// available = granted − used (negative when over); remaining = max(available, 0);
/// overage = max(used − granted, 0). With unlimited included credits, granted and remaining are
/// unlimited and there is never overage.
public struct CreditLedger: Hashable, Sendable {
    /// The plan's included credits for this period.
    public let included: CreditLimit
    /// Credits of every active grant (included, top-up and adjustment).
    public let grantedExtra: Credits
    /// Credits used in this period.
    public let used: Credits

    /// Sums the grants active at `instant`; throws `overflow` when the sum leaves 128 bits.
    public init(included: CreditLimit, grants: [CreditGrant], used: Credits, at instant: Date) throws(AmountError) {
        self.included = included
        grantedExtra = try Credits.sum(grants.filter { $0.isActive(at: instant) }.map(\.amount))
        self.used = used
    }

    /// Everything the account may use this period.
    public var granted: CreditLimit {
        guard case .limited(let base) = included else { return .unlimited }
        return .limited(base + grantedExtra)
    }

    /// granted − used; nil when unlimited.
    public var available: Credits? {
        guard case .limited(let granted) = granted else { return nil }
        return granted - used
    }

    /// What is left: never below zero.
    public var remaining: CreditLimit {
        available.map { .limited(max($0, .zero)) } ?? .unlimited
    }

    /// Credits used beyond granted (zero when within, or unlimited).
    public var overage: Credits {
        guard let available, available < .zero else { return .zero }
        return Credits(millis: -available.millis)
    }

    /// The charge for the overage at `pricePerCredit`:
    /// round-half-even(overage milli-credits × price nano-USD / 1,000) nano-USD.
    public func overageCharge(pricePerCredit: Money) throws(AmountError) -> Money {
        Money(nanos: try FixedPoint.multiplyDivideHalfEven(
            overage.millis, pricePerCredit.nanos, by: Int128(Credits.millisPerCredit), "the overage charge"))
    }

}
