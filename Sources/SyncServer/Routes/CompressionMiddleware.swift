import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SyncProtocol

/// gzip on the wire (Protocol/README.md §3): decodes gzip request bodies, with the body limit applied to the
/// decoded size, and compresses JSON responses of at least 1 KB for requests that accept gzip.
struct CompressionMiddleware: RouterMiddleware {
    typealias Context = SyncRequestContext

    let maxRequestBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(try await decoded(request), context)
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

    /// The request with its body decoded, or as it is when it has no content coding.
    private func decoded(_ request: Request) async throws -> Request {
        guard let coding = request.headers[.contentEncoding]?.trimmingCharacters(in: .whitespaces).lowercased(),
            coding != "identity"
        else { return request }
        guard coding == WireCompression.encoding || coding == "x-gzip" else {
            throw ServerError(
                .unsupportedMediaType, code: ErrorCode.unsupportedEncoding,
                message: "request bodies may be sent as they are or with Content-Encoding: gzip")
        }
        var request = request
        let compressed = try await request.collectBody(upTo: maxRequestBytes)
        let body: ByteBuffer
        do {
            body = try WireCompression.gunzip(compressed, maxBytes: maxRequestBytes)
        } catch .tooLarge {
            throw ServerError(
                .contentTooLarge, code: ErrorCode.payloadTooLarge,
                message: "request body larger than \(maxRequestBytes) bytes once decompressed")
        } catch {
            throw ServerError.invalidRequest("the body is not valid gzip")
        }
        var head = request.head
        head.headerFields[.contentEncoding] = nil
        head.headerFields[.contentLength] = String(body.readableBytes)
        return Request(head: head, body: RequestBody(buffer: body))
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
