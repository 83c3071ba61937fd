import Foundation
import Hummingbird
import Metering
import TallyDatabase
import TallyAccess
import Templating

/// `/admin/staff`: admin and sales users, admins only (sales get 403 even on GET). Create one
/// with a generated password shown once; disable one (their sessions end at once).
struct AdminStaffRoutes {
    let pages: Pages
    let clock: any WallClock
    let users: StaffAdministration

    func register(on router: Router<AppRequestContext>) {
        let group = router.group("/admin/staff", context: AdminRequestContext.self)
        group.get { request, context in
            let notice = request.uri.queryParameters.get("notice") == "disabled" ? "User disabled; their sessions have ended." : nil
            return try await page(context, notice: notice)
        }
        group.post { request, context in
            try await FormSubmission.handle(request, context: context, parse: { try NewUserForm.parse($0, staff: true) }) { new in
                let (user, password) = try await users.createUser(
                    email: new.email, role: new.role, accountID: nil, by: context.auditActor, now: clock.now())
                // Shown on this response only; see the account page's "add user".
                return try await page(context, created: CreatedUser(email: user.email, role: new.role.rawValue, password: password))
            } refused: { form in
                try await page(context, create: form)
            }
        }
        group.post("{id}/disable") { request, context in
            let id = try pathID(context)
            return try await FormSubmission.handle(request, context: context, parse: { try Self.confirmed($0) }) {
                try await users.disable(userID: id, staffOnly: true, by: context.auditActor, now: clock.now())
                return redirect(to: "/admin/staff?notice=disabled")
            } refused: { form in
                try await page(context, disable: (id, form))
            }
        }
    }

    /// The disable form: only its confirmation.
    static func confirmed(_ form: FormState) throws(FieldErrors) {
        guard form.isChecked("confirm") else {
            throw FieldErrors("confirm", "Tick the box to confirm: the user is signed out and cannot sign in again.")
        }
    }

    private func page(
        _ context: AdminRequestContext, notice: String? = nil, created: CreatedUser? = nil,
        create: FormState = FormState(["role": "sales"]), disable: (Int64, FormState)? = nil
    ) async throws -> Response {
        var frame = PageFrame.staff(context.session, current: .staff)
        if let notice { frame.banners.append(PageBanner(level: .info, message: notice)) }
        let staff = try await users.staff()
        if let disable, !staff.contains(where: { $0.id == disable.0 }) { throw AppError.notFound }
        let view = StaffPageView(
            staff: staff, me: context.session.userID, created: created, form: create, disable: disable)
        return try pages.page("admin/staff", frame: frame, view)
    }
}

/// `/admin/staff`.
struct StaffPageView: KeyedTemplateValue {
    let staff: [StaffMember]
    let me: Int64
    let created: CreatedUser?
    let form: FormState
    let disable: (Int64, FormState)?

    static let templateKeys: TemplateKeys<Self> = [
        "staff": { model in
            model.staff.map { member in
                Row(member: member, isMe: member.id == model.me, form: model.disable.flatMap { $0.0 == member.id ? $0.1 : nil } ?? FormState())
            }
        },
        "createdUser": { $0.created.map(CreatedUserView.init) },
        "form": { $0.form },
        "roleOptions": {
            SelectOption.list([("sales", "Sales: reads accounts, usage and margins"), ("admin", "Admin: changes everything")], current: $0.form.values["role"] ?? "sales")
        },
    ]

    struct Row: KeyedTemplateValue {
        let member: StaffMember
        let isMe: Bool
        let form: FormState

        static let templateKeys: TemplateKeys<Self> = [
            "id": { String($0.member.id) },
            "email": { $0.member.email },
            "role": { $0.member.role.rawValue },
            "created": { AdminText.instant($0.member.createdAt) },
            "lastLogin": { model in model.member.lastLoginAt.map { AdminText.instant($0) } ?? "Never" },
            "disabled": { model in model.member.disabledAt.map { AdminText.instant($0) } },
            "isMe": { $0.isMe },
            "canDisable": { $0.member.disabledAt == nil && !$0.isMe },
            "form": { $0.form },
        ]
    }
}
