import ChangeLog
import Foundation
import GRDB
import Logging
import PostgresNIO
import SQLiteSupport
import SamenspelTestSupport
import SyncProtocol
@testable import SyncServer

/// The server side of a simulated history, on any backend: its store, and what an operator does to it
/// (restart the process, back up, restore) with the backend's own tools — a file copy for SQLite,
/// `pg_dump` and `pg_restore` into a new database for PostgreSQL, and for the in-memory reference store a
/// snapshot of its state (a restart hands the state to a new store, as a durable backend's files would).
final class SimulatedServer: @unchecked Sendable {
    /// Which backend the history runs on.
    enum Backend: String, Sendable, CaseIterable {
        case memory, sqlite, postgres
    }

    let backend: Backend
    private(set) var store: any SyncStore
    private let folder: TemporaryDirectory
    private let logger: Logger
    /// PostgreSQL: the current database and the task that runs the store's pool.
    private var database: PostgresTestDatabase?
    private var pool: Task<Void, Never>?
    /// The in-memory store: its backups, by file name.
    private var snapshots: [String: MemorySyncStore.Snapshot] = [:]

    private var directory: String { folder.appending("server") }

    init(_ backend: Backend, folder: TemporaryDirectory, logger: Logger) async throws {
        self.backend = backend
        self.folder = folder
        self.logger = logger
        switch backend {
        case .memory:
            store = MemorySyncStore(auditKey: try Self.memoryAuditKey(folder))
        case .sqlite:
            store = try SQLiteSyncStore(directory: folder.appending("server"))
        case .postgres:
            let database = try await PostgresTestDatabase.create(logger: logger)
            let (store, pool) = try await Self.open(database.url, logger: logger)
            self.store = store
            self.pool = pool
            self.database = database
        }
    }

    /// The master key of every PostgreSQL store of the simulation (reopened after a restart or a restore).
    private static let masterKey = MasterKey.generated()

    private static func open(_ url: String, logger: Logger) async throws -> (PostgresSyncStore, Task<Void, Never>) {
        let store = try PostgresSyncStore(url: url, maxConnections: 4, logger: logger, masterKey: masterKey)
        let pool = await store.runInBackground()
        try await store.migrate()
        return (store, pool)
    }

    private static func memoryAuditKey(_ folder: TemporaryDirectory) throws -> AuditKey {
        try AuditKey.load(path: folder.appending("audit.key"))
    }

    private var memory: MemorySyncStore { store as! MemorySyncStore }

    /// A new server process on the same data.
    func restart() async throws {
        switch backend {
        case .memory:
            store = MemorySyncStore(snapshot: memory.snapshot(), auditKey: try Self.memoryAuditKey(folder))
        case .sqlite:
            store = try SQLiteSyncStore(directory: directory)
        case .postgres:
            pool?.cancel()
            (store, pool) = try await Self.open(database!.url, logger: logger) as (any SyncStore, Task<Void, Never>)
        }
    }

    /// Backs the server up to `file` while it serves.
    func backup(to file: String) async throws {
        switch backend {
        case .memory:
            snapshots[file] = memory.snapshot()
        case .sqlite:
            _ = try await (store as! SQLiteSyncStore).backup(to: file)
        case .postgres:
            try await PostgresTestDatabase.runTool("pg_dump", ["--format=custom", "--no-owner", "--file", file, database!.url])
        }
    }

    /// Puts the backup in place of the live data and opens it (the caller renews the epoch and redoes the
    /// journal, as `samenspel admin restore` does).
    func restore(from file: String, at millis: Int64) async throws {
        switch backend {
        case .memory:
            guard let snapshot = snapshots[file] else { throw StoreError(code: ErrorCode.notFound, message: "no backup \(file)") }
            store = MemorySyncStore(snapshot: snapshot, auditKey: try Self.memoryAuditKey(folder))
        case .sqlite:
            _ = try SQLiteSyncStore.restore(from: file, into: directory, at: millis)
            store = try SQLiteSyncStore(directory: directory)
        case .postgres:
            pool?.cancel()
            let restored = try await PostgresTestDatabase.create(logger: logger)
            try await PostgresTestDatabase.runTool("pg_restore", ["--no-owner", "--exit-on-error", "--dbname", restored.url, file])
            await database?.drop(logger: logger)
            database = restored
            (store, pool) = try await Self.open(restored.url, logger: logger) as (any SyncStore, Task<Void, Never>)
        }
    }

    /// Every change in the server's log, with the discipline a restricted one is visible to.
    func loggedChanges() async throws -> [(change: Change, visibleTo: String?)] {
        switch backend {
        case .memory:
            return memory.snapshot().changes
        case .sqlite:
            let server = store as! SQLiteSyncStore
            return try await server.read { db in
                try Row.fetchAll(db, sql: "SELECT \(ChangeRow.columns), visible_to FROM changes").map { row in
                    (try server.decode(row, db: db), row["visible_to"] as String?)
                }
            }
        case .postgres:
            return try await (store as! PostgresSyncStore).connected { connection in
                let changes = try await (self.store as! PostgresSyncStore).decodeChanges(try await connection.query(
                    "SELECT \(unescaped: PostgresSyncStore.changeColumns) FROM changes ORDER BY seq", logger: self.logger),
                    connection)
                var audience: [String: String] = [:]
                for try await (id, only) in try await connection.query(
                    "SELECT id, visible_to FROM changes WHERE visible_to IS NOT NULL", logger: self.logger
                ).decode((String, String).self) {
                    audience[id] = only
                }
                return changes.map { ($0.1, audience[$0.1.id]) }
            }
        }
    }

    /// Whether `text` is anywhere in the server's live data: the bytes of its database files (SQLite), or
    /// any text column of its tables (PostgreSQL, whose files are the database server's), anything the in-memory
    /// store holds.
    func holds(_ text: String) async throws -> Bool {
        switch backend {
        case .memory:
            return memory.snapshot().holds(text)
        case .sqlite:
            var bytes = Data()
            for suffix in ["", "-wal", "-shm"] {
                bytes.append(FileManager.default.contents(atPath: folder.appending("server/" + SQLiteSyncStore.fileName + suffix)) ?? Data())
            }
            return bytes.range(of: Data(text.utf8)) != nil
        case .postgres:
            let pattern = "%" + text + "%"
            return try await (store as! PostgresSyncStore).connected { connection in
                var found = false
                for table in ["changes", "audit_log", "refused_changes", "clients", "devices"] {
                    let query = PostgresQuery(
                        unsafeSQL: "SELECT EXISTS (SELECT 1 FROM \(table) t WHERE t::text LIKE $1)",
                        binds: try PostgresSyncStore.binds([pattern]))
                    for try await exists in try await connection.query(query, logger: self.logger).decode(Bool.self) {
                        found = found || exists
                    }
                }
                return found
            }
        }
    }

    /// Stops the pool and drops the database (PostgreSQL).
    func close() async {
        pool?.cancel()
        await database?.drop(logger: logger)
    }
}
