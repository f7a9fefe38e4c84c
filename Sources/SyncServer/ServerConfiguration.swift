/// Settings of a sync server, with defaults for a single machine. The CLI maps flags onto it.
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

    /// The PEM files of the server's certificate chain and private key.
    public struct TLSFiles: Sendable, Hashable {
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

    /// Creates a configuration; the burst defaults to four seconds' worth of requests (at least 20).
    public init(host: String = "127.0.0.1", port: Int = 8080, maxClockDriftMillis: Int64 = 10 * 60 * 1000,
                deviceRequestsPerSecond: Double = 50, deviceRequestBurst: Double? = nil) {
        self.host = host
        self.port = port
        self.maxClockDriftMillis = maxClockDriftMillis
        self.deviceRequestsPerSecond = deviceRequestsPerSecond
        self.deviceRequestBurst = deviceRequestBurst ?? max(deviceRequestsPerSecond * 4, 20)
    }
}
