public import ArgumentParser
public import Logging
import Hummingbird
import SyncServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the sync server on the embedded SQLite store.")

    @Option(help: ArgumentHelp("Folder of the server's data (created if missing).", valueName: "dir"))
    var data: String

    @Option(help: "Interface to listen on. Loopback by default; put a TLS proxy in front for other hosts.")
    var host = "127.0.0.1"

    @Option(help: "TCP port (0 picks a free one).")
    var port = 8080

    @Option(help: ArgumentHelp(
        "How far ahead of this server's clock a pushed timestamp may be, in seconds (laptops re-stamp what is refused).",
        valueName: "seconds"))
    var maxClockDrift = 600

    @Option(help: ArgumentHelp("PEM certificate chain: serve HTTPS (with --tls-key).", valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("PEM private key of the certificate.", valueName: "file"))
    var tlsKey: String?

    @Option(help: ArgumentHelp("Requests per second one device may make on average (429 beyond).", valueName: "n"))
    var deviceRate: Double = 50

    @Option(help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0–65535") }
        guard maxClockDrift >= 1 else { throw ValidationError("--max-clock-drift must be at least 1 second") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("give --tls-cert and --tls-key together") }
        guard deviceRate > 0 else { throw ValidationError("--device-rate must be positive") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "samenspel.server")
        let store = try SQLiteSyncStore(directory: data)
        var configuration = ServerConfiguration(
            host: host, port: port, maxClockDriftMillis: Int64(maxClockDrift) * 1000,
            deviceRequestsPerSecond: deviceRate)
        if let tlsCert, let tlsKey {
            configuration.tls = .init(certificatePath: tlsCert, keyPath: tlsKey)
        } else if host != "127.0.0.1" && host != "localhost" && host != "::1" {
            logger.warning("serving plain HTTP on \(host): put a TLS proxy in front, or give --tls-cert and --tls-key")
        }
        let app = try await SyncServer.makeApplication(store: store, configuration: configuration, logger: logger) {
            port in
            logger.notice(
                "listening",
                metadata: ["server.url": "\(tlsCert == nil ? "http" : "https")://\(host):\(port)", "server.data": "\(data)"])
        }
        try await app.runService()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
