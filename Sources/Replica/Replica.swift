public import Casework
import ChangeLog
import Foundation
import GRDB
import SQLiteSupport
public import SyncProtocol

/// A professional's local replica: one SQLite file (WAL) in a folder of their own.
///
/// Every write is recorded at once, offline, as a ``Change`` plus its projections and an outbox entry, in one
/// transaction that survives a crash. ``sync(using:)`` pushes the outbox and pulls what the server has; the
/// journey of a client is computed locally from the changes, so it works without a connection.
///
/// ```swift
/// let replica = try await Replica.enroll(in: folder, serverURL: "http://127.0.0.1:8080", code: code)
/// let noteId = try await replica.addNote(clientId: clientId, NoteContent(text: "Home visit: …"))
/// try await replica.sync()
/// let journey = try await replica.journey(clientId: clientId)
/// ```
public final class Replica: Sendable {
    /// The file name of the database inside the replica folder.
    public static let fileName = "samenspel-replica.sqlite"
    /// The field app's sessions (hashes of their tokens, with their expiry), kept beside the database and
    /// removed by a wipe.
    public static let appSessionsFileName = "samenspel-app-sessions.json"
    /// The file a wipe leaves behind, saying when and why (no client data).
    public static let wipeNoticeFileName = "samenspel-replica.wiped"

    /// The replica folder.
    public let directory: String
    let pool: DatabasePool
    let wallMillis: @Sendable () -> Int64
    /// The keys while unlocked (``ReplicaVault``).
    let vault: ReplicaVault

