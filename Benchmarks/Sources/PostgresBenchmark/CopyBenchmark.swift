import Foundation
import Postgres

/// COPY: the same rows loaded through `copyFromStdin` and through `psql \copy` from a file.
struct CopyBenchmark {
    /// One load's figures.
    struct Figure: Sendable {
        var label: String
        var rows: Int
        var seconds: Double
        var perSecond: Double { Double(rows) / seconds }
    }

    /// What both loads produced, checked equal before anything is reported.
    struct Results: Sendable {
        var psql: Figure
        var pool: Figure
        /// The Swift time to generate and encode the rows into the TSV file (no database).
        var fileSeconds: Double
        var fileBytes: Int
        var check: TableCheck
    }

    /// Count and sums that identify a table's content.
    struct TableCheck: Sendable, Equatable {
        var rows: Int64
        var tokens: Int64
        var rowHashes: Int64
    }

    let bench: BenchmarkCluster
    let pool: PostgresPool
    let rows: Int

    func run() async throws -> Results {
        try await pool.withConnection { connection in
            try await connection.unsafeExecuteScript("""
                CREATE TABLE copy_tally (id int8, account text, feature text, tokens int8, cost_nanos int8, at timestamptz);
                CREATE TABLE copy_psql (LIKE copy_tally);
                """)
        }
        let clock = ContinuousClock()

        // Ours first: the rows are generated and encoded while they are sent, as an import would.
        try await pool.execute("CHECKPOINT")
        let start = clock.now
        let loaded = try await pool.withConnection { connection in
            try await connection.copyFromStdin("COPY copy_tally (id, account, feature, tokens, cost_nanos, at) FROM STDIN") { writer in
                for index in 0..<rows {
                    let row = UsageRow(index)
                    try await writer.append(row.id, row.account, row.feature, row.tokens, row.costNanos, row.at)
                }
            }
        }
        let ours = Figure(label: "Tally copyFromStdin", rows: loaded, seconds: (clock.now - start).seconds)

        let file = bench.folder + "/rows.tsv"
        let fileStart = clock.now
        let fileBytes = try UsageRow.writeFile(file, rows: rows)
        let fileSeconds = (clock.now - fileStart).seconds

        try await pool.execute("TRUNCATE copy_psql")
        try await pool.execute("CHECKPOINT")
        let psqlRun = try await bench.runPsql(command: "\\copy copy_psql FROM '\(file)'")
        guard let psqlRows = RoundTripBenchmark.number(after: "COPY ", in: psqlRun.output) else {
            throw ExternalTool.Failure(description: "cannot read psql's output:\n\(psqlRun.output)")
        }
        let psql = Figure(label: "psql \\copy from TSV file", rows: Int(psqlRows), seconds: psqlRun.seconds)

        let check = try await verify(expectedRows: rows)
        return Results(psql: psql, pool: ours, fileSeconds: fileSeconds, fileBytes: fileBytes, check: check)
    }

    /// Checks both tables hold `expectedRows` rows with the expected tokens sum and identical
    /// content (sum of each row's text hash); returns the check figures.
    private func verify(expectedRows: Int) async throws -> TableCheck {
        let ours = try await check("copy_tally")
        let theirs = try await check("copy_psql")
        let expectedTokens = (0..<expectedRows).reduce(Int64(0)) { $0 + UsageRow.tokens($1) }
        guard ours == theirs, ours.rows == Int64(expectedRows), ours.tokens == expectedTokens else {
            throw ExternalTool.Failure(description: """
                the loaded tables differ: copy_tally \(ours), copy_psql \(theirs), \
                expected \(expectedRows) rows and tokens \(expectedTokens)
                """)
        }
        return ours
    }

    private func check(_ table: String) async throws -> TableCheck {
        let rows = try await pool.query("""
            SELECT count(*)::int8, coalesce(sum(tokens), 0)::int8, coalesce(sum(hashtext(t::text)), 0)::int8
            FROM \(identifier: table) AS t
            """)
        let (count, tokens, hashes) = try rows[0].decode((Int64, Int64, Int64).self)
        return TableCheck(rows: count, tokens: tokens, rowHashes: hashes)
    }
}

/// One generated usage row; row `index` is the same every time, for both loads.
struct UsageRow {
    static let features = ["chat", "embeddings", "image", "speech", "transcribe", "rerank", "moderation", "search"]
    /// 2026-01-01T00:00:00Z.
    static let epoch = Date(timeIntervalSince1970: 1_767_225_600)

    let id: Int64
    let account: String
    let feature: String
    let tokens: Int64
    let costNanos: Int64
    let at: Date

    init(_ index: Int) {
        id = Int64(index) + 1
        account = "acct-\(index % 5_000)"
        feature = Self.features[index & 7]
        tokens = Self.tokens(index)
        costNanos = tokens * 2_500
        at = Self.epoch.addingTimeInterval(Double(index) * 0.031_25)
    }

    static func tokens(_ index: Int) -> Int64 { Int64((index &* 2_654_435_761) % 20_000) }

    /// Writes rows 0..<rows in COPY text format, with the same encoders the writer uses; returns
    /// the bytes written.
    static func writeFile(_ path: String, rows: Int) throws -> Int {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw ExternalTool.Failure(description: "cannot create \(path)")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20 + 4096)
        var total = 0
        for index in 0..<rows {
            let row = UsageRow(index)
            let fields: [any PostgresEncodable] = [row.id, row.account, row.feature, row.tokens, row.costNanos, row.at]
            for (position, field) in fields.enumerated() {
                if position > 0 { buffer.append(UInt8(ascii: "\t")) }
                // No generated value holds a tab, newline or backslash, so no escaping is needed.
                buffer.append(contentsOf: try field.postgresText()?.utf8 ?? "\\N".utf8)
            }
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= 1 << 20 {
                try handle.write(contentsOf: buffer)
                total += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: buffer)
        return total + buffer.count
    }
}
