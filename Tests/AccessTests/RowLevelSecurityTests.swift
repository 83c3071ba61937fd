import Foundation
import Postgres
import TallyAccess
import TallyDatabase
import TallyTestSupport
import TallyWeb
import TallyWebTestSupport
import Testing

/// Row-level security, tested as the app role over every account-data table the catalogue has
/// (`DatabaseRoles.accountDataTables`), so tables added by later migrations are covered too.
@Suite("Row-level security on account data")
struct RowLevelSecurityTests {
    @Test("every account-data table has ENABLE and FORCE, and the start-up check passes")
    func catalogueIsProtected() async throws {
        try await TestDatabase.with { database in
            let app = try await database.connect(as: .app)
            defer { app.close() }
            let tables = try await DatabaseRoles.accountDataTables(on: app)
            #expect(Set(["accounts", "users", "sessions"]).isSubset(of: Set(tables.map(\.name))))
            for table in tables { #expect(table.isProtected, "\(table.name) lacks ENABLE/FORCE ROW LEVEL SECURITY") }
            try await DatabaseRoles.verifyServing(on: app)
        }
    }

    @Test("every account-column policy reads the scope once per statement (migration 0011's form)")
    func policiesReadTheScopeOnce() async throws {
        try await TestDatabase.with { database in
            let owner = try await database.connect(as: .owner)
            defer { owner.close() }
            let tables = try await DatabaseRoles.accountDataTables(on: owner).filter { $0.accountColumn != nil }
            for table in tables {
                let policies = try await owner.query(
                    "SELECT qual, with_check FROM pg_policies WHERE schemaname = 'public' AND tablename = \(table.name)")
                    .map { try $0.decode((String, String).self) }
                #expect(!policies.isEmpty, "\(table.name) has no policy")
                for (qual, check) in policies {
                    // A per-row current_setting() call costs every scan; the scalar subquery is an InitPlan.
                    for expression in [qual, check] {
                        #expect(expression.contains("( SELECT current_setting('app.scope'::text, true)"), "\(table.name): \(expression)")
                        #expect(expression.contains("app_no_data_scope()"), "\(table.name) must fail closed")
                    }
                }
            }
        }
    }

    /// A statement that waits for a row another transaction changed re-checks the new version
    /// (EvalPlanQual), which evaluates the policies' InitPlans eagerly, the account id's too:
    /// in a staff or service scope that id is empty, and the re-check must not fail on it.
    @Test("in staff and service scope, an UPDATE that waited for a concurrent one on the same rows proceeds", arguments: [DataScope.staff, .service])
    func updateAfterLockWait(scope: DataScope) async throws {
        try await WebHarness.with { harness in
            let (a, _, _) = try await AccountDataSeeds.plant(harness)
            let first = try await harness.database.connect(as: .app)
            let second = try await harness.database.connect(as: .app)
            defer { first.close(); second.close() }
            for connection in [first, second] {
                try await connection.execute("BEGIN")
                try connection.setDataScope(scope)
            }
            #expect(try await first.execute("UPDATE accounts SET name = 'first' WHERE id = \(a.id)") == 1)
            #expect(try await first.execute("UPDATE users SET email = email WHERE account_id = \(a.id)") >= 1)
            let waiting = Task {
                let accounts = try await second.execute("UPDATE accounts SET name = 'second' WHERE id = \(a.id)")
                let users = try await second.execute("UPDATE users SET email = email WHERE account_id = \(a.id)")
                try await second.execute("COMMIT")
                return (accounts, users)
            }
            // The second UPDATE must wait for the first transaction (this fails if it never does).
            try await harness.database.waitForLockWaiters()
            try await first.execute("COMMIT")
            let (accounts, users) = try await waiting.value
            #expect(accounts == 1)
            #expect(users >= 1)
            let name = try await harness.pool.query("SELECT name FROM accounts WHERE id = \(a.id)", scope: .service)
            #expect(try name.first?.decode(String.self, at: 0) == "second")
        }
    }

    @Test("with account A set, an unfiltered SELECT * on every account-data table shows none of B's rows")
    func accountSeesOnlyItself() async throws {
        try await WebHarness.with { harness in
            let (a, b, unseeded) = try await AccountDataSeeds.plant(harness)
            #expect(unseeded.isEmpty, "add a seed in AccountDataSeeds for: \(unseeded)")
            let database = harness.pool
            let tables = try await accountDataTables(harness)
            for table in tables {
                let all = try await rowCount(table.name, database, .service)
                let mine = try await rowCount(table.name, database, .account(a.id))
                let owners = try await visibleAccounts(table, database, .account(a.id))
                #expect(owners.allSatisfy { $0 == a.id }, "\(table.name): account A sees rows of \(Set(owners))")
                #expect(mine > 0 && mine < all, "\(table.name): A sees \(mine) of \(all) rows; seeds for A and B expected")
                let bravo = try await visibleAccounts(table, database, .account(b.id))
                #expect(bravo.allSatisfy { $0 == b.id }, "\(table.name): account B sees rows of \(Set(bravo))")
            }
        }
    }

    @Test("with account A set, inserting a row for B fails with 42501 in every account-data table")
    func insertForOtherAccountFails() async throws {
        try await WebHarness.with { harness in
            let (a, b, _) = try await AccountDataSeeds.plant(harness)
            let database = harness.pool
            let bravoUser = try #require(try await harness.access.users.find(email: "bravo-owner@rls.test"))
            for table in try await accountDataTables(harness) {
                let insert: PostgresQuery
                switch table.accountColumn {
                case "id": insert = "INSERT INTO accounts (id, external_id, name) OVERRIDING SYSTEM VALUE VALUES (\(b.id), 'x', 'x')"
                case let column?: insert = "INSERT INTO \(identifier: table.name) (\(identifier: column)) VALUES (\(b.id))"
                case nil: insert = "INSERT INTO \(identifier: table.name) (user_id) VALUES (\(bravoUser.id))"
                }
                let state = try await sqlState(of: insert, database, .account(a.id))
                #expect(state == "42501", "\(table.name): inserting B's row as A gave \(state ?? "success")")
            }
        }
    }

    @Test("with no scope set, a query on any account-data table errors instead of returning rows")
    func noScopeFailsClosed() async throws {
        try await WebHarness.with { harness in
            _ = try await AccountDataSeeds.plant(harness)
            for table in try await accountDataTables(harness) {
                do {
                    let rows = try await harness.pool.query("SELECT * FROM \(identifier: table.name)")
                    Issue.record("\(table.name): an unscoped query returned \(rows.count) row(s)")
                } catch let error as PostgresError {
                    #expect(error.sqlState == "42501", "\(table.name): \(error.sqlState ?? "-")")
                }
            }
        }
    }

    // MARK: - Helpers (SQL over the catalogue, as the app role)

    private func accountDataTables(_ harness: WebHarness) async throws -> [AccountDataTable] {
        let connection = try await harness.database.connect(as: .app)
        defer { connection.close() }
        return try await DatabaseRoles.accountDataTables(on: connection)
    }

    private func rowCount(_ table: String, _ database: PostgresPool, _ scope: AccessScope) async throws -> Int {
        try await database.withTransaction(scope: scope) {
            try await $0.query("SELECT count(*) FROM \(identifier: table)").first?.decode(Int.self, at: 0) ?? 0
        }
    }

    /// The account of every row `scope` sees through an unfiltered `SELECT *` (sessions: their
    /// user's account, looked up in the service scope).
    private func visibleAccounts(_ table: AccountDataTable, _ database: PostgresPool, _ scope: AccessScope) async throws -> [Int64] {
        let column = table.accountColumn ?? "user_id"
        let values = try await database.withTransaction(scope: scope) { connection in
            try await connection.query("SELECT * FROM \(identifier: table.name)").map {
                try $0.decode(Int64.self, column: column)
            }
        }
        guard table.accountColumn == nil else { return values }
        return try await database.withTransaction(scope: .service) { connection in
            try await connection.query("SELECT coalesce(account_id, 0) FROM users WHERE id = ANY(\(values))").map {
                try $0.decode(Int64.self, at: 0)
            }
        }
    }

    private func sqlState(of query: PostgresQuery, _ database: PostgresPool, _ scope: AccessScope) async throws -> String? {
        do {
            try await database.withTransaction(scope: scope) { try await $0.execute(query) }
            return nil
        } catch let error as PostgresError {
            return error.sqlState
        }
    }
}
