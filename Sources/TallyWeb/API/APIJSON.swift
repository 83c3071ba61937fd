import Foundation
import HTTPTypes
import Hummingbird
import Metering
import MeteringStore

/// JSON responses of the API: sorted keys, RFC 3339 dates, `Cache-Control: no-store`.
enum APIJSON {
    static func response(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A response with JSON already written (see `EntitlementJSON`).
    static func response(_ status: HTTPResponse.Status, json: ByteBuffer) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: json))
    }
}

