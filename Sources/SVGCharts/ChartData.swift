/// One labelled value: a day's usage, a feature's total.
///
/// Charts draw 64-bit values: a wider one (Tally's sums are 128-bit) is drawn at the nearest
/// 64-bit value, about 9.2 billion USD or 9.2 quadrillion credits, where no real chart goes.
public struct ChartPoint: Sendable, Hashable {
    /// The category label, e.g. "2026-11-03" or "Chat completions".
    public var label: String
    /// The exact value in the chart's stored unit (milli-credits, nano-USD, count).
    public var value: Int64

    /// A point with a label and an exact value.
    public init(label: String, value: some BinaryInteger) {
        self.label = label
        self.value = Int64(clamping: value)
    }
}

/// A named series of values, one per category of a stacked or line chart.
public struct ChartSeries: Sendable, Hashable {
    /// The series name shown in the legend and tooltips, e.g. "Revenue".
    public var name: String
    /// One value per category; missing trailing values count as zero, extra ones are ignored.
    public var values: [Int64]

    /// A series with a name and its values (clamped to 64 bits, as `ChartPoint`).
    public init<Value: BinaryInteger>(name: String, values: [Value]) {
        self.name = name
        self.values = values.map { Int64(clamping: $0) }
    }

    /// The value at `index`, or zero past the end.
    func value(at index: Int) -> Int64 {
        index < values.count ? values[index] : 0
    }
}

/// A horizontal dashed line at a fixed value, e.g. the previous period's daily average.
public struct ReferenceLine: Sendable, Hashable {
    /// What the line means, e.g. "Previous period's daily average".
    public var label: String
    /// The exact value in the chart's stored unit.
    public var value: Int64

    /// A reference line with a label and a value (clamped to 64 bits, as `ChartPoint`).
    public init(label: String, value: some BinaryInteger) {
        self.label = label
        self.value = Int64(clamping: value)
    }
}

/// The texts every chart carries: the id prefix, the title and an optional description.
public struct ChartText: Sendable, Hashable {
    /// Prefix of the ids inside the SVG (`<prefix>-title`, `<prefix>-desc`); unique per page.
    /// Characters other than ASCII letters, digits, `-` and `_` are replaced by `-`.
    public var idPrefix: String
    /// The chart's title (`<title>` of the SVG, caption of the table).
    public var title: String
    /// The `<desc>` text; when nil the chart writes a summary of its data.
    public var description: String?
    /// The text shown when there is no data.
    public var emptyMessage: String

    /// The texts of a chart.
    public init(idPrefix: String, title: String, description: String? = nil, emptyMessage: String = "No usage yet") {
        self.idPrefix = idPrefix
        self.title = title
        self.description = description
        self.emptyMessage = emptyMessage
    }

    /// The id prefix reduced to characters safe in an XML id; never empty, never starting with a digit.
    var safePrefix: String {
        func allowed(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"): true
            default: false
            }
        }
        // The common case, an already clean prefix, costs one scan and no copy.
        let cleaned = idPrefix.utf8.allSatisfy(allowed)
            ? idPrefix
            : String(idPrefix.map { $0.isASCII && $0.asciiValue.map(allowed) == true ? $0 : "-" })
        guard let first = cleaned.utf8.first else { return "chart" }
        let isLetter = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first | 0x20)
        return isLetter || first == UInt8(ascii: "_") ? cleaned : "c-" + cleaned
    }
}

/// Label helpers shared by the charts.
enum Label {
    /// `text` cut to `limit` characters with an ellipsis, and whether it was cut.
    static func truncate(_ text: String, to limit: Int) -> (text: String, truncated: Bool) {
        guard text.count > limit, limit > 1 else { return (text, false) }
        return (String(text.prefix(limit - 1)) + "…", true)
    }

    /// Approximate width of `characters` characters of 11-unit system-ui text.
    static func width(_ characters: Int) -> Double {
        Double(characters) * 6.4
    }
}
