/// Horizontal bars with the label on the left and the value at the end: usage by feature or model.
///
/// The height grows with the number of rows (26 units each). Negative values are drawn as zero
/// length; the tooltip and table keep them exact.
public struct HorizontalBarChart: Chart {
    /// Id prefix, title, description and empty message.
    public var text: ChartText
    /// How values are printed.
    public var format: ValueFormat
    /// The bars, top to bottom (sort them before if you want a ranking).
    public var points: [ChartPoint]
    /// The viewBox width.
    public var width: Double = 640

    private static let rowHeight = 26.0
    private static let maxLabelCharacters = 20

    /// A horizontal bar chart of `points` printed with `format`.
    public init(text: ChartText, format: ValueFormat, points: [ChartPoint]) {
        self.text = text
        self.format = format
        self.points = points
    }

    /// True when there are no points.
    public var isEmpty: Bool { points.isEmpty }

    /// The viewBox height for the current number of rows.
    public var height: Double { isEmpty ? 120 : 16 + Double(points.count) * Self.rowHeight }

    /// The chart as an `<svg>` element.
    public func svg() -> String {
        guard !isEmpty else { return ChartCanvas.empty(text: text, kind: "hbar", width: width, height: height) }
        let description = text.description ?? Summary.points("Horizontal bar chart", points, format: format)
        var canvas = ChartCanvas(text: text, kind: "hbar", width: width, height: height, description: description)
        let maximum = points.map { max(format.units($0.value), 0) }.max() ?? 0
        let barLeft = Label.width(Self.maxLabelCharacters) + 16
        let barSpan = width - barLeft - 64
        canvas.writer.open("g", [("class", "bars")])
        for (index, point) in points.enumerated() {
            let fraction = maximum > 0 ? max(format.units(point.value), 0) / maximum : 0
            drawRow(point, top: 8 + Double(index) * Self.rowHeight, left: barLeft, length: fraction * barSpan,
                    into: &canvas.writer)
        }
        canvas.writer.close("g")
        return canvas.finish()
    }

    /// One row per point: label and exact value.
    public func table() -> ChartTable {
        let rows = points.map { ChartTable.Row(header: $0.label, cells: [format.exact($0.value)]) }
        return ChartTable(caption: text.title, columns: ["Label", "Value"], rows: rows)
    }

    private func drawRow(_ point: ChartPoint, top: Double, left: Double, length: Double, into writer: inout SVGWriter) {
        let middle = top + Self.rowHeight / 2
        let label = Label.truncate(point.label, to: Self.maxLabelCharacters)
        writer.text(label.text, [
            ("class", "tick-label"), SVGWriter.number("x", left - 8), SVGWriter.number("y", middle + 4),
            ("text-anchor", "end"),
        ], tooltip: label.truncated ? point.label : nil)
        writer.element("rect", [
            ("class", "bar series-0"), SVGWriter.number("x", left), SVGWriter.number("y", middle - 8),
            SVGWriter.number("width", length), ("height", "16"), ("rx", "2"),
        ], tooltip: "\(point.label): \(format.exact(point.value))")
        writer.text(format.compact(raw: point.value), [
            ("class", "value-label"), SVGWriter.number("x", left + length + 6), SVGWriter.number("y", middle + 4),
        ])
    }
}
