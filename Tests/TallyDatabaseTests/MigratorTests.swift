import Foundation
import Logging
import Postgres
import TallyDatabase
import TallyTestSupport
import Testing

@Suite("Migrations")
struct MigratorTests {
    /// A folder of migration files, removed after the test.
    final class MigrationFolder {
        let path = NSTemporaryDirectory() + "tally-migrations-\(UUID().uuidString)"

        init(_ files: [String: String]) throws {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            for (name, sql) in files { try write(name, sql) }
        }

        func write(_ name: String, _ sql: String) throws {
            try sql.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
        }

        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    static let files = [
        "0001_first.sql": "CREATE TABLE a (id int8 PRIMARY KEY);",
        "0002_second.sql": "CREATE TABLE b (id int8 PRIMARY KEY);\nINSERT INTO a VALUES (1);",
        "0010_third.sql": "ALTER TABLE b ADD COLUMN note text;",
        "README.txt": "not a migration",
    ]

    func migrator(_ folder: MigrationFolder, logger: Logger) throws -> Migrator {
        Migrator(migrations: try MigrationSource.load(from: folder.path), logger: logger)
    }

    @Test("pending migrations apply in version order, each recorded with its checksum")
    func appliesInOrder() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let folder = try MigrationFolder(Self.files)
            let migrator = try migrator(folder, logger: database.logger)
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            #expect(try await migrator.status(on: connection).pending.map(\.name) == ["0001_first", "0002_second", "0010_third"])
            let applied = try await migrator.migrate(on: connection)
            #expect(applied.map(\.version) == [1, 2, 10])
            let status = try await migrator.status(on: connection)
            #expect(status.pending.isEmpty)
            #expect(status.problems.isEmpty)
            #expect(status.applied.map(\.checksum) == migrator.migrations.map(\.checksum))
            #expect(status.applied.allSatisfy { $0.checksum.count == 64 })
            #expect(try await migrator.migrate(on: connection).isEmpty)
            // The app role may read the history, which readiness needs.
            let app = try await database.connect(as: .app)
            defer { app.close() }
            #expect(try await migrator.status(on: app).applied.count == 3)
        }
    }

    @Test("a failing migration rolls back alone and stops the run")
    func failingMigration() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let folder = try MigrationFolder([
                "0001_ok.sql": "CREATE TABLE a (id int8);",
                "0002_broken.sql": "CREATE TABLE b (id int8); SELECT no_such_function();",
                "0003_later.sql": "CREATE TABLE c (id int8);",
            ])
            let migrator = try migrator(folder, logger: database.logger)
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            await #expect(throws: PostgresError.self) { try await migrator.migrate(on: connection) }
            let status = try await migrator.status(on: connection)
            #expect(status.applied.map(\.name) == ["0001_ok"])
            #expect(status.pending.map(\.name) == ["0002_broken", "0003_later"])
            let tableB = try await connection.query("SELECT to_regclass('b') IS NULL").first?.decode(Bool.self, at: 0)
            #expect(tableB == true)
        }
    }

    @Test("an applied migration that changed afterwards is refused with a clear message")
    func changedMigrationRefused() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let folder = try MigrationFolder(Self.files)
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            try await migrator(folder, logger: database.logger).migrate(on: connection)
            try folder.write("0002_second.sql", "CREATE TABLE b (id int8 PRIMARY KEY, extra text);")
            try folder.write("0011_fourth.sql", "CREATE TABLE d (id int8);")
            let changed = try migrator(folder, logger: database.logger)
            do {
                try await changed.migrate(on: connection)
                Issue.record("a changed migration should be refused")
            } catch let error as MigrationError {
                #expect(error == .changedAfterApplied(name: "0002_second"))
                #expect(error.description.contains("0002_second.sql was changed after it was applied"))
            }
            // Nothing after the refusal was applied.
            let tableD = try await connection.query("SELECT to_regclass('d') IS NULL").first?.decode(Bool.self, at: 0)
            #expect(tableD == true)
        }
    }

    @Test("two concurrent migrate runs: each migration is applied exactly once")
    func concurrentRuns() async throws {
        try await TestDatabase.with(migrated: false) { database in
            // The first step waits for a lock the test holds, so the second run certainly arrives
            // while the first is applying; the test lets go once both wait.
            let key = 4_245
            var files: [String: String] = [:]
            for index in 1...8 {
                files[String(format: "%04d_step.sql", index)] = "CREATE TABLE t\(index) (id int8);"
            }
            files["0001_step.sql"]! += " SELECT pg_advisory_xact_lock_shared(\(key));"
            let folder = try MigrationFolder(files)
            let migrator = try migrator(folder, logger: database.logger)
            let holder = try await database.connect(as: .superuser)
            defer { holder.close() }
            _ = try await holder.query("SELECT pg_advisory_lock(\(key)::int8)")
            let applied = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        let connection = try await database.connect(as: .owner)
                        defer { connection.close() }
                        return try await migrator.migrate(on: connection).count
                    }
                }
                let waited: Void? = try? await database.waitForLockWaiters(2)
                _ = try await holder.query("SELECT pg_advisory_unlock(\(key)::int8)")
                #expect(waited != nil, "both runs should wait: the first for the test's lock, the second for the first")
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(applied.sorted() == [0, 8])
            let connection = try await database.connect(as: .owner)
            defer { connection.close() }
            let count = try await connection.query("SELECT count(*)::int8 FROM schema_migrations").first?.decode(Int.self, at: 0)
            #expect(count == 8)
        }
    }

    @Test("badly named or duplicate migration files are refused")
    func badFiles() throws {
        let badName = try MigrationFolder(["001_short.sql": "SELECT 1;"])
        #expect(throws: MigrationError.badFileName("001_short.sql")) { try MigrationSource.load(from: badName.path) }
        let noName = try MigrationFolder(["0001.sql": "SELECT 1;"])
        #expect(throws: MigrationError.badFileName("0001.sql")) { try MigrationSource.load(from: noName.path) }
        let duplicate = try MigrationFolder(["0001_a.sql": "SELECT 1;", "0001_b.sql": "SELECT 2;"])
        #expect(throws: MigrationError.duplicateVersion(1, ["0001_a.sql", "0001_b.sql"])) {
            try MigrationSource.load(from: duplicate.path)
        }
        #expect(throws: MigrationError.folderUnreadable(path: "/nonexistent/migrations")) {
            try MigrationSource.load(from: "/nonexistent/migrations")
        }
    }

    @Test("the repository's migrations load and apply on the test template")
    func repositoryMigrations() async throws {
        try await TestDatabase.with { database in
            let migrator = Migrator(migrations: database.migrations, logger: database.logger)
            let connection = try await database.connect(as: .app)
            defer { connection.close() }
            let status = try await migrator.status(on: connection)
            #expect(!status.applied.isEmpty)
            #expect(status.pending.isEmpty)
            #expect(status.problems.isEmpty)
        }
    }
}
