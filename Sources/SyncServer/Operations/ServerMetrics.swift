import CoreMetrics
public import Prometheus
import Synchronization

/// The server's metrics, in Prometheus text format on `GET /metrics` (swift-metrics on a Prometheus registry
/// of this server's own, so several servers in one process do not mix their figures).
///
/// Labels carry routes, methods, status codes and outcomes only: never ids, names or other personal data.
///
/// | Metric | Type | Labels |
/// |---|---|---|
/// | `samenspel_http_requests_total` | counter | `route`, `method`, `status` |
/// | `samenspel_http_request_duration_seconds` | histogram | `route`, `method` |
/// | `samenspel_changes_pushed_total` | counter | `outcome` = `accepted`, `duplicate`, `rejected` |
/// | `samenspel_changes_pulled_total` | counter | |
/// | `samenspel_active_devices` | gauge | (devices with a request in the last 15 minutes, across instances) |
/// | `samenspel_db_connections_in_use` / `_max` | gauge | (this instance's pool) |
/// | `samenspel_db_up` | gauge | 1 when the last check reached the database with a current schema |
/// | `samenspel_event_streams` | gauge | (open `GET /v1/events` streams on this instance) |
/// | `samenspel_pokes_total` | counter | (pokes sent to devices) |
/// | `samenspel_db_log_lock_waits_total` / `_wait_seconds_total` | counter | (PostgreSQL: appends that took the
/// log lock, and the seconds they waited for it, on this instance) |
public final class ServerMetrics: Sendable {
    /// The registry the metrics are kept in.
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    /// The store's lock waits at the last reading.
    private let recordedLockWaits = Mutex(LockWaits())

    /// Creates metrics on a new registry (or the given one).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        self.factory = factory
    }

    /// Records one answered request. `route` is the route pattern (never the path with its ids). An event
    /// stream is counted but not timed: its answer lasts as long as the stream, and the time to its first
    /// byte would only pull the histogram of real requests down.
    func request(route: String, method: String, status: Int, duration: Duration) {
        Counter(
            label: "samenspel_http_requests_total",
            dimensions: [("route", route), ("method", method), ("status", String(status))], factory: factory
        ).increment()
        guard route != Self.eventsRoute else { return }
        CoreMetrics.Timer(
            label: "samenspel_http_request_duration_seconds", dimensions: [("route", route), ("method", method)],
            factory: factory
        ).recordNanoseconds(Int64(duration.components.seconds) * 1_000_000_000
            + Int64(duration.components.attoseconds / 1_000_000_000))
    }

    /// The route of the event streams.
    static let eventsRoute = "/v1/events"

    /// Records the outcome of the changes of one push.
    func pushed(accepted: Int, duplicate: Int, rejected: Int) {
        for (outcome, count) in [("accepted", accepted), ("duplicate", duplicate), ("rejected", rejected)] {
            Counter(label: "samenspel_changes_pushed_total", dimensions: [("outcome", outcome)], factory: factory)
                .increment(by: count)
        }
    }

    /// Records changes sent to pullers.
    func pulled(_ count: Int) {
        Counter(label: "samenspel_changes_pulled_total", factory: factory).increment(by: count)
    }

    /// Records how many event streams are open.
    func eventStreams(_ count: Int) {
        Gauge(label: "samenspel_event_streams", factory: factory).record(count)
    }

    /// Records pokes sent.
    func poked(_ count: Int) {
        Counter(label: "samenspel_pokes_total", factory: factory).increment(by: count)
    }

    /// Records the store's facts, or that the database could not be reached (`nil`).
    func record(_ status: StoreStatus?) {
        Gauge(label: "samenspel_db_up", factory: factory)
            .record(status.map { $0.missingMigrations.isEmpty ? 1 : 0 } ?? 0)
        guard let status else { return }
        Gauge(label: "samenspel_active_devices", factory: factory).record(status.activeDevices)
        Gauge(label: "samenspel_db_connections_in_use", factory: factory).record(status.connectionsInUse)
        Gauge(label: "samenspel_db_connections_max", factory: factory).record(status.connectionsMax)
        if let waits = status.logLockWaits {
            // Counters move by what was added since the last reading.
            let added = recordedLockWaits.withLock { recorded in
                defer { recorded = waits }
                return (max(0, waits.count - recorded.count), max(0, waits.seconds - recorded.seconds),
                        max(0, waits.replans - recorded.replans))
            }
            Counter(label: "samenspel_db_log_lock_waits_total", factory: factory).increment(by: added.0)
            FloatingPointCounter(label: "samenspel_db_log_lock_wait_seconds_total", factory: factory).increment(by: added.1)
            Counter(label: "samenspel_db_push_replans_total", factory: factory).increment(by: added.2)
        }
    }

    /// Every metric in the Prometheus text exposition format.
    public func render() -> String {
        registry.emitToString()
    }
}
