import Testing
@testable import Metering

@Suite("Credit rules")
struct CreditRuleTests {
    let event: CreditableEvent

    init() throws {
        event = CreditableEvent(
            usage: try TokenUsage(input: 1_200, cachedInput: 800, output: 500),  // 2,500 tokens
            outputUnits: 3, cost: Money(nanos: 12_345_678)  // $0.012345678
        )
    }

    @Test("each rule, exactly", arguments: [
        (CreditRule.perEvent(Credits(millis: 1_500)), Int64(1_500)),
        (.perOutputUnit(Credits(millis: 2_000)), 6_000),
        (.perThousandTokens(Credits(millis: 1_000)), 2_500),           // 2.5 credits
        (.perThousandTokens(Credits(millis: 1)), 2),                   // 2.5 milli → 2 (half to even)
        (.perThousandTokens(Credits(millis: 3)), 8),                   // 7.5 milli → 8
        (.perDollarOfCost(Credits(millis: 100_000)), 1_235),           // 100 credits per USD: 1.2345678 → 1.235
        (.perDollarOfCost(Credits(millis: 1_000_000)), 12_346),        // 1,000 per USD: 12.345678 → 12.346
    ])
    func rule(_ rule: CreditRule, millis: Int64) throws {
        #expect(try rule.credits(for: event) == Credits(millis: millis))
    }

    @Test func halfEvenOnExactHalves() throws {
        let half = CreditableEvent(cost: Money(nanos: 500_000))   // $0.0005 at 1 credit/USD = 0.5 milli
        #expect(try CreditRule.perDollarOfCost(Credits(millis: 1_000)).credits(for: half) == .zero)
        let threeHalves = CreditableEvent(cost: Money(nanos: 1_500_000))
        #expect(try CreditRule.perDollarOfCost(Credits(millis: 1_000)).credits(for: threeHalves) == Credits(millis: 2))
    }

    @Test func overrideReplacesTheFeatureRule() {
        let feature = CreditRule.perEvent(Credits(millis: 1_000))
        let plan = CreditRule.perThousandTokens(Credits(millis: 500))
        #expect(CreditRule.effective(feature: feature, override: plan) == plan)
        #expect(CreditRule.effective(feature: feature, override: nil) == feature)
    }

    @Test func storedKindsRoundTrip() {
        let rate = Credits(millis: 250)
        for rule in [CreditRule.perEvent(rate), .perOutputUnit(rate), .perThousandTokens(rate), .perDollarOfCost(rate)] {
            #expect(CreditRule(kind: rule.kind, rate: rule.rate) == rule)
        }
        #expect(CreditRule(kind: "per_minute", rate: rate) == nil)
        #expect(CreditRule.perThousandTokens(Credits(millis: 2_500)).description == "per_1k_tokens 2.5")
    }

    @Test func refusesNegativesAndOverflow() {
        #expect(throws: AmountError.self) { try CreditRule.perEvent(Credits(millis: -1)).credits(for: event) }
        #expect(throws: AmountError.self) { try CreditRule.perOutputUnit(Credits(millis: 1)).credits(for: CreditableEvent(outputUnits: -1)) }
        #expect(throws: AmountError.self) { try CreditRule.perDollarOfCost(Credits(millis: 1)).credits(for: CreditableEvent(cost: Money(nanos: -1))) }
        #expect(throws: AmountError.overflow("the credits of the event")) {
            try CreditRule.perOutputUnit(Credits(millis: Int128.max)).credits(for: CreditableEvent(outputUnits: 2))
        }
    }
}
