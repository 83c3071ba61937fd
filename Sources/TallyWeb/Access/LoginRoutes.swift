import Hummingbird
import Metering
import TallyAccess
import TallyCrypto

/// `GET /login`, `POST /login` and `POST /logout`. CSRF is checked by ``CSRFMiddleware`` before
/// these handlers run.
struct LoginRoutes {
    let access: AccessServices
    let pages: Pages
    let cookies: AccessCookies
    let addresses: ClientAddressResolver

    /// The same sentence for an unknown email, a wrong password and a disabled user.
    static let invalidCredentials = "Email or password is incorrect."

    func register(on router: Router<AppRequestContext>) {
        router.get("/login") { request, context in try showForm(request, context) }
        router.post("/login") { request, context in try await submit(request, context) }
        router.post("/logout") { _, context in try await logout(context) }
    }

    /// Where a signed-in user starts.
    static func home(for role: UserRole) -> String { role.isStaff ? "/admin" : "/" }

    private func showForm(_ request: Request, _ context: AppRequestContext) throws -> Response {
        if let session = context.session { return redirect(to: Self.home(for: session.role)) }
        let existing = request.cookies[cookies.csrfName]?.value
        let token = existing.flatMap { Base64URL.decode($0)?.count == 32 ? $0 : nil } ?? SecureRandom.token(bytes: 32)
        var response = try page(LoginPageView(csrfToken: token, email: "", error: ""), status: .ok)
        if token != existing { response.setCookie(cookies.csrf(token)) }
        return response
    }

    private func submit(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await FormState.read(&request, context: context)
        let email = form.values["email"] ?? ""
        let password = form.values["password"] ?? ""
        let client = addresses.resolve(peer: context.peerAddress, forwardedFor: request.headers[values: .xForwardedFor])
        let previous = request.cookies[cookies.sessionName].flatMap { SessionToken(cookieValue: $0.value) }
        let now = access.clock.now()
        let outcome = try await access.login.login(
            email: email, password: password, clientAddress: client, replacing: previous, now: now)
        let log = SecurityLog(logger: context.logger)
        // The token the CSRF middleware will expect on the next post of this form.
        let formToken = context.session?.csrfToken ?? request.cookies[cookies.csrfName]?.value ?? ""
        switch outcome {
        case .success(let token, let session):
            log.record(.loginSucceeded, outcome: .success, userID: session.userID, accountID: session.accountID, requestID: context.id, at: now)
            var response = redirect(to: Self.home(for: session.role))
            response.setCookie(cookies.session(token.value))
            return response
        case .invalidCredentials(let userID, let accountID):
            log.record(.loginFailed, outcome: .failure, userID: userID, accountID: accountID, requestID: context.id, at: now)
            return try page(LoginPageView(csrfToken: formToken, email: email, error: Self.invalidCredentials), status: .ok)
        case .throttled(let seconds, let reason):
            log.record(.loginThrottled, outcome: .denied, requestID: context.id, at: now, details: ["reason": reason.rawValue])
            let minutes = (seconds + 59) / 60
            let message = "Too many sign-in attempts. Try again in \(minutes) minute\(minutes == 1 ? "" : "s")."
            var response = try page(LoginPageView(csrfToken: formToken, email: email, error: message), status: .tooManyRequests)
            response.headers[.retryAfter] = String(seconds)
            return response
        }
    }

    private func logout(_ context: AppRequestContext) async throws -> Response {
        if let session = context.session {
            try await access.sessions.delete(session)
            SecurityLog(logger: context.logger).record(
                .logout, outcome: .success, userID: session.userID, accountID: session.accountID,
                requestID: context.id, at: access.clock.now())
        }
        var response = redirect(to: "/login")
        response.setCookie(cookies.expiredSession())
        return response
    }

    private func page(_ view: LoginPageView, status: HTTPResponse.Status) throws -> Response {
        let html = try pages.render("login", view)
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// A 303 See Other to `location`.
func redirect(to location: String) -> Response {
    Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
}
