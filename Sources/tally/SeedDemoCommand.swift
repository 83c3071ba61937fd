import ArgumentParser
import Foundation
import MeteringStore
import TallyDatabase
import Postgres
import TallyWeb

/// The size flags shared by `tally seed-demo` and `tally serve --seed-demo`.
struct DemoSizeOptions: ParsableArguments {
    @Option(name: .customLong("demo-accounts"), help: "Demo: customer accounts.") var accounts = 50
    @Option(name: .customLong("demo-days"), help: "Demo: days of usage, ending now.") var days = 90
    @Option(
        name: .customLong("events-per-day"),
        help: "Demo: typical events per account per weekday (90 ≈ 245k events with the default accounts and days; 1000 gives about 2.7 million).")
    var eventsPerDay = 90
    @Option(name: .customLong("demo-seed"), help: "Demo: random seed (same seed, same demo).") var seed: UInt64 = 42

    /// The seeder's options, ending now.
    func options() throws -> DemoSeedOptions {
        guard accounts >= 1, days >= 1, eventsPerDay >= 0 else {
            throw ValidationError("--demo-accounts and --demo-days must be at least 1, --events-per-day at least 0")
        }
        return DemoSeedOptions(accounts: accounts, days: days, eventsPerDay: eventsPerDay, seed: seed, now: Date())
    }
}

/// `tally seed-demo`.
struct SeedDemo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-demo", abstract: "Seed an empty database with a demo operator, usage and logins.",
        discussion: """
            Creates 3 plans, 8 features, prices for common models, accounts in several time zones with \
            days of usage (loaded with COPY, costed and credited like the ingest, rollups filled in the \
            same transaction), one admin, one sales user and owners of the first accounts, vacuums and \
            analyzes (as the owner role, when known), and prints their generated passwords. Refused when any account exists. The defaults seed about 245k \
            events; --events-per-day 1000 seeds about 2.7 million.
            """)

    @OptionGroup var size: DemoSizeOptions
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let options = try size.options()
        let started = Date()
        let (result, logins) = try await withAccessDatabase(database) { pool, host, _ in
            let seeded = try await runDemoSeeding(pool: pool, options: options)
            try await refreshStatistics(host)
            return seeded
        }
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        print("Seeded \(result.accounts.count) accounts and \(result.events) events in \(seconds) s.")
        print("Start the server (swift run -c release tally serve) and open http://127.0.0.1:8080 to sign in.\n")
        print(DemoSetup.table(logins))
    }
}

/// Vacuums and analyzes after the demo's bulk load, saying so on stderr (it takes seconds).
func refreshStatistics(_ host: DatabaseHost) async throws {
    FileHandle.standardError.write(Data("vacuuming and analyzing the new data…".utf8))
    let ran = try await host.refreshStatistics()
    FileHandle.standardError.write(Data((ran ? " done\n" : " skipped (no owner URL)\n").utf8))
}

/// Seeds the demo over `pool` with a progress line on stderr (at most four updates a second).
func runDemoSeeding(pool: PostgresPool, options: DemoSeedOptions) async throws -> (DemoSeedResult, [DemoLogin]) {
    do {
        let outcome = try await DemoSetup(pool: pool).run(options) { done, total in
            let percent = total == 0 ? 100 : done * 100 / total
            let end = done == total ? "\n" : ""
            FileHandle.standardError.write(Data("\revents \(done)/\(total) (\(percent)%)\(end)".utf8))
        }
        return outcome
    } catch let error as DemoSeedError {
        throw fail(error.description)
    }
}
