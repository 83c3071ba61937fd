import Alerting
import Metering
import TallyWeb
import ArgumentParser
import Foundation
import TallyAccess

/// `tally alerts …`.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "Run the alert rules and webhook deliveries by hand.",
        subcommands: [AlertsRunOnce.self])
}

/// `tally alerts run-once`.
struct AlertsRunOnce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-once",
        abstract: "Evaluate the scheduled alert rules and send due webhooks now, once.",
        discussion: """
            Takes the same advisory lock as the scheduler of `tally serve`: when a serving instance \
            holds it, nothing runs and the command says so. Runs every job even if it already ran \
            this minute.
            """)

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let destinations = try database.configuration().webhookDestinations
        let outcome = try await withAccessDatabase(database) { pool, logger in
            let transport = HTTPWebhookTransport()
            do {
                let outcome = try await Alerting.scheduler(
                    pool: pool, clock: SystemWallClock(), transport: transport, destinations: destinations, logger: logger
                ).tick(force: true)
                try? await transport.shutdown()
                return outcome
            } catch {
                try? await transport.shutdown()
                throw error
            }
        }
        switch outcome {
        case .skipped: print("Another Tally instance is running the scheduler right now; nothing ran.")
        case .ran(let jobs): print("Ran: \(jobs.joined(separator: ", ")).")
        }
    }
}
