import Alerting
import ArgumentParser
import EmbeddedPostgres
import Foundation
import Hummingbird
import Logging
import MeteringStore
import Postgres
import TallyAccess
import TallyDatabase
import TallyWeb

/// `tally serve`.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the web server.",
        discussion: """
            With no DATABASE_URL, creates (first run) and starts a private PostgreSQL cluster in \
            the data folder, migrates it, starts it again whenever its server exits unexpectedly, \
            and stops it on SIGINT or SIGTERM. With \
            DATABASE_URL, connects to that database as the app role; run `tally migrate` there first.

            Environment: \(TallyConfiguration.variables.map(\.name).joined(separator: ", ")).
            """
    )

    @Option(help: "Address to listen on (env TALLY_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (env TALLY_PORT; default 8080).")
    var port: Int?

    @Flag(
        name: .customLong("seed-demo"),
        help: "When the database has no accounts, seed the demo (see `tally seed-demo`) before serving and print its logins.")
    var seedDemo = false

    @OptionGroup var demo: DemoSizeOptions

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        var configuration = try database.configuration()
        if let host { configuration.server.host = host }
        if let port { configuration.server.port = port }
        let logger = bootstrapLogging(level: configuration.logLevel)
        let pages: Pages
        do {
            pages = try Pages(
                directory: configuration.server.templatesDirectory,
                reloadOnChange: configuration.server.reloadTemplates, strict: false, logger: logger)
        } catch {
            throw fail("templates: \(error)")
        }
        let host: DatabaseHost
        do {
            host = try await DatabaseHost.open(configuration.database, migrate: configuration.database.isEmbedded, logger: logger)
        } catch {
            throw fail("\(error)")
        }
        do {
            try await serve(configuration: configuration, host: host, pages: pages, logger: logger)
        } catch {
            await host.close()
            throw fail("\(error)")
        }
        await host.close()
    }

    /// With `--seed-demo` and no account yet, seeds the demo; returns its logins (none otherwise).
    /// The seeder's bulk load runs for minutes, so it gets a pool of its own under the
    /// maintenance statement timeout rather than the requests'.
    private func seedDemoIfEmpty(host: DatabaseHost, logger: Logger) async throws -> [DemoLogin] {
        guard seedDemo else { return [] }
        let pool = host.makeMaintenancePool()
        do {
            guard try await DemoSeeder(pool: pool).accountCount() == 0 else {
                logger.info("--seed-demo: the database already has accounts; nothing seeded")
                await pool.shutdown()
                return []
            }
            let logins = try await runDemoSeeding(pool: pool, options: try demo.options()).1
            await pool.shutdown()
            try await refreshStatistics(host)
            return logins
        } catch {
            await pool.shutdown()
            throw error
        }
    }

    private func serve(configuration: TallyConfiguration, host: DatabaseHost, pages: Pages, logger: Logger) async throws {
        let pool = PostgresPool(
            configuration: .init(
                conninfo: host.appConninfo, maxConnections: configuration.database.poolSize,
                acquireTimeout: configuration.database.acquireTimeout,
                sharedConnections: configuration.database.sharedConnections,
                statementTimeout: configuration.database.statementTimeout),
            logger: logger)
        do {
            try await pool.withConnection { try await DatabaseRoles.verifyServing(on: $0) }
            let access = AccessServices(pool: pool, settings: configuration.access, logger: logger)
            let services = AppServices(
                pool: pool, migrations: host.migrations, pages: pages, access: access, webhooks: configuration.webhookDestinations)
            let demoLogins = try await seedDemoIfEmpty(host: host, logger: logger)
            let firstRun = try await access.users.count() == 0
            let app = TallyApplication.make(configuration: configuration.server, services: services, logger: logger) { port in
                var message = "Tally is running at http://\(configuration.server.host):\(port)\n"
                if !demoLogins.isEmpty {
                    message += "Demo seeded. Sign in with one of these (passwords shown once):\n\n"
                    message += DemoSetup.table(demoLogins) + "\n"
                } else if firstRun {
                    message += """
                        No users yet. Create the first admin (the password is generated and printed once):
                          swift run tally user create --email you@example.com --role admin

                        """
                } else if seedDemo {
                    message += """
                        The demo was seeded on an earlier run, which printed its logins. To sign in again:
                          swift run tally user reset-password --email admin@example.com

                        """
                }
                FileHandle.standardOutput.write(Data(message.utf8))
            }
            // The embedded cluster, started again whenever its server exits unexpectedly.
            let supervisor = host.cluster.map { cluster in
                Task {
                    await ClusterSupervisor(cluster: cluster, logger: logger) { event in
                        if case .restarted = event { services.metrics.recordDatabaseRestart() }
                    }.run()
                }
            }
            defer { supervisor?.cancel() }
            // The alert rules and webhook deliveries, every minute, under an advisory lock.
            let transport = HTTPWebhookTransport()
            let scheduler = Task {
                await Alerting.scheduler(
                    pool: pool, clock: access.clock, transport: transport, destinations: configuration.webhookDestinations, logger: logger
                ).run()
            }
            do {
                try await app.runService()
            } catch {
                scheduler.cancel()
                await scheduler.value
                try? await transport.shutdown()
                throw error
            }
            scheduler.cancel()
            await scheduler.value
            try? await transport.shutdown()
        } catch {
            await pool.shutdown()
            throw error
        }
        await pool.shutdown()
    }
}
