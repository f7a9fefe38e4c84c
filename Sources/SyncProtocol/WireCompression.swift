import CompressNIO
import Foundation
public import NIOCore

/// gzip on the wire (Protocol/README.md §3): response bodies when the request accepts it, request bodies
/// once the server has said it accepts them (`Accept-Encoding: gzip` on its responses).
public enum WireCompression {
    /// The one content coding the protocol uses.
    public static let encoding = "gzip"

    /// Bodies smaller than this go as they are: gzip's framing would cost more than it saves.
    public static let minimumBytes = 1024

    /// zlib level 1 (fastest): case-note JSON still shrinks 5–6×, at a fraction of the default level's time.
    static let algorithm = CompressionAlgorithm.gzip(configuration: .init(compressionLevel: 1))

    /// `buffer` gzip-compressed.
    public static func gzip(_ buffer: ByteBuffer) throws -> ByteBuffer {
        var input = buffer
        return try input.compress(with: algorithm)
    }

    /// The content of gzip data `buffer`, if it is valid and at most `maxBytes` long.
    public static func gunzip(_ buffer: ByteBuffer, maxBytes: Int) throws(WireCompressionError) -> ByteBuffer {
        var input = buffer
        do {
            return try input.decompress(with: algorithm, maxSize: maxBytes)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw .tooLarge
        } catch {
            throw .invalid
        }
    }

    /// Whether an `Accept-Encoding` header value accepts gzip (`gzip`, `x-gzip` or `*` without `q=0`).
    public static func accepts(_ header: String?) -> Bool {
        guard let header else { return false }
        for element in header.split(separator: ",") {
            let parts = element.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first, ["gzip", "x-gzip", "*"].contains(coding) else { continue }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if quality > 0 { return true }
        }
        return false
    }
}

/// Why a gzip body could not be decoded.
public enum WireCompressionError: Error, Hashable, Sendable {
    /// The content is larger than allowed.
    case tooLarge
    /// The data is not valid gzip.
    case invalid
}
