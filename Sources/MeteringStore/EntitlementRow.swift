import Foundation
import Metering
import Postgres

/// The row that answers one entitlement check (`EntitlementRead`), decoded by column name.
///
/// A decoding error names the column that failed, and a column added to or moved in the
/// statement cannot shift the others.
struct EntitlementRow {
    /// The key that the presented hash found, before the constant-time comparison decides.
    struct Key {
        let id: Int64
        let name: String
        let prefix: String
        let scope: String
        let storedHash: Data
        /// The external id of the account a customer's key belongs to.
        let boundAccount: String?

        /// The key's identity when its stored hash equals `presented`; nil otherwise.
        func verifiedIdentity(presented: [UInt8]) -> APIKeyIdentity? {
            guard var identity = APIKeyStore.verifiedIdentity(
                id: id, name: name, prefix: prefix, scope: scope, storedHash: storedHash, presented: presented)
            else { return nil }
            identity.boundAccount = boundAccount
            return identity
        }
    }

    /// The account's plan terms; every field is NULL when the account has no plan.
    struct Plan {
        let includedCredits: Int64?
        /// The price of a credit over the included ones, when the overage policy is `charge`.
        let chargePerCredit: Int64?
        let graceBP: Int64?
    }

    /// The plan's entitlement for the feature.
    struct Feature {
        let enabled: Bool
        let periodLimit: Int64?
    }

    /// Credits used per period that started in the last 32 days: one entry per period start.
    struct RecentUsage {
        let starts: [Date]
        let credits: [Int128]
        let featureCredits: [Int128]
    }

    /// The account's active grants: one entry per grant.
    struct Grants {
        let kinds: [String]
        let amounts: [Int64]
        let grantedAt: [Date]
        let expiresAt: [Date?]
        let prices: [Int64?]
    }

    /// The account and what the check reads about it.
    struct Account {
        let metered: MeteredAccount
        let plan: Plan
        /// nil: the plan does not list the feature.
        let feature: Feature?
        /// nil: nothing used in the recent periods.
        let recentUsage: RecentUsage?
        /// nil: no active grant.
        let grants: Grants?
    }

    let key: Key
    /// nil: no account has the external id.
    let account: Account?

    init(_ row: PostgresRow) throws(PostgresDecodingError) {
        key = Key(
            id: try row.decode(Int64.self, column: "key_id"), name: try row.decode(String.self, column: "key_name"),
            prefix: try row.decode(String.self, column: "key_prefix"), scope: try row.decode(String.self, column: "key_scope"),
            storedHash: try row.decode(Data.self, column: "key_hash"),
            boundAccount: try row.decode(String?.self, column: "bound_account"))
        guard let accountID = try row.decode(Int64?.self, column: "account_id") else {
            account = nil
            return
        }
        account = Account(
            metered: IngestCatalog.meteredAccount(
                id: accountID, externalID: try row.decode(String.self, column: "external_id"),
                planID: try row.decode(Int64?.self, column: "plan_id"), status: try row.decode(String.self, column: "status"),
                timeZone: try row.decode(String.self, column: "time_zone"), anchorDay: try row.decode(Int.self, column: "anchor_day")),
            plan: try Self.plan(row), feature: try Self.feature(row), recentUsage: try Self.recentUsage(row),
            grants: try Self.grants(row))
    }

    private static func plan(_ row: PostgresRow) throws(PostgresDecodingError) -> Plan {
        let charges = try row.decode(String?.self, column: "overage_policy") == "charge"
        return Plan(
            includedCredits: try row.decode(Int64?.self, column: "included_credits"),
            chargePerCredit: charges ? try row.decode(Int64.self, column: "overage_price_per_credit") : nil,
            graceBP: try row.decode(Int64?.self, column: "grace_bp"))
    }

    private static func feature(_ row: PostgresRow) throws(PostgresDecodingError) -> Feature? {
        guard let enabled = try row.decode(Bool?.self, column: "enabled") else { return nil }
        return Feature(enabled: enabled, periodLimit: try row.decode(Int64?.self, column: "period_limit"))
    }

    private static func recentUsage(_ row: PostgresRow) throws(PostgresDecodingError) -> RecentUsage? {
        guard let starts = try row.decode([Date]?.self, column: "period_starts") else { return nil }
        return RecentUsage(
            starts: starts, credits: try row.decode([Int128].self, column: "period_credits"),
            featureCredits: try row.decode([Int128].self, column: "period_feature_credits"))
    }

    private static func grants(_ row: PostgresRow) throws(PostgresDecodingError) -> Grants? {
        guard let kinds = try row.decode([String]?.self, column: "grant_kinds") else { return nil }
        return Grants(
            kinds: kinds, amounts: try row.decode([Int64].self, column: "grant_amounts"),
            grantedAt: try row.decode([Date].self, column: "grant_granted_at"),
            expiresAt: try row.decode([Date?].self, column: "grant_expires_at"),
            prices: try row.decode([Int64?].self, column: "grant_prices"))
    }
}
