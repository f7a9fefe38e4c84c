/// Settings of a sync server, with defaults for a single machine. The CLI maps flags onto it.
public struct ServerConfiguration: Sendable {
    /// Interface to listen on; loopback by default.
    public var host: String
    /// TCP port; `0` picks a free port (see ``SyncServer/onListening``).
    public var port: Int
    /// How far ahead of the server's wall clock a pushed timestamp may be, in milliseconds.
    public var maxClockDriftMillis: Int64

    /// Creates a configuration.
    public init(host: String = "127.0.0.1", port: Int = 8080, maxClockDriftMillis: Int64 = 10 * 60 * 1000) {
        self.host = host
        self.port = port
        self.maxClockDriftMillis = maxClockDriftMillis
    }
}
