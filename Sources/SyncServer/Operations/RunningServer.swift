public import Logging
public import ServiceLifecycle
import SyncProtocol
public import UnixSignals

/// A sync server running in this process: for `samenspel serve`, the demo, and tests over real loopback HTTP.
///
/// ```swift
/// let server = try await RunningServer.start(store: store, configuration: .init(port: 0), logger: logger)
/// print(server.baseURL)   // http://127.0.0.1:53124
/// await server.stop()
/// ```
///
/// The server and the `services` it depends on (a PostgreSQL pool) run in one service group. A graceful
/// shutdown (``stop()``, or SIGTERM/SIGINT when `shutdownSignals` lists them) first stops accepting
/// connections and lets requests in flight finish, up to ``ServerConfiguration/shutdownTimeoutSeconds``,
/// then stops the services. A push cut off by the timeout is rolled back by its database transaction.
public final class RunningServer: Sendable {
    /// The bound port.
    public let port: Int
    /// `http://host:port`.
    public let baseURL: String
    /// The server's metrics.
    public let metrics: ServerMetrics
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(
        port: Int, host: String, secure: Bool, metrics: ServerMetrics, group: ServiceGroup, task: Task<Void, any Error>
    ) {
        self.port = port
        self.baseURL = "\(secure ? "https" : "http")://\(host):\(port)"
        self.metrics = metrics
        self.group = group
        self.task = task
    }

    /// Starts a server and returns once it listens; throws if it cannot (for example, the port is taken).
    /// `services` (such as a ``PostgresSyncStore``) start before the server and stop after it.
    public static func start(
        store: any SyncStore, configuration: ServerConfiguration, services: [any Service] = [],
        shutdownSignals: [UnixSignal] = [], logger: Logger
    ) async throws -> RunningServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let metrics = ServerMetrics()
        let app = try await SyncServer.makeApplication(
            store: store, configuration: configuration, metrics: metrics, logger: logger,
            onListening: { continuation.yield($0) })
        // Services stop in reverse order: the server first, then the anchoring (its last anchor follows the
        // last request), then the store's pool.
        let anchoring: [any Service] = configuration.auditAnchors.map {
            [AuditAnchoring(store: store, log: $0, interval: .seconds(configuration.auditAnchorIntervalSeconds), logger: logger)]
        } ?? []
        var groupConfiguration = ServiceGroupConfiguration(
            services: (services + anchoring).map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
                + [.init(service: app)],
            gracefulShutdownSignals: shutdownSignals, logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(configuration.shutdownTimeoutSeconds)
        let group = ServiceGroup(configuration: groupConfiguration)
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await task.value
            throw StoreError(code: .notListening, message: "the server stopped before it listened")
        }
        return RunningServer(
            port: port, host: configuration.host, secure: configuration.tls != nil, metrics: metrics, group: group,
            task: task)
    }

    /// Stops accepting connections, finishes requests in flight, and returns when the server has stopped.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// Waits until the server stops (after a shutdown signal or ``stop()``); rethrows what stopped it.
    public func wait() async throws {
        try await task.value
    }
}
