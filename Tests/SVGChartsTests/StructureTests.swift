import Foundation
import Testing
@testable import SVGCharts

/// What the goldens show, asserted directly: tooltips, ids, truncation, thinning, tables.
@Suite struct StructureTests {
    private let text = ChartText(idPrefix: "usage", title: "Daily usage")

    @Test func barTooltipCarriesTheExactValue() {
        let svg = BarChart(text: text, format: .milliCredits, points: [.init(label: "2026-11-03", value: 1_234_500)]).svg()
        #expect(svg.contains("<title>2026-11-03: 1,234.5 credits</title>"))
        #expect(svg.contains("aria-labelledby=\"usage-title usage-desc\""))
        #expect(svg.contains("<title id=\"usage-title\">Daily usage</title>"))
    }

    @Test func idPrefixIsSanitised() {
        #expect(ChartText(idPrefix: "a b<c", title: "").safePrefix == "a-b-c")
        #expect(ChartText(idPrefix: "", title: "").safePrefix == "chart")
        #expect(ChartText(idPrefix: "9x", title: "").safePrefix == "c-9x")
        #expect(ChartText(idPrefix: "día", title: "").safePrefix == "d-a")
        #expect(ChartText(idPrefix: "_x", title: "").safePrefix == "_x")
        #expect(ChartText(idPrefix: "-x", title: "").safePrefix == "c--x")
        #expect(ChartText(idPrefix: "Daily-usage_1", title: "").safePrefix == "Daily-usage_1")
    }

    @Test func longLabelsAreTruncatedWithTheFullTextInATitle() {
        let long = "A label much longer than twelve characters"
        let svg = BarChart(text: text, format: .count, points: [.init(label: long, value: 1)]).svg()
        #expect(svg.contains("<title>\(long)</title>A label muc…</text>"))
    }

    @Test func yearOfLabelsIsThinned() {
        let points = (0..<366).map { ChartPoint(label: "2026-01-\($0)", value: Int64($0)) }
        let svg = BarChart(text: text, format: .count, points: points).svg()
        let axis = svg.components(separatedBy: "class=\"axis axis-x\"")[1]
        let labels = axis.components(separatedBy: "<text ").count - 1
        #expect(labels >= 4 && labels <= 12)
        #expect(svg.components(separatedBy: "<rect class=\"bar").count - 1 == 366)
    }

    @Test func allZerosUseZeroToOne() {
        let svg = BarChart(text: text, format: .count, points: [.init(label: "a", value: 0)]).svg()
        #expect(svg.contains(">1</text>"))
        #expect(svg.contains(">0</text>"))
    }

    @Test func emptyChartsSayWhy() {
        let chart = StackedBarChart(text: text, format: .count, categories: [], series: [])
        #expect(chart.isEmpty)
        #expect(chart.svg().contains("No usage yet"))
        #expect(chart.svg().contains("chart-empty"))
        #expect(chart.table().html().contains("No data"))
    }

    @Test func gaugeOverage() {
        let gauge = Gauge(text: text, format: .milliCredits, used: 2_500_000, included: 2_000_000)
        #expect(gauge.isOver)
        #expect(gauge.percent == 125)
        #expect(gauge.svg().contains("class=\"gauge-over\""))
        #expect(gauge.table().rows.map(\.header) == ["Used", "Included", "Overage", "Percent used"])
        #expect(Gauge(text: text, format: .count, used: 1_999, included: 2_000).percent == 99)
        #expect(Gauge(text: text, format: .count, used: 5, included: 0).percent == nil)
        #expect(Gauge(text: text, format: .count, used: Int64.max, included: 1).percent == 9_000_000_000_000_000_000)
    }

    @Test func tableHTMLHasCaptionAndScopes() {
        let chart = StackedBarChart(
            text: ChartText(idPrefix: "f", title: "By <feature>"), format: .count,
            categories: ["Mon"], series: [ChartSeries(name: "A & B", values: [Int64.max]), ChartSeries(name: "C", values: [1])]
        )
        let html = chart.table().html()
        #expect(html.contains("<caption>By &lt;feature&gt;</caption>"))
        #expect(html.contains("<th scope=\"col\">A &amp; B</th>"))
        #expect(html.contains("<th scope=\"row\">Mon</th>"))
        #expect(chart.table().rows[0].cells.last == "9,223,372,036,854,775,807")
    }
}
