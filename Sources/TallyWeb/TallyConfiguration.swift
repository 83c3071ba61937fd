import Alerting
import Foundation
import Logging
import TallyAccess
import TallyDatabase

/// All of Tally's settings, read once from the environment (and then flags) by the `tally` command
/// and passed down. Nothing else in Tally reads the environment.
public struct TallyConfiguration: Sendable, Equatable {
    /// The web server's settings.
    public var server: ServerConfiguration
    /// The database's settings.
    public var database: DatabaseConfiguration
    /// The least severe log level written (`TALLY_LOG_LEVEL`).
    public var logLevel: Logger.Level
    /// Session timeouts and login throttling.
    public var access = AccessSettings()
    /// `TALLY_WEBHOOK_ALLOW_HTTP`: webhooks may use plain `http://` (development only).
    public var webhookAllowPlainHTTP = false
    /// `TALLY_WEBHOOK_ALLOW_PRIVATE`: webhooks may go to loopback and private addresses.
    public var webhookAllowPrivateNetworks = false

    /// Where webhooks may go, by these settings (`WebhookDestinations`).
    public var webhookDestinations: WebhookDestinations {
        WebhookDestinations(allowPlainHTTP: webhookAllowPlainHTTP, allowPrivateNetworks: webhookAllowPrivateNetworks)
    }

    /// Creates a configuration from its parts.
    public init(server: ServerConfiguration = .init(), database: DatabaseConfiguration = .init(), logLevel: Logger.Level = .info) {
        self.server = server
        self.database = database
        self.logLevel = logLevel
    }

    /// The environment variables Tally reads, with what each sets; the README's table mirrors it.
    public static let variables: [(name: String, meaning: String)] = [
        ("DATABASE_URL", "app-role URL of an existing PostgreSQL; unset runs the embedded cluster"),
        ("TALLY_OWNER_DATABASE_URL", "owner-role URL, used by `tally migrate` on an existing PostgreSQL"),
        ("TALLY_DATA_DIR", "embedded cluster folder (default .tally/postgres)"),
        ("TALLY_MIGRATIONS_DIR", "migrations folder (default migrations)"),
        ("TALLY_DB_POOL_SIZE", "most database connections (default 10)"),
        ("TALLY_DB_SHARED_CONNECTIONS", "extra connections that carry every request's short reads together (default 1; more on machines with more cores; 0 = use the pool)"),
        ("TALLY_DB_ACQUIRE_TIMEOUT_MS", "wait for a free connection before 503 (default 1000)"),
        ("TALLY_DB_STATEMENT_TIMEOUT_MS", "longest a request's database statement may run before 503 (default 5000)"),
        ("TALLY_HOST", "listen address (default 127.0.0.1)"),
        ("TALLY_PORT", "listen port (default 8080)"),
        ("TALLY_PUBLIC_DIR", "static files (default public)"),
        ("TALLY_TEMPLATES_DIR", "templates (default templates)"),
        ("TALLY_DOCS_DIR", "docs folder; its openapi.json is served at /api/v1/openapi.json (default docs)"),
        ("TALLY_RELOAD_TEMPLATES", "1 reloads changed templates: development only (default 0)"),
        ("TALLY_LOG_LEVEL", "trace, debug, info, notice, warning, error or critical (default info)"),
        ("TALLY_INSECURE_COOKIES", "1 drops Secure and the __Host- prefix: plain-HTTP localhost development only (default 0)"),
        ("TALLY_TRUSTED_PROXIES", "comma-separated proxy IPs whose X-Forwarded-For is believed (default none)"),
        ("TALLY_SESSION_IDLE_MINUTES", "a session unused this long ends (default 30)"),
        ("TALLY_SESSION_ABSOLUTE_HOURS", "a session ends this long after login (default 12)"),
        ("TALLY_WEBHOOK_ALLOW_HTTP", "1 lets webhooks use plain http://: development only (default 0)"),
        ("TALLY_WEBHOOK_ALLOW_PRIVATE", "1 lets webhooks go to loopback and private addresses, for a receiver inside your network (default 0)"),
    ]

