/// What one event contributes to a credit rule: its tokens, the value it delivered and its cost.
public struct CreditableEvent: Hashable, Sendable {
    /// The event's tokens (normalised).
    public let usage: TokenUsage
    /// The event's `output_units` (documents processed, images made…), 0 when not sent.
    public let outputUnits: Int64
    /// The event's stored total cost (provider cost + infra overhead).
    public let cost: Money

    /// An event as seen by the credit rules.
    public init(usage: TokenUsage = .zero, outputUnits: Int64 = 0, cost: Money = .zero) {
        self.usage = usage
        self.outputUnits = outputUnits
        self.cost = cost
    }
}

/// How a feature turns events into credits; a plan's entitlement may override the feature's rule.
/// Every rate is in credits (held as milli-credits), so every result is exact milli-credits.
public enum CreditRule: Hashable, Sendable, CustomStringConvertible {
    /// `rate` per event, whatever it did.
    case perEvent(Credits)
    /// `rate` × `output_units` (exact).
    case perOutputUnit(Credits)
    /// round-half-even(total tokens × rate / 1,000) milli-credits, where total tokens =
    /// input + cached input + output.
    case perThousandTokens(Credits)
    /// round-half-even(cost in nano-USD × rate / 10⁹) milli-credits, on the event's total cost
    /// (provider cost + infra overhead).
    case perDollarOfCost(Credits)

    /// The rule in effect for a feature on a plan: the entitlement's override when there is one.
    public static func effective(feature: CreditRule, override: CreditRule?) -> CreditRule {
        override ?? feature
    }

    /// The rate, whichever the kind.
    public var rate: Credits {
        switch self {
        case .perEvent(let rate), .perOutputUnit(let rate), .perThousandTokens(let rate), .perDollarOfCost(let rate): rate
        }
    }

    /// The stored name of the kind: `per_event`, `per_output_unit`, `per_1k_tokens`, `per_usd`.
    public var kind: String {
        switch self {
        case .perEvent: "per_event"
        case .perOutputUnit: "per_output_unit"
        case .perThousandTokens: "per_1k_tokens"
        case .perDollarOfCost: "per_usd"
        }
    }

    /// Builds a rule from its stored kind name and rate; nil for an unknown kind.
    public init?(kind: String, rate: Credits) {
        switch kind {
        case "per_event": self = .perEvent(rate)
        case "per_output_unit": self = .perOutputUnit(rate)
        case "per_1k_tokens": self = .perThousandTokens(rate)
        case "per_usd": self = .perDollarOfCost(rate)
        default: return nil
        }
    }

    /// `"per_1k_tokens 2.5"`.
    public var description: String { "\(kind) \(rate)" }

    /// The credits `event` uses under this rule, rounded once (half to even, to the milli-credit).
    /// Throws `negative` for a negative rate, output units or cost, `overflow` past 64 bits.
    public func credits(for event: CreditableEvent) throws(AmountError) -> Credits {
        guard rate >= .zero else { throw .negative("a credit rate (\(rate))") }
        let rate = rate.millis
        let millis: Int128
        switch self {
        case .perEvent:
            millis = rate
        case .perOutputUnit:
            guard event.outputUnits >= 0 else { throw .negative("output_units (\(event.outputUnits))") }
            millis = try FixedPoint.multiplyDivideHalfEven(Int128(event.outputUnits), rate, by: 1, "the credits of the event")
        case .perThousandTokens:
            millis = try FixedPoint.multiplyDivideHalfEven(Int128(event.usage.total), rate, by: 1_000, "the credits of the event")
        case .perDollarOfCost:
            guard event.cost >= .zero else { throw .negative("the event's cost (\(event.cost))") }
            millis = try FixedPoint.multiplyDivideHalfEven(
                event.cost.nanos, rate, by: Int128(Money.nanosPerDollar), "the credits of the event")
        }
        return Credits(millis: millis)
    }
}
