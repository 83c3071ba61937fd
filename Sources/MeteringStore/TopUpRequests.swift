import Foundation
import Metering
import Postgres
import TallyDatabase

/// Where a top-up request stands.
public enum TopUpState: String, Sendable, Hashable {
    /// Waiting for an admin.
    case pending
    /// Approved: a sold `top_up` grant exists.
    case approved
    /// Declined, with a reason.
    case declined
}

/// An owner's request for more credits, and its answer.
public struct TopUpRequest: Sendable, Hashable {
    /// The request's id.
    public let id: Int64
    /// The account that asked.
    public let accountID: Int64
    /// The account's name (for the admin list).
    public let accountName: String
    /// Credits asked for.
    public let credits: Credits
    /// The owner's note.
    public let note: String
    /// Who asked (email), when still known.
    public let requestedBy: String?
    /// When.
    public let requestedAt: Date
    /// Where it stands.
    public let state: TopUpState
    /// When an admin answered.
    public let decidedAt: Date?
    /// Why it was declined.
    public let declineReason: String?
    /// The grant an approval made: its price and expiry.
    public let grantPrice: Money?
    /// When the granted credits expire; nil: never (or not approved).
    public let grantExpiresAt: Date?
}

/// Why a top-up request or its answer was refused (thrown as `Refused<TopUpProblem>`).
public enum TopUpProblem: Hashable, Sendable {
    /// The request asks for 0 credits or fewer.
    case creditsNotPositive
    /// The request asks for more than ``TopUpRequests/maximumCredits``.
    case creditsAboveMaximum
    /// The note is longer than ``TopUpRequests/maximumNoteLength`` characters.
    case noteTooLong
    /// The account already has ``TopUpRequests/maximumPending`` open requests.
    case tooManyPending
    /// No pending request has this id (missing, or already answered).
    case notPending
    /// The approval's price is negative.
    case negativePrice
    /// The approval's expiry is not in the future.
    case expiryNotFuture
    /// The decline's reason is empty or longer than ``TopUpRequests/maximumNoteLength``.
    case reasonLength
}

/// "Get more credits": owners ask (account scope), admins approve with a price and an optional
/// expiry, which makes a sold `top_up` credit grant, or decline with a reason (staff scope).
/// A decision changes the request only while it is pending (checked in the UPDATE itself), so a
/// request is never approved twice; the grant, the state change and the audit row commit together.
public struct TopUpRequests: Sendable {
    /// Open requests one account may have at a time.
    public static let maximumPending = 5
    /// The most credits one request may ask for.
    public static let maximumCredits = Credits(credits: 1_000_000_000)
    /// The longest note or decline reason, in characters.
    public static let maximumNoteLength = 500

    let pool: PostgresPool

    /// A store over `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Records an owner's request, with its audit row, as `actor` (whose user is the requester).
    public func request(accountID: Int64, credits: Credits, note: String, by actor: AuditActor, now: Date) async throws -> Int64 {
        var problems: [TopUpProblem] = []
        if credits <= .zero { problems.append(.creditsNotPositive) }
        if credits > Self.maximumCredits { problems.append(.creditsAboveMaximum) }
        if note.count > Self.maximumNoteLength { problems.append(.noteTooLong) }
        try Refused.check(problems)
        return try await pool.withTransaction(scope: .account(accountID)) { connection in
            // The account row's lock serialises two requests sent at once, so the limit holds.
            _ = try await connection.query("SELECT 1 FROM accounts WHERE id = \(accountID) FOR UPDATE")
            let pending = try await connection.query(
                "SELECT count(*)::int8 FROM top_up_requests WHERE account_id = \(accountID) AND state = 'pending'"
            ).first?.decode(Int.self, at: 0) ?? 0
            guard pending < Self.maximumPending else { throw Refused(TopUpProblem.tooManyPending) }
            let id = try await connection.query(
                """
                INSERT INTO top_up_requests (account_id, credits, note, requested_by, requested_at)
                VALUES (\(accountID), \(credits.millis), \(note), \(actor.userID), \(now))
                RETURNING id
                """
            ).first?.decode(Int64.self, at: 0) ?? 0
            try await AuditTrail.record(
                AuditChange(
                    action: "top_up.request", objectKind: "top_up_request", objectID: String(id), accountID: accountID,
                    before: nil, after: ["credits": credits.formatted, "note": note, "state": "pending"]),
                by: actor, at: now, on: connection)
            return id
        }
    }

    /// The account's requests, newest first (at most `limit`).
    public func requests(accountID: Int64, limit: Int = 20) async throws -> [TopUpRequest] {
        try await pool.withTransaction(scope: .account(accountID)) { connection in
            try await connection.query(Self.select(where: "r.account_id = \(accountID)", limit: limit)).map(Self.request)
        }
    }

    /// Requests waiting for an answer, oldest first, across accounts (staff scope).
    public func pending(limit: Int, offset: Int) async throws -> (requests: [TopUpRequest], total: Int) {
        try await pool.withTransaction(scope: .staff) { connection in
            let total = try await connection.query("SELECT count(*)::int8 FROM top_up_requests WHERE state = 'pending'")
                .first?.decode(Int.self, at: 0) ?? 0
            let rows = try await connection.query(
                """
                \(unsafeRaw: Self.columns)
                WHERE r.state = 'pending'
                ORDER BY r.requested_at, r.id
                LIMIT \(limit) OFFSET \(offset)
                """)
            return (try rows.map(Self.request), total)
        }
    }

    /// Requests answered most recently (staff scope), for the admin page's history.
    public func recentlyDecided(limit: Int) async throws -> [TopUpRequest] {
        try await pool.withTransaction(scope: .staff) { connection in
            try await connection.query(
                """
                \(unsafeRaw: Self.columns)
                WHERE r.state <> 'pending'
                ORDER BY r.decided_at DESC, r.id DESC
                LIMIT \(limit)
                """
            ).map(Self.request)
        }
    }

