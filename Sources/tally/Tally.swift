import ArgumentParser
import TallyWeb

/// The `tally` command.
@main
struct Tally: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "Usage, credits and margin portal for products that resell AI models.",
        discussion: """
            Settings come from environment variables (see `tally serve --help` and the README); \
            flags override them. With no DATABASE_URL, Tally runs its own PostgreSQL cluster in \
            TALLY_DATA_DIR (default .tally/postgres).
            """,
        version: TallyVersion.current,
        subcommands: [Serve.self, Migrate.self, Database.self, UserCommand.self, AccountCommand.self, PlanCommand.self, FeatureCommand.self,
                      PriceCommand.self, SettingsCommand.self, APIKeyCommand.self, AlertsCommand.self, SeedDemo.self,
                      Backup.self, Restore.self, Version.self]
    )
}

/// `tally version`.
struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print Tally's version.")

    func run() {
        print("tally \(TallyVersion.current)")
    }
}