    /// Reads the configuration from environment variables; unset ones take their defaults.
    public static func load(environment: [String: String]) throws(ConfigurationError) -> TallyConfiguration {
        let reader = EnvironmentReader(environment: environment)
        var configuration = TallyConfiguration()
        configuration.database.appURL = reader.string("DATABASE_URL")
        configuration.database.ownerURL = reader.string("TALLY_OWNER_DATABASE_URL")
        configuration.database.dataDirectory = reader.string("TALLY_DATA_DIR") ?? configuration.database.dataDirectory
        configuration.database.migrationsDirectory =
            reader.string("TALLY_MIGRATIONS_DIR") ?? configuration.database.migrationsDirectory
        configuration.database.poolSize = try reader.integer("TALLY_DB_POOL_SIZE", in: 1...1000) ?? 10
        configuration.database.sharedConnections = try reader.integer("TALLY_DB_SHARED_CONNECTIONS", in: 0...64) ?? 1
        let timeout = try reader.integer("TALLY_DB_ACQUIRE_TIMEOUT_MS", in: 1...600_000) ?? 1000
        configuration.database.acquireTimeout = .milliseconds(timeout)
        let statementTimeout = try reader.integer("TALLY_DB_STATEMENT_TIMEOUT_MS", in: 1...3_600_000) ?? 5000
        configuration.database.statementTimeout = .milliseconds(statementTimeout)
        configuration.server.host = reader.string("TALLY_HOST") ?? configuration.server.host
        configuration.server.port = try reader.integer("TALLY_PORT", in: 0...65535) ?? configuration.server.port
        configuration.server.publicDirectory = reader.string("TALLY_PUBLIC_DIR") ?? configuration.server.publicDirectory
        configuration.server.templatesDirectory =
            reader.string("TALLY_TEMPLATES_DIR") ?? configuration.server.templatesDirectory
        configuration.server.docsDirectory = reader.string("TALLY_DOCS_DIR") ?? configuration.server.docsDirectory
        configuration.server.reloadTemplates = try reader.flag("TALLY_RELOAD_TEMPLATES") ?? false
        try loadAccess(&configuration, from: reader)
        configuration.webhookAllowPlainHTTP = try reader.flag("TALLY_WEBHOOK_ALLOW_HTTP") ?? false
        configuration.webhookAllowPrivateNetworks = try reader.flag("TALLY_WEBHOOK_ALLOW_PRIVATE") ?? false
        if let level = reader.string("TALLY_LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigurationError(variable: "TALLY_LOG_LEVEL", value: level, expected: "one of trace, debug, info, notice, warning, error, critical")
            }
            configuration.logLevel = parsed
        }
        return configuration
    }
}

extension TallyConfiguration {
    /// Cookie, proxy and session settings.
    fileprivate static func loadAccess(_ configuration: inout TallyConfiguration, from reader: EnvironmentReader) throws(ConfigurationError) {
        configuration.server.insecureCookies = try reader.flag("TALLY_INSECURE_COOKIES") ?? false
        configuration.server.trustedProxies = (reader.string("TALLY_TRUSTED_PROXIES") ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let minutes = try reader.integer("TALLY_SESSION_IDLE_MINUTES", in: 1...1440) {
            configuration.access.idleTimeout = .seconds(minutes * 60)
        }
        if let hours = try reader.integer("TALLY_SESSION_ABSOLUTE_HOURS", in: 1...720) {
            configuration.access.absoluteTimeout = .seconds(hours * 3600)
        }
    }
}

/// A setting that could not be used.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The variable or flag.
    public let variable: String
    /// What it was set to.
    public let value: String
    /// What it should be.
    public let expected: String

    /// Creates an error.
    public init(variable: String, value: String, expected: String) {
        self.variable = variable
        self.value = value
        self.expected = expected
    }

    public var description: String { "\(variable) must be \(expected), got '\(value)'" }
}

/// Typed reads of environment variables; empty counts as unset.
struct EnvironmentReader {
    let environment: [String: String]

    func string(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(variable: name, value: text, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func flag(_ name: String) throws(ConfigurationError) -> Bool? {
        guard let text = string(name) else { return nil }
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError(variable: name, value: text, expected: "1 or 0")
        }
    }
}

/// Tally's version, as `tally version` prints it.
public enum TallyVersion {
    /// The release this source tree is.
    public static let current = "0.1.0"
}
