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
        var units = UInt64(scaled)
        if units == 0 { return "0" }
        // Digits are produced right to left into a small buffer: this runs for every coordinate
        // of every chart on every page view.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            var end = 32
            var fractionDigits = decimals
            // Trailing fraction zeros are dropped, not printed.
            while fractionDigits > 0 && units % 10 == 0 {
                units /= 10
                fractionDigits -= 1
            }
            for _ in 0..<fractionDigits {
                end -= 1
                buffer[end] = UInt8(ascii: "0") + UInt8(units % 10)
                units /= 10
            }
            if fractionDigits > 0 {
                end -= 1
                buffer[end] = UInt8(ascii: ".")
            }
            repeat {
                end -= 1
                buffer[end] = UInt8(ascii: "0") + UInt8(units % 10)
                units /= 10
            } while units > 0
            if value < 0 {
                end -= 1
                buffer[end] = UInt8(ascii: "-")
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[end..<32]), as: UTF8.self)
        }
    }

    /// An unsigned integer with a comma every three digits: 1234567 → "1,234,567".
    static func grouped(_ value: UInt64) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            var end = 32
            var rest = value
            var count = 0
            repeat {
                if count > 0 && count % 3 == 0 {
                    end -= 1
                    buffer[end] = UInt8(ascii: ",")
                }
                end -= 1
                buffer[end] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[end..<32]), as: UTF8.self)
        }
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
