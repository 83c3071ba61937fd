import Foundation
import Postgres

/// Who made a change: a signed-in staff member, or Tally itself (a `tally` command, a job).
public struct AuditActor: Sendable, Equatable {
    /// The user's id; nil for a command or Tally itself.
    public let userID: Int64?
    /// The user's email, or a label such as `tally command`.
    public let label: String
    /// The request the change came with (X-Request-Id), if any.
    public let requestID: String?

    /// An actor; prefer ``user(id:email:requestID:)``, ``command`` and ``system``.
    public init(userID: Int64?, label: String, requestID: String?) {
        self.userID = userID
        self.label = label
        self.requestID = requestID
    }

    /// A signed-in user making a change in a request.
    public static func user(id: Int64, email: String, requestID: String?) -> AuditActor {
        AuditActor(userID: id, label: email, requestID: requestID)
    }

    /// A `tally` command run by the operator.
    public static let command = AuditActor(userID: nil, label: "tally command", requestID: nil)

    /// Tally's own jobs (the scheduler, deliveries).
    public static let system = AuditActor(userID: nil, label: "tally", requestID: nil)

    /// The demo data and test fixtures loaded into a fresh database: they are the starting
    /// state, not changes to it, so ``AuditTrail/record(_:by:at:on:)`` writes nothing for them.
    public static let seed = AuditActor(userID: nil, label: "tally seed", requestID: nil)
}

/// The fields of an object as the audit log shows them, before or after a change: names to
/// display values, e.g. `["name": "Pro", "monthly_fee": "$49.00"]`. Stored as a JSON object.
public typealias AuditSnapshot = [String: String]

/// One change to record: what was changed and how.
public struct AuditChange: Sendable, Equatable {
    /// `kind.verb`, lowercase: `plan.create`, `account.pause`, `price.rerate`.
    public let action: String
    /// What kind of object changed: `plan`, `account`, `model_price`, `user`.
    public let objectKind: String
    /// The object's id or key, as text.
    public let objectID: String
    /// The account the change concerns, when there is one.
    public let accountID: Int64?
    /// The fields before; nil for a creation.
    public let before: AuditSnapshot?
    /// The fields after; nil for a deletion.
    public let after: AuditSnapshot?

    /// Describes a change.
    public init(
        action: String, objectKind: String, objectID: String, accountID: Int64? = nil,
        before: AuditSnapshot?, after: AuditSnapshot?
    ) {
        self.action = action
        self.objectKind = objectKind
        self.objectID = objectID
        self.accountID = accountID
        self.before = before
        self.after = after
    }
}

/// Writes the audit log (`audit_log`, migration 0005). Call it on the connection of the
/// transaction that makes the change, so the change and its row commit or roll back together.
public enum AuditTrail {
    /// Records `change` by `actor` at `time` in the current transaction (nothing for ``AuditActor/seed``).
    public static func record(
        _ change: AuditChange, by actor: AuditActor, at time: Date, on connection: PostgresConnection
    ) async throws {
        guard actor != .seed else { return }
        try await connection.execute(
            """
            INSERT INTO audit_log (at, actor_user_id, actor, action, object_kind, object_id, account_id, before, after, request_id)
            VALUES (\(time), \(actor.userID), \(actor.label), \(change.action), \(change.objectKind), \(change.objectID),
                    \(change.accountID), \(json(change.before))::jsonb, \(json(change.after))::jsonb, \(actor.requestID))
            """)
    }

    /// A snapshot as a JSON object with sorted keys; nil stays nil.
    static func json(_ snapshot: AuditSnapshot?) -> String? {
        guard let snapshot else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(snapshot)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The fields that differ between two snapshots, sorted by name: what a change changed.
    public static func changedFields(before: AuditSnapshot?, after: AuditSnapshot?) -> [(field: String, before: String?, after: String?)] {
        let names = Set((before ?? [:]).keys).union((after ?? [:]).keys).sorted()
        return names.compactMap { name in
            let old = before?[name]
            let new = after?[name]
            return old == new ? nil : (name, old, new)
        }
    }
}
