import Foundation
import Metering
import Postgres
import TallyDatabase

/// Checks shared by the admin stores.
enum AdminRules {
    /// The account's current state, after a scheduled plan change whose instant has passed was
    /// folded into `plan_id`.
    struct LockedAccount {
        let account: MeteredAccount
        /// The plan in effect now.
        var planID: Int64? { account.planID }
    }

    static func check(_ draft: AccountDraft) throws(Refused<AccountProblem>) {
        try Refused.check(draft.problems())
    }

    /// Refuses a plan that does not exist or is archived (archived plans keep their accounts
    /// but are not offered for new choices).
    static func requireChoosablePlan(_ planID: Int64, on connection: PostgresConnection) async throws {
        let rows = try await connection.query("SELECT archived FROM plans WHERE id = \(planID)")
        guard let row = rows.first else { throw Refused(AccountProblem.unknownPlan) }
        if try row.decode(Bool.self, at: 0) { throw Refused(AccountProblem.planArchived) }
    }

    /// Locks the account row, folds a scheduled plan change that is already in effect into
    /// `plan_id`, and returns the account. Throws `NotFound`.
    static func lockAndFold(_ id: Int64, now: Date, on connection: PostgresConnection) async throws -> LockedAccount {
        try await connection.execute(
            """
            UPDATE accounts SET plan_id = next_plan_id, next_plan_id = NULL, next_plan_from = NULL
            WHERE id = \(id) AND next_plan_from <= \(now)
            """)
        let rows = try await connection.query(
            """
            SELECT id, external_id, plan_id, status, time_zone, anchor_day FROM accounts WHERE id = \(id) FOR UPDATE
            """)
        guard let row = rows.first else { throw NotFound() }
        return LockedAccount(account: try IngestCatalog.meteredAccount(row))
    }

    /// Runs `body`, turning a unique violation into a refusal for `problem`.
    @discardableResult
    static func unique<T: Sendable, Problem: Hashable & Sendable>(
        _ problem: Problem, _ body: () async throws -> T
    ) async throws -> T {
        do {
            return try await body()
        } catch let error as PostgresError where error.sqlState == "23505" {
            throw Refused(problem)
        }
    }
}
