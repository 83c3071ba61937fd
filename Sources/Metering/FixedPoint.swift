/// What to do with digits beyond the unit's precision when parsing a decimal string.
public enum ExcessPrecision: Sendable, Equatable {
    /// Refuse the text with `AmountError.tooManyDecimals` (the default: an admin typing a price
    /// should learn that the extra digits would be lost).
    case refuse
    /// Round half to even at the unit (used for provider-reported costs, which may carry more
    /// digits than nano-USD).
    case roundHalfEven
}

/// Exact fixed-point helpers shared by `Money`, `Credits` and the cost and credit rules.
/// Amounts are 128-bit; a product of two amounts is formed in 256 bits (`multiplyDivideHalfEven`),
/// so only a *result* that leaves 128 bits can fail, and then it throws.
enum FixedPoint {
    /// `numerator / denominator` rounded half to even; `denominator` must be positive.
    static func divideHalfEven(_ numerator: Int128, by denominator: Int128) -> Int128 {
        precondition(denominator > 0, "divisor must be positive")
        let magnitude = numerator.magnitude
        let divisor = UInt128(denominator)
        var quotient = magnitude / divisor
        let remainder = magnitude % divisor
        let twice = remainder * 2
        if twice > divisor || (twice == divisor && quotient % 2 == 1) { quotient += 1 }
        let result = Int128(quotient)
        return numerator < 0 ? -result : result
    }

    /// round-half-even(`a` × `b` / `divisor`), the product formed in 256 bits; throws `overflow`
    /// naming `operation` when the result leaves 128 bits. `divisor` must be positive.
    static func multiplyDivideHalfEven(
        _ a: Int128, _ b: Int128, by divisor: Int128, _ operation: @autoclosure () -> String
    ) throws(AmountError) -> Int128 {
        precondition(divisor > 0, "divisor must be positive")
        let product = a.magnitude.multipliedFullWidth(by: b.magnitude)
        let d = UInt128(divisor)
        // The quotient fits 128 bits only when the high half is below the divisor.
        guard product.high < d else { throw .overflow(operation()) }
        let (exact, remainder) = d.dividingFullWidth(product)
        var quotient = exact
        // Half to even: up when 2 × remainder > divisor, or equal and the quotient is odd
        // (compared as remainder against divisor − remainder, which cannot overflow).
        let rest = d - remainder
        if remainder > rest || (remainder == rest && quotient % 2 == 1) {
            guard quotient < UInt128.max else { throw .overflow(operation()) }
            quotient += 1
        }
        let negative = (a < 0) != (b < 0)
        guard quotient <= UInt128(Int128.max) else { throw .overflow(operation()) }
        return negative ? -Int128(quotient) : Int128(quotient)
    }

