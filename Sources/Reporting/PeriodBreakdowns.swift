import Foundation
import Synchronization

/// Which versions of the rows behind a period's breakdown a read saw: the `xmin` (the writing
/// transaction) of each of the period's `period_usage` rows, and of each feature.
///
/// Everything that changes the period's `daily_usage` rows writes its `period_usage` rows in the
/// same transaction: the ingest adds to both, a re-rate moves both by the same differences, a
/// calendar edit moves the period's counters. Each write gives a row a new `xmin`, and a new
/// or renamed feature changes the features' list. So equal versions mean the grouping of the
/// period's `daily_usage` rows, labels included, is still what it was.
struct PeriodUsageVersion: Sendable, Hashable {
    /// `feature_key:xmin` of the period's `period_usage` rows, by feature key.
    var periodRows = ""
    /// `key:xmin` of every feature, by key.
    var features = ""
}

/// A period's usage by day, by feature and by model (the grouping of its `daily_usage` rows),
/// with the versions it was read at.
struct PeriodBreakdown: Sendable {
    var version = PeriodUsageVersion()
    var days: [NamedCredits] = []
    var features: [NamedCredits] = []
    var models: [NamedCredits] = []
}

/// The breakdown a reader last read per account and period: bounded (cleared when full),
/// shared by tasks. An entry is only ever used after the same round trip has read the current
/// versions and found them equal (`DashboardReader`), so it cannot show data that changed.
final class PeriodBreakdowns: Sendable {
    private struct Entry {
        let periodStart: Date
        let breakdown: PeriodBreakdown
    }

    private let entries = Mutex<[Int64: Entry]>([:])
    private static let capacity = 20_000

    /// The breakdown remembered for the account's period starting at `periodStart`.
    func breakdown(accountID: Int64, periodStart: Date) -> PeriodBreakdown? {
        entries.withLock { entries in
            guard let entry = entries[accountID], entry.periodStart == periodStart else { return nil }
            return entry.breakdown
        }
    }

    /// Remembers `breakdown` as the account's, for the period starting at `periodStart`.
    func remember(_ breakdown: PeriodBreakdown, accountID: Int64, periodStart: Date) {
        entries.withLock { entries in
            if entries.count >= Self.capacity, entries[accountID] == nil { entries.removeAll(keepingCapacity: true) }
            entries[accountID] = Entry(periodStart: periodStart, breakdown: breakdown)
        }
    }
}
