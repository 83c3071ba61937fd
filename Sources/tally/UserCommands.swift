import ArgumentParser
import Foundation
import Passwords
import Postgres
import MeteringStore
import TallyAccess
import TallyWeb

/// `tally user …`.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Create, disable and reset users. There is no default user.",
        subcommands: [UserCreate.self, UserDisable.self, UserResetPassword.self])
}

extension UserRole: ExpressibleByArgument {}

/// `tally user create`.
struct UserCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a user.",
        discussion: """
            The password is read from stdin when it is piped (`printf '%s' "$PW" | tally user create …`); \
            otherwise a random one is generated and printed once. Passwords need 8 to 128 characters \
            and must not be on the common-password list. owner and member need --account.
            """)

    @Option(help: "The user's email (unique, case-insensitive).") var email: String
    @Option(help: "admin, sales, owner or member.") var role: UserRole
    @Option(name: .customLong("account"), help: "The account's external id (owner and member only).")
    var account: String?
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let (password, generated) = readOrGeneratePassword()
        let user = try await withAccessDatabase(database) { pool, logger in
            let admin = administration(pool)
            let user = try await admin.createUser(
                email: email, password: password, role: role, accountExternalID: account, now: Date())
            SecurityLog(logger: logger).record(.userCreated, outcome: .success, userID: user.id, accountID: user.accountID, details: ["role": role.rawValue])
            return user
        }
        print("Created \(user.role) \(user.email) (id \(user.id)).")
        if generated { print("Password (shown once): \(password)") }
    }
}

/// `tally user disable`.
struct UserDisable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable", abstract: "Disable a user and end their sessions.")

    @Option(help: "The user's email.") var email: String
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let user = try await withAccessDatabase(database) { pool, logger in
            let admin = administration(pool)
            let user = try await admin.disableUser(email: email, now: Date())
            SecurityLog(logger: logger).record(.userDisabled, outcome: .success, userID: user.id, accountID: user.accountID)
            return user
        }
        print("Disabled \(user.email); their sessions have ended.")
    }
}

/// `tally user reset-password`.
struct UserResetPassword: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-password", abstract: "Set a new password and end the user's sessions.",
        discussion: "The new password is read from stdin when piped; otherwise one is generated and printed once.")

    @Option(help: "The user's email.") var email: String
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let (password, generated) = readOrGeneratePassword()
        let user = try await withAccessDatabase(database) { pool, logger in
            let admin = administration(pool)
            let user = try await admin.resetPassword(email: email, newPassword: password, now: Date())
            SecurityLog(logger: logger).record(.passwordReset, outcome: .success, userID: user.id, accountID: user.accountID)
            return user
        }
        print("New password set for \(user.email); their sessions have ended.")
        if generated { print("Password (shown once): \(password)") }
    }
}

/// `tally account …`: minimal until the metering issue extends it.
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: "Create customer accounts and grant them credits.",
        subcommands: [AccountCreate.self, AccountGrant.self])
}

/// `tally account create`.
struct AccountCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a customer account (status active) on a plan.",
        discussion: "Without --plan the account has no plan yet: every entitlement check answers not_in_plan.")

    @Option(name: .customLong("external-id"), help: "Your own id for the account (unique).") var externalID: String
    @Option(help: "The account's display name.") var name: String
    @Option(help: "The plan's code (see `tally plan create`).") var plan: String?
    @Option(name: .customLong("time-zone"), help: "IANA time zone for days and billing periods.") var timeZone = "UTC"
    @Option(name: .customLong("anchor-day"), help: "Day of the month billing periods start (1-31, clamped to the month's end).")
    var anchorDay = 1
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let id = try await withAccessDatabase(database) { pool, _ in
            try await CatalogStore(pool: pool).createAccount(
                externalID: externalID, name: name, planCode: plan, timeZone: timeZone, anchorDay: anchorDay)
        }
        print("Created account \(externalID) (id \(id)).")
    }
}

/// The user commands' service over `pool`; its queries run in the service scope.
private func administration(_ pool: PostgresPool) -> UserAdministration {
    let database = pool
    return UserAdministration(
        users: UserStore(database: database), accounts: AccountStore(database: database), hasher: PasswordHasher())
}
