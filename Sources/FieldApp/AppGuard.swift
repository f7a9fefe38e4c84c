import Casework
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import Replica
import SyncProtocol

/// Where the app listens, known once it does (the port may be picked by the system).
final class ListeningPort: Sendable {
    private let value: NIOLockedValueBox<Int>

    init(_ port: Int) {
        value = NIOLockedValueBox(port)
    }

    var port: Int {
        get { value.withLockedValue { $0 } }
        set { value.withLockedValue { $0 = newValue } }
    }
}

/// The launch key and the sessions it opened.
///
/// A session lasts ``lifetimeSeconds`` (a working day by default): its cookie outlives a closed browser.
/// With an owner (the enrolled device's id) the sessions file in the replica folder — SHA-256 hashes of the
/// tokens with their expiry, 0600, never the tokens — lets a session outlive a restart of the app on that
/// replica; a file of another enrollment is ignored, and a wiped replica opens and keeps no session. "Lock
/// now" ends every session at once and makes a fresh launch key, printed where the app runs.
final class Sessions: Sendable {
    private struct State {
        var key: String?
        /// Token hash → expiry (Unix milliseconds).
        var sessions: [String: Int64] = [:]
    }

    /// The sessions file: whose they are, and the sessions.
    private struct Stored: Codable {
        var owner: String
        var sessions: [String: Int64]
    }

    /// How long a session lasts.
    let lifetimeSeconds: Int
    private let state: NIOLockedValueBox<State>
    private let folder: String?
    private let owner: String?
    private let now: @Sendable () -> Int64

    /// - Parameters:
    ///   - folder: The replica folder; the sessions are kept there when `owner` is given.
    ///   - owner: The enrolled device's id, which the kept sessions are bound to.
    init(
        key: String, lifetimeSeconds: Int = 10 * 3600, folder: String? = nil, owner: String? = nil,
        now: @escaping @Sendable () -> Int64 = WallClock.millis
    ) {
        self.lifetimeSeconds = lifetimeSeconds
        self.now = now
        self.folder = folder
        self.owner = owner
        var loaded: [String: Int64] = [:]
        if let folder, let owner,
            let data = FileManager.default.contents(atPath: folder + "/" + Replica.appSessionsFileName),
            let stored = try? JSONDecoder().decode(Stored.self, from: data), stored.owner == owner
        {
            let at = now()
            loaded = stored.sessions.filter { $0.value > at }
        }
        state = NIOLockedValueBox(State(key: key, sessions: loaded))
    }

    /// Whether the replica was wiped under the app: then nothing opens.
    private var wiped: Bool {
        folder.map { FileManager.default.fileExists(atPath: $0 + "/" + Replica.wipeNoticeFileName) } ?? false
    }

    /// A new session token for the launch key, once: the key is spent by its first use.
    func exchange(_ key: String) -> String? {
        guard !wiped else { return nil }
        return state.withLockedValue { state in
            guard let expected = state.key, constantTimeEqual(key, expected) else { return nil }
            state.key = nil
            let token = FieldAppConfiguration.randomToken()
            state.sessions[Self.hash(token)] = now() + Int64(lifetimeSeconds) * 1000
            save(state.sessions)
            return token
        }
    }

    /// Whether `token` opens a session that has not ended or expired.
    func isValid(_ token: String) -> Bool {
        state.withLockedValue { state in (state.sessions[Self.hash(token)] ?? 0) > now() }
    }

    /// Ends every session ("lock now": no browser on this laptop stays in) and returns a fresh launch key
    /// to open the app again.
    func lock() -> String {
        state.withLockedValue { state in
            state.sessions = [:]
            save(state.sessions)
            let key = FieldAppConfiguration.randomToken()
            state.key = key
            return key
        }
    }

    private static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Writes the sessions file (0600, replaced whole); a failure only means sessions end with the app.
    private func save(_ sessions: [String: Int64]) {
        guard let folder, let owner, !wiped,
            let data = try? JSONEncoder().encode(Stored(owner: owner, sessions: sessions.filter { $0.value > now() }))
        else { return }
        let file = folder + "/" + Replica.appSessionsFileName
        let temporary = file + ".tmp"
        try? FileManager.default.removeItem(atPath: temporary)
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600])
        else { return }
        if rename(temporary, file) != 0 { try? FileManager.default.removeItem(atPath: temporary) }
    }
}

