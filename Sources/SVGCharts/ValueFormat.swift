/// How a chart turns exact integer values into text: tooltips, tables and axis labels.
///
/// Values arrive as `Int64` in the smallest unit (milli-credits, nano-USD, plain counts); `scale`
/// says how many of them make one displayed unit. Scales should be powers of ten.
public enum ValueFormat: Sendable, Hashable {
    /// Plain counts (events, tokens): "1,234"; axis ticks are whole numbers.
    case count
    /// Credits stored in `scale` parts per credit: "1,234.5 credits".
    case credits(scale: Int64)
    /// US dollars stored in `scale` parts per dollar: "$1,234.56" (at least two decimals).
    case usd(scale: Int64)

    /// Credits stored as milli-credits.
    public static let milliCredits = ValueFormat.credits(scale: 1_000)
    /// Dollars stored as nano-USD.
    public static let nanoUSD = ValueFormat.usd(scale: 1_000_000_000)

    /// Stored units per displayed unit (at least 1).
    public var scale: Int64 {
        switch self {
        case .count: 1
        case .credits(let scale), .usd(let scale): max(scale, 1)
        }
    }

    /// Whether axis ticks must be whole numbers.
    var integralTicks: Bool { self == .count }

    /// A stored value in displayed units, for geometry only.
    public func units(_ raw: Int64) -> Double {
        Double(raw) / Double(scale)
    }

    /// The exact value with its unit, e.g. "1,234.5 credits", "-$0.000001234", "1,234".
    public func exact(_ raw: Int64) -> String {
        let magnitude = raw.magnitude
        let scale = UInt64(self.scale)
        var number = NumberText.grouped(magnitude / scale)
        // Trailing zeros of the fraction go, down to the format's minimum decimals.
        var fraction = magnitude % scale
        var decimals = fractionDigits
        while decimals > minimumDecimals && fraction % 10 == 0 {
            fraction /= 10
            decimals -= 1
        }
        if decimals > 0 {
            number += "."
            number += NumberText.digits(fraction, width: decimals)
        }
        let sign = raw < 0 ? "-" : ""
        switch self {
        case .count: return sign + number
        case .usd: return "\(sign)$\(number)"
        case .credits: return sign + number + (magnitude == scale ? " credit" : " credits")
        }
    }

    /// A short label in displayed units: "1.2k", "3.4M", "$1.2k", "-$250".
    ///
    /// Suffixes are k, M, B, T, P, E (powers of 1,000). `maxDecimals` bounds the mantissa's
    /// fraction digits; trailing zeros are trimmed.
    public func compact(_ units: Double, maxDecimals: Int = 1) -> String {
        guard units.isFinite else { return "0" }
        let (mantissa, suffix) = Self.split(units.magnitude, decimals: maxDecimals)
        let number = NumberText.trimmed(mantissa, maxDecimals: maxDecimals) + suffix
        let sign = units < 0 && number != "0" ? "-" : ""
        if case .usd = self { return "\(sign)$\(number)" }
        return sign + number
    }

    /// An axis tick label: `compact` with as many decimals as the tick needs to print exactly
    /// (0.025, 1.25M, 12.5k), up to ten.
    public func tickLabel(_ units: Double) -> String {
        guard units.isFinite else { return "0" }
        for decimals in 0..<10 {
            let scaled = Self.split(units.magnitude, decimals: decimals).mantissa * NumberText.power10(decimals)
            if abs(scaled - scaled.rounded()) <= 1e-6 * scaled {
                return compact(units, maxDecimals: decimals)
            }
        }
        return compact(units, maxDecimals: 10)
    }

    /// A magnitude as a mantissa below 1,000 (after rounding to `decimals`) and its suffix.
    private static func split(_ magnitude: Double, decimals: Int) -> (mantissa: Double, suffix: String) {
        let suffixes = ["", "k", "M", "B", "T", "P", "E"]
        let factor = NumberText.power10(decimals)
        var mantissa = magnitude
        var index = 0
        while index < suffixes.count - 1 && (mantissa * factor).rounded() >= 1000 * factor {
            mantissa /= 1000
            index += 1
        }
        return (mantissa, suffixes[index])
    }

    /// `compact` of a stored value.
    public func compact(raw: Int64, maxDecimals: Int = 1) -> String {
        compact(units(raw), maxDecimals: maxDecimals)
    }

    /// The unit word for descriptions: "credits", "USD" or "" for counts.
    var unitName: String {
        switch self {
        case .count: ""
        case .credits: "credits"
        case .usd: "USD"
        }
    }

    private var fractionDigits: Int {
        String(max(scale - 1, 0)).count - (scale == 1 ? 1 : 0)
    }

    private var minimumDecimals: Int {
        if case .usd = self { return min(2, fractionDigits) }
        return 0
    }
}
