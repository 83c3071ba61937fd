import Foundation
import Metering
import Postgres
import Reporting

/// One account's gross margin in its current billing period.
public struct AccountPeriodMargin: Sendable, Hashable {
    /// The account.
    public let accountID: Int64
    /// The account's name, for messages.
    public let accountName: String
    /// The current period's start.
    public let periodStart: Date
    /// Revenue and cost of the period so far.
    public let margin: GrossMargin

    /// A margin row.
    public init(accountID: Int64, accountName: String, periodStart: Date, margin: GrossMargin) {
        self.accountID = accountID
        self.accountName = accountName
        self.periodStart = periodStart
        self.margin = margin
    }
}

/// "What is each account's gross margin in its current period?" The low-margin rule asks only
/// this (tests may answer it with fixed figures).
public protocol CurrentPeriodMargins: Sendable {
    /// Every account's margin in the period that holds `now`, on `connection` (service scope).
    func margins(at now: Date, on connection: PostgresConnection) async throws -> [AccountPeriodMargin]
}

/// The answer of the margins page itself: `Reporting.MarginReport` of the current period, so
/// the low-margin alert and `/admin/margins` can never disagree.
public struct MarginReportPeriodMargins: CurrentPeriodMargins {
    /// The report keeps no state.
    public init() {}

    public func margins(at now: Date, on connection: PostgresConnection) async throws -> [AccountPeriodMargin] {
        try await MarginReport.load(.current, now: now, on: connection).accounts.compactMap { account in
            guard let period = account.periods.first else { return nil }
            return AccountPeriodMargin(
                accountID: account.accountID, accountName: account.name, periodStart: period.period.start, margin: account.margin)
        }
    }
}
