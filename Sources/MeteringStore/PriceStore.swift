import Foundation
import Metering
import Postgres
import TallyDatabase

/// What an import would do to one model.
public enum PriceImportAction: Hashable, Sendable {
    /// No version of this model id or pattern exists yet.
    case add
    /// The version in effect at the import's date has other prices.
    case change(from: PriceVersion)
    /// The version in effect has exactly these prices: nothing to add.
    case unchanged
}

/// One line of an import preview.
public struct PriceImportChange: Hashable, Sendable {
    /// The entry read from the list.
    public let entry: PriceListEntry
    /// What applying would do.
    public let action: PriceImportAction
}

/// A stored price version, as the prices page and the audit log show it.
public struct PriceVersion: Hashable, Sendable {
    /// The version's id.
    public let id: Int64
    /// Exact model id or pattern.
    public let model: String
    /// What it charges.
    public let sheet: PriceSheet
    /// When it starts to apply.
    public let effectiveFrom: Date

    /// Prices.
    public var input: PricePerMillionTokens { sheet.input }
    public var cachedInput: PricePerMillionTokens { sheet.cachedInput }
    public var output: PricePerMillionTokens { sheet.output }
    public var perRequest: Money { sheet.perRequest }

    /// A stored version.
    public init(id: Int64, model: String, sheet: PriceSheet, effectiveFrom: Date) {
        self.id = id
        self.model = model
        self.sheet = sheet
        self.effectiveFrom = effectiveFrom
    }

    /// Whether the prices (not the dates) equal an entry's.
    func samePrices(as entry: PriceListEntry) -> Bool {
        sheet == entry.sheet
    }

    /// The version as the audit log shows it.
    public var snapshot: AuditSnapshot {
        var snapshot: AuditSnapshot = [
            "model": model, "input_per_1m": input.description, "cached_input_per_1m": cachedInput.description,
            "output_per_1m": output.description, "per_request": perRequest.decimalString,
            "effective_from": PriceStore.timestamp(effectiveFrom),
        ]
        // The kinds added later, only when they are not their defaults, so older audit rows read the same.
        let defaults = TokenRates(input: input, cachedInput: cachedInput, output: output)
        for kind in TokenKind.allCases where sheet.rates[kind] != defaults[kind] {
            snapshot[kind.priceKey] = sheet.rates[kind].description
        }
        if sheet.perQuery != .zero { snapshot["per_query"] = sheet.perQuery.decimalString }
        for tier in sheet.tiers {
            snapshot["tier_\(tier.serviceTier.rawValue)_above_\(tier.aboveInputTokens)"] =
                TokenKind.allCases.map { tier.rates[$0].description }.joined(separator: " / ")
        }
        return snapshot
    }
}

/// Problems with a price change that the admin can fix.
public enum PriceChangeError: Error, Sendable, Equatable {
    /// A version of this model id or pattern already starts at that instant.
    case versionExists(model: String, effectiveFrom: Date)
    /// The list has errors; nothing was imported.
    case listHasErrors(count: Int)
    /// The list has nothing to add.
    case nothingToImport
}

/// Writes model price versions, each with its audit row in the same transaction.
public struct PriceStore: Sendable {
    let pool: PostgresPool

    /// A store over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Every stored version, by model then effective date.
    public func versions() async throws -> [PriceVersion] {
        try await pool.withTransaction(scope: .staff) { try await Self.versions(on: $0) }
    }

    static func versions(on connection: PostgresConnection) async throws -> [PriceVersion] {
        try await PriceRows.load(on: connection, orderedByModel: true).map {
            PriceVersion(id: $0.id, model: $0.model, sheet: $0.sheet, effectiveFrom: $0.effectiveFrom)
        }
    }

    /// Adds one version (audited as `model_price.create`, with the version it supersedes as
    /// `before`); returns its id.
    @discardableResult
    public func addVersion(_ draft: PriceDraft, by actor: AuditActor, at now: Date) async throws -> Int64 {
        try await pool.withTransaction(scope: .staff) { connection in
            try await Self.lockPrices(on: connection)
            let existing = try await Self.versions(on: connection)
            return try await Self.insert(draft, existing: existing, by: actor, at: now, on: connection)
        }
    }

