import Prometheus
import Synchronization
import TallyDatabase

/// Tally's Prometheus metrics: requests by route, their latency, and the database pool.
///
/// Owns its own registry (no global metrics bootstrap), so every app instance and every test has
/// its own numbers.
public final class AppMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let database: DatabaseHealth
    private let lastPoolTotals = Mutex(DatabaseHealth.PoolReading())

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .seconds(2.5), .seconds(5),
    ]

    /// Creates the metrics for an app whose database is `database`.
    public init(database: DatabaseHealth) {
        self.database = database
    }

    /// Counts one request and records its latency.
    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        let series = requestSeries(RequestKey(method: method, route: route, status: status))
        series.count.increment()
        series.latency.recordNanoseconds(duration.nanoseconds)
    }

    /// The labels of a request's series: method, matched route and status (a bounded set).
    private struct RequestKey: Hashable {
        let method: String
        let route: String
        let status: Int
    }

    /// A request key's counter and latency histogram, looked up in the registry once: the
    /// registry's lookup builds the series' names and labels each time, which every request
    /// would pay for.
    private let requestSeriesByKey = Mutex<[RequestKey: (count: Counter, latency: DurationHistogram)]>([:])

    private func requestSeries(_ key: RequestKey) -> (count: Counter, latency: DurationHistogram) {
        if let series = requestSeriesByKey.withLock({ $0[key] }) { return series }
        let series = (
            count: registry.makeCounter(
                descriptor: .init(
                    namespace: "tally", metricName: "http_requests", unitName: "total",
                    helpText: "HTTP requests by method, route and status"),
                labels: [("method", key.method), ("route", key.route), ("status", String(key.status))]),
            latency: registry.makeDurationHistogram(
                descriptor: .init(
                    namespace: "tally", metricName: "http_request_duration", unitName: "seconds",
                    helpText: "HTTP request latency by method and route"),
                labels: [("method", key.method), ("route", key.route)], buckets: Self.latencyBuckets))
        // The registry hands out the same series for the same labels, so a race here is harmless.
        requestSeriesByKey.withLock { $0[key] = series }
        return series
    }

    /// Counts one restart of the embedded database server after it exited unexpectedly.
    public func recordDatabaseRestart() {
        counter("db_server_restarts", "Restarts of the embedded database server after it exited unexpectedly").increment()
    }

    /// The Prometheus text exposition, with the pool's numbers read now.
    public func exposition() -> String {
        let statistics = database.poolReading
        gauge("db_pool_connections", "Pooled database connections by state", ["state": "in_use"]).set(Double(statistics.inUse))
        gauge("db_pool_connections", "Pooled database connections by state", ["state": "idle"]).set(Double(statistics.idle))
        gauge("db_pool_waiting", "Requests waiting for a database connection", [:]).set(Double(statistics.waiting))
        gauge("db_pool_max", "The pool's connection limit", [:]).set(Double(statistics.maxConnections))
        let previous = lastPoolTotals.withLock { last in
            defer { last = statistics }
            return last
        }
        counter("db_errors", "Database errors raised to callers").increment(by: Int64(statistics.errors - previous.errors))
        counter("db_pool_timeouts", "Requests that gave up waiting for a connection")
            .increment(by: Int64(statistics.timeouts - previous.timeouts))
        counter("db_connections_opened", "Database connections opened").increment(by: Int64(statistics.opened - previous.opened))
        counter("db_connections_closed", "Database connections closed").increment(by: Int64(statistics.closed - previous.closed))
        return registry.emitToString()
    }

    private func gauge(_ name: String, _ help: String, _ labels: [String: String]) -> Gauge {
        registry.makeGauge(
            descriptor: .init(namespace: "tally", metricName: name, unitName: "", helpText: help),
            labels: labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    private func counter(_ name: String, _ help: String) -> Counter {
        registry.makeCounter(
            descriptor: .init(namespace: "tally", metricName: name, unitName: "total", helpText: help), labels: [])
    }
}

extension Duration {
    /// The duration in whole nanoseconds.
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
