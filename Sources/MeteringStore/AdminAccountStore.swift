import Foundation
import Metering
import Postgres
import TallyDatabase

/// Admin changes to accounts: create, edit, change plan (now or at the next period), grant
/// credits, pause and unpause. Each change and its audit row commit in one staff-scope
/// transaction; a refused change writes neither.
public struct AdminAccountStore: Sendable {
    let pool: PostgresPool

    /// A store over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Creates an account; returns its id.
    public func create(_ draft: AccountDraft, by actor: AuditActor, now: Date) async throws -> Int64 {
        try AdminRules.check(draft)
        return try await pool.withTransaction(scope: .staff) { connection in
            if let planID = draft.planID { try await AdminRules.requireChoosablePlan(planID, on: connection) }
            let rows = try await AdminRules.unique(AccountProblem.externalIDTaken) {
                try await connection.query(
                    """
                    INSERT INTO accounts (external_id, name, plan_id, time_zone, anchor_day, created_at)
                    VALUES (\(draft.externalID), \(draft.name), \(draft.planID), \(draft.timeZone), \(draft.anchorDay), \(now))
                    RETURNING id
                    """)
            }
            let id = try rows.first!.decode(Int64.self, at: 0)
            let after = try await snapshot(id, now: now, on: connection)
            try await AuditTrail.record(
                AuditChange(action: "account.create", objectKind: "account", objectID: String(id), accountID: id, before: nil, after: after),
                by: actor, at: now, on: connection)
            return id
        }
    }

    /// Edits an account. A different plan takes effect at once (and replaces any scheduled change).
    /// A new zone or anchor day moves a scheduled change to the start of the next period as the
    /// account now counts it, so it still takes effect exactly at a period start, and carries the
    /// current period's usage into the period the new calendar puts `now` in
    /// (``carryCurrentPeriod(_:from:to:on:)``): changing the calendar never hands out credits.
    public func update(_ id: Int64, _ draft: AccountDraft, by actor: AuditActor, now: Date) async throws {
        try AdminRules.check(draft)
        try await pool.withTransaction(scope: .staff) { connection in
            let current = try await AdminRules.lockAndFold(id, now: now, on: connection)
            let before = try await snapshot(id, now: now, on: connection)
            if draft.planID != current.planID {
                if let planID = draft.planID { try await AdminRules.requireChoosablePlan(planID, on: connection) }
            }
            let planChanged = draft.planID != current.planID
            let zone = TimeZone(identifier: draft.timeZone) ?? TimeZone(secondsFromGMT: 0)!
            let nextPeriodStart = try BillingPeriod.containing(now, anchorDay: draft.anchorDay, timeZone: zone).end
            try await AdminRules.unique(AccountProblem.externalIDTaken) {
                try await connection.execute(
                    """
                    UPDATE accounts SET external_id = \(draft.externalID), name = \(draft.name), plan_id = \(draft.planID),
                        time_zone = \(draft.timeZone), anchor_day = \(draft.anchorDay),
                        next_plan_id = CASE WHEN \(planChanged) THEN NULL ELSE next_plan_id END,
                        next_plan_from = CASE WHEN \(planChanged) OR next_plan_id IS NULL THEN NULL ELSE \(nextPeriodStart) END
                    WHERE id = \(id)
                    """)
            }
            let oldStart = try BillingPeriod.containing(
                now, anchorDay: current.account.anchorDay, timeZone: current.account.timeZone).start
            let newStart = try BillingPeriod.containing(now, anchorDay: draft.anchorDay, timeZone: zone).start
            if oldStart != newStart { try await Self.carryCurrentPeriod(id, from: oldStart, to: newStart, on: connection) }
            try await record("account.update", id, before: before, now: now, by: actor, on: connection)
        }
    }

    /// Moves what the account used in the period starting `from` (its current period by the old
    /// calendar) into the period starting `to` (its current period by the new one): the events'
    /// `period_start`, their `period_usage` counters (added to any already there) and the
    /// period's credits-used alerts (one per threshold, so none fires twice). Local days and
    /// `daily_usage` do not change. Without this, the entitlement check and the dashboard would
    /// count the new period from zero.
    static func carryCurrentPeriod(_ id: Int64, from: Date, to: Date, on connection: PostgresConnection) async throws {
        try await connection.execute(
            "UPDATE usage_events SET period_start = \(to) WHERE account_id = \(id) AND period_start = \(from)")
        try await connection.execute(
            """
            WITH moved AS (
                DELETE FROM period_usage WHERE account_id = \(id) AND period_start = \(from)
                RETURNING feature_key, events, credits, cost
            )
            INSERT INTO period_usage (account_id, period_start, feature_key, events, credits, cost)
            SELECT \(id), \(to), feature_key, events, credits, cost FROM moved ORDER BY feature_key
            ON CONFLICT (account_id, period_start, feature_key) DO UPDATE SET
                events = period_usage.events + EXCLUDED.events,
                credits = period_usage.credits + EXCLUDED.credits,
                cost = period_usage.cost + EXCLUDED.cost
            """)
        try await connection.execute(
            """
            UPDATE alerts a SET period_start = \(to),
                dedupe_key = to_char(\(to) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || '/' || a.threshold
            WHERE a.account_id = \(id) AND a.rule = 'credits_used' AND a.period_start = \(from)
              AND NOT EXISTS (
                  SELECT 1 FROM alerts b
                  WHERE b.account_id = a.account_id AND b.rule = a.rule AND b.period_start = \(to) AND b.threshold = a.threshold)
            """)
    }

