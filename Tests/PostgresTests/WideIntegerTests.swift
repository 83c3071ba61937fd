import Foundation
import Postgres
import TallyTestSupport
import Testing

@Suite("128-bit integers: binds and numeric(38,0) results")
struct WideIntegerTests {
    static let values: [Int128] = [
        0, 1, -1, 9_999, 10_000, 10_001, -10_000, 100_000_000, Int128(Int64.max), Int128(Int64.max) + 1,
        Int128(Int64.min) - 1, Int128(Int64.max) * 1_000_003, -(Int128(Int64.max) * 7_777),
        Int128("99999999999999999999999999999999999999")!, -Int128("99999999999999999999999999999999999999")!,
    ]

    @Test("scalars and arrays bind as numeric and come back exactly, as text and in binary arrays")
    func roundTrips() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            for value in Self.values {
                let rows = try await connection.query("SELECT \(value)::numeric(38,0), (\(value)::numeric(38,0))::text")
                let row = try #require(rows.first)
                #expect(try row.decode(Int128.self, at: 0) == value)
                #expect(try row.decode(String.self, at: 1) == String(value))
            }
            let rows = try await connection.query("SELECT \(Self.values)::numeric(38,0)[], \(Self.values)::numeric[]::text[]")
            let row = try #require(rows.first)
            #expect(try row.decode([Int128].self, at: 0) == Self.values)
            #expect(try row.decode([String].self, at: 1) == Self.values.map { String($0) })
        }
    }

    @Test("an Int128 that fits binds to bigint; int8 columns and sums decode into it; fractions and overflow are refused")
    func intoAndFromOtherTypes() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            let rows = try await connection.query(
                """
                SELECT \(Int128(42))::int8, 7::int8, sum(x) FROM (VALUES (\(Int64.max)::int8), (\(Int64.max)::int8)) v(x)
                """)
            let row = try #require(rows.first)
            #expect(try row.decode(Int128.self, at: 0) == 42)
            #expect(try row.decode(Int128.self, at: 1) == 7)
            #expect(try row.decode(Int128.self, at: 2) == Int128(Int64.max) * 2)
            #expect(throws: PostgresDecodingError.self) { try row.decode(Int64.self, at: 2) }
            let fraction = try #require(try await connection.query("SELECT 1.5::numeric, 2.000::numeric, 1e39::numeric").first)
            #expect(throws: PostgresDecodingError.self) { try fraction.decode(Int128.self, at: 0) }
            #expect(try fraction.decode(Int128.self, at: 1) == 2)
            #expect(throws: PostgresDecodingError.self) { try fraction.decode(Int128.self, at: 2) }
            await #expect(throws: PostgresError.self) {
                _ = try await connection.query("SELECT \(Int128(Int64.max) + 1)::int8")
            }
        }
    }
}
