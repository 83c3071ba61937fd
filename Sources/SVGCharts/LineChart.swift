/// Lines (optionally filled as areas) over shared categories: cost vs revenue, margins.
///
/// Values may be negative; the value axis then extends below zero and zero is drawn as a
/// stronger line. An optional dashed reference line marks a fixed value.
public struct LineChart: Chart {
    /// Id prefix, title, description and empty message.
    public var text: ChartText
    /// How values are printed.
    public var format: ValueFormat
    /// The category labels (e.g. days), in order.
    public var categories: [String]
    /// The lines, each with one value per category; series beyond eight reuse the palette.
    public var series: [ChartSeries]
    /// An optional dashed line, e.g. the previous period's daily average.
    public var reference: ReferenceLine?
    /// Whether to fill the area between each line and zero.
    public var filled: Bool
    /// The viewBox width.
    public var width: Double = 640
    /// The viewBox height.
    public var height: Double = 260

    /// A line chart of `series` over `categories`.
    public init(
        text: ChartText, format: ValueFormat, categories: [String], series: [ChartSeries],
        reference: ReferenceLine? = nil, filled: Bool = false
    ) {
        self.text = text
        self.format = format
        self.categories = categories
        self.series = series
        self.reference = reference
        self.filled = filled
    }

    /// True when there are no categories or no series.
    public var isEmpty: Bool { categories.isEmpty || series.isEmpty }

    /// The chart as an `<svg>` element.
    public func svg() -> String {
        guard !isEmpty else { return ChartCanvas.empty(text: text, kind: "line", width: width, height: height) }
        let description = text.description
            ?? Summary.series("Line chart", categories: categories, series: series, format: format)
            + Summary.reference(reference, format: format)
        var canvas = ChartCanvas(text: text, kind: "line", width: width, height: height, description: description)
        var entries = series.enumerated().map { Legend.Entry(name: $1.name, swatchClass: "series-\($0 % 8)") }
        if let reference { entries.append(reference.legendEntry(format: format)) }
        let legend = Legend(entries: entries, width: width)
        let values = series.flatMap { item in categories.indices.map { format.units(item.value(at: $0)) } }
            + (reference.map { [format.units($0.value)] } ?? [])
        let frame = CartesianFrame(
            width: width, height: height, minimum: values.min() ?? 0, maximum: values.max() ?? 0,
            format: format, legendHeight: legend.height
        )
        legend.draw(into: &canvas.writer)
        frame.drawValueAxis(into: &canvas.writer)
        let xs = xPositions(in: frame)
        let paths = series.map { item in
            xs.indices.map { (x: xs[$0], y: frame.y(format.units(item.value(at: $0)))) }
        }
        // Areas first, so no area tints another series' line.
        if filled {
            for (index, points) in paths.enumerated() { drawArea(points, index: index, frame: frame, into: &canvas.writer) }
        }
        for (index, item) in series.enumerated() {
            drawLine(item, points: paths[index], index: index, into: &canvas.writer)
        }
        reference?.draw(in: frame, format: format, into: &canvas.writer)
        frame.drawCategoryLabels(categories, centres: xs, into: &canvas.writer)
        return canvas.finish()
    }

    /// One row per category: each series' exact value.
    public func table() -> ChartTable {
        let rows = categories.indices.map { index in
            ChartTable.Row(header: categories[index], cells: series.map { format.exact($0.value(at: index)) })
        }
        return ChartTable(caption: text.title, columns: ["Label"] + series.map(\.name), rows: rows)
    }

    private func xPositions(in frame: CartesianFrame) -> [Double] {
        let count = categories.count
        guard count > 1 else { return [(frame.left + frame.right) / 2] }
        let inset = 6.0
        let step = (frame.right - frame.left - 2 * inset) / Double(count - 1)
        return (0..<count).map { frame.left + inset + Double($0) * step }
    }

    private func drawArea(_ points: [(x: Double, y: Double)], index: Int, frame: CartesianFrame,
                          into writer: inout SVGWriter) {
        guard let first = points.first, let last = points.last else { return }
        let zero = NumberText.coordinate(frame.y(0))
        let segments = points.map { "\(NumberText.coordinate($0.x)) \(NumberText.coordinate($0.y))" }
        let x0 = NumberText.coordinate(first.x), x1 = NumberText.coordinate(last.x)
        let area = "M\(x0) \(zero) L" + segments.joined(separator: " L") + " L\(x1) \(zero) Z"
        writer.element("path", [("class", "area series-\(index % 8)"), ("d", area)])
    }

    private func drawLine(_ item: ChartSeries, points: [(x: Double, y: Double)], index: Int,
                          into writer: inout SVGWriter) {
        let palette = "series-\(index % 8)"
        let segments = points.map { "\(NumberText.coordinate($0.x)) \(NumberText.coordinate($0.y))" }
        writer.open("g", [("class", "series \(palette)")])
        writer.element("path", [("class", "line \(palette)"), ("d", "M" + segments.joined(separator: " L"))])
        let radius = points.count <= 62 ? "3" : "1.5"
        for (offset, point) in points.enumerated() {
            writer.element("circle", [
                ("class", "point \(palette)"), SVGWriter.number("cx", point.x), SVGWriter.number("cy", point.y),
                ("r", radius),
            ], tooltip: "\(categories[offset]) · \(item.name): \(format.exact(item.value(at: offset)))")
        }
        writer.close("g")
    }
}
