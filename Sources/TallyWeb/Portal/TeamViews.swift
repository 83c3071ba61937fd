import Foundation
import MeteringStore
import TallyAccess
import Templating

/// The Team page: people, open invitations, read-only API keys, and what was just created (an
/// invitation link or a key, shown this once).
struct TeamPageView: TemplateValue {
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

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "members": members.map { MemberRowView(member: $0, isYou: $0.id == you) }
        case "invitations": invitations.map { InvitationRowView(invitation: $0, now: now) }
        case "hasInvitations": !invitations.isEmpty
        case "keys": keys.map(KeyRowView.init)
        case "hasKeys": !keys.isEmpty
        case "inviteEmail": inviteEmail
        case "inviteAsOwner": inviteRole == "owner"
        case "inviteErrors": inviteErrors
        case "keyName": keyName
        case "keyErrors": keyErrors
        case "memberError": memberError
        case "createdInvitationEmail": createdInvitation?.email
        case "createdInvitationLink": createdInvitation?.link
        case "createdKeyName": createdKey?.name
        case "createdKey": createdKey?.secret
        case "usageURL": "\(baseURL)/api/v1/accounts/\(accountExternalID)/usage"
        case "lifetimeDays": Int(Invitations.lifetime / 86_400)
        default: nil
        }
    }
}

/// One person on the team.
struct MemberRowView: TemplateValue {
    let member: TeamMember
    let isYou: Bool

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "id": Int(member.id)
        case "email": member.email
        case "role": member.role == .owner ? "Owner" : "Member"
        case "isOwner": member.role == .owner
        case "isYou": isYou
        case "joinedOn": AccountPageFormat.day(member.joinedAt, in: AccountPageFormat.utc)
        case "lastSeen": member.lastSeenAt.map { AccountPageFormat.dateTime($0, in: AccountPageFormat.utc) + " UTC" } ?? "Never"
        default: nil
        }
    }
}

/// One open invitation.
struct InvitationRowView: TemplateValue {
    let invitation: Invitation
    let now: Date

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "id": Int(invitation.id)
        case "email": invitation.email
        case "role": invitation.role == .owner ? "Owner" : "Member"
        case "sentOn": AccountPageFormat.day(invitation.createdAt, in: AccountPageFormat.utc)
        case "expiresAt": AccountPageFormat.dateTime(invitation.expiresAt, in: AccountPageFormat.utc) + " UTC"
        case "expiresIn": AccountPageFormat.remaining(until: invitation.expiresAt, from: now)
        default: nil
        }
    }
}

/// One active API key.
struct KeyRowView: TemplateValue {
    let key: AccountAPIKey

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "id": Int(self.key.id)
        case "name": self.key.name
        case "prefix": self.key.prefix
        case "lastFour": self.key.lastFour
        case "createdOn": AccountPageFormat.day(self.key.createdAt, in: AccountPageFormat.utc)
        default: nil
        }
    }
}

/// A confirmation page for a destructive action (remove a member, revoke an invitation or a key).
struct ConfirmPageView: TemplateValue {
    let heading: String
    let message: String
    let action: String
    let fieldName: String
    let fieldValue: String
    let button: String

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "heading": heading
        case "message": message
        case "action": action
        case "fieldName": fieldName
        case "fieldValue": fieldValue
        case "button": button
        default: nil
        }
    }
}