    /// The pending request `id`, or nil (staff scope).
    public func pendingRequest(id: Int64) async throws -> TopUpRequest? {
        try await pool.withTransaction(scope: .staff) { connection in
            try await connection.query(
                """
                \(unsafeRaw: Self.columns)
                WHERE r.id = \(id) AND r.state = 'pending'
                """
            ).first.map(Self.request)
        }
    }

    /// Approves pending request `id`: a sold `top_up` grant of the requested credits at `price`,
    /// expiring at `expiresAt` (nil: never), in one transaction with the state change and the
    /// audit row. Returns the grant's id.
    ///
    /// - Throws: `Refused<TopUpProblem>`: ``TopUpProblem/notPending`` when the request is not
    ///   pending (answered already, or missing), a negative price or a past expiry.
    public func approve(id: Int64, price: Money, expiresAt: Date?, by actor: AuditActor, now: Date) async throws -> Int64 {
        var problems: [TopUpProblem] = []
        if price < .zero { problems.append(.negativePrice) }
        if let expiresAt, expiresAt <= now { problems.append(.expiryNotFuture) }
        try Refused.check(problems)
        return try await pool.withTransaction(scope: .staff) { connection in
            // Lock the pending request: a second approval (or a decline) waits here, then finds
            // it answered and changes nothing.
            let rows = try await connection.query(
                """
                SELECT account_id, credits, note FROM top_up_requests
                WHERE id = \(id) AND state = 'pending'
                FOR UPDATE
                """)
            guard let row = rows.first else { throw Refused(TopUpProblem.notPending) }
            let (accountID, credits, note) = try row.decode((Int64, Int64, String).self)
            let grantNote = note.isEmpty ? "Top-up request #\(id)" : "Top-up request #\(id): \(note)"
            let grantID = try await connection.query(
                """
                INSERT INTO credit_grants (account_id, kind, amount, granted_at, expires_at, price, note)
                VALUES (\(accountID), 'top_up', \(credits), \(now), \(expiresAt), \(price.nanos), \(String(grantNote.prefix(500))))
                RETURNING id
                """
            ).first?.decode(Int64.self, at: 0) ?? 0
            let changed = try await connection.execute(
                """
                UPDATE top_up_requests SET state = 'approved', decided_at = \(now), decided_by = \(actor.userID), grant_id = \(grantID)
                WHERE account_id = \(accountID) AND id = \(id) AND state = 'pending'
                """)
            guard changed == 1 else { throw Refused(TopUpProblem.notPending) }
            try await AuditTrail.record(
                AuditChange(
                    action: "top_up.approve", objectKind: "top_up_request", objectID: String(id), accountID: accountID,
                    before: ["state": "pending", "credits": Credits(millis: credits).formatted],
                    after: [
                        "state": "approved", "credits": Credits(millis: credits).formatted, "price": price.formatted(),
                        "expires": expiresAt.map(AuditText.day) ?? "never", "grant": String(grantID),
                    ]),
                by: actor, at: now, on: connection)
            return grantID
        }
    }

    /// Declines pending request `id` with `reason` (shown to the customer), with its audit row.
    ///
    /// - Throws: `Refused<TopUpProblem>`: ``TopUpProblem/notPending`` or ``TopUpProblem/reasonLength``.
    public func decline(id: Int64, reason: String, by actor: AuditActor, now: Date) async throws {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...Self.maximumNoteLength).contains(reason.count) else { throw Refused(TopUpProblem.reasonLength) }
        try await pool.withTransaction(scope: .staff) { connection in
            let rows = try await connection.query(
                """
                UPDATE top_up_requests SET state = 'declined', decided_at = \(now), decided_by = \(actor.userID),
                       decline_reason = \(reason)
                WHERE id = \(id) AND state = 'pending'
                RETURNING account_id
                """)
            guard let accountID = try rows.first?.decode(Int64.self, at: 0) else { throw Refused(TopUpProblem.notPending) }
            try await AuditTrail.record(
                AuditChange(
                    action: "top_up.decline", objectKind: "top_up_request", objectID: String(id), accountID: accountID,
                    before: ["state": "pending"], after: ["state": "declined", "reason": reason]),
                by: actor, at: now, on: connection)
        }
    }

    private static let columns = """
        SELECT r.id, r.account_id, a.name, r.credits, r.note, u.email, r.requested_at, r.state, r.decided_at,
               r.decline_reason, g.price, g.expires_at
        FROM top_up_requests r
        JOIN accounts a ON a.id = r.account_id
        LEFT JOIN users u ON u.id = r.requested_by
        LEFT JOIN credit_grants g ON g.account_id = r.account_id AND g.id = r.grant_id
        """

    private static func select(where condition: PostgresQuery, limit: Int) -> PostgresQuery {
        "\(unsafeRaw: columns) WHERE \(condition) ORDER BY r.requested_at DESC, r.id DESC LIMIT \(limit)"
    }

    private static func request(_ row: PostgresRow) throws -> TopUpRequest {
        let (id, accountID, accountName, credits, note, email, requestedAt, state, decidedAt, reason, price, expires) =
            try row.decode((Int64, Int64, String, Int64, String, String?, Date, String, Date?, String?, Int64?, Date?).self)
        return TopUpRequest(
            id: id, accountID: accountID, accountName: accountName, credits: Credits(millis: credits), note: note,
            requestedBy: email, requestedAt: requestedAt, state: TopUpState(rawValue: state) ?? .pending,
            decidedAt: decidedAt, declineReason: reason, grantPrice: price.map(Money.init(nanos:)), grantExpiresAt: expires)
    }
}
