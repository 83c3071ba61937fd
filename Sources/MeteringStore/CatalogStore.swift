import Foundation
import Metering
import Postgres
import TallyDatabase

/// Writes the operator's catalog: features, plans, entitlements, model prices, settings, and
/// metered accounts. Every statement runs in the `.service` scope.
public struct CatalogStore: Sendable {
    let pool: PostgresPool

    /// A store over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Registers a feature with its credit rule.
    public func createFeature(key: String, name: String, rule: CreditRule) async throws -> Void {
        try CatalogRules.checkCode(key, field: "key")
        try CatalogRules.checkName(name)
        guard rule.rate >= .zero else { throw CatalogError.invalid(field: "rate", message: "must not be negative") }
        try await unique("feature '\(key)'") {
            try await pool.execute(
                """
                INSERT INTO features (key, name, credit_rule_kind, credit_rule_rate)
                VALUES (\(key), \(name), \(rule.kind), \(rule.rate.millis))
                """)
        }
    }

    /// Creates a plan; returns its id.
    @discardableResult
    public func createPlan(_ plan: PlanDraft) async throws -> Int64 {
        try CatalogRules.checkCode(plan.code, field: "code")
        try CatalogRules.checkName(plan.name)
        guard plan.monthlyFee >= .zero else { throw CatalogError.invalid(field: "fee", message: "must not be negative") }
        if let problem = AdminPlanStore.problems(plan).sorted(by: { $0.key < $1.key }).first {
            throw CatalogError.invalid(field: problem.key, message: problem.value)
        }
        let (included, policy, grace, price) = try AdminPlanStore.columns(plan)
        guard price >= 0, (included ?? 0) >= 0 else { throw CatalogError.invalid(field: "plan", message: "amounts must not be negative") }
        return try await unique("plan '\(plan.code)'") {
            let rows = try await pool.query(
                """
                INSERT INTO plans (code, name, monthly_fee, included_credits, overage_policy, grace_bp, overage_price_per_credit)
                VALUES (\(plan.code), \(plan.name), \(plan.monthlyFee.nanos), \(included), \(policy), \(grace), \(price))
                RETURNING id
                """)
            return try rows.first!.decode(Int64.self, at: 0)
        }
    }

    /// Enables (or disables) `featureKey` on the plan `planCode`, with an optional credit-rule
    /// override and per-period limit; replaces an existing entitlement.
    public func setEntitlement(planCode: String, featureKey: String, entitlement: Entitlement) async throws {
        let planID = try await planID(code: planCode)
        guard try await pool.query("SELECT 1 FROM features WHERE key = \(featureKey)").first != nil else {
            throw CatalogError.featureNotFound(featureKey)
        }
        let limit: Int64? = if case .limited(let credits) = entitlement.periodLimit { try credits.int64Millis("the period limit") } else { nil }
        let rule = entitlement.creditRuleOverride
        try await pool.execute(
            """
            INSERT INTO entitlements (plan_id, feature_key, enabled, rule_override_kind, rule_override_rate, period_limit)
            VALUES (\(planID), \(featureKey), \(entitlement.enabled), \(rule?.kind), \(rule?.rate.millis), \(limit))
            ON CONFLICT (plan_id, feature_key) DO UPDATE SET enabled = EXCLUDED.enabled,
                rule_override_kind = EXCLUDED.rule_override_kind, rule_override_rate = EXCLUDED.rule_override_rate,
                period_limit = EXCLUDED.period_limit
            """)
    }

