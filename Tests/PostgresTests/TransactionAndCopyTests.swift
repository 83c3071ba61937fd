import Foundation
import Postgres
import TallyTestSupport
import Testing

@Suite("Transactions and COPY")
struct TransactionAndCopyTests {
    struct Boom: Error {}

    @Test("a transaction commits when the closure returns and rolls back when it throws")
    func commitAndRollback() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            try await connection.execute("CREATE TABLE items (id int8 PRIMARY KEY)")
            try await connection.withTransaction { try await $0.execute("INSERT INTO items VALUES (\(1))") }
            await #expect(throws: Boom.self) {
                try await connection.withTransaction { connection in
                    try await connection.execute("INSERT INTO items VALUES (\(2))")
                    throw Boom()
                }
            }
            // A failing statement inside also rolls the whole transaction back.
            await #expect(throws: PostgresError.self) {
                try await connection.withTransaction { connection in
                    try await connection.execute("INSERT INTO items VALUES (\(3))")
                    try await connection.execute("INSERT INTO items VALUES (\(1))")
                }
            }
            let ids = try await connection.query("SELECT id FROM items ORDER BY id").map { try $0.decode(Int.self, at: 0) }
            #expect(ids == [1])
        }
    }

    @Test("COPY FROM STDIN loads 100,000 rows with escapes and NULLs intact")
    func copyHundredThousand() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            try await connection.execute("CREATE TABLE events (id int8, label text, amount float8, at timestamptz)")
            let start = Date(timeIntervalSince1970: 1_790_000_000)
            let loaded = try await connection.copyFromStdin("COPY events (id, label, amount, at) FROM STDIN") { writer in
                for index in 0..<100_000 {
                    let label: String? = index % 10 == 0 ? nil : "row\t\(index)\n\\ 'x'"
                    try await writer.append(index, label, Double(index) / 4, start.addingTimeInterval(Double(index)))
                }
            }
            #expect(loaded == 100_000)
            let row = try #require(
                try await connection.query(
                    "SELECT count(*)::int8, sum(id)::int8, count(label)::int8, max(at) FROM events"
                ).first)
            let (count, sum, labelled, latest) = try row.decode((Int, Int, Int, Date).self)
            #expect(count == 100_000)
            #expect(sum == 99_999 * 100_000 / 2)
            #expect(labelled == 90_000)
            #expect(latest == start.addingTimeInterval(99_999))
            let label = try await connection.query("SELECT label FROM events WHERE id = \(7)").first?.decode(String.self, at: 0)
            #expect(label == "row\t7\n\\ 'x'")
        }
    }

    @Test("a COPY whose producer throws loads nothing and leaves the connection usable")
    func copyAborted() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            try await connection.execute("CREATE TABLE events (id int8)")
            await #expect(throws: Boom.self) {
                try await connection.copyFromStdin("COPY events (id) FROM STDIN") { writer in
                    for index in 0..<1000 { try await writer.append(index) }
                    throw Boom()
                }
            }
            let count = try await connection.query("SELECT count(*)::int8 FROM events").first?.decode(Int.self, at: 0)
            #expect(count == 0)
        }
    }

    @Test("COPY of a bad value fails with copyFailed and loads nothing")
    func copyBadValue() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            try await connection.execute("CREATE TABLE events (id int8)")
            do {
                try await connection.copyFromStdin("COPY events (id) FROM STDIN") { writer in
                    try await writer.append("1")
                    try await writer.append("not a number")
                }
                Issue.record("COPY of a bad value should fail")
            } catch let error as PostgresError {
                #expect(error.kind == .copyFailed)
                #expect(error.sqlState == "22P02")
            }
            let count = try await connection.query("SELECT count(*)::int8 FROM events").first?.decode(Int.self, at: 0)
            #expect(count == 0)
        }
    }
}
