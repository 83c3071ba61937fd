import Foundation
import Metering
import TallyCrypto

/// The stored columns of a batch, one array per column, for a single `unnest` insert.
struct EventRows {
    var accountIDs: [Int64] = []
    var eventIDs: [String] = []
    var features: [String?] = []
    var models: [String?] = []
    var input: [Int64] = []
    var cached: [Int64] = []
    var output: [Int64] = []
    /// The kinds beyond input, cached input and output, one array per kind (`TokenUsage` order:
    /// cache write 5m, cache write 1h, reasoning, audio input, audio output, image input), then
    /// web searches.
    var extraKinds = [[Int64]](repeating: [], count: EventRows.extraKinds.count + 1)
    var serviceTiers: [String] = []
    var units: [Int64] = []
    var success: [Bool] = []
    var durations: [Int64?] = []
    var endUserHashes: [Data?] = []
    var occurredAt: [Date] = []
    var localDays: [String] = []
    var periodStarts: [Date] = []
    var costs: [Int64] = []
    var priceIDs: [Int64?] = []
    var unpriced: [Bool] = []
    var credits: [Int64] = []
    var metadata: [String?] = []
    var fingerprints: [Data] = []

    /// The token kinds stored in their own arrays besides input, cached input and output.
    static let extraKinds: [TokenKind] = [.cacheWrite5m, .cacheWrite1h, .reasoning, .audioInput, .audioOutput, .imageInput]

    /// How many rows there are.
    var count: Int { accountIDs.count }

    /// Costs and credits every event; returns the rows, sorted by account id, then event id (for
    /// ASCII ids the primary key's order, so the insert's ORDER BY finds them sorted), or the
    /// problems (unknown accounts, amounts out of range).
    static func build(
        _ events: [UsageEvent], catalog: IngestCatalog, settings: MeteringSettings, endUserKey: [UInt8],
        calendar memo: CalendarMemo
    ) -> (EventRows, [EventProblem]) {
        var rows = EventRows()
        rows.reserveCapacity(events.count)
        var problems: [EventProblem] = []
        // Sorted as (account id, event index) pairs: moving whole events is slower.
        let accounts = events.map { catalog.accounts[$0.account] }
        var order: [(accountID: Int64, event: Int)] = []
        order.reserveCapacity(events.count)
        for index in events.indices {
            if let account = accounts[index] {
                order.append((account.id, index))
            } else {
                let event = events[index]
                problems.append(EventProblem(index: event.index, id: event.id, field: "account", message: "no account has this external id"))
            }
        }
        order.sort { lhs, rhs in
            if lhs.accountID != rhs.accountID { return lhs.accountID < rhs.accountID }
            return events[lhs.event].id < events[rhs.event].id
        }
        var calendar = BatchCalendar(memo)
        for (_, index) in order {
            let event = events[index], account = accounts[index]!
            do {
                try rows.append(
                    event, account: account, catalog: catalog, settings: settings, endUserKey: endUserKey, calendar: &calendar)
            } catch {
                problems.append(EventProblem(index: event.index, id: event.id, field: "event", message: "\(error)"))
            }
        }
        return (rows, problems)
    }

    private mutating func append(
        _ event: UsageEvent, account: MeteredAccount, catalog: IngestCatalog, settings: MeteringSettings, endUserKey: [UInt8],
        calendar: inout BatchCalendar
    ) throws {
        let cost = try UsageCost.of(
            model: event.model, usage: event.usage, serviceTier: event.serviceTier, occurredAt: event.occurredAt,
            providerReportedCost: event.reportedCost, prices: catalog.prices, infraOverhead: settings.infraOverhead)
        // Failed calls are costed (the provider may bill them) but earn no credits.
        let rule = event.success ? catalog.rule(feature: event.feature, account: account, at: event.occurredAt) : nil
        let earned = try rule?.credits(
            for: CreditableEvent(usage: event.usage, outputUnits: event.outputUnits, cost: cost.total)) ?? .zero
        let (costNanos, creditMillis) = try MeteringBounds.storable(cost: cost.total, credits: earned)
        let (period, localDay) = try calendar.place(event.occurredAt, account: account)
        accountIDs.append(account.id)
        eventIDs.append(event.id)
        features.append(event.feature)
        models.append(event.model)
        input.append(event.usage.input)
        cached.append(event.usage.cachedInput)
        output.append(event.usage.output)
        for (offset, kind) in Self.extraKinds.enumerated() { extraKinds[offset].append(event.usage[kind]) }
        extraKinds[Self.extraKinds.count].append(event.usage.webSearchQueries)
        serviceTiers.append(event.serviceTier.rawValue)
        units.append(event.outputUnits)
        success.append(event.success)
        durations.append(event.durationMS)
        endUserHashes.append(event.endUser.map { Data(HMAC.sha256(key: endUserKey, message: $0)) })
        occurredAt.append(event.occurredAt)
        localDays.append(localDay)
        periodStarts.append(period.start)
        costs.append(costNanos)
        if case .priceTable(let id) = cost.source { priceIDs.append(id.rawValue) } else { priceIDs.append(nil) }
        unpriced.append(cost.isUnpriced)
        credits.append(creditMillis)
        metadata.append(event.metadata)
        fingerprints.append(Data(event.fingerprint))
    }

    private mutating func reserveCapacity(_ count: Int) {
        accountIDs.reserveCapacity(count)
        eventIDs.reserveCapacity(count)
        features.reserveCapacity(count)
        models.reserveCapacity(count)
        input.reserveCapacity(count)
        cached.reserveCapacity(count)
        output.reserveCapacity(count)
        for offset in extraKinds.indices { extraKinds[offset].reserveCapacity(count) }
        serviceTiers.reserveCapacity(count)
        units.reserveCapacity(count)
        success.reserveCapacity(count)
        durations.reserveCapacity(count)
        endUserHashes.reserveCapacity(count)
        occurredAt.reserveCapacity(count)
        localDays.reserveCapacity(count)
        periodStarts.reserveCapacity(count)
        costs.reserveCapacity(count)
        priceIDs.reserveCapacity(count)
        unpriced.reserveCapacity(count)
        credits.reserveCapacity(count)
        metadata.reserveCapacity(count)
        fingerprints.reserveCapacity(count)
    }
}

/// An event's primary key.
struct EventKey: Hashable {
    let accountID: Int64
    let eventID: String
}
