import Foundation
import Postgres
import TallyTestSupport
import Testing

@Suite("Binds and typed decoding")
struct BindAndDecodeTests {
    @Test("strings with quotes, backslashes and Unicode travel as binds, not SQL")
    func trickyStrings() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            for text in ["O'Brien", "\"quoted\"", "back\\slash", "'; DROP TABLE x; --", "Zoë 日本語 🔑", "", "$1"] {
                let rows = try await connection.query("SELECT \(text)::text AS value, length(\(text)::text) AS length")
                let (value, length) = try #require(rows.first).decode((String, Int).self)
                #expect(value == text)
                #expect(length == text.count)
            }
        }
    }

    @Test("a string containing NUL is refused with a clear error, not truncated")
    func nulRefused() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            await #expect(throws: PostgresError.self) {
                _ = try await connection.query("SELECT \("before\0after")::text")
            }
            do {
                _ = try await connection.query("SELECT \("a\0b")::text")
            } catch let error as PostgresError {
                #expect(error.kind == .nulInString)
                #expect(error.description.contains("NUL"))
            }
            // The connection is still usable afterwards.
            let rows = try await connection.query("SELECT 1::int8")
            #expect(try rows.first?.decode(Int.self, at: 0) == 1)
        }
    }

    @Test("every decodable type round-trips, and NULL decodes as nil")
    func roundTrips() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            let uuid = UUID(uuidString: "8C1D7F5E-2B64-4C1B-9D0A-3E5F6A7B8C9D")!
            let date = Date(timeIntervalSince1970: 1_790_000_000.123456)
            let bytes = Data([0, 1, 2, 0xFE, 0xFF])
            let rows = try await connection.query(
                """
                SELECT \(true)::bool, \(Int.max)::int8, \(Int32.min)::int4, \(Int64(-42))::int8,
                       \(3.25)::float8, \("text")::text, \(date)::timestamptz, \(uuid)::uuid,
                       \(bytes)::bytea, \(PostgresJSON(["a": 1, "b": 2]))::jsonb,
                       \([1, 2, 3])::int8[], \(["x", "y,z", "q\"uote", "back\\slash"])::text[],
                       \([true, false])::bool[], \([1.5, -2.0])::float8[], \([uuid])::uuid[], \([date])::timestamptz[]
                """)
            let row = try #require(rows.first)
            #expect(try row.decode(Bool.self, at: 0) == true)
            #expect(try row.decode(Int.self, at: 1) == Int.max)
            #expect(try row.decode(Int32.self, at: 2) == Int32.min)
            #expect(try row.decode(Int64.self, at: 3) == -42)
            #expect(try row.decode(Double.self, at: 4) == 3.25)
            #expect(try row.decode(String.self, at: 5) == "text")
            #expect(try row.decode(Date.self, at: 6).timeIntervalSince1970 == date.timeIntervalSince1970.roundedToMicroseconds)
            #expect(try row.decode(UUID.self, at: 7) == uuid)
            #expect(try row.decode(Data.self, at: 8) == bytes)
            #expect(try row.decode(PostgresJSON<[String: Int]>.self, at: 9).value == ["a": 1, "b": 2])
            #expect(try row.decode([Int].self, at: 10) == [1, 2, 3])
            #expect(try row.decode([String].self, at: 11) == ["x", "y,z", "q\"uote", "back\\slash"])
            #expect(try row.decode([Bool].self, at: 12) == [true, false])
            #expect(try row.decode([Double].self, at: 13) == [1.5, -2.0])
            #expect(try row.decode([UUID].self, at: 14) == [uuid])
            #expect(try row.decode([Date].self, at: 15).map(\.timeIntervalSince1970) == [date.timeIntervalSince1970.roundedToMicroseconds])
        }
    }

    @Test("NULL of every type decodes as nil into optionals and as an error otherwise")
    func nulls() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            let none: Int? = nil
            let rows = try await connection.query(
                """
                SELECT NULL::bool, \(none)::int8, NULL::int4, NULL::float8, NULL::text, NULL::timestamptz,
                       NULL::uuid, NULL::bytea, NULL::jsonb, NULL::int8[], ARRAY[1, NULL, 3]::int8[]
                """)
            let row = try #require(rows.first)
            #expect(try row.decode(Bool?.self, at: 0) == nil)
            #expect(try row.decode(Int?.self, at: 1) == nil)
            #expect(try row.decode(Int32?.self, at: 2) == nil)
            #expect(try row.decode(Double?.self, at: 3) == nil)
            #expect(try row.decode(String?.self, at: 4) == nil)
            #expect(try row.decode(Date?.self, at: 5) == nil)
            #expect(try row.decode(UUID?.self, at: 6) == nil)
            #expect(try row.decode(Data?.self, at: 7) == nil)
            #expect(try row.decode(PostgresJSON<[String: Int]>?.self, at: 8) == nil)
            #expect(try row.decode([Int]?.self, at: 9) == nil)
            #expect(try row.decode([Int?].self, at: 10) == [1, nil, 3])
            #expect(throws: PostgresDecodingError.self) { try row.decode(Int.self, at: 1) }
            #expect(throws: PostgresDecodingError.self) { try row.decode([Int].self, at: 10) }
        }
    }

    @Test("arrays of every element type bind and come back equal, NULLs and tricky texts included")
    func arrayBinds() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            let bytes: [Data] = [Data(), Data([0, 1, 0x5C, 0x22, 0xFF]), Data((0...255).map { UInt8($0) })]
            let dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_795_000_000.123456), Date(timeIntervalSince1970: -86_400.5)]
            let row = try #require(try await connection.query(
                """
                SELECT \([Int64.min, -1, 0, Int64.max]), \([Int32(-7), nil, Int32.max]), \([true, false]), \(dates),
                       \(bytes), \([Data?.none, Data([7])]), \(["a", "", "NULL", "q\"uote", "back\\slash", "{x,y}", " sp "]),
                       \(["x", nil] as [String?]), array_length(\([Data([1])]), 1), (\(bytes))[2] = '\\x00015c22ff'::bytea
                """).first)
            #expect(try row.decode([Int64].self, at: 0) == [Int64.min, -1, 0, Int64.max])
            #expect(try row.decode([Int?].self, at: 1) == [-7, nil, Int(Int32.max)])
            #expect(try row.decode([Bool].self, at: 2) == [true, false])
            #expect(try row.decode([Date].self, at: 3).map(\.timeIntervalSince1970) == dates.map(\.timeIntervalSince1970))
            #expect(try row.decode([Data].self, at: 4) == bytes)
            #expect(try row.decode([Data?].self, at: 5) == [nil, Data([7])])
            #expect(try row.decode([String].self, at: 6) == ["a", "", "NULL", "q\"uote", "back\\slash", "{x,y}", " sp "])
            #expect(try row.decode([String?].self, at: 7) == ["x", nil])
            #expect(try row.decode(Int.self, at: 8) == 1)
            #expect(try row.decode(Bool.self, at: 9))
        }
    }

    @Test("an array parameter is sent in binary, and the server reads it as it reads the array's text")
    func binaryArraysMatchText() async throws {
        // The layout: 1 dimension, a NULL flag, the element OID, length and lower bound, then
        // each element's length and bytes (-1: NULL).
        #expect(try [Int64(1), nil].postgresParameter() == .binary(
            [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 20, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF]))
        #expect(throws: PostgresError.self) { try ["a\u{0}b"].postgresParameter() }
        var generator = SystemRandomNumberGenerator()
        // From 1583 to 9999, on both sides of 1970 and 2000, with microseconds.
        let dates = (0..<2_000).map { _ in
            Date(timeIntervalSince1970: Double(Int64.random(in: -12_212_553_600...253_402_300_799, using: &generator))
                + Double(Int64.random(in: 0..<1_000_000, using: &generator)) / 1_000_000)
        } + [Date(timeIntervalSince1970: 946_684_800), Date(timeIntervalSince1970: 946_684_799.999_999), Date(timeIntervalSince1970: -0.000_001)]
        let texts = ["", "a", "q\"uote", "back\\slash", "{x,y}", " sp ", "NULL", "grüße 東京 🙂"] + (0..<200).map { _ in
            String(decoding: (0..<Int.random(in: 1...40, using: &generator)).map { _ in UInt8.random(in: 1...127, using: &generator) }, as: UTF8.self)
        }
        let doubles = [0, -0.0, 1.5, -2.25e-300, .greatestFiniteMagnitude, .infinity, -.infinity, .nan]
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            func sameAsText<Element: PostgresArrayElement>(_ array: [Element], _ type: String) async throws -> Bool {
                let text = try #require(try array.postgresText())
                let query: PostgresQuery = "SELECT \(array) IS NOT DISTINCT FROM (\(text))::\(unsafeRaw: type)[]"
                return try #require(try await connection.query(query).first).decode(Bool.self)
            }
            #expect(try await sameAsText([Int64.min, -1, 0, 1, Int64.max], "int8"))
            #expect(try await sameAsText([Int.min, 42, Int.max], "int8"))
            #expect(try await sameAsText([Int32.min, nil, Int32.max], "int4"))
            #expect(try await sameAsText([true, false, nil], "bool"))
            #expect(try await sameAsText(doubles, "float8"))
            #expect(try await sameAsText(texts, "text"))
            #expect(try await sameAsText([UUID(), UUID(), nil], "uuid"))
            #expect(try await sameAsText(dates, "timestamptz"))
            #expect(try await sameAsText([Data(), Data([0, 0x5C, 0xFF]), Data((0...255).map { UInt8($0) }), nil], "bytea"))
            #expect(try await sameAsText([Int64](), "int8"))
            let empty = try #require(try await connection.query("SELECT cardinality(\([String]()))").first)
            #expect(try empty.decode(Int.self) == 0)
        }
    }

    @Test("a decode error names the column, the expected type and what it got")
    func decodeErrorText() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            let row = try #require(try await connection.query("SELECT 'abc'::text AS label, NULL::int8 AS amount").first)
            do {
                _ = try row.decode(Int.self, column: "label")
                Issue.record("decoding text as Int should fail")
            } catch let error as PostgresDecodingError {
                #expect(error.column == "label")
                #expect(error.expectedType == "Int")
                #expect(error.actual.contains("text"))
                #expect(error.description.contains("BindAndDecodeTests.swift"))
            }
            do {
                _ = try row.decode(Int.self, column: "amount")
                Issue.record("decoding NULL as Int should fail")
            } catch let error as PostgresDecodingError {
                #expect(error.column == "amount")
                #expect(error.actual == "NULL")
            }
            #expect(throws: PostgresDecodingError.self) { try row.decode(Int.self, column: "missing") }
        }
    }

    @Test("server errors carry SQLSTATE and a generic description without SQL or values")
    func serverErrors() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            try await connection.execute("CREATE TABLE people (email text PRIMARY KEY)")
            try await connection.execute("INSERT INTO people VALUES (\("secret@example.com"))")
            do {
                try await connection.execute("INSERT INTO people VALUES (\("secret@example.com"))")
                Issue.record("duplicate insert should fail")
            } catch let error as PostgresError {
                #expect(error.kind == .server)
                #expect(error.sqlState == "23505")
                #expect(error.constraint == "people_pkey")
                #expect(!error.description.contains("secret"))
                #expect(!error.description.contains("INSERT"))
            }
        }
    }

    @Test("interpolated fragments renumber their binds")
    func fragments() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            let filter: PostgresQuery = "x > \(2) AND x < \(5)"
            let rows = try await connection.query("SELECT x FROM generate_series(\(1), \(10)) AS x WHERE \(filter) ORDER BY x")
            #expect(try rows.map { try $0.decode(Int.self, at: 0) } == [3, 4])
        }
    }
}

