/// A horizontal meter of credits used against credits included, with the percentage.
///
/// When `used > included` the part beyond the allowance is drawn as `gauge-over` with a hatch
/// (distinct without colour) and a `gauge-limit` tick marks the allowance. With nothing included
/// everything used counts as overage and no percentage is shown. Negative inputs count as zero.
public struct Gauge: Chart {
    /// Id prefix, title, description and empty message.
    public var text: ChartText
    /// How values are printed.
    public var format: ValueFormat
    /// Amount used, in the stored unit.
    public var used: Int64
    /// Amount included in the plan, in the stored unit.
    public var included: Int64
    /// The viewBox width.
    public var width: Double = 640
    /// The viewBox height.
    public var height: Double = 64

    /// A gauge of `used` of `included`.
    public init(text: ChartText, format: ValueFormat, used: some BinaryInteger, included: some BinaryInteger) {
        self.text = text
        self.format = format
        self.used = max(Int64(clamping: used), 0)
        self.included = max(Int64(clamping: included), 0)
    }

    /// True when nothing is used and nothing is included.
    public var isEmpty: Bool { used == 0 && included == 0 }

    /// Whole percent of the allowance used, rounded down (so 100 means the allowance is used up);
    /// nil when nothing is included.
    public var percent: Int64? {
        guard included > 0 else { return nil }
        let (scaled, overflow) = used.multipliedReportingOverflow(by: 100)
        if !overflow { return scaled / included }
        return Int64(min(Double(used) / Double(included) * 100, 9e18).rounded(.down))
    }

    /// Whether more than the allowance is used.
    public var isOver: Bool { used > included }

    /// The gauge as an `<svg>` element.
    public func svg() -> String {
        var canvas = ChartCanvas(text: text, kind: "gauge", width: width, height: height, description: summary)
        let prefix = text.safePrefix
        canvas.writer.open("defs")
        canvas.writer.open("pattern", [
            ("id", "\(prefix)-hatch"), ("width", "6"), ("height", "6"),
            ("patternUnits", "userSpaceOnUse"), ("patternTransform", "rotate(45)"),
        ])
        canvas.writer.element("line", [("class", "gauge-hatch"), ("x1", "0"), ("y1", "0"), ("x2", "0"), ("y2", "6")])
        canvas.writer.close("pattern")
        canvas.writer.close("defs")
        drawTexts(into: &canvas.writer)
        drawMeter(hatch: "url(#\(prefix)-hatch)", into: &canvas.writer)
        return canvas.finish()
    }

    /// Rows: used, included, and overage or remaining.
    public func table() -> ChartTable {
        var rows = [
            ChartTable.Row(header: "Used", cells: [format.exact(used)]),
            ChartTable.Row(header: "Included", cells: [format.exact(included)]),
        ]
        if isOver {
            rows.append(.init(header: "Overage", cells: [format.exact(used - included)]))
        } else {
            rows.append(.init(header: "Remaining", cells: [format.exact(included - used)]))
        }
        if let percent { rows.append(.init(header: "Percent used", cells: ["\(percent)%"])) }
        return ChartTable(caption: text.title, columns: ["", "Value"], rows: rows)
    }

    private var summary: String {
        if let description = text.description { return description }
        var summary = "\(format.exact(used)) used of \(format.exact(included)) included"
        if let percent { summary += " (\(percent)%)" }
        if isOver { summary += "; \(format.exact(used - included)) over the allowance" }
        return summary + "."
    }

    private func drawTexts(into writer: inout SVGWriter) {
        let left = included > 0
            ? "\(format.exact(used)) of \(format.exact(included))"
            : "\(format.exact(used)) used · none included"
        writer.text(left, [
            ("class", "gauge-label"), ("x", "2"), ("y", "18"),
        ])
        var right = percent.map { "\($0)%" } ?? ""
        if isOver { right += (right.isEmpty ? "" : " · ") + "\(format.compact(raw: used - included)) over" }
        writer.text(right, [
            ("class", isOver ? "gauge-percent over" : "gauge-percent"), SVGWriter.number("x", width - 2),
            ("y", "18"), ("text-anchor", "end"),
        ])
    }

    private func drawMeter(hatch: String, into writer: inout SVGWriter) {
        let left = 1.0, top = 28.0, span = width - 2, barHeight = 24.0
        let total = max(Double(used), Double(included), 1)
        let within = Double(min(used, included)) / total * span
        let limit = Double(included) / total * span
        func rect(_ cls: String, _ x: Double, _ w: Double, tooltip: String? = nil) {
            writer.element("rect", [
                ("class", cls), SVGWriter.number("x", left + x), SVGWriter.number("y", top),
                SVGWriter.number("width", w), SVGWriter.number("height", barHeight), ("rx", "3"),
            ], tooltip: tooltip)
        }
        rect("gauge-track", 0, span)
        rect("gauge-fill", 0, within, tooltip: "Used within the allowance: \(format.exact(min(used, included)))")
        guard isOver else { return }
        let overText = "Over the allowance: \(format.exact(used - included))"
        rect("gauge-over", limit, span - limit, tooltip: overText)
        writer.element("rect", [
            ("class", "gauge-hatch-fill"), ("fill", hatch), SVGWriter.number("x", left + limit),
            SVGWriter.number("y", top), SVGWriter.number("width", span - limit), SVGWriter.number("height", barHeight),
        ], tooltip: overText)
        guard included > 0 else { return }
        writer.element("line", [
            ("class", "gauge-limit"), SVGWriter.number("x1", left + limit), SVGWriter.number("y1", top - 4),
            SVGWriter.number("x2", left + limit), SVGWriter.number("y2", top + barHeight + 4),
        ])
    }
}
