import Hummingbird
import TallyAccess
import TallyDatabase
import Templating

/// The sections of the customer portal, in navigation order.
enum CustomerSection: String, CaseIterable, Sendable {
    case dashboard, usage, billing, team, settings

    var label: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
    var path: String { self == .dashboard ? "/" : "/" + rawValue }
    /// Team is for owners only; members do not see the link (and get 403 on the page).
    func isVisible(to role: UserRole) -> Bool { self != .team || role == .owner }
}

/// The sections of the admin area, in navigation order.
enum StaffSection: String, CaseIterable, Sendable {
    case overview, accounts, plans, features, prices, margins, topUps, alerts, audit, staff

    var label: String {
        switch self {
        case .topUps: "Top-ups"
        default: rawValue.prefix(1).uppercased() + rawValue.dropFirst()
        }
    }
    var path: String {
        switch self {
        case .overview: "/admin"
        case .topUps: "/admin/top-ups"
        default: "/admin/" + rawValue
        }
    }
    /// Staff users are managed by admins only; sales do not see the link.
    func isVisible(to role: UserRole) -> Bool { self != .staff || role == .admin }
}

/// One link of the main navigation.
struct NavigationLink: KeyedTemplateValue, Sendable {
    let label: String
    let href: String
    let current: Bool

    static let templateKeys: TemplateKeys<Self> = [
        "label": { $0.label },
        "href": { $0.href },
        "current": { $0.current },
    ]
}

/// A notice across the top of a page: credits running out, an alert, a saved change.
struct PageBanner: KeyedTemplateValue, Sendable {
    /// `info`, `warning` or `critical`: the CSS class `banner-<level>`.
    enum Level: String, Sendable { case info, warning, critical }

    let level: Level
    let message: String
    /// An optional link after the message.
    var linkHref: String? = nil
    var linkLabel: String? = nil

    static let templateKeys: TemplateKeys<Self> = [
        "level": { $0.level.rawValue },
        "message": { $0.message },
        "linkHref": { $0.linkHref },
        "linkLabel": { $0.linkLabel },
        "isCritical": { $0.level == .critical },
    ]
}

/// What the layout of every signed-in page needs: who is signed in, the navigation, the CSRF
/// token of the sign-out form, and banners. Pages get it under the key `frame`.
struct PageFrame: KeyedTemplateValue, Sendable {
    let email: String
    let role: String
    let csrfToken: String
    /// The customer's account name; nil on staff pages.
    let accountName: String?
    let navigation: [NavigationLink]
    var banners: [PageBanner] = []

    /// The frame of a customer page in `current`.
    static func customer(_ session: AuthenticatedSession, accountName: String, current: CustomerSection) -> PageFrame {
        PageFrame(
            email: session.email, role: session.role.rawValue, csrfToken: session.csrfToken, accountName: accountName,
            navigation: CustomerSection.allCases.filter { $0.isVisible(to: session.role) }.map {
                NavigationLink(label: $0.label, href: $0.path, current: $0 == current)
            })
    }

    /// The frame of a staff page in `current`.
    static func staff(_ session: AuthenticatedSession, current: StaffSection) -> PageFrame {
        PageFrame(
            email: session.email, role: session.role.rawValue, csrfToken: session.csrfToken, accountName: nil,
            navigation: StaffSection.allCases.filter { $0.isVisible(to: session.role) }.map {
                NavigationLink(label: $0.label, href: $0.path, current: $0 == current)
            })
    }

    static let templateKeys: TemplateKeys<Self> = [
        "email": { $0.email },
        "role": { $0.role },
        "csrfToken": { $0.csrfToken },
        "accountName": { $0.accountName },
        "navigation": { $0.navigation },
        "banners": { $0.banners },
        "isAdmin": { $0.role == UserRole.admin.rawValue },
        "isStaff": { $0.accountName == nil },
    ]
}

/// A page's view model: the frame under `frame` (nil for a visitor who is not signed in) and
/// its `csrfToken` for the page's own forms, then the page's own fields. Written by hand: a
/// generic type cannot hold a key table, and the keys it lacks are its content's.
struct FramedPage<Content: TemplateValue>: TemplateValue {
    let frame: PageFrame?
    let content: Content

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "frame": frame as any TemplateValue
        case "csrfToken": frame?.csrfToken ?? content.templateValue(forKey: key)
        default: content.templateValue(forKey: key)
        }
    }
}

extension Pages {
    /// Renders the page template `name` inside `frame` as an HTML response (never cached: every
    /// framed page is a signed-in page).
    func page(
        _ name: String, frame: PageFrame, _ content: some TemplateValue, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        htmlResponse(bytes: try renderBytes(name, frame: frame, content), status: status)
    }
}

/// An HTML response that no cache keeps.
func htmlResponse(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    htmlResponse(body: ByteBuffer(string: text), status: status)
}

/// An HTML response that no cache keeps, from the page's UTF-8 bytes.
func htmlResponse(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
    htmlResponse(body: ByteBuffer(bytes: bytes), status: status)
}

private func htmlResponse(body: ByteBuffer, status: HTTPResponse.Status) -> Response {
    Response(
        status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
        body: .init(byteBuffer: body))
}

extension CustomerRequestContext {
    /// The audit actor of a change this request makes.
    var auditActor: AuditActor { .user(id: session.userID, email: session.email, requestID: id) }
}

extension AdminRequestContext {
    /// The audit actor of a change this request makes.
    var auditActor: AuditActor { .user(id: session.userID, email: session.email, requestID: id) }
}
