import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

public let sessionCookie = "__Host-tally_session"
public let csrfCookie = "__Host-tally_csrf"

/// What a browser would hold after the login form: its cookies and the form's CSRF token.
public struct BrowserState: Sendable {
    public var cookies: [String: String] = [:]
    public var csrf: String = ""

    /// A browser with no cookies.
    public init() {}

    public var cookieHeader: String {
        cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
    }

    /// Applies the response's Set-Cookie headers (Max-Age=0 deletes).
    public mutating func absorb(_ response: TestResponse) {
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0])
            let value = pair.count > 1 ? String(pair[1]) : ""
            if header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
    }
}

/// `application/x-www-form-urlencoded` with every non-unreserved byte percent-encoded.
public func formBody(_ fields: [(String, String)]) -> ByteBuffer {
    let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    let text = fields.map { key, value in
        "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "")"
    }.joined(separator: "&")
    return ByteBuffer(string: text)
}

/// The value of the first hidden `_csrf` field in a page.
public func csrfField(in body: ByteBuffer) -> String? {
    let html = String(buffer: body)
    guard let range = html.range(of: #"name="_csrf" value=""#) else { return nil }
    let rest = html[range.upperBound...]
    return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
}

extension TestClientProtocol {
    /// GET /login: picks up the pre-session CSRF cookie and the form token.
    public func openLoginForm(_ state: inout BrowserState) async throws {
        let response = try await execute(uri: "/login", method: .get, headers: state.headers)
        state.absorb(response)
        state.csrf = csrfField(in: response.body) ?? ""
    }

    /// POST /login from `address` with the current state; returns the response.
    public func submitLogin(
        _ state: inout BrowserState, email: String, password: String, address: String = "198.51.100.7"
    ) async throws -> TestResponse {
        var headers = state.headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        headers[HTTPField.Name("X-Forwarded-For")!] = address
        let body = formBody([("_csrf", state.csrf), ("email", email), ("password", password)])
        let response = try await execute(uri: "/login", method: .post, headers: headers, body: body)
        state.absorb(response)
        return response
    }

    /// Opens the form and signs in; returns the browser state with the session cookie and the
    /// session's CSRF token (read from the home page).
    public func signIn(email: String, password: String, address: String = "198.51.100.7") async throws -> (BrowserState, TestResponse) {
        var state = BrowserState()
        try await openLoginForm(&state)
        let response = try await submitLogin(&state, email: email, password: password, address: address)
        if let location = response.headers[.location] {
            let home = try await execute(uri: location, method: .get, headers: state.headers)
            state.csrf = csrfField(in: home.body) ?? ""
        }
        return (state, response)
    }

    /// A POST with the state's cookies and an optional `_csrf` form field.
    public func post(_ uri: String, _ state: BrowserState, csrf: String?, extraHeaders: HTTPFields = [:]) async throws -> TestResponse {
        var headers = state.headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        for field in extraHeaders { headers.append(field) }
        let body = formBody(csrf.map { [("_csrf", $0)] } ?? [])
        return try await execute(uri: uri, method: .post, headers: headers, body: body)
    }
}

extension TestClientProtocol {
    /// GET `uri` as this browser.
    public func get(_ uri: String, as state: BrowserState) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: state.headers)
    }

    /// Submits a form to `uri` as this browser, with its session's CSRF token added.
    public func submit(_ uri: String, as state: BrowserState, _ fields: [(String, String)]) async throws -> TestResponse {
        var headers = state.headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await execute(uri: uri, method: .post, headers: headers, body: formBody([("_csrf", state.csrf)] + fields))
    }
}

extension TestResponse {
    /// The body as text.
    public var text: String { String(buffer: body) }
}

extension BrowserState {
    public var headers: HTTPFields {
        var fields = HTTPFields()
        if !cookies.isEmpty { fields[.cookie] = cookieHeader }
        return fields
    }
}
