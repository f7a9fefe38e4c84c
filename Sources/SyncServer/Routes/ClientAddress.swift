import Foundation
import HTTPTypes
import Hummingbird
#if canImport(Glibc)
import Glibc
#endif

/// A block of IP addresses (`10.0.0.0/8`, `2001:db8::/32`, or one address), for the proxies whose
/// `X-Forwarded-For` the server believes.
public struct AddressBlock: Hashable, Sendable, CustomStringConvertible {
    private let bytes: [UInt8]
    private let prefix: Int

    /// Parses `address[/prefix]`; `nil` when it is not an IPv4 or IPv6 block.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let bytes = Self.parse(first) else { return nil }
        let prefix = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
        guard let prefix, (0...bytes.count * 8).contains(prefix) else { return nil }
        self.bytes = bytes
        self.prefix = prefix
    }

    /// Whether `address` lies in the block.
    public func contains(_ address: String) -> Bool {
        guard let other = Self.parse(address), other.count == bytes.count else { return false }
        var remaining = prefix
        for (mine, theirs) in zip(bytes, other) where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if mine & mask != theirs & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// `address/prefix`.
    public var description: String {
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        var buffer = [CChar](repeating: 0, count: 64)
        _ = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/\(prefix)"
    }

    /// The address's bytes (4 for IPv4, 16 for IPv6; an IPv4-mapped IPv6 address as IPv4).
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes.prefix(10).allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return Array(bytes.suffix(4))
        }
        return bytes
    }
}

/// Decides who a request comes from: the socket's peer, unless the peer is a trusted proxy
/// (`--trusted-proxy`), whose `X-Forwarded-For` then names the client — the nearest address in it that is
/// not a trusted proxy itself. `X-Forwarded-For` from any other peer is ignored: rate limits and the audit
/// log use addresses nobody can choose by setting a header.
struct ClientAddress: RouterMiddleware {
    typealias Context = SyncRequestContext

    let trustedProxies: [AddressBlock]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var context = context
        if let peer = context.remoteAddress, trustedProxies.contains(where: { $0.contains(peer) }),
            let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!]
        {
            let chain = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if let client = chain.reversed().first(where: { hop in !trustedProxies.contains { $0.contains(hop) } }),
                AddressBlock.parse(client) != nil
            {
                context.clientAddress = client
                context.origin = client + " via " + peer
            }
        }
        return try await next(request, context)
    }
}
