import Foundation
import Metering
import Postgres
import TallyDatabase

/// The admin area's money read models over one pool: margins, the overview and the price
/// catalogue, each read in one transaction.
public struct MoneyReports: Sendable {
    let pool: PostgresPool

    /// Reports over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The margins of `selection` as of `now`, for every account or only `accountIDs`.
    public func margins(
        _ selection: MarginPeriod, accountIDs: [Int64]? = nil, now: Date, scope: DataScope
    ) async throws -> MarginReport {
        try await MarginReport.load(selection, accountIDs: accountIDs, now: now, pool: pool, scope: scope)
    }

    /// The overview of local days `from`…`through` as of `now`.
    public func overview(from: LocalDay, through: LocalDay, now: Date, scope: DataScope) async throws -> OverviewReport {
        try await OverviewReport.load(from: from, through: through, now: now, pool: pool, scope: scope)
    }

    /// Every model's price versions as of `now`; `check` names a model id to look up.
    public func priceCatalog(now: Date, check: String?) async throws -> PriceCatalogReport {
        try await PriceCatalogReport.load(now: now, check: check, pool: pool)
    }
}
