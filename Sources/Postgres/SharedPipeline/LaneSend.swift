/// One sync point of a lane's round trip: its statements and whom their answer goes to.
struct LaneSend {
    enum Answering {
        /// A caller's statements: their results.
        case statements(CheckedContinuation<[PostgresResult], any Error>)
        /// Reads that share one statement, in the order of their positions: each its rows.
        case reads([any BatchedRead], [CheckedContinuation<[PostgresRow], any Error>])
    }

    var statements: [BoundStatement]
    var answering: Answering

    /// Hands `results` to whoever waits for them.
    func answer(_ results: [PostgresResult]) {
        switch answering {
        case .statements(let continuation):
            continuation.resume(returning: results)
        case .reads(let reads, let continuations):
            guard let rows = results[0].rowsByRead(count: reads.count) else {
                fail(PostgresError(.server, serverMessage: "a batched read returned a row without a valid position in its first column"))
                return
            }
            for (continuation, answer) in zip(continuations, rows) { continuation.resume(returning: answer) }
        }
    }

    func fail(_ error: any Error) {
        switch answering {
        case .statements(let continuation): continuation.resume(throwing: error)
        case .reads(_, let continuations): for continuation in continuations { continuation.resume(throwing: error) }
        }
    }

    /// The reads of a shared statement, as units to send again one by one.
    var isolatedReads: [SharedPipeline.Unit] {
        guard case .reads(let reads, let continuations) = answering else { return [] }
        return zip(reads, continuations).map { SharedPipeline.Unit.read($0, $1) }
    }

    /// `batch` as sync points: each caller's statements on their own; the reads of each type
    /// together in one statement, where the first read of that type stood (with `coalescing`
    /// off, each read alone). Reads whose shared statement cannot be bound go to `isolate`.
    static func sends(
        for batch: [SharedPipeline.Unit], coalescing: Bool, isolate: inout [SharedPipeline.Unit]
    ) -> [LaneSend] {
        var sends: [LaneSend] = []
        var reads: [ObjectIdentifier: Int] = [:]
        for unit in batch {
            switch unit {
            case .statements(let statements, let continuation):
                sends.append(LaneSend(statements: statements, answering: .statements(continuation)))
            case .read(let read, let continuation):
                let kind = ObjectIdentifier(type(of: read))
                if coalescing, let index = reads[kind], case .reads(var group, var continuations) = sends[index].answering {
                    group.append(read)
                    continuations.append(continuation)
                    sends[index].answering = .reads(group, continuations)
                } else {
                    reads[kind] = sends.count
                    sends.append(LaneSend(statements: [], answering: .reads([read], [continuation])))
                }
            }
        }
        return sends.compactMap { send in
            guard case .reads(let group, _) = send.answering else { return send }
            do throws(PostgresError) {
                var bound = send
                bound.statements = [try type(of: group[0]).boundBatch(group)]
                return bound
            } catch {
                if group.count > 1 { isolate += send.isolatedReads } else { send.fail(error) }
                return nil
            }
        }
    }
}
