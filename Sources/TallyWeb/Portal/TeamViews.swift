import Foundation
import MeteringStore
import TallyAccess
import Templating

/// The Team page: people, open invitations, read-only API keys, and what was just created (an
/// invitation link or a key, shown this once).
struct TeamPageView: KeyedTemplateValue {
    let accountExternalID: String
    let members: [TeamMember]
    let invitations: [Invitation]
    let keys: [AccountAPIKey]
    let you: Int64
    let now: Date
    let baseURL: String
    var inviteEmail = ""
    var inviteRole = "member"
    var inviteErrors = FieldErrors()
    var keyName = ""
    var keyErrors = FieldErrors()
    var memberError: String?
    var createdInvitation: (email: String, link: String)?
    var createdKey: (name: String, secret: String)?

    private static let zone = AccountPageFormat.utc

    static let templateKeys: TemplateKeys<Self> = [
        "members": { model in model.members.map { MemberRowView(member: $0, isYou: $0.id == model.you) } },
        "invitations": { model in model.invitations.map { InvitationRowView(invitation: $0, now: model.now) } },
        "hasInvitations": { !$0.invitations.isEmpty },
        "keys": { $0.keys.map(KeyRowView.init) },
        "hasKeys": { !$0.keys.isEmpty },
        "inviteEmail": { $0.inviteEmail },
        "inviteAsOwner": { $0.inviteRole == "owner" },
        "inviteErrors": { $0.inviteErrors },
        "keyName": { $0.keyName },
        "keyErrors": { $0.keyErrors },
        "memberError": { $0.memberError },
        "createdInvitationEmail": { $0.createdInvitation?.email },
        "createdInvitationLink": { $0.createdInvitation?.link },
        "createdKeyName": { $0.createdKey?.name },
        "createdKey": { $0.createdKey?.secret },
        "usageURL": { "\($0.baseURL)/api/v1/accounts/\($0.accountExternalID)/usage" },
        "lifetimeDays": { _ in Int(Invitations.lifetime / 86_400) },
    ]
}

/// One person on the team.
struct MemberRowView: KeyedTemplateValue {
    let member: TeamMember
    let isYou: Bool

    static let templateKeys: TemplateKeys<Self> = [
        "id": { Int($0.member.id) },
        "email": { $0.member.email },
        "role": { $0.member.role == .owner ? "Owner" : "Member" },
        "isOwner": { $0.member.role == .owner },
        "isYou": { $0.isYou },
        "joinedOn": { AccountPageFormat.day($0.member.joinedAt, in: AccountPageFormat.utc) },
        "lastSeen": { model in
            model.member.lastSeenAt.map { AccountPageFormat.dateTime($0, in: AccountPageFormat.utc) + " UTC" } ?? "Never"
        },
    ]
}

/// One open invitation.
struct InvitationRowView: KeyedTemplateValue {
    let invitation: Invitation
    let now: Date

    static let templateKeys: TemplateKeys<Self> = [
        "id": { Int($0.invitation.id) },
        "email": { $0.invitation.email },
        "role": { $0.invitation.role == .owner ? "Owner" : "Member" },
        "sentOn": { AccountPageFormat.day($0.invitation.createdAt, in: AccountPageFormat.utc) },
        "expiresAt": { AccountPageFormat.dateTime($0.invitation.expiresAt, in: AccountPageFormat.utc) + " UTC" },
        "expiresIn": { AccountPageFormat.remaining(until: $0.invitation.expiresAt, from: $0.now) },
    ]
}

/// One active API key.
struct KeyRowView: KeyedTemplateValue {
    let key: AccountAPIKey

    static let templateKeys: TemplateKeys<Self> = [
        "id": { Int($0.key.id) },
        "name": { $0.key.name },
        "prefix": { $0.key.prefix },
        "lastFour": { $0.key.lastFour },
        "createdOn": { AccountPageFormat.day($0.key.createdAt, in: AccountPageFormat.utc) },
    ]
}

/// A confirmation page for a destructive action (remove a member, revoke an invitation or a key).
struct ConfirmPageView: KeyedTemplateValue {
    let heading: String
    let message: String
    let action: String
    let fieldName: String
    let fieldValue: String
    let button: String

    static let templateKeys: TemplateKeys<Self> = [
        "heading": { $0.heading },
        "message": { $0.message },
        "action": { $0.action },
        "fieldName": { $0.fieldName },
        "fieldValue": { $0.fieldValue },
        "button": { $0.button },
    ]
}
