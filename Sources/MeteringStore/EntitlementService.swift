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
/// The API key check and every read behind the answer are one statement, one round trip:
/// `tally_entitlement_check` (migration 0010) looks the key up, sets the service data scope for
/// the statement's own transaction, and returns the account with its plan and entitlement, the
/// credits used in its recent periods and its active grants. Nothing is cached, so a revoked key
/// fails and a committed event counts on the very next check.
public struct EntitlementService: Sendable {
    let pool: PostgresPool

    /// A service over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Authenticates `secret` (the API key as sent) and answers for the account with
    /// `externalID` and `feature`, with `requested` credits.
    public func check(
        presenting secret: String, account externalID: String, feature: String, requested: Credits, now: Date
    ) async throws -> EntitlementCheck {
        guard let hash = APIKeyStore.hash(ofPresented: secret) else { return .unauthenticated }
        let rows = try await pool.query(
            "SELECT * FROM tally_entitlement_check(\(Data(hash)), \(externalID), \(feature), \(now))")
        guard let row = rows.first, let key = try APIKeyStore.verifiedIdentity(row, hash: hash) else {
            return .unauthenticated
        }
        guard !row.isNull(at: Column.account) else { return .unknownAccount(key) }
        return .answered(key, try Self.answer(row, feature: feature, requested: requested, now: now))
    }

    /// Column positions in `tally_entitlement_check`'s row.
    enum Column {
        static let account = 5
        static let includedCredits = 11
        static let overagePolicy = 12
        static let graceBP = 13
        static let overagePrice = 14
        static let enabled = 15
        static let periodLimit = 16
        static let periodStarts = 17
        static let periodCredits = 18
        static let periodFeatureCredits = 19
        static let grants = 20
    }

    static func answer(_ row: PostgresRow, feature: String, requested: Credits, now: Date) throws -> EntitlementAnswer {
        let account = try IngestCatalog.meteredAccount(row, from: Column.account)
        let included = try row.decode(Int64?.self, at: Column.includedCredits)
        let period = try account.period(containing: now)
        let (used, featureUsed) = try usage(row, in: period)
        let ledger = try CreditLedger(
            included: account.planID == nil ? .limited(.zero) : included.map { .limited(Credits(millis: $0)) } ?? .unlimited,
            grants: try grants(row), used: used, at: now)
        let decision = try EntitlementDecision.decide(
            status: account.status, entitlement: try entitlement(row), featureUsed: featureUsed,
            policy: try policy(row), ledger: ledger, requested: requested)
        return EntitlementAnswer(decision: decision, ledger: ledger, period: period)
    }

    private static func policy(_ row: PostgresRow) throws -> OveragePolicy {
        let kind = try row.decode(String?.self, at: Column.overagePolicy)
        if kind == "charge" { return .charge(pricePerCredit: Money(nanos: try row.decode(Int64.self, at: Column.overagePrice))) }
        return .block(grace: try BasisPoints(try row.decode(Int64?.self, at: Column.graceBP) ?? 0))
    }

    private static func entitlement(_ row: PostgresRow) throws -> Entitlement? {
        guard let enabled = try row.decode(Bool?.self, at: Column.enabled) else { return nil }
        let limit = try row.decode(Int64?.self, at: Column.periodLimit)
        return Entitlement(enabled: enabled, periodLimit: limit.map { .limited(Credits(millis: $0)) } ?? .unlimited)
    }

    /// Credits used in `period` in total and by the feature: the entry of the recent periods
    /// whose start is this period's (none: nothing used yet).
    private static func usage(_ row: PostgresRow, in period: BillingPeriod) throws -> (Credits, Credits) {
        let starts = try row.decode([Date]?.self, at: Column.periodStarts) ?? []
        guard let index = starts.firstIndex(of: period.start) else { return (.zero, .zero) }
        let totals = try row.decode([Int64].self, at: Column.periodCredits)
        let byFeature = try row.decode([Int64].self, at: Column.periodFeatureCredits)
        return (Credits(millis: totals[index]), Credits(millis: byFeature[index]))
    }

    private static func grants(_ row: PostgresRow) throws -> [CreditGrant] {
        guard let kinds = try row.decode([String]?.self, at: Column.grants) else { return [] }
        let amounts = try row.decode([Int64].self, at: Column.grants + 1)
        let grantedAt = try row.decode([Date].self, at: Column.grants + 2)
        let expiresAt = try row.decode([Date?].self, at: Column.grants + 3)
        let prices = try row.decode([Int64?].self, at: Column.grants + 4)
        return try kinds.indices.map { index in
            try CreditGrant(
                amount: Credits(millis: amounts[index]), kind: GrantKind(rawValue: kinds[index]) ?? .adjustment,
                grantedAt: grantedAt[index], expiresAt: expiresAt[index], price: prices[index].map(Money.init(nanos:)))
        }
    }
}
