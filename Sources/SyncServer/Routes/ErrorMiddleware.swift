import Foundation
import Hummingbird
import Logging
import NIOCore
import SyncProtocol

/// Turns every failure into the protocol's JSON error body, and logs and counts every request.
///
/// The log line and the metrics have method, route pattern, status and duration only: never bodies,
/// tokens, ids in paths or query values.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = SyncRequestContext

    let logger: Logger
    let metrics: ServerMetrics
    let maxRequestBytes: Int
    /// Served over TLS: every answer tells browsers and clients to use HTTPS only (HSTS, a year).
    var strictTransportSecurity = false

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let answer = Self.answer(for: error, maxRequestBytes: maxRequestBytes)
            if answer.status == .internalServerError {
                logger.error("request failed", metadata: ["error.type": "\(type(of: error))"])
            } else if let error = error as? StoreError, error.code == ErrorCode.auditKeyStale || error.code == ErrorCode.keyUnavailable {
                // An operator's mistake to tell them of (the message names ids and files, never content).
                logger.error("request refused: \(error.message)", metadata: ["error.code": "\(error.code)"])
            }
            response = Self.errorResponse(answer.status, answer.detail)
            if let wait = answer.retryAfter { response.headers[.retryAfter] = String(wait) }
        }
        // RFC 7694: every answer says which request content coding this server decodes, so that laptops
        // compress their pushes only for servers that understand it.
        response.headers[.acceptEncoding] = WireCompression.encoding
        if strictTransportSecurity { response.headers[.strictTransportSecurity] = "max-age=31536000" }
        let elapsed = ContinuousClock.now - started
        let millis = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        let route = context.endpointPath.map { $0 == "NotFound" ? "unmatched" : $0 } ?? "unmatched"
        metrics.request(route: route, method: "\(request.method)", status: Int(response.status.code), duration: elapsed)
        logger.info(
            "request",
            metadata: [
                "http.method": "\(request.method)",
                "http.route": "\(route)",
                "http.status": "\(response.status.code)",
                "http.duration_ms": "\(String(format: "%.1f", millis))",
            ])
        return response
    }

    static func errorResponse(_ status: HTTPResponse.Status, _ detail: ErrorDetail) -> Response {
        // Encoding two strings cannot fail.
        let data = try! WireCoding.makeEncoder().encode(ErrorBody(error: detail))
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The status, error body and `Retry-After` seconds that answer a failure: the one mapping of errors to
    /// the wire, also used to audit refused requests.
    static func answer(for error: any Error, maxRequestBytes: Int)
        -> (status: HTTPResponse.Status, detail: ErrorDetail, retryAfter: Int?)
    {
        switch error {
        case let error as ServerError:
            return (error.status, error.detail, error.retryAfter)
        case let error as HTTPError:
            return (error.status, detail(for: error, maxRequestBytes: maxRequestBytes), nil)
        case is NIOTooManyBytesError:
            return (.contentTooLarge, detail(for: HTTPError(.contentTooLarge), maxRequestBytes: maxRequestBytes), nil)
        case let error as StoreError where error.code == ErrorCode.cursorExpired:
            return (.gone, ErrorDetail(code: error.code, message: error.message), nil)
        case let error as StoreError where error.code == ErrorCode.outOfScope:
            return (.notFound, ErrorDetail(code: error.code, message: error.message), nil)
        case let error as StoreError where error.code == ErrorCode.unavailable:
            return (.serviceUnavailable, ErrorDetail(code: error.code, message: error.message), 1)
        case let error as StoreError where error.code == ErrorCode.auditKeyStale:
            // This instance cannot audit the request (another has a newer audit key): nothing was stored,
            // and the laptop retries, perhaps on another instance.
            return (
                .serviceUnavailable,
                ErrorDetail(code: ErrorCode.unavailable, message: "the server cannot record the request; nothing was stored, retry shortly"), 30
            )
        case let error as StoreError where error.code == ErrorCode.keyUnavailable:
            // A key this instance cannot use (the operator is told in the log): nothing was stored, and the
            // laptop retries, perhaps on an instance that has the key.
            return (
                .serviceUnavailable,
                ErrorDetail(code: ErrorCode.unavailable, message: "the server cannot read this client's data now; nothing was stored, retry shortly"), 30
            )
        case is DecodingError:
            return (.badRequest, ErrorDetail(code: ErrorCode.invalidRequest, message: "the body is not a valid request"), nil)
        default:
            return (
                .internalServerError,
                ErrorDetail(code: ErrorCode.internalError, message: "internal error; nothing of the request was stored"), nil
            )
        }
    }

    static func detail(for error: HTTPError, maxRequestBytes: Int) -> ErrorDetail {
        switch error.status {
        case .notFound: ErrorDetail(code: ErrorCode.notFound, message: "no such route")
        case .contentTooLarge:
            ErrorDetail(
                code: ErrorCode.payloadTooLarge,
                message: "request body larger than \(maxRequestBytes) bytes")
        case .unsupportedMediaType:
            ErrorDetail(code: ErrorCode.unsupportedMediaType, message: "the body must be application/json")
        default:
            ErrorDetail(
                code: error.status.code >= 500 ? ErrorCode.internalError : ErrorCode.invalidRequest,
                message: error.body ?? error.status.reasonPhrase)
        }
    }
}
