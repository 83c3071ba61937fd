// The PostgreSQL layer against PostgreSQL's own clients, on one private embedded cluster:
//   - round trips: the pool (N tasks) vs `pgbench -S -c N -j 2` (extended and prepared), and SELECT 1;
//   - COPY: `copyFromStdin` vs `psql \copy` of the same rows from a file.
// Figures are printed as ratios ours / theirs within one run. Release build:
//   swift build -c release --product PostgresBenchmark --scratch-path .build-bench
//   ./.build-bench/release/PostgresBenchmark [--seconds N] [--rows N] [--clients N] [--fast]
import Dispatch
import Foundation
import Logging
import Postgres

guard let options = BenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst())) else { exit(2) }

/// Starts the cluster, measures, and always stops the cluster and deletes its folder.
func runBenchmark(_ options: BenchmarkOptions) async throws {
    var logger = Logger(label: "tally.benchmark.postgres")
    logger.logLevel = .warning
    let bench = try await BenchmarkCluster.start(
        durability: options.durability, maxConnections: max(100, options.clients * 2 + 10), logger: logger)
    let pool = PostgresPool(
        configuration: .init(conninfo: bench.conninfo, maxConnections: options.clients, acquireTimeout: .seconds(10)),
        logger: logger)
    do {
        let serverVersion = try await pool.query("SHOW server_version")[0].decode(String.self, at: 0)
        let pgbenchVersion = try await bench.pgbench.run(["--version"]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let report = Report(options: options, serverVersion: "PostgreSQL \(serverVersion)", pgbenchVersion: pgbenchVersion)
        report.printHeader()
        let trips = try await RoundTripBenchmark(
            bench: bench, pool: pool, clients: options.clients, seconds: options.seconds).run()
        report.printRoundTrips(trips)
        let copy = try await CopyBenchmark(bench: bench, pool: pool, rows: options.rows).run()
        report.printCopy(copy)
        report.printSummary(trips, copy)
    } catch {
        await pool.shutdown()
        await bench.remove()
        throw error
    }
    await pool.shutdown()
    await bench.remove()
}

// Ctrl-C or SIGTERM cancels the run, which still stops the cluster and deletes its folder.
signal(SIGINT, SIG_IGN)
signal(SIGTERM, SIG_IGN)
let work = Task { [options] in try await runBenchmark(options) }
let signalSources = [SIGINT, SIGTERM].map { number in
    let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
    source.setEventHandler { work.cancel() }
    source.resume()
    return source
}

switch await work.result {
case .success:
    exit(0)
case .failure(let error as CancellationError):
    print("interrupted: \(error); cluster stopped and folder removed")
    exit(130)
case .failure(let error):
    print("benchmark failed: \(error)")
    exit(1)
}
