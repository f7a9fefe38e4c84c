public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
public import SyncProtocol
import Synchronization

/// The sync protocol over HTTP with AsyncHTTPClient (SwiftNIO; the same code on Linux and macOS, with
/// connection reuse, and about twice the request rate of URLSession on Linux in our measurements).
public struct HTTPSyncTransport: SyncTransport {
    /// The server's base URL, without a trailing slash, e.g. `http://127.0.0.1:8080`.
    public let baseURL: String
    let client: HTTPClient
    let timeout: TimeAmount

    /// The largest response body accepted.
    static let maxResponseBytes = 64 * 1024 * 1024

    /// The process-wide client of sync transports.
    ///
    /// Connection attempts are not retried inside the client: a laptop without network learns it at once
    /// (connection refused or a 10 s connect timeout) and the sync engine decides when to try again.
    public static let sharedClient: HTTPClient = makeClient(tls: nil)

    /// A new client with the transport's settings (timeouts, no connection retries), trusting the system's
    /// certificate authorities and, if given, those in `caPEM`. Shut it down when done with it.
    public static func makeClient(trusting caPEM: String?) throws -> HTTPClient {
        guard let caPEM, !caPEM.isEmpty else { return makeClient(tls: nil) }
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            tls.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))]
        } catch {
            throw ReplicaError(code: ReplicaError.invalidCertificate, message: "the CA file is not a PEM certificate")
        }
        return makeClient(tls: tls)
    }

    private static func makeClient(tls: TLSConfiguration?) -> HTTPClient {
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.idleTimeout = .seconds(30)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Creates a transport for a server; `baseURL` must be an `http` or `https` URL.
    public init(baseURL: String, client: HTTPClient = HTTPSyncTransport.sharedClient, timeoutSeconds: Int64 = 60)
        throws
    {
        self.baseURL = try Self.normalize(baseURL, insecure: true)
        self.client = client
        self.timeout = .seconds(timeoutSeconds)
    }

    /// Creates a transport that trusts, besides the system's certificate authorities, the ones in `caPEM`
    /// (a municipal PKI, say).
    public init(baseURL: String, trusting caPEM: String?, timeoutSeconds: Int64 = 60) throws {
        try self.init(baseURL: baseURL, client: try Self.client(trusting: caPEM), timeoutSeconds: timeoutSeconds)
    }

    /// Checks and normalises a server URL: `http(s)://host[:port][/path]`, no trailing slash.
    ///
    /// Plain `http` is accepted only for a loopback host (`127.0.0.1`, `::1`, `localhost`), or when
    /// `insecure` says so: case notes must not cross a network unencrypted.
    public static func normalize(_ url: String, insecure: Bool) throws -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            components.query == nil, components.fragment == nil
        else {
            throw ReplicaError(
                code: ReplicaError.invalidServerURL, message: "'\(url)' is not a server URL like https://host:8443")
        }
        let loopback = isLoopback(host)
        if scheme == "http" && !loopback && !insecure {
            throw ReplicaError(
                code: ReplicaError.insecureServer,
                message: "\(url) is plain HTTP on the network: use https, or --insecure for a test setup")
        }
        var normalized = url
        while normalized.hasSuffix("/") { normalized.removeLast() }
        return normalized
    }

    /// Whether a URL's host is this machine: `localhost`, `::1`, or an IPv4 address in 127.0.0.0/8 written as
    /// four decimal numbers (a name like `127.example.org` is resolved by DNS, so it is not).
    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        if ["localhost", "::1", "[::1]"].contains(host) { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy { $0.isASCII && $0.isNumber } && Int(part)! <= 255
        }
    }

    /// Clients that trust extra certificate authorities, one per set, kept for the life of the process.
    private static let clients = Mutex<[String: HTTPClient]>([:])

    private static func client(trusting caPEM: String?) throws -> HTTPClient {
        guard let caPEM, !caPEM.isEmpty else { return sharedClient }
        return try clients.withLock { clients in
            if let client = clients[caPEM] { return client }
            let client = try makeClient(trusting: caPEM)
            clients[caPEM] = client
            return client
        }
    }

    public func enroll(_ request: EnrollRequest) async throws -> EnrollResponse {
        try await send(.POST, "/v1/enroll", body: try Self.json(request), token: nil, decode: Self.decode)
    }

    public func push(_ request: PushRequest, token: String) async throws -> PushResponse {
        // Up to 1,000 changes: written directly, several times faster than JSONEncoder.
        try await send(.POST, "/v1/push", body: ByteBuffer(string: request.wireText), token: token, decode: Self.decode)
    }

    public func pull(after cursor: String?, limit: Int, token: String) async throws -> PullResponse {
        try await send(
            .GET, "/v1/changes?" + Self.query(after: cursor, limit: limit), body: nil, token: token, decode: Self.page)
    }

    public func clientChanges(clientId: String, after cursor: String?, limit: Int, token: String) async throws
        -> PullResponse
    {
        try await send(
            .GET, "/v1/clients/\(clientId)/changes?" + Self.query(after: cursor, limit: limit), body: nil, token: token,
            decode: Self.page)
    }

    public func digest(token: String) async throws -> DigestResponse {
        try await send(.GET, "/v1/digest", body: nil, token: token, decode: Self.decode)
    }

    /// The longest a quiet event stream is trusted: the server sends a comment every 20 seconds, so a stream
    /// silent for longer is a connection that died without a word (a laptop that changed networks).
    static let eventSilence: Duration = .seconds(65)

    public func events(token: String, poke: @escaping @Sendable () async -> Void) async throws {
        var request = HTTPClientRequest(url: baseURL + "/v1/events")
        request.headers.add(name: "Accept", value: "text/event-stream")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response: HTTPClientResponse
        do {
            // No overall deadline: the stream stays open; silence is watched below.
            response = try await client.execute(request, timeout: .hours(24))
        } catch {
            throw ReplicaError(
                code: ReplicaError.serverUnreachable, message: "cannot reach the server at \(baseURL) (\(Self.reason(error)))")
        }
        guard response.status == .ok else {
            let data = Data((try? await response.body.collect(upTo: 64 * 1024))?.readableBytesView ?? ByteBuffer().readableBytesView)
            if let error = try? WireCoding.makeDecoder().decode(ErrorBody.self, from: data) {
                throw ReplicaError.server(error.error, status: Int(response.status.code))
            }
            throw ReplicaError(
                code: ReplicaError.badResponse, message: "server answered \(response.status.code) to the event stream",
                httpStatus: Int(response.status.code))
        }
        final class LastHeard: Sendable {
            let at = Mutex(ContinuousClock.now)
        }
        let heard = LastHeard()
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    var parser = ServerSentEvents()
                    for try await buffer in response.body {
                        heard.at.withLock { $0 = .now }
                        for event in parser.feed(buffer.readableBytesView) {
                            if event == "poke" { await poke() }
                            if event == "superseded" {
                                throw ReplicaError(
                                    code: ReplicaError.streamSuperseded,
                                    message: "the server closed this event stream for a newer one of this device")
                            }
                        }
                    }
                }
                group.addTask {
                    while true {
                        try await Task.sleep(for: .seconds(5))
                        if ContinuousClock.now - heard.at.withLock({ $0 }) > Self.eventSilence {
                            throw ReplicaError(code: ReplicaError.serverUnreachable, message: "the event stream went silent")
                        }
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        } catch let error as ReplicaError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw ReplicaError(
                code: ReplicaError.serverUnreachable, message: "the event stream from \(baseURL) broke (\(Self.reason(error)))")
        }
    }

    private static func json(_ value: some Encodable) throws -> ByteBuffer {
        ByteBuffer(bytes: try WireCoding.makeEncoder().encode(value))
    }

    private static func decode<Result: Decodable>(_ data: Data) throws -> Result {
        try WireCoding.makeDecoder().decode(Result.self, from: data)
    }

    /// A page of up to 1,000 changes, read by the fast reader.
    private static func page(_ data: Data) throws -> PullResponse {
        try PullResponse(readingWire: String(decoding: data, as: UTF8.self))
    }

    private static func query(after cursor: String?, limit: Int) -> String {
        var query = "limit=\(limit)"
        if let cursor {
            let escaped = cursor.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "+", "="]))
            query += "&after=\(escaped ?? cursor)"
        }
        return query
    }

    /// Servers (by base URL) that said they decode gzip request bodies (`Accept-Encoding: gzip` on an
    /// answer, RFC 7694). Until one has, requests go uncompressed, so older servers keep working.
    private static let gzipServers = Mutex<Set<String>>([])

    /// Sends a request (compressed when the server decodes gzip) and reads a successful answer with `decode`.
    private func send<Result>(
        _ method: HTTPMethod, _ path: String, body: ByteBuffer?, token: String?, decode: (Data) throws -> Result
    ) async throws -> Result {
        let compress = Self.gzipServers.withLock { $0.contains(baseURL) }
        let data: Data
        do {
            data = try await exchange(method, path, body: body, compressed: compress, token: token)
        } catch let error as ReplicaError where compress && error.httpStatus == 415 {
            // The server no longer decodes gzip (a downgrade): forget it and send the body as it is.
            _ = Self.gzipServers.withLock { $0.remove(baseURL) }
            data = try await exchange(method, path, body: body, compressed: false, token: token)
        }
        do {
            return try decode(data)
        } catch {
            throw ReplicaError(code: ReplicaError.badResponse, message: "the server's answer is not a protocol message")
        }
    }

    /// One HTTP exchange: the body of a 200 answer, decompressed, or the server's error as a ``ReplicaError``.
    private func exchange(
        _ method: HTTPMethod, _ path: String, body: ByteBuffer?, compressed: Bool, token: String?
    ) async throws -> Data {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "Accept-Encoding", value: WireCompression.encoding)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            if compressed && body.readableBytes >= WireCompression.minimumBytes {
                request.headers.add(name: "Content-Encoding", value: WireCompression.encoding)
                request.body = .bytes(try WireCompression.gzip(body))
            } else {
                request.body = .bytes(body)
            }
        }
        let response: HTTPClientResponse
        var bytes: ByteBuffer
        do {
            response = try await client.execute(request, timeout: timeout)
            bytes = try await response.body.collect(upTo: Self.maxResponseBytes)
        } catch {
            throw ReplicaError(
                code: ReplicaError.serverUnreachable, message: "cannot reach the server at \(baseURL) (\(Self.reason(error)))")
        }
        if response.headers[canonicalForm: "Accept-Encoding"].contains(where: { WireCompression.accepts(String($0)) }) {
            _ = Self.gzipServers.withLock { $0.insert(baseURL) }
        }
        if let coding = response.headers.first(name: "Content-Encoding")?.lowercased(), coding != "identity" {
            guard coding == WireCompression.encoding,
                let decoded = try? WireCompression.gunzip(bytes, maxBytes: Self.maxResponseBytes)
            else {
                throw ReplicaError(code: ReplicaError.badResponse, message: "the server's answer has an unreadable encoding")
            }
            bytes = decoded
        }
        let data = Data(bytes.readableBytesView)
        guard response.status == .ok else {
            let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            if let error = try? WireCoding.makeDecoder().decode(ErrorBody.self, from: data) {
                throw ReplicaError.server(error.error, status: Int(response.status.code), retryAfterSeconds: retryAfter)
            }
            throw ReplicaError(
                code: ReplicaError.badResponse, message: "server answered \(response.status.code) without an error body",
                httpStatus: Int(response.status.code), retryAfterSeconds: retryAfter)
        }
        return data
    }

    private static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.lowercased().contains("timeout") || text.contains("deadlineExceeded") { return "timed out" }
        if text.contains("handshakeFailed") || text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("NIOSSL") {
            return "the server's certificate is not trusted (give its CA with --ca-file)"
        }
        return text.count > 120 ? String(text.prefix(120)) + "…" : text
    }
}

/// Reads a `text/event-stream` as it arrives: the names of complete events (`event:` lines; `message` when
/// an event has data but no name). Comments and `retry:` lines are skipped; an event split over several
/// network reads is kept until its blank line arrives.
struct ServerSentEvents {
    private var line: [UInt8] = []
    private var name: String?
    private var hasData = false

    /// Feeds bytes; returns the events they complete.
    mutating func feed(_ bytes: some Sequence<UInt8>) -> [String] {
        var events: [String] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\r") { continue }
            guard byte == UInt8(ascii: "\n") else {
                line.append(byte)
                continue
            }
            if line.isEmpty {
                if name != nil || hasData { events.append(name ?? "message") }
                name = nil
                hasData = false
            } else {
                let text = String(decoding: line, as: UTF8.self)
                if text.hasPrefix("event:") {
                    name = text.dropFirst(6).trimmingCharacters(in: .whitespaces)
                } else if text.hasPrefix("data:") {
                    hasData = true
                }
            }
            line.removeAll(keepingCapacity: true)
        }
        return events
    }
}
