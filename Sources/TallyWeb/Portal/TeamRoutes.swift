import Foundation
import Hummingbird
import MeteringStore
import TallyAccess
import TallyDatabase

/// `/team` (owners only; members get 403): the people of the account, invitations and the
/// account's read-only API keys. Destructive actions go through a confirmation page
/// (`GET …/{id}/remove|revoke`) whose form posts the id.
struct TeamRoutes {
    let services: PortalAccountServices


    func register(on router: Router<AppRequestContext>) {
        let team = router.group("/team", context: OwnerRequestContext.self)
        team.get { request, context in
            try await page(request, context, banner: Self.banner(request)) { $0 }
        }
        team.post("invitations") { request, context in try await invite(request, context) }
        team.get("invitations/:id/revoke") { _, context in try await confirmRevokeInvitation(context) }
        team.post("invitations/revoke") { request, context in try await revokeInvitation(request, context) }
        team.post("members/role") { request, context in try await changeRole(request, context) }
        team.get("members/:id/remove") { request, context in try await confirmRemove(request, context) }
        team.post("members/remove") { request, context in try await remove(request, context) }
        team.post("api-keys") { request, context in try await createKey(request, context) }
        team.get("api-keys/:id/revoke") { _, context in try await confirmRevokeKey(context) }
        team.post("api-keys/revoke") { request, context in try await revokeKey(request, context) }
    }

    // MARK: - The page

    private func page(
        _ request: Request, _ context: OwnerRequestContext, status: HTTPResponse.Status = .ok, banner: PageBanner? = nil,
        _ adjust: (TeamPageView) -> TeamPageView
    ) async throws -> Response {
        guard let account = try await services.access.accounts.find(id: context.accountID, in: context.scope) else {
            throw AppError.notFound
        }
        let now = services.now
        let view = adjust(TeamPageView(
            accountExternalID: account.externalID,
            members: try await services.team.list(accountID: context.accountID),
            invitations: try await services.invitations.open(accountID: context.accountID, now: now),
            keys: try await services.apiKeys.list(accountID: context.accountID),
            you: context.session.userID, now: now, baseURL: baseURL(request)))
        var frame = try await services.frames.frame(context.session, accountID: context.accountID, accountName: account.name, current: .team)
        if let banner { frame.banners.append(banner) }
        return try services.pages.page("portal/team", frame: frame, view, status: status)
    }

    private static func banner(_ request: Request) -> PageBanner? {
        switch request.uri.queryParameters.get("done") {
        case "removed": PageBanner(level: .info, message: "The member was removed and signed out.")
        case "role": PageBanner(level: .info, message: "The role was changed.")
        case "invitation-revoked": PageBanner(level: .info, message: "The invitation was revoked; its link no longer works.")
        case "key-revoked": PageBanner(level: .info, message: "The API key was revoked; it no longer works.")
        default: nil
        }
    }

