import Foundation
import EmbeddedPostgres
import Logging
import Postgres
import TallyDatabase
import Testing

@Suite("Database host")
struct DatabaseHostTests {
    var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }

    var repositoryMigrations: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path + "/migrations"
    }

    @Test("the embedded database starts, is bootstrapped and migrated, and stops; a second open reuses it")
    func embeddedLifecycle() async throws {
        let folder = "/tmp/tally-host-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let configuration = DatabaseConfiguration(dataDirectory: folder, migrationsDirectory: repositoryMigrations)

        let first = try await DatabaseHost.open(configuration, migrate: false, logger: logger)
        let before = try await first.status()
        #expect(before.applied.isEmpty)
        #expect(before.pending.count == first.migrations.count)
        let applied = try await first.migrate()
        #expect(applied.count == first.migrations.count)
        await first.close()
        #expect(!FileManager.default.fileExists(atPath: folder + "/data/postmaster.pid"))

        let second = try await DatabaseHost.open(configuration, migrate: true, logger: logger)
        let after = try await second.status()
        #expect(after.pending.isEmpty)
        #expect(after.applied.count == first.migrations.count)
        await second.close()
    }

    @Test("a command can share a cluster another tally holds; the server may not")
    func sharingARunningCluster() async throws {
        let folder = "/tmp/tally-share-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let configuration = DatabaseConfiguration(dataDirectory: folder, migrationsDirectory: repositoryMigrations)
        let server = try await DatabaseHost.open(configuration, migrate: true, logger: logger)
        do {
            await #expect(throws: EmbeddedPostgresError.self) {
                _ = try await DatabaseHost.open(configuration, migrate: false, logger: logger)
            }
            let command = try await DatabaseHost.open(configuration, migrate: true, shareRunningCluster: true, logger: logger)
            #expect(command.cluster == nil)
            #expect(try await command.status().pending.isEmpty)
            await command.close()
            // Closing the command left the server's cluster running.
            #expect(try await server.status().applied.count == server.migrations.count)
        } catch {
            await server.close()
            throw error
        }
        await server.close()
    }

    @Test("migrating an external database without the owner URL says what to set")
    func externalNeedsOwnerURL() async throws {
        let configuration = DatabaseConfiguration(
            appURL: "host=/nonexistent dbname=tally", migrationsDirectory: repositoryMigrations)
        let host = try await DatabaseHost.open(configuration, migrate: false, logger: logger)
        do {
            try await host.migrate()
            Issue.record("migrate should need the owner URL")
        } catch let error as DatabaseHostError {
            #expect(error.description.contains("TALLY_OWNER_DATABASE_URL"))
        }
    }

    @Test("refreshing statistics vacuums and analyzes every table as the owner; without the owner URL it does nothing")
    func refreshStatistics() async throws {
        let folder = "/tmp/tally-stats-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let configuration = DatabaseConfiguration(dataDirectory: folder, migrationsDirectory: repositoryMigrations)
        let host = try await DatabaseHost.open(configuration, migrate: true, logger: logger)
        do {
            #expect(try await host.refreshStatistics())
            let missing = try await PostgresConnection.withConnection(to: host.appConninfo, logger: logger) { connection in
                try await connection.query(
                    """
                    SELECT relname::text FROM pg_stat_user_tables
                    WHERE schemaname = 'public' AND (last_vacuum IS NULL OR last_analyze IS NULL)
                    """).map { try $0.decode(String.self, at: 0) }
            }
            #expect(missing.isEmpty, "not vacuumed and analyzed: \(missing)")
        } catch {
            await host.close()
            throw error
        }
        await host.close()
        let external = try await DatabaseHost.open(
            DatabaseConfiguration(appURL: "host=/nonexistent dbname=tally", migrationsDirectory: repositoryMigrations),
            migrate: false, logger: logger)
        #expect(try await external.refreshStatistics() == false)
    }

    @Test("migrations and the maintenance pool (seeder, commands) run under the hour-long limit, not the requests'")
    func maintenanceStatementTimeout() async throws {
        let folder = "/tmp/tally-limit-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A migration that writes down the limit it runs under.
        let migrationsFolder = folder + "-migrations"
        defer { try? FileManager.default.removeItem(atPath: migrationsFolder) }
        try FileManager.default.createDirectory(atPath: migrationsFolder, withIntermediateDirectories: true)
        try "CREATE TABLE probe AS SELECT current_setting('statement_timeout') AS setting;\n"
            .write(toFile: migrationsFolder + "/0001_probe.sql", atomically: true, encoding: .utf8)
        let configuration = DatabaseConfiguration(dataDirectory: folder, migrationsDirectory: migrationsFolder)
        let host = try await DatabaseHost.open(configuration, migrate: true, logger: logger)
        do {
            let ownerConninfo = try #require(host.ownerConninfo)
            let migrated = try await PostgresConnection.withConnection(to: ownerConninfo, logger: logger) { connection in
                try await connection.query("SELECT setting FROM probe").first?.decode(String.self, at: 0)
            }
            #expect(migrated == "1h")
            let pool = host.makeMaintenancePool(sharedConnections: 1)
            let pooled = try await pool.query("SHOW statement_timeout").first?.decode(String.self, at: 0)
            let shared = try await pool.read(["SHOW statement_timeout"])[0].first?.decode(String.self, at: 0)
            await pool.shutdown()
            #expect(pooled == "1h")
            #expect(shared == "1h")
        } catch {
            await host.close()
            throw error
        }
        await host.close()
    }
}
