import Casework
import SyncProtocol
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import Replica
import ServiceLifecycle

/// Locks the replica after the professional has not used the app for a while: its keys leave memory, and
/// every page asks for the passphrase again (``UnlockGuard``). A laptop left open on a desk at a home visit
/// shows nothing after ``FieldAppConfiguration/idleLockMinutes``.
final class IdleLock: Service, Sendable {
    let replica: Replica
    /// After how many seconds without a request the replica locks; 0 never.
    let seconds: Double
    let logger: Logger
    /// Called after the replica locked itself: open pages learn it (the live events) and show the lock.
    private let onLock: @Sendable () -> Void
    private let now: @Sendable () -> Int64
    private let lastActivity: NIOLockedValueBox<Int64>

    init(
        replica: Replica, seconds: Double, logger: Logger, now: @escaping @Sendable () -> Int64 = WallClock.millis,
        onLock: @escaping @Sendable () -> Void = {}
    ) {
        self.replica = replica
        self.seconds = seconds
        self.logger = logger
        self.now = now
        self.onLock = onLock
        lastActivity = NIOLockedValueBox(now())
    }

    /// Notes that the professional used the app now.
    func touch() {
        let at = now()
        lastActivity.withLockedValue { $0 = at }
    }

    /// Locks the replica when it has been idle for the configured time; returns whether it did.
    @discardableResult
    func lockIfIdle() -> Bool {
        guard seconds > 0, replica.isUnlocked else { return false }
        let idle = Double(now() - lastActivity.withLockedValue { $0 }) / 1000
        guard idle >= seconds else { return false }
        do {
            try replica.lock()
        } catch {
            logger.error("locking the replica failed", metadata: ["app.error": "\(type(of: error))"])
            return false
        }
        logger.notice("the replica locked itself after \(Int(seconds / 60)) minutes without use")
        onLock()
        return true
    }

    func run() async throws {
        guard seconds > 0 else {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(min(30, max(1, self.seconds / 4))))
                self.lockIfIdle()
            }
        }
    }
}

/// While the replica is locked, every page is the unlock form (status 401, so that an open page's own
/// refresh reloads it), and `POST /unlock` tries the passphrase. Runs after ``AppGuard``: only the
/// professional's own browser session gets this far. A page's own refresh (`X-Samenspel-Refresh`) and
/// its event stream are not use: they do not put off the idle lock; typing is (`GET /activity`, sent by
/// app.js at most every 30 s while the professional types).
struct UnlockGuard: RouterMiddleware {
    typealias Context = AppRequestContext

    let idle: IdleLock
    let formToken: String

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        if path.hasPrefix("/assets/") { return try await next(request, context) }
        let replica = idle.replica
        if replica.isUnlocked {
            if path != "/events" && request.headers[Self.refreshHeader] == nil { idle.touch() }
            if path == "/unlock" { return FieldApp.redirect("/") }
            if path == "/activity" { return Response(status: .noContent) }  // typing in a form (app.js)
            do {
                return try await next(request, context)
            } catch where !replica.isUnlocked {
                // The lock came while this request used the replica (a write it made was rolled back with the
                // error): the unlock form, not an error page.
                return lockedPage(for: request, context: context)
            }
        }
        guard request.method == .post, path == "/unlock" else {
            return lockedPage(for: request, context: context)
        }
        let form = try await FormData.read(request, context: context, token: formToken)
        let back = FieldApp.localPath(form["back"])
        do {
            try replica.unlock(passphrase: form["passphrase"] ?? "")
        } catch let error as ReplicaError
            where [ReplicaError.wrongPassphrase, ReplicaError.passphraseRequired].contains(error.code)
        {
            let text = AppText(context.language)
            let message = error.retryAfterSeconds.map { text["wrongPassphraseWait"].replacingOccurrences(of: "%d", with: "\($0)") }
                ?? text["wrongPassphrase"]
            return page(back: back, error: message, context: context, status: .unauthorized)
        }
        idle.touch()
        return FieldApp.redirect(back)
    }

    static let refreshHeader = HTTPField.Name("X-Samenspel-Refresh")!

    /// The unlock form for a request the lock stopped: it leads back to the page asked for, and says that a
    /// form sent meanwhile was not stored rather than let it vanish.
    private func lockedPage(for request: Request, context: AppRequestContext) -> Response {
        let path = request.uri.path
        let back = request.method == .get && path != "/events" ? request.uri.description : "/"
        let notSaved = request.method == .post ? AppText(context.language)["notSavedLocked"] : nil
        return page(back: back, error: notSaved, context: context, status: .unauthorized)
    }

    private func page(back: String, error: String?, context: AppRequestContext, status: HTTPResponse.Status) -> Response {
        let text = AppText(context.language)
        let layout = PageRenderer.Layout(
            lang: context.language.rawValue, t: text.words, title: text["unlockTitle"], showNav: false, user: "", nav: [],
            csrf: formToken, here: "/", otherLanguage: "", bannerHTML: "", flash: nil, body: "")
        var model: [String: Any] = ["csrf": formToken, "back": back]
        if let error { model["error"] = error }
        return PageRenderer.page("unlock", model: model, title: text["unlockTitle"], layout: layout, status: status)
    }
}