extension Double {
    /// PostgreSQL keeps microseconds.
    var roundedToMicroseconds: Double { (self * 1_000_000).rounded() / 1_000_000 }
}

@Suite("Timestamp text")
struct TimestampTextTests {
    /// The bind text of 20,000 instants from 1583 to 9999, against Foundation's own UTC
    /// calendar and the microseconds counted separately. (Foundation's Gregorian calendar turns
    /// Julian before October 1582; PostgreSQL's, like the formatter, stays Gregorian: year 1 is
    /// checked by value.)
    @Test("a date's bind text is its UTC calendar date and time with microseconds")
    func matchesTheCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var generator = SystemRandomNumberGenerator()
        #expect(try Date(timeIntervalSince1970: -62_135_596_800).postgresText() == "0001-01-01T00:00:00.000000Z")
        let first: Int64 = -12_212_553_600  // 1583-01-01T00:00:00Z
        let last: Int64 = 253_402_300_799   // 9999-12-31T23:59:59Z
        for _ in 0..<20_000 {
            let seconds = Int64.random(in: first...last, using: &generator)
            let micros = Int64.random(in: 0..<1_000_000, using: &generator)
            let date = Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
            func pad(_ value: Int, _ width: Int) -> String {
                String(repeating: "0", count: max(0, width - String(value).count)) + String(value)
            }
            // The double may land a microsecond off; the formatter rounds to the nearest one.
            let rounded = (date.timeIntervalSince1970 * 1_000_000).rounded()
            let fraction = Int(((Int64(rounded) % 1_000_000) + 1_000_000) % 1_000_000)
            guard fraction == Int(micros) else { continue }
            let expected = "\(pad(parts.year!, 4))-\(pad(parts.month!, 2))-\(pad(parts.day!, 2))T"
                + "\(pad(parts.hour!, 2)):\(pad(parts.minute!, 2)):\(pad(parts.second!, 2)).\(pad(fraction, 6))Z"
            #expect(try date.postgresText() == expected, "\(seconds) s + \(micros) µs")
        }
    }
}
