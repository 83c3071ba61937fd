import Foundation
@testable import Postgres
import TallyTestSupport
import Testing

/// A read of `count` rows numbered from `start`, each with how many reads shared its statement.
private struct NumbersRead: BatchedRead {
    let start: Int
    let count: Int
    let label: String

    static func batchQuery(_ reads: [NumbersRead]) -> PostgresQuery {
        """
        SELECT r.position, r.start + n, r.label, cardinality(\(reads.map(\.start)))
        FROM unnest(\(reads.map(\.start)), \(reads.map(\.count)), \(reads.map(\.label))) WITH ORDINALITY AS r(start, count, label, position)
        CROSS JOIN LATERAL generate_series(0, r.count - 1) AS n
        """
    }
}

/// A read that fails in SQL when its divisor is 0.
private struct QuotientRead: BatchedRead {
    let divisor: Int

    static func batchQuery(_ reads: [QuotientRead]) -> PostgresQuery {
        """
        SELECT r.position, 100 / r.divisor, cardinality(\(reads.map(\.divisor)))
        FROM unnest(\(reads.map(\.divisor))) WITH ORDINALITY AS r(divisor, position)
        """
    }
}

/// A statement that breaks the contract: its rows name no read.
private struct PositionlessRead: BatchedRead {
    let value: Int

    static func batchQuery(_ reads: [PositionlessRead]) -> PostgresQuery {
        "SELECT 0::int8, v FROM unnest(\(reads.map(\.value))) AS v"
    }
}

@Suite("Reads batched into one statement")
struct BatchedReadTests {
    @Test("each of hundreds of concurrent reads gets exactly its own rows (none, one or several)", arguments: [0, 1, 2])
    func eachReadGetsItsOwnRows(lanes: Int) async throws {
        try await TestDatabase.withOwnerPool(sharedConnections: lanes) { database, pool in
            let answers = try await withThrowingTaskGroup(of: (Int, [Int], [String], Int).self) { group in
                for index in 0..<300 {
                    group.addTask {
                        // Plain units travel in the same round trips.
                        if index.isMultiple(of: 5) {
                            _ = try await pool.read(["SELECT \(index)::int8"])
                        }
                        let rows = try await pool.read(NumbersRead(start: index * 10, count: index % 4, label: "read \(index) ✓"))
                        let numbers = try rows.map { try $0.decode(Int.self, at: 1) }
                        let labels = try rows.map { try $0.decode(String.self, at: 2) }
                        let shared = try rows.map { try $0.decode(Int.self, at: 3) }.max() ?? 0
                        return (index, numbers, labels, shared)
                    }
                }
                return try await group.reduce(into: [(Int, [Int], [String], Int)]()) { $0.append($1) }
            }
            #expect(answers.count == 300)
            for (index, numbers, labels, _) in answers {
                #expect(numbers == (0..<(index % 4)).map { index * 10 + $0 })
                #expect(labels == Array(repeating: "read \(index) ✓", count: index % 4))
            }
        }
    }

    @Test("reads waiting together share one statement")
    func waitingReadsShareOneStatement() async throws {
        try await TestDatabase.withOwnerPool(sharedConnections: 1) { database, pool in
            let gate = try await LaneGate.close(database, pool, lanes: 1)
            let reads = (0..<40).map { index in Task { try await pool.read(NumbersRead(start: index, count: 1, label: "")) } }
            try await gate.open(once: 40)
            for (index, task) in reads.enumerated() {
                let rows = try await task.value
                #expect(rows.count == 1)
                #expect(try rows[0].decode(Int.self, at: 1) == index)
                // All 40 waited while the lane was held: one statement answered them all.
                #expect(try rows[0].decode(Int.self, at: 3) == 40)
            }
        }
    }

    @Test("a value that fails the shared statement fails only its own read", arguments: [0, 1])
    func failingValueFailsAlone(lanes: Int) async throws {
        try await TestDatabase.withOwnerPool(sharedConnections: lanes) { database, pool in
            let gate = try await LaneGate.close(database, pool, lanes: lanes)
            let divisions = (0..<20).map { index in Task { try await pool.read(QuotientRead(divisor: index == 7 ? 0 : index + 1)) } }
            // A NUL cannot be bound at all: that read fails before the statement runs.
            let nul = Task { try await pool.read(NumbersRead(start: 0, count: 1, label: "a\u{0}b")) }
            let fine = Task { try await pool.read(NumbersRead(start: 5, count: 1, label: "fine")) }
            // With a lane, all 22 travel in one round trip: 20 divisions in one statement.
            try await gate.open(once: lanes > 0 ? 22 : 0)
            for (index, task) in divisions.enumerated() {
                do {
                    let rows = try await task.value
                    #expect(index != 7, "dividing by zero should fail")
                    #expect(try rows.map { try $0.decode(Int.self, at: 1) } == [100 / (index + 1)])
                } catch let error as PostgresError {
                    #expect(index == 7, "read \(index) failed: \(error)")
                    #expect(error.sqlState == "22012")
                }
            }
            do {
                _ = try await nul.value
                Issue.record("a NUL in a text should fail its read")
            } catch let error as PostgresError {
                #expect(error.kind == .nulInString)
            }
            #expect(try await fine.value.map { try $0.decode(String.self, at: 2) } == ["fine"])
        }
    }

    @Test("rows that name no read fail their reads, and the connection keeps working")
    func rowsWithoutPositionFail() async throws {
        try await TestDatabase.withOwnerPool(sharedConnections: 1) { database, pool in
            for value in [1, 2] {
                do {
                    _ = try await pool.read(PositionlessRead(value: value))
                    Issue.record("a row without a position should fail its read")
                } catch let error as PostgresError {
                    #expect(error.kind == .server)
                }
            }
            let rows = try await pool.read(NumbersRead(start: 3, count: 2, label: "after"))
            #expect(try rows.map { try $0.decode(Int.self, at: 1) } == [3, 4])
        }
    }

    @Test("a batched read runs read-only and sees what was committed before it was asked")
    func readOnlyAndReadsCommittedWrites() async throws {
        try await TestDatabase.withOwnerPool(sharedConnections: 1) { database, pool in
            try await pool.execute("CREATE TABLE notes (id int8 PRIMARY KEY, body text NOT NULL)")
            struct NoteRead: BatchedRead {
                let id: Int
                static func batchQuery(_ reads: [NoteRead]) -> PostgresQuery {
                    """
                    SELECT r.position, n.body, current_setting('transaction_read_only')
                    FROM unnest(\(reads.map(\.id))) WITH ORDINALITY AS r(id, position)
                    JOIN notes n ON n.id = r.id
                    """
                }
            }
            #expect(try await pool.read(NoteRead(id: 1)).isEmpty)
            try await pool.execute("INSERT INTO notes VALUES (1, 'first')")
            let rows = try await pool.read(NoteRead(id: 1))
            #expect(try rows.map { try $0.decode(String.self, at: 1) } == ["first"])
            #expect(try rows.map { try $0.decode(String.self, at: 2) } == ["on"])
        }
    }
}
