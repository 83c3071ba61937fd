import Foundation
import TallyTestSupport
import Testing
@testable import Metering

@Suite("Event costing")
struct UsageCostTests {
    @Test func costsTokensPerMillion() throws {
        let sonnet = try price(7, "claude-sonnet-4", input: "3", cached: "0.30", output: "15")
        let cost = try UsageCost.compute(input: 1_200, cachedInput: 800, output: 350, price: sonnet)
        #expect(cost.providerCost == Money(nanos: 3_600_000 + 240_000 + 5_250_000))
        #expect(cost.providerCost.formatted(fractionDigits: 5) == "$0.00909")
        #expect(cost.overhead == .zero)
        #expect(cost.total == cost.providerCost)
        #expect(cost.source == .priceTable(ModelPriceID(7)))
    }

    @Test("rounds half to even, once per event", arguments: [
        // (input, output, expected nano-USD) at 0.0000005 USD per 1M for both: 0.0005 nano per token
        (Int64(1_000), Int64(0), Int64(0)),   // 0.5 → 0
        (3_000, 0, 2),                         // 1.5 → 2
        (5_000, 0, 2),                         // 2.5 → 2
        (1_000, 1_000, 1),                     // 0.5 + 0.5 rounded together: 1, not 0 + 0
        (1_001, 0, 1),                         // 0.5005 → 1
        (999, 0, 0),                           // 0.4995 → 0
    ])
    func roundsOnce(input: Int64, output: Int64, nanos: Int64) throws {
        let tiny = try price(1, "m", input: "0.0000005", output: "0.0000005")
        #expect(try UsageCost.compute(input: input, cachedInput: 0, output: output, price: tiny).total == Money(nanos: nanos))
    }

    @Test func perRequestFeeIsExact() throws {
        let search = try price(3, "search", input: "0", output: "0", perRequest: "0.025")
        #expect(try UsageCost.compute(usage: .zero, requests: 4, price: search).total == Money(nanos: 100_000_000))
        #expect(throws: AmountError.self) { try UsageCost.compute(usage: .zero, requests: -1, price: search) }
    }

    @Test("infra overhead is rounded once from the provider cost", arguments: [
        (Int64(1_000_000_000), Int64(1_250), Int64(125_000_000)), (5, 1_000, 0), (15, 1_000, 2), (25, 1_000, 2), (7, 0, 0),
    ])
    func overhead(providerNanos: Int64, basisPoints: Int64, overheadNanos: Int64) throws {
        let cost = try UsageCost.providerReported(Money(nanos: providerNanos), infraOverhead: BasisPoints(basisPoints))
        #expect(cost.overhead == Money(nanos: overheadNanos))
        #expect(cost.total == Money(nanos: providerNanos + overheadNanos))
    }

    @Test func sumsOfStoredEventCostsAddUpToTheUnit() throws {
        let odd = try price(9, "odd", input: "1.234567891", cached: "0.123456789", output: "9.876543219", perRequest: "0.000000007")
        let overhead = try BasisPoints(1_337)
        var seed: UInt64 = 42
        var costs: [UsageCost] = []
        var exactProvider: Int128 = 0
        for _ in 0..<1_000 {
            let (input, cached, output) = (next(&seed) % 20_000, next(&seed) % 5_000, next(&seed) % 4_000)
            let cost = try UsageCost.compute(input: input, cachedInput: cached, output: output, price: odd, infraOverhead: overhead)
            let exact = Int128(input) * 1_234_567_891 + Int128(cached) * 123_456_789 + Int128(output) * 9_876_543_219 + 7_000_000
            #expect(abs(Int128(cost.providerCost.nanos) * 1_000_000 - exact) <= 500_000, "each event is within half a nano-USD")
            #expect(try cost.providerCost.adding(cost.overhead) == cost.total)
            costs.append(cost)
            exactProvider += exact
        }
        let total = try Money.sum(costs.map(\.total))
        #expect(try Money.sum(costs.map(\.providerCost)).adding(Money.sum(costs.map(\.overhead))) == total)
        // The page total is the sum of stored values; it may differ from one rounding of the exact sum by < 1 nano per event.
        #expect(abs(Int128(try Money.sum(costs.map(\.providerCost)).nanos) * 1_000_000 - exactProvider) <= 500_000 * 1_000)
    }

    @Test func chooseProviderReportedThenTableThenUnpriced() throws {
        let table = try PriceTable([price(1, "gpt-4o", input: "2.5", output: "10", from: "2026-01-01T00:00:00Z")])
        let usage = try TokenUsage(input: 1_000, cachedInput: 0, output: 100)
        let at = instant("2026-02-01T00:00:00Z")
        let reported = try UsageCost.of(model: "gpt-4o", usage: usage, occurredAt: at,
                                        providerReportedCost: Money(parsing: "0.0042"), prices: table)
        #expect(reported.source == .providerReported)
        #expect(reported.total == Money(nanos: 4_200_000))
        let priced = try UsageCost.of(model: "gpt-4o", usage: usage, occurredAt: at, providerReportedCost: nil, prices: table)
        #expect(priced.source == .priceTable(ModelPriceID(1)))
        #expect(priced.total == Money(nanos: 2_500_000 + 1_000_000))
        let early = try UsageCost.of(model: "gpt-4o", usage: usage, occurredAt: instant("2025-12-31T00:00:00Z"),
                                     providerReportedCost: nil, prices: table)
        #expect(early == .unpriced && early.isUnpriced && early.total == .zero)
        #expect(try UsageCost.of(model: nil, usage: usage, occurredAt: at, providerReportedCost: nil, prices: table).isUnpriced)
        #expect(throws: AmountError.self) { try UsageCost.providerReported(Money(nanos: -1)) }
    }

    @Test func providerReportedCostWithManyDecimalsRoundsHalfEven() throws {
        let cost = try Money(parsing: "0.00012345678950", excess: .roundHalfEven)
        #expect(cost == Money(nanos: 123_457))
    }

    private func next(_ state: inout UInt64) -> Int64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int64(state >> 33)
    }
}
