import Foundation

/// Why a set of price versions cannot form a `PriceTable`.
public enum PriceTableError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Two versions for the same model id or pattern start at the same instant, so neither
    /// can be chosen over the other.
    case duplicateVersion(model: String, effectiveFrom: Date, ids: [ModelPriceID])
    /// Two versions share one id.
    case duplicateID(ModelPriceID)

    /// A sentence for an admin.
    public var description: String {
        switch self {
        case .duplicateVersion(let model, let effectiveFrom, let ids):
            "prices \(ids.map(\.description).joined(separator: " and ")) for '\(model)' both take effect at \(effectiveFrom.formatted(.iso8601))"
        case .duplicateID(let id): "two prices share the id \(id)"
        }
    }
}

/// All price versions, answering "what did this model cost at that instant?".
///
/// Selection: for every model id or pattern, the version in effect at the instant is the one
/// with the latest `effectiveFrom` ≤ the instant. Among those that match the model, an exact id
/// beats any pattern; among patterns, the one with the most literal (non-`*`) characters wins,
/// then the one with fewer `*`, then the pattern text that sorts first (Unicode scalar order),
/// so the answer never depends on load order.
public struct PriceTable: Sendable {
    /// Versions grouped by matcher, each group sorted by `effectiveFrom` ascending.
    private let versions: [ModelMatcher: [ModelPrice]]
    /// The pattern matchers, most specific first.
    private let patterns: [ModelMatcher]

    /// Builds the table; throws when two versions of one matcher share `effectiveFrom`, or two
    /// versions share an id.
    public init(_ prices: [ModelPrice]) throws(PriceTableError) {
        var seen = Set<ModelPriceID>()
        for price in prices where !seen.insert(price.id).inserted { throw .duplicateID(price.id) }
        var grouped = Dictionary(grouping: prices, by: \.model)
        for (matcher, group) in grouped {
            let sorted = group.sorted { ($0.effectiveFrom, $0.id) < ($1.effectiveFrom, $1.id) }
            for (earlier, later) in zip(sorted, sorted.dropFirst()) where earlier.effectiveFrom == later.effectiveFrom {
                throw .duplicateVersion(model: matcher.description, effectiveFrom: later.effectiveFrom, ids: [earlier.id, later.id])
            }
            grouped[matcher] = sorted
        }
        versions = grouped
        patterns = grouped.keys.filter { if case .pattern = $0 { true } else { false } }.sorted(by: Self.moreSpecific)
    }

    /// The price version that costs `model` at `instant`, or nil when none applies (the caller
    /// stores cost 0 and flags the event unpriced). The id as sent first; only when nothing
    /// prices it, its aliases (`ModelAlias`: case, provider prefixes, dated snapshots).
    public func price(for model: String, at instant: Date) -> ModelPrice? {
        if let price = ownPrice(for: model, at: instant) { return price }
        for alias in ModelAlias.aliases(of: model) {
            if let price = ownPrice(for: alias, at: instant) { return price }
        }
        return nil
    }

    /// The version for exactly this id: its exact matcher, else the most specific pattern.
    private func ownPrice(for model: String, at instant: Date) -> ModelPrice? {
        if let exact = version(of: .exact(model), at: instant) { return exact }
        for pattern in patterns where pattern.matches(model) {
            if let price = version(of: pattern, at: instant) { return price }
        }
        return nil
    }

    /// The latest version of `matcher` with `effectiveFrom` ≤ `instant`.
    private func version(of matcher: ModelMatcher, at instant: Date) -> ModelPrice? {
        versions[matcher]?.last { $0.effectiveFrom <= instant }
    }

    /// The tie rule among patterns: more literal characters, then fewer `*`, then text order.
    private static func moreSpecific(_ lhs: ModelMatcher, _ rhs: ModelMatcher) -> Bool {
        if lhs.literalLength != rhs.literalLength { return lhs.literalLength > rhs.literalLength }
        if lhs.wildcardCount != rhs.wildcardCount { return lhs.wildcardCount < rhs.wildcardCount }
        return Array(lhs.description.unicodeScalars.map(\.value)).lexicographicallyPrecedes(rhs.description.unicodeScalars.map(\.value))
    }
}
