import Foundation
import Postgres
import TallyTestSupport
import Testing

@Suite("Statements held back for the next round trip")
struct PipelineTests {
    @Test("held statements run before the next one, in order, in the same transaction")
    func heldStatementsRunFirst() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            try await connection.execute("CREATE TABLE items (id int8 PRIMARY KEY)")
            let seen = try await connection.withTransaction { connection in
                try connection.sendWithNextStatement("INSERT INTO items VALUES (\(1))")
                try connection.sendWithNextStatement("SELECT set_config('app.note', \("held"), true)")
                return try await connection.query("SELECT current_setting('app.note'), (SELECT count(*)::int8 FROM items)")
                    .first!.decode((String, Int).self)
            }
            #expect(seen.0 == "held")
            #expect(seen.1 == 1)
            // The local setting ended with the transaction.
            let after = try await connection.query("SELECT current_setting('app.note', true)").first!.decode(String?.self, at: 0)
            #expect(after == nil || after == "")
        }
    }

    @Test("without BEGIN, held statements and the next one share one implicit transaction")
    func implicitTransaction() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            try connection.sendWithNextStatement("SELECT set_config('app.note', 'pipelined', true)")
            let inside = try await connection.query("SELECT current_setting('app.note', true)").first!.decode(String.self, at: 0)
            #expect(inside == "pipelined")
            let outside = try await connection.query("SELECT current_setting('app.note', true)").first!.decode(String?.self, at: 0)
            #expect(outside == nil || outside == "")
        }
    }

    @Test("a failing held statement fails the next one, which does not run; the connection stays usable")
    func heldFailure() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            try await connection.execute("CREATE TABLE items (id int8 PRIMARY KEY)")
            try connection.sendWithNextStatement("SELECT 1 / \(0)")
            do {
                try await connection.execute("INSERT INTO items VALUES (\(7))")
                Issue.record("the held division by zero should fail the insert")
            } catch let error as PostgresError {
                #expect(error.sqlState == "22012")
            }
            let count = try await connection.query("SELECT count(*)::int8 FROM items").first!.decode(Int.self, at: 0)
            #expect(count == 0)
            // The same prepared statements work again afterwards.
            try connection.sendWithNextStatement("SELECT 1 / \(1)")
            try await connection.execute("INSERT INTO items VALUES (\(7))")
            let again = try await connection.query("SELECT count(*)::int8 FROM items").first!.decode(Int.self, at: 0)
            #expect(again == 1)
        }
    }

    @Test("a failing statement after held ones rolls the transaction back with them")
    func failingNextStatement() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            try await connection.execute("CREATE TABLE items (id int8 PRIMARY KEY)")
            try await connection.execute("INSERT INTO items VALUES (\(1))")
            await #expect(throws: PostgresError.self) {
                try await connection.withTransaction { connection in
                    try connection.sendWithNextStatement("INSERT INTO items VALUES (\(2))")
                    try await connection.execute("INSERT INTO items VALUES (\(1))")
                }
            }
            let ids = try await connection.query("SELECT id FROM items ORDER BY id").map { try $0.decode(Int.self, at: 0) }
            #expect(ids == [1])
        }
    }

    @Test("COPY and scripts send held statements first")
    func copyAndScriptFlush() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            try await connection.execute("CREATE TABLE items (id int8 PRIMARY KEY)")
            try await connection.withTransaction { connection in
                try connection.sendWithNextStatement("INSERT INTO items VALUES (\(100))")
                try await connection.copyFromStdin("COPY items (id) FROM STDIN") { writer in
                    for id in 1...3 { try await writer.append(id) }
                }
                try connection.sendWithNextStatement("INSERT INTO items VALUES (\(200))")
                try await connection.unsafeExecuteScript("INSERT INTO items VALUES (300); INSERT INTO items VALUES (301)")
            }
            let ids = try await connection.query("SELECT id FROM items ORDER BY id").map { try $0.decode(Int.self, at: 0) }
            #expect(ids == [1, 2, 3, 100, 200, 300, 301])
        }
    }

    @Test("a pooled connection with a transaction that only held statements goes back clean")
    func poolAfterEmptyTransaction() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { database, pool in
            let value = try await pool.withTransaction { connection in
                try connection.sendWithNextStatement("SELECT set_config('app.note', 'x', true)")
                return 5
            }
            #expect(value == 5)
            let note = try await pool.query("SELECT current_setting('app.note', true)").first!.decode(String?.self, at: 0)
            #expect(note == nil || note == "")
        }
    }

    @Test("a pipeline returns each statement's rows in order, in one implicit transaction")
    func pipelineResults() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            try await connection.execute("CREATE TABLE items (id int8 PRIMARY KEY)")
            let results = try await connection.pipeline([
                "INSERT INTO items VALUES (\(1)), (\(2))",
                "SELECT count(*)::int8 FROM items",
                "SELECT id FROM items WHERE id > \(1)",
            ])
            #expect(results.count == 3)
            #expect(results[0].affectedRows == 2)
            #expect(try results[1].first!.decode(Int.self, at: 0) == 2)
            #expect(try results[2].map { try $0.decode(Int.self, at: 0) } == [2])
            // A failure part-way: nothing of the pipeline is committed, and the connection works.
            do {
                _ = try await connection.pipeline([
                    "INSERT INTO items VALUES (\(3))",
                    "INSERT INTO items VALUES (\(1))",
                    "INSERT INTO items VALUES (\(4))",
                ])
                Issue.record("the duplicate key should fail the pipeline")
            } catch let error as PostgresError {
                #expect(error.sqlState == "23505")
            }
            let ids = try await connection.query("SELECT id FROM items ORDER BY id").map { try $0.decode(Int.self, at: 0) }
            #expect(ids == [1, 2])
        }
    }
}
