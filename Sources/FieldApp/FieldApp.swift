public import Hummingbird
import Casework
import Foundation
import UnixSignals
public import Logging
public import Replica

/// The field worker's web app: served by the replica on loopback, from the local data, while a
/// ``BackgroundSync`` keeps the replica in sync.
///
/// ```swift
/// let background = BackgroundSync(replica: replica, interval: 30)
/// let app = FieldApp(replica: replica, background: background, configuration: FieldAppConfiguration())
/// print(app.launchURL)   // http://127.0.0.1:8484/?key=…
/// try await app.run()
/// ```
public final class FieldApp: Sendable {
    /// The replica the app reads and writes.
    public let replica: Replica
    /// The sync running beside the app.
    public let background: BackgroundSync
    /// The settings.
    public let configuration: FieldAppConfiguration
    let logger: Logger
    let listening: ListeningPort
    let live: LiveEvents
    let sessions: Sessions
    /// Locks the replica after ``FieldAppConfiguration/idleLockMinutes`` without use.
    let idleLock: IdleLock

    /// Where a new link goes after "lock now" (the terminal the app runs in).
    let announce: @Sendable (String) -> Void

    /// Creates the app; nothing listens until ``run(onListening:)``. `announce` receives the new link that
    /// opens the app again after the professional locked it.
    public init(
        replica: Replica, background: BackgroundSync, configuration: FieldAppConfiguration,
        logger: Logger = Logger(label: "samenspel.app"), announce: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.announce = announce
        self.replica = replica
        self.background = background
        self.configuration = configuration
        self.logger = logger
        listening = ListeningPort(configuration.port)
        sessions = Sessions(
            key: configuration.secret, lifetimeSeconds: Int(configuration.sessionHours * 3600),
            folder: replica.directory, owner: configuration.sessionOwner)
        live = LiveEvents(replica: replica, background: background)
        let live = live
        idleLock = IdleLock(
            replica: replica, seconds: configuration.idleLockMinutes * 60, logger: logger,
            onLock: { live.broadcast("replica") })
    }

    /// The URL that opens the app, with the per-launch secret; give it to the professional only. It works
    /// once: the browser that opens it gets a session, and the link is spent.
    public var launchURL: String {
        url(key: configuration.secret)
    }

    func url(key: String) -> String {
        "http://127.0.0.1:\(listening.port)/?key=\(key)"
    }

    /// The router with every page, form, asset and the live event stream, behind ``AppGuard``.
    public func router() -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: AppGuard(
            sessions: sessions, defaultLanguage: configuration.language, listening: listening, logger: logger))
        router.add(middleware: WipedGuard(background: background))
        router.add(middleware: UnlockGuard(idle: idleLock, formToken: configuration.formToken))
        addPageRoutes(to: router)
        addFormRoutes(to: router)
        addSearchRoutes(to: router)
        router.get("/events") { request, _ in try await self.live.response(for: request) }
        router.get("/assets/{name}") { _, context in
            guard let name = context.parameters.get("name"), let file = Assets.file(named: name) else {
                throw AppError.notFound
            }
            return Response(
                status: .ok, headers: [.contentType: file.contentType, .cacheControl: "private, max-age=300"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: file.body)))
        }
        return router
    }

    /// The app on 127.0.0.1 with its services (the background sync and the live events), ready to run.
    ///
    /// - Parameter onListening: Called once the app listens, with the URL that opens it.
    public func makeApplication(onListening: @escaping @Sendable (String) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        let listening = self.listening
        return Application(
            router: router(),
            configuration: .init(address: .hostname("127.0.0.1", port: configuration.port), serverName: nil),
            services: [BackgroundSyncService(background: background), live, idleLock],
            onServerRunning: { channel in
                if let port = channel.localAddress?.port { listening.port = port }
                await onListening(self.launchURL)
            },
            logger: logger)
    }

    /// Serves the app on 127.0.0.1 and runs the background sync until SIGINT or SIGTERM.
    ///
    /// - Parameter onListening: Called once the app listens, with the URL that opens it.
    public func run(onListening: @escaping @Sendable (String) async -> Void = { _ in }) async throws {
        try await makeApplication(onListening: onListening).runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}

/// Once the server revoked this laptop and the replica wiped itself, every page says so and nothing else.
struct WipedGuard: RouterMiddleware {
    typealias Context = AppRequestContext

    let background: BackgroundSync

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        guard await background.state.wiped, !request.uri.path.hasPrefix("/assets/") else {
            return try await next(request, context)
        }
        throw AppError.wiped
    }
}
