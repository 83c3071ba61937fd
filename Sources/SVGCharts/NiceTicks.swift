import Foundation

/// Axis ticks at "nice" numbers: steps of 1, 2, 2.5 or 5 × 10ⁿ covering a range.
///
/// A degenerate or non-finite range becomes 0…1, so there is never a division by zero.
public struct NiceTicks: Sendable, Equatable {
    /// The first tick (at or below the range's minimum).
    public let lower: Double
    /// The last tick (at or above the range's maximum).
    public let upper: Double
    /// The distance between ticks.
    public let step: Double

    /// Ticks covering `minimum…maximum` with about `targetCount` intervals.
    ///
    /// - Parameter integral: only whole-number steps (for counts): 1, 2, 5, 10, 20, 25, 50…
    public init(minimum: Double, maximum: Double, targetCount: Int = 5, integral: Bool = false) {
        var low = minimum.isFinite ? minimum : 0
        var high = maximum.isFinite ? maximum : 0
        if low > high { swap(&low, &high) }
        if high == low { high = low + (low == 0 ? 1 : low.magnitude) }
        let step = Self.step(forSpan: high - low, targetCount: targetCount, integral: integral)
        self.step = step
        self.lower = (low / step).rounded(.down) * step
        self.upper = (high / step).rounded(.up) * step
    }

    /// The tick values from `lower` to `upper` inclusive.
    public var values: [Double] {
        let count = Int(((upper - lower) / step).rounded())
        let first = (lower / step).rounded()
        return (0...max(count, 0)).map { (first + Double($0)) * step }
    }

    /// The nice step for a span: the smallest of 1, 2, 2.5, 5, 10 × 10ⁿ at least `span / targetCount`.
    public static func step(forSpan span: Double, targetCount: Int, integral: Bool) -> Double {
        let raw = span / Double(max(targetCount, 1))
        guard raw.isFinite, raw > 0 else { return 1 }
        let base = pow(10, (log10(raw)).rounded(.down))
        let multiples: [Double] = [1, 2, 2.5, 5, 10]
        var step = base * 10
        for multiple in multiples where multiple * base >= raw * (1 - 1e-9) {
            let candidate = multiple * base
            if integral && candidate.rounded() != candidate { continue }
            step = candidate
            break
        }
        return integral ? max(step, 1) : step
    }
}
