/// The plot area, value axis and category labels shared by the bar, stacked-bar and line charts.
struct CartesianFrame {
    /// The viewBox width.
    let width: Double
    /// The viewBox height.
    let height: Double
    /// The value axis ticks (displayed units).
    let ticks: NiceTicks
    /// Left edge of the plot area.
    let left: Double
    /// Top edge of the plot area.
    let top: Double
    /// Right edge of the plot area.
    let right: Double
    /// Bottom edge of the plot area.
    let bottom: Double
    /// The tick labels, one per `ticks.values` entry.
    let tickLabels: [String]

    /// Characters of a category label before it is truncated.
    static let maxLabelCharacters = 12

    /// A frame whose value axis covers `minimum…maximum` (displayed units) and zero.
    init(width: Double, height: Double, minimum: Double, maximum: Double, format: ValueFormat, legendHeight: Double) {
        self.width = width
        self.height = height
        let ticks = NiceTicks(minimum: min(minimum, 0), maximum: max(maximum, 0), integral: format.integralTicks)
        self.ticks = ticks
        self.tickLabels = ticks.values.map(format.tickLabel)
        let widest = tickLabels.map(\.count).max() ?? 1
        self.left = max(36, Label.width(widest) + 12)
        self.top = 10 + legendHeight
        self.right = width - 12
        self.bottom = height - 24
    }

    /// The y coordinate of a value in displayed units, clamped to the plot area.
    func y(_ units: Double) -> Double {
        let span = ticks.upper - ticks.lower
        let fraction = span > 0 ? (units - ticks.lower) / span : 0
        let clamped = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        return bottom - clamped * (bottom - top)
    }

    /// The width of one category's band when `count` categories share the plot area.
    func band(count: Int) -> Double {
        (right - left) / Double(max(count, 1))
    }

    /// Grid lines, tick labels and the zero line, in `<g class="axis">`.
    func drawValueAxis(into writer: inout SVGWriter) {
        writer.open("g", [("class", "axis axis-y")])
        for (tick, label) in zip(ticks.values, tickLabels) {
            let y = self.y(tick)
            writer.element("line", [
                ("class", tick == 0 ? "zero" : "grid"), SVGWriter.number("x1", left), SVGWriter.number("y1", y),
                SVGWriter.number("x2", right), SVGWriter.number("y2", y),
            ])
            writer.text(label, [
                ("class", "tick-label"), SVGWriter.number("x", left - 6), SVGWriter.number("y", y + 4),
                ("text-anchor", "end"),
            ])
        }
        writer.close("g")
    }

    /// Category labels under the plot, thinned so they do not overlap; truncated ones carry the
    /// full text in a `<title>`.
    func drawCategoryLabels(_ labels: [String], centres: [Double], into writer: inout SVGWriter) {
        let longest = min(labels.map(\.count).max() ?? 0, Self.maxLabelCharacters)
        let labelWidth = Label.width(longest) + 8
        let spacing = centres.count > 1 ? (centres[1] - centres[0]) : labelWidth
        let every = max(1, Int((labelWidth / max(spacing, 0.01)).rounded(.up)))
        writer.open("g", [("class", "axis axis-x")])
        var previousEnd = -Double.infinity
        for index in stride(from: 0, to: min(labels.count, centres.count), by: every) {
            let label = Label.truncate(labels[index], to: Self.maxLabelCharacters)
            let half = Label.width(label.text.count) / 2
            let x = min(max(centres[index], half + 2), width - half - 2)
            // A label pushed inwards at the right edge may reach its neighbour: skip it then.
            guard x - half >= previousEnd + 4 else { continue }
            previousEnd = x + half
            writer.text(label.text, [
                ("class", "tick-label"), SVGWriter.number("x", x), SVGWriter.number("y", bottom + 16),
                ("text-anchor", "middle"),
            ], tooltip: label.truncated ? labels[index] : nil)
        }
        writer.close("g")
    }
}
