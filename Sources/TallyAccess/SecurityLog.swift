import Foundation
import Logging

/// Security-relevant events, one structured log line each.
public enum SecurityEvent: String, Sendable {
    /// A login succeeded.
    case loginSucceeded = "login.success"
    /// A login failed (unknown email, wrong password, disabled user).
    case loginFailed = "login.failure"
    /// A login was refused by throttling.
    case loginThrottled = "login.throttled"
    /// A user logged out.
    case logout = "logout"
    /// A session passed its idle or absolute timeout.
    case sessionExpired = "session.expired"
    /// A signed-in user asked for something their role may not have.
    case accessDenied = "access.denied"
    /// A customer asked for an object id their account cannot see (missing or another account's);
    /// answered 404 like any missing object.
    case objectNotFound = "access.not_found"
    /// A user's role was changed (an owner on the Team page).
    case roleChanged = "user.role_changed"
    /// A state-changing request had no valid CSRF token, or came cross-site.
    case csrfFailed = "csrf.failure"
    /// A user was created by an operator.
    case userCreated = "user.created"
    /// A user was disabled by an operator.
    case userDisabled = "user.disabled"
    /// A user's password was reset by an operator.
    case passwordReset = "user.password_reset"
}

/// Writes security events as structured log lines: UTC time, event, outcome, actor (user id),
/// account, request id and short details. Callers never pass passwords, cookies, tokens or keys;
/// there is no field for them.
public struct SecurityLog: Sendable {
    let logger: Logger

    /// Logs to `logger` (its own metadata, e.g. the request id, is kept).
    public init(logger: Logger) {
        var logger = logger
        logger[metadataKey: "log.kind"] = "security"
        self.logger = logger
    }

    /// Writes one event. `time` is when it happened (the wall clock, unless a caller has a better one).
    public func record(
        _ event: SecurityEvent, outcome: SecurityOutcome, userID: Int64? = nil, accountID: Int64? = nil,
        requestID: String? = nil, at time: Date = Date(), details: [String: String] = [:]
    ) {
        var metadata: Logger.Metadata = [
            "security.event": "\(event.rawValue)",
            "security.outcome": "\(outcome.rawValue)",
            "time": "\(time.formatted(.iso8601))",
            "actor.id": "\(userID.map(String.init) ?? "-")",
            "account.id": "\(accountID.map(String.init) ?? "-")",
        ]
        if let requestID { metadata["request.id"] = "\(requestID)" }
        for (key, value) in details { metadata["security.\(key)"] = "\(value)" }
        logger.notice("security event", metadata: metadata)
    }
}

/// How a security event ended.
public enum SecurityOutcome: String, Sendable {
    /// Allowed or done.
    case success
    /// Refused because of wrong input (credentials, token).
    case failure
    /// Refused by a rule (role, throttle, origin).
    case denied
}
