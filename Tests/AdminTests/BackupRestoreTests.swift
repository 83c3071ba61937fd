import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Synchronization
import MeteringStore
import NIOCore
import Postgres
import TallyAccess
import TallyDatabase
import TallyTestSupport
import TallyWebTestSupport
import Testing

/// `tally backup` and `tally restore` (issue "Production"): pg_dump and pg_restore as the owner
/// role, through row-level security in the service scope.
@Suite("Backup and restore")
struct BackupRestoreTests {
    /// What a customer, an admin and the operator's backend see: the member's dashboard and
    /// usage page, the margins page and the account page, and the usage API by day, feature and
    /// model (CSRF tokens, which belong to a session, left out).
    private static func figures(_ harness: WebHarness, accountID: Int64, readKey: String) async throws -> [String] {
        let seen = Mutex<[String]>([])
        try await harness.withClient { client in
            let member = try await harness.signIn(client, "owner@acme.test")
            let admin = try await harness.signIn(client, "admin@ops.test")
            for (uri, browser) in [
                ("/", member), ("/usage", member), ("/admin/margins", admin), ("/admin/accounts/\(accountID)", admin),
            ] {
                let response = try await client.get(uri, as: browser)
                #expect(response.status == .ok, "\(uri)")
                seen.withLock { $0.append(Self.withoutSessionTokens(String(buffer: response.body))) }
            }
            for grouping in ["day", "feature", "model"] {
                let response = try await client.execute(
                    uri: "/api/v1/accounts/acme/usage?group_by=\(grouping)", method: .get,
                    headers: [.authorization: "Bearer \(readKey)"])
                #expect(response.status == .ok, "usage by \(grouping)")
                seen.withLock { $0.append(String(buffer: response.body)) }
            }
        }
        return seen.withLock { $0 }
    }

    /// The first line that differs, before and after.
    private static func firstDifference(_ before: String, _ after: String) -> String {
        let old = before.split(separator: "\n", omittingEmptySubsequences: false)
        let new = after.split(separator: "\n", omittingEmptySubsequences: false)
        for (line, (a, b)) in zip(old, new).enumerated() where a != b { return "line \(line + 1): \(a) → \(b)" }
        return "\(old.count) lines → \(new.count) lines"
    }

    /// `html` with every CSRF token's value blanked.
    private static func withoutSessionTokens(_ html: String) -> String {
        html.replacing(/name="_csrf" value="[^"]*"/, with: #"name="_csrf" value="""#)
    }

    @Test("a backup restored into an empty database shows the same dashboard, margins and usage API; a second restore is refused")
    func restoreGivesIdenticalFigures() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-backup-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/tally.backup"
        let logger = Logger(label: "BackupRestoreTests") { _ in SwiftLogNoOpLogHandler() }

        try await WebHarness.with { source in
            try await source.seedBasicCatalog()
            let accountID = try await source.catalog.createAccount(externalID: "acme", name: "Acme", planCode: "pro")
            try await source.catalog.createAccount(externalID: "globex", name: "Globex", planCode: "payg")
            try await source.createUser("owner@acme.test", role: .owner)
            try await source.createUser("admin@ops.test", role: .admin, account: nil)
            let events = (0..<300).map { index in
                let account = index % 3 == 0 ? "globex" : "acme"
                let feature = index % 2 == 0 ? "chat" : "summarize"
                return #"{"id": "e\#(index)", "account": "\#(account)", "feature": "\#(feature)", "model": "gpt-4o", "input_tokens": \#(1_000 + index * 7), "output_tokens": \#(index * 3), "occurred_at": "2027-02-\#(10 + index % 10)T0\#(index % 10):00:00Z"}"#
            }
            #expect(try await source.ingest(events).accepted == 300)
            let readKey = try await APIKeyStore(pool: source.pool).create(name: "reader", scope: .read, now: source.clock.now()).secret
            let before = try await Self.figures(source, accountID: accountID, readKey: readKey)

            let bytes = try await DatabaseBackup(ownerConninfo: source.database.ownerConninfo, logger: logger).backUp(to: file)
            #expect(bytes > 0)
            #expect(!FileManager.default.fileExists(atPath: file + ".partial"))
            // A backup never overwrites a file.
            await #expect(throws: DatabaseBackup.Failure.fileExists(path: file)) {
                try await DatabaseBackup(ownerConninfo: source.database.ownerConninfo, logger: logger).backUp(to: file)
            }

            try await TestDatabase.with(migrated: false) { empty in
                let restore = DatabaseBackup(ownerConninfo: empty.ownerConninfo, logger: logger)
                let steps = Steps()
                try await restore.restore(from: file) { steps.add($0) }
                #expect(steps.last?.done == steps.last?.total)
                #expect((steps.last?.total ?? 0) > 20)

                try await WebHarness.with(database: empty, start: source.clock.now()) { restored in
                    let after = try await Self.figures(restored, accountID: accountID, readKey: readKey)
                    #expect(after.count == before.count)
                    for (index, page) in after.enumerated() where index < before.count {
                        #expect(page == before[index], "page \(index) differs after the restore: \(Self.firstDifference(before[index], page))")
                    }
                    let counts = try await restored.rows("SELECT count(*)::int8 FROM usage_events").first!.decode(Int64.self, at: 0)
                    #expect(counts == 300)
                }

                // Into a database that holds tables (this one, now): refused, nothing changed.
                let tables = try await PostgresTablesCount.of(empty)
                await #expect(throws: DatabaseBackup.Failure.notEmpty(tables: tables)) {
                    try await restore.restore(from: file)
                }
            }
            // The live source database is refused too.
            await #expect(throws: DatabaseBackup.Failure.self) {
                try await DatabaseBackup(ownerConninfo: source.database.ownerConninfo, logger: logger).restore(from: file)
            }
        }
    }
}

/// The progress reports of one restore.
private final class Steps: Sendable {
    private let reports = Mutex<[DatabaseBackup.Progress]>([])
    func add(_ progress: DatabaseBackup.Progress) { reports.withLock { $0.append(progress) } }
    var last: DatabaseBackup.Progress? { reports.withLock { $0.last } }
}

private enum PostgresTablesCount {
    static func of(_ database: TestDatabase) async throws -> Int {
        let connection = try await database.connect(as: .owner)
        defer { connection.close() }
        let rows = try await connection.query(
            "SELECT count(*)::int8 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')")
        return Int(try rows.first!.decode(Int64.self, at: 0))
    }
}
