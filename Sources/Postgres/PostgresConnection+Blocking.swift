import CLibPQ
import Foundation

/// The blocking libpq calls; only ever called on a thread-pool thread.
extension PostgresConnection {
    static func blockingExecute(
        _ handle: OpaquePointer, sql: String, types: [UInt32], parameters: BoundParameters
    ) throws(PostgresError) -> PostgresResult {
        let result: OpaquePointer? = parameters.withLibPQArguments { values, lengths, formats in
            types.withUnsafeBufferPointer { typeBuffer in
                PQexecParams(handle, sql, Int32(parameters.count), typeBuffer.baseAddress, values, lengths, formats, 0)
            }
        }
        return try checked(result, connection: handle)
    }

    static func blockingPrepare(_ handle: OpaquePointer, name: String, sql: String, types: [UInt32]) throws(PostgresError) {
        let result = types.withUnsafeBufferPointer { typeBuffer in
            PQprepare(handle, name, sql, Int32(types.count), typeBuffer.baseAddress)
        }
        _ = try checked(result, connection: handle)
    }

    static func blockingExecutePrepared(
        _ handle: OpaquePointer, name: String, parameters: BoundParameters
    ) throws(PostgresError) -> PostgresResult {
        let result: OpaquePointer? = parameters.withLibPQArguments { values, lengths, formats in
            PQexecPrepared(handle, name, Int32(parameters.count), values, lengths, formats, 0)
        }
        return try checked(result, connection: handle)
    }

    /// Turns a libpq result into a `PostgresResult` or a `PostgresError`.
    static func checked(_ result: OpaquePointer?, connection handle: OpaquePointer) throws(PostgresError) -> PostgresResult {
        guard let result else {
            let message = String(cString: PQerrorMessage(handle))
            let kind: PostgresError.Kind = PQstatus(handle) == CONNECTION_OK ? .server : .connectionLost
            throw PostgresError(kind, serverMessage: message)
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN:
            return PostgresResult(result)
        default:
            let error = serverError(result, connection: handle)
            PQclear(result)
            throw error
        }
    }

    static func serverError(_ result: OpaquePointer, connection handle: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue ?? 0)) else { return nil }
            return String(cString: value)
        }
        let sqlState = field("C")
        let message = field("M") ?? String(cString: PQresultErrorMessage(result))
        let lost = PQstatus(handle) != CONNECTION_OK
        return PostgresError(
            lost ? .connectionLost : .server, sqlState: sqlState, serverMessage: message,
            serverDetail: field("D"), constraint: field("n"))
    }
}

/// Calls `body` with `strings` as a NULL-terminated array of C strings, as libpq's keyword arrays are.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let duplicated: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
    defer { duplicated.forEach { free($0) } }
    return duplicated.withUnsafeBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { body($0) }
    }
}
