/// Vertical bars, one per category: daily usage. Negative values grow down from zero.
public struct BarChart: Chart {
    /// Id prefix, title, description and empty message.
    public var text: ChartText
    /// How values are printed.
    public var format: ValueFormat
    /// The bars, in order.
    public var points: [ChartPoint]
    /// An optional dashed line, e.g. the previous period's daily average.
    public var reference: ReferenceLine?
    /// The viewBox width; the SVG scales to its container, this sets the aspect ratio and text size.
    public var width: Double = 640
    /// The viewBox height.
    public var height: Double = 240

    /// A bar chart of `points` printed with `format`.
    public init(text: ChartText, format: ValueFormat, points: [ChartPoint], reference: ReferenceLine? = nil) {
        self.text = text
        self.format = format
        self.points = points
        self.reference = reference
    }

    /// True when there are no points.
    public var isEmpty: Bool { points.isEmpty }

    /// The chart as an `<svg>` element.
    public func svg() -> String {
        guard !isEmpty else { return ChartCanvas.empty(text: text, kind: "bar", width: width, height: height) }
        let description = text.description
            ?? Summary.points("Bar chart", points, format: format) + Summary.reference(reference, format: format)
        var canvas = ChartCanvas(text: text, kind: "bar", width: width, height: height, description: description)
        let legend = Legend(entries: reference.map { [$0.legendEntry(format: format)] } ?? [], width: width)
        let values = points.map { format.units($0.value) } + (reference.map { [format.units($0.value)] } ?? [])
        let frame = CartesianFrame(
            width: width, height: height, minimum: values.min() ?? 0, maximum: values.max() ?? 0,
            format: format, legendHeight: legend.height
        )
        legend.draw(into: &canvas.writer)
        frame.drawValueAxis(into: &canvas.writer)
        drawBars(in: frame, into: &canvas.writer)
        reference?.draw(in: frame, format: format, into: &canvas.writer)
        return canvas.finish()
    }

    /// One row per point: label and exact value.
    public func table() -> ChartTable {
        let rows = points.map { ChartTable.Row(header: $0.label, cells: [format.exact($0.value)]) }
        return ChartTable(caption: text.title, columns: ["Label", "Value"], rows: rows)
    }

    private func drawBars(in frame: CartesianFrame, into writer: inout SVGWriter) {
        let band = frame.band(count: points.count)
        let barWidth = min(band * 0.8, 48)
        let zero = frame.y(0)
        var centres: [Double] = []
        writer.open("g", [("class", "bars")])
        for (index, point) in points.enumerated() {
            let centre = frame.left + (Double(index) + 0.5) * band
            centres.append(centre)
            let top = frame.y(format.units(point.value))
            writer.element("rect", [
                ("class", point.value < 0 ? "bar series-0 negative" : "bar series-0"),
                SVGWriter.number("x", centre - barWidth / 2), SVGWriter.number("y", min(top, zero)),
                SVGWriter.number("width", barWidth), SVGWriter.number("height", abs(zero - top)),
            ], tooltip: "\(point.label): \(format.exact(point.value))")
        }
        writer.close("g")
        frame.drawCategoryLabels(points.map(\.label), centres: centres, into: &writer)
    }
}
