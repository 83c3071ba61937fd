import Foundation
import Metering
import Postgres

/// The answer of `GET /api/v1/accounts/{account}/entitlements/{feature}`.
public struct EntitlementAnswer: Sendable, Hashable {
    /// The decision and its reason.
    public let decision: EntitlementDecision
    /// The account's credits this period.
    public let ledger: CreditLedger
    /// The current billing period.
    public let period: BillingPeriod
}

/// The outcome of an entitlement check made with the caller's API key.
public enum EntitlementCheck: Sendable, Hashable {
    /// The key is unknown, malformed or revoked (401).
    case unauthenticated
    /// The key is valid, but no account has the external id (404).
    case unknownAccount(APIKeyIdentity)
    /// The key is valid and this is the answer.
    case answered(APIKeyIdentity, EntitlementAnswer)
}

/// Answers "may this account use this feature now?" from the hot counter, never a scan of
/// events.
///
/// The API key check and every read behind the answer are one statement (`EntitlementRead`),
/// sent over the pool's shared connections together with the other checks waiting there
/// (`PostgresPool.read`). Nothing is cached, so a revoked key fails and a committed event counts
/// on the very next check.
public struct EntitlementService: Sendable {
    let pool: PostgresPool
    /// The current period per time zone and anchor day (pure calendar arithmetic, remembered).
    let placements = CalendarPlacements()

    /// A service over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Authenticates `secret` (the API key as sent) and answers for the account with
    /// `externalID` and `feature`, with `requested` credits. A nil external id or feature names
    /// nothing (text no account or feature can have): the key is still checked, and the answer
    /// is then `unknownAccount`, or `not_in_plan` for the feature.
    public func check(
        presenting secret: String, account externalID: String?, feature: String?, requested: Credits, now: Date
    ) async throws -> EntitlementCheck {
        guard let hash = APIKeyStore.hash(ofPresented: secret) else { return .unauthenticated }
        let rows = try await pool.read(EntitlementRead(keyHash: Data(hash), externalID: externalID, feature: feature, now: now))
        guard let first = rows.first else { return .unauthenticated }
        let row = try EntitlementRow(first)
        guard let key = row.key.verifiedIdentity(presented: hash) else { return .unauthenticated }
        guard let account = row.account else { return .unknownAccount(key) }
        return .answered(key, try Self.answer(account, requested: requested, now: now, placements: placements))
    }

    static func answer(
        _ account: EntitlementRow.Account, requested: Credits, now: Date, placements: CalendarPlacements
    ) throws -> EntitlementAnswer {
        let period = try placements.placement(of: now, for: account.metered).period
        let (used, featureUsed) = usage(account.recentUsage, in: period)
        let included = account.plan.includedCredits
        let ledger = try CreditLedger(
            included: account.metered.planID == nil ? .limited(.zero) : included.map { .limited(Credits(millis: $0)) } ?? .unlimited,
            grants: try grants(account.grants), used: used, at: now)
        let decision = try EntitlementDecision.decide(
            status: account.metered.status, entitlement: entitlement(account.feature), featureUsed: featureUsed,
            policy: try policy(account.plan), ledger: ledger, requested: requested)
        return EntitlementAnswer(decision: decision, ledger: ledger, period: period)
    }

    private static func policy(_ plan: EntitlementRow.Plan) throws -> OveragePolicy {
        if let price = plan.chargePerCredit { return .charge(pricePerCredit: Money(nanos: price)) }
        return .block(grace: try BasisPoints(plan.graceBP ?? 0))
    }

    private static func entitlement(_ feature: EntitlementRow.Feature?) -> Entitlement? {
        guard let feature else { return nil }
        return Entitlement(
            enabled: feature.enabled, periodLimit: feature.periodLimit.map { .limited(Credits(millis: $0)) } ?? .unlimited)
    }

    /// Credits used in `period` in total and by the feature: the entry of the recent periods
    /// whose start is this period's (none: nothing used yet).
    private static func usage(_ usage: EntitlementRow.RecentUsage?, in period: BillingPeriod) -> (Credits, Credits) {
        guard let usage, let index = usage.starts.firstIndex(of: period.start) else { return (.zero, .zero) }
        return (Credits(millis: usage.credits[index]), Credits(millis: usage.featureCredits[index]))
    }

    private static func grants(_ grants: EntitlementRow.Grants?) throws -> [CreditGrant] {
        guard let grants else { return [] }
        return try grants.kinds.indices.map { index in
            try CreditGrant(
                amount: Credits(millis: grants.amounts[index]), kind: GrantKind(rawValue: grants.kinds[index]) ?? .adjustment,
                grantedAt: grants.grantedAt[index], expiresAt: grants.expiresAt[index],
                price: grants.prices[index].map(Money.init(nanos:)))
        }
    }
}
