extension Money {
    /// For display: `$1,234.56` (`fractionDigits` decimals, 0...9, rounded half to even; `,`
    /// between thousands whatever the locale, so pages and golden files are deterministic;
    /// negative amounts as `-$12.00`).
    public func formatted(fractionDigits: Int = 2) -> String {
        let (sign, digits) = FixedPoint.format(
            nanos, scale: Self.scale, fractionDigits: fractionDigits, minimumFractionDigits: fractionDigits
        )
        return sign + "$" + digits
    }

    /// For tight places (chart axes, tiles): `$1.2k`, `$12.3M`, `$123k`; below $1,000 the same
    /// as `formatted()`. See `FixedPoint.compact` for the rounding.
    public var compactFormatted: String {
        guard let (sign, text) = FixedPoint.compact(nanos, scale: Self.scale) else { return formatted() }
        return sign + "$" + text
    }
}
