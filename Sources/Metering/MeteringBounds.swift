/// The largest values Tally accepts, chosen together with the storage types so that no number
/// of valid events can overflow any total Tally keeps or computes. The arithmetic is in
/// docs/metering.md ("Bounds"); the API's OpenAPI document states the same numbers.
///
/// In short: one event's counts and amounts are bounded here and stored in 64-bit columns; every
/// sum (rollups, reports, ledgers) is a 128-bit `Money` or `Credits` in Swift and a
/// `numeric(38,0)` in PostgreSQL; Tally is built for at most `lifetimeEvents` events in one
/// database, and `lifetimeEvents` × each per-event bound stays below 10³⁸ with room to spare.
public enum MeteringBounds {
    /// The most of each token count one event may carry (input, cached input, output): a
    /// billion, a hundred times the largest context window of 2026. Report more as several events.
    public static let maxTokens: Int64 = 1_000_000_000
    /// The most `output_units` one event may carry.
    public static let maxOutputUnits: Int64 = 1_000_000_000
    /// The longest `duration_ms` one event may carry: about 11.6 days.
    public static let maxDurationMS: Int64 = 1_000_000_000
    /// The most one event may cost, provider cost and infra overhead together: one million USD.
    /// It bounds `cost_usd` and the cost the price table gives.
    public static let maxEventCost = Money(dollars: 1_000_000)
    /// The most credits one event may earn: a billion credits.
    public static let maxEventCredits = Credits(credits: 1_000_000_000)
    /// The most events one Tally database is built to hold over its life: 2⁵³ ≈ 9 × 10¹⁵,
    /// 285 years at a million events a second (the ingest does about 60,000 on two cores).
    public static let lifetimeEvents: Int64 = 1 << 53
    /// The highest overage price per credit a plan may set: 10,000 USD. With `lifetimeEvents`
    /// events at `maxEventCredits`, an overage charge still fits 128 bits.
    public static let maxOveragePricePerCredit = Money(dollars: 10_000)
    /// The highest grace a `block` plan may give: 10,000 % (1,000,000 basis points).
    public static let maxGraceBasisPoints: Int64 = 1_000_000
}

/// One event's cost or credits beyond `MeteringBounds`: the event is refused (422), never stored.
public enum EventBoundError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The event would cost this much, more than `MeteringBounds.maxEventCost`.
    case cost(Money)
    /// The event would earn this many credits, more than `MeteringBounds.maxEventCredits`.
    case credits(Credits)

    /// A sentence for an API client.
    public var description: String {
        switch self {
        case .cost(let cost):
            "costs \(cost.formatted()) at the price in effect, more than the \(MeteringBounds.maxEventCost.formatted(fractionDigits: 0)) one event may cost; send it as several events"
        case .credits(let credits):
            "earns \(credits.formatted) credits, more than the \(MeteringBounds.maxEventCredits.formatted) one event may earn; send it as several events"
        }
    }
}

extension MeteringBounds {
    /// One event's total cost and credits as the 64-bit nano-USD and milli-credits its row
    /// stores; throws `EventBoundError` past the bounds.
    public static func storable(cost: Money, credits: Credits) throws(EventBoundError) -> (costNanos: Int64, creditMillis: Int64) {
        guard cost <= maxEventCost, let nanos = Int64(exactly: cost.nanos) else { throw .cost(cost) }
        guard credits <= maxEventCredits, let millis = Int64(exactly: credits.millis) else { throw .credits(credits) }
        return (nanos, millis)
    }
}
