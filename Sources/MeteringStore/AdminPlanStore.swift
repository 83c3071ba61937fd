import Foundation
import Metering
import Postgres
import TallyDatabase

/// Admin changes to plans, their per-feature entitlements and features. Each change and its
/// audit row commit in one transaction.
public struct AdminPlanStore: Sendable {
    let pool: PostgresPool

    /// A store over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Creates a plan; returns its id.
    public func create(_ plan: PlanDraft, by actor: AuditActor, now: Date) async throws -> Int64 {
        try Self.check(plan)
        let columns = try Self.columns(plan)
        return try await pool.withTransaction(scope: .staff) { connection in
            let rows = try await AdminRules.unique(PlanProblem.codeTaken) {
                try await connection.query(
                    """
                    INSERT INTO plans (code, name, monthly_fee, included_credits, overage_policy, grace_bp, overage_price_per_credit, created_at)
                    VALUES (\(plan.code), \(plan.name), \(plan.monthlyFee.nanos), \(columns.included), \(columns.policy),
                            \(columns.grace), \(columns.price), \(now))
                    RETURNING id
                    """)
            }
            let id = try rows.first!.decode(Int64.self, at: 0)
            try await AuditTrail.record(
                AuditChange(action: "plan.create", objectKind: "plan", objectID: String(id), before: nil, after: try await snapshot(id, on: connection)),
                by: actor, at: now, on: connection)
            return id
        }
    }

    /// Edits a plan's code, name, fee, included credits and overage policy.
    public func update(_ id: Int64, _ plan: PlanDraft, by actor: AuditActor, now: Date) async throws {
        try Self.check(plan)
        let columns = try Self.columns(plan)
        try await pool.withTransaction(scope: .staff) { connection in
            let before = try await lockedSnapshot(id, on: connection)
            try await AdminRules.unique(PlanProblem.codeTaken) {
                try await connection.execute(
                    """
                    UPDATE plans SET code = \(plan.code), name = \(plan.name), monthly_fee = \(plan.monthlyFee.nanos),
                        included_credits = \(columns.included), overage_policy = \(columns.policy), grace_bp = \(columns.grace),
                        overage_price_per_credit = \(columns.price)
                    WHERE id = \(id)
                    """)
            }
            try await AuditTrail.record(
                AuditChange(action: "plan.update", objectKind: "plan", objectID: String(id), before: before, after: try await snapshot(id, on: connection)),
                by: actor, at: now, on: connection)
        }
    }

    /// Archives a plan (its accounts keep it; it is no longer offered) or unarchives it.
    public func setArchived(_ id: Int64, _ archived: Bool, by actor: AuditActor, now: Date) async throws {
        try await pool.withTransaction(scope: .staff) { connection in
            let before = try await lockedSnapshot(id, on: connection)
            guard before["archived"] != (archived ? "yes" : "no") else {
                throw Refused(PlanProblem.archivedAlready(archived))
            }
            try await connection.execute("UPDATE plans SET archived = \(archived) WHERE id = \(id)")
            try await AuditTrail.record(
                AuditChange(
                    action: archived ? "plan.archive" : "plan.unarchive", objectKind: "plan", objectID: String(id),
                    before: before, after: try await snapshot(id, on: connection)),
                by: actor, at: now, on: connection)
        }
    }

    /// Sets the plan's entitlement to `featureKey` (enabled or not, rule override, per-period limit).
    public func setEntitlement(_ planID: Int64, featureKey: String, _ entitlement: Entitlement, by actor: AuditActor, now: Date) async throws {
        try await pool.withTransaction(scope: .staff) { connection in
            _ = try await lockedSnapshot(planID, on: connection)
            guard try await connection.query("SELECT 1 FROM features WHERE key = \(featureKey)").first != nil else {
                throw NotFound()
            }
            let before = try await entitlementSnapshot(planID, featureKey, on: connection)
            let limit: Int64? = if case .limited(let credits) = entitlement.periodLimit { try credits.int64Millis("the period limit") } else { nil }
            let rule = entitlement.creditRuleOverride
            try await connection.execute(
                """
                INSERT INTO entitlements (plan_id, feature_key, enabled, rule_override_kind, rule_override_rate, period_limit)
                VALUES (\(planID), \(featureKey), \(entitlement.enabled), \(rule?.kind), \(rule?.rate.millis), \(limit))
                ON CONFLICT (plan_id, feature_key) DO UPDATE SET enabled = EXCLUDED.enabled,
                    rule_override_kind = EXCLUDED.rule_override_kind, rule_override_rate = EXCLUDED.rule_override_rate,
                    period_limit = EXCLUDED.period_limit
                """)
            let after = try await entitlementSnapshot(planID, featureKey, on: connection)
            try await AuditTrail.record(
                AuditChange(action: "entitlement.update", objectKind: "entitlement", objectID: "\(planID)/\(featureKey)", before: before, after: after),
                by: actor, at: now, on: connection)
        }
    }

    /// Registers a feature.
    public func createFeature(key: String, name: String, rule: CreditRule, by actor: AuditActor, now: Date) async throws {
        try Self.checkFeature(key: key, name: name)
        try await pool.withTransaction(scope: .staff) { connection in
            try await AdminRules.unique(FeatureProblem.keyTaken) {
                try await connection.execute(
                    """
                    INSERT INTO features (key, name, credit_rule_kind, credit_rule_rate, created_at)
                    VALUES (\(key), \(name), \(rule.kind), \(rule.rate.millis), \(now))
                    """)
            }
            try await AuditTrail.record(
                AuditChange(action: "feature.create", objectKind: "feature", objectID: key, before: nil,
                            after: ["name": name, "credit_rule": AuditText.rule(rule)]),
                by: actor, at: now, on: connection)
        }
    }

