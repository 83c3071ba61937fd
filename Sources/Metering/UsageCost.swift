import Foundation

/// What one event cost the operator, rounded once, when the event is stored.
///
/// - `providerCost`: what the model provider charges. From the price table it is
///   round-half-even(Σ over token kinds of count × price per 1M / 10⁶) nano-USD, computed
///   exactly in 128 bits, plus requests × the per-request fee and web searches × the per-query
///   fee (exact).
///   A provider-reported `cost_usd` replaces it (parsed with half-even rounding to the nano-USD).
/// - `overhead`: round-half-even(providerCost × overhead bp / 10,000) nano-USD.
/// - `total`: providerCost + overhead, exactly; the sum of stored totals is every page's total.
public struct UsageCost: Hashable, Sendable {
    /// Where the provider cost came from.
    public enum Source: Hashable, Sendable {
        /// Costed from this price version (stored with the event).
        case priceTable(ModelPriceID)
        /// The event carried the provider's exact `cost_usd`.
        case providerReported
        /// No price applied: stored at zero and flagged, never silently.
        case unpriced
    }

    /// Where the provider cost came from.
    public let source: Source
    /// What the model provider charges for the event.
    public let providerCost: Money
    /// The infra overhead on top of `providerCost`.
    public let overhead: Money
    /// `providerCost + overhead`.
    public let total: Money

    /// Whether the event must be flagged unpriced.
    public var isUnpriced: Bool { source == .unpriced }

    /// An unpriced event: zero cost, flagged.
    public static let unpriced = UsageCost(source: .unpriced, providerCost: .zero, overhead: .zero, total: .zero)

    private init(source: Source, providerCost: Money, overhead: Money, total: Money) {
        self.source = source
        self.providerCost = providerCost
        self.overhead = overhead
        self.total = total
    }

    /// Costs `usage` and `requests` model calls of `serviceTier` at `price`, plus `infraOverhead`:
    /// every token kind at the rates `price` gives for the service tier and the prompt's length
    /// (`ModelPrice.rates(serviceTier:promptTokens:)`), summed exactly and rounded once, then
    /// the per-request and per-query fees (exact nano-USD).
    public static func compute(
        usage: TokenUsage, requests: Int64 = 1, serviceTier: ServiceTier = .standard, price: ModelPrice,
        infraOverhead: BasisPoints = .zero
    ) throws(AmountError) -> UsageCost {
        guard requests >= 0 else { throw .negative("the request count (\(requests))") }
        let rates = price.rates(serviceTier: serviceTier, promptTokens: usage.promptTokens)
        var exact: Int128 = 0
        for kind in TokenKind.allCases {
            let count = usage[kind]
            guard count != 0 else { continue }
            exact = try FixedPoint.checkedSum(
                exact, FixedPoint.multiplyDivideHalfEven(Int128(count), rates[kind].perMillion.nanos, by: 1, "the cost of the event"),
                "the cost of the event")
        }
        let tokens = FixedPoint.divideHalfEven(exact, by: 1_000_000)
        var fees = try FixedPoint.multiplyDivideHalfEven(Int128(requests), price.perRequest.nanos, by: 1, "the cost of the event")
        if usage.webSearchQueries != 0 {
            fees = try FixedPoint.checkedSum(
                fees, FixedPoint.multiplyDivideHalfEven(Int128(usage.webSearchQueries), price.perQuery.nanos, by: 1, "the cost of the event"),
                "the cost of the event")
        }
        let provider = Money(nanos: try FixedPoint.checkedSum(tokens, fees, "the cost of the event"))
        return try withOverhead(provider, source: .priceTable(price.id), infraOverhead: infraOverhead)
    }

    /// The same as `compute(usage:requests:price:infraOverhead:)` from separate token counts;
    /// throws `UsageShapeError` for a negative count, `AmountError` as the other.
    public static func compute(
        input: Int64, cachedInput: Int64, output: Int64, requests: Int64 = 1,
        price: ModelPrice, infraOverhead: BasisPoints = .zero
    ) throws -> UsageCost {
        let usage = try TokenUsage(input: input, cachedInput: cachedInput, output: output)
        return try compute(usage: usage, requests: requests, price: price, infraOverhead: infraOverhead)
    }

    /// A provider-reported cost (the event's `cost_usd`), plus `infraOverhead`; negative refused.
    public static func providerReported(_ cost: Money, infraOverhead: BasisPoints = .zero) throws(AmountError) -> UsageCost {
        guard cost >= .zero else { throw .negative("cost_usd (\(cost))") }
        return try withOverhead(cost, source: .providerReported, infraOverhead: infraOverhead)
    }

    /// The whole costing rule of an event: `cost_usd` when present, else the price in effect at
    /// `occurredAt` for `model`, else unpriced (an event without a model is unpriced too).
    public static func of(
        model: String?, usage: TokenUsage, requests: Int64 = 1, serviceTier: ServiceTier = .standard, occurredAt: Date,
        providerReportedCost: Money?, prices: PriceTable, infraOverhead: BasisPoints = .zero
    ) throws(AmountError) -> UsageCost {
        if let reported = providerReportedCost { return try providerReported(reported, infraOverhead: infraOverhead) }
        guard let model, let price = prices.price(for: model, at: occurredAt) else { return .unpriced }
        return try compute(usage: usage, requests: requests, serviceTier: serviceTier, price: price, infraOverhead: infraOverhead)
    }

    private static func withOverhead(_ provider: Money, source: Source, infraOverhead: BasisPoints) throws(AmountError) -> UsageCost {
        let overhead = Money(nanos: try FixedPoint.multiplyDivideHalfEven(
            provider.nanos, Int128(infraOverhead.value), by: Int128(BasisPoints.perWhole), "the infra overhead"))
        let total = try provider.adding(overhead)
        return UsageCost(source: source, providerCost: provider, overhead: overhead, total: total)
    }
}
