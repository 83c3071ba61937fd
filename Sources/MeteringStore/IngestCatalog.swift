import Foundation
import Metering
import Postgres
import TallyCrypto

/// Everything costing and crediting a batch needs, read in the batch's transaction.
struct IngestCatalog {
    let accounts: [String: MeteredAccount]
    let prices: PriceTable
    let featureRules: [String: CreditRule]
    /// Plan overrides of feature rules, keyed by plan id and feature key.
    let overrides: [Int64: [String: CreditRule]]

    /// Loads the accounts, features and overrides named by `events`, and every price version.
    static func load(for events: [UsageEvent], on connection: PostgresConnection) async throws -> IngestCatalog {
        let accounts = try await loadAccounts(Array(Set(events.map(\.account))), on: connection)
        let featureKeys = Array(Set(events.compactMap(\.feature)))
        var rules: [String: CreditRule] = [:]
        for row in try await connection.query(
            "SELECT key, credit_rule_kind, credit_rule_rate FROM features WHERE key = ANY(\(featureKeys))") {
            let (key, kind, rate) = try row.decode((String, String, Int64).self)
            rules[key] = CreditRule(kind: kind, rate: Credits(millis: rate))
        }
        let planIDs = Array(Set(accounts.values.flatMap { [$0.planID, $0.scheduledPlan?.planID].compactMap { $0 } }))
        var overrides: [Int64: [String: CreditRule]] = [:]
        for row in try await connection.query(
            """
            SELECT plan_id, feature_key, rule_override_kind, rule_override_rate FROM entitlements
            WHERE plan_id = ANY(\(planIDs)) AND rule_override_kind IS NOT NULL
            """) {
            let (plan, key, kind, rate) = try row.decode((Int64, String, String, Int64).self)
            overrides[plan, default: [:]][key] = CreditRule(kind: kind, rate: Credits(millis: rate))
        }
        return IngestCatalog(
            accounts: accounts, prices: try await loadPrices(on: connection), featureRules: rules, overrides: overrides)
    }

    /// The credit rule for `feature` on the account's plan in effect at `instant` (nil: the
    /// current `plan_id`); nil for an unattributed event or an unregistered feature key (such
    /// events earn no credits: see docs/api.md).
    func rule(feature: String?, account: MeteredAccount, at instant: Date? = nil) -> CreditRule? {
        guard let feature, let rule = featureRules[feature] else { return nil }
        let override = (instant.map(account.planID(at:)) ?? account.planID).flatMap { overrides[$0]?[feature] }
        return CreditRule.effective(feature: rule, override: override)
    }

    /// The accounts with `externalIDs`, each locked `FOR KEY SHARE` until the batch commits.
    ///
    /// The lock is the one the events' foreign keys take anyway, taken before the calendar is
    /// read rather than at the insert. An admin edit locks the account `FOR UPDATE`
    /// (`AdminRules.lockAndFold`), which conflicts with it, so a batch and a change of time zone
    /// or anchor day are ordered: a batch that read the account first commits before the edit
    /// carries the current period's usage (and the carry moves its events too); a batch that
    /// comes second waits, then reads the new calendar. Without it a batch could read the old
    /// calendar, wait at its insert for the edit to commit, and then land in the period the edit
    /// had just emptied. Batches share the lock, so they never wait for each other here.
    static func loadAccounts(_ externalIDs: [String], on connection: PostgresConnection) async throws -> [String: MeteredAccount] {
        var accounts: [String: MeteredAccount] = [:]
        for row in try await connection.query(
            """
            SELECT id, external_id, plan_id, status, time_zone, anchor_day, next_plan_id, next_plan_from FROM accounts
            WHERE external_id = ANY(\(externalIDs))
            FOR KEY SHARE
            """) {
            var account = try meteredAccount(row)
            if let next = try row.decode(Int64?.self, at: 6), let from = try row.decode(Date?.self, at: 7) {
                account.scheduledPlan = ScheduledPlanChange(planID: next, from: from)
            }
            accounts[account.externalID] = account
        }
        return accounts
    }

    /// Decodes `id, external_id, plan_id, status, time_zone, anchor_day` from column `offset` on.
    static func meteredAccount(_ row: PostgresRow, from offset: Int = 0) throws -> MeteredAccount {
        let id = try row.decode(Int64.self, at: offset)
        let externalID = try row.decode(String.self, at: offset + 1)
        let planID = try row.decode(Int64?.self, at: offset + 2)
        let status = try row.decode(String.self, at: offset + 3)
        let zone = try row.decode(String.self, at: offset + 4)
        let anchorDay = try row.decode(Int.self, at: offset + 5)
        return meteredAccount(id: id, externalID: externalID, planID: planID, status: status, timeZone: zone, anchorDay: anchorDay)
    }

    /// The account these stored values describe. An unknown status reads as `paused` (denied),
    /// an unknown zone as UTC.
    static func meteredAccount(
        id: Int64, externalID: String, planID: Int64?, status: String, timeZone: String, anchorDay: Int
    ) -> MeteredAccount {
        MeteredAccount(
            id: id, externalID: externalID, planID: planID, status: AccountStatus(rawValue: status) ?? .paused,
            timeZone: TimeZone(identifier: timeZone) ?? TimeZone(secondsFromGMT: 0)!, anchorDay: anchorDay)
    }

    static func loadPrices(on connection: PostgresConnection) async throws -> PriceTable {
        let prices = try await PriceRows.load(on: connection).map {
            try ModelPrice(id: ModelPriceID($0.id), model: ModelMatcher($0.model), sheet: $0.sheet, effectiveFrom: $0.effectiveFrom)
        }
        return try PriceTable(prices)
    }
}

/// Operator settings, read once per batch (validation needs them before the transaction).
struct SettingsStore {
    let pool: PostgresPool

    /// The settings and the end-user hashing key (created on first use).
    func load() async throws -> (MeteringSettings, [UInt8]) {
        let row = try await pool.query(
            "SELECT infra_overhead_bp, strict_tagging, late_window_days, end_user_key FROM settings").first!
        let (overhead, strict, window, key) = try row.decode((Int64, Bool, Int, Data?).self)
        let settings = MeteringSettings(infraOverhead: try BasisPoints(overhead), strictTagging: strict, lateWindowDays: window)
        if let key { return (settings, [UInt8](key)) }
        try await pool.execute(
            "UPDATE settings SET end_user_key = \(Data(SecureRandom.bytes(count: 32))) WHERE end_user_key IS NULL")
        let stored = try await pool.query("SELECT end_user_key FROM settings").first!.decode(Data.self, at: 0)
        return (settings, [UInt8](stored))
    }
}
