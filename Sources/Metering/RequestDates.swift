import Foundation

/// The one window of days and instants Tally reads from requests, forms and commands: the years
/// 2000 to 9999. PostgreSQL has no year 0 and Foundation's calendar arithmetic misbehaves far
/// from now, so anything outside is refused with the field named, never passed on.
public enum RequestDates {
    /// The first and last years accepted.
    public static let years: ClosedRange<Int> = 2000...9999
    /// The days accepted: 2000-01-01 through 9999-12-31.
    public static let days: ClosedRange<LocalDay> = LocalDay(year: 2000, month: 1, day: 1)!...LocalDay(year: 9999, month: 12, day: 31)!
    /// How the window is described in error messages.
    public static let daysText = "between 2000-01-01 and 9999-12-31"
}

extension LocalDay {
    /// A day sent in a request: `YYYY-MM-DD` within `RequestDates.days`; nil otherwise.
    public init?(requested text: String) {
        guard let day = LocalDay(text), RequestDates.days.contains(day) else { return nil }
        self = day
    }
}

/// RFC 3339 timestamps (section 5.6): `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, read strictly
/// and by hand. Foundation's ISO 8601 style was both too loose (2026-02-30 became 2 March, `T24:00`
/// and `+0100` passed) and too strict (offsets past ±18 h, valid in RFC 3339, failed).
///
/// - `T` and `Z` may be lower case; the fraction may have any number of digits; a leap second
///   `:60` is the next minute's first instant, as PostgreSQL reads it.
/// - The year written must lie in `RequestDates.years` (2000…9999).
/// - Text Foundation also reads gets Foundation's `Date`, to the last bit: an event's fingerprint
///   holds its `occurred_at` as that `Date`'s seconds, and a stored event's fingerprint must not
///   change (a retried batch would then be "the same id with another payload"). Only what
///   Foundation refused, and so no stored event carries, is computed here.
public enum RFC3339 {
    /// The instant, or nil for text that is not RFC 3339 or whose year lies outside the window.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 64 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            return value
        }
        func byte(_ index: Int, is expected: Character) -> Bool { bytes[index] == expected.asciiValue! }
        guard let year = number(0..<4), byte(4, is: "-"), let month = number(5..<7), byte(7, is: "-"), let day = number(8..<10),
              bytes[10] | 0x20 == UInt8(ascii: "t"),
              let hour = number(11..<13), byte(13, is: ":"), let minute = number(14..<16), byte(16, is: ":"),
              let second = number(17..<19),
              RequestDates.years.contains(year), let date = LocalDay(year: year, month: month, day: day),
              hour < 24, minute < 60, second <= 60
        else { return nil }
        var index = 19
        var micros = 0
        if byte(index, is: ".") {
            index += 1
            let start = index
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
                if index - start < 6 { micros = micros * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
                index += 1
            }
            guard index > start else { return nil }
            for _ in min(index - start, 6)..<6 { micros *= 10 }
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        if bytes[index] | 0x20 == UInt8(ascii: "z") {
            index += 1
        } else {
            guard byte(index, is: "+") || byte(index, is: "-"), bytes.count - index == 6, byte(index + 3, is: ":"),
                  let hours = number(index + 1..<index + 3), let minutes = number(index + 4..<index + 6), hours < 24, minutes < 60
            else { return nil }
            offset = (hours * 60 + minutes) * 60 * (byte(index, is: "-") ? -1 : 1)
            index += 6
        }
        guard index == bytes.count else { return nil }
        let canonical = String(decoding: bytes.map { $0 == UInt8(ascii: "t") ? UInt8(ascii: "T") : $0 == UInt8(ascii: "z") ? UInt8(ascii: "Z") : $0 }, as: UTF8.self)
        if let foundation = (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(canonical))
            ?? (try? Date.ISO8601FormatStyle().parse(canonical)) {
            return foundation
        }
        let seconds = Int64(date.ordinal) * 86_400 + Int64(hour * 3_600 + minute * 60 + second) - Int64(offset)
        return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
    }
}
