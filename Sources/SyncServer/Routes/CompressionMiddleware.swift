import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SyncProtocol

/// gzip on the wire (Protocol/README.md §2): compresses JSON responses of at least 1 KB for requests that
/// accept gzip. Request bodies are decoded by ``decodedBody(of:maxBytes:)`` when a route reads its body —
/// that is, only after the caller was authenticated (or, for enrollment, passed the address's rate limit):
/// nobody can make the server inflate a body before it knows who sends it.
struct CompressionMiddleware: RouterMiddleware {
    typealias Context = SyncRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        guard WireCompression.accepts(request.headers[.acceptEncoding]), response.headers[.contentEncoding] == nil,
            let length = response.body.contentLength, length >= WireCompression.minimumBytes,
            response.headers[.contentType]?.hasPrefix("application/json") == true
        else { return response }
        let collector = Collector()
        try await response.body.write(collector)
        let compressed = try WireCompression.gzip(collector.box.buffer)
        response.body = ResponseBody(byteBuffer: compressed)
        response.headers[.contentEncoding] = WireCompression.encoding
        response.headers[.vary] = "Accept-Encoding"
        return response
    }

    /// The request's body, read up to `maxBytes` and decoded when it has a content coding (the limit holds
    /// for the decoded size).
    static func decodedBody(of request: Request, maxBytes: Int) async throws -> ByteBuffer {
        var coding = request.headers[.contentEncoding]?.trimmingCharacters(in: .whitespaces).lowercased()
        if coding == "identity" { coding = nil }
        guard let coding else { return try await request.body.collect(upTo: maxBytes) }
        guard coding == WireCompression.encoding || coding == "x-gzip" else {
            throw ServerError(
                .unsupportedMediaType, code: ErrorCode.unsupportedEncoding,
                message: "request bodies may be sent as they are or with Content-Encoding: gzip")
        }
        let compressed = try await request.body.collect(upTo: maxBytes)
        do {
            return try WireCompression.gunzip(compressed, maxBytes: maxBytes)
        } catch .tooLarge {
            throw ServerError(
                .contentTooLarge, code: ErrorCode.payloadTooLarge,
                message: "request body larger than \(maxBytes) bytes once decompressed")
        } catch {
            throw ServerError.invalidRequest("the body is not valid gzip")
        }
    }

    /// Collects a response body that is already in memory (the routes answer with one buffer).
    private struct Collector: ResponseBodyWriter {
        final class Box: @unchecked Sendable { var buffer = ByteBuffer() }
        let box = Box()

        mutating func write(_ buffer: ByteBuffer) async throws {
            var buffer = buffer
            box.buffer.writeBuffer(&buffer)
        }

        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
