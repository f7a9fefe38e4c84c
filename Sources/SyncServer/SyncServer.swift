public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
public import Logging
public import SyncProtocol

/// The Samenspel sync server: the HTTP routes of the protocol on top of a ``SyncStore``.
///
/// ```swift
/// let store = try SQLiteSyncStore(directory: "/var/lib/samenspel")
/// let server = try await SyncServer.makeApplication(store: store, configuration: .init(), logger: logger)
/// try await server.runService()
/// ```
public enum SyncServer {
    /// Builds the router with every route and middleware, for tests (`app.test(.router)`) and for
    /// ``makeApplication(store:configuration:logger:onListening:)``.
    public static func makeRouter(
        store: any SyncStore, configuration: ServerConfiguration, metrics: ServerMetrics = ServerMetrics(),
        logger: Logger, wallMillis: @escaping @Sendable () -> Int64 = WallClock.millis
    ) -> Router<SyncRequestContext> {
        // Without its service running, an event stream gets the poke it starts with and keep-alives only.
        makeRouter(
            store: store, configuration: configuration, metrics: metrics, logger: logger, wallMillis: wallMillis,
            refusals: RefusalAudit(store: store),
            events: LogEvents(store: store, settings: configuration.events, metrics: metrics, logger: logger))
    }

    static func makeRouter(
        store: any SyncStore, configuration: ServerConfiguration, metrics: ServerMetrics, logger: Logger,
        wallMillis: @escaping @Sendable () -> Int64, refusals: RefusalAudit, events: LogEvents
    ) -> Router<SyncRequestContext> {
        let router = Router(context: SyncRequestContext.self)
        router.add(
            middleware: ErrorMiddleware(
                logger: logger, metrics: metrics, maxRequestBytes: configuration.limits.maxRequestBytes,
                strictTransportSecurity: configuration.tls != nil))
        router.add(middleware: ClientAddress(trustedProxies: configuration.trustedProxies))
        router.add(middleware: CompressionMiddleware())
        SyncRoutes(
            store: store, wallMillis: wallMillis, configuration: configuration, metrics: metrics, logger: logger,
            refusals: refusals, events: events
        ).register(on: router)
        return router
    }

    /// Builds the application listening on `configuration.host` and `.port`. `onListening` receives the
    /// bound port (useful with port `0`).
    public static func makeApplication(
        store: any SyncStore, configuration: ServerConfiguration, metrics: ServerMetrics = ServerMetrics(),
        logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        let refusals = RefusalAudit(store: store)
        let events = LogEvents(store: store, settings: configuration.events, metrics: metrics, logger: logger)
        let router = makeRouter(
            store: store, configuration: configuration, metrics: metrics, logger: logger, wallMillis: WallClock.millis,
            refusals: refusals, events: events)
        let http1 = HTTP1Channel.Configuration(idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds)))
        var server = HTTPServerBuilder.http1(configuration: http1)
        if let tls = configuration.tls {
            let chain: [NIOSSLCertificate]
            let key: NIOSSLPrivateKey
            do {
                chain = try NIOSSLCertificate.fromPEMFile(tls.certificatePath)
                key = try NIOSSLPrivateKey(file: tls.keyPath, format: .pem)
            } catch {
                throw StoreError(
                    code: .invalidInput,
                    message: "cannot read the TLS certificate \(tls.certificatePath) or key \(tls.keyPath): \(error)")
            }
            var tlsConfiguration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            // TLS 1.2 at least, and for TLS 1.2 only forward-secret AEAD suites (TLS 1.3's are all of that kind).
            tlsConfiguration.minimumTLSVersion = .tlsv12
            tlsConfiguration.cipherSuites = ServerConfiguration.TLSFiles.tls12CipherSuites
            server = try .tls(.http1(configuration: http1), tlsConfiguration: tlsConfiguration)
        }
        return Application(
            router: router, server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            // Stops after the HTTP server: the refusals counted until its last request are audited.
            services: [RefusalAudit.Flush(refusals: refusals, logger: logger), events],
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }
}