/// Keeps everyone but the professional who started the app out, on a shared laptop:
///
/// 1. The `Host` header must name this app on loopback (`127.0.0.1:PORT` or `localhost:PORT`): a web page
///    that rebinds its own domain name to 127.0.0.1 (DNS rebinding) is refused.
/// 2. The per-launch secret opens the app once: the URL that `samenspel app` printed (`/?key=…`) is
///    exchanged for a fresh random session token in an HttpOnly, SameSite=Strict cookie named after the
///    port, and the browser is redirected to a URL without the key. The key then no longer works, so a copy
///    of the link (browser history, another user reading a process list) opens nothing. Every later request
///    must carry a session token that has not expired or been locked (``Sessions``).
/// 3. A state-changing request must come from the app's own pages: `Origin` (when the browser sends it)
///    must be the app's, and `Sec-Fetch-Site` must not be `cross-site`. Every form also carries a token
///    (checked by ``FormData/read(_:context:token:)``).
///
/// Every answer, errors included, gets headers that forbid framing, sniffing, referrers to other sites
/// (same-origin, so that browsers send `Origin` on the app's own forms), caching, and any script, style or
/// connection not from the app itself. Errors become a page in the professional's language that shows
/// nothing of the replica; their details are never logged with personal data.
struct AppGuard: RouterMiddleware {
    typealias Context = AppRequestContext

    let sessions: Sessions
    let defaultLanguage: Language
    let listening: ListeningPort
    let logger: Logger

    static let languageCookie = "samenspel_lang"

    /// The session cookie's name: one per port, so that two launches (two users, two ports) never
    /// overwrite each other's session.
    static func sessionCookie(port: Int) -> String { "samenspel_session_\(port)" }

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.language = request.cookies[Self.languageCookie].flatMap { Language(rawValue: $0.value) } ?? defaultLanguage
        var response: Response
        do {
            response = try await guarded(request, context: context, next: next)
        } catch let error as AppError {
            response = ErrorPage.response(error, language: context.language)
        } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
            response = ErrorPage.response(.notFound, language: context.language)
        } catch {
            // The type only: an error's description may quote data of the replica.
            logger.error("request failed", metadata: ["app.error": "\(type(of: error))", "app.path": "\(context.endpointPath ?? "?")"])
            response = ErrorPage.response(.internal, language: context.language)
        }
        Self.secure(&response.headers)
        return response
    }

    private func guarded(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        let port = listening.port
        let origins = ["127.0.0.1:\(port)", "localhost:\(port)"]
        let host = request.headers[HTTPField.Name("Host")!] ?? request.head.authority
        guard let host, origins.contains(host.lowercased()) else { throw AppError.badHost }
        let cookieName = Self.sessionCookie(port: port)
        if let key = request.uri.queryParameters.get("key") {
            let path = request.uri.path
            let safe = path.hasPrefix("/") && !path.hasPrefix("//") && !path.hasPrefix("/\\") ? path : "/"
            guard let token = sessions.exchange(key) else {
                // The spent link again, from a browser that holds a session: just go in.
                if let cookie = request.cookies[cookieName], sessions.isValid(cookie.value) {
                    return Response(status: .seeOther, headers: [.location: safe])
                }
                throw AppError.linkUsed
            }
            var response = Response(status: .seeOther, headers: [.location: safe])
            response.setCookie(Cookie(
                name: cookieName, value: token, maxAge: sessions.lifetimeSeconds, path: "/", httpOnly: true,
                sameSite: .strict))
            return response
        }
        guard let cookie = request.cookies[cookieName], sessions.isValid(cookie.value) else {
            throw AppError.noAccess
        }
        if request.method != .get && request.method != .head {
            if let origin = request.headers[.origin], !origins.map({ "http://" + $0 }).contains(origin.lowercased()) {
                throw AppError.badForm
            }
            if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site == "cross-site" {
                throw AppError.badForm
            }
        }
        return try await next(request, context)
    }

    static func secure(_ headers: inout HTTPFields) {
        headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        headers[HTTPField.Name("Cross-Origin-Resource-Policy")!] = "same-origin"
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
    }
}
