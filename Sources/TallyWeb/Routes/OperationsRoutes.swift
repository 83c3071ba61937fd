import Hummingbird
import TallyDatabase

/// `/healthz`, `/readyz` and `/metrics`: for load balancers and monitoring, not for people.
struct OperationsRoutes {
    let database: DatabaseHealth
    let metrics: AppMetrics

    func register(on router: Router<AppRequestContext>) {
        router.get("/healthz") { _, _ in plain("ok\n") }
        router.get("/readyz") { _, _ in try await readiness() }
        router.get("/metrics") { _, _ in
            var response = plain(metrics.exposition())
            response.headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return response
        }
    }

    /// 200 when the database answers and no migration is pending; 503 otherwise.
    private func readiness() async throws -> Response {
        let status = try await database.migrationStatus()
        if !status.problems.isEmpty {
            throw AppError(.serviceUnavailable, "migrations need attention")
        }
        if !status.pending.isEmpty {
            throw AppError(.serviceUnavailable, "\(status.pending.count) migration(s) pending: run tally migrate")
        }
        return plain("ready\n")
    }
}

/// A plain-text 200 response that no cache keeps.
func plain(_ text: String) -> Response {
    Response(
        status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
        body: .init(byteBuffer: ByteBuffer(string: text)))
}
