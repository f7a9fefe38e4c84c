import Foundation
import Logging
import PostgresNIO
import SyncServer

/// Where a figure's server keeps its data.
enum BenchBackend: Sendable {
    /// Embedded SQLite in the figure's folder (the default).
    case sqlite
    /// A new database per office on the PostgreSQL server of `url` (whose user may create databases),
    /// dropped when the office closes.
    case postgresql(url: String)

    /// `sqlite` or `postgresql`, as in the JSON lines.
    var name: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgresql: "postgresql"
        }
    }
}

/// A throwaway database on a PostgreSQL server: one per office, so figures never see each other's log.
struct BenchDatabase: Sendable {
    /// The new database's URL.
    let url: String
    private let name: String
    private let serverURL: String

    /// Creates an empty database on the server of `serverURL`.
    static func create(on serverURL: String, logger: Logger) async throws -> BenchDatabase {
        guard var components = URLComponents(string: serverURL), components.host != nil else {
            throw BenchError("--postgres must be a URL like postgres://user@127.0.0.1:5432/postgres")
        }
        let name = "samenspel_bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        try await execute("CREATE DATABASE \(name)", on: serverURL, logger: logger)
        components.path = "/" + name
        return BenchDatabase(url: components.string!, name: String(name), serverURL: serverURL)
    }

    /// Drops the database, closing what is still connected to it.
    func drop(logger: Logger) async {
        try? await Self.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: serverURL, logger: logger)
    }

    private static func execute(_ sql: String, on url: String, logger: Logger) async throws {
        let components = URLComponents(string: url)!
        let configuration = PostgresConnection.Configuration(
            host: components.host ?? "127.0.0.1", port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: String(components.path.dropFirst()), tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}

/// A migrated PostgreSQL store whose connection pool runs until ``close()``.
final class RunningPostgresStore: Sendable {
    let store: PostgresSyncStore
    private let runner: Task<Void, Never>

    init(url: String, logger: Logger, maxConnections: Int = 4, auditBatch: Int = 500) async throws {
        let store = try PostgresSyncStore(
            url: url, maxConnections: maxConnections, logger: logger, masterKey: try BenchMasterKey.key, auditBatch: auditBatch)
        runner = await store.runInBackground()
        try await store.migrate()
        self.store = store
    }

    func close() { runner.cancel() }
}

extension Logger {
    /// The benchmark's logger for its own PostgreSQL connections: warnings only.
    static let bench: Logger = {
        var logger = Logger(label: "samenspel.bench.postgres")
        logger.logLevel = .warning
        return logger
    }()
}
