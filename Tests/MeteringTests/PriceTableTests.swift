import Foundation
import TallyTestSupport
import Testing
@testable import Metering

@Suite("Model prices")
struct PriceTableTests {
    @Test("wildcard matching", arguments: [
        ("gpt-4o*", "gpt-4o", true), ("gpt-4o*", "gpt-4o-mini", true), ("gpt-4o*", "openai/gpt-4o", false),
        ("*sonnet*", "claude-3-5-sonnet-latest", true), ("claude-*-haiku", "claude-3-5-haiku", true),
        ("claude-*-haiku", "claude-3-5-haiku-2024", false), ("*", "anything", true), ("a*b*c", "abc", true),
        ("a*b*c", "aXbYbZc", true), ("a*b*c", "acb", false), ("GPT-4o*", "gpt-4o", false), ("gpt-4o", "gpt-4o", true),
    ])
    func matching(pattern: String, model: String, matches: Bool) {
        #expect(ModelMatcher(pattern).matches(model) == matches)
    }

    @Test func exactIdBeatsPattern() throws {
        let table = try PriceTable([
            price(1, "gpt-4o*", input: "2.5", output: "10"),
            price(2, "gpt-4o-mini", input: "0.15", output: "0.6"),
        ])
        let at = instant("2026-06-01T00:00:00Z")
        #expect(table.price(for: "gpt-4o-mini", at: at)?.id == ModelPriceID(2))
        #expect(table.price(for: "gpt-4o-2024-08-06", at: at)?.id == ModelPriceID(1))
        #expect(table.price(for: "o3", at: at) == nil)
    }

    @Test func exactIdBeatsANewerPattern() throws {
        let table = try PriceTable([
            price(1, "gpt-4o-mini", input: "0.15", output: "0.6", from: "2026-01-01T00:00:00Z"),
            price(2, "gpt-4o*", input: "2.5", output: "10", from: "2026-05-01T00:00:00Z"),
        ])
        #expect(table.price(for: "gpt-4o-mini", at: instant("2026-06-01T00:00:00Z"))?.id == ModelPriceID(1))
    }

    @Test func mostSpecificPatternWinsAndTiesAreDeterministic() throws {
        let table = try PriceTable([
            price(1, "*", input: "1", output: "1"),
            price(2, "claude-*", input: "3", output: "15"),
            price(3, "claude-*-haiku*", input: "0.8", output: "4"),
            price(4, "*-haiku*", input: "9", output: "9"),
            price(5, "x*yz", input: "1", output: "1"),   // 3 literals, 1 star
            price(6, "x*y*z", input: "1", output: "1"),  // 3 literals, 2 stars
            price(7, "ab*", input: "1", output: "1"),    // 2 literals: same as "*ab"
            price(8, "*ab", input: "1", output: "1"),
        ])
        let at = instant("2026-06-01T00:00:00Z")
        #expect(table.price(for: "claude-3-5-haiku", at: at)?.id == ModelPriceID(3))
        #expect(table.price(for: "claude-opus-4", at: at)?.id == ModelPriceID(2))
        #expect(table.price(for: "mistral", at: at)?.id == ModelPriceID(1))
        #expect(table.price(for: "xyz", at: at)?.id == ModelPriceID(5))
        #expect(table.price(for: "abab", at: at)?.id == ModelPriceID(8))  // "*ab" sorts before "ab*"
    }

    @Test func effectiveFromPicksTheVersionInEffect() throws {
        let table = try PriceTable([
            price(2, "gpt-4o", input: "5", output: "15", from: "2026-03-01T00:00:00Z"),
            price(1, "gpt-4o", input: "2.5", output: "10", from: "2026-01-01T00:00:00Z"),
            price(3, "gpt-4o", input: "2", output: "8", from: "2026-06-01T00:00:00Z"),
        ])
        let cases: [(String, Int64?)] = [
            ("2025-12-31T23:59:59Z", nil), ("2026-01-01T00:00:00Z", 1), ("2026-02-28T23:59:59Z", 1),
            ("2026-03-01T00:00:00Z", 2), ("2026-05-31T12:00:00Z", 2), ("2026-06-01T00:00:00Z", 3), ("2030-01-01T00:00:00Z", 3),
        ]
        for (at, id) in cases {
            #expect(table.price(for: "gpt-4o", at: instant(at))?.id.rawValue == id, "\(at)")
        }
    }

    @Test func aPatternCoversTheTimeBeforeAnExactIdExists() throws {
        let table = try PriceTable([
            price(1, "gpt-4o*", input: "2.5", output: "10", from: "2026-01-01T00:00:00Z"),
            price(2, "gpt-4o-mini", input: "0.15", output: "0.6", from: "2026-03-01T00:00:00Z"),
        ])
        #expect(table.price(for: "gpt-4o-mini", at: instant("2026-02-01T00:00:00Z"))?.id == ModelPriceID(1))
        #expect(table.price(for: "gpt-4o-mini", at: instant("2026-03-01T00:00:00Z"))?.id == ModelPriceID(2))
    }

