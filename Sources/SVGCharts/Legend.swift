/// A legend laid out in rows across the top of a chart: a swatch and a (truncated) name per entry.
struct Legend {
    /// One entry: its name and the CSS class of its swatch (`series-0`, `reference`, …).
    struct Entry {
        var name: String
        var swatchClass: String
        var isLine = false
    }

    private var placed: [(entry: Entry, x: Double, row: Int)] = []
    /// Height taken by the legend, zero when it has no entries.
    let height: Double

    private static let rowHeight = 18.0
    private static let maxCharacters = 44

    /// Lays `entries` out in rows no wider than `width`.
    init(entries: [Entry], width: Double) {
        var x = 8.0
        var row = 0
        for entry in entries {
            let characters = min(entry.name.count, Self.maxCharacters)
            let entryWidth = (entry.isLine ? 22 : 18) + Label.width(characters) + 14
            if x + entryWidth > width - 8 && x > 8 {
                row += 1
                x = 8
            }
            placed.append((entry, x, row))
            x += entryWidth
        }
        height = entries.isEmpty ? 0 : Double(row + 1) * Self.rowHeight + 4
    }

    /// Draws the legend in a `<g class="legend">`.
    func draw(into writer: inout SVGWriter) {
        guard !placed.isEmpty else { return }
        writer.open("g", [("class", "legend")])
        for item in placed {
            let y = 6 + Double(item.row) * Self.rowHeight
            if item.entry.isLine {
                writer.element("line", [
                    ("class", item.entry.swatchClass), SVGWriter.number("x1", item.x),
                    SVGWriter.number("y1", y + 6), SVGWriter.number("x2", item.x + 16), SVGWriter.number("y2", y + 6),
                ])
            } else {
                writer.element("rect", [
                    ("class", item.entry.swatchClass), SVGWriter.number("x", item.x), SVGWriter.number("y", y + 1),
                    ("width", "10"), ("height", "10"), ("rx", "2"),
                ])
            }
            let label = Label.truncate(item.entry.name, to: Self.maxCharacters)
            writer.text(label.text, [
                ("class", "legend-label"), SVGWriter.number("x", item.x + (item.entry.isLine ? 20 : 16)), SVGWriter.number("y", y + 10),
            ], tooltip: label.truncated ? item.entry.name : nil)
        }
        writer.close("g")
    }
}