    /// Changes a feature's name and credit rule (for events from now on: stored events keep their credits).
    public func updateFeature(key: String, name: String, rule: CreditRule, by actor: AuditActor, now: Date) async throws {
        try Self.checkFeature(key: key, name: name)
        try await pool.withTransaction(scope: .staff) { connection in
            let rows = try await connection.query(
                "SELECT name, credit_rule_kind, credit_rule_rate FROM features WHERE key = \(key) FOR UPDATE")
            guard let row = rows.first else { throw NotFound() }
            let (oldName, kind, rate) = try row.decode((String, String, Int64).self)
            try await connection.execute(
                """
                UPDATE features SET name = \(name), credit_rule_kind = \(rule.kind), credit_rule_rate = \(rule.rate.millis)
                WHERE key = \(key)
                """)
            try await AuditTrail.record(
                AuditChange(
                    action: "feature.update", objectKind: "feature", objectID: key,
                    before: ["name": oldName, "credit_rule": AuditText.rule(CreditRule(kind: kind, rate: Credits(millis: rate)))],
                    after: ["name": name, "credit_rule": AuditText.rule(rule)]),
                by: actor, at: now, on: connection)
        }
    }

    // MARK: - Checks and snapshots

    static func check(_ plan: PlanDraft) throws(Refused<PlanProblem>) {
        try Refused.check(problems(plan))
    }

    /// What is wrong with a plan draft; empty when it can be saved (the code's uniqueness is
    /// checked on save).
    public static func problems(_ plan: PlanDraft) -> [PlanProblem] {
        var problems: [PlanProblem] = []
        if !CatalogRules.isCode(plan.code) { problems.append(.code) }
        if !(1...200).contains(plan.name.count) || plan.name.allSatisfy(\.isWhitespace) { problems.append(.name) }
        if plan.monthlyFee < .zero { problems.append(.feeNegative) }
        if case .limited(let credits) = plan.includedCredits, credits < .zero { problems.append(.includedNegative) }
        if case .charge(let price) = plan.overage {
            if price < .zero { problems.append(.overagePriceNegative) }
            if price > MeteringBounds.maxOveragePricePerCredit { problems.append(.overagePriceTooHigh) }
        }
        if case .block(let grace) = plan.overage, grace.value > MeteringBounds.maxGraceBasisPoints { problems.append(.graceTooHigh) }
        return problems
    }

    static func checkFeature(key: String, name: String) throws(Refused<FeatureProblem>) {
        try Refused.check(problemsOfFeature(key: key, name: name))
    }

    /// What is wrong with a feature's key and name; empty when they can be saved.
    public static func problemsOfFeature(key: String, name: String) -> [FeatureProblem] {
        var problems: [FeatureProblem] = []
        if !CatalogRules.isCode(key) { problems.append(.key) }
        if !(1...200).contains(name.count) || name.allSatisfy(\.isWhitespace) { problems.append(.name) }
        return problems
    }

    /// The plan's row values; its amounts were parsed into 64-bit ranges and checked by `problems`.
    static func columns(_ plan: PlanDraft) throws -> (included: Int64?, policy: String, grace: Int64, price: Int64) {
        let included: Int64? = if case .limited(let credits) = plan.includedCredits { try credits.int64Millis("included credits") } else { nil }
        return switch plan.overage {
        case .block(let grace): (included, "block", grace.value, 0)
        case .charge(let price): (included, "charge", 0, try price.int64Nanos("the overage price"))
        }
    }

    private func lockedSnapshot(_ id: Int64, on connection: PostgresConnection) async throws -> AuditSnapshot {
        guard try await connection.query("SELECT 1 FROM plans WHERE id = \(id) FOR UPDATE").first != nil else {
            throw NotFound()
        }
        return try await snapshot(id, on: connection)
    }

    private func snapshot(_ id: Int64, on connection: PostgresConnection) async throws -> AuditSnapshot {
        let rows = try await connection.query(
            """
            SELECT code, name, monthly_fee, included_credits, overage_policy, grace_bp, overage_price_per_credit, archived
            FROM plans WHERE id = \(id)
            """)
        guard let row = rows.first else { throw NotFound() }
        let (code, name, fee, included, policy, grace, price, archived) =
            try row.decode((String, String, Int64, Int64?, String, Int64, Int64, Bool).self)
        let overage: OveragePolicy = try policy == "charge"
            ? .charge(pricePerCredit: Money(nanos: price)) : .block(grace: BasisPoints(grace))
        return [
            "code": code, "name": name, "monthly_fee": AuditText.usd(Money(nanos: fee)),
            "included_credits": AuditText.credits(included.map { .limited(Credits(millis: $0)) } ?? .unlimited),
            "overage": AuditText.overage(overage), "archived": archived ? "yes" : "no",
        ]
    }

    private func entitlementSnapshot(_ planID: Int64, _ featureKey: String, on connection: PostgresConnection) async throws -> AuditSnapshot? {
        let rows = try await connection.query(
            """
            SELECT enabled, rule_override_kind, rule_override_rate, period_limit FROM entitlements
            WHERE plan_id = \(planID) AND feature_key = \(featureKey)
            """)
        guard let row = rows.first else { return nil }
        let (enabled, kind, rate, limit) = try row.decode((Bool, String?, Int64?, Int64?).self)
        let rule: CreditRule? = if let kind, let rate { CreditRule(kind: kind, rate: Credits(millis: rate)) } else { nil }
        return [
            "enabled": enabled ? "yes" : "no", "credit_rule": AuditText.rule(rule),
            "period_limit": AuditText.credits(limit.map { .limited(Credits(millis: $0)) } ?? .unlimited),
        ]
    }
}
