/// An exact amount of US dollars, counted in nano-USD (1 USD = 1,000,000,000 nano-USD).
///
/// Never a `Double`. Held in 128 bits (about ±1.7 × 10²⁹ USD), so no sum of stored events can
/// overflow (docs/metering.md, "Bounds"); arithmetic that would still leave 128 bits throws
/// `AmountError.overflow` instead of trapping or wrapping. One event's amounts are bounded far
/// lower and stored in 64-bit columns (`int64Nanos`).
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Nano-USD per USD.
    public static let nanosPerDollar: Int64 = 1_000_000_000
    /// Decimal places a `Money` holds exactly.
    public static let scale = 9
    /// Zero dollars.
    public static let zero = Money(nanos: 0)

    /// The amount in nano-USD; negative for refunds, credits notes and differences.
    public var nanos: Int128 { storage.value }

    private let storage: WideInteger

    /// An amount of `nanos` nano-USD.
    public init(nanos: some FixedWidthInteger & SignedInteger) {
        storage = WideInteger(Int128(nanos))
    }

    /// Whole dollars.
    public init(dollars: Int64) {
        storage = WideInteger(Int128(dollars) * Int128(Self.nanosPerDollar))
    }

    /// The amount as a 64-bit count of nano-USD, for a column that holds one event's or one
    /// setting's amount; throws `overflow` naming `what` when it does not fit.
    public func int64Nanos(_ what: @autoclosure () -> String = "the amount") throws(AmountError) -> Int64 {
        guard let value = Int64(exactly: nanos) else { throw .overflow(what()) }
        return value
    }

    /// Parses a plain decimal number of dollars: `"12"`, `"0.000123"`, `"-3.5"`.
    ///
    /// Refused: exponents (`"1e-3"`), a leading `+`, `$`, spaces, thousands separators, `"."`
    /// alone or at either end. More than 9 decimals throw `tooManyDecimals` unless `excess` is
    /// `.roundHalfEven`.
    public init(parsing text: String, excess: ExcessPrecision = .refuse) throws(AmountError) {
        storage = WideInteger(Int128(try FixedPoint.parse(text, scale: Self.scale, excess: excess)))
    }

    /// The exact decimal text, e.g. `"0.000123"` or `"-12"`: what `init(parsing:)` reads back.
    public var decimalString: String {
        FixedPoint.plainDecimal(nanos, scale: Self.scale)
    }

    /// The exact decimal text (see `decimalString`).
    public var description: String { decimalString }

    /// Orders amounts by value.
    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.nanos < rhs.nanos }

    /// `self + other`, or `overflow`.
    public func adding(_ other: Money) throws(AmountError) -> Money {
        let (sum, overflow) = nanos.addingReportingOverflow(other.nanos)
        guard !overflow else { throw .overflow("\(self) + \(other) USD") }
        return Money(nanos: sum)
    }

    /// `self - other`, or `overflow`.
    public func subtracting(_ other: Money) throws(AmountError) -> Money {
        let (difference, overflow) = nanos.subtractingReportingOverflow(other.nanos)
        guard !overflow else { throw .overflow("\(self) - \(other) USD") }
        return Money(nanos: difference)
    }

    /// `self × factor` exactly (e.g. a per-request fee times the request count), or `overflow`.
    public func multiplied(by factor: Int64) throws(AmountError) -> Money {
        let (product, overflow) = nanos.multipliedReportingOverflow(by: Int128(factor))
        guard !overflow else { throw .overflow("\(self) USD × \(factor)") }
        return Money(nanos: product)
    }

    /// The exact sum of `amounts` (a page total is always such a sum of stored per-event values).
    public static func sum(_ amounts: some Sequence<Money>) throws(AmountError) -> Money {
        var total = Money.zero
        for amount in amounts { total = try total.adding(amount) }
        return total
    }
}

extension Money {
    /// `lhs + rhs`, for totals. Within `MeteringBounds` no total Tally keeps comes near 128 bits
    /// (docs/metering.md, "Bounds"); were it ever reached, the sum saturates rather than trap or wrap.
    public static func + (lhs: Money, rhs: Money) -> Money {
        Money(nanos: FixedPoint.saturatingSum(lhs.nanos, rhs.nanos))
    }

    /// `lhs − rhs`, saturating as `+`.
    public static func - (lhs: Money, rhs: Money) -> Money {
        Money(nanos: FixedPoint.saturatingSum(lhs.nanos, -rhs.nanos))
    }
}
