import Hummingbird

/// The session cookie and the pre-session CSRF cookie.
///
/// In production both use the `__Host-` prefix with Secure, HttpOnly, SameSite=Lax and Path=/.
/// With `TALLY_INSECURE_COOKIES=1` (plain-HTTP localhost development only) they drop Secure and
/// the prefix, since browsers refuse `__Host-` cookies without Secure.
struct AccessCookies: Sendable {
    /// Whether the development setting is on.
    let insecure: Bool

    var sessionName: String { insecure ? "tally_session" : "__Host-tally_session" }
    var csrfName: String { insecure ? "tally_csrf" : "__Host-tally_csrf" }

    /// The session cookie; a browser-session cookie (no Max-Age): the server enforces expiry.
    func session(_ value: String) -> Cookie {
        cookie(sessionName, value)
    }

    /// The pre-session CSRF cookie for the login form (double-submit).
    func csrf(_ value: String) -> Cookie {
        cookie(csrfName, value)
    }

    /// A cookie that deletes the session cookie.
    func expiredSession() -> Cookie {
        cookie(sessionName, "", maxAge: 0)
    }

    private func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: !insecure, httpOnly: true, sameSite: .lax)
    }
}
