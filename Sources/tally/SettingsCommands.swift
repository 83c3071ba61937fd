import ArgumentParser
import Foundation
import Metering
import MeteringStore

/// `tally settings …`: the operator-wide metering settings.
struct SettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings", abstract: "Show or change infra overhead, strict tagging and the late-event window.",
        subcommands: [SettingsShow.self, SettingsSet.self], defaultSubcommand: SettingsShow.self)
}

/// `tally settings show`.
struct SettingsShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the current settings.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let settings = try await withAccessDatabase(database) { pool, _ in try await CatalogStore(pool: pool).settings() }
        print(SettingsShow.describe(settings))
    }

    static func describe(_ settings: MeteringSettings) -> String {
        """
        infra overhead     \(settings.infraOverhead)   (added to every event's provider cost)
        strict tagging     \(settings.strictTagging ? "on" : "off")   (on: events without a feature are refused)
        late-event window  \(settings.lateWindowDays) days   (older events are refused)
        """
    }
}

/// `tally settings set`.
struct SettingsSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change one or more settings; the others keep their values.",
        discussion: "Example: tally settings set --infra-overhead 12.5 --strict-tagging on")

    @Option(name: .customLong("infra-overhead"), help: "Percent added to provider cost, e.g. 12.5.") var infraOverhead: String?
    @Option(name: .customLong("strict-tagging"), help: "on or off.") var strictTagging: String?
    @Option(name: .customLong("late-window-days"), help: "How old an event may be, 1 to 3650 days.") var lateWindowDays: Int?
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard infraOverhead != nil || strictTagging != nil || lateWindowDays != nil else {
            throw ValidationError("Nothing to change: give --infra-overhead, --strict-tagging or --late-window-days.")
        }
        if let strictTagging, !["on", "off"].contains(strictTagging) { throw ValidationError("--strict-tagging must be on or off.") }
        if let lateWindowDays, !(1...3650).contains(lateWindowDays) { throw ValidationError("--late-window-days must be 1 to 3650.") }
        if let infraOverhead { _ = try amount("--infra-overhead") { () throws(AmountError) in try BasisPoints(parsingPercent: infraOverhead) } }
    }

    func run() async throws {
        let overhead = try infraOverhead.map { text in try amount("--infra-overhead") { () throws(AmountError) in try BasisPoints(parsingPercent: text) } }
        let updated = try await withAccessDatabase(database) { pool, _ in
            let catalog = CatalogStore(pool: pool)
            var settings = try await catalog.settings()
            if let overhead { settings.infraOverhead = overhead }
            if let strictTagging { settings.strictTagging = strictTagging == "on" }
            if let lateWindowDays { settings.lateWindowDays = lateWindowDays }
            try await catalog.updateSettings(settings)
            return settings
        }
        print(SettingsShow.describe(updated))
    }
}

/// `tally account grant`.
struct AccountGrant: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant", abstract: "Grant credits to an account: a top-up, an adjustment or extra included credits.",
        discussion: "Example: tally account grant --account acme --credits 500 --kind top_up --price 20 --expires 2027-06-01T00:00:00Z")

    @Option(help: "The account's external id.") var account: String
    @Option(help: "Credits to grant, e.g. 500 or 12.5; a negative adjustment is written --credits=-5.") var credits: String
    @Option(help: "top_up (sold: give --price), adjustment or included.") var kind = "adjustment"
    @Option(help: "What the customer paid, in USD (top-ups).") var price: String?
    @Option(help: "RFC 3339 instant from which the grant no longer counts.") var expires: String?
    @Option(help: "A note shown with the grant.") var note = ""
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        _ = try makeGrant(now: Date())
    }

    /// The grant the options describe, or a validation error naming the option.
    private func makeGrant(now: Date) throws -> CreditGrant {
        guard let grantKind = GrantKind(rawValue: kind) else { throw ValidationError("--kind must be top_up, adjustment or included.") }
        let amount = try tally.amount("--credits") { () throws(AmountError) in try Credits(parsing: credits) }
        let paid = try price.map { text in try tally.amount("--price") { () throws(AmountError) in try Money(parsing: text) } }
        let expiry = try expires.map { text in
            guard let date = try? Date.ISO8601FormatStyle().parse(text) else { throw ValidationError("--expires must be RFC 3339, e.g. 2027-06-01T00:00:00Z.") }
            return date
        }
        if let expiry, expiry <= now { throw ValidationError("--expires must be in the future.") }
        do {
            return try CreditGrant(amount: amount, kind: grantKind, grantedAt: now, expiresAt: expiry, price: paid)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let grant = try makeGrant(now: Date())
        let amount = grant.amount
        let expiry = grant.expiresAt
        try await withAccessDatabase(database) { pool, _ in
            try await CatalogStore(pool: pool).grant(accountExternalID: account, grant, note: note)
        }
        print("Granted \(amount.formatted) credits (\(kind)) to \(account)\(expiry.map { ", until \($0.formatted(.iso8601))" } ?? "").")
    }
}
