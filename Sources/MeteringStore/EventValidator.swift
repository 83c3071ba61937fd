import Foundation
import Metering
import TallyCrypto

/// A batch that passed validation: unique events, and how many repeats of them it carried.
public struct ValidatedBatch: Sendable {
    /// Events, unique by (account, id), in batch order.
    public let events: [UsageEvent]
    /// Events that repeated an earlier event of the same batch exactly (counted as duplicates).
    public let repeats: Int
}

/// Checks a whole `POST /api/v1/events` body before anything is stored and reports every
/// problem of every event.
public struct EventValidator: Sendable {
    /// The most events a batch may hold.
    public static let maxEvents = 1_000
    /// The most a body may weigh, in bytes.
    public static let maxBodyBytes = 1_048_576
    /// The most `metadata` may weigh, as canonical JSON, in bytes.
    public static let maxMetadataBytes = 4_096
    /// How far ahead of the server's clock `occurred_at` may be.
    public static let maxFutureSkew: TimeInterval = 300

    let settings: MeteringSettings
    let now: Date

    /// A validator for batches received at `now` under `settings`.
    public init(settings: MeteringSettings, now: Date) {
        self.settings = settings
        self.now = now
    }

    /// Parses and validates `body`; throws `malformed`, `tooManyEvents` or `invalidEvents`.
    public func validate(_ body: Data) throws(IngestError) -> ValidatedBatch {
        let root: JSONValue
        do {
            root = try JSONValue.parse(body)
        } catch {
            throw .malformed(error.description)
        }
        guard case .object(let top) = root, case .array(let items)? = top["events"] else {
            throw .malformed("the body must be a JSON object {\"events\": [...]}")
        }
        if let unknown = top.keys.filter({ $0 != "events" }).min() {
            throw .malformed("the body holds only \"events\"; \"\(unknown.prefix(64))\" is not a known key")
        }
        guard items.count <= Self.maxEvents else { throw .tooManyEvents(items.count) }
        var events: [UsageEvent] = []
        var problems: [EventProblem] = []
        for (index, item) in items.enumerated() {
            var reader = EventReader(index: index, value: item)
            if let event = reader.read(settings: settings, now: now) { events.append(event) }
            problems += reader.problems
        }
        let (unique, repeats, conflicts) = Self.deduplicate(events)
        problems += conflicts
        guard problems.isEmpty else { throw .invalidEvents(problems.sorted { $0.index < $1.index }) }
        return ValidatedBatch(events: unique, repeats: repeats)
    }

    /// Keeps the first of each (account, id); an exact repeat counts as a duplicate, a repeat
    /// with another payload is a problem.
    static func deduplicate(_ events: [UsageEvent]) -> ([UsageEvent], Int, [EventProblem]) {
        struct Key: Hashable {
            let account: String
            let id: String
        }
        var seen: [Key: [UInt8]] = [:]
        seen.reserveCapacity(events.count)
        var unique: [UsageEvent] = []
        var repeats = 0
        var problems: [EventProblem] = []
        for event in events {
            let key = Key(account: event.account, id: event.id)
            if let fingerprint = seen[key] {
                if fingerprint == event.fingerprint {
                    repeats += 1
                } else {
                    problems.append(EventProblem(
                        index: event.index, id: event.id, field: "id",
                        message: "an earlier event of this batch has the same id and a different payload"))
                }
            } else {
                seen[key] = event.fingerprint
                unique.append(event)
            }
        }
        return (unique, repeats, problems)
    }
}
