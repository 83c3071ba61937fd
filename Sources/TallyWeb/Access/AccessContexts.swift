import Hummingbird
import Logging
import TallyAccess
import TallyDatabase

/// The context of customer routes: a signed-in `owner` or `member`, with the account taken from
/// the session (never from the URL or a form). Building it throws ``AppError/signInRequired``
/// (303 to /login) when anonymous and ``AppError/forbidden`` (403, logged) for staff.
public struct CustomerRequestContext: ChildRequestContext {
    /// Hummingbird's storage, shared with the parent context.
    public var coreContext: CoreRequestContextStorage
    /// The signed-in customer.
    public let session: AuthenticatedSession
    /// The customer's account: the only account customer routes may touch.
    public let accountID: Int64

    /// Requires a signed-in customer.
    public init(context: AppRequestContext) throws {
        let session = try requireSession(context)
        guard !session.role.isStaff, let accountID = session.accountID else {
            throw deny(session, context: context, needed: "customer")
        }
        coreContext = context.coreContext
        self.session = session
        self.accountID = accountID
    }

    /// The data scope of every query this request makes: the session's account only.
    public var scope: AccessScope { .account(accountID) }

    /// The 404 for an object id this account cannot see: missing, or another account's (row-level
    /// security makes the two look the same, and so does the page). Logged as `access.not_found`
    /// with the id asked for, so probing for other accounts' ids shows up in the security log.
    public func objectNotFound(_ kind: String, objectID: String) -> AppError {
        SecurityLog(logger: logger).record(
            .objectNotFound, outcome: .denied, userID: session.userID, accountID: accountID, requestID: id,
            details: ["object": kind, "object_id": String(objectID.prefix(40))])
        return .notFound
    }

    /// The same limit as the parent context.
    public var maxUploadSize: Int { 1024 * 1024 + 64 * 1024 }
}

/// The context of staff routes: a signed-in `admin` or `sales`. Throws ``AppError/signInRequired``
/// when anonymous and ``AppError/forbidden`` (logged) for customers.
public struct StaffRequestContext: ChildRequestContext {
    /// Hummingbird's storage, shared with the parent context.
    public var coreContext: CoreRequestContextStorage
    /// The signed-in staff member.
    public let session: AuthenticatedSession

    /// Requires a signed-in staff member.
    public init(context: AppRequestContext) throws {
        let session = try requireSession(context)
        guard session.role.isStaff else { throw deny(session, context: context, needed: "staff") }
        coreContext = context.coreContext
        self.session = session
    }

    /// The data scope of staff pages: every account (reads; changes need ``AdminRequestContext``).
    public var scope: AccessScope { .staff }

    /// The same limit as the parent context.
    public var maxUploadSize: Int { 1024 * 1024 + 64 * 1024 }
}

/// The context of routes that change operator data: a signed-in `admin`. Throws
/// ``AppError/signInRequired`` when anonymous and ``AppError/forbidden`` (logged) for anyone else,
/// sales included.
public struct AdminRequestContext: ChildRequestContext {
    /// Hummingbird's storage, shared with the parent context.
    public var coreContext: CoreRequestContextStorage
    /// The signed-in admin.
    public let session: AuthenticatedSession

    /// Requires a signed-in admin.
    public init(context: AppRequestContext) throws {
        let session = try requireSession(context)
        guard session.role == .admin else { throw deny(session, context: context, needed: "admin") }
        coreContext = context.coreContext
        self.session = session
    }

    /// The data scope of admin routes: every account.
    public var scope: AccessScope { .staff }

    /// The same limit as the parent context.
    public var maxUploadSize: Int { 1024 * 1024 + 64 * 1024 }
}

private func requireSession(_ context: AppRequestContext) throws -> AuthenticatedSession {
    guard let session = context.session else { throw AppError.signInRequired }
    return session
}

/// Logs the denial and returns the error to throw.
private func deny(_ session: AuthenticatedSession, context: AppRequestContext, needed: String) -> AppError {
    SecurityLog(logger: context.logger).record(
        .accessDenied, outcome: .denied, userID: session.userID, accountID: session.accountID,
        requestID: context.id, details: ["role": session.role.rawValue, "needed": needed])
    return .forbidden
}
