import Hummingbird
import TallyAccess
import TallyDatabase

/// The context of the Team pages: a signed-in customer `owner`. Anonymous → 303 to /login
/// (``AppError/signInRequired``); staff and members → 403 (``AppError/forbidden``, logged as
/// `access.denied`).
public struct OwnerRequestContext: ChildRequestContext {
    /// Hummingbird's storage, shared with the parent context.
    public var coreContext: CoreRequestContextStorage
    /// The signed-in owner.
    public let session: AuthenticatedSession
    /// The owner's account: the only account these routes touch.
    public let accountID: Int64

    /// Requires a signed-in owner.
    public init(context: AppRequestContext) throws {
        let customer = try CustomerRequestContext(context: context)
        guard customer.session.role == .owner else {
            SecurityLog(logger: context.logger).record(
                .accessDenied, outcome: .denied, userID: customer.session.userID, accountID: customer.accountID,
                requestID: context.id, details: ["role": customer.session.role.rawValue, "needed": "owner"])
            throw AppError.forbidden
        }
        coreContext = context.coreContext
        session = customer.session
        accountID = customer.accountID
    }

    /// The data scope of every query: the owner's account only.
    public var scope: AccessScope { .account(accountID) }

    /// The audit actor of a change this request makes.
    var auditActor: AuditActor { .user(id: session.userID, email: session.email, requestID: id) }

    /// The 404 for an object id this account cannot see, logged as `access.not_found`.
    public func objectNotFound(_ kind: String, objectID: String) -> AppError {
        SecurityLog(logger: logger).record(
            .objectNotFound, outcome: .denied, userID: session.userID, accountID: accountID, requestID: id,
            details: ["object": kind, "object_id": String(objectID.prefix(40))])
        return .notFound
    }

    /// The same limit as the parent context.
    public var maxUploadSize: Int { 1024 * 1024 + 64 * 1024 }
}
