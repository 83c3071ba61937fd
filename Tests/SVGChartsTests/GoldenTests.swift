import Testing
@testable import SVGCharts

/// One golden file per chart kind and edge case. Update with `UPDATE_GOLDEN=1 swift test`.
@Suite struct GoldenTests {
    private func check(_ chart: some Chart, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let svg = chart.svg()
        expectWellFormed(svg, sourceLocation: sourceLocation)
        try GoldenFile.check(svg, name + ".svg", sourceLocation: sourceLocation)
    }

    @Test func dailyBarsWithReference() throws {
        let days = Fixtures.days(30)
        let chart = BarChart(
            text: Fixtures.text("daily", "Daily usage"), format: .milliCredits,
            points: Fixtures.points(days, Fixtures.usage(30)),
            reference: ReferenceLine(label: "Previous period's daily average", value: 52_500)
        )
        try check(chart, "bar-daily")
    }

    @Test func barEdgeCases() throws {
        let text = Fixtures.text("edge", "Daily usage")
        try check(BarChart(text: text, format: .milliCredits, points: []), "bar-empty")
        try check(BarChart(text: text, format: .milliCredits, points: [.init(label: "2026-11-03", value: 1_234_500)]),
                  "bar-one-point")
        try check(BarChart(text: text, format: .count, points: Fixtures.points(Fixtures.days(7), Array(repeating: 0, count: 7))),
                  "bar-all-zeros")
        let huge: [Int64] = [.max, .max / 2, 1, .max - 1]
        try check(BarChart(text: text, format: .count, points: Fixtures.points(Fixtures.days(4), huge)), "bar-huge")
        let negative: [Int64] = [3_000_000_000, -1_500_000_000, 250_000_000, -4_000_000_000]
        try check(BarChart(text: text, format: .nanoUSD, points: Fixtures.points(Fixtures.days(4), negative)),
                  "bar-negative")
    }

    @Test func yearOfDays() throws {
        let chart = BarChart(
            text: Fixtures.text("year", "Daily events"), format: .count,
            points: Fixtures.points(Fixtures.days(366, month: 1), Fixtures.usage(366, base: 900))
        )
        try check(chart, "bar-366-days")
    }

    @Test func stackedByFeature() throws {
        let days = Fixtures.days(14)
        let chart = StackedBarChart(
            text: Fixtures.text("by-feature", "Daily usage by feature"), format: .milliCredits, categories: days,
            series: [
                ChartSeries(name: "Chat", values: Fixtures.usage(14, seed: 1)),
                ChartSeries(name: "Embeddings", values: Fixtures.usage(14, base: 12_000, seed: 2)),
                ChartSeries(name: "Image generation", values: Fixtures.usage(14, base: 5_000, seed: 3)),
            ]
        )
        try check(chart, "stacked-by-feature")
        try GoldenFile.check(chart.table().html(), "stacked-by-feature-table.html")
    }

    @Test func stackedLongLabels() throws {
        let long = "A feature with a very long name that will not fit <&> anywhere"
        let chart = StackedBarChart(
            text: Fixtures.text("long", "Usage <by> \"feature\" & model"), format: .count,
            categories: ["Monday the third of November", "Tuesday", "Wednesday the fifth"],
            series: [ChartSeries(name: long, values: [5, 3]), ChartSeries(name: "Other", values: [1, 2, 3, -4])]
        )
        try check(chart, "stacked-long-labels")
    }

    @Test func horizontalByModel() throws {
        let points = [
            ChartPoint(label: "gpt-4o", value: 812_345_000),
            ChartPoint(label: "claude-3-5-sonnet-20241022-extended-context", value: 402_000_500),
            ChartPoint(label: "text-embedding-3-small", value: 9_800),
            ChartPoint(label: "unused", value: 0),
        ]
        try check(HorizontalBarChart(text: Fixtures.text("by-model", "Usage by model"), format: .milliCredits,
                                     points: points), "hbar-by-model")
        try check(HorizontalBarChart(text: Fixtures.text("by-model", "Usage by model"), format: .milliCredits,
                                     points: []), "hbar-empty")
    }

    @Test func costVersusRevenue() throws {
        let days = Fixtures.days(30)
        let cost = Fixtures.usage(30, base: 20_000, seed: 4).map { $0 * 40_000 }
        let revenue = Fixtures.usage(30, base: 45_000, seed: 5).map { $0 * 40_000 }
        let chart = LineChart(
            text: Fixtures.text("margin", "Cost and revenue"), format: .nanoUSD, categories: days,
            series: [ChartSeries(name: "Cost", values: cost), ChartSeries(name: "Revenue", values: revenue)],
            reference: ReferenceLine(label: "Previous period's daily average", value: 2_100_000_000), filled: true
        )
        try check(chart, "line-cost-revenue")
    }

    @Test func lineEdgeCases() throws {
        let text = Fixtures.text("line-edge", "Daily margin")
        let margins: [Int64] = [1_500_000_000, -700_000_000, 250_000_000, -2_250_000_000, 900_000_000]
        try check(LineChart(text: text, format: .nanoUSD, categories: Fixtures.days(5),
                            series: [ChartSeries(name: "Margin", values: margins)]), "line-negative")
        try check(LineChart(text: text, format: .nanoUSD, categories: ["2026-11-03"],
                            series: [ChartSeries(name: "Margin", values: [42])]), "line-one-point")
        let huge: [Int64] = [1_000_000_000_000_000, 999_999_999_999_999, 0]
        try check(LineChart(text: text, format: .nanoUSD, categories: Fixtures.days(3),
                            series: [ChartSeries(name: "Revenue", values: huge)]), "line-huge")
        try check(LineChart(text: text, format: .nanoUSD, categories: [], series: []), "line-empty")
    }

    @Test func sparklines() throws {
        let text = Fixtures.text("spark", "Last 14 days")
        try check(Sparkline(text: text, format: .milliCredits,
                            points: Fixtures.points(Fixtures.days(14), Fixtures.usage(14))), "sparkline")
        try check(Sparkline(text: text, format: .milliCredits, points: []), "sparkline-empty")
    }

    @Test func gauges() throws {
        let text = Fixtures.text("credits", "Credits used")
        try check(Gauge(text: text, format: .milliCredits, used: 1_234_500, included: 2_000_000), "gauge-under")
        try check(Gauge(text: text, format: .milliCredits, used: 2_480_000, included: 2_000_000), "gauge-over")
        try check(Gauge(text: text, format: .milliCredits, used: 350_000, included: 0), "gauge-no-included")
        try check(Gauge(text: text, format: .milliCredits, used: Int64.max, included: 1), "gauge-huge")
    }
}
