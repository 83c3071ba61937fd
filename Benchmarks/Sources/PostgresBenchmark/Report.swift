import Foundation

/// Prints the figures as a table, ratios ours / theirs, and a one-line summary.
struct Report {
    let options: BenchmarkOptions
    let serverVersion: String
    let pgbenchVersion: String

    func printHeader() {
        let durability = options.durability == .full ? "full durability" : "--fast (fsync off)"
        print("""
            Tally PostgreSQL-layer benchmark
              server:  \(serverVersion), embedded cluster on a Unix socket, \(durability)
              clients: \(pgbenchVersion)
              machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; \(options.clients) clients, \
            \(options.seconds) s per round-trip run, \(options.rows) rows per COPY

            """)
    }

    func printRoundTrips(_ results: RoundTripBenchmark.Results) {
        heading("Round trips, \(options.clients) concurrent clients", "queries/s", "µs/query/client")
        let base = results.pgbenchExtended.perSecond
        row(results.pgbenchExtended, ratio: "1.00 (base)")
        row(results.pgbenchPrepared, ratio: ratio(results.pgbenchPrepared.perSecond, base))
        row(results.pool, ratio: ratio(results.pool.perSecond, base) + " ours/ext")
        row(results.pgbenchSelectOne, ratio: "1.00 (base)")
        row(results.poolSelectOne, ratio: ratio(results.poolSelectOne.perSecond, results.pgbenchSelectOne.perSecond) + " ours/ext")
        print("")
    }

    func printCopy(_ results: CopyBenchmark.Results) {
        heading("COPY of \(options.rows) rows, 6 columns", "rows/s", "seconds")
        line(results.psql.label, results.psql.perSecond, String(format: "%.2f", results.psql.seconds), "1.00 (base)")
        line(results.pool.label, results.pool.perSecond, String(format: "%.2f", results.pool.seconds),
             ratio(results.pool.perSecond, results.psql.perSecond) + " ours/psql")
        print(String(format: "  (generating + encoding the %.0f MB TSV file in Swift alone: %.2f s)",
                     Double(results.fileBytes) / 1e6, results.fileSeconds))
        let check = results.check
        print("  checked: both tables \(check.rows) rows, sum(tokens) \(check.tokens), row-hash sums equal (\(check.rowHashes))")
        print("")
    }

    func printSummary(_ trips: RoundTripBenchmark.Results, _ copy: CopyBenchmark.Results) {
        print("""
            Summary: pool \(ratio(trips.pool.perSecond, trips.pgbenchExtended.perSecond))× pgbench -S -M extended \
            (\(Int(trips.pool.perSecond.rounded())) vs \(Int(trips.pgbenchExtended.perSecond.rounded())) q/s), \
            \(ratio(trips.poolSelectOne.perSecond, trips.pgbenchSelectOne.perSecond))× on SELECT 1; \
            COPY \(ratio(copy.pool.perSecond, copy.psql.perSecond))× psql \\copy \
            (\(Int(copy.pool.perSecond.rounded())) vs \(Int(copy.psql.perSecond.rounded())) rows/s)
            """)
    }

    private func row(_ figure: RoundTripBenchmark.Figure, ratio: String) {
        // Mean latency seen by one client: clients / throughput.
        let micros = 1e6 * Double(options.clients) / figure.perSecond
        line(figure.label, figure.perSecond, String(format: "%.0f", micros), ratio)
    }

    private func heading(_ title: String, _ first: String, _ second: String) {
        print(title + String(repeating: " ", count: max(1, 46 - title.count)) + pad(first, 10) + pad(second, 17) + "  ratio")
    }

    private func line(_ label: String, _ perSecond: Double, _ middle: String, _ ratio: String) {
        let padded = label.count < 44 ? label + String(repeating: " ", count: 44 - label.count) : label
        print("  " + padded + pad(String(Int(perSecond.rounded())), 10) + pad(middle, 17) + "  " + ratio)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count < width ? String(repeating: " ", count: width - text.count) + text : text
    }

    private func ratio(_ ours: Double, _ base: Double) -> String { String(format: "%.2f", ours / base) }
}
