import TallyTestSupport
import Testing
@testable import SVGCharts

/// Random inputs of every kind: the output always parses, has no `style` and no NaN or inf.
@Suite struct PropertyTests {
    private static let alphabet = Array("ab Z09-<>&\"'é€😀\t")
    private static let formats: [ValueFormat] = [.count, .milliCredits, .nanoUSD, .credits(scale: 1)]

    private func value(_ rng: inout SeededGenerator) -> Int64 {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: 0
        case 1: .max
        case 2: .min
        case 3: Int64.random(in: -1_000...1_000, using: &rng)
        case 4: Int64.random(in: 0...1_000_000_000_000_000, using: &rng)
        default: Int64.random(in: .min ... .max, using: &rng)
        }
    }

    private func label(_ rng: inout SeededGenerator) -> String {
        String((0..<Int.random(in: 0...40, using: &rng)).map { _ in Self.alphabet.randomElement(using: &rng)! })
    }

    private func chart(_ rng: inout SeededGenerator) -> any Chart {
        let text = ChartText(idPrefix: label(&rng), title: label(&rng), emptyMessage: label(&rng))
        let format = Self.formats.randomElement(using: &rng)!
        let count = Int.random(in: 0...(Bool.random(using: &rng) ? 5 : 400), using: &rng)
        let labels = (0..<count).map { _ in label(&rng) }
        let points = labels.map { ChartPoint(label: $0, value: value(&rng)) }
        let series = (0..<Int.random(in: 0...10, using: &rng)).map { _ in
            ChartSeries(name: label(&rng), values: (0..<Int.random(in: 0...count + 2, using: &rng)).map { _ in value(&rng) })
        }
        let reference = Bool.random(using: &rng) ? ReferenceLine(label: label(&rng), value: value(&rng)) : nil
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return BarChart(text: text, format: format, points: points, reference: reference)
        case 1: return StackedBarChart(text: text, format: format, categories: labels, series: series)
        case 2: return HorizontalBarChart(text: text, format: format, points: points)
        case 3: return LineChart(text: text, format: format, categories: labels, series: series,
                                 reference: reference, filled: Bool.random(using: &rng))
        case 4: return Sparkline(text: text, format: format, points: points)
        default: return Gauge(text: text, format: format, used: value(&rng), included: value(&rng))
        }
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func randomChartsAreWellFormed(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<60 {
            let chart = chart(&rng)
            let svg = chart.svg()
            expectWellFormed(svg)
            #expect(chart.svg() == svg, "deterministic")
            #expect(XMLCheck.parse("<div>" + chart.table().html() + "</div>") != nil)
        }
    }
}
