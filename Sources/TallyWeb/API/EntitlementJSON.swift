import Foundation
import Hummingbird
import Metering
import MeteringStore

/// The entitlement answer's JSON, written directly:
///
/// ```json
/// {"allowed":true,"credits":{"granted":100,"included":100,"remaining":60,"used":40},
///  "period":{"end":"2027-03-01T00:00:00Z","resets_at":"2027-03-01T00:00:00Z","start":"2027-02-01T00:00:00Z"},
///  "reason":"ok"}
/// ```
///
/// The same text `APIJSON` would give (keys sorted, RFC 3339 dates, credits as exact decimal
/// numbers or `"unlimited"`), without `JSONEncoder`: the check is the API's hottest call and
/// encoding was most of its CPU in the handler.
enum EntitlementJSON {
    static func body(_ answer: EntitlementAnswer) -> ByteBuffer {
        let ledger = answer.ledger
        var out = ByteBuffer()
        out.reserveCapacity(256)
        out.writeStaticString("{\"allowed\":")
        out.writeStaticString(answer.decision.allowed ? "true" : "false")
        out.writeStaticString(",\"credits\":{\"granted\":")
        write(ledger.granted, to: &out)
        out.writeStaticString(",\"included\":")
        write(ledger.included, to: &out)
        out.writeStaticString(",\"remaining\":")
        write(ledger.remaining, to: &out)
        out.writeStaticString(",\"used\":")
        write(.limited(ledger.used), to: &out)
        out.writeStaticString("},\"period\":{\"end\":\"")
        write(answer.period.end, to: &out)
        out.writeStaticString("\",\"resets_at\":\"")
        write(answer.period.resetsAt, to: &out)
        out.writeStaticString("\",\"start\":\"")
        write(answer.period.start, to: &out)
        // Reasons are fixed snake_case words: nothing to escape.
        out.writeStaticString("\"},\"reason\":\"")
        out.writeString(answer.decision.reason.rawValue)
        out.writeStaticString("\"}")
        return out
    }

    /// `decimalString` is already a JSON number: digits, an optional `-` and `.`, no exponent.
    private static func write(_ limit: CreditLimit, to out: inout ByteBuffer) {
        switch limit {
        case .unlimited: out.writeStaticString("\"unlimited\"")
        case .limited(let credits): out.writeString(credits.decimalString)
        }
    }

    /// `2027-03-01T00:00:00Z`: whole seconds in UTC, as `JSONEncoder`'s `.iso8601`.
    private static func write(_ date: Date, to out: inout ByteBuffer) {
        let seconds = Int64((date.timeIntervalSince1970).rounded(.down))
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let day = LocalDay(ordinal: days)
        writeDigits(Int64(day.year), 4, to: &out)
        out.writeInteger(UInt8(ascii: "-"))
        writeDigits(Int64(day.month), 2, to: &out)
        out.writeInteger(UInt8(ascii: "-"))
        writeDigits(Int64(day.day), 2, to: &out)
        out.writeInteger(UInt8(ascii: "T"))
        writeDigits(secondOfDay / 3600, 2, to: &out)
        out.writeInteger(UInt8(ascii: ":"))
        writeDigits(secondOfDay % 3600 / 60, 2, to: &out)
        out.writeInteger(UInt8(ascii: ":"))
        writeDigits(secondOfDay % 60, 2, to: &out)
        out.writeInteger(UInt8(ascii: "Z"))
    }

    /// `value` in decimal, zero-padded to `width` digits (a year before 1 keeps its sign).
    private static func writeDigits(_ value: Int64, _ width: Int, to out: inout ByteBuffer) {
        if value < 0 { out.writeInteger(UInt8(ascii: "-")) }
        let digits = String(value.magnitude)
        for _ in digits.utf8.count..<max(width, digits.utf8.count) { out.writeInteger(UInt8(ascii: "0")) }
        out.writeString(digits)
    }
}