    /// Opens the enrolled replica in `directory` and unlocks it with the professional's passphrase.
    ///
    /// A replica from before encryption at rest gets `passphrase` as its first one: its personal fields are
    /// sealed and its files rewritten, so that no plaintext is left in them.
    ///
    /// - Throws: ``ReplicaError`` `notEnrolled` when the folder holds no enrolled replica; `wrongPassphrase`
    ///   when the passphrase does not unlock it (after a few, each try must wait longer:
    ///   ``ReplicaError/retryAfterSeconds``); `passphraseRequired` for an empty one.
    /// - Parameter cost: The scrypt cost of a first passphrase (a replica from before encryption); a replica
    ///   that has one keeps its own.
    public convenience init(
        directory: String, passphrase: String, cost: PassphraseCost = .standard,
        wallMillis: @escaping @Sendable () -> Int64 = WallClock.millis
    ) throws {
        try Self.checkFolder(directory)
        try self.init(openingAt: directory, passphrase: passphrase, cost: cost, wallMillis: wallMillis)
        guard try pool.read({ db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM enrollment)") }) == true
        else {
            throw ReplicaError(code: ReplicaError.notEnrolled, message: "the replica in \(directory) is not enrolled")
        }
    }

    private init(
        openingAt directory: String, passphrase: String, cost: PassphraseCost,
        wallMillis: @escaping @Sendable () -> Int64
    ) throws {
        guard !passphrase.isEmpty else {
            throw ReplicaError(code: ReplicaError.passphraseRequired, message: "the passphrase is empty")
        }
        self.directory = directory
        self.wallMillis = wallMillis
        let vault = ReplicaVault()
        self.vault = vault
        try ReplicaFiles.prepare(directory: directory)
        pool = try DatabaseFile.openPool(at: directory + "/" + Self.fileName, label: "samenspel.replica") { db in
            // Sorts and temporary tables hold opened values: never in a temporary file.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            vault.install(in: db)
            if !db.configuration.readonly { try SearchIndex.attach(db) }
        }
        let migrator = ReplicaSchema.migrator { db in try vault.createKeyring(passphrase: passphrase, cost: cost, db: db) }
        try migrator.migrate(pool)
        if vault.isUnlocked {  // keys created just now
            try pool.write { db in try SearchIndex.reindexAll(db: db) }
        } else {
            try unlock(passphrase: passphrase)
        }
        // Sealing replaced every personal field; the plaintext of before must leave the file and its log.
        try Self.rewriteFilesIfOwed(pool)
        try ReplicaFiles.restrict(directory: directory)
    }

    /// Enrolls a new replica in `directory` with a one-time code from an administrator.
    ///
    /// Nothing is written to `directory` unless the server accepts the code. The folder is made readable by
    /// the user only (0700, files 0600).
    ///
    /// - Parameters:
    ///   - insecure: Allow plain `http` to a server that is not on this machine (test setups only).
    ///   - caPEM: Certificate authorities to trust besides the system's (a municipal PKI), in PEM.
    ///   - passphrase: The passphrase that unlocks the replica from now on (``init(directory:passphrase:cost:wallMillis:)``).
    ///   - cost: How hard the passphrase is made to guess; ``PassphraseCost/standard`` for every real laptop.
    public static func enroll(
        in directory: String, serverURL: String, code: String, passphrase: String, cost: PassphraseCost = .standard,
        deviceName: String? = nil, insecure: Bool = false, caPEM: String? = nil, transport: (any SyncTransport)? = nil,
        wallMillis: @escaping @Sendable () -> Int64 = WallClock.millis
    ) async throws -> Replica {
        guard !passphrase.isEmpty else {
            throw ReplicaError(code: ReplicaError.passphraseRequired, message: "choose a passphrase for this replica")
        }
        let path = directory + "/" + fileName
        if FileManager.default.fileExists(atPath: path) {
            throw ReplicaError(
                code: ReplicaError.alreadyEnrolled,
                message: "\(directory) already holds an enrolled replica (if its passphrase is forgotten, enroll in "
                    + "another folder: this one keeps its unsent writes, sealed, until the passphrase comes back)")
        }
        let baseURL = try HTTPSyncTransport.normalize(serverURL, insecure: insecure)
        let transport = try transport ?? HTTPSyncTransport(baseURL: baseURL, trusting: caPEM)
        let response = try await transport.enroll(EnrollRequest(code: code, deviceName: deviceName))
        ReplicaFiles.clearWipeNotice(in: directory)
        let replica = try Replica(openingAt: directory, passphrase: passphrase, cost: cost, wallMillis: wallMillis)
        try await replica.pool.write { db in
            let now = wallMillis()
            var clock = HybridLogicalClock()
            clock.observe(response.serverTime, wallMillis: response.serverTime.wallMillis)
            try db.execute(
                sql: """
                    INSERT INTO enrollment (singleton, server_url, device_id, token, professional_id,
                        professional_name, discipline, enrolled_at, insecure, ca_pem)
                    VALUES (1, ?, ?, samenspel_seal_device(?), ?, samenspel_seal_device(?), ?, ?, ?, ?)
                    """,
                arguments: [
                    baseURL, response.deviceId, response.token, response.professional.id,
                    response.professional.name, response.professional.discipline.rawValue, now, insecure, caPEM,
                ])
            try db.execute(
                sql: "INSERT INTO sync_state (singleton, cursor, hlc) VALUES (1, NULL, ?)",
                arguments: [clock.last.description])
            try ClockState.learn(serverTime: response.serverTime, localWall: now, db: db)
            try db.execute(sql: "UPDATE sync_state SET server_epoch = ?", arguments: [response.epoch])
            try Self.saveDirectory([response.professional], db: db)
        }
        return replica
    }

    // MARK: - Reading

    /// Who this replica is.
    public func identity() async throws -> ReplicaIdentity {
        try await pool.read { db in try Self.identity(db) }
    }

    /// The clients in this replica, most recently active first.
    public func clients() async throws -> [ClientSummary] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, \(ReplicaVault.opened("name", client: "id")) AS name, team_id, last_activity_hlc,
                        change_count
                    FROM clients
                    ORDER BY last_activity_hlc DESC, id
                    """
            ).map { row in
                ClientSummary(
                    id: row["id"], name: row["name"], teamId: row["team_id"],
                    lastActivity: HLCTimestamp(row["last_activity_hlc"] as String) ?? .zero,
                    changeCount: row["change_count"])
            }
        }
    }

    /// The journey of a client, computed from the changes in this replica.
    ///
    /// - Parameter readAt: When it is read, for the force field's time-based rules (``readToday`` in views, so
    ///   that an open referral or an old assessment is signalled even if nobody wrote since); `nil` measures
    ///   against the latest change only.
    /// - Throws: ``ReplicaError`` `unknownClient` when the replica holds nothing about the client.
    public func journey(
        clientId: String, settings: ForceFieldSettings = .standard, readAt: Int64? = nil
    ) async throws -> ClientJourney {
        let (changes, directory) = try await pool.read { db in
            (try ChangeStore.changes(aboutClient: clientId, db: db), try Self.directory(db))
        }
        guard !changes.isEmpty else {
            throw ReplicaError.unknownClient(clientId)
        }
        return JourneyProjection.project(
            clientId: clientId, changes: changes, directory: directory, settings: settings, readAt: readAt)
    }

    /// The start of today (UTC) on this replica's clock as corrected by the server's (the offset its writes
    /// are stamped with): what views read journeys at, so that every replica holding the same changes shows the
    /// same signals all day — also a laptop whose own clock is days off.
    public func readToday() async throws -> Int64 {
        let offset = try await pool.read { db in try ClockState.offset(db) }
        return CalendarTime.startOfDay(millis: wallMillis() + offset)
    }

    /// The local position of the newest write waiting to be sent, or `nil` when none waits. Positions only
    /// grow, so a watcher that keeps the highest it saw notices every new write, even one made after a sync
    /// emptied the outbox and leaving as many waiting as before.
    public func newestPendingWrite() async throws -> Int64? {
        try await pool.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT max(changes.local_seq) FROM outbox JOIN changes ON changes.id = outbox.change_id")
        }
    }

    /// Where the replica stands: pending writes, refused writes, last sync.
    public func status() async throws -> ReplicaStatus {
        try await pool.read { db in
            let rejected = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(StoredChange.columns), code, \(ReplicaVault.opened("message", client: "client_id")) AS message,
                        rejected_at
                    FROM rejected ORDER BY rejected_at, id
                    """
            ).map { row in
                RejectedChange(
                    change: try ChangeRow.decode(row), code: ErrorCode(row["code"] as String), message: row["message"],
                    rejectedAt: row["rejected_at"])
            }
            let waiting = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(StoredChange.columns), outbox.waiting_code,
                        samenspel_open_device(outbox.waiting_message) AS waiting_message
                    FROM outbox JOIN changes ON changes.id = outbox.change_id
                    WHERE outbox.waiting_code IS NOT NULL ORDER BY changes.local_seq
                    """
            ).map { row in
                WaitingChange(
                    change: try ChangeRow.decode(row), code: ErrorCode(row["waiting_code"] as String),
                    message: row["waiting_message"])
            }
            var status = ReplicaStatus(
                identity: try Self.identity(db),
                pendingChanges: try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0,
                rejected: rejected,
                lastSyncAt: try Int64.fetchOne(db, sql: "SELECT last_sync_at FROM sync_state"),
                clientCount: try Int.fetchOne(db, sql: "SELECT count(*) FROM clients") ?? 0,
                changeCount: try Int.fetchOne(db, sql: "SELECT count(*) FROM changes") ?? 0)
            status.waiting = waiting
            return status
        }
    }

    // MARK: - Shared helpers

    static func identity(_ db: Database) throws -> ReplicaIdentity {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT server_url, device_id, professional_id,
                            samenspel_open_device(professional_name) AS professional_name, discipline, enrolled_at
                        FROM enrollment
                        """)),
            let discipline = Discipline(rawValue: row["discipline"])
        else {
            throw ReplicaError(code: ReplicaError.notEnrolled, message: "the replica is not enrolled")
        }
        return ReplicaIdentity(
            serverURL: row["server_url"], deviceId: row["device_id"],
            professional: Professional(id: row["professional_id"], name: row["professional_name"], discipline: discipline),
            enrolledAt: row["enrolled_at"])
    }

    static func directory(_ db: Database) throws -> [String: Professional] {
        var directory: [String: Professional] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, samenspel_open_device(name) AS name, discipline FROM professionals") {
            guard let discipline = Discipline(rawValue: row["discipline"]) else { continue }
            directory[row["id"]] = Professional(id: row["id"], name: row["name"], discipline: discipline)
        }
        return directory
    }

    static func saveDirectory(_ professionals: [Professional], db: Database) throws {
        for professional in professionals {
            try db.execute(
                sql: "INSERT OR REPLACE INTO professionals (id, name, discipline) VALUES (?, samenspel_seal_device(?), ?)",
                arguments: [professional.id, professional.name, professional.discipline.rawValue])
        }
    }

    /// Runs `update` on the persisted hybrid logical clock inside the caller's transaction.
    @discardableResult
    static func withClock<T>(_ db: Database, _ update: (inout HybridLogicalClock) throws -> T) throws -> T {
        let text = try String.fetchOne(db.cachedStatement(sql: "SELECT hlc FROM sync_state")) ?? ""
        var clock = HybridLogicalClock(last: HLCTimestamp(text) ?? .zero)
        let result = try update(&clock)
        try db.cachedStatement(sql: "UPDATE sync_state SET hlc = ?").execute(arguments: [clock.last.description])
        return result
    }
}
