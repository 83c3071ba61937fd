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
}

/// An amount of credits in JSON: an exact decimal number, or the string `"unlimited"`.
struct CreditAmount: Encodable {
    let limit: CreditLimit

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch limit {
        case .unlimited: try container.encode("unlimited")
        case .limited(let credits): try container.encode(Decimal(string: credits.decimalString) ?? 0)
        }
    }
}

/// The entitlement answer's JSON.
struct EntitlementBody: Encodable {
    struct CreditsPart: Encodable {
        let included: CreditAmount
        let granted: CreditAmount
        let used: CreditAmount
        let remaining: CreditAmount
    }

    struct PeriodPart: Encodable {
        let start: Date
        let end: Date
        let resetsAt: Date

        enum CodingKeys: String, CodingKey {
            case start, end, resetsAt = "resets_at"
        }
    }

    let allowed: Bool
    let reason: String
    let credits: CreditsPart
    let period: PeriodPart

    init(_ answer: EntitlementAnswer) {
        allowed = answer.decision.allowed
        reason = answer.decision.reason.rawValue
        let ledger = answer.ledger
        credits = CreditsPart(
            included: CreditAmount(limit: ledger.included), granted: CreditAmount(limit: ledger.granted),
            used: CreditAmount(limit: .limited(ledger.used)), remaining: CreditAmount(limit: ledger.remaining))
        period = PeriodPart(start: answer.period.start, end: answer.period.end, resetsAt: answer.period.resetsAt)
    }
}
