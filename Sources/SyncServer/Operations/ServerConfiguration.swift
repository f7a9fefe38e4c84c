import SyncProtocol

/// Settings of a sync server, with defaults for a single machine. The CLI maps flags and environment
/// variables onto it (see the configuration table in `Deploy/README.md`).
public struct ServerConfiguration: Sendable {
    /// Interface to listen on; loopback by default.
    public var host: String
    /// TCP port; `0` picks a free port (see ``SyncServer/onListening``).
    public var port: Int
    /// How far ahead of the server's wall clock a pushed timestamp may be, in milliseconds.
    public var maxClockDriftMillis: Int64
    /// Requests per second one device may make, on average.
    public var deviceRequestsPerSecond: Double
    /// Requests one device may make at once.
    public var deviceRequestBurst: Double
    /// Serve HTTPS with this certificate chain and key (PEM files); plain HTTP when `nil`.
    public var tls: TLSFiles?
    /// Sizes of requests and pages.
    public var limits: Limits
    /// Seconds a connection may stay idle (also while a request trickles in) before it is closed.
    public var idleTimeoutSeconds: Int
    /// Seconds a graceful shutdown waits for requests in flight before it cancels them (a cancelled push
    /// rolls back: stored completely or not at all).
    public var shutdownTimeoutSeconds: Int
    /// A device counts as active in the metrics when it made a request within this many milliseconds.
    public var activeDeviceWindowMillis: Int64
    /// The operations journal enrollments are recorded in (see ``OperationsJournal``); none when `nil`.
    public var journal: OperationsJournal?
    /// Proxies whose `X-Forwarded-For` names the client (for rate limits and the audit log); the header of
    /// any other peer is ignored.
    public var trustedProxies: [AddressBlock] = []
    /// Where the audit log's head is recorded (at start, every ``auditAnchorIntervalSeconds`` while the log
    /// grows, and at shutdown); none when `nil`.
    public var auditAnchors: AuditAnchorLog?
    /// Seconds between audit anchors.
    public var auditAnchorIntervalSeconds: Int = 300
    /// Intervals and limits of the devices' event streams (`GET /v1/events`).
    public var events = LogEvents.Settings()

    /// The PEM files of the server's certificate chain and private key. The server speaks TLS 1.2 and 1.3;
    /// for TLS 1.2 only ``tls12CipherSuites``; every answer carries `Strict-Transport-Security`.
    public struct TLSFiles: Sendable, Hashable {
        /// The TLS 1.2 suites offered: ECDHE key exchange with AES-GCM or ChaCha20-Poly1305 (OpenSSL names).
        public static let tls12CipherSuites = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL"

        /// The certificate chain, leaf first.
        public var certificatePath: String
        /// The private key.
        public var keyPath: String

        /// Creates the pair.
        public init(certificatePath: String, keyPath: String) {
            self.certificatePath = certificatePath
            self.keyPath = keyPath
        }
    }

    /// Sizes a server accepts. Each may be lowered below the protocol's maximum (``ProtocolLimits``), never
    /// raised above it: replicas halve a push the server refuses as too large, and pull pages are clamped.
    public struct Limits: Sendable, Hashable {
        /// Largest request body, in bytes (413 beyond).
        public var maxRequestBytes: Int
        /// Most changes in one push (400 `batchTooLarge` beyond).
        public var maxPushChanges: Int
        /// Most changes in one pull page; a larger `limit` is served as this many.
        public var maxPageChanges: Int

        /// The protocol's maxima.
        public static let protocolMaximum = Limits(
            maxRequestBytes: ProtocolLimits.maxRequestBytes, maxPushChanges: ProtocolLimits.maxPushChanges,
            maxPageChanges: ProtocolLimits.maxPageChanges)

        /// Creates limits; ``validated()`` checks them.
        public init(maxRequestBytes: Int, maxPushChanges: Int, maxPageChanges: Int) {
            self.maxRequestBytes = maxRequestBytes
            self.maxPushChanges = maxPushChanges
            self.maxPageChanges = maxPageChanges
        }

        /// The limits, or a readable reason why they cannot be served.
        public func validated() throws(ConfigurationError) -> Limits {
            let protocolMaximum = Self.protocolMaximum
            guard (64 * 1024...protocolMaximum.maxRequestBytes).contains(maxRequestBytes) else {
                throw ConfigurationError(
                    "the body limit must be 65536–\(protocolMaximum.maxRequestBytes) bytes, not \(maxRequestBytes)")
            }
            guard (1...protocolMaximum.maxPushChanges).contains(maxPushChanges) else {
                throw ConfigurationError(
                    "the push batch limit must be 1–\(protocolMaximum.maxPushChanges), not \(maxPushChanges)")
            }
            guard (1...protocolMaximum.maxPageChanges).contains(maxPageChanges) else {
                throw ConfigurationError(
                    "the pull page limit must be 1–\(protocolMaximum.maxPageChanges), not \(maxPageChanges)")
            }
            return self
        }

        /// The page size when a pull gives no `limit`.
        var defaultPageChanges: Int { min(ProtocolLimits.defaultPageChanges, maxPageChanges) }
    }

    /// Creates a configuration; the burst defaults to four seconds' worth of requests (at least 20).
    public init(host: String = "127.0.0.1", port: Int = 8080, maxClockDriftMillis: Int64 = 10 * 60 * 1000,
                deviceRequestsPerSecond: Double = 50, deviceRequestBurst: Double? = nil,
                limits: Limits = .protocolMaximum, idleTimeoutSeconds: Int = 60, shutdownTimeoutSeconds: Int = 30) {
        self.host = host
        self.port = port
        self.maxClockDriftMillis = maxClockDriftMillis
        self.deviceRequestsPerSecond = deviceRequestsPerSecond
        self.deviceRequestBurst = deviceRequestBurst ?? max(deviceRequestsPerSecond * 4, 20)
        self.limits = limits
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.shutdownTimeoutSeconds = shutdownTimeoutSeconds
        self.activeDeviceWindowMillis = 15 * 60 * 1000
    }
}

/// A setting that cannot be served, with a message for the operator.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong and what is allowed.
    public let message: String

    /// Creates the error.
    public init(_ message: String) {
        self.message = message
    }

    /// ``message``.
    public var description: String { message }
}
