import Testing
@testable import SVGCharts

@Suite struct ExactFormatTests {
    @Test func credits() {
        #expect(ValueFormat.milliCredits.exact(1_234_500) == "1,234.5 credits")
        #expect(ValueFormat.milliCredits.exact(1_000) == "1 credit")
        #expect(ValueFormat.milliCredits.exact(0) == "0 credits")
        #expect(ValueFormat.milliCredits.exact(-1) == "-0.001 credits")
        #expect(ValueFormat.milliCredits.exact(.max) == "9,223,372,036,854,775.807 credits")
    }

    @Test func dollars() {
        #expect(ValueFormat.nanoUSD.exact(1_234_560_000_000) == "$1,234.56")
        #expect(ValueFormat.nanoUSD.exact(1) == "$0.000000001")
        #expect(ValueFormat.nanoUSD.exact(-1_200_000_000) == "-$1.20")
        #expect(ValueFormat.nanoUSD.exact(1_000_000_000_000_000) == "$1,000,000.00")
        #expect(ValueFormat.usd(scale: 1).exact(5) == "$5")
    }

    @Test func counts() {
        #expect(ValueFormat.count.exact(0) == "0")
        #expect(ValueFormat.count.exact(1_234_567) == "1,234,567")
        #expect(ValueFormat.count.exact(.min) == "-9,223,372,036,854,775,808")
    }
}

@Suite struct CompactLabelTests {
    @Test(arguments: [
        (1_234.0, "1.2k"), (3_400_000, "3.4M"), (999, "999"), (999.96, "1k"), (0, "0"),
        (-2_500, "-2.5k"), (1_000_000_000, "1B"), (2.5e12, "2.5T"), (9.2e18, "9.2E"), (0.04, "0"),
    ])
    func count(value: Double, expected: String) {
        #expect(ValueFormat.count.compact(value) == expected)
    }

    @Test func dollarsAndTicks() {
        #expect(ValueFormat.nanoUSD.compact(1_234) == "$1.2k")
        #expect(ValueFormat.nanoUSD.compact(-0.5) == "-$0.5")
        #expect(ValueFormat.nanoUSD.compact(raw: 1_000_000_000_000_000) == "$1M")
        #expect(ValueFormat.count.tickLabel(0.025) == "0.025")
        #expect(ValueFormat.count.tickLabel(1_250_000) == "1.25M")
        #expect(ValueFormat.count.tickLabel(0.6000000000000001) == "0.6")
        #expect(ValueFormat.count.tickLabel(12_500) == "12.5k")
        #expect(ValueFormat.nanoUSD.tickLabel(1e-8) == "$0.00000001")
        #expect(ValueFormat.count.tickLabel(1e19) == "10E")
        #expect(ValueFormat.count.compact(.nan) == "0")
        #expect(ValueFormat.count.compact(-.infinity) == "0")
    }

    @Test func coordinates() {
        #expect(NumberText.coordinate(12.345) == "12.35")
        #expect(NumberText.coordinate(-0.001) == "0")
        #expect(NumberText.coordinate(3) == "3")
        #expect(NumberText.coordinate(.nan) == "0")
        #expect(NumberText.coordinate(.infinity) == "0")
    }
}

@Suite struct NiceTickTests {
    @Test(arguments: [
        (0.0, 95.0, false, [0.0, 20, 40, 60, 80, 100]),
        (0, 1_234.5, false, [0, 250, 500, 750, 1_000, 1_250]),
        (0, 12, false, [0, 2.5, 5, 7.5, 10, 12.5]),
        (0, 12, true, [0, 5, 10, 15]),
        (0, 7, true, [0, 2, 4, 6, 8]),
        (-30, 70, false, [-40, -20, 0, 20, 40, 60, 80]),
        (0, 0, true, [0, 1]),
        (0, 0.9, false, [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1]),
    ])
    func ticks(minimum: Double, maximum: Double, integral: Bool, expected: [Double]) {
        let ticks = NiceTicks(minimum: minimum, maximum: maximum, integral: integral)
        #expect(ticks.values == expected)
    }

    @Test func degenerateRanges() {
        #expect(NiceTicks(minimum: 0, maximum: 0).lower == 0)
        #expect(NiceTicks(minimum: 0, maximum: 0).upper == 1)
        #expect(NiceTicks(minimum: .nan, maximum: .infinity).upper == 1)
        let huge = NiceTicks(minimum: 0, maximum: Double(Int64.max))
        #expect(huge.step == 2e18)
        #expect(huge.upper == 1e19)
        #expect(huge.values.allSatisfy { $0.isFinite })
    }

    @Test func stepsAreNice() {
        for exponent in -4...15 {
            for mantissa in [1.0, 1.3, 2.2, 4.9, 7.7] {
                let step = NiceTicks.step(forSpan: mantissa * pow10(exponent), targetCount: 5, integral: false)
                let normalized = step / pow10(Int((step.magnitude).exponentBase10))
                #expect([1, 2, 2.5, 5].contains { abs($0 - normalized) < 1e-9 }, "\(step)")
            }
        }
    }

    private func pow10(_ exponent: Int) -> Double {
        exponent >= 0 ? NumberText.power10(exponent) : 1 / NumberText.power10(-exponent)
    }
}

extension Double {
    /// floor(log10(self)) for positive values.
    fileprivate var exponentBase10: Double {
        var value = self, exponent = 0.0
        while value >= 10 { value /= 10; exponent += 1 }
        while value < 1 { value *= 10; exponent -= 1 }
        return exponent
    }
}