    @Test func duplicateVersionsAreRefused() throws {
        let first = try price(1, "gpt-4o", input: "1", output: "1")
        let second = try price(2, "gpt-4o", input: "2", output: "2")
        #expect(throws: PriceTableError.duplicateVersion(model: "gpt-4o", effectiveFrom: first.effectiveFrom, ids: [ModelPriceID(1), ModelPriceID(2)])) {
            try PriceTable([second, first])
        }
        #expect(throws: PriceTableError.duplicateID(ModelPriceID(1))) {
            try PriceTable([first, price(1, "o3", input: "1", output: "1")])
        }
    }

    @Test func negativePricesAreRefused() {
        #expect(throws: AmountError.self) { try PricePerMillionTokens(parsing: "-1") }
        #expect(throws: AmountError.self) { try price(1, "m", input: "1", output: "1", perRequest: "-0.01") }
    }

    @Test func modelIdsFindTheirPriceUnderDocumentedAliasesOnly() throws {
        let table = try PriceTable([
            price(1, "gpt-4o", input: "2.5", output: "10"),
            price(2, "claude-sonnet-4-5", input: "3", output: "15"),
            price(3, "gpt-4o-2024-05-13", input: "5", output: "15"),
            price(4, "anthropic.claude-3-5-sonnet-20240620-v1:0", input: "3", output: "15"),
        ])
        let at = try instant("2026-06-01T00:00:00Z")
        #expect(table.price(for: "GPT-4o", at: at)?.id == ModelPriceID(1))
        #expect(table.price(for: "openai/gpt-4o", at: at)?.id == ModelPriceID(1))
        #expect(table.price(for: "claude-sonnet-4-5-20250929", at: at)?.id == ModelPriceID(2))
        #expect(table.price(for: "anthropic/claude-sonnet-4-5-20250929", at: at)?.id == ModelPriceID(2))
        #expect(table.price(for: "claude-sonnet-4-5@20250929", at: at)?.id == ModelPriceID(2))
        #expect(table.price(for: "gpt-4o-2024-08-06", at: at)?.id == ModelPriceID(1))
        // A snapshot with a price of its own keeps it: an alias only fills a gap.
        #expect(table.price(for: "gpt-4o-2024-05-13", at: at)?.id == ModelPriceID(3))
        #expect(table.price(for: "bedrock/us-east-1/anthropic.claude-3-5-sonnet-20240620-v1:0", at: at)?.id == ModelPriceID(4))
        // Not an alias: other models, other suffixes.
        #expect(table.price(for: "gpt-4o-mini", at: at) == nil)
        #expect(table.price(for: "claude-sonnet-4-5-99999999", at: at) == nil)
        #expect(table.price(for: "gpt-4", at: at) == nil)
    }

    @Test func longPromptsAndServiceTiersChooseTheirRates() throws {
        let p = { (text: String) in try PricePerMillionTokens(parsing: text) }
        let base = TokenRates(input: try p("1.25"), cachedInput: try p("0.125"), output: try p("10"))
        let long = TokenRates(input: try p("2.5"), cachedInput: try p("0.25"), output: try p("15"))
        let batch = TokenRates(input: try p("0.625"), output: try p("5"))
        let version = try ModelPrice(
            id: ModelPriceID(1), model: .exact("gemini-2.5-pro"), rates: base,
            tiers: [
                PriceTier(serviceTier: .standard, aboveInputTokens: 200_000, rates: long),
                PriceTier(serviceTier: .batch, aboveInputTokens: 0, rates: batch),
            ],
            effectiveFrom: try instant("2026-01-01T00:00:00Z"))
        // 300,000 in / 3,500 out: the whole call at the long-prompt rates (issue 19: $0.8025).
        let above = try UsageCost.compute(usage: TokenUsage(input: 300_000, output: 3_500), price: version)
        #expect(above.total == (try Money(parsing: "0.8025")))
        // 250,000 of which 100,000 cached: the tier applies to the cached tokens too ($0.415).
        let cached = try UsageCost.compute(usage: TokenUsage(input: 150_000, cachedInput: 100_000, output: 1_000), price: version)
        #expect(cached.total == (try Money(parsing: "0.415")))
        // Exactly 200,000 is not above 200,000.
        let at = try UsageCost.compute(usage: TokenUsage(input: 200_000, output: 1_000), price: version)
        #expect(at.total == (try Money(parsing: "0.26")))
        let batched = try UsageCost.compute(usage: TokenUsage(input: 100_000, output: 1_000), serviceTier: .batch, price: version)
        #expect(batched.total == (try Money(parsing: "0.0675")))
        // A service tier the version does not name is billed at the standard rates.
        let flex = try UsageCost.compute(usage: TokenUsage(input: 100_000, output: 1_000), serviceTier: .flex, price: version)
        #expect(flex.total == (try Money(parsing: "0.135")))
        // Reasoning is billed at the output price unless the version says otherwise.
        let reasoning = try UsageCost.compute(usage: TokenUsage(input: 0, output: 100, reasoning: 900), price: version)
        #expect(reasoning.total == (try Money(parsing: "0.01")))
    }
}
