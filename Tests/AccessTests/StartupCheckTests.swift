import Foundation
import Postgres
import TallyDatabase
import TallyTestSupport
import Testing

@Suite("Start-up check: row-level security")
struct StartupCheckTests {
    @Test("a table with account_id lacking ENABLE or FORCE, or a view without security_invoker, stops the server by name")
    func unprotectedTablesAreNamed() async throws {
        try await TestDatabase.with { database in
            let owner = try await database.connect(as: .owner)
            defer { owner.close() }
            try await owner.unsafeExecuteScript(
                """
                CREATE TABLE invoices (account_id bigint NOT NULL, total bigint);
                CREATE TABLE notes (account_id bigint NOT NULL, body text);
                ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
                CREATE VIEW account_names AS SELECT id, name FROM accounts;
                CREATE VIEW safe_account_names WITH (security_invoker = true) AS SELECT id, name FROM accounts;
                """)
            let app = try await database.connect(as: .app)
            defer { app.close() }
            do {
                try await DatabaseRoles.verifyServing(on: app)
                Issue.record("unprotected account data should stop the server")
            } catch let error as UnprotectedAccountDataError {
                #expect(error.tables == ["invoices", "notes"])
                #expect(error.views == ["account_names"])
                #expect(error.description.contains("invoices, notes"))
                #expect(error.description.contains("account_names"))
            }
            try await owner.unsafeExecuteScript(
                """
                ALTER TABLE invoices ENABLE ROW LEVEL SECURITY; ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
                ALTER TABLE notes FORCE ROW LEVEL SECURITY;
                ALTER VIEW account_names SET (security_invoker = true);
                """)
            try await DatabaseRoles.verifyServing(on: app)
        }
    }

    @Test("the owner and the superuser are refused before the tables are looked at")
    func unsafeRoles() async throws {
        try await TestDatabase.with { database in
            for role in [TestDatabase.Role.owner, .superuser] {
                let connection = try await database.connect(as: role)
                defer { connection.close() }
                await #expect(throws: UnsafeAppRoleError.self) { try await DatabaseRoles.verifyServing(on: connection) }
            }
        }
    }
}
