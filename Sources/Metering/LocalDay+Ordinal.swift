/// Calendar arithmetic on days, the one civil-day algorithm of Tally (Howard Hinnant's
/// days_from_civil and civil_from_days): day counts, ranges, and the instants of RFC 3339 text.
extension LocalDay {
    /// Days since 1970-01-01 on the proleptic Gregorian calendar (negative before it).
    public var ordinal: Int64 {
        // Howard Hinnant's days_from_civil.
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The day `ordinal` days after 1970-01-01 (Hinnant's civil_from_days).
    public init(ordinal: Int64) {
        let z = ordinal + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yoe + era * 400) + (month <= 2 ? 1 : 0)
        // Every ordinal names a real day, so the checked initialiser always succeeds.
        self = LocalDay(year: year, month: month, day: day)!
    }

    /// The day `count` days later (earlier when negative).
    public func adding(days count: Int64) -> LocalDay {
        LocalDay(ordinal: ordinal + count)
    }

    /// Days from `self` to `other` (positive when `other` is later).
    public func days(until other: LocalDay) -> Int64 {
        other.ordinal - ordinal
    }

    /// Every day from `self` to `last`, both included; empty when `last` is earlier.
    public func through(_ last: LocalDay) -> [LocalDay] {
        guard self <= last else { return [] }
        return (ordinal...last.ordinal).map(LocalDay.init(ordinal:))
    }
}
