import Foundation
import Metering

/// How many events each account has on each of its local days: a realistic shape (quieter
/// weekends, small starter accounts, a few growing accounts, one starter account far over its
/// included credits), decided before any event is generated so the progress total is known.
struct DemoSchedule {
    /// One account's local day.
    struct Day {
        let account: MeteredAccount
        let localDay: LocalDay
        /// The day's first instant.
        let start: Date
        /// Seconds from `start` in which events fall (shorter for today: no event after `now`).
        let length: TimeInterval
        let count: Int
    }

    let days: [Day]
    var total: Int { days.reduce(0) { $0 + $1.count } }

    /// The index (in creation order) of the starter account that runs over its limit.
    static let overLimitIndex = 1

    init(options: DemoSeedOptions, accounts: [MeteredAccount], plan: (MeteredAccount) -> String, random: inout DemoRandom) {
        var days: [Day] = []
        for (index, account) in accounts.enumerated() {
            let size: Double = switch plan(account) {
            case "starter": index == Self.overLimitIndex ? 1.2 : 0.15
            case "scale": 1.6
            default: 0.6 + 0.6 * random.unit()
            }
            let growing = index % 6 == 3
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = account.timeZone
            var day = LocalDay(containing: options.now, in: account.timeZone)
            var accountDays: [Day] = []
            for back in 0..<max(options.days, 0) {
                let start = day.start(in: account.timeZone)
                let length = min(day.next.start(in: account.timeZone), options.now).timeIntervalSince(start)
                let weekday = calendar.component(.weekday, from: start)
                let weekend = weekday == 1 || weekday == 7
                let age = Double(options.days - back) / Double(max(options.days, 1))
                let trend = growing ? 0.2 + 1.6 * age : 1.0
                let noise = 0.75 + 0.5 * random.unit()
                let expected = Double(options.eventsPerDay) * size * trend * (weekend ? 0.35 : 1) * noise
                let count = Int(expected.rounded()) * (length > 0 ? 1 : 0)
                accountDays.append(Day(account: account, localDay: day, start: start, length: length, count: count))
                day = Self.previous(day)
            }
            days += accountDays.reversed()
        }
        self.days = days
    }

    /// The day before `day`.
    static func previous(_ day: LocalDay) -> LocalDay {
        if day.day > 1 { return LocalDay(year: day.year, month: day.month, day: day.day - 1)! }
        let (year, month) = day.month > 1 ? (day.year, day.month - 1) : (day.year - 1, 12)
        return LocalDay(year: year, month: month, day: LocalDay.daysIn(year: year, month: month))!
    }
}
