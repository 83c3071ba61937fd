import Foundation

/// The identity of one stored price version; each costed event keeps it, so a later price change
/// never silently rewrites history.
public struct ModelPriceID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The database id of the `model_prices` row.
    public let rawValue: Int64

    /// Wraps a database id.
    public init(_ rawValue: Int64) {
        self.rawValue = rawValue
    }

    /// The id as digits.
    public var description: String { String(rawValue) }

    /// Orders ids numerically.
    public static func < (lhs: ModelPriceID, rhs: ModelPriceID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A price in USD per one million tokens, held exactly as nano-USD per million tokens
/// (so the smallest step is 10⁻¹⁵ USD per token).
public struct PricePerMillionTokens: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Free.
    public static let zero = PricePerMillionTokens(uncheckedPerMillion: .zero)

    /// What one million tokens cost.
    public let perMillion: Money

    /// A price of `perMillion` USD per 1M tokens; throws `negative` below zero.
    public init(perMillion: Money) throws(AmountError) {
        guard perMillion >= .zero else { throw .negative("a token price (\(perMillion) USD per 1M)") }
        self.perMillion = perMillion
    }

    /// Parses dollars per 1M tokens, e.g. `"2.50"`; the `Money(parsing:)` grammar, at most 9 decimals.
    public init(parsing text: String) throws(AmountError) {
        try self.init(perMillion: Money(parsing: text))
    }

    private init(uncheckedPerMillion: Money) {
        perMillion = uncheckedPerMillion
    }

    /// `"2.5"` (dollars per 1M tokens, exact).
    public var description: String { perMillion.decimalString }

    /// Orders prices by value.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.perMillion < rhs.perMillion }
}

/// One version of a model's price: what 1M input, cached-input and output tokens cost, an
/// optional fee per request, and the instant from which this version applies.
public struct ModelPrice: Hashable, Sendable, Identifiable {
    /// The stored version's id.
    public let id: ModelPriceID
    /// The model id or pattern this version prices.
    public let model: ModelMatcher
    /// Price of 1M uncached input tokens.
    public let input: PricePerMillionTokens
    /// Price of 1M input tokens read from the provider's prompt cache.
    public let cachedInput: PricePerMillionTokens
    /// Price of 1M output tokens (reasoning tokens included).
    public let output: PricePerMillionTokens
    /// A fee per request on top of tokens (zero when the provider charges none).
    public let perRequest: Money
    /// The first instant at which this version applies.
    public let effectiveFrom: Date

    /// A price version; throws `negative` for a negative per-request fee.
    public init(
        id: ModelPriceID, model: ModelMatcher,
        input: PricePerMillionTokens, cachedInput: PricePerMillionTokens, output: PricePerMillionTokens,
        perRequest: Money = .zero, effectiveFrom: Date
    ) throws(AmountError) {
        guard perRequest >= .zero else { throw .negative("a per-request fee (\(perRequest) USD)") }
        self.id = id
        self.model = model
        self.input = input
        self.cachedInput = cachedInput
        self.output = output
        self.perRequest = perRequest
        self.effectiveFrom = effectiveFrom
    }
}