    /// What importing `list` with effective date `effectiveFrom` would do, model by model.
    public func preview(_ list: PriceList, effectiveFrom: Date) async throws -> [PriceImportChange] {
        Self.plan(list, effectiveFrom: effectiveFrom, existing: try await versions())
    }

    /// Imports `list`: adds a version from `effectiveFrom` for every new or changed model, in one
    /// transaction, each audited. Refused when the list has errors or adds nothing; returns the
    /// changes made (the same plan the preview showed, recomputed under the lock).
    public func importList(_ list: PriceList, effectiveFrom: Date, by actor: AuditActor, at now: Date) async throws -> [PriceImportChange] {
        guard list.errors.isEmpty else { throw PriceChangeError.listHasErrors(count: list.errors.count) }
        return try await pool.withTransaction(scope: .staff) { connection in
            try await Self.lockPrices(on: connection)
            var existing = try await Self.versions(on: connection)
            let changes = Self.plan(list, effectiveFrom: effectiveFrom, existing: existing).filter { $0.action != .unchanged }
            guard !changes.isEmpty else { throw PriceChangeError.nothingToImport }
            for change in changes {
                let entry = change.entry
                let draft = PriceDraft(model: entry.model, sheet: entry.sheet, effectiveFrom: effectiveFrom)
                let id = try await Self.insert(draft, existing: existing, by: actor, at: now, on: connection)
                existing.append(PriceVersion(id: id, model: draft.model, sheet: draft.sheet, effectiveFrom: effectiveFrom))
            }
            return changes
        }
    }

    /// The version of `model` (the matcher text) in effect at `instant`.
    static func inEffect(_ model: String, at instant: Date, in versions: [PriceVersion]) -> PriceVersion? {
        versions.filter { $0.model == model && $0.effectiveFrom <= instant }.max { $0.effectiveFrom < $1.effectiveFrom }
    }

    static func plan(_ list: PriceList, effectiveFrom: Date, existing: [PriceVersion]) -> [PriceImportChange] {
        list.entries.map { entry in
            guard let current = inEffect(entry.model, at: effectiveFrom, in: existing) else {
                return PriceImportChange(entry: entry, action: .add)
            }
            return PriceImportChange(entry: entry, action: current.samePrices(as: entry) ? .unchanged : .change(from: current))
        }
    }

    private static func insert(
        _ draft: PriceDraft, existing: [PriceVersion], by actor: AuditActor, at now: Date, on connection: PostgresConnection
    ) async throws -> Int64 {
        if existing.contains(where: { $0.model == draft.model && $0.effectiveFrom == draft.effectiveFrom }) {
            throw PriceChangeError.versionExists(model: draft.model, effectiveFrom: draft.effectiveFrom)
        }
        let id = try await PriceRows.insert(model: draft.model, sheet: draft.sheet, effectiveFrom: draft.effectiveFrom, on: connection)
        let after = PriceVersion(id: id, model: draft.model, sheet: draft.sheet, effectiveFrom: draft.effectiveFrom)
        try await AuditTrail.record(
            AuditChange(
                action: "model_price.create", objectKind: "model_price", objectID: String(id),
                before: inEffect(draft.model, at: draft.effectiveFrom, in: existing)?.snapshot, after: after.snapshot),
            by: actor, at: now, on: connection)
        return id
    }

    /// Serialises price changes (and re-rates) so a check-then-insert never races another.
    static func lockPrices(on connection: PostgresConnection) async throws {
        _ = try await connection.query("SELECT pg_advisory_xact_lock(hashtext('tally.model_prices'))")
    }

    /// `2027-02-01 00:00:00 UTC`.
    static func timestamp(_ date: Date) -> String {
        var style = Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: 0)!)
        style = style.dateSeparator(.dash).timeSeparator(.colon)
        return date.formatted(style)
    }
}
