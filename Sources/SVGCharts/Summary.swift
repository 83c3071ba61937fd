/// Generated `<desc>` texts, used when a chart has no description of its own.
enum Summary {
    /// "30 values from A to B; total X; highest B (Y)." for labelled points.
    static func points(_ kind: String, _ points: [ChartPoint], format: ValueFormat) -> String {
        guard let first = points.first, let last = points.last,
              let highest = points.max(by: { $0.value < $1.value }) else { return "\(kind) with no data." }
        let range = points.count == 1 ? "for \(first.label)" : "from \(first.label) to \(last.label)"
        let total = format.exact(ExactSum.total(points.map(\.value)))
        let count = points.count == 1 ? "1 value" : "\(points.count) values"
        return "\(kind), \(count) \(range); total \(total); highest \(highest.label) (\(format.exact(highest.value)))."
    }

    /// "3 series over 30 categories from A to B: S1 total X, S2 total Y."
    static func series(_ kind: String, categories: [String], series: [ChartSeries], format: ValueFormat) -> String {
        guard let first = categories.first, let last = categories.last else { return "\(kind) with no data." }
        let range = categories.count == 1 ? "for \(first)" : "from \(first) to \(last)"
        let totals = series.map { item in
            let values = categories.indices.map { item.value(at: $0) }
            return "\(item.name) total \(format.exact(ExactSum.total(values)))"
        }
        let count = categories.count == 1 ? "1 category" : "\(categories.count) categories"
        return "\(kind), \(count) \(range): \(totals.joined(separator: ", "))."
    }

    /// " Dashed line: label at value." or "".
    static func reference(_ reference: ReferenceLine?, format: ValueFormat) -> String {
        guard let reference else { return "" }
        return " Dashed line: \(reference.label) at \(format.exact(reference.value))."
    }
}

extension ReferenceLine {
    /// Draws the dashed line across the plot, with the exact value in its `<title>`.
    func draw(in frame: CartesianFrame, format: ValueFormat, into writer: inout SVGWriter) {
        let y = frame.y(format.units(value))
        writer.element("line", [
            ("class", "reference"), SVGWriter.number("x1", frame.left), SVGWriter.number("y1", y),
            SVGWriter.number("x2", frame.right), SVGWriter.number("y2", y),
        ], tooltip: "\(label): \(format.exact(value))")
    }

    /// The legend entry: a dashed swatch and "label (compact value)".
    func legendEntry(format: ValueFormat) -> Legend.Entry {
        Legend.Entry(name: "\(label) (\(format.compact(raw: value)))", swatchClass: "reference", isLine: true)
    }
}
