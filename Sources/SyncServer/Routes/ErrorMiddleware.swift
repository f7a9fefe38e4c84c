import Foundation
import GRDB
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

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as ServerError {
            response = Self.errorResponse(error.status, error.detail)
            if let wait = error.retryAfter { response.headers[.retryAfter] = String(wait) }
        } catch let error as HTTPError {
            response = Self.errorResponse(error.status, detail(for: error))
        } catch is NIOTooManyBytesError {
            response = Self.errorResponse(.contentTooLarge, detail(for: HTTPError(.contentTooLarge)))
        } catch let error as StoreError where error.code == ErrorCode.cursorExpired {
            response = Self.errorResponse(.gone, ErrorDetail(code: error.code, message: error.message))
        } catch let error as StoreError where error.code == ErrorCode.outOfScope {
            response = Self.errorResponse(.notFound, ErrorDetail(code: error.code, message: error.message))
        } catch let error as StoreError where error.code == ErrorCode.unavailable {
            response = Self.errorResponse(.serviceUnavailable, ErrorDetail(code: error.code, message: error.message))
            response.headers[.retryAfter] = "1"
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            response = Self.errorResponse(
                .serviceUnavailable,
                ErrorDetail(code: ErrorCode.unavailable, message: "the server is busy; nothing was stored, retry shortly"))
            response.headers[.retryAfter] = "1"
        } catch is DecodingError {
            response = Self.errorResponse(
                .badRequest, ErrorDetail(code: ErrorCode.invalidRequest, message: "the body is not a valid request"))
        } catch {
            logger.error("request failed", metadata: ["error.type": "\(type(of: error))"])
            response = Self.errorResponse(
                .internalServerError,
                ErrorDetail(code: ErrorCode.internalError, message: "internal error; nothing of the request was stored"))
        }
        // RFC 7694: every answer says which request content coding this server decodes, so that laptops
        // compress their pushes only for servers that understand it.
        response.headers[.acceptEncoding] = WireCompression.encoding
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

    func detail(for error: HTTPError) -> ErrorDetail {
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
