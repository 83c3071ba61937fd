import Foundation
import Hummingbird
import TallyAccess
import Passwords
import TallyCrypto
import Templating

/// `GET /invitations/{token}` shows who is invited where and a set-password form;
/// `POST /invitations/{token}` creates the user in the inviting account, signs them in and uses
/// the link up. An unknown, used, revoked or expired link gets one and the same 404 page.
///
/// The visitor has no session, so CSRF works as for the login form: the GET sets the
/// pre-session cookie and puts the same value in the form (double submit). A signed-in visitor
/// is asked to sign out first, so nobody accepts an invitation into the wrong browser session.
struct InvitationRoutes {
    let services: PortalAccountServices

    func register(on router: Router<AppRequestContext>) {
        router.get("/invitations/:token") { request, context in try await show(request, context) }
        router.post("/invitations/:token") { request, context in try await accept(request, context) }
    }

    private func show(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        guard let details = try await services.invitations.details(token: token, now: services.now) else {
            return try invalid()
        }
        if let session = context.session { return try signedIn(session, details, status: .ok) }
        let existing = request.cookies[services.cookies.csrfName]?.value
        let csrf = existing.flatMap { Base64URL.decode($0)?.count == 32 ? $0 : nil } ?? SecureRandom.token(bytes: 32)
        var response = try form(details, token: token, csrf: csrf, errors: FieldErrors(), status: .ok)
        if csrf != existing { response.setCookie(services.cookies.csrf(csrf)) }
        return response
    }

    private func accept(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        let now = services.now
        guard let details = try await services.invitations.details(token: token, now: now) else { return try invalid() }
        if let session = context.session { return try signedIn(session, details, status: .conflict) }
        // The CSRF middleware has checked this cookie against the form's token.
        let csrf = request.cookies[services.cookies.csrfName]?.value ?? ""
        let previous = request.cookies[services.cookies.sessionName].flatMap { SessionToken(cookieValue: $0.value) }
        return try await FormSubmission.handle(request, context: context, parse: { try password($0) }) { password in
            let sessionToken: SessionToken
            let session: AuthenticatedSession
            do {
                (sessionToken, session) = try await services.invitations.accept(
                    token: token, password: password, replacing: previous, now: now)
            } catch InvitationError.notValid {
                return try invalid()
            }
            SecurityLog(logger: context.logger).record(
                .loginSucceeded, outcome: .success, userID: session.userID, accountID: session.accountID,
                requestID: context.id, at: now, details: ["via": "invitation"])
            var response = redirect(to: "/")
            response.setCookie(services.cookies.session(sessionToken.value))
            return response
        } refused: { form in
            try self.form(details, token: token, csrf: csrf, errors: form.errors, status: .unprocessableContent)
        }
    }

    /// The new password, typed twice alike and within the policy (taken as typed: spaces count).
    private func password(_ form: FormState) throws(FieldErrors) -> String {
        let password = form.values["password"] ?? ""
        if let violation = services.policy.violation(for: password) { throw FieldErrors("password", violation.message) }
        guard password == form.values["confirm"] ?? "" else { throw FieldErrors("confirm", "The two passwords differ.") }
        return password
    }

    private func form(
        _ details: InvitationDetails, token: String, csrf: String, errors: FieldErrors, status: HTTPResponse.Status
    ) throws -> Response {
        let view = InvitationPageView(
            details: details, token: token, csrfToken: csrf, errors: errors, minimumLength: services.policy.minimumLength,
            signedInEmail: nil)
        return htmlResponse(try services.pages.render("portal/invitation", view), status: status)
    }

    private func signedIn(_ session: AuthenticatedSession, _ details: InvitationDetails, status: HTTPResponse.Status) throws -> Response {
        let view = InvitationPageView(
            details: details, token: "", csrfToken: session.csrfToken, errors: FieldErrors(),
            minimumLength: services.policy.minimumLength, signedInEmail: session.email)
        return htmlResponse(try services.pages.render("portal/invitation", view), status: status)
    }

    /// The one page for an unknown, used, revoked or expired link.
    private func invalid() throws -> Response {
        htmlResponse(try services.pages.render("portal/invitation-invalid", InvitationInvalidView()), status: .notFound)
    }
}

/// The invitation page: the account, the email, and the set-password form (or, for a
/// signed-in visitor, a note to sign out first).
struct InvitationPageView: KeyedTemplateValue {
    let details: InvitationDetails
    let token: String
    let csrfToken: String
    let errors: FieldErrors
    let minimumLength: Int
    let signedInEmail: String?

    static let templateKeys: TemplateKeys<Self> = [
        "accountName": { $0.details.accountName },
        "email": { $0.details.invitation.email },
        "role": { $0.details.invitation.role == .owner ? "an owner" : "a member" },
        "expiresAt": { AccountPageFormat.dateTime($0.details.invitation.expiresAt, in: AccountPageFormat.utc) + " UTC" },
        "action": { "/invitations/\($0.token)" },
        "csrfToken": { $0.csrfToken },
        "errors": { $0.errors },
        "minimumLength": { $0.minimumLength },
        "signedInEmail": { $0.signedInEmail },
    ]
}

/// The page for a link that does not work (the same whatever the reason).
struct InvitationInvalidView: KeyedTemplateValue {
    static let templateKeys: TemplateKeys<Self> = ["message": { _ in InvitationError.notValid.message }]
}
