public import ArgumentParser
public import Logging
import Foundation
import ServiceLifecycle
import UnixSignals
import SyncServer

/// `samenspel serve`: the sync server on the embedded SQLite store or on PostgreSQL.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the sync server (SQLite in --data, or PostgreSQL with --postgres).",
        discussion: """
            Every flag can also be set by the environment variable in brackets; a flag wins over its variable. \
            SIGTERM or SIGINT stops the server gracefully: it stops accepting connections, lets requests in \
            flight finish (up to --shutdown-timeout), then closes the database.
            """)

    @Option(help: ArgumentHelp("Folder of the SQLite data, created if missing [SAMENSPEL_DATA].", valueName: "dir"))
    var data: String?

    @Option(help: ArgumentHelp(
        "PostgreSQL URL postgres://user:password@host:5432/db[?sslmode=require] [SAMENSPEL_POSTGRES_URL].",
        valueName: "url"))
    var postgres: String?

    @Option(help: ArgumentHelp("Most PostgreSQL connections of this instance [SAMENSPEL_POSTGRES_POOL_SIZE] (20).",
                               valueName: "n"))
    var postgresPoolSize: Int?

    @OptionGroup var files: ServerFileOptions

    @Option(help: ArgumentHelp(
        "Interface to listen on [SAMENSPEL_HOST] (127.0.0.1). For other hosts serve HTTPS (--tls-cert/--tls-key) or put a TLS proxy in front.",
        valueName: "address"))
    var host: String?

    @Option(help: ArgumentHelp("TCP port, 0 picks a free one [SAMENSPEL_PORT] (8080).", valueName: "port"))
    var port: Int?

    @Option(help: ArgumentHelp(
        "How far ahead of this server's clock a pushed timestamp may be [SAMENSPEL_MAX_CLOCK_DRIFT] (600).",
        valueName: "seconds"))
    var maxClockDrift: Int?

    @Option(help: ArgumentHelp("PEM certificate chain: serve HTTPS, with --tls-key [SAMENSPEL_TLS_CERT].",
                               valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("PEM private key of the certificate [SAMENSPEL_TLS_KEY].", valueName: "file"))
    var tlsKey: String?

    @Option(help: ArgumentHelp(
        "A proxy (address or CIDR block) whose X-Forwarded-For names the client; repeat for several [SAMENSPEL_TRUSTED_PROXIES, comma-separated].",
        valueName: "cidr"))
    var trustedProxy: [String] = []

    @Option(help: ArgumentHelp(
        "Requests per second one device may make on average, 429 beyond [SAMENSPEL_DEVICE_RATE] (50).",
        valueName: "n"))
    var deviceRate: Double?

    @Option(help: ArgumentHelp("Largest request body, 413 beyond [SAMENSPEL_MAX_BODY_BYTES] (8388608).",
                               valueName: "bytes"))
    var maxBodyBytes: Int?

    @Option(help: ArgumentHelp("Most changes per push [SAMENSPEL_MAX_PUSH_CHANGES] (1000).", valueName: "n"))
    var maxPushChanges: Int?

    @Option(help: ArgumentHelp("Most changes per pull page [SAMENSPEL_MAX_PAGE_CHANGES] (1000).", valueName: "n"))
    var maxPageChanges: Int?

    @Option(help: ArgumentHelp("Close connections idle this long [SAMENSPEL_IDLE_TIMEOUT] (60).",
                               valueName: "seconds"))
    var idleTimeout: Int?

    @Option(help: ArgumentHelp(
        "On SIGTERM, wait this long for requests in flight [SAMENSPEL_SHUTDOWN_TIMEOUT] (30).", valueName: "seconds"))
    var shutdownTimeout: Int?

    @Option(help: ArgumentHelp(
        "Record the audit log's head in the anchors file this often while it grows [SAMENSPEL_AUDIT_ANCHOR_INTERVAL] (300).",
        valueName: "seconds"))
    var auditAnchorInterval: Int?

    @Option(help: ArgumentHelp(
        "trace, debug, info, notice, warning, error or critical [SAMENSPEL_LOG_LEVEL] (info).", valueName: "level"))
    var logLevel: Logger.Level?

    @Option(help: ArgumentHelp("text, or json for one JSON object per line [SAMENSPEL_LOG_FORMAT] (text).",
                               valueName: "format"))
    var logFormat: LogFormat?

    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    func run() async throws {
        let level = try Settings.value(logLevel, "SAMENSPEL_LOG_LEVEL", default: .info)
        let format = try Settings.value(logFormat, "SAMENSPEL_LOG_FORMAT", default: .text)
        LoggingSystem.bootstrap { label in
            switch format {
            case .json:
                return JSONLogHandler(label: label, level: level)
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
        let logger = Logger(label: "samenspel.server")
        var configuration = try serverConfiguration()
        let choice = try StorageChoice(data: data, postgres: postgres)
        configuration.journal = try files.operationsJournal(for: choice)
        configuration.auditAnchors = try files.auditAnchorLog(for: choice)
        configuration.auditAnchorIntervalSeconds = try Settings.value(
            auditAnchorInterval, "SAMENSPEL_AUDIT_ANCHOR_INTERVAL", default: 300)
        guard configuration.auditAnchorIntervalSeconds >= 1 else {
            throw ValidationError("--audit-anchor-interval must be at least 1 second")
        }
        // Held while serving: `admin restore` refuses to replace the database under a running server.
        var lock: DataFolderLock?
        if case .sqlite(let directory) = choice { lock = try DataFolderLock.serving(directory: directory) }
        defer { withExtendedLifetime(lock) {} }
        if configuration.tls == nil && !["127.0.0.1", "localhost", "::1"].contains(configuration.host) {
            logger.warning(
                "serving plain HTTP on a non-loopback interface: put a TLS proxy in front, or give --tls-cert and --tls-key",
                metadata: ["server.host": "\(configuration.host)"])
        }
        let storage = try await openStorage(journal: configuration.journal, logger: logger)
        let server = try await RunningServer.start(
            store: storage.store, configuration: configuration, services: storage.services,
            shutdownSignals: [.sigterm, .sigint], logger: logger)
        logger.notice(
            "listening", metadata: ["server.url": "\(server.baseURL)", "server.backend": "\(storage.description)"])
        let watchdog = Self.exitIfShutdownHangs(after: configuration.shutdownTimeoutSeconds + 5, logger: logger)
        defer { watchdog.cancel() }
        try await server.wait()
        logger.notice("stopped")
    }

    /// After a SIGTERM or SIGINT, exits the process if the graceful shutdown has not finished `seconds` later
    /// (a database call that ignores cancellation must not keep the process alive). Whatever a push had not
    /// committed then is rolled back by the database, as after a crash.
    static func exitIfShutdownHangs(after seconds: Int, logger: Logger) -> Task<Void, Never> {
        Task.detached {
            for await _ in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                try? await Task.sleep(for: .seconds(seconds))
                guard !Task.isCancelled else { return }
                logger.error("the graceful shutdown did not finish in time; exiting")
                Foundation.exit(1)
            }
        }
    }

    /// Redoes what the operations journal holds and the database lacks before serving: a database that was
    /// put back from a backup by hand (not with `admin restore`) must not serve revoked devices or erased
    /// clients. Anything redone gives the database a new restore epoch, so laptops send back what it lacks.
    func redoJournal(_ journal: OperationsJournal?, on store: any SyncStore, logger: Logger) async throws {
        try await redoOperations(journal, on: store, logger: logger)
        // Whichever of the change log and the key store was put back from a backup, they agree on erasures
        // before anyone is served.
        let reconciliation = try await Administration(store: store, journal: journal, operatorName: "server").reconcileKeys()
        if !reconciliation.erasedAgain.isEmpty || reconciliation.keysDestroyed > 0 {
            logger.warning(
                "the change log and the key store disagreed on erasures (one restored from a backup?): made to agree",
                metadata: [
                    "keys.clientsErasedAgain": "\(reconciliation.erasedAgain.count)",
                    "keys.destroyedAgain": "\(reconciliation.keysDestroyed)",
                ])
        }
    }

    private func redoOperations(_ journal: OperationsJournal?, on store: any SyncStore, logger: Logger) async throws {
        guard let journal else {
            logger.warning(
                "no operations journal (--journal): after a restore from a backup, erasures, revocations and enrollments made since it would have to be redone by hand")
            return
        }
        let administration = Administration(store: store, journal: journal, operatorName: "server")
        let replay: JournalReplay
        do {
            replay = try await administration.reapply(journal)
        } catch let error as StoreError where error.code == .journalIncomplete {
            // Serving goes on (refusing to start would only add an outage), but nothing is redone from a journal
            // that is not the database's own: the operator must look.
            logger.error("the operations journal does not match the database", metadata: ["journal.error": "\(error.message)"])
            return
        }
        for line in replay.failed {
            logger.error("could not redo an operation of the journal", metadata: ["journal.entry": "\(line)"])
        }
        // Only what was redone means the database went back; an entry that cannot be redone is reported at
        // every start, but does not make laptops send everything again each time.
        guard !replay.reapplied.isEmpty else { return }
        let epoch = try await store.renewEpoch()
        logger.warning(
            "the database lacked operations of the journal (restored from a backup?): redone before serving",
            metadata: [
                "journal.path": "\(journal.path)", "journal.redone": "\(replay.reapplied.count)",
                "journal.failed": "\(replay.failed.count)", "server.epoch": "\(epoch)",
            ])
        for line in replay.reapplied { logger.notice("redone from the journal", metadata: ["journal.entry": "\(line)"]) }
    }

    /// The server settings from flags, environment and defaults.
    func serverConfiguration() throws -> ServerConfiguration {
        let port = try Settings.value(port, "SAMENSPEL_PORT", default: 8080)
        guard (0...65535).contains(port) else { throw ValidationError("the port must be 0–65535, not \(port)") }
        let drift = try Settings.value(maxClockDrift, "SAMENSPEL_MAX_CLOCK_DRIFT", default: 600)
        guard drift >= 1 else { throw ValidationError("the clock drift must be at least 1 second") }
        let rate = try Settings.value(deviceRate, "SAMENSPEL_DEVICE_RATE", default: 50)
        guard rate > 0 else { throw ValidationError("the device rate must be positive") }
        let idle = try Settings.value(idleTimeout, "SAMENSPEL_IDLE_TIMEOUT", default: 60)
        let shutdown = try Settings.value(shutdownTimeout, "SAMENSPEL_SHUTDOWN_TIMEOUT", default: 30)
        guard idle >= 1, shutdown >= 1 else { throw ValidationError("timeouts must be at least 1 second") }
        let maximum = ServerConfiguration.Limits.protocolMaximum
        let limits = try ServerConfiguration.Limits(
            maxRequestBytes: Settings.value(maxBodyBytes, "SAMENSPEL_MAX_BODY_BYTES", default: maximum.maxRequestBytes),
            maxPushChanges: Settings.value(maxPushChanges, "SAMENSPEL_MAX_PUSH_CHANGES", default: maximum.maxPushChanges),
            maxPageChanges: Settings.value(maxPageChanges, "SAMENSPEL_MAX_PAGE_CHANGES", default: maximum.maxPageChanges))
        var configuration = ServerConfiguration(
            host: try Settings.value(host, "SAMENSPEL_HOST", default: "127.0.0.1"), port: port,
            maxClockDriftMillis: Int64(drift) * 1000, deviceRequestsPerSecond: rate,
            limits: try limits.validated(), idleTimeoutSeconds: idle, shutdownTimeoutSeconds: shutdown)
        let proxies = trustedProxy.isEmpty
            ? (try Settings.value(nil, "SAMENSPEL_TRUSTED_PROXIES") as String?)?.split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            } ?? []
            : trustedProxy
        configuration.trustedProxies = try proxies.map { text in
            guard let block = AddressBlock(text) else {
                throw ValidationError("'\(text)' is not an IP address or CIDR block (like 10.0.0.0/8 or 2001:db8::/32)")
            }
            return block
        }
        let certificate = try Settings.value(tlsCert, "SAMENSPEL_TLS_CERT")
        let key = try Settings.value(tlsKey, "SAMENSPEL_TLS_KEY")
        switch (certificate, key) {
        case (let certificate?, let key?): configuration.tls = .init(certificatePath: certificate, keyPath: key)
        case (nil, nil): break
        default: throw ValidationError("give the TLS certificate and key together")
        }
        return configuration
    }

    /// The store, the services it needs running, and a description for the log (no password).
    /// The journal is replayed on it first (see ``redoJournal(_:on:logger:)``).
    func openStorage(journal: OperationsJournal?, logger: Logger) async throws
        -> (store: any SyncStore, services: [any Service], description: String)
    {
        switch try StorageChoice(data: data, postgres: postgres) {
        case .sqlite(let directory):
            let store = try files.sqliteStore(directory)
            try await redoJournal(journal, on: store, logger: logger)
            return (store, [], "sqlite")
        case .postgres(let url):
            let poolSize = try Settings.value(postgresPoolSize, "SAMENSPEL_POSTGRES_POOL_SIZE", default: 20)
            guard poolSize >= 1 else { throw ValidationError("the PostgreSQL pool size must be at least 1") }
            // Migrate first, on a pool of its own, so that the server never serves on an old schema.
            let key = try files.postgresAuditKey()
            if key == nil {
                logger.warning(
                    "no audit key (--audit-key): the audit log's chain is plain SHA-256, which someone who can edit the tables can recompute")
            }
            let masterKey = try files.postgresMasterKey()
            let store = try PostgresSyncStore(
                url: url, maxConnections: poolSize, logger: logger, masterKey: masterKey, auditKey: key)
            do {
                try await PostgresSyncStore.withStore(
                    url: url, maxConnections: 1, logger: logger, masterKey: masterKey, auditKey: key
                ) { migrated in
                    try await redoJournal(journal, on: migrated, logger: logger)
                }
            } catch let error as StoreError where error == .unavailable {
                throw CLIError("cannot reach PostgreSQL at \(store.target); is it running, and are the URL and password right?")
            }
            return (store, [store], "postgresql")
        }
    }
}

/// Where the server's data lives: `--data DIR` (SQLite) or `--postgres URL`, from flags or environment.
enum StorageChoice {
    case sqlite(String)
    case postgres(String)

    init(data: String?, postgres: String?) throws {
        switch (data, postgres) {
        case (_?, _?): throw CLIError("give either --data (SQLite) or --postgres, not both")
        case (_, let url?): self = .postgres(url)
        case (let directory?, _): self = .sqlite(directory)
        case (nil, nil):
            switch (try Settings.value(nil, "SAMENSPEL_DATA") as String?, try Settings.value(nil, "SAMENSPEL_POSTGRES_URL") as String?) {
            case (_?, _?): throw CLIError("SAMENSPEL_DATA and SAMENSPEL_POSTGRES_URL are both set: unset one")
            case (_, let url?): self = .postgres(url)
            case (let directory?, _): self = .sqlite(directory)
            case (nil, nil):
                throw CLIError(
                    "give the server's storage: --data DIR (SQLite) or --postgres URL, or set SAMENSPEL_DATA or SAMENSPEL_POSTGRES_URL")
            }
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
