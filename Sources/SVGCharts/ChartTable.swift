/// The numbers of a chart as a table, for screen readers and for anyone who wants the exact values.
///
/// A template can render `rows` itself, or use `html()`, which gives a `<table>` with a
/// `<caption>`, column headers (`<th scope="col">`) and row headers (`<th scope="row">`).
public struct ChartTable: Sendable, Hashable {
    /// One row: its header (the category) and one formatted cell per remaining column.
    public struct Row: Sendable, Hashable {
        /// The row header, e.g. "2026-11-03".
        public var header: String
        /// The formatted values, e.g. "1,234.5 credits".
        public var cells: [String]

        /// A row with a header and its cells.
        public init(header: String, cells: [String]) {
            self.header = header
            self.cells = cells
        }
    }

    /// The caption: the chart's title.
    public var caption: String
    /// Column headings, the first one heading the row headers.
    public var columns: [String]
    /// The rows, in chart order.
    public var rows: [Row]

    /// A table with a caption, column headings and rows.
    public init(caption: String, columns: [String], rows: [Row]) {
        self.caption = caption
        self.columns = columns
        self.rows = rows
    }

    /// The table as escaped HTML; `className` goes on `<table>` (e.g. a visually-hidden class).
    ///
    /// An empty table keeps its caption and headings and says `emptyMessage` in a single cell.
    public func html(className: String = "chart-table", emptyMessage: String = "No data") -> String {
        let e = SVGWriter.escape
        var out = "<table class=\"\(e(className))\">\n<caption>\(e(caption))</caption>\n<thead><tr>"
        out += columns.map { "<th scope=\"col\">\(e($0))</th>" }.joined()
        out += "</tr></thead>\n<tbody>\n"
        if rows.isEmpty {
            out += "<tr><td colspan=\"\(max(columns.count, 1))\">\(e(emptyMessage))</td></tr>\n"
        }
        for row in rows {
            out += "<tr><th scope=\"row\">\(e(row.header))</th>"
            out += row.cells.map { "<td>\(e($0))</td>" }.joined()
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }
}

/// What every chart offers: its SVG, its table, and whether it has anything to show.
///
/// A chart is a plain value and its drawing a pure function of it: equal charts draw identical
/// markup (the golden files pin the output). That is why charts are `Hashable`: a caller may keep
/// a drawing and reuse it for an equal chart instead of drawing again.
public protocol Chart: Sendable, Hashable {
    /// Whether there is no data; the SVG then shows the empty message.
    var isEmpty: Bool { get }
    /// The chart as one `<svg>` element (no `style` attributes; classes from charts.css).
    func svg() -> String
    /// The same numbers as a table.
    func table() -> ChartTable
}

/// Saturating sums for totals of exact values.
enum ExactSum {
    /// The sum of `values`, clamped to the `Int64` range instead of overflowing.
    static func total(_ values: some Sequence<Int64>) -> Int64 {
        values.reduce(Int64(0)) { sum, value in
            let (result, overflow) = sum.addingReportingOverflow(value)
            return overflow ? (value > 0 ? .max : .min) : result
        }
    }
}
