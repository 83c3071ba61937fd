/// The `<svg>` element every chart is drawn in: viewBox, role, title, description, and the
/// "no data" state.
struct ChartCanvas {
    /// The writer children are drawn into.
    var writer = SVGWriter()
    /// The viewBox width.
    let width: Double
    /// The viewBox height.
    let height: Double

    /// Opens `<svg>` with its `<title>` and `<desc>`; `kind` becomes the class `chart-<kind>`.
    init(text: ChartText, kind: String, width: Double, height: Double, description: String) {
        self.width = width
        self.height = height
        let prefix = text.safePrefix
        writer.open("svg", [
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("viewBox", "0 0 \(NumberText.coordinate(width)) \(NumberText.coordinate(height))"),
            ("class", "chart chart-\(kind)"),
            ("role", "img"),
            ("aria-labelledby", "\(prefix)-title \(prefix)-desc"),
        ])
        writer.text(text.title, [("id", "\(prefix)-title")], tag: "title")
        writer.text(description, [("id", "\(prefix)-desc")], tag: "desc")
    }

    /// Closes `<svg>` and returns the markup.
    mutating func finish() -> String {
        writer.close("svg")
        return writer.markup + "\n"
    }

    /// A chart with no data: the frame, the message in the middle, and a `chart-empty` class.
    static func empty(text: ChartText, kind: String, width: Double, height: Double) -> String {
        var canvas = ChartCanvas(
            text: text, kind: "\(kind) chart-empty", width: width, height: height,
            description: text.description ?? text.emptyMessage
        )
        canvas.writer.element("rect", [
            ("class", "chart-empty-frame"), ("x", "0.5"), ("y", "0.5"),
            SVGWriter.number("width", width - 1), SVGWriter.number("height", height - 1), ("rx", "4"),
        ])
        canvas.writer.text(text.emptyMessage, [
            ("class", "chart-empty-message"), SVGWriter.number("x", width / 2),
            SVGWriter.number("y", height / 2), ("text-anchor", "middle"), ("dominant-baseline", "middle"),
        ])
        return canvas.finish()
    }
}
