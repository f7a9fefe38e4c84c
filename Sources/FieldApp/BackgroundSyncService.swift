import Replica
import ServiceLifecycle

/// Runs a ``BackgroundSync`` as a service of the app: it starts with the app and stops, between or in
/// the middle of a sync (which is safe: every step is one transaction), on graceful shutdown. When the
/// server wiped the replica the sync ends, but the app stays up to say so until it is stopped.
struct BackgroundSyncService: Service {
    let background: BackgroundSync

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await background.run()
        }
        try? await gracefulShutdown()
    }
}
