// The dashboard's chart work per page view, as `DashboardPresenter` does it: build the four chart
// values from freshly read data (new arrays and label strings, as decoded rows give), then get
// their drawings (six SVGs: gauge and daily bars wide and narrow, by-feature and by-model bars;
// four tables). Three ways, each single-threaded, in turn:
//
//   direct  — draw everything (before ChartDrawings)
//   memo    — ChartDrawings, the data unchanged between views: every lookup finds its drawing
//   changed — ChartDrawings, new usage on every view (the gauge, today's bar and the top feature
//             and model each differ): every lookup compares, draws again and replaces
//
//   cd Benchmarks && swift build -c release --product ChartDrawingsBenchmark --scratch-path .build-bench
//   .build-bench/release/ChartDrawingsBenchmark [--seconds 3]

import Foundation
import SVGCharts
import TallyWeb

let arguments = CommandLine.arguments
let seconds = arguments.firstIndex(of: "--seconds").flatMap { Double(arguments[$0 + 1]) } ?? 3

let featureNames = ["Voice notes", "Research agent", "Document extraction", "Translate", "Chat", "Summarize", "Classify", "Semantic search"]
let modelNames = ["gpt-4o-mini-transcribe", "claude-sonnet-4", "gpt-4o-2024-11-20", "gpt-4o-mini", "gpt-4o", "claude-haiku", "text-embedding-3-small"]

/// The four charts of one view over demo-sized data; `bump` is usage added since the last view.
func charts(bump: Int64) -> (gauge: Gauge, daily: BarChart, feature: HorizontalBarChart, model: HorizontalBarChart) {
    let days = (1...30).map { (day: Int) -> ChartPoint in
        let value = Int64(1_000_000 + (day * 7_919 % 30) * 120_000)
        return ChartPoint(label: "\(day) Nov", value: day == 30 ? value + bump : value)
    }
    func ranked(_ names: [String]) -> [ChartPoint] {
        names.enumerated().map { index, name in
            let value = Int64(15_700_000 / (index + 1))
            return ChartPoint(label: String(decoding: Array(name.utf8), as: UTF8.self), value: index == 0 ? value + bump : value)
        }
    }
    let empty = "No usage this period yet"
    var feature = HorizontalBarChart(
        text: ChartText(idPrefix: "by-feature", title: "Usage by feature", emptyMessage: empty), format: .milliCredits,
        points: ranked(featureNames))
    feature.width = 400
    var model = HorizontalBarChart(
        text: ChartText(idPrefix: "by-model", title: "Usage by model", emptyMessage: empty), format: .milliCredits,
        points: ranked(modelNames))
    model.width = 400
    return (
        Gauge(text: ChartText(idPrefix: "credits-gauge", title: "Credits used this period"), format: .milliCredits,
              used: 48_658_898 + bump, included: 150_000_000),
        BarChart(
            text: ChartText(idPrefix: "daily-usage", title: "Daily usage this period", emptyMessage: empty),
            format: .milliCredits, points: days,
            reference: ReferenceLine(label: "Last period's daily average", value: 3_200_000)),
        feature, model)
}

func narrow(_ gauge: Gauge) -> Gauge {
    var narrow = gauge
    narrow.text.idPrefix = "credits-gauge-narrow"
    narrow.width = 340
    return narrow
}

func narrow(_ chart: BarChart) -> BarChart {
    var narrow = chart
    narrow.text.idPrefix = "daily-usage-narrow"
    narrow.width = 360
    narrow.height = 260
    return narrow
}

/// One view's drawings, drawn directly or through `drawings`; returns their bytes.
func view(bump: Int64, drawings: ChartDrawings?) -> Int {
    let c = charts(bump: bump)
    let account: Int64 = 1
    let results: [ChartDrawing]
    if let drawings {
        results = [
            drawings.drawing(of: c.gauge, narrow: narrow(c.gauge), slot: "dashboard.gauge.\(account)"),
            drawings.drawing(of: c.daily, narrow: narrow(c.daily), slot: "dashboard.daily.\(account)"),
            drawings.drawing(of: c.feature, slot: "dashboard.by-feature.\(account)"),
            drawings.drawing(of: c.model, slot: "dashboard.by-model.\(account)"),
        ]
    } else {
        results = [
            ChartDrawing(c.gauge, narrow: narrow(c.gauge)), ChartDrawing(c.daily, narrow: narrow(c.daily)),
            ChartDrawing(c.feature), ChartDrawing(c.model),
        ]
    }
    return results.reduce(0) { $0 + $1.svg.utf8.count + ($1.narrowSVG?.utf8.count ?? 0) + $1.table.utf8.count }
}

func measure(_ name: String, _ body: (Int) -> Int) {
    var bytes = 0
    for index in 0..<200 { bytes &+= body(index) }   // warm-up
    let clock = ContinuousClock()
    let start = clock.now
    var views = 0
    while clock.now - start < .seconds(seconds) {
        for _ in 0..<50 {
            bytes &+= body(views)
            views += 1
        }
    }
    let elapsed = clock.now - start
    let micros = Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
    print(String(format: "%-8@ %8d views in %.1f s, %7.2f µs per view (%d bytes of markup a view)",
                 name, views, micros / 1e6, micros / Double(views), body(views)))
    _ = bytes
}

// The memo must give exactly the direct drawing before any figure counts.
let check = ChartDrawings()
precondition(view(bump: 0, drawings: check) == view(bump: 0, drawings: nil))
precondition(view(bump: 0, drawings: check) == view(bump: 0, drawings: nil))

measure("direct") { _ in view(bump: 0, drawings: nil) }
let unchanged = ChartDrawings()
measure("memo") { _ in view(bump: 0, drawings: unchanged) }
let changing = ChartDrawings()
measure("changed") { index in view(bump: Int64(index), drawings: changing) }
