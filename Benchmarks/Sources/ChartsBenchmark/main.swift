// Draws the customer dashboard's six charts (the gauge and the daily bars, each wide and narrow,
// and the by-feature and by-model bars) as `DashboardPresenter` does for one page view, over
// demo-like data, and reports the time per view. Single-threaded; compare runs as ratios.
//
//   cd Benchmarks && swift build -c release --product ChartsBenchmark --scratch-path .build-bench
//   .build-bench/release/ChartsBenchmark [--seconds 5]

import Foundation
import SVGCharts

let arguments = CommandLine.arguments
let seconds = arguments.firstIndex(of: "--seconds").flatMap { Double(arguments[$0 + 1]) } ?? 5

/// 30 days, 8 features and 7 models with demo-sized values, in milli-credits.
let days = (1...30).map { day in ChartPoint(label: "\(day) Nov", value: Int64(1_000_000 + (day * 7_919 % 30) * 120_000)) }
let features = ["Voice notes", "Research agent", "Document extraction", "Translate", "Chat", "Summarize", "Classify", "Semantic search"]
    .enumerated().map { ChartPoint(label: $1, value: Int64(15_700_000 / ($0 + 1))) }
let models = ["gpt-4o-mini-transcribe", "claude-sonnet-4", "gpt-4o-2024-11-20", "gpt-4o-mini", "gpt-4o", "claude-haiku", "text-embedding-3-small"]
    .enumerated().map { ChartPoint(label: $1, value: Int64(15_700_000 / ($0 + 1))) }

func drawView() -> Int {
    var gauge = Gauge(text: ChartText(idPrefix: "credits-gauge", title: "Credits used this period"), format: .milliCredits,
                      used: 48_658_898, included: 150_000_000)
    var daily = BarChart(
        text: ChartText(idPrefix: "daily-usage", title: "Daily usage this period"), format: .milliCredits, points: days,
        reference: ReferenceLine(label: "Last period's daily average", value: 3_200_000))
    var bytes = gauge.svg().utf8.count + daily.svg().utf8.count
    gauge.text.idPrefix = "credits-gauge-narrow"
    gauge.width = 340
    daily.text.idPrefix = "daily-usage-narrow"
    daily.width = 360
    daily.height = 260
    bytes += gauge.svg().utf8.count + daily.svg().utf8.count
    for (prefix, points) in [("by-feature", features), ("by-model", models)] {
        var chart = HorizontalBarChart(text: ChartText(idPrefix: prefix, title: prefix), format: .milliCredits, points: points)
        chart.width = 400
        bytes += chart.svg().utf8.count
    }
    return bytes
}

var views = 0
var bytes = 0
for _ in 0..<200 { bytes &+= drawView() }   // warm-up
let clock = ContinuousClock()
let start = clock.now
while clock.now - start < .seconds(seconds) {
    for _ in 0..<50 { bytes &+= drawView() }
    views += 50
}
let elapsed = clock.now - start
let perView = Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
print(String(format: "charts: %d views in %.1f s, %.1f µs per view (6 charts, %d bytes of SVG each view)",
             views, perView / 1e6, perView / Double(views), drawView()))
_ = bytes
