import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import TallyDatabase
import TallyTestSupport
import TallyWeb
import TallyWebTestSupport
import Testing

@Suite("Health, readiness and metrics")
struct OperationsRoutesTests {
    @Test("/healthz answers 200 without touching the database")
    func healthz() async throws {
        try await WebHarness.withApp(conninfo: "host=/nonexistent dbname=x", migrations: []) { client, _ in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            #expect(response.text == "ok\n")
        }
    }

    @Test("/readyz is 200 when migrated, 503 while a migration is pending")
    func readyz() async throws {
        try await TestDatabase.with { database in
            try await WebHarness.withApp(conninfo: database.appConninfo, migrations: database.migrations) { client, _ in
                let response = try await client.execute(uri: "/readyz", method: .get)
                #expect(response.status == .ok)
                #expect(response.text == "ready\n")
            }
            let pending = Migration.pendingForTest
            try await WebHarness.withApp(conninfo: database.appConninfo, migrations: database.migrations + [pending]) { client, _ in
                let response = try await client.execute(uri: "/readyz", method: .get)
                #expect(response.status == .serviceUnavailable)
                #expect(response.text.contains("1 migration(s) pending"))
            }
        }
    }

    @Test("with the database down, requests answer 503 with Retry-After, not an error page or a hang")
    func databaseDown() async throws {
        try await WebHarness.withApp(conninfo: "host=/nonexistent-tally-socket dbname=x user=x", migrations: []) { client, pool in
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] == "2")
            #expect(response.text.contains("cannot reach its database"))
            #expect(!response.text.contains("nonexistent"))
            #expect(pool.statistics.errors == 1)
        }
    }

    @Test("/metrics is Prometheus text with request counts, latency and the pool gauges")
    func metrics() async throws {
        try await TestDatabase.with { database in
            try await WebHarness.withApp(conninfo: database.appConninfo, migrations: database.migrations) { client, _ in
                _ = try await client.execute(uri: "/healthz", method: .get)
                _ = try await client.execute(uri: "/readyz", method: .get)
                _ = try await client.execute(uri: "/no-such-page", method: .get)
                let response = try await client.execute(uri: "/metrics", method: .get)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let samples = try PrometheusText.parse(response.text)
                #expect(samples["tally_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"] == 1)
                #expect(samples["tally_http_requests_total{method=\"GET\",route=\"/readyz\",status=\"200\"}"] == 1)
                #expect(samples.keys.contains { $0.hasPrefix("tally_http_requests_total") && $0.contains("status=\"404\"") })
                #expect(samples["tally_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\"}"] == 1)
                #expect(samples["tally_db_pool_connections{state=\"idle\"}"] == 1)
                #expect(samples["tally_db_pool_connections{state=\"in_use\"}"] == 0)
                #expect(samples["tally_db_pool_max"] == 4)
                #expect(samples["tally_db_pool_waiting"] == 0)
                #expect(samples["tally_db_connections_opened_total"] == 1)
            }
        }
    }
}

extension Migration {
    /// A migration no database has applied.
    static var pendingForTest: Migration {
        Migration(version: 9999, name: "9999_pending", sql: "SELECT 1;", checksum: String(repeating: "0", count: 64))
    }
}

/// A strict reader of the Prometheus text format: every line is a comment or `name{labels} value`.
enum PrometheusText {
    struct ParseError: Error, CustomStringConvertible {
        let line: String
        var description: String { "not Prometheus text: \(line)" }
    }

    static func parse(_ text: String) throws -> [String: Double] {
        var samples: [String: Double] = [:]
        let sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})?) (-?[0-9.e+-]+|\+Inf|NaN)$/
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") { continue }
            guard let match = try sample.wholeMatch(in: String(line)),
                let value = match.output.4 == "+Inf" ? Double.infinity : Double(match.output.4)
            else {
                throw ParseError(line: String(line))
            }
            samples[String(match.output.1)] = value
        }
        return samples
    }
}
