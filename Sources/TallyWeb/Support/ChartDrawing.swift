import SVGCharts

/// A chart drawn for a page: its SVG, the narrow SVG for phones when it has one, and the table
/// of its numbers.
public struct ChartDrawing: Sendable, Hashable {
    /// The `<svg>` element.
    public let svg: String
    /// The narrow drawing's `<svg>`; nil for a chart drawn once for every width.
    public let narrowSVG: String?
    /// The `<table>` of the wide chart's numbers (``ChartTable/html(className:emptyMessage:)``).
    public let table: String
    /// Whether the chart has anything to show.
    public let hasData: Bool

    /// Draws `chart`, and `narrow` (the same numbers in a narrower viewBox) when given.
    public init<C: Chart>(_ chart: C, narrow: C? = nil) {
        svg = chart.svg()
        narrowSVG = narrow?.svg()
        table = chart.table().html()
        hasData = !chart.isEmpty
    }

    /// The UTF-8 size of the markup, which is what a kept drawing costs in memory.
    var byteCount: Int {
        svg.utf8.count + (narrowSVG?.utf8.count ?? 0) + table.utf8.count
    }
}
