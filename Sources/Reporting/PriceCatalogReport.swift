import Foundation
import Metering
import MeteringStore
import Postgres
import TallyDatabase

/// The prices page: per model id or pattern the version in effect now, the versions scheduled
/// and the history; which exact ids take precedence over each pattern; and which version would
/// price a given model id now.
public struct PriceCatalogReport: Sendable {
    /// One model id or pattern with its versions.
    public struct Matcher: Sendable {
        /// The exact id or pattern text.
        public let model: String
        /// Whether it is a pattern (`*`).
        public let isPattern: Bool
        /// The version in effect now; nil when its first version is still in the future.
        public let current: PriceVersion?
        /// Versions that start after now, soonest first.
        public let scheduled: [PriceVersion]
        /// Versions before the current one, newest first.
        public let past: [PriceVersion]
        /// For a pattern: the exact ids priced now that it also matches; they win over it.
        public let overriddenBy: [String]
    }

    /// Every model id and pattern, exact ids first, then by text.
    public let matchers: [Matcher]
    /// The version that prices `checkedModel` now, when one was asked for.
    public let checkedModel: String?
    public let checkedPrice: PriceVersion?

    /// Builds the report as of `now`; `check` names a model id to look up.
    public static func load(now: Date, check: String?, pool: PostgresPool) async throws -> PriceCatalogReport {
        let versions = try await PriceStore(pool: pool).versions()
        let groups = Dictionary(grouping: versions, by: \.model)
        let exactNow = groups.keys.filter { !$0.contains("*") && groups[$0]!.contains { $0.effectiveFrom <= now } }
        let matchers = groups.map { model, versions -> Matcher in
            let sorted = versions.sorted { $0.effectiveFrom < $1.effectiveFrom }
            let started = sorted.filter { $0.effectiveFrom <= now }
            let matcher = ModelMatcher(model)
            let isPattern = if case .pattern = matcher { true } else { false }
            return Matcher(
                model: model, isPattern: isPattern, current: started.last,
                scheduled: sorted.filter { $0.effectiveFrom > now }, past: Array(started.dropLast().reversed()),
                overriddenBy: isPattern ? exactNow.filter { matcher.matches($0) }.sorted() : [])
        }.sorted { ($0.isPattern ? 1 : 0, $0.model) < ($1.isPattern ? 1 : 0, $1.model) }
        var checked: PriceVersion?
        if let check, !check.isEmpty {
            let table = try PriceTable(try versions.map {
                try ModelPrice(id: ModelPriceID($0.id), model: ModelMatcher($0.model), sheet: $0.sheet, effectiveFrom: $0.effectiveFrom)
            })
            let id = table.price(for: check, at: now)?.id.rawValue
            checked = versions.first { $0.id == id }
        }
        return PriceCatalogReport(matchers: matchers, checkedModel: check, checkedPrice: checked)
    }
}
