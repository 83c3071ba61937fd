import Foundation
import Metering

/// The demo operator's catalog: 3 plans, 8 features, current prices for common models and an
/// entitlement for every plan × feature. Written through `CatalogStore`, so it obeys the same
/// checks as `tally plan/feature/price …`.
enum DemoCatalog {
    /// A demo feature: its key, name, credit rule and the models its events use.
    struct Feature {
        let key: String
        let name: String
        let rule: CreditRule
        let models: [String]
        /// Typical input and output tokens of one call (0 for non-token features).
        let input: Int64
        let output: Int64
        /// Output units per call (documents, images…).
        let units: Int64
    }

    /// Plan codes, smallest first. `starter` blocks (10 % grace), the other two charge overage.
    static let plans = ["starter", "growth", "scale"]

    /// Features disabled on `starter`.
    static let disabledOnStarter: Set<String> = ["agent", "voice"]

    static let features: [Feature] = [
        Feature(key: "chat", name: "Chat", rule: .perThousandTokens(Credits(millis: 500)),
                models: ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4"], input: 1_200, output: 400, units: 0),
        Feature(key: "summarize", name: "Summarize", rule: .perEvent(Credits(millis: 1_000)),
                models: ["gpt-4o-mini", "claude-haiku"], input: 3_000, output: 250, units: 1),
        Feature(key: "translate", name: "Translate", rule: .perOutputUnit(Credits(millis: 200)),
                models: ["gpt-4o-mini"], input: 800, output: 800, units: 5),
        Feature(key: "search", name: "Semantic search", rule: .perEvent(Credits(millis: 100)),
                models: ["text-embedding-3-small"], input: 500, output: 0, units: 0),
        Feature(key: "extract", name: "Document extraction", rule: .perOutputUnit(Credits(millis: 1_500)),
                models: ["claude-sonnet-4", "gpt-4o"], input: 6_000, output: 900, units: 2),
        Feature(key: "agent", name: "Research agent", rule: .perDollarOfCost(Credits(millis: 100_000)),
                models: ["claude-sonnet-4", "gpt-4o-2024-11-20"], input: 12_000, output: 2_000, units: 0),
        Feature(key: "classify", name: "Classify", rule: .perEvent(Credits(millis: 250)),
                models: ["claude-haiku", "gpt-4o-mini"], input: 400, output: 20, units: 1),
        Feature(key: "voice", name: "Voice notes", rule: .perThousandTokens(Credits(millis: 2_000)),
                models: ["gpt-4o-mini-transcribe"], input: 2_500, output: 300, units: 1),
    ]

    /// (model, input, cached input, output) in USD per 1M tokens.
    static let prices: [(String, String, String, String)] = [
        ("gpt-4o", "2.5", "1.25", "10"),
        ("gpt-4o-mini", "0.15", "0.075", "0.6"),
        ("gpt-4o-*", "2.5", "1.25", "10"),
        ("claude-sonnet-4", "3", "0.3", "15"),
        ("claude-haiku", "0.8", "0.08", "4"),
        ("text-embedding-3-small", "0.02", "0.02", "0"),
    ]

    /// Writes the catalog with prices effective from `pricesFrom`.
    static func create(_ catalog: CatalogStore, pricesFrom: Date) async throws {
        try await catalog.createPlan(PlanDraft(
            code: "starter", name: "Starter", monthlyFee: Money(dollars: 29),
            includedCredits: .limited(Credits(credits: 1_000)), overage: .block(grace: BasisPoints(1_000))))
        try await catalog.createPlan(PlanDraft(
            code: "growth", name: "Growth", monthlyFee: Money(dollars: 199),
            includedCredits: .limited(Credits(credits: 20_000)), overage: .charge(pricePerCredit: Money(parsing: "0.01"))))
        try await catalog.createPlan(PlanDraft(
            code: "scale", name: "Scale", monthlyFee: Money(dollars: 999),
            includedCredits: .limited(Credits(credits: 150_000)), overage: .charge(pricePerCredit: Money(parsing: "0.008"))))
        for feature in features {
            try await catalog.createFeature(key: feature.key, name: feature.name, rule: feature.rule)
        }
        for plan in plans {
            for feature in features {
                let enabled = plan != "starter" || !disabledOnStarter.contains(feature.key)
                // Scale gets chat at half the credit rate: an override, credited by the same rule code.
                let override: CreditRule? = plan == "scale" && feature.key == "chat" ? .perThousandTokens(Credits(millis: 250)) : nil
                try await catalog.setEntitlement(
                    planCode: plan, featureKey: feature.key,
                    entitlement: Entitlement(enabled: enabled, creditRuleOverride: override))
            }
        }
        for (model, input, cached, output) in prices {
            try await catalog.addPrice(PriceDraft(
                model: model, input: PricePerMillionTokens(parsing: input),
                cachedInput: PricePerMillionTokens(parsing: cached), output: PricePerMillionTokens(parsing: output),
                effectiveFrom: pricesFrom))
        }
    }
}

/// A small deterministic generator (SplitMix64): the same seed gives the same demo.
struct DemoRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A double in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// An integer in `range`.
    mutating func int(_ range: ClosedRange<Int64>) -> Int64 {
        range.lowerBound + Int64(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    /// `typical` scaled by a factor in [0.4, 1.6).
    mutating func around(_ typical: Int64) -> Int64 {
        typical == 0 ? 0 : max(1, Int64(Double(typical) * (0.4 + 1.2 * unit())))
    }
}