    /// Moves the account to `planID` now, or from the start of its next billing period.
    public func changePlan(_ id: Int64, to planID: Int64, timing: PlanChangeTiming, by actor: AuditActor, now: Date) async throws {
        try await pool.withTransaction(scope: .staff) { connection in
            let current = try await AdminRules.lockAndFold(id, now: now, on: connection)
            let before = try await snapshot(id, now: now, on: connection)
            try await AdminRules.requireChoosablePlan(planID, on: connection)
            switch timing {
            case .now:
                guard planID != current.planID else { throw Refused(AccountProblem.alreadyOnPlan) }
                try await connection.execute(
                    "UPDATE accounts SET plan_id = \(planID), next_plan_id = NULL, next_plan_from = NULL WHERE id = \(id)")
            case .nextPeriod:
                let period = try current.account.period(containing: now)
                try await connection.execute(
                    """
                    UPDATE accounts SET next_plan_id = \(planID), next_plan_from = \(period.end) WHERE id = \(id)
                    """)
            }
            try await record("account.plan_change", id, before: before, now: now, by: actor, on: connection)
        }
    }

    /// Cancels a plan change scheduled for the next period.
    public func cancelScheduledPlan(_ id: Int64, by actor: AuditActor, now: Date) async throws {
        try await pool.withTransaction(scope: .staff) { connection in
            _ = try await AdminRules.lockAndFold(id, now: now, on: connection)
            let before = try await snapshot(id, now: now, on: connection)
            try await connection.execute("UPDATE accounts SET next_plan_id = NULL, next_plan_from = NULL WHERE id = \(id)")
            try await record("account.plan_change", id, before: before, now: now, by: actor, on: connection)
        }
    }

    /// Grants credits from `now`; returns the grant's id. Any kind may be granted here (the admin
    /// form offers top-ups and adjustments; extra included credits come from the command and the API).
    @discardableResult
    public func grant(_ id: Int64, _ draft: GrantDraft, by actor: AuditActor, now: Date) async throws -> Int64 {
        guard draft.kind == .adjustment || draft.amount > .zero else { throw Refused(GrantProblem.topUpNotPositive) }
        guard draft.amount != .zero else { throw Refused(GrantProblem.zeroAmount) }
        if let expiresAt = draft.expiresAt, expiresAt <= now { throw Refused(GrantProblem.expiryPast) }
        guard draft.note.count <= 500 else { throw Refused(GrantProblem.noteTooLong) }
        return try await pool.withTransaction(scope: .staff) { connection in
            _ = try await AdminRules.lockAndFold(id, now: now, on: connection)
            let rows = try await connection.query(
                """
                INSERT INTO credit_grants (account_id, kind, amount, granted_at, expires_at, price, note)
                VALUES (\(id), \(draft.kind.rawValue), \(draft.amount.millis), \(now), \(draft.expiresAt), \(draft.price?.nanos), \(draft.note))
                RETURNING id
                """)
            let grantID = try rows.first!.decode(Int64.self, at: 0)
            let after: AuditSnapshot = [
                "kind": draft.kind.rawValue, "amount": draft.amount.formatted, "note": draft.note,
                "price": draft.price.map(AuditText.usd) ?? "none", "expires_at": AuditText.instant(draft.expiresAt),
            ]
            try await AuditTrail.record(
                AuditChange(action: "account.grant", objectKind: "credit_grant", objectID: String(grantID), accountID: id, before: nil, after: after),
                by: actor, at: now, on: connection)
            return grantID
        }
    }

    /// Pauses (every entitlement check is then denied with `paused`) or unpauses the account.
    public func setStatus(_ id: Int64, _ status: AccountStatus, by actor: AuditActor, now: Date) async throws {
        try await pool.withTransaction(scope: .staff) { connection in
            _ = try await AdminRules.lockAndFold(id, now: now, on: connection)
            let before = try await snapshot(id, now: now, on: connection)
            guard before["status"] != status.rawValue else { throw Refused(AccountProblem.alreadyInStatus(status)) }
            try await connection.execute("UPDATE accounts SET status = \(status.rawValue) WHERE id = \(id)")
            try await record(status == .paused ? "account.pause" : "account.unpause", id, before: before, now: now, by: actor, on: connection)
        }
    }

    private func record(
        _ action: String, _ id: Int64, before: AuditSnapshot, now: Date, by actor: AuditActor, on connection: PostgresConnection
    ) async throws {
        let after = try await snapshot(id, now: now, on: connection)
        try await AuditTrail.record(
            AuditChange(action: action, objectKind: "account", objectID: String(id), accountID: id, before: before, after: after),
            by: actor, at: now, on: connection)
    }

    /// The account's fields as the audit log shows them.
    private func snapshot(_ id: Int64, now: Date, on connection: PostgresConnection) async throws -> AuditSnapshot {
        let rows = try await connection.query(
            """
            SELECT a.external_id, a.name, a.status, a.time_zone, a.anchor_day, p.code, n.code, a.next_plan_from
            FROM accounts a LEFT JOIN plans p ON p.id = a.plan_id LEFT JOIN plans n ON n.id = a.next_plan_id
            WHERE a.id = \(id)
            """)
        guard let row = rows.first else { throw NotFound() }
        let (externalID, name, status, zone, anchor, plan, nextPlan, nextFrom) =
            try row.decode((String, String, String, String, Int, String?, String?, Date?).self)
        var snapshot: AuditSnapshot = [
            "external_id": externalID, "name": name, "status": status, "time_zone": zone, "anchor_day": String(anchor),
            "plan": plan ?? "none",
        ]
        if let nextPlan, let nextFrom {
            snapshot["next_plan"] = "\(nextPlan) from \(AuditText.instant(nextFrom))"
        }
        return snapshot
    }
}
