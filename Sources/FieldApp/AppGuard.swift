import Casework
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers

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

/// Keeps everyone but the professional who started the app out, on a shared laptop:
///
/// 1. The `Host` header must name this app on loopback (`127.0.0.1:PORT` or `localhost:PORT`): a web page
///    that rebinds its own domain name to 127.0.0.1 (DNS rebinding) is refused.
/// 2. The per-launch secret must come with the request: once in the URL that `samenspel app` printed
///    (`/?key=…`), which sets it in an HttpOnly, SameSite=Strict cookie and redirects to a URL without it,
///    and from then on in that cookie. Other local users and other web pages do not have it.
/// 3. A state-changing request must come from the app's own pages: `Origin` (when the browser sends it)
///    must be the app's, and `Sec-Fetch-Site` must not be `cross-site`. Every form also carries a token
///    (checked by ``FormData/read(_:context:token:)``).
///
/// Every answer gets headers that forbid framing, sniffing, referrers to other sites (same-origin, so that
/// browsers send `Origin` on the app's own forms), caching, and any script, style or
/// connection not from the app itself.
struct AppGuard: RouterMiddleware {
    typealias Context = AppRequestContext

    let secret: String
    let defaultLanguage: Language
    let listening: ListeningPort

    static let sessionCookie = "samenspel_session"
    static let languageCookie = "samenspel_lang"

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
        if let key = request.uri.queryParameters.get("key") {
            guard constantTimeEqual(key, secret) else { throw AppError.noAccess }
            var response = Response(status: .seeOther, headers: [.location: request.uri.path])
            response.setCookie(
                Cookie(name: Self.sessionCookie, value: secret, path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
        guard let cookie = request.cookies[Self.sessionCookie], constantTimeEqual(cookie.value, secret) else {
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
