/// A small line without axes, for a table cell or a summary card.
///
/// The value range is the data's own minimum to maximum (the trend matters here, not the
/// distance from zero); a flat series sits in the middle. A dot marks the last value, its
/// `<title>` the exact value. With no values it draws a flat dashed baseline.
public struct Sparkline: Chart {
    /// Id prefix, title, description and empty message (the message goes into `<desc>`).
    public var text: ChartText
    /// How values are printed in the tooltip and table.
    public var format: ValueFormat
    /// The values, oldest first.
    public var points: [ChartPoint]
    /// The viewBox width.
    public var width: Double = 120
    /// The viewBox height.
    public var height: Double = 32

    /// A sparkline of `points` printed with `format`.
    public init(text: ChartText, format: ValueFormat, points: [ChartPoint]) {
        self.text = text
        self.format = format
        self.points = points
    }

    /// True when there are no points.
    public var isEmpty: Bool { points.isEmpty }

    /// The sparkline as an `<svg>` element.
    public func svg() -> String {
        let description = text.description
            ?? (isEmpty ? text.emptyMessage : Summary.points("Sparkline", points, format: format))
        let kind = isEmpty ? "sparkline chart-empty" : "sparkline"
        var canvas = ChartCanvas(text: text, kind: kind, width: width, height: height, description: description)
        guard let last = points.last else {
            canvas.writer.element("line", [
                ("class", "reference"), ("x1", "2"), SVGWriter.number("y1", height - 3),
                SVGWriter.number("x2", width - 2), SVGWriter.number("y2", height - 3),
            ])
            return canvas.finish()
        }
        let values = points.map { format.units($0.value) }
        let low = values.min() ?? 0
        let high = values.max() ?? 0
        let step = points.count > 1 ? (width - 8) / Double(points.count - 1) : 0
        let coordinates = values.enumerated().map { index, value in
            // A flat series sits in the middle rather than on an edge.
            let fraction = high > low ? (value - low) / (high - low) : 0.5
            return (x: points.count > 1 ? 4 + Double(index) * step : width / 2,
                    y: height - 3 - (fraction.isFinite ? fraction : 0.5) * (height - 6))
        }
        let d = "M" + coordinates.map { "\(NumberText.coordinate($0.x)) \(NumberText.coordinate($0.y))" }
            .joined(separator: " L")
        canvas.writer.element("path", [("class", "line series-0"), ("d", d)])
        let end = coordinates[coordinates.count - 1]
        canvas.writer.element("circle", [
            ("class", "point series-0"), SVGWriter.number("cx", end.x), SVGWriter.number("cy", end.y), ("r", "2"),
        ], tooltip: "\(last.label): \(format.exact(last.value))")
        return canvas.finish()
    }

    /// One row per point: label and exact value.
    public func table() -> ChartTable {
        let rows = points.map { ChartTable.Row(header: $0.label, cells: [format.exact($0.value)]) }
        return ChartTable(caption: text.title, columns: ["Label", "Value"], rows: rows)
    }
}
