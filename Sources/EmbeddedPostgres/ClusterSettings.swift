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
    /// PostgreSQL's buffer cache, in MiB (see `sharedBuffers(forPhysicalMemory:)`).
    var sharedBuffersMiB: Int

    /// An eighth of the machine's memory, at least PostgreSQL's default of 128 MiB and at most
    /// 2 GiB. The default 128 MiB holds a fraction of a demo's usage_events indexes; ingest then
    /// spent its time writing out and reading back buffers (1.2 million of 2.4 million buffer
    /// writes were the ingest's own, not the background writer's).
    static func sharedBuffers(forPhysicalMemory bytes: UInt64) -> Int {
        min(max(Int(bytes / 8 / 1_048_576), 128), 2_048)
    }

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
            shared_buffers = \(sharedBuffersMiB)MB
            # Ingest writes tens of MB of WAL a second; checkpoints every few seconds (the
            # default 1 GB) make every page's first change after one a full-page image.
            max_wal_size = 4GB
            checkpoint_timeout = 15min
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
