import EmbeddedPostgres

/// What to measure and for how long, from the command line.
struct BenchmarkOptions: Sendable {
    /// Concurrent clients: pool connections and tasks, and pgbench's `-c`.
    var clients = 8
    /// Seconds per round-trip run (ours and each pgbench run).
    var seconds = 10
    /// Rows loaded by each COPY.
    var rows = 1_000_000
    /// The embedded cluster's durability.
    var durability: EmbeddedPostgres.Options.Durability = .full

    static let usage = """
        usage: PostgresBenchmark [--seconds N] [--rows N] [--clients N] [--fast]
          --seconds N   seconds per round-trip run (default 10)
          --rows N      rows per COPY (default 1000000)
          --clients N   pool connections / concurrent tasks / pgbench -c (default 8)
          --fast        run the cluster with fsync, synchronous_commit and full_page_writes off
        """

    /// Parses `arguments` (without the program name); nil after printing usage for bad input.
    init?(arguments: [String]) {
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            switch flag {
            case "--fast":
                durability = .fast
            case "--seconds", "--rows", "--clients":
                guard let text = remaining.popFirst(), let value = Int(text), value >= 1 else {
                    print("\(flag) needs a whole number of at least 1\n\(Self.usage)")
                    return nil
                }
                if flag == "--seconds" { seconds = value }
                if flag == "--rows" { rows = value }
                if flag == "--clients" { clients = value }
            default:
                print(Self.usage)
                return nil
            }
        }
    }
}
