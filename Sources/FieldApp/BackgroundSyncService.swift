import Replica
import ServiceLifecycle

/// Runs a ``BackgroundSync`` as a service of the app: it starts with the app and stops, between or in
/// the middle of a sync (which is safe: every step is one transaction), on graceful shutdown.
struct BackgroundSyncService: Service {
    let background: BackgroundSync

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await background.run()
        }
    }
}
