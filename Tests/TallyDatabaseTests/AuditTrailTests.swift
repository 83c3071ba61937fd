import Foundation
import Postgres
import TallyDatabase
import TallyTestSupport
import Testing

@Suite("Audit trail")
struct AuditTrailTests {
    @Test("a change's row commits with its transaction and rolls back with it")
    func sameTransaction() async throws {
        try await TestDatabase.withPool { database, pool in
            let change = AuditChange(
                action: "plan.update", objectKind: "plan", objectID: "7",
                before: ["name": "Pro", "fee": "$49.00"], after: ["name": "Pro+", "fee": "$49.00"])
            let time = Date(timeIntervalSince1970: 1_800_000_000)
            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await pool.withTransaction(scope: .staff) { connection in
                    try await AuditTrail.record(change, by: .command, at: time, on: connection)
                    throw Abort()
                }
            }
            try await pool.withTransaction(scope: .staff) { connection in
                try await AuditTrail.record(
                    change, by: AuditActor(userID: nil, label: "x", requestID: "req-1"), at: time, on: connection)
            }
            let rows = try await pool.withTransaction(scope: .staff) { connection in
                try await connection.query(
                    "SELECT actor, action, object_kind, object_id, before::text, after->>'name', request_id, at FROM audit_log")
            }
            let decoded = try rows.map { try $0.decode((String, String, String, String, String, String, String?, Date).self) }
            #expect(decoded.count == 1)
            let row = try #require(decoded.first)
            #expect(row.0 == "x" && row.1 == "plan.update" && row.2 == "plan" && row.3 == "7")
            #expect(row.4 == #"{"fee": "$49.00", "name": "Pro"}"#)
            #expect(row.5 == "Pro+" && row.6 == "req-1" && row.7 == time)
        }
    }

    @Test("changed fields lists only what differs, by name")
    func changedFields() {
        let fields = AuditTrail.changedFields(
            before: ["name": "Pro", "fee": "$49.00", "gone": "x"], after: ["name": "Pro+", "fee": "$49.00", "new": "y"])
        #expect(fields.map(\.field) == ["gone", "name", "new"])
        #expect(fields[1].before == "Pro" && fields[1].after == "Pro+")
        #expect(fields[0].after == nil && fields[2].before == nil)
        #expect(AuditTrail.changedFields(before: nil, after: ["a": "1"]).map(\.field) == ["a"])
    }
}