    /// Adds a model price version; returns its id. A version of the same model at the same
    /// instant is refused.
    @discardableResult
    public func addPrice(_ price: PriceDraft) async throws -> ModelPriceID {
        guard (1...200).contains(price.model.unicodeScalars.count) else { throw CatalogError.invalid(field: "model", message: "must be 1 to 200 characters") }
        guard price.perRequest >= .zero else { throw CatalogError.invalid(field: "per-request", message: "must not be negative") }
        return try await unique("a price for '\(price.model)' from that instant") {
            let rows = try await pool.query(
                """
                INSERT INTO model_prices (model, input_price, cached_price, output_price, per_request_fee, effective_from)
                VALUES (\(price.model), \(price.input.perMillion.nanos), \(price.cachedInput.perMillion.nanos),
                        \(price.output.perMillion.nanos), \(price.perRequest.nanos), \(price.effectiveFrom))
                RETURNING id
                """)
            return ModelPriceID(try rows.first!.decode(Int64.self, at: 0))
        }
    }

    /// Creates a customer account on `planCode` (nil: no plan yet); returns its id.
    @discardableResult
    public func createAccount(
        externalID: String, name: String, planCode: String?, timeZone: String = "UTC", anchorDay: Int = 1
    ) async throws -> Int64 {
        let externalID = IdentityText.normalized(externalID)
        try CatalogRules.checkName(externalID, field: "external id")
        try CatalogRules.checkName(name)
        guard TimeZone(identifier: timeZone) != nil else {
            throw CatalogError.invalid(field: "time zone", message: "'\(timeZone)' is not an IANA time zone (like Europe/Paris)")
        }
        guard (1...31).contains(anchorDay) else { throw CatalogError.invalid(field: "anchor day", message: "must be 1 to 31") }
        let planID: Int64? = if let planCode { try await self.planID(code: planCode) } else { nil }
        return try await unique("an account with external id '\(externalID)'") {
            try await pool.withTransaction(scope: .service) { connection in
                let rows = try await connection.query(
                    """
                    INSERT INTO accounts (external_id, name, plan_id, time_zone, anchor_day)
                    VALUES (\(externalID), \(name), \(planID), \(timeZone), \(anchorDay))
                    RETURNING id
                    """)
                return try rows.first!.decode(Int64.self, at: 0)
            }
        }
    }

    /// The operator-wide settings.
    public func settings() async throws -> MeteringSettings {
        try await SettingsStore(pool: pool).load().0
    }

    /// Changes the operator-wide settings.
    public func updateSettings(_ settings: MeteringSettings) async throws {
        guard (1...3650).contains(settings.lateWindowDays) else {
            throw CatalogError.invalid(field: "late window", message: "must be 1 to 3650 days")
        }
        try await pool.execute(
            """
            UPDATE settings SET infra_overhead_bp = \(settings.infraOverhead.value),
                strict_tagging = \(settings.strictTagging), late_window_days = \(settings.lateWindowDays)
            """)
    }

    /// Grants credits to an account (a top-up, an adjustment or extra included credits).
    public func grant(accountExternalID: String, _ grant: CreditGrant, note: String = "") async throws {
        try await pool.withTransaction(scope: .service) { connection in
            let rows = try await connection.query(
                "SELECT id FROM accounts WHERE external_id = \(IdentityText.normalized(accountExternalID))")
            guard let row = rows.first else { throw CatalogError.accountNotFound(accountExternalID) }
            let accountID = try row.decode(Int64.self, at: 0)
            try await connection.execute(
                """
                INSERT INTO credit_grants (account_id, kind, amount, granted_at, expires_at, price, note)
                VALUES (\(accountID), \(grant.kind.rawValue), \(grant.amount.millis), \(grant.grantedAt),
                        \(grant.expiresAt), \(grant.price?.nanos), \(note))
                """)
        }
    }

    private func planID(code: String) async throws -> Int64 {
        guard let row = try await pool.query("SELECT id FROM plans WHERE code = \(code) AND NOT archived").first else {
            throw CatalogError.planNotFound(code)
        }
        return try row.decode(Int64.self, at: 0)
    }

    /// Runs `body`, turning a unique violation into `CatalogError.taken(what)`.
    @discardableResult
    private func unique<T: Sendable>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PostgresError where error.sqlState == "23505" {
            throw CatalogError.taken(what)
        }
    }
}