    /// `a + b`, or `overflow` naming `operation`.
    static func checkedSum(_ a: Int128, _ b: Int128, _ operation: @autoclosure () -> String) throws(AmountError) -> Int128 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw .overflow(operation()) }
        return sum
    }

    /// `a + b`, or the nearest 128-bit value when the sum leaves 128 bits.
    static func saturatingSum(_ a: Int128, _ b: Int128) -> Int128 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return sum }
        return b > 0 ? .max : .min
    }

    /// Narrows a 128-bit result to 64 bits, or throws `overflow` naming `operation`.
    static func narrow(_ value: Int128, _ operation: String) throws(AmountError) -> Int64 {
        guard let narrowed = Int64(exactly: value) else { throw .overflow(operation) }
        return narrowed
    }

    /// `10^exponent` as a 128-bit integer (exponent 0...30).
    static func power10(_ exponent: Int) -> Int128 {
        var result: Int128 = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    /// Parses a plain decimal (`-?[0-9]+(\.[0-9]+)?`) into an integer count of `10^-scale` units.
    static func parse(_ text: String, scale: Int, excess: ExcessPrecision) throws(AmountError) -> Int64 {
        guard !text.isEmpty else { throw .empty }
        let bytes = Array(text.utf8)
        let negative = bytes.first == UInt8(ascii: "-")
        let body = negative ? bytes.dropFirst() : bytes[...]
        let parts = body.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count == 2 ? parts[1] : []
        let isDigit = { (byte: UInt8) in byte >= 48 && byte <= 57 }
        guard !whole.isEmpty, whole.allSatisfy(isDigit), fraction.allSatisfy(isDigit),
              parts.count == 1 || !fraction.isEmpty
        else { throw .malformed(text) }
        if fraction.count > scale, excess == .refuse { throw .tooManyDecimals(text, allowed: scale) }
        guard whole.drop(while: { $0 == 48 }).count <= 20 else { throw .outOfRange(text) }
        var units: Int128 = 0
        for digit in whole { units = units * 10 + Int128(digit - 48) }
        let kept = Array(fraction.prefix(scale))
        for digit in kept { units = units * 10 + Int128(digit - 48) }
        units *= power10(scale - kept.count)
        if roundsUp(dropped: Array(fraction.dropFirst(scale)), lastKeptIsOdd: units % 2 == 1) { units += 1 }
        guard let value = Int64(exactly: negative ? -units : units) else { throw .outOfRange(text) }
        return value
    }

    /// Half-to-even decision for the digits cut off after the last kept digit.
    private static func roundsUp(dropped: [UInt8], lastKeptIsOdd: Bool) -> Bool {
        guard let first = dropped.first else { return false }
        if first > UInt8(ascii: "5") { return true }
        if first < UInt8(ascii: "5") { return false }
        if dropped.dropFirst().contains(where: { $0 != UInt8(ascii: "0") }) { return true }
        return lastKeptIsOdd
    }

    /// Formats `units` of `10^-scale` with `fractionDigits` decimals (rounded half to even),
    /// `,` every three integer digits, and trailing zeros removed down to `minimumFractionDigits`.
    static func format(
        _ units: Int128, scale: Int, fractionDigits: Int, minimumFractionDigits: Int
    ) -> (sign: String, digits: String) {
        let digits = min(max(fractionDigits, 0), scale)
        let rounded = divideHalfEven(units, by: power10(scale - digits))
        let magnitude = rounded.magnitude
        let divisor = UInt128(power10(digits))
        let whole = grouped(String(magnitude / divisor))
        // No decimals asked: no fraction at all (`magnitude % 1` would print as "0").
        var fraction = digits == 0 ? "" : String(magnitude % divisor)
        fraction = String(repeating: "0", count: max(digits - fraction.count, 0)) + fraction
        while fraction.count > minimumFractionDigits, fraction.last == "0" { fraction.removeLast() }
        let text = fraction.isEmpty ? whole : whole + "." + fraction
        return (rounded < 0 ? "-" : "", text)
    }

    /// `units` / 10^`scale` as exact plain decimal text: `-12.5`, `0.001`, `100` (no grouping,
    /// no rounding, trailing fraction zeros dropped). Equal to `format` with every fraction
    /// digit and the commas removed, written without it: amounts in API answers take this path
    /// on every request, almost always with a value that fits 64 bits.
    static func plainDecimal(_ units: Int128, scale: Int) -> String {
        precondition((0...18).contains(scale), "an amount's scale fits 64 bits")
        if let small = Int64(exactly: units) { return plainDecimal(small, scale: scale) }
        let divisor = UInt128(power10(scale))
        let whole = String(units.magnitude / divisor)
        var fraction = String(units.magnitude % divisor)
        fraction = String(repeating: "0", count: scale - fraction.count) + fraction
        while fraction.last == "0" { fraction.removeLast() }
        return (units < 0 ? "-" : "") + whole + (fraction.isEmpty ? "" : "." + fraction)
    }

    private static func plainDecimal(_ units: Int64, scale: Int) -> String {
        let divisor = UInt64(power10(scale))
        var whole = units.magnitude / divisor
        var fraction = units.magnitude % divisor
        var fractionDigits = fraction == 0 ? 0 : scale
        while fractionDigits > 0, fraction % 10 == 0 {
            fraction /= 10
            fractionDigits -= 1
        }
        // At most 20 digits, a point, 18 digits and a sign.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { buffer in
            var start = buffer.count
            func put(_ byte: UInt8) {
                start -= 1
                buffer[start] = byte
            }
            if fractionDigits > 0 {
                for _ in 0..<fractionDigits {
                    put(UInt8(ascii: "0") + UInt8(fraction % 10))
                    fraction /= 10
                }
                put(UInt8(ascii: "."))
            }
            repeat {
                put(UInt8(ascii: "0") + UInt8(whole % 10))
                whole /= 10
            } while whole > 0
            if units < 0 { put(UInt8(ascii: "-")) }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[start...]), as: UTF8.self)
        }
    }

    /// Inserts `,` between groups of three digits: `1234567` → `1,234,567`.
    static func grouped(_ digits: String) -> String {
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }
}

extension FixedPoint {
    private static let suffixes: [(size: Int128, symbol: String)] = [
        (1_000, "k"), (1_000_000, "M"), (1_000_000_000, "B"), (1_000_000_000_000, "T"),
    ]

    /// A short form for values of at least 1,000 whole units: `1.2k`, `12.3M`, `123k`
    /// (one decimal below 100 of the suffix, none from 100 on, a trailing `.0` dropped, rounded
    /// half to even, and moved up to the next suffix when rounding reaches 1,000). Nil below 1,000.
    static func compact(_ units: Int128, scale: Int) -> (sign: String, text: String)? {
        guard let magnitude = Int128(exactly: units.magnitude) else { return nil }
        let one = power10(scale)
        guard magnitude >= 1_000 * one,
              var index = suffixes.lastIndex(where: { magnitude >= $0.size * one })
        else { return nil }
        while true {
            let unit = suffixes[index].size * one
            let tenths = divideHalfEven(magnitude, by: unit / 10)
            let whole = divideHalfEven(magnitude, by: unit)
            let canMoveUp = index + 1 < suffixes.count
            if tenths < 1_000 {
                let text = tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
                return (units < 0 ? "-" : "", text + suffixes[index].symbol)
            }
            if whole < 1_000 || !canMoveUp { return (units < 0 ? "-" : "", "\(whole)" + suffixes[index].symbol) }
            index += 1
        }
    }
}
