import Templating

/// One figure in a `.stats` grid: a label, the value and an optional note under it.
struct StatView: TemplateValue, Sendable {
    let label: String
    let value: String
    var note: String? = nil
    /// `warning` or `critical` marks the value; nil for plain.
    var level: String? = nil

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "label": label
        case "value": value
        case "note": note
        case "level": level
        default: nil
        }
    }
}

/// A chart as the page shows it: the SVG, its numbers as a table, and whether it has data.
struct ChartView: TemplateValue, Sendable {
    /// The `<svg>`, already escaped: insert with `{{{svg}}}`.
    let svg: String
    /// The companion `<table>`, already escaped: insert with `{{{table}}}`.
    let table: String
    let hasData: Bool

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "svg": svg
        case "table": table
        case "hasData": hasData
        default: nil
        }
    }
}

/// A link with a label (pagination, presets, actions).
struct LinkView: TemplateValue, Sendable {
    let label: String
    let href: String
    var current: Bool = false

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "label": label
        case "href": href
        case "current": current
        default: nil
        }
    }
}
