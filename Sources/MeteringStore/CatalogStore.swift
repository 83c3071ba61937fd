import Foundation
import Metering
import Postgres
import TallyDatabase

/// The operator's catalog by its codes and keys, for the `tally` commands and the demo: plans,
/// features, entitlements, model prices, settings, accounts and grants.
///
/// Every change goes through the same audited operation the admin forms use
/// (`AdminPlanStore`, `AdminAccountStore`, `PriceStore`), as `actor` (the `tally` command by
/// default), so a change made from a terminal is checked and audited like one made in the admin
/// area. This type only turns codes and keys into ids.
public struct CatalogStore: Sendable {
    let pool: PostgresPool
    let actor: AuditActor

    /// A store over `pool`, changing as `actor`.
    public init(pool: PostgresPool, actor: AuditActor = .command) {
        self.pool = pool
        self.actor = actor
    }

    /// Registers a feature with its credit rule.
    public func createFeature(key: String, name: String, rule: CreditRule) async throws -> Void {
        try await AdminPlanStore(pool: pool).createFeature(key: key, name: name, rule: rule, by: actor, now: Date())
    }

    /// Creates a plan; returns its id.
    @discardableResult
    public func createPlan(_ plan: PlanDraft) async throws -> Int64 {
        try await AdminPlanStore(pool: pool).create(plan, by: actor, now: Date())
    }

    /// Enables (or disables) `featureKey` on the plan `planCode`, with an optional credit-rule
    /// override and per-period limit; replaces an existing entitlement.
    public func setEntitlement(planCode: String, featureKey: String, entitlement: Entitlement) async throws {
        let planID = try await planID(code: planCode)
        do {
            try await AdminPlanStore(pool: pool).setEntitlement(planID, featureKey: featureKey, entitlement, by: actor, now: Date())
        } catch is NotFound {
            throw CatalogError.featureNotFound(featureKey)
        }
    }

    /// Adds a model price version; returns its id. A version of the same model at the same
    /// instant is refused.
    @discardableResult
    public func addPrice(_ price: PriceDraft) async throws -> ModelPriceID {
        ModelPriceID(try await PriceStore(pool: pool).addVersion(price, by: actor, at: Date()))
    }

    /// Creates a customer account on `planCode` (nil: no plan yet); returns its id.
    @discardableResult
    public func createAccount(
        externalID: String, name: String, planCode: String?, timeZone: String = "UTC", anchorDay: Int = 1
    ) async throws -> Int64 {
        let planID: Int64? = if let planCode { try await self.planID(code: planCode) } else { nil }
        let draft = AccountDraft(externalID: externalID, name: name, planID: planID, timeZone: timeZone, anchorDay: anchorDay)
        return try await AdminAccountStore(pool: pool).create(draft, by: actor, now: Date())
    }

    /// The operator-wide settings.
    public func settings() async throws -> MeteringSettings {
        try await SettingsStore(pool: pool).load().0
    }

    /// Changes the operator-wide settings.
    public func updateSettings(_ settings: MeteringSettings) async throws {
        guard (1...3650).contains(settings.lateWindowDays) else { throw Refused(SettingsProblem.lateWindowDays) }
        try await pool.execute(
            """
            UPDATE settings SET infra_overhead_bp = \(settings.infraOverhead.value),
                strict_tagging = \(settings.strictTagging), late_window_days = \(settings.lateWindowDays)
            """)
    }

    /// Grants credits to an account (a top-up, an adjustment or extra included credits), from the
    /// grant's own `grantedAt`.
    public func grant(accountExternalID: String, _ grant: CreditGrant, note: String = "") async throws {
        let rows = try await pool.query(
            "SELECT id FROM accounts WHERE external_id = \(IdentityText.normalized(accountExternalID))", scope: .service)
        guard let accountID = try rows.first?.decode(Int64.self, at: 0) else { throw CatalogError.accountNotFound(accountExternalID) }
        let draft = GrantDraft(amount: grant.amount, kind: grant.kind, note: note, price: grant.price, expiresAt: grant.expiresAt)
        try await AdminAccountStore(pool: pool).grant(accountID, draft, by: actor, now: grant.grantedAt)
    }

    private func planID(code: String) async throws -> Int64 {
        guard let row = try await pool.query("SELECT id FROM plans WHERE code = \(code) AND NOT archived").first else {
            throw CatalogError.planNotFound(code)
        }
        return try row.decode(Int64.self, at: 0)
    }
}
