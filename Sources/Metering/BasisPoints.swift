/// A non-negative percentage in basis points: 1 bp = 0.01 %, 10,000 bp = 100 %.
/// Used for the infra overhead on cost and the grace on `block` plans.
public struct BasisPoints: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// 0 %.
    public static let zero = BasisPoints(uncheckedValue: 0)
    /// Basis points in 100 %.
    public static let perWhole: Int64 = 10_000

    /// The percentage × 100, e.g. `1250` for 12.5 %.
    public let value: Int64

    /// `value` basis points; throws `negative` below zero.
    public init(_ value: Int64) throws(AmountError) {
        guard value >= 0 else { throw .negative("a percentage (\(value) bp)") }
        self.value = value
    }

    private init(uncheckedValue: Int64) {
        value = uncheckedValue
    }

    /// Parses a percentage with at most two decimals: `"12.5"` → 1,250 bp. Same grammar as
    /// `Money(parsing:)`; negative values are refused.
    public init(parsingPercent text: String) throws(AmountError) {
        try self.init(FixedPoint.parse(text, scale: 2, excess: .refuse))
    }

    /// `"12.5%"`.
    public var description: String {
        FixedPoint.format(Int128(value), scale: 2, fractionDigits: 2, minimumFractionDigits: 0).digits + "%"
    }

    /// Orders percentages by value.
    public static func < (lhs: BasisPoints, rhs: BasisPoints) -> Bool { lhs.value < rhs.value }
}
