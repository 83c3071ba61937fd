import CLibPQ

/// An owned libpq result; freed when the last reference goes.
final class PostgresResult: @unchecked Sendable {
    // Immutable after creation: libpq results may be read from any thread.
    let handle: OpaquePointer
    let rowCount: Int
    let columnCount: Int
    let columnNames: [String]
    let columnTypes: [PostgresType]
    private let columnIndex: [String: Int]

    init(_ handle: OpaquePointer) {
        self.handle = handle
        rowCount = Int(PQntuples(handle))
        columnCount = Int(PQnfields(handle))
        var names: [String] = []
        var types: [PostgresType] = []
        var index: [String: Int] = [:]
        for column in 0..<columnCount {
            // COPY results have columns but no names.
            let name = PQfname(handle, Int32(column)).map { String(cString: $0) } ?? "?column?"
            names.append(name)
            types.append(PostgresType(oid: PQftype(handle, Int32(column))))
            if index[name] == nil { index[name] = column }
        }
        columnNames = names
        columnTypes = types
        columnIndex = index
    }

    deinit { PQclear(handle) }

    func column(named name: String) -> Int? { columnIndex[name] }

    var affectedRows: Int { Int(String(cString: PQcmdTuples(handle))) ?? 0 }
}

/// The rows a statement returned, in order.
public struct PostgresRows: Sendable, RandomAccessCollection {
    let result: PostgresResult?

    /// The columns' names.
    public var columns: [String] { result?.columnNames ?? [] }
    /// Rows inserted, updated, deleted or selected, as the server reported.
    public var affectedRows: Int { result?.affectedRows ?? 0 }

    public var startIndex: Int { 0 }
    public var endIndex: Int { result?.rowCount ?? 0 }
    public subscript(position: Int) -> PostgresRow {
        // The collection's bounds come from the result, so a result is present for any valid index.
        PostgresRow(result: result!, row: position)
    }

    /// The first row, or nil.
    public var first: PostgresRow? { isEmpty ? nil : self[0] }
}

/// One row of a result. Decode values by position, by column name, or all at once.
public struct PostgresRow: Sendable {
    let result: PostgresResult
    let row: Int

    /// The number of columns.
    public var count: Int { result.columnCount }

    /// True when the column holds SQL NULL.
    public func isNull(at column: Int) -> Bool { PQgetisnull(result.handle, Int32(row), Int32(column)) == 1 }

    /// Decodes the column at `column` (0-based).
    public func decode<Value: PostgresDecodable>(
        _ type: Value.Type, at column: Int, file: String = #fileID, line: Int = #line
    ) throws(PostgresDecodingError) -> Value {
        guard column >= 0, column < result.columnCount else {
            throw PostgresDecodingError(
                column: "#\(column)", expectedType: "\(Value.self)",
                actual: "no such column (the row has \(result.columnCount))", file: file, line: line)
        }
        do {
            if isNull(at: column) { return try Value.decodePostgresNull() }
            let length = Int(PQgetlength(result.handle, Int32(row), Int32(column)))
            let pointer = UnsafeRawPointer(PQgetvalue(result.handle, Int32(row), Int32(column)))
            return try Value.decodePostgres(
                UnsafeRawBufferPointer(start: pointer, count: length), type: result.columnTypes[column])
        } catch {
            throw PostgresDecodingError(
                column: result.columnNames[column], expectedType: "\(Value.self)", actual: error.actual,
                file: file, line: line)
        }
    }

    /// Decodes the column named `column`.
    public func decode<Value: PostgresDecodable>(
        _ type: Value.Type, column: String, file: String = #fileID, line: Int = #line
    ) throws(PostgresDecodingError) -> Value {
        guard let index = result.column(named: column) else {
            throw PostgresDecodingError(
                column: column, expectedType: "\(Value.self)", actual: "no such column", file: file, line: line)
        }
        return try decode(type, at: index, file: file, line: line)
    }

    /// Decodes every column, in order: `let (id, name) = try row.decode((Int, String).self)`.
    public func decode<each Value: PostgresDecodable>(
        _ types: (repeat each Value).Type, file: String = #fileID, line: Int = #line
    ) throws(PostgresDecodingError) -> (repeat each Value) {
        var index = 0
        func next<Column: PostgresDecodable>(_ type: Column.Type) throws(PostgresDecodingError) -> Column {
            defer { index += 1 }
            return try decode(type, at: index, file: file, line: line)
        }
        return (repeat try next((each Value).self))
    }
}
