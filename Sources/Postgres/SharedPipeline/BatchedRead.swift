/// A short read that many callers make with their own values and that one statement can answer
/// for all of them at once.
///
/// Sent one by one, each read costs the server a statement's start-up, an implicit transaction
/// and a result of its own, which for a small indexed read is most of the work. Reads of one
/// type that wait for a shared connection together (see `SharedPipeline`) are instead sent as a
/// single statement over arrays, with one element per read, and each row names the read it
/// answers. Each caller still gets exactly the rows of its own values, read from a snapshot
/// taken after it asked.
///
/// If that statement fails, each read is sent again on its own, so one caller's bad value fails
/// only its own read.
public protocol BatchedRead: Sendable {
    /// The statement that answers every read of `reads`. Its text must not depend on the number
    /// of reads (it is prepared once): bind each value as an array with one element per read,
    /// in order, and return as the first column of every row the 1-based position of the read
    /// the row answers, e.g. from `unnest(\(ids), \(names)) WITH ORDINALITY AS r(id, name, position)`.
    static func batchQuery(_ reads: [Self]) -> PostgresQuery
}

extension BatchedRead {
    /// `batchQuery` for reads known to be of this type, bound.
    static func boundBatch(_ reads: [any BatchedRead]) throws(PostgresError) -> BoundStatement {
        // The pipeline groups reads by their dynamic type, so each is a `Self`.
        try BoundStatement(batchQuery(reads.map { $0 as! Self }))
    }
}

extension PostgresResult {
    /// The rows that answer each of `count` batched reads, by the position in column 0; nil
    /// when a row names no read (the statement breaks the contract of `BatchedRead`).
    func rowsByRead(count: Int) -> [[PostgresRow]]? {
        var rows = [[PostgresRow]](repeating: [], count: count)
        for index in 0..<rowCount {
            let row = PostgresRow(result: self, row: index)
            guard let position = try? row.decode(Int64.self, at: 0), position >= 1, position <= count else { return nil }
            rows[Int(position) - 1].append(row)
        }
        return rows
    }
}
