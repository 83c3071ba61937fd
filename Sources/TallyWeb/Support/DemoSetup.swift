import Foundation
import MeteringStore
import Passwords
import TallyAccess

/// One demo login, printed once at the end of a seeding.
public struct DemoLogin: Sendable, Hashable {
    /// The email to sign in with.
    public let email: String
    /// The user's role.
    public let role: UserRole
    /// The account's external id (customers only).
    public let account: String?
    /// The generated password.
    public let password: String
}

/// `tally seed-demo` and `tally serve --seed-demo`: the demo operator (`DemoSeeder`) plus one
/// admin, one sales user and an owner for each of the first accounts, with generated passwords.
public struct DemoSetup: Sendable {
    let seeder: DemoSeeder
    let users: UserAdministration

    /// Customer accounts that get an owner login.
    public static let ownerAccounts = 3

    /// A setup that seeds with `seeder` and creates the logins with `users`.
    public init(seeder: DemoSeeder, users: UserAdministration) {
        self.seeder = seeder
        self.users = users
    }

    /// Seeds the demo and creates its users; returns the seeding's result and the logins.
    ///
    /// - Throws: `DemoSeedError.notEmpty` when any account exists.
    public func run(
        _ options: DemoSeedOptions, progress: @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> (DemoSeedResult, [DemoLogin]) {
        let result = try await seeder.seed(options, progress: progress)
        var wanted: [(String, UserRole, String?)] = [("admin@example.com", .admin, nil), ("sales@example.com", .sales, nil)]
        for account in result.accounts.prefix(Self.ownerAccounts) {
            wanted.append(("owner.\(account.externalID)@example.com", .owner, account.externalID))
        }
        var logins: [DemoLogin] = []
        for (email, role, account) in wanted {
            let password = UserAdministration.generatePassword()
            _ = try await users.createUser(email: email, password: password, role: role, accountExternalID: account, now: options.now)
            logins.append(DemoLogin(email: email, role: role, account: account, password: password))
        }
        return (result, logins)
    }

    /// The logins as an aligned text table.
    public static func table(_ logins: [DemoLogin]) -> String {
        let rows = [["email", "role", "account", "password"]] + logins.map { [$0.email, $0.role.rawValue, $0.account ?? "-", $0.password] }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
