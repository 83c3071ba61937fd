import SVGCharts
import Synchronization
import TallyWeb
import Testing

@Suite("Chart drawings memo")
struct ChartDrawingsTests {
    static let days = (1...30).map { ChartPoint(label: "\($0) Feb", value: Int64($0 * 1_250)) }

    static func daily(_ points: [ChartPoint] = days, prefix: String = "daily-usage") -> BarChart {
        BarChart(
            text: ChartText(idPrefix: prefix, title: "Daily usage this period"), format: .milliCredits, points: points,
            reference: ReferenceLine(label: "Last period's daily average", value: 20_000))
    }

    static func narrow(_ chart: BarChart) -> BarChart {
        var narrow = chart
        narrow.text.idPrefix += "-narrow"
        narrow.width = 360
        narrow.height = 260
        return narrow
    }

    /// What the memo must return: the chart drawn directly.
    static func expectDrawn<C: Chart>(
        _ drawing: ChartDrawing, _ chart: C, narrow: C? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(drawing.svg == chart.svg(), sourceLocation: sourceLocation)
        #expect(drawing.narrowSVG == narrow?.svg(), sourceLocation: sourceLocation)
        #expect(drawing.table == chart.table().html(), sourceLocation: sourceLocation)
        #expect(drawing.hasData == !chart.isEmpty, sourceLocation: sourceLocation)
    }

    @Test("a first lookup and a repeated one both give exactly the direct drawing")
    func missAndHitAreTheDirectDrawing() {
        let drawings = ChartDrawings()
        let chart = Self.daily()
        let miss = drawings.drawing(of: chart, narrow: Self.narrow(chart), slot: "dashboard.daily.1")
        Self.expectDrawn(miss, chart, narrow: Self.narrow(chart))
        let hit = drawings.drawing(of: Self.daily(), narrow: Self.narrow(Self.daily()), slot: "dashboard.daily.1")
        Self.expectDrawn(hit, chart, narrow: Self.narrow(chart))
        #expect(Array(hit.svg.utf8) == Array(chart.svg().utf8))
        let feature = HorizontalBarChart(
            text: ChartText(idPrefix: "by-feature", title: "Usage by feature"), format: .milliCredits,
            points: [ChartPoint(label: "Chat", value: 9_000), ChartPoint(label: "Summarize <&>", value: 1_500)])
        Self.expectDrawn(drawings.drawing(of: feature, slot: "dashboard.by-feature.1"), feature)
        Self.expectDrawn(drawings.drawing(of: feature, slot: "dashboard.by-feature.1"), feature)
        #expect(drawings.count == 2)
    }

    @Test("an equal chart is not drawn again; a changed one is")
    func equalChartsAreNotRedrawn() {
        let drawings = ChartDrawings()
        let draws = DrawCount()
        let chart = CountedChart(chart: Self.daily(), draws: draws)
        _ = drawings.drawing(of: chart, slot: "s")
        _ = drawings.drawing(of: CountedChart(chart: Self.daily(), draws: draws), slot: "s")
        #expect(draws.value == 1)
        var changed = Self.days
        changed[29].value += 1
        let drawing = drawings.drawing(of: CountedChart(chart: Self.daily(changed), draws: draws), slot: "s")
        #expect(draws.value == 2)
        Self.expectDrawn(drawing, Self.daily(changed))
    }

