/// Vertical bars split into series, one bar per category: daily usage by feature.
///
/// Negative values are drawn as zero (a stack has no meaningful negative part) but the table
/// and tooltips keep them exact. Series beyond eight reuse the palette (`series-<index % 8>`).
public struct StackedBarChart: Chart {
    /// Id prefix, title, description and empty message.
    public var text: ChartText
    /// How values are printed.
    public var format: ValueFormat
    /// The category labels (e.g. days), in order.
    public var categories: [String]
    /// The series stacked bottom to top, each with one value per category.
    public var series: [ChartSeries]
    /// The viewBox width.
    public var width: Double = 640
    /// The viewBox height.
    public var height: Double = 260

    /// A stacked bar chart of `series` over `categories`.
    public init(text: ChartText, format: ValueFormat, categories: [String], series: [ChartSeries]) {
        self.text = text
        self.format = format
        self.categories = categories
        self.series = series
    }

    /// True when there are no categories or no series.
    public var isEmpty: Bool { categories.isEmpty || series.isEmpty }

    /// The chart as an `<svg>` element.
    public func svg() -> String {
        guard !isEmpty else { return ChartCanvas.empty(text: text, kind: "stacked", width: width, height: height) }
        let description = text.description
            ?? Summary.series("Stacked bar chart", categories: categories, series: series, format: format)
        var canvas = ChartCanvas(text: text, kind: "stacked", width: width, height: height, description: description)
        let entries = series.enumerated().map { Legend.Entry(name: $1.name, swatchClass: "series-\($0 % 8)") }
        let legend = Legend(entries: entries, width: width)
        let totals = categories.indices.map { index in
            series.reduce(0.0) { $0 + max(format.units($1.value(at: index)), 0) }
        }
        let frame = CartesianFrame(
            width: width, height: height, minimum: 0, maximum: totals.max() ?? 0,
            format: format, legendHeight: legend.height
        )
        legend.draw(into: &canvas.writer)
        frame.drawValueAxis(into: &canvas.writer)
        drawStacks(in: frame, into: &canvas.writer)
        return canvas.finish()
    }

    /// One row per category: each series' exact value and the total.
    public func table() -> ChartTable {
        let rows = categories.indices.map { index in
            let values = series.map { $0.value(at: index) }
            let cells = values.map(format.exact) + [format.exact(ExactSum.total(values))]
            return ChartTable.Row(header: categories[index], cells: cells)
        }
        return ChartTable(caption: text.title, columns: ["Label"] + series.map(\.name) + ["Total"], rows: rows)
    }

    private func drawStacks(in frame: CartesianFrame, into writer: inout SVGWriter) {
        let band = frame.band(count: categories.count)
        let barWidth = min(band * 0.8, 48)
        let centres = categories.indices.map { frame.left + (Double($0) + 0.5) * band }
        writer.open("g", [("class", "bars")])
        for (index, category) in categories.enumerated() {
            var base = 0.0
            for (seriesIndex, item) in series.enumerated() {
                let raw = item.value(at: index)
                let value = max(format.units(raw), 0)
                guard value > 0 else { continue }
                let lower = frame.y(base)
                base += value
                let upper = frame.y(base)
                writer.element("rect", [
                    ("class", "bar series-\(seriesIndex % 8)"),
                    SVGWriter.number("x", centres[index] - barWidth / 2), SVGWriter.number("y", upper),
                    SVGWriter.number("width", barWidth), SVGWriter.number("height", lower - upper),
                ], tooltip: "\(category) · \(item.name): \(format.exact(raw))")
            }
        }
        writer.close("g")
        frame.drawCategoryLabels(categories, centres: centres, into: &writer)
    }
}
