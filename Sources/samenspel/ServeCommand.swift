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

    @Option(help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0–65535") }
        guard maxClockDrift >= 1 else { throw ValidationError("--max-clock-drift must be at least 1 second") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "samenspel.server")
        let store = try SQLiteSyncStore(directory: data)
        let configuration = ServerConfiguration(host: host, port: port, maxClockDriftMillis: Int64(maxClockDrift) * 1000)
        let app = try await SyncServer.makeApplication(store: store, configuration: configuration, logger: logger) {
            port in
            logger.notice("listening", metadata: ["server.url": "http://\(host):\(port)", "server.data": "\(data)"])
        }
        try await app.runService()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
