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

/// A price for each `TokenKind`, per 1M tokens.
public struct TokenRates: Hashable, Sendable {
    /// Prices by `TokenKind.rawValue`.
    private let prices: [PricePerMillionTokens]

    /// Rates from a price per kind; a kind without one takes its default: cached input and
    /// cache writes and audio and image input → `input`; the 1-hour cache write → the 5-minute
    /// one; reasoning and audio output → `output`.
    public init(
        input: PricePerMillionTokens, cachedInput: PricePerMillionTokens? = nil, cacheWrite5m: PricePerMillionTokens? = nil,
        cacheWrite1h: PricePerMillionTokens? = nil, output: PricePerMillionTokens, reasoning: PricePerMillionTokens? = nil,
        audioInput: PricePerMillionTokens? = nil, audioOutput: PricePerMillionTokens? = nil, imageInput: PricePerMillionTokens? = nil
    ) {
        let write5m = cacheWrite5m ?? input
        prices = [
            input, cachedInput ?? input, write5m, cacheWrite1h ?? write5m, output, reasoning ?? output,
            audioInput ?? input, audioOutput ?? output, imageInput ?? input,
        ]
    }

    /// Rates by `TokenKind.rawValue`, one per kind.
    public init(byKind prices: [PricePerMillionTokens]) {
        precondition(prices.count == TokenKind.allCases.count, "one price per token kind")
        self.prices = prices
    }

    /// The price of one kind.
    public subscript(kind: TokenKind) -> PricePerMillionTokens { prices[kind.rawValue] }

    /// Every kind's price, by `TokenKind.rawValue`.
    public var byKind: [PricePerMillionTokens] { prices }
}

/// How fast (and at what price) a provider serves a call; chosen by the event's `service_tier`.
public enum ServiceTier: String, CaseIterable, Sendable, Hashable, Comparable {
    /// The default.
    case standard
    /// Batch APIs (usually half price).
    case batch
    /// OpenAI's flex processing.
    case flex
    /// Priority processing.
    case priority

    /// Reads an event's `service_tier`: the names above, `default` and `auto` as `standard`.
    public init?(eventValue text: String) {
        switch text {
        case "default", "auto", "standard": self = .standard
        default:
            guard let tier = ServiceTier(rawValue: text) else { return nil }
            self = tier
        }
    }

    /// Orders tiers as declared.
    public static func < (lhs: ServiceTier, rhs: ServiceTier) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Rates that replace a version's base rates for the calls of one service tier whose prompt is
/// above a number of tokens (0: every call of that tier).
public struct PriceTier: Hashable, Sendable {
    /// The service tier the rates apply to.
    public let serviceTier: ServiceTier
    /// The rates apply when the call's prompt (every input kind) is above this many tokens.
    public let aboveInputTokens: Int64
    /// The rates for every kind of the whole call.
    public let rates: TokenRates

    /// A tier.
    public init(serviceTier: ServiceTier, aboveInputTokens: Int64, rates: TokenRates) {
        self.serviceTier = serviceTier
        self.aboveInputTokens = aboveInputTokens
        self.rates = rates
    }
}

/// One version of a model's price: what 1M tokens of each kind cost, fees per request and per
/// web-search query, rates for long prompts and other service tiers, and the instant from which
/// this version applies.
public struct ModelPrice: Hashable, Sendable, Identifiable {
    /// The stored version's id.
    public let id: ModelPriceID
    /// The model id or pattern this version prices.
    public let model: ModelMatcher
    /// The standard rates (service tier `standard`, any prompt length without a tier).
    public let rates: TokenRates
    /// A fee per request on top of tokens (zero when the provider charges none).
    public let perRequest: Money
    /// A fee per web-search query.
    public let perQuery: Money
    /// Rates for long prompts and other service tiers, by service tier then threshold.
    public let tiers: [PriceTier]
    /// The first instant at which this version applies.
    public let effectiveFrom: Date

    /// Price of 1M uncached input tokens.
    public var input: PricePerMillionTokens { rates[.input] }
    /// Price of 1M input tokens read from the provider's prompt cache.
    public var cachedInput: PricePerMillionTokens { rates[.cachedInput] }
    /// Price of 1M output tokens.
    public var output: PricePerMillionTokens { rates[.output] }

    /// A price version with the three basic prices (every other kind at its default).
    public init(
        id: ModelPriceID, model: ModelMatcher,
        input: PricePerMillionTokens, cachedInput: PricePerMillionTokens, output: PricePerMillionTokens,
        perRequest: Money = .zero, effectiveFrom: Date
    ) throws(AmountError) {
        try self.init(
            id: id, model: model, rates: TokenRates(input: input, cachedInput: cachedInput, output: output),
            perRequest: perRequest, effectiveFrom: effectiveFrom)
    }

