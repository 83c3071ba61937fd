import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import TallyAccess
import TallyTestSupport
import TallyWeb
import TallyWebTestSupport

/// The five kinds of visitor the route × role matrix has a column for.
enum MatrixRole: String, CaseIterable, Sendable {
    case anonymous, member, owner, sales, admin

    /// The user's role; nil for anonymous.
    var userRole: UserRole? { UserRole(rawValue: rawValue) }
    /// The email of this role's user in ``WebHarness/createMatrixUsers()``.
    var email: String { "\(rawValue)@matrix.test" }
    static let password = "matrix role password"
}

/// What a cell of the matrix expects: a status and, for redirects, where to.
struct ExpectedResponse: Sendable, Equatable, CustomStringConvertible {
    let status: Int
    let location: String?

    /// Parses `200`, `403` or `303 → /login`.
    init?(cell: String) {
        let parts = cell.split(separator: "→").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = parts.first, let status = Int(first) else { return nil }
        self.status = status
        location = parts.count > 1 ? parts[1] : nil
    }

    var description: String { location.map { "\(status) → \($0)" } ?? "\(status)" }
}

/// One row of the matrix: a route and what each role gets.
struct MatrixRow: Sendable {
    let method: HTTPRequest.Method
    let path: String
    let expected: [MatrixRole: ExpectedResponse]

    var route: String { "\(method.rawValue) \(path)" }
    var isStateChanging: Bool { ![.get, .head, .options].contains(method) }
}

/// The route × role matrix as committed in the docs: every block between `<!-- route-matrix -->`
/// and `<!-- /route-matrix -->` in any `docs/*.md` (docs/access.md holds the first; each area's
/// document holds its own routes). The test reads the documents themselves, so they cannot drift.
enum RouteMatrix {
    static func load() throws -> [MatrixRow] {
        let folder = WebHarness.repositoryRoot + "/docs"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".md") }.sorted()
        var rows: [MatrixRow] = []
        for file in files {
            var text = Substring(try String(contentsOfFile: folder + "/" + file, encoding: .utf8))
            while let start = text.range(of: "<!-- route-matrix -->") {
                guard let end = text.range(of: "<!-- /route-matrix -->", range: start.upperBound..<text.endIndex) else {
                    throw MatrixError("docs/\(file): <!-- route-matrix --> without <!-- /route-matrix -->")
                }
                rows += try parse(text[start.upperBound..<end.lowerBound])
                text = text[end.upperBound...]
            }
        }
        guard !rows.isEmpty else { throw MatrixError("no <!-- route-matrix --> block in docs/*.md") }
        return rows
    }

    private static func parse(_ block: Substring) throws -> [MatrixRow] {
        let lines = block.split(separator: "\n").filter { $0.hasPrefix("|") }
        guard let header = lines.first else { throw MatrixError("a route matrix block is empty") }
        let roles = try cells(header).dropFirst().map { name in
            guard let role = MatrixRole(rawValue: name) else { throw MatrixError("unknown role column \(name)") }
            return role
        }
        return try lines.dropFirst(2).map { line in
            let columns = cells(line)
            let route = columns[0].replacingOccurrences(of: "`", with: "").split(separator: " ", maxSplits: 1)
            guard route.count == 2, columns.count == roles.count + 1 else { throw MatrixError("bad matrix row: \(line)") }
            var expected: [MatrixRole: ExpectedResponse] = [:]
            for (role, cell) in zip(roles, columns.dropFirst()) {
                guard let value = ExpectedResponse(cell: cell) else { throw MatrixError("bad cell '\(cell)' in \(line)") }
                expected[role] = value
            }
            return MatrixRow(method: HTTPRequest.Method(String(route[0]))!, path: String(route[1]), expected: expected)
        }
    }

    private static func cells(_ line: Substring) -> [String] {
        line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

struct MatrixError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Router {
    /// `METHOD /path` for every registered route, as the matrix writes them.
    var routeNames: Set<String> {
        Set(routes.map { "\($0.method.rawValue) \($0.path)" })
    }
}

extension WebHarness {
    /// One user per signed-in matrix role: member and owner of account `matrix`, sales, admin.
    func createMatrixUsers() async throws {
        for role in MatrixRole.allCases {
            guard let userRole = role.userRole else { continue }
            try await createUser(role.email, role: userRole, account: "matrix", password: MatrixRole.password)
        }
    }
}

/// A source of distinct client addresses, so many sign-ins in one test never meet the per-address
/// throttle.
final class AddressSource: Sendable {
    private let next = Mutex(1)

    func make() -> String {
        let value = next.withLock { value in
            defer { value += 1 }
            return value
        }
        return "198.18.\(value / 250).\(value % 250 + 1)"
    }
}

extension TestClientProtocol {
    /// A browser for `role`: signed in afresh (its own session and CSRF token), or for anonymous
    /// one that has opened the login form (so it holds a pre-session CSRF token).
    func browser(_ role: MatrixRole, addresses: AddressSource) async throws -> BrowserState {
        guard role != .anonymous else {
            var state = BrowserState()
            try await openLoginForm(&state)
            return state
        }
        let (state, response) = try await signIn(email: role.email, password: MatrixRole.password, address: addresses.make())
        guard response.status == .seeOther, !state.csrf.isEmpty else {
            throw MatrixError("could not sign in as \(role): \(response.status)")
        }
        return state
    }

    /// A request with the browser's cookies; state-changing ones send `csrf` (when not nil) in
    /// the `_csrf` form field.
    func send(
        _ method: HTTPRequest.Method, _ path: String, _ state: BrowserState, csrf: String?,
        addresses: AddressSource, extraHeaders: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = state.headers
        headers[.xForwardedFor] = addresses.make()
        for field in extraHeaders { headers.append(field) }
        guard ![.get, .head, .options].contains(method) else {
            return try await execute(uri: path, method: method, headers: headers)
        }
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = formBody(csrf.map { [("_csrf", $0)] } ?? [])
        return try await execute(uri: path, method: method, headers: headers, body: body)
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}

/// A concrete path for a route pattern: parameters (`:id`, `{id}`) become `value`.
func concretePath(_ pattern: String, value: String = "1") -> String {
    pattern.split(separator: "/", omittingEmptySubsequences: false).map { part in
        part.hasPrefix(":") || (part.hasPrefix("{") && part.hasSuffix("}")) ? value : String(part)
    }.joined(separator: "/")
}
