import CLibPQ

extension PostgresConnection {
    /// Bulk-loads rows with `COPY … FROM STDIN` (text format).
    ///
    /// ```swift
    /// let count = try await connection.copyFromStdin("COPY items (id, name) FROM STDIN") { writer in
    ///     for item in items { try await writer.append(item.id, item.name) }
    /// }
    /// ```
    /// If `body` throws, the COPY is aborted and nothing is loaded. Returns the rows loaded.
    @discardableResult
    public func copyFromStdin(
        _ statement: PostgresQuery, _ body: (PostgresCopyWriter) async throws -> Void
    ) async throws -> Int {
        let sql = statement.sql
        try await flushPending()
        _ = try await run { handle throws(PostgresError) in
            let result = try handle.executeScript(sql)
            guard PQresultStatus(result.handle) == PGRES_COPY_IN else {
                throw PostgresError(.copyFailed, serverMessage: "statement is not COPY FROM STDIN")
            }
            return true
        }
        let writer = PostgresCopyWriter(connection: self)
        do {
            try await body(writer)
            try await writer.flush()
        } catch {
            _ = try? await run { handle throws(PostgresError) in
                _ = PQputCopyEnd(handle.pointer, "aborted by the client")
                return handle.drainCopyResults()
            }
            throw error
        }
        _ = try await run { handle throws(PostgresError) in
            guard PQputCopyEnd(handle.pointer, nil) == 1 else {
                throw PostgresError(.connectionLost, serverMessage: String(cString: PQerrorMessage(handle.pointer)))
            }
            if let error = handle.drainCopyResults() { throw error }
            return true
        }
        return writer.rowCount
    }

    func putCopyData(_ bytes: [UInt8]) async throws {
        _ = try await run { handle throws(PostgresError) in
            let sent = bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    PQputCopyData(handle.pointer, $0, Int32(buffer.count))
                }
            }
            guard sent == 1 else {
                throw PostgresError(.connectionLost, serverMessage: String(cString: PQerrorMessage(handle.pointer)))
            }
            return true
        }
    }
}

extension LibPQHandle {
    /// Reads every pending result after a COPY; returns the first error among them.
    func drainCopyResults() -> PostgresError? {
        var firstError: PostgresError?
        while let result = PQgetResult(pointer) {
            let status = PQresultStatus(result)
            if status != PGRES_COMMAND_OK, firstError == nil {
                let error = serverError(result)
                firstError = PostgresError(
                    error.kind == .server ? .copyFailed : error.kind, sqlState: error.sqlState,
                    serverMessage: error.serverMessage, serverDetail: error.serverDetail)
            }
            PQclear(result)
        }
        return firstError
    }
}

/// Encodes rows in COPY's text format and sends them in chunks.
public final class PostgresCopyWriter {
    private let connection: PostgresConnection
    private var buffer: [UInt8] = []
    private let chunkSize = 256 * 1024
    /// Rows appended so far.
    public private(set) var rowCount = 0

    init(connection: PostgresConnection) {
        self.connection = connection
        buffer.reserveCapacity(chunkSize + 4096)
    }

    /// Appends one row; the values must match the COPY's column list in number and order.
    public func append<each Value: PostgresEncodable>(_ values: repeat each Value) async throws {
        // Encode into a local buffer: appending to the stored property byte by byte would pay
        // an exclusivity check per byte.
        var output = [UInt8]()
        swap(&output, &buffer)
        defer { swap(&output, &buffer) }
        var first = true
        for value in repeat each values {
            if !first { output.append(UInt8(ascii: "\t")) }
            first = false
            try Self.appendField(value, to: &output)
        }
        output.append(UInt8(ascii: "\n"))
        rowCount += 1
        if output.count >= chunkSize {
            try await connection.putCopyData(output)
            output.removeAll(keepingCapacity: true)
        }
    }

    private static func appendField(_ value: some PostgresEncodable, to output: inout [UInt8]) throws {
        guard var text = try value.postgresText() else {
            output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
            return
        }
        text.withUTF8 { bytes in
            // Most fields hold no tab, newline, return or backslash: copy those in one go.
            guard bytes.contains(where: { $0 == 92 || $0 == 9 || $0 == 10 || $0 == 13 }) else {
                output.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case 92: output.append(contentsOf: [92, 92])
                case 9: output.append(contentsOf: [92, UInt8(ascii: "t")])
                case 10: output.append(contentsOf: [92, UInt8(ascii: "n")])
                case 13: output.append(contentsOf: [92, UInt8(ascii: "r")])
                default: output.append(byte)
                }
            }
        }
    }

    /// Sends what is buffered.
    func flush() async throws {
        guard !buffer.isEmpty else { return }
        try await connection.putCopyData(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
