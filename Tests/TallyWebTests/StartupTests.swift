import Foundation
import Logging
import TallyDatabase
import TallyWeb
import TallyWebTestSupport
import Testing

@Suite("Start-up checks")
struct StartupTests {
    @Test("a broken template stops start-up with file:line:column")
    func brokenTemplate() throws {
        let folder = NSTemporaryDirectory() + "tally-templates-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "<p>fine</p>\n".write(toFile: folder + "/ok.mustache", atomically: true, encoding: .utf8)
        try "<ul>\n  {{#items}}\n    <li>{{name}}</li>\n</ul>\n".write(
            toFile: folder + "/broken.mustache", atomically: true, encoding: .utf8)
        do {
            _ = try Pages(directory: folder, reloadOnChange: false, strict: true, logger: Logger(label: "test"))
            Issue.record("a broken template should stop start-up")
        } catch {
            let text = "\(error)"
            #expect(text.contains("broken.mustache:2:"), "got: \(text)")
            #expect(text.contains("items"))
        }
    }

    @Test("the repository's templates all load")
    func repositoryTemplates() throws {
        _ = try Pages(directory: WebHarness.configuration.templatesDirectory, reloadOnChange: false, strict: true, logger: Logger(label: "test"))
    }

    @Test("configuration comes from the environment with defaults and clear errors")
    func configuration() throws {
        let defaults = try TallyConfiguration.load(environment: [:])
        #expect(defaults.server.host == "127.0.0.1")
        #expect(defaults.server.port == 8080)
        #expect(defaults.database.isEmbedded)
        #expect(defaults.database.dataDirectory == ".tally/postgres")
        #expect(defaults.database.poolSize == 10)
        #expect(defaults.database.statementTimeout == .seconds(5))

        let custom = try TallyConfiguration.load(environment: [
            "DATABASE_URL": "postgresql://app@db/tally", "TALLY_OWNER_DATABASE_URL": "postgresql://owner@db/tally",
            "TALLY_PORT": "9090", "TALLY_HOST": "0.0.0.0", "TALLY_DATA_DIR": "/var/lib/tally",
            "TALLY_DB_POOL_SIZE": "32", "TALLY_DB_ACQUIRE_TIMEOUT_MS": "250", "TALLY_LOG_LEVEL": "DEBUG",
            "TALLY_RELOAD_TEMPLATES": "1", "TALLY_DB_SHARED_CONNECTIONS": "0", "TALLY_DB_STATEMENT_TIMEOUT_MS": "750",
        ])
        #expect(!custom.database.isEmbedded)
        #expect(custom.database.ownerURL == "postgresql://owner@db/tally")
        #expect(custom.server.port == 9090)
        #expect(custom.server.host == "0.0.0.0")
        #expect(custom.database.poolSize == 32)
        #expect(custom.database.sharedConnections == 0)
        #expect(custom.database.acquireTimeout == .milliseconds(250))
        #expect(custom.database.statementTimeout == .milliseconds(750))
        #expect(custom.logLevel == .debug)
        #expect(custom.server.reloadTemplates)

        #expect(throws: ConfigurationError(variable: "TALLY_PORT", value: "eighty", expected: "a whole number from 0 to 65535")) {
            try TallyConfiguration.load(environment: ["TALLY_PORT": "eighty"])
        }
        #expect(throws: ConfigurationError.self) { try TallyConfiguration.load(environment: ["TALLY_DB_POOL_SIZE": "0"]) }
        #expect(throws: ConfigurationError.self) { try TallyConfiguration.load(environment: ["TALLY_DB_SHARED_CONNECTIONS": "-1"]) }
        #expect(throws: ConfigurationError.self) { try TallyConfiguration.load(environment: ["TALLY_DB_STATEMENT_TIMEOUT_MS": "0"]) }
        #expect(throws: ConfigurationError.self) { try TallyConfiguration.load(environment: ["TALLY_LOG_LEVEL": "loud"]) }
        #expect(throws: ConfigurationError.self) { try TallyConfiguration.load(environment: ["TALLY_RELOAD_TEMPLATES": "maybe"]) }
    }
}
