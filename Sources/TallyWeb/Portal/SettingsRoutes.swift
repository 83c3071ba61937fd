import Foundation
import Hummingbird
import Metering
import Passwords
import Reporting
import TallyAccess
import Templating

/// `GET /settings` (owners and members): who you are, the account's time zone and billing
/// anchor (read-only: the operator sets them), and `POST /settings/password`.
struct SettingsRoutes {
    let services: PortalAccountServices

    func register(on router: Router<AppRequestContext>) {
        let settings = router.group("/settings", context: CustomerRequestContext.self)
        settings.get { request, context in
            let changed = request.uri.queryParameters.get("done") == "password"
            return try await page(context, errors: FieldErrors(), status: .ok,
                banner: changed ? PageBanner(level: .info, message: "Your password was changed. Your other sessions were signed out.") : nil)
        }
        settings.post("password") { request, context in try await changePassword(request, context) }
    }

    private func page(
        _ context: CustomerRequestContext, errors: FieldErrors, status: HTTPResponse.Status, banner: PageBanner? = nil
    ) async throws -> Response {
        let now = services.now
        guard let overview = try await services.billing.overview(accountID: context.accountID, now: now, page: 1, perPage: 0) else {
            throw AppError.notFound
        }
        var frame = try await services.frames.frame(context.session, accountID: context.accountID, accountName: overview.accountName, current: .settings)
        if let banner { frame.banners.append(banner) }
        let period = overview.current.period
        let view = SettingsPageView(
            email: context.session.email, role: context.session.role == .owner ? "Owner" : "Member",
            accountName: overview.accountName, timeZone: overview.timeZoneName,
            anchorDay: overview.anchorDay, currentPeriod: AccountPageFormat.period(period),
            resetsOn: AccountPageFormat.day(period.resetsAt, in: overview.timeZone), errors: errors,
            minimumLength: services.policy.minimumLength)
        return try services.pages.page("portal/settings", frame: frame, view, status: status)
    }

    private func changePassword(_ request: Request, _ context: CustomerRequestContext) async throws -> Response {
        // Passwords are taken as typed (spaces are part of them) and never shown again.
        try await FormSubmission.handle(request, context: context, parse: { $0.values }) { typed in
            try await services.access.login.changePassword(
                for: context.session, current: typed["current"] ?? "", new: typed["new"] ?? "", confirmation: typed["confirm"] ?? "",
                policy: services.policy, now: services.now)
            return redirect(to: "/settings?done=password")
        } refused: { form in
            try await page(context, errors: form.errors, status: .unprocessableContent)
        }
    }
}

/// The settings page. Password fields are never filled back in.
struct SettingsPageView: KeyedTemplateValue {
    let email: String
    let role: String
    let accountName: String
    let timeZone: String
    let anchorDay: Int
    let currentPeriod: String
    let resetsOn: String
    let errors: FieldErrors
    let minimumLength: Int

    static let templateKeys: TemplateKeys<Self> = [
        "email": { $0.email },
        "role": { $0.role },
        "accountName": { $0.accountName },
        "timeZone": { $0.timeZone },
        "anchorDay": { $0.anchorDay },
        "currentPeriod": { $0.currentPeriod },
        "resetsOn": { $0.resetsOn },
        "errors": { $0.errors },
        "minimumLength": { $0.minimumLength },
    ]
}
