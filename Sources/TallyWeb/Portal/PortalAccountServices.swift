import Hummingbird
import Foundation
import MeteringStore
import Passwords
import Reporting
import TallyAccess
import TallyDatabase

/// What the billing, team, settings, invitation and top-up pages use.
struct PortalAccountServices: Sendable {
    let access: AccessServices
    let pages: Pages
    let billing: BillingReport
    let topUps: TopUpRequests
    let team: TeamMembers
    let invitations: Invitations
    let apiKeys: AccountAPIKeys
    let cookies: AccessCookies
    /// The frame of each page, with the account's threshold banners.
    let frames: CustomerFrames
    /// The policy for passwords people choose here (invitations, password changes).
    let policy = PasswordPolicy.standard

    var now: Date { access.clock.now() }

    /// The account's name as its own scope sees it; a 404 if the session's account is gone.
    func accountName(_ accountID: Int64) async throws -> String {
        guard let account = try await access.accounts.find(id: accountID, in: .account(accountID)) else {
            throw AppError.notFound
        }
        return account.name
    }
}


/// The billing, team, settings and invitation pages, and the admin's top-up requests.
struct PortalAccountRoutes {
    let services: PortalAccountServices

    func register(on router: Router<AppRequestContext>) {
        BillingRoutes(services: services).register(on: router)
        TeamRoutes(services: services).register(on: router)
        SettingsRoutes(services: services).register(on: router)
        InvitationRoutes(services: services).register(on: router)
        TopUpRoutes(services: services).register(on: router)
    }
}
