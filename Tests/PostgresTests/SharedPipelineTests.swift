import Foundation
import Postgres
import TallyTestSupport
import Testing

@Suite("Implicit transactions over shared connections")
struct SharedPipelineTests {
    @Test("hundreds of concurrent callers each get their own rows back", arguments: [1, 2])
    func callersGetTheirOwnRows(lanes: Int) async throws {
        try await TestDatabase.withOwnerPool(sharedConnections: lanes) { database, pool in
            let answers = try await withThrowingTaskGroup(of: (Int, Int, String, Int).self) { group in
                for index in 0..<300 {
                    group.addTask {
                        // Two statement texts and units of one and two statements, mixed in each round trip.
                        if index.isMultiple(of: 3) {
                            let rows = try await pool.read([
                                "SELECT \(index)::int8, repeat('x', \(index % 40)::int4)",
                                "SELECT \(index * 2)::int8",
                            ])
                            let (number, text) = try rows[0].first!.decode((Int, String).self)
                            return (index, number, text, try rows[1].first!.decode(Int.self, at: 0))
                        }
                        let rows = try await pool.read(["SELECT \(index)::int8, repeat('x', \(index % 40)::int4)"])
                        let (number, text) = try rows[0].first!.decode((Int, String).self)
                        return (index, number, text, index * 2)
                    }
                }
                return try await group.reduce(into: [(Int, Int, String, Int)]()) { $0.append($1) }
            }
            #expect(answers.count == 300)
            for (index, number, text, double) in answers {
                #expect(number == index)
                #expect(text == String(repeating: "x", count: index % 40))
                #expect(double == index * 2)
            }
        }
    }

    @Test("a failing unit fails alone, and a write is refused, not run, whichever way it is sent", arguments: [0, 1])
    func failingUnitFailsAlone(lanes: Int) async throws {
        try await TestDatabase.withOwnerPool(sharedConnections: lanes) { database, pool in
            try await pool.execute("CREATE TABLE items (id int8 PRIMARY KEY)")
            let outcomes = await withTaskGroup(of: (Int, String?).self) { group in
                for index in 0..<60 {
                    group.addTask {
                        do {
                            switch index % 6 {
                            case 0: _ = try await pool.read(["SELECT \(index)::int8", "SELECT 1 / \(0)::int4", "SELECT 2::int8"])
                            case 1: _ = try await pool.read(["INSERT INTO items VALUES (\(index))"])
                            default:
                                let rows = try await pool.read(["SELECT \(index)::int8"])
                                #expect(try rows[0].first!.decode(Int.self, at: 0) == index)
                            }
                            return (index, nil)
                        } catch let error as PostgresError {
                            return (index, error.sqlState ?? "no SQLSTATE: \(error)")
                        } catch {
                            return (index, "\(error)")
                        }
                    }
                }
                return await group.reduce(into: [(Int, String?)]()) { $0.append($1) }
            }
            for (index, failure) in outcomes {
                let expected: String? = switch index % 6 {
                case 0: "22012"  // division by zero, in the middle of its unit
                case 1: "25006"  // a write in a read-only transaction
                default: nil
                }
                #expect(failure == expected, "unit \(index)")
            }
            let stored = try await pool.query("SELECT count(*)::int8 FROM items").first!.decode(Int.self, at: 0)
            #expect(stored == 0)
        }
    }

    @Test("a statement that cannot be prepared fails each time with its own error; the connection keeps working")
    func preparationFailure() async throws {
        try await TestDatabase.withOwnerPool(sharedConnections: 1) { database, pool in
            for _ in 0..<2 {
                do {
                    _ = try await pool.read(["SELEC \(1)::int8"])
                    Issue.record("a syntax error should fail")
                } catch let error as PostgresError {
                    #expect(error.sqlState == "42601")
                }
            }
            let value = try await pool.read(["SELECT \(7)::int8"])[0].first!.decode(Int.self, at: 0)
            #expect(value == 7)
        }
    }

    /// Unit A fails before its PREPARE of a new statement runs; unit B, in the same round trip,
    /// uses the same statement. B must not depend on A's PREPARE.
    @Test("a statement first prepared by a failing unit does not break the next unit of the same round trip")
    func preparedByAFailingUnit() async throws {
        try await TestDatabase.withOwnerPool(sharedConnections: 1) { database, pool in
            // Keep the connection busy so that A and B queue up and travel together, in order.
            let gate = try await LaneGate.close(database, pool, lanes: 1)
            let a = Task { try await pool.read(["SELECT 1 / \(0)::int4", "SELECT \(1)::int8 + 41"]) }
            try await gate.waitForQueuedReads(1)
            let b = Task { try await pool.read(["SELECT \(1)::int8 + 41"]) }
            try await gate.open(once: 2)
            do {
                _ = try await a.value
                Issue.record("division by zero should fail")
            } catch let error as PostgresError {
                #expect(error.sqlState == "22012")
            }
            #expect(try await b.value[0].first!.decode(Int.self, at: 0) == 42)
            // And the statement is prepared normally afterwards.
            for _ in 0..<2 { #expect(try await pool.read(["SELECT \(1)::int8 + 41"])[0].first!.decode(Int.self, at: 0) == 42) }
        }
    }

    @Test("after the server ends a shared connection, later calls are served on a new one")
    func reconnectsAfterTermination() async throws {
        try await TestDatabase.withOwnerPool(sharedConnections: 1) { database, pool in
            let first = try await pool.read(["SELECT pg_backend_pid()::int8"])[0].first!.decode(Int.self, at: 0)
            let superuser = try await database.connect(as: .superuser)
            defer { superuser.close() }
            _ = try await superuser.query("SELECT pg_terminate_backend(\(first)::int4, 5000)")
            var served: Int?
            for _ in 0..<5 where served == nil {
                do {
                    served = try await pool.read(["SELECT pg_backend_pid()::int8"])[0].first!.decode(Int.self, at: 0)
                } catch let error as PostgresError {
                    #expect(error.isUnavailable, "a lost connection is reported as unavailable, got \(error)")
                }
            }
            #expect(served != nil)
            #expect(served != first)
        }
    }

    @Test("after shutdown (twice), calls fail with poolClosed")
    func closedAfterShutdown() async throws {
        try await TestDatabase.with { database in
            let pool = database.makePool(as: .owner, maxConnections: 2, acquireTimeout: .seconds(600), sharedConnections: 2)
            #expect(try await pool.read(["SELECT 1::int8"])[0].count == 1)
            await pool.shutdown()
            // A second shutdown returns too.
            await pool.shutdown()
            do {
                _ = try await pool.read(["SELECT 1::int8"])
                Issue.record("a closed pool should refuse")
            } catch let error as PostgresError {
                #expect(error.kind == .poolClosed)
            }
        }
    }
}
