import Templating

/// One figure in a `.stats` grid: a label, the value and an optional note under it.
struct StatView: KeyedTemplateValue, Sendable {
    let label: String
    let value: String
    var note: String? = nil
    /// `warning` or `critical` marks the value; nil for plain.
    var level: String? = nil

    static let templateKeys: TemplateKeys<Self> = [
        "label": { $0.label },
        "value": { $0.value },
        "note": { $0.note },
        "level": { $0.level },
    ]
}

/// A chart as the page shows it: the SVG, its numbers as a table, and whether it has data.
///
/// A chart may come in a second, narrow drawing for phones (`narrowSVG`): a wide viewBox scaled
/// down to 390 px makes its text unreadably small, and without JavaScript the page cannot redraw
/// it, so portal.css shows one or the other by width.
struct ChartView: KeyedTemplateValue, Sendable {
    /// The `<svg>`, already escaped: insert with `{{{svg}}}`.
    let svg: String
    /// The same chart drawn for narrow screens; nil when the wide one reads well everywhere.
    var narrowSVG: String? = nil
    /// The companion `<table>`, already escaped: insert with `{{{table}}}`.
    let table: String
    let hasData: Bool

    static let templateKeys: TemplateKeys<Self> = [
        "svg": { $0.svg },
        "narrowSVG": { $0.narrowSVG },
        "table": { $0.table },
        "hasData": { $0.hasData },
    ]
}

extension ChartView {
    /// The drawing as the page shows it; the table goes in a `<details>`, "Show the numbers".
    init(_ drawing: ChartDrawing) {
        self.init(svg: drawing.svg, narrowSVG: drawing.narrowSVG, table: drawing.table, hasData: drawing.hasData)
    }
}