    /// A price version; throws `negative` for a negative fee or threshold.
    public init(
        id: ModelPriceID, model: ModelMatcher, rates: TokenRates, perRequest: Money = .zero, perQuery: Money = .zero,
        tiers: [PriceTier] = [], effectiveFrom: Date
    ) throws(AmountError) {
        guard perRequest >= .zero else { throw .negative("a per-request fee (\(perRequest) USD)") }
        guard perQuery >= .zero else { throw .negative("a per-query fee (\(perQuery) USD)") }
        if let tier = tiers.first(where: { $0.aboveInputTokens < 0 }) {
            throw .negative("a tier threshold (\(tier.aboveInputTokens) tokens)")
        }
        self.id = id
        self.model = model
        self.rates = rates
        self.perRequest = perRequest
        self.perQuery = perQuery
        self.tiers = tiers.sorted { ($0.serviceTier, $0.aboveInputTokens) < ($1.serviceTier, $1.aboveInputTokens) }
        self.effectiveFrom = effectiveFrom
    }

    /// The rates for a call of `serviceTier` whose prompt is `promptTokens` long: of the tiers of
    /// that service tier (or of `standard` when the version names none for it), the one with the
    /// highest threshold below the prompt; the base rates when none is (for `standard`, or for
    /// another service tier without a tier from 0 tokens, which then falls back to `standard`).
    public func rates(serviceTier: ServiceTier, promptTokens: Int64) -> TokenRates {
        let applies = { (tier: PriceTier) in tier.aboveInputTokens == 0 || tier.aboveInputTokens < promptTokens }
        if serviceTier != .standard, let tier = tiers.last(where: { $0.serviceTier == serviceTier && applies($0) }) {
            return tier.rates
        }
        return tiers.last { $0.serviceTier == .standard && applies($0) }?.rates ?? rates
    }
}

/// Everything a price version charges, without its model and date: the standard rates, the fees
/// and the tiers. What an admin enters, a list imports and a version stores.
public struct PriceSheet: Hashable, Sendable {
    /// The standard rates.
    public var rates: TokenRates
    /// A fee per request.
    public var perRequest: Money
    /// A fee per web-search query.
    public var perQuery: Money
    /// Rates for long prompts and other service tiers.
    public var tiers: [PriceTier]

    /// A sheet.
    public init(rates: TokenRates, perRequest: Money = .zero, perQuery: Money = .zero, tiers: [PriceTier] = []) {
        self.rates = rates
        self.perRequest = perRequest
        self.perQuery = perQuery
        self.tiers = tiers.sorted { ($0.serviceTier, $0.aboveInputTokens) < ($1.serviceTier, $1.aboveInputTokens) }
    }

    /// Price of 1M uncached input tokens.
    public var input: PricePerMillionTokens { rates[.input] }
    /// Price of 1M cached input tokens.
    public var cachedInput: PricePerMillionTokens { rates[.cachedInput] }
    /// Price of 1M output tokens.
    public var output: PricePerMillionTokens { rates[.output] }
}

extension ModelPrice {
    /// A version charging `sheet`.
    public init(id: ModelPriceID, model: ModelMatcher, sheet: PriceSheet, effectiveFrom: Date) throws(AmountError) {
        try self.init(
            id: id, model: model, rates: sheet.rates, perRequest: sheet.perRequest, perQuery: sheet.perQuery, tiers: sheet.tiers,
            effectiveFrom: effectiveFrom)
    }

    /// What this version charges.
    public var sheet: PriceSheet { PriceSheet(rates: rates, perRequest: perRequest, perQuery: perQuery, tiers: tiers) }
}

extension TokenKind {
    /// The key of this kind's price in forms, audit rows and price lists: `input_per_1m`,
    /// `cache_write_5m_per_1m`, ….
    public var priceKey: String {
        switch self {
        case .input: "input_per_1m"
        case .cachedInput: "cached_input_per_1m"
        case .cacheWrite5m: "cache_write_5m_per_1m"
        case .cacheWrite1h: "cache_write_1h_per_1m"
        case .output: "output_per_1m"
        case .reasoning: "reasoning_per_1m"
        case .audioInput: "audio_input_per_1m"
        case .audioOutput: "audio_output_per_1m"
        case .imageInput: "image_input_per_1m"
        }
    }
}
