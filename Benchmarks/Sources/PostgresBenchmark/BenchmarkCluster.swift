import EmbeddedPostgres
import Foundation
import Logging

/// A private embedded cluster in `/tmp/tally-bench-<pid>`, with pgbench and psql pointed at it.
/// `remove()` stops the server and deletes the folder.
struct BenchmarkCluster: Sendable {
    /// The temporary folder: the cluster in `pg/`, scratch files beside it.
    let folder: String
    let cluster: RunningCluster
    let pgbench: ExternalTool
    let psql: ExternalTool

    /// The database every figure is measured in (created by initdb).
    static let database = "postgres"

    /// Creates the folder and starts the cluster; on failure leaves nothing behind.
    static func start(durability: EmbeddedPostgres.Options.Durability, maxConnections: Int, logger: Logger) async throws -> BenchmarkCluster {
        let folder = "/tmp/tally-bench-\(getpid())"
        // 0755 so the postgres system user can reach its data folder inside.
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        do {
            let options = EmbeddedPostgres.Options(
                dataDirectory: folder + "/pg", durability: durability, maxConnections: maxConnections)
            let cluster = try await EmbeddedPostgres(options: options, logger: logger).start()
            do {
                return BenchmarkCluster(
                    folder: folder, cluster: cluster,
                    pgbench: try ExternalTool.locate("pgbench", binaryDirectory: cluster.binaryDirectory),
                    psql: try ExternalTool.locate("psql", binaryDirectory: cluster.binaryDirectory))
            } catch {
                try? await cluster.stop()
                throw error
            }
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
    }

    /// The libpq conninfo for the pool.
    var conninfo: String { cluster.connectionString(database: Self.database) }

    /// The connection arguments pgbench and psql share.
    var clientArguments: [String] {
        ["-h", cluster.socketDirectory, "-p", String(cluster.port), "-U", cluster.superuser]
    }

    /// Runs pgbench with the connection arguments and the database appended.
    func runPgbench(_ arguments: [String]) async throws -> ExternalTool.Run {
        try await pgbench.run(arguments + clientArguments + [Self.database])
    }

    /// Runs one psql command (`-c`), without reading ~/.psqlrc, stopping at the first error.
    func runPsql(command: String) async throws -> ExternalTool.Run {
        try await psql.run(["-X", "-v", "ON_ERROR_STOP=1", "-d", Self.database] + clientArguments + ["-c", command])
    }

    /// Stops the server and deletes the folder; never throws, reports what it could not do.
    func remove() async {
        do {
            try await cluster.stop()
        } catch {
            print("warning: the cluster did not stop: \(error)")
        }
        do {
            try FileManager.default.removeItem(atPath: folder)
        } catch {
            print("warning: could not remove \(folder): \(error)")
        }
    }
}
