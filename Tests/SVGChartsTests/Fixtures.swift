import Testing
@testable import SVGCharts

/// Deterministic chart inputs shared by the golden and structure tests.
enum Fixtures {
    /// "2026-11-01", "2026-11-02", … (a simple calendar of 30-day months, good enough for labels).
    static func days(_ count: Int, month: Int = 11) -> [String] {
        (0..<count).map { index in
            let months = month - 1 + index / 30
            let (y, m, d) = (2026 + months / 12, months % 12 + 1, index % 30 + 1)
            return "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)"
        }
    }

    /// A wavy, deterministic series of milli-credit values.
    static func usage(_ count: Int, base: Int64 = 40_000, seed: Int64 = 7) -> [Int64] {
        (0..<Int64(count)).map { index in base + ((index * 7_919 + seed * 104_729) % 37) * 1_250 + index * 500 }
    }

    static func points(_ labels: [String], _ values: [Int64]) -> [ChartPoint] {
        zip(labels, values).map { ChartPoint(label: $0, value: $1) }
    }

    static func text(_ id: String, _ title: String) -> ChartText {
        ChartText(idPrefix: id, title: title)
    }
}

/// Checks every chart must pass: well-formed XML, an `<svg>` root with viewBox, role and
/// aria-labelledby pointing at existing ids, no `style`, no non-finite numbers in attributes.
func expectWellFormed(_ svg: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let parsed = XMLCheck.parse(svg) else {
        Issue.record("Not well-formed XML:\n\(svg.prefix(2_000))", sourceLocation: sourceLocation)
        return
    }
    #expect(parsed.rootName == "svg", sourceLocation: sourceLocation)
    #expect(parsed.rootAttributes["viewBox"] != nil, sourceLocation: sourceLocation)
    #expect(parsed.rootAttributes["role"] == "img", sourceLocation: sourceLocation)
    #expect(parsed.rootAttributes["width"] == nil && parsed.rootAttributes["height"] == nil,
            sourceLocation: sourceLocation)
    let labelledBy = parsed.rootAttributes["aria-labelledby"]?.split(separator: " ").map(String.init) ?? []
    #expect(labelledBy.count == 2 && labelledBy.allSatisfy(parsed.ids.contains), sourceLocation: sourceLocation)
    #expect(Set(parsed.ids).count == parsed.ids.count, "duplicate ids", sourceLocation: sourceLocation)
    #expect(!parsed.attributeNames.contains("style"), sourceLocation: sourceLocation)
    #expect(!svg.contains("style="), sourceLocation: sourceLocation)
    let bad = parsed.attributeValues.filter { $0.lowercased().contains("nan") || $0.lowercased().contains("inf") }
    #expect(bad.isEmpty, "non-finite attribute values: \(bad.prefix(3))", sourceLocation: sourceLocation)
}
