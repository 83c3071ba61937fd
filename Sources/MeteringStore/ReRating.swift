import Foundation
import Metering
import Postgres
import TallyDatabase

/// The events a re-rate covers: those that occurred in `[from, until)`, optionally of one model.
public struct ReRateRange: Hashable, Sendable {
    /// First instant (inclusive).
    public let from: Date
    /// End (exclusive).
    public let until: Date
    /// Only events of this model id (as sent); nil: every model.
    public let model: String?

    /// A range; `from` must be before `until`.
    public init(from: Date, until: Date, model: String? = nil) {
        self.from = from
        self.until = until
        self.model = model
    }
}

/// One account's difference in a re-rate.
public struct ReRateAccountDiff: Hashable, Sendable {
    /// The account.
    public let accountID: Int64
    public let externalID: String
    public let name: String
    /// Events whose cost, price or credits change.
    public var events: Int
    /// Their stored cost before and after.
    public var costBefore: Money
    public var costAfter: Money
    /// Their credits before and after (per-USD features).
    public var creditsBefore: Credits
    public var creditsAfter: Credits

    /// after − before.
    public var costDelta: Money { (costAfter - costBefore) }
    /// after − before.
    public var creditsDelta: Credits { (creditsAfter - creditsBefore) }
}

/// What a re-rate changes (the preview), or changed (after apply).
public struct ReRateResult: Hashable, Sendable {
    /// The range.
    public let range: ReRateRange
    /// Events in the range costed from the price table or unpriced (provider-reported costs are
    /// never re-rated).
    public let eventsExamined: Int
    /// Per account with changes, by account id.
    public let accounts: [ReRateAccountDiff]

    /// Events that change.
    public var changedEvents: Int { accounts.reduce(0) { $0 + $1.events } }
    /// Cost of the changed events before and after.
    public var costBefore: Money { accounts.reduce(.zero) { $0 + $1.costBefore } }
    public var costAfter: Money { accounts.reduce(.zero) { $0 + $1.costAfter } }
    /// after − before.
    public var costDelta: Money { (costAfter - costBefore) }
    /// Credits after − before.
    public var creditsDelta: Credits { accounts.reduce(.zero) { $0 + $1.creditsDelta } }

    /// A short token of what the preview showed; apply refuses when the recomputation differs.
    public var confirmation: String {
        "\(changedEvents):\(costBefore.nanos):\(costAfter.nanos):\(creditsDelta.millis)"
    }
}

/// A re-rate that cannot run as asked.
public enum ReRateError: Error, Sendable, Equatable {
    /// Prices, settings or events changed between the preview and the apply.
    case changedSincePreview
    /// Nothing in the range would change.
    case nothingToChange
    /// At today's prices this event would cost or earn more than one event may
    /// (`MeteringBounds`); nothing is re-rated until the price is fixed.
    case eventOutOfBounds(eventID: String, EventBoundError)
}

/// Re-costs stored events with the price table and infra overhead as they are now, after a
/// price fix: the preview shows the difference per account; apply changes the events and the
/// `daily_usage` / `period_usage` / `daily_operator_usage` rollups in one transaction, audited.
/// See docs/admin-money.md.
public struct ReRater: Sendable {
    /// How long each statement of a preview or an apply may run: they read (and write) every
    /// event of the range, millions in a long one, far past a request's usual limit.
    static let statementTimeout: Duration = .seconds(300)

    let pool: PostgresPool

    /// A re-rater over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// What re-rating `range` would change.
    public func preview(_ range: ReRateRange) async throws -> ReRateResult {
        try await pool.withTransaction(scope: .staff) { connection in
            try connection.setStatementTimeoutForTransaction(Self.statementTimeout)
            return try await ReRateComputation.run(range, on: connection).result
        }
    }

    /// Re-rates `range`. `confirmation` is the preview's ``ReRateResult/confirmation``: when the
    /// recomputed change differs (a price or event changed since), nothing is written and
    /// ``ReRateError/changedSincePreview`` is thrown. Returns what was changed.
    public func apply(_ range: ReRateRange, confirmation: String, by actor: AuditActor, at now: Date) async throws -> ReRateResult {
        try await pool.withTransaction(scope: .staff) { connection in
            try connection.setStatementTimeoutForTransaction(Self.statementTimeout)
            try await PriceStore.lockPrices(on: connection)
            let computation = try await ReRateComputation.run(range, on: connection)
            guard computation.result.confirmation == confirmation else { throw ReRateError.changedSincePreview }
            guard !computation.changes.isEmpty else { throw ReRateError.nothingToChange }
            try await computation.write(on: connection)
            try await audit(computation.result, by: actor, at: now, on: connection)
            return computation.result
        }
    }

    private func audit(_ result: ReRateResult, by actor: AuditActor, at now: Date, on connection: PostgresConnection) async throws {
        let range = result.range
        let object = "\(PriceStore.timestamp(range.from))..\(PriceStore.timestamp(range.until))" + (range.model.map { " \($0)" } ?? "")
        try await AuditTrail.record(
            AuditChange(
                action: "usage.rerate", objectKind: "usage_range", objectID: object,
                before: ["events": String(result.changedEvents), "cost": result.costBefore.decimalString],
                after: [
                    "events": String(result.changedEvents), "cost": result.costAfter.decimalString,
                    "credits_delta": result.creditsDelta.decimalString,
                ]),
            by: actor, at: now, on: connection)
        for account in result.accounts {
            try await AuditTrail.record(
                AuditChange(
                    action: "usage.rerate", objectKind: "usage_range", objectID: object, accountID: account.accountID,
                    before: ["events": String(account.events), "cost": account.costBefore.decimalString, "credits": account.creditsBefore.decimalString],
                    after: ["events": String(account.events), "cost": account.costAfter.decimalString, "credits": account.creditsAfter.decimalString]),
                by: actor, at: now, on: connection)
        }
    }
}
