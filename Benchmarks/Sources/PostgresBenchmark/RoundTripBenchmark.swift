import Foundation
import Postgres

/// Round trips: the pool with N tasks against pgbench with N clients, same queries, same cluster.
struct RoundTripBenchmark {
    /// One run's throughput.
    struct Figure: Sendable {
        var label: String
        var queries: Int
        var seconds: Double
        var perSecond: Double { Double(queries) / seconds }
    }

    /// All round-trip figures of one benchmark run.
    struct Results: Sendable {
        var pgbenchExtended: Figure
        var pgbenchPrepared: Figure
        var pool: Figure
        var pgbenchSelectOne: Figure
        var poolSelectOne: Figure
    }

    let bench: BenchmarkCluster
    let pool: PostgresPool
    let clients: Int
    let seconds: Int

    /// The accounts `pgbench -i -s 1` creates: aid 1...100000.
    static let accounts: ClosedRange<Int64> = 1...100_000

    /// Initialises pgbench's tables at scale 1, then measures, alternating ours and pgbench's.
    func run() async throws -> Results {
        _ = try await bench.runPgbench(["-i", "-s", "1", "-q"])
        let selectOneScript = bench.folder + "/select1.sql"
        try "SELECT 1;\n".write(toFile: selectOneScript, atomically: true, encoding: .utf8)

        try await warmUp()
        let pool = try await measurePool("Tally pool, SELECT abalance … aid = $1") { random in
            let aid = Self.accounts.lowerBound + Int64(random.next() % UInt64(Self.accounts.count))
            let rows = try await self.pool.query("SELECT abalance FROM pgbench_accounts WHERE aid = \(aid)")
            guard rows.count == 1 else { throw ExternalTool.Failure(description: "account \(aid) not found") }
            return try rows[0].decode(Int.self, at: 0)
        }
        let extended = try await measurePgbench("pgbench -S -M extended", ["-S", "-M", "extended"])
        let prepared = try await measurePgbench("pgbench -S -M prepared", ["-S", "-M", "prepared"])
        let poolSelectOne = try await measurePool("Tally pool, SELECT 1") { _ in
            try await self.pool.query("SELECT 1")[0].decode(Int.self, at: 0)
        }
        let selectOne = try await measurePgbench("pgbench -M extended, SELECT 1", ["-f", selectOneScript, "-M", "extended"])
        return Results(
            pgbenchExtended: extended, pgbenchPrepared: prepared, pool: pool,
            pgbenchSelectOne: selectOne, poolSelectOne: poolSelectOne)
    }

    /// Opens every pool connection and warms the caches for a second, untimed.
    private func warmUp() async throws {
        _ = try await runPool(for: .seconds(1)) { _ in try await self.pool.query("SELECT 1")[0].decode(Int.self, at: 0) }
    }

    private func measurePool(_ label: String, _ body: @escaping @Sendable (inout SplitMix64) async throws -> Int) async throws -> Figure {
        let (queries, elapsed) = try await runPool(for: .seconds(seconds), body)
        return Figure(label: label, queries: queries, seconds: elapsed)
    }

    /// Runs `body` in a loop from `clients` concurrent tasks until `duration` has passed; returns
    /// the queries completed and the seconds from start until the last task finished.
    private func runPool(
        for duration: Duration, _ body: @escaping @Sendable (inout SplitMix64) async throws -> Int
    ) async throws -> (queries: Int, seconds: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + duration
        let queries = try await withThrowingTaskGroup(of: Int.self) { group in
            for client in 0..<clients {
                group.addTask {
                    var random = SplitMix64(seed: UInt64(client + 1))
                    var count = 0
                    var checksum = 0
                    while clock.now < deadline {
                        try Task.checkCancellation()
                        checksum &+= try await body(&random)
                        count += 1
                    }
                    withExtendedLifetime(checksum) {}
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        return (queries, (clock.now - start).seconds)
    }

    /// Runs pgbench with `clients` clients on 2 threads for `seconds`, without vacuuming first.
    private func measurePgbench(_ label: String, _ arguments: [String]) async throws -> Figure {
        let run = try await bench.runPgbench(
            ["-n", "-c", String(clients), "-j", String(min(2, clients)), "-T", String(seconds)] + arguments)
        guard let queries = Self.number(after: "number of transactions actually processed: ", in: run.output),
            let tps = Self.number(after: "tps = ", in: run.output), tps > 0
        else {
            throw ExternalTool.Failure(description: "cannot read pgbench's output:\n\(run.output)")
        }
        // pgbench's tps excludes connection set-up; express it as queries over the equivalent time.
        return Figure(label: label, queries: Int(queries), seconds: queries / tps)
    }

    /// The number that follows `prefix` on some line of `text`.
    static func number(after prefix: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") {
            guard let range = line.range(of: prefix) else { continue }
            let digits = line[range.upperBound...].prefix { $0.isNumber || $0 == "." }
            if let value = Double(digits) { return value }
        }
        return nil
    }
}

/// A small, fast random generator, one per task, so drawing an account id costs no system call.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
