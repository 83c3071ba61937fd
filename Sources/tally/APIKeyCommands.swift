import ArgumentParser
import Foundation
import MeteringStore

extension APIKeyScope: ExpressibleByArgument {}

/// `tally api-key …`.
struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-key", abstract: "Create and revoke API keys for the operator backend.",
        subcommands: [APIKeyCreate.self, APIKeyRevoke.self])
}

/// `tally api-key create`.
struct APIKeyCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create an API key and print it once.",
        discussion: "Only the key's SHA-256 is stored: copy it now, it cannot be shown again.")

    @Option(help: "A name for the key (unique among active keys).") var name: String
    @Option(help: "ingest (send events, check entitlements) or read (entitlements and usage).") var scope: APIKeyScope = .ingest
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let key = try await withAccessDatabase(database) { pool, _ in
            try await APIKeyStore(pool: pool).create(name: name, scope: scope, now: Date())
        }
        print("Created \(key.identity.scope.rawValue) key '\(key.identity.name)' (\(key.identity.prefix)…).")
        print("API key (shown once): \(key.secret)")
    }
}

/// `tally api-key revoke`.
struct APIKeyRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke an API key: it fails on its next use.")

    @Option(help: "The key's name.") var name: String?
    @Option(help: "The key's prefix as printed at creation (tly_ and 8 characters).") var prefix: String?
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (name == nil) != (prefix == nil) else { throw ValidationError("Give exactly one of --name or --prefix.") }
    }

    func run() async throws {
        let key = try await withAccessDatabase(database) { pool, _ in
            try await APIKeyStore(pool: pool).revoke(nameOrPrefix: name ?? prefix ?? "", now: Date())
        }
        print("Revoked key '\(key.name)' (\(key.prefix)…).")
    }
}
