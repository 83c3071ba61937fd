/// An exact number of credits, the unit customers see, counted in milli-credits
/// (1 credit = 1,000 milli-credits).
///
/// Held in 128 bits, so no sum of stored events can overflow (docs/metering.md, "Bounds");
/// arithmetic that would still leave 128 bits throws `AmountError.overflow`. One event's credits,
/// a grant and a limit are stored in 64-bit columns (`int64Millis`).
public struct Credits: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milli-credits per credit.
    public static let millisPerCredit: Int64 = 1_000
    /// Decimal places `Credits` hold exactly.
    public static let scale = 3
    /// No credits.
    public static let zero = Credits(millis: 0)

    /// The amount in milli-credits; negative only for adjustments that take credits away.
    public var millis: Int128 { storage.value }

    private let storage: WideInteger

    /// An amount of `millis` milli-credits.
    public init(millis: some FixedWidthInteger & SignedInteger) {
        storage = WideInteger(Int128(millis))
    }

    /// Whole credits.
    public init(credits: Int64) {
        storage = WideInteger(Int128(credits) * Int128(Self.millisPerCredit))
    }

    /// The amount as a 64-bit count of milli-credits, for a column that holds one event's credits,
    /// a grant or a limit; throws `overflow` naming `what` when it does not fit.
    public func int64Millis(_ what: @autoclosure () -> String = "the amount of credits") throws(AmountError) -> Int64 {
        guard let value = Int64(exactly: millis) else { throw .overflow(what()) }
        return value
    }

    /// Parses a plain decimal number of credits: `"100"`, `"0.5"`, `"2.125"`. The same grammar as
    /// `Money(parsing:)`; more than 3 decimals throw `tooManyDecimals` unless `excess` is
    /// `.roundHalfEven`.
    public init(parsing text: String, excess: ExcessPrecision = .refuse) throws(AmountError) {
        storage = WideInteger(Int128(try FixedPoint.parse(text, scale: Self.scale, excess: excess)))
    }

    /// The exact decimal text, e.g. `"2.125"` or `"100"`: what `init(parsing:)` reads back.
    public var decimalString: String {
        FixedPoint.plainDecimal(millis, scale: Self.scale)
    }

    /// The exact decimal text (see `decimalString`).
    public var description: String { decimalString }

    /// For display: `1,234.5` (exact: up to 3 decimals, trailing zeros dropped, `,` between
    /// thousands).
    public var formatted: String {
        let (sign, digits) = FixedPoint.format(millis, scale: Self.scale, fractionDigits: Self.scale, minimumFractionDigits: 0)
        return sign + digits
    }

    /// For tight places: `1.2k`, `3.4M`; below 1,000 credits the same as `formatted`.
    public var compactFormatted: String {
        guard let (sign, text) = FixedPoint.compact(millis, scale: Self.scale) else { return formatted }
        return sign + text
    }

    /// Orders amounts by value.
    public static func < (lhs: Credits, rhs: Credits) -> Bool { lhs.millis < rhs.millis }

    /// `self + other`, or `overflow`.
    public func adding(_ other: Credits) throws(AmountError) -> Credits {
        let (sum, overflow) = millis.addingReportingOverflow(other.millis)
        guard !overflow else { throw .overflow("\(self) + \(other) credits") }
        return Credits(millis: sum)
    }

    /// `self - other`, or `overflow`.
    public func subtracting(_ other: Credits) throws(AmountError) -> Credits {
        let (difference, overflow) = millis.subtractingReportingOverflow(other.millis)
        guard !overflow else { throw .overflow("\(self) - \(other) credits") }
        return Credits(millis: difference)
    }

    /// `self × factor` exactly, or `overflow`.
    public func multiplied(by factor: Int64) throws(AmountError) -> Credits {
        let (product, overflow) = millis.multipliedReportingOverflow(by: Int128(factor))
        guard !overflow else { throw .overflow("\(self) credits × \(factor)") }
        return Credits(millis: product)
    }

    /// The exact sum of `amounts`.
    public static func sum(_ amounts: some Sequence<Credits>) throws(AmountError) -> Credits {
        var total = Credits.zero
        for amount in amounts { total = try total.adding(amount) }
        return total
    }
}

extension Credits {
    /// `lhs + rhs`, for totals; saturates as `Money.+` (which see).
    public static func + (lhs: Credits, rhs: Credits) -> Credits {
        Credits(millis: FixedPoint.saturatingSum(lhs.millis, rhs.millis))
    }

    /// `lhs − rhs`, saturating as `+`.
    public static func - (lhs: Credits, rhs: Credits) -> Credits {
        Credits(millis: FixedPoint.saturatingSum(lhs.millis, -rhs.millis))
    }
}
