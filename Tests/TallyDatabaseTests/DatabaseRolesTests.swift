import Foundation
import Logging
import Postgres
import TallyDatabase
import TallyTestSupport
import Testing

@Suite("Database roles")
struct DatabaseRolesTests {
    @Test("the app role passes the start-up check; the owner and the superuser are refused")
    func appRoleCheck() async throws {
        try await TestDatabase.with { database in
            let owner = try await database.connect(as: .owner)
            defer { owner.close() }
            try await owner.execute("CREATE TABLE owned (id int8)")

            let app = try await database.connect(as: .app)
            defer { app.close() }
            try await DatabaseRoles.verifyAppRole(on: app)

            do {
                try await DatabaseRoles.verifyAppRole(on: owner)
                Issue.record("the owner role should be refused")
            } catch let error as UnsafeAppRoleError {
                #expect(error.reasons.contains { $0.hasPrefix("owns") })
            }
            let superuser = try await database.connect(as: .superuser)
            defer { superuser.close() }
            do {
                try await DatabaseRoles.verifyAppRole(on: superuser)
                Issue.record("a superuser should be refused")
            } catch let error as UnsafeAppRoleError {
                #expect(error.reasons.contains("is a superuser"))
                #expect(error.reasons.contains("has BYPASSRLS"))
            }
        }
    }

    @Test("the app role can use tables the owner creates, but cannot create or alter any")
    func appRoleGrants() async throws {
        try await TestDatabase.with { database in
            let owner = try await database.connect(as: .owner)
            defer { owner.close() }
            try await owner.execute("CREATE TABLE notes (id int8 PRIMARY KEY, body text)")
            let app = try await database.connect(as: .app)
            defer { app.close() }
            try await app.execute("INSERT INTO notes VALUES (\(1), \("hello"))")
            #expect(try await app.query("SELECT body FROM notes").first?.decode(String.self, at: 0) == "hello")
            for statement: PostgresQuery in ["CREATE TABLE mine (id int8)", "ALTER TABLE notes ADD COLUMN x int8", "DROP TABLE notes"] {
                do {
                    try await app.execute(statement)
                    Issue.record("the app role should not be able to run DDL")
                } catch let error as PostgresError {
                    #expect(error.sqlState == "42501")
                }
            }
            do {
                try await app.execute("DELETE FROM schema_migrations")
                Issue.record("the app role should not be able to change the migration history")
            } catch let error as PostgresError {
                #expect(error.sqlState == "42501")
            }
        }
    }
}
