import Foundation
import Postgres
import TallyDatabase
import TallyTestSupport
import Testing

@Suite("Data scopes and row-level security")
struct DataScopeTests {
    /// A tenant table made the way migrations make them.
    func makeNotes(_ database: TestDatabase) async throws {
        let owner = try await database.connect(as: .owner)
        defer { owner.close() }
        try await owner.unsafeExecuteScript(
            """
            CREATE TABLE notes (account_id bigint NOT NULL, id bigint NOT NULL, body text, PRIMARY KEY (account_id, id));
            ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
            ALTER TABLE notes FORCE ROW LEVEL SECURITY;
            CREATE POLICY account_isolation ON notes
                USING (app_can_see_account(account_id)) WITH CHECK (app_can_see_account(account_id));
            """)
    }

    @Test("an account scope sees and writes only its own rows, even with no filter")
    func accountScope() async throws {
        try await TestDatabase.withPool { database, pool in
            try await makeNotes(database)
            try await pool.withTransaction(scope: .service) { connection in
                try await connection.execute("INSERT INTO notes VALUES (1, 1, 'a1'), (1, 2, 'a2'), (2, 1, 'b1')")
            }
            let visible = try await pool.withTransaction(scope: .account(1)) { connection in
                try await connection.query("SELECT body FROM notes ORDER BY body").map { try $0.decode(String.self, at: 0) }
            }
            #expect(visible == ["a1", "a2"])
            do {
                try await pool.withTransaction(scope: .account(1)) { connection in
                    try await connection.execute("INSERT INTO notes VALUES (2, 9, 'sneaky')")
                }
                Issue.record("writing another account's row should fail")
            } catch let error as PostgresError {
                #expect(error.sqlState == "42501")
            }
            let staff = try await pool.withTransaction(scope: .staff) { connection in
                try await connection.query("SELECT count(*)::int8 FROM notes").first!.decode(Int.self, at: 0)
            }
            #expect(staff == 3)
        }
    }

    @Test("with no scope set, a query on account data errors instead of returning rows")
    func noScopeFailsClosed() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { database, pool in
            try await makeNotes(database)
            try await pool.withTransaction(scope: .service) { try await $0.execute("INSERT INTO notes VALUES (1, 1, 'a1')") }
            do {
                _ = try await pool.query("SELECT * FROM notes")
                Issue.record("an unscoped query should fail")
            } catch let error as PostgresError {
                #expect(error.sqlState == "42501")
            }
            // The scope ended with its transaction: the same pooled connection is unscoped again.
            do {
                _ = try await pool.withConnection { try await $0.query("SELECT * FROM notes") }
                Issue.record("the scope leaked to the next use of the connection")
            } catch let error as PostgresError {
                #expect(error.sqlState == "42501")
            }
        }
    }

    @Test("a one-statement scoped query sees its scope, and the scope ends with it")
    func oneStatementScope() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { database, pool in
            try await makeNotes(database)
            try await pool.withTransaction(scope: .service) { connection in
                try await connection.execute("INSERT INTO notes VALUES (1, 1, 'a1'), (2, 1, 'b1')")
            }
            let own = try await pool.query("SELECT body FROM notes ORDER BY body", scope: .account(2))
                .map { try $0.decode(String.self, at: 0) }
            #expect(own == ["b1"])
            let all = try await pool.query("SELECT count(*)::int8 FROM notes", scope: .staff).first!.decode(Int.self, at: 0)
            #expect(all == 2)
            do {
                _ = try await pool.query("INSERT INTO notes VALUES (1, 2, 'sneaky')", scope: .account(2))
                Issue.record("writing another account's row should fail")
            } catch let error as PostgresError {
                #expect(error.sqlState == "42501")
            }
            // The same (only) connection is unscoped again.
            do {
                _ = try await pool.query("SELECT * FROM notes")
                Issue.record("the one-statement scope leaked to the next use of the connection")
            } catch let error as PostgresError {
                #expect(error.sqlState == "42501")
            }
        }
    }
}
