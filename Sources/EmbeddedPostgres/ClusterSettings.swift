import Foundation

/// The server settings Tally manages, kept in `<data>/tally.conf`.
///
/// postgresql.conf includes the file from its last line (added once, at initdb), so a plain
/// `pg_ctl -D <data> start` by hand runs with the same settings. Tally rewrites the file at each
/// start, so changing the durability or the folder's location takes effect on the next run.
struct ClusterSettings: Sendable, Equatable {
    /// The file's name inside the data folder.
    static let fileName = "tally.conf"
    /// The line appended to postgresql.conf.
    static let includeLine = "\n# Settings managed by Tally (rewritten at each start).\ninclude_if_exists = '\(fileName)'\n"

    var port: Int
    var socketDirectory: String
    var maxConnections: Int
    var durability: EmbeddedPostgres.Options.Durability

    /// The content of tally.conf.
    var fileContents: String {
        let durable = durability == .full ? "on" : "off"
        return """
            # Managed by Tally: rewritten at each start, do not edit. To change other settings,
            # use ALTER SYSTEM, or add them to postgresql.conf.
            listen_addresses = ''
            port = \(port)
            unix_socket_directories = '\(Self.quoted(socketDirectory))'
            unix_socket_permissions = 0700
            max_connections = \(maxConnections)
            fsync = \(durable)
            synchronous_commit = \(durable)
            full_page_writes = \(durable)

            """
    }

    /// `value` escaped for a single-quoted postgresql.conf string.
    private static func quoted(_ value: String) -> String {
        value.replacingOccurrences(of: "'", with: "''")
    }
}
