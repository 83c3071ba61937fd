/// Locale-independent number text: coordinates, grouped integers and trimmed decimals.
///
/// Everything the renderer prints goes through here, so output is deterministic and an attribute
/// never holds `NaN` or `inf`.
enum NumberText {
    /// A coordinate: at most two decimals, trailing zeros trimmed; non-finite values become "0".
    static func coordinate(_ value: Double) -> String {
        trimmed(value, maxDecimals: 2)
    }

    /// `value` rounded to `maxDecimals` fraction digits with trailing zeros trimmed, e.g. "12.5".
    ///
    /// Non-finite values print as "0"; "-0" prints as "0". Magnitudes beyond what an `Int64` holds
    /// after scaling are clamped (the renderer never needs them: it prints mantissas and coordinates).
    static func trimmed(_ value: Double, maxDecimals: Int) -> String {
        guard value.isFinite else { return "0" }
        let decimals = min(max(maxDecimals, 0), 10)
        let factor = power10(decimals)
        let limit = 9.0e18
        let scaled = min((value.magnitude * factor).rounded(), limit)
        let units = UInt64(scaled)
        if units == 0 { return "0" }
        let divisor = UInt64(factor)
        let whole = units / divisor
        var fraction = decimals > 0 ? digits(units % divisor, width: decimals) : ""
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let sign = value < 0 ? "-" : ""
        return fraction.isEmpty ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    /// An unsigned integer with a comma every three digits: 1234567 → "1,234,567".
    static func grouped(_ value: UInt64) -> String {
        let plain = String(value)
        var out = ""
        for (index, character) in plain.enumerated() {
            if index > 0 && (plain.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return out
    }

    /// `value` left-padded with zeros to `width` digits.
    static func digits(_ value: UInt64, width: Int) -> String {
        let plain = String(value)
        return String(repeating: "0", count: max(0, width - plain.count)) + plain
    }

    /// 10 raised to a small non-negative power, exactly.
    static func power10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<max(exponent, 0) { result *= 10 }
        return result
    }
}
