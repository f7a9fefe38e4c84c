public import Logging
import ServiceLifecycle

/// A sync server running in this process, for the demo and for tests over real loopback HTTP.
///
/// ```swift
/// let server = try await RunningServer.start(store: store, configuration: .init(port: 0), logger: logger)
/// print(server.baseURL)   // http://127.0.0.1:53124
/// await server.stop()
/// ```
public final class RunningServer: Sendable {
    /// The bound port.
    public let port: Int
    /// `http://host:port`.
    public let baseURL: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(port: Int, host: String, secure: Bool, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.baseURL = "\(secure ? "https" : "http")://\(host):\(port)"
        self.group = group
        self.task = task
    }

    /// Starts a server and returns once it listens; throws if it cannot (for example, the port is taken).
    public static func start(store: any SyncStore, configuration: ServerConfiguration, logger: Logger) async throws
        -> RunningServer
    {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = try await SyncServer.makeApplication(
            store: store, configuration: configuration, logger: logger, onListening: { continuation.yield($0) })
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await task.value
            throw StoreError(code: "notListening", message: "the server stopped before it listened")
        }
        return RunningServer(port: port, host: configuration.host, secure: configuration.tls != nil, group: group, task: task)
    }

    /// Stops accepting connections, finishes requests in flight, and returns when the server has stopped.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