    @Test("one bar, one label, the reference line, the id prefix, the narrow drawing or the chart kind changed: the new drawing, never the old")
    func changedChartsInTheSameSlot() {
        let drawings = ChartDrawings()
        let slot = "dashboard.daily.7"
        let original = Self.daily()
        _ = drawings.drawing(of: original, narrow: Self.narrow(original), slot: slot)

        var oneBar = Self.days
        oneBar[12].value += 1
        var oneLabel = Self.days
        oneLabel[3].label = "4 Mar"
        var noReference = original
        noReference.reference = nil
        var otherReference = original
        otherReference.reference?.label = "Average"
        var otherTitle = original
        otherTitle.text.title = "Daily usage"
        var otherFormat = original
        otherFormat.format = .count
        let changed = [
            Self.daily(oneBar), Self.daily(oneLabel), noReference, otherReference, otherTitle, otherFormat,
            Self.daily(prefix: "daily-usage-2"),
        ]
        for chart in changed {
            #expect(chart != original)
            let drawing = drawings.drawing(of: chart, narrow: Self.narrow(chart), slot: slot)
            Self.expectDrawn(drawing, chart, narrow: Self.narrow(chart))
            #expect(drawing.svg != original.svg() || drawing.table != original.table().html())
            // Back to the original: its own drawing again, not the changed one.
            Self.expectDrawn(drawings.drawing(of: original, narrow: Self.narrow(original), slot: slot), original, narrow: Self.narrow(original))
        }

        var wider = Self.narrow(original)
        wider.width = 400
        Self.expectDrawn(drawings.drawing(of: original, narrow: wider, slot: slot), original, narrow: wider)
        Self.expectDrawn(drawings.drawing(of: original, slot: slot), original)
        let gauge = Gauge(text: ChartText(idPrefix: "daily-usage", title: "Daily usage this period"), format: .milliCredits, used: 5, included: 10)
        Self.expectDrawn(drawings.drawing(of: gauge, slot: slot), gauge)
        Self.expectDrawn(drawings.drawing(of: original, slot: slot), original)
        #expect(drawings.count == 1)
    }

    @Test("past the slot limit everything is dropped: the count stays within it and every drawing is right")
    func slotLimit() {
        let drawings = ChartDrawings(slotLimit: 8)
        for round in 0..<3 {
            for index in 0..<20 {
                var points = Self.days
                points[index].value += Int64(round)
                let chart = Self.daily(points)
                Self.expectDrawn(drawings.drawing(of: chart, slot: "dashboard.daily.\(index)"), chart)
                #expect(drawings.count <= 8)
                #expect(drawings.count >= 1)
            }
        }
        // The last slot filled is kept and found.
        var points = Self.days
        points[19].value += 2
        Self.expectDrawn(drawings.drawing(of: Self.daily(points), slot: "dashboard.daily.19"), Self.daily(points))
    }

    @Test("past the byte limit everything is dropped; a drawing larger than the limit is returned but not kept")
    func byteLimit() {
        let size = ChartDrawing(Self.daily()).svg.utf8.count + ChartDrawing(Self.daily()).table.utf8.count
        let drawings = ChartDrawings(byteLimit: size * 5 / 2)
        for index in 0..<10 {
            let chart = Self.daily(prefix: "daily-\(index)")
            Self.expectDrawn(drawings.drawing(of: chart, slot: "slot-\(index)"), chart)
            #expect(drawings.byteCount <= drawings.byteLimit)
            #expect(drawings.count <= 2)
        }
        let big = Self.daily((1...366).map { ChartPoint(label: "day \($0)", value: Int64($0)) })
        Self.expectDrawn(drawings.drawing(of: big, slot: "slot-0"), big)
        Self.expectDrawn(drawings.drawing(of: big, slot: "slot-0"), big)
        #expect(drawings.byteCount <= drawings.byteLimit)
    }

    @Test("concurrent views of changing charts in shared slots each get their own chart's drawing")
    func concurrentLookups() async {
        let drawings = ChartDrawings(slotLimit: 4)
        let charts = (0..<6).map { variant in
            Self.daily(Self.days.map { ChartPoint(label: $0.label, value: $0.value + Int64(variant)) })
        }
        let expected = charts.map { ($0.svg(), $0.table().html()) }
        let wrong = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for step in 0..<200 {
                        let variant = (task + step) % charts.count
                        let drawing = drawings.drawing(of: charts[variant], slot: "slot-\(step % 5)")
                        if drawing.svg != expected[variant].0 || drawing.table != expected[variant].1 { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(wrong == 0)
        #expect(drawings.count <= 4)
    }
}

/// How many times the charts sharing it were drawn.
final class DrawCount: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}

/// A bar chart that counts its drawings; equal when the bar charts are.
struct CountedChart: Chart {
    let chart: BarChart
    let draws: DrawCount

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.chart == rhs.chart }
    func hash(into hasher: inout Hasher) { hasher.combine(chart) }

    var isEmpty: Bool { chart.isEmpty }
    func svg() -> String {
        draws.increment()
        return chart.svg()
    }
    func table() -> ChartTable { chart.table() }
}
