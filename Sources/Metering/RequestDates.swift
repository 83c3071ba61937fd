import Foundation

/// The one window of days and instants Tally reads from requests, forms and commands: the years
/// 2000 to 9999. PostgreSQL has no year 0 and Foundation's calendar arithmetic misbehaves far
/// from now, so anything outside is refused with the field named, never passed on.
public enum RequestDates {
    /// The first and last years accepted.
    public static let years: ClosedRange<Int> = 2000...9999
    /// The days accepted: 2000-01-01 through 9999-12-31.
    public static let days: ClosedRange<LocalDay> = LocalDay(year: 2000, month: 1, day: 1)!...LocalDay(year: 9999, month: 12, day: 31)!
    /// The instants accepted: from 2000-01-01T00:00:00Z up to (not including) 10000-01-01T00:00:00Z.
    public static let instants: Range<Date> =
        Date(timeIntervalSince1970: 946_684_800)..<Date(timeIntervalSince1970: 253_402_300_800)
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

/// RFC 3339 timestamps, with or without fractional seconds; a zone offset is required; `t` and
/// `z` may be lower case (RFC 3339, 5.6). Only instants within `RequestDates.instants` are read.
public enum RFC3339 {
    /// The instant, or nil for text that is not RFC 3339 or lies outside the window.
    public static func parse(_ text: String) -> Date? {
        guard text.utf8.count <= 40 else { return nil }
        let text = text.utf8.contains(where: { $0 == UInt8(ascii: "t") || $0 == UInt8(ascii: "z") })
            ? String(text.map { $0 == "t" ? "T" : $0 == "z" ? "Z" : $0 }) : text
        let date = (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
        guard let date, RequestDates.instants.contains(date) else { return nil }
        return date
    }
}
