import Foundation
import Metering

/// One event that passed validation, normalised; what the ingest stores.
public struct UsageEvent: Sendable, Hashable {
    /// Position in the batch (0-based).
    public let index: Int
    /// The idempotency key.
    public let id: String
    /// The account's external id.
    public let account: String
    /// The feature key; nil: unattributed.
    public let feature: String?
    /// The model id.
    public let model: String?
    /// Tokens in Tally's shape.
    public let usage: TokenUsage
    /// The service tier that served the call (prices may differ per tier).
    public let serviceTier: ServiceTier
    /// The value delivered (documents processed…).
    public let outputUnits: Int64
    /// Whether the model call succeeded.
    public let success: Bool
    /// The model call's latency.
    public let durationMS: Int64?
    /// The end user as sent (only its keyed hash is stored).
    public let endUser: String?
    /// When it happened.
    public let occurredAt: Date
    /// The provider-reported exact cost.
    public let reportedCost: Money?
    /// Canonical JSON of `metadata`.
    public let metadata: String?
    /// SHA-256 of the normalised payload: the same id with another fingerprint is another event.
    public let fingerprint: [UInt8]
}

/// One problem with one event of a batch, as the API reports it.
public struct EventProblem: Sendable, Hashable, Encodable {
    /// Position in the batch (0-based).
    public let index: Int
    /// The event's id when it had a usable one.
    public let id: String?
    /// The field at fault (`event` for the whole event).
    public let field: String
    /// What is wrong, for a developer.
    public let message: String

    /// A problem.
    public init(index: Int, id: String?, field: String, message: String) {
        self.index = index
        self.id = id
        self.field = field
        self.message = message
    }
}

/// Why a batch was refused, with the HTTP status the API answers.
public enum IngestError: Error, Sendable, Equatable {
    /// The body is not JSON, or not `{"events": [...]}` (400).
    case malformed(String)
    /// More than `EventValidator.maxEvents` events (413).
    case tooManyEvents(Int)
    /// Some events are invalid; nothing was stored (422).
    case invalidEvents([EventProblem])
}
