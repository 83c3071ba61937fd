import Foundation
import Metering
import Postgres

/// Checks shared by the admin stores.
enum AdminRules {
    /// The account's current state, after a scheduled plan change whose instant has passed was
    /// folded into `plan_id`.
    struct LockedAccount {
        let account: MeteredAccount
        /// The plan in effect now.
        var planID: Int64? { account.planID }
    }

    static func check(_ draft: AccountDraft) throws(AdminChangeError) {
        if let problem = draft.problems().sorted(by: { $0.key < $1.key }).first {
            throw .invalid(field: problem.key, message: problem.value)
        }
    }

    /// Refuses a plan that does not exist or is archived (archived plans keep their accounts
    /// but are not offered for new choices).
    static func requireChoosablePlan(_ planID: Int64, on connection: PostgresConnection) async throws {
        let rows = try await connection.query("SELECT archived FROM plans WHERE id = \(planID)")
        guard let row = rows.first else { throw AdminChangeError.invalid(field: "plan", message: "Choose a plan from the list.") }
        if try row.decode(Bool.self, at: 0) {
            throw AdminChangeError.invalid(field: "plan", message: "This plan is archived; choose another or unarchive it first.")
        }
    }

    /// Locks the account row, folds a scheduled plan change that is already in effect into
    /// `plan_id`, and returns the account. Throws `notFound`.
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
        guard let row = rows.first else { throw AdminChangeError.notFound }
        return LockedAccount(account: try IngestCatalog.meteredAccount(row))
    }

    /// Runs `body`, turning a unique violation into `invalid(field:message:)`.
    @discardableResult
    static func unique<T: Sendable>(field: String, _ message: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PostgresError where error.sqlState == "23505" {
            throw AdminChangeError.invalid(field: field, message: message)
        }
    }
}
