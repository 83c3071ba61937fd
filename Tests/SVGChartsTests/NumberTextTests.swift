import Testing
@testable import SVGCharts

/// `NumberText` prints digits by hand; these compare it with plain string arithmetic.
@Suite struct NumberTextTests {
    /// The straightforward formulation: round, split into whole and fraction, trim zeros.
    static func referenceTrimmed(_ value: Double, maxDecimals: Int) -> String {
        guard value.isFinite else { return "0" }
        let decimals = min(max(maxDecimals, 0), 10)
        var factor = 1.0
        for _ in 0..<decimals { factor *= 10 }
        let units = UInt64(min((value.magnitude * factor).rounded(), 9.0e18))
        if units == 0 { return "0" }
        let divisor = UInt64(factor)
        let whole = units / divisor
        let rest = String(units % divisor)
        var fraction = decimals > 0 ? String(repeating: "0", count: decimals - rest.count) + rest : ""
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let sign = value < 0 ? "-" : ""
        return fraction.isEmpty ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    static func referenceGrouped(_ value: UInt64) -> String {
        let plain = Array(String(value))
        var out = ""
        for (index, character) in plain.enumerated() {
            if index > 0 && (plain.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return out
    }

    @Test func knownValues() {
        #expect(NumberText.trimmed(12.5, maxDecimals: 2) == "12.5")
        #expect(NumberText.trimmed(12.0, maxDecimals: 2) == "12")
        #expect(NumberText.trimmed(-0.004, maxDecimals: 2) == "0")
        #expect(NumberText.trimmed(-0.005, maxDecimals: 2) == "-0.01")
        #expect(NumberText.trimmed(0.0000000005, maxDecimals: 10) == "0.0000000005")
        #expect(NumberText.trimmed(.nan, maxDecimals: 2) == "0")
        #expect(NumberText.trimmed(-.infinity, maxDecimals: 2) == "0")
        #expect(NumberText.trimmed(1e30, maxDecimals: 0) == "9000000000000000000")
        #expect(NumberText.grouped(0) == "0")
        #expect(NumberText.grouped(999) == "999")
        #expect(NumberText.grouped(1_000) == "1,000")
        #expect(NumberText.grouped(.max) == "18,446,744,073,709,551,615")
    }

    @Test func matchesTheReferenceOnRandomValues() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let magnitude = Double.random(in: -6...19, using: &generator)
            let value = (Bool.random(using: &generator) ? -1 : 1) * Double.random(in: 1..<10, using: &generator)
                * pow10(magnitude.rounded(.down))
            let decimals = Int.random(in: -1...11, using: &generator)
            #expect(NumberText.trimmed(value, maxDecimals: decimals) == Self.referenceTrimmed(value, maxDecimals: decimals),
                    "\(value) with \(decimals) decimals")
            let integer = UInt64.random(in: 0...UInt64.max, using: &generator) >> UInt64.random(in: 0...63, using: &generator)
            #expect(NumberText.grouped(integer) == Self.referenceGrouped(integer))
        }
    }

    private func pow10(_ exponent: Double) -> Double {
        var result = 1.0
        if exponent >= 0 { for _ in 0..<Int(exponent) { result *= 10 } } else { for _ in 0..<Int(-exponent) { result /= 10 } }
        return result
    }

    /// `ValueFormat.exact` as plain string work: whole part grouped, fraction zero-trimmed down
    /// to the format's minimum decimals.
    static func referenceExact(_ raw: Int64, scale: Int64, minimumDecimals: Int) -> String {
        let magnitude = raw.magnitude
        let whole = referenceGrouped(magnitude / UInt64(scale))
        let width = String(scale - 1).count - (scale == 1 ? 1 : 0)
        let rest = String(magnitude % UInt64(scale))
        var fraction = width > 0 ? String(repeating: "0", count: width - rest.count) + rest : ""
        while fraction.hasSuffix("0") && fraction.count > min(minimumDecimals, width) { fraction.removeLast() }
        return (raw < 0 ? "-" : "") + (fraction.isEmpty ? whole : "\(whole).\(fraction)")
    }

    @Test func exactMatchesTheReference() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let raw = Int64.random(in: Int64.min...Int64.max, using: &generator) >> Int64.random(in: 0...63, using: &generator)
            #expect(ValueFormat.count.exact(raw) == Self.referenceExact(raw, scale: 1, minimumDecimals: 0))
            #expect(ValueFormat.milliCredits.exact(raw).hasPrefix(Self.referenceExact(raw, scale: 1_000, minimumDecimals: 0) + " credit"))
            let usd = Self.referenceExact(raw, scale: 1_000_000_000, minimumDecimals: 2)
            #expect(ValueFormat.nanoUSD.exact(raw) == (usd.hasPrefix("-") ? "-$" + usd.dropFirst() : "$" + usd))
        }
    }

    @Test func escapingRules() {
        #expect(SVGWriter.escape(#"a & b < c > d "e" 'f'"#) == "a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39;")
        #expect(SVGWriter.escape("tab\tnew\nline\u{1}bell\u{7}") == "tab\tnew\nline bell ")
        #expect(SVGWriter.escape("Ünïcödé — 日本") == "Ünïcödé — 日本")
        #expect(SVGWriter.escape("") == "")
        var writer = SVGWriter()
        writer.text("<x&y>", [("title", "\"q\"")])
        #expect(writer.markup == #"<text title="&quot;q&quot;">&lt;x&amp;y&gt;</text>"#)
    }
}