    /// `https://host` as the owner's browser reached Tally, for the links shown once.
    private func baseURL(_ request: Request) -> String {
        let scheme = services.cookies.insecure ? "http" : "https"
        let host = request.head.authority ?? ""
        let plausible = !host.isEmpty && host.count <= 255
            && host.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit || CharacterSet.hostCharacters.contains($0) }
        return "\(scheme)://\(plausible ? host : "localhost")"
    }

    // MARK: - Invitations

    private func invite(_ request: Request, _ context: OwnerRequestContext) async throws -> Response {
        try await FormSubmission.handle(request, context: context, parse: { try Self.invitation($0) }) { invitee in
            let (invitation, token) = try await services.invitations.invite(
                email: invitee.email, role: invitee.role, accountID: context.accountID, by: context.auditActor, now: services.now)
            let link = "\(baseURL(request))/invitations/\(token)"
            return try await page(request, context) {
                var view = $0
                view.createdInvitation = (invitation.email, link)
                return view
            }
        } refused: { form in
            try await page(request, context, status: .unprocessableContent) {
                var view = $0
                view.inviteEmail = form["email"]
                view.inviteRole = form.values["role"] ?? "member"
                view.inviteErrors = form.errors
                return view
            }
        }
    }

    /// The invitation form: an email and the role (owner or member).
    private static func invitation(_ form: FormState) throws(InvitationError) -> (email: String, role: UserRole) {
        guard let role = UserRole(rawValue: form.values["role"] ?? "member"), role.needsAccount else { throw .invalidRole }
        return (form["email"], role)
    }

    private func confirmRevokeInvitation(_ context: OwnerRequestContext) async throws -> Response {
        let raw = context.parameters.get("id") ?? ""
        let now = services.now
        guard let id = Int64(raw),
            let invitation = try await services.invitations.open(accountID: context.accountID, now: now).first(where: { $0.id == id })
        else { throw context.objectNotFound("invitation", objectID: raw) }
        return try await confirm(context, ConfirmPageView(
            heading: "Revoke the invitation?",
            message: "The link sent to \(invitation.email) stops working at once. You can invite them again later.",
            action: "/team/invitations/revoke", fieldName: "id", fieldValue: String(id), button: "Revoke invitation"))
    }

    private func revokeInvitation(_ request: Request, _ context: OwnerRequestContext) async throws -> Response {
        try await revoke(request, context, "invitation", missing: InvitationError.notFound, done: "invitation-revoked") { id in
            _ = try await services.invitations.revoke(id: id, accountID: context.accountID, by: context.auditActor, now: services.now)
        }
    }

    // MARK: - Members

    private func changeRole(_ request: Request, _ context: OwnerRequestContext) async throws -> Response {
        try await FormSubmission.handle(request, context: context, parse: { try Self.roleChange($0) }) { change in
            let now = services.now
            let before = try await member(change.userID, context) {
                try await services.team.changeRole(
                    userID: change.userID, to: change.role, accountID: context.accountID, by: context.auditActor, now: now)
            }
            if let before {
                SecurityLog(logger: context.logger).record(
                    .roleChanged, outcome: .success, userID: context.session.userID, accountID: context.accountID,
                    requestID: context.id, at: now,
                    details: ["target": String(before.id), "from": before.role.rawValue, "to": change.role.rawValue])
            }
            // Owners who made themselves members can no longer see this page.
            if change.userID == context.session.userID, change.role == .member { return redirect(to: "/") }
            return redirect(to: "/team?done=role")
        } refused: { form in
            try await memberRefused(request, context, form.errors)
        }
    }

    /// The role form: the member's id (400 without one) and owner or member.
    private static func roleChange(_ form: FormState) throws -> (userID: Int64, role: UserRole) {
        guard let userID = Int64(form["user"]) else { throw AppError.badForm }
        guard let role = UserRole(rawValue: form["role"]), role.needsAccount else { throw TeamError.invalidRole }
        return (userID, role)
    }

    private func confirmRemove(_ request: Request, _ context: OwnerRequestContext) async throws -> Response {
        let raw = context.parameters.get("id") ?? ""
        guard let id = Int64(raw), let member = try await services.team.find(userID: id, accountID: context.accountID) else {
            throw context.objectNotFound("user", objectID: raw)
        }
        if member.id == context.session.userID {
            return try await memberRefused(request, context, TeamError.cannotRemoveYourself.fieldErrors)
        }
        return try await confirm(context, ConfirmPageView(
            heading: "Remove \(member.email)?",
            message: "They are signed out at once and can no longer sign in to this account. What they did stays in the history.",
            action: "/team/members/remove", fieldName: "id", fieldValue: String(id), button: "Remove from the team"))
    }

    private func remove(_ request: Request, _ context: OwnerRequestContext) async throws -> Response {
        try await FormSubmission.handle(request, context: context, parse: { try Self.id($0) }) { id in
            _ = try await member(id, context) {
                try await services.team.remove(userID: id, accountID: context.accountID, by: context.auditActor, now: services.now)
            }
            return redirect(to: "/team?done=removed")
        } refused: { form in
            try await memberRefused(request, context, form.errors)
        }
    }

    /// Runs a change to member `id`; a member who is not on the team is the 404 of a missing user.
    private func member<Result>(
        _ id: Int64, _ context: OwnerRequestContext, _ change: () async throws -> Result
    ) async throws -> Result {
        do {
            return try await change()
        } catch TeamError.memberNotFound {
            throw context.objectNotFound("user", objectID: String(id))
        }
    }

    /// The team page again with a refused member change's message above the list.
    private func memberRefused(_ request: Request, _ context: OwnerRequestContext, _ errors: FieldErrors) async throws -> Response {
        try await page(request, context, status: .unprocessableContent) {
            var view = $0
            view.memberError = errors["member"] ?? errors["role"]
            return view
        }
    }

    // MARK: - API keys

    private func createKey(_ request: Request, _ context: OwnerRequestContext) async throws -> Response {
        try await FormSubmission.handle(request, context: context, parse: { $0["name"] }) { name in
            let created = try await services.apiKeys.create(
                name: name, accountID: context.accountID, by: context.auditActor, now: services.now)
            return try await page(request, context) {
                var view = $0
                view.createdKey = (created.identity.name, created.secret)
                return view
            }
        } refused: { form in
            try await page(request, context, status: .unprocessableContent) {
                var view = $0
                view.keyName = form["name"]
                view.keyErrors = form.errors
                return view
            }
        }
    }

    private func confirmRevokeKey(_ context: OwnerRequestContext) async throws -> Response {
        let raw = context.parameters.get("id") ?? ""
        guard let id = Int64(raw), let key = try await services.apiKeys.find(id: id, accountID: context.accountID) else {
            throw context.objectNotFound("api_key", objectID: raw)
        }
        return try await confirm(context, ConfirmPageView(
            heading: "Revoke the key “\(key.name)”?",
            message: "Programs using \(key.prefix)…\(key.lastFour) get 401 from their next request on. This cannot be undone.",
            action: "/team/api-keys/revoke", fieldName: "id", fieldValue: String(id), button: "Revoke key"))
    }

    private func revokeKey(_ request: Request, _ context: OwnerRequestContext) async throws -> Response {
        try await revoke(request, context, "api_key", missing: AccountAPIKeyError.notFound, done: "key-revoked") { id in
            _ = try await services.apiKeys.revoke(id: id, accountID: context.accountID, by: context.auditActor, now: services.now)
        }
    }

    // MARK: - Helpers

    /// A confirmation form's revocation: the `id` it posts, `revocation` run on it, then the team
    /// page with the `done` banner; `missing` (the object gone, or another account's) is the 404
    /// of a missing `kind`.
    private func revoke<Refusal: Error & Equatable>(
        _ request: Request, _ context: OwnerRequestContext, _ kind: String, missing: Refusal, done: String,
        _ revocation: (Int64) async throws -> Void
    ) async throws -> Response {
        let id = try await Self.id(request, context)
        do {
            try await revocation(id)
        } catch let refusal as Refusal where refusal == missing {
            throw context.objectNotFound(kind, objectID: String(id))
        }
        return redirect(to: "/team?done=\(done)")
    }

    private func confirm(_ context: OwnerRequestContext, _ view: ConfirmPageView) async throws -> Response {
        let name = try await services.accountName(context.accountID)
        let frame = try await services.frames.frame(context.session, accountID: context.accountID, accountName: name, current: .team)
        return try services.pages.page("portal/team-confirm", frame: frame, view)
    }

    /// The `id` field of a confirmation form; 400 when it is missing or not a number.
    private static func id(_ request: Request, _ context: OwnerRequestContext) async throws -> Int64 {
        var request = request
        return try id(try await FormState.read(&request, context: context))
    }

    private static func id(_ form: FormState) throws -> Int64 {
        guard let id = Int64(form["id"]) else { throw AppError.badForm }
        return id
    }
}

extension CharacterSet {
    /// Letters, digits and the punctuation of a host and port (`[::1]:8080` included).
    static let hostCharacters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")
}
