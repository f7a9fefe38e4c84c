public import Casework
public import ChangeLog
import Foundation
import GRDB
import SQLiteSupport
import SyncProtocol

/// The embedded default backend: one SQLite file (WAL) in the server's data folder.
///
/// The log position is the `changes.seq` rowid. SQLite has one writer at a time, so positions become
/// visible in the order they are assigned, and a pull never passes a position whose change commits later.
public final class SQLiteSyncStore: SyncStore {
    /// The file name of the database inside the data folder.
    public static let fileName = "samenspel-server.sqlite"

    let pool: DatabasePool
    let connections: ConnectionUse
    /// The key the audit log's hash chain is an HMAC under (with the boundary of the log from before it),
    /// read again when a rotation replaces its file.
    let auditKeys: AuditKeySource
    /// The key as its file holds it now.
    public var auditKey: AuditKey? { auditKeys.current }
    /// Audit entries of concurrent requests, written in shared transactions (`nil`: each in its own).
    let audits: GroupCommit<AuditEntry>?
    /// The master key and the client keys unwrapped so far.
    public let keyring: ClientKeyring
    /// The key store's file.
    public let keyStorePath: String

    /// Opens (creating and migrating if needed) the store in `directory`. The audit log's key is read from
    /// `auditKeyPath` — by default `samenspel-audit.key` in the folder — and created there if missing.
    /// Payloads are sealed under client keys kept in the key store at `keyStorePath` (by default
    /// `samenspel-keys.sqlite` in the folder), wrapped by `masterKey` (by default the file
    /// `samenspel-master.key` in the folder, created if missing).
    /// A key store without keys for a change log with sealed payloads is refused, unless
    /// `keyStoreMayBeEmpty` (to put back its backup). Audit entries of concurrent requests share a
    /// transaction, at most `auditBatch` of them (1: each entry in a transaction of its own, as before).
    public init(
        directory: String, auditKeyPath: String? = nil, masterKey: MasterKey? = nil, keyStorePath: String? = nil,
        keyStoreMayBeEmpty: Bool = false, auditBatch: Int = 500
    ) throws {
        audits = auditBatch > 1 ? GroupCommit(maxBatch: auditBatch) : nil
        // Case notes: the folder is the server account's only (0700), the files 0600 — whatever the umask.
        try DatabaseFile.preparePrivate(directory: directory, fileName: Self.fileName)
        let master = try masterKey ?? MasterKey.load(.file(MasterKey.defaultPath(dataDirectory: directory)))
        keyring = ClientKeyring(master: master)
        let keyStorePath = keyStorePath ?? directory + "/" + SQLiteKeyStore.fileName
        self.keyStorePath = keyStorePath
        try SQLiteKeyStore.prepare(path: keyStorePath)
        pool = try DatabaseFile.openPool(at: directory + "/" + Self.fileName, label: "samenspel.server") { db in
            try SQLiteKeyStore.attach(path: keyStorePath, to: db)
        }
        try SQLiteSchema.migrator.migrate(pool)
        // No key file for a log chained under a key is a wrong path (or a lost key), not a new start.
        let keyPath = auditKeyPath ?? AuditKey.defaultPath(dataDirectory: directory)
        if try AuditKey.read(path: keyPath) == nil, try pool.read({ db in try Bool.fetchOne(db, sql: AuditChain.keyedLogQuery) ?? false }) {
            throw AuditKey.missing(keyPath, reason: "the audit log in \(directory) is chained under a key")
        }
        let key = try AuditKey.load(path: keyPath)
        // The entries from before the key keep their plain hashes; the key file records where they end.
        auditKeys = AuditKeySource(key.legacyUntil != nil ? key : key.recordingLegacyBoundary(
            try pool.read { db in try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM audit_log") ?? 0 }))
        connections = ConnectionUse(capacity: pool.configuration.maximumReaderCount + 1)
        do {
            try checkKeyStore(mayBeEmpty: keyStoreMayBeEmpty)
        } catch {
            // A master key file made just now for a key store made under another is a wrong path, not a start.
            if master.created, case .file(let path) = master.source { try? FileManager.default.removeItem(atPath: path) }
            throw error
        }
    }

    /// A read on one snapshot, counted in ``connections``.
    func read<T: Sendable>(_ value: @Sendable (Database) throws -> T) async throws -> T {
        try await connections.measure { try await Self.retryable { try await pool.read(value) } }
    }

    /// A write transaction, counted in ``connections``.
    func write<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        try await connections.measure { try await Self.retryable { try await pool.write(updates) } }
    }

    /// A database that stayed locked by another process (a backup, an admin command) past the busy timeout
    /// becomes ``StoreError/busy``: the routes answer 503 with `Retry-After` and never see a GRDB type. An id
    /// stored twice becomes ``StoreError/exists``.
    static func retryable<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            throw StoreError.busy
        } catch let error as DatabaseError
            where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY || error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
        {
            throw StoreError.exists
        }
    }

    public func status(activeSince: Int64) async throws -> StoreStatus {
        let (applied, active) = try await read { db in
            (try SQLiteSchema.migrator.appliedIdentifiers(db),
             try Int.fetchOne(
                db, sql: "SELECT count(*) FROM devices WHERE revoked_at IS NULL AND last_seen_at >= ?",
                arguments: [activeSince]) ?? 0)
        }
        return StoreStatus(
            backend: "sqlite", missingMigrations: SQLiteSchema.migrator.migrations.filter { !applied.contains($0) },
            activeDevices: active, connectionsInUse: connections.current, connectionsMax: connections.capacity)
    }

    public func createTeam(_ team: TeamRecord) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO teams (id, name, created_at) VALUES (?, ?, ?)",
                arguments: [team.id, team.name, team.createdAt])
        }
    }

    public func createProfessional(_ professional: Professional, teamIds: [String], createdAt: Int64) async throws {
        try await write { db in
            for teamId in teamIds where try !Self.exists(db, table: "teams", id: teamId) {
                throw StoreError(code: .notFound, message: "no team with id \(teamId)")
            }
            try db.execute(
                sql: "INSERT INTO professionals (id, name, discipline, created_at) VALUES (?, ?, ?, ?)",
                arguments: [professional.id, professional.name, professional.discipline.rawValue, createdAt])
            for teamId in Set(teamIds) {
                try db.execute(
                    sql: "INSERT INTO memberships (professional_id, team_id) VALUES (?, ?)",
                    arguments: [professional.id, teamId])
            }
        }
    }

    public func registerClient(_ client: ClientRecord, registration: Change) async throws {
        try await write { db in
            guard try Self.exists(db, table: "teams", id: client.teamId) else {
                throw StoreError(code: .notFound, message: "no team with id \(client.teamId)")
            }
            try db.execute(
                sql: "INSERT INTO clients (id, team_id, created_at) VALUES (?, ?, ?)",
                arguments: [client.id, client.teamId, client.createdAt])
            try db.execute(
                sql: "INSERT INTO client_teams (client_id, team_id, from_hlc, to_hlc) VALUES (?, ?, NULL, NULL)",
                arguments: [client.id, client.teamId])
            try self.insert(registration, receivedAt: client.createdAt, creatingKey: true, db: db)
        }
    }

    public func moveClient(_ clientId: String, toTeam teamId: String, change: Change) async throws {
        try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT team_id, erased_at FROM clients WHERE id = ?", arguments: [clientId])
            else { throw StoreError(code: .notFound, message: "no client with id \(clientId)") }
            // Moving an erased client would give a team scope over an id whose content is gone, and writes
            // about it could be stored again, where no erasure would reach them.
            guard (row["erased_at"] as Int64?) == nil else { throw StoreError.erased(clientId) }
            let current: String = row["team_id"]
            guard try Self.exists(db, table: "teams", id: teamId) else {
                throw StoreError(code: .notFound, message: "no team with id \(teamId)")
            }
            guard current != teamId else {
                throw StoreError(code: .invalidInput, message: "the client is already in team \(teamId)")
            }
            let hlc = change.hlc.description
            let seq = try self.insert(change, receivedAt: change.hlc.wallMillis, db: db)
            try db.execute(
                sql: "UPDATE client_teams SET to_hlc = ?, to_seq = ? WHERE client_id = ? AND to_hlc IS NULL",
                arguments: [hlc, seq, clientId])
            try db.execute(
                sql: "INSERT INTO client_teams (client_id, team_id, from_hlc, to_hlc) VALUES (?, ?, ?, NULL)",
                arguments: [clientId, teamId, hlc])
            try db.execute(sql: "UPDATE clients SET team_id = ? WHERE id = ?", arguments: [teamId, clientId])
            try db.execute(
                sql: "INSERT INTO scope_events (seq, client_id, from_team, to_team) VALUES (?, ?, ?, ?)",
                arguments: [seq, clientId, current, teamId])
        }
    }

    public func teams() async throws -> [TeamRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, created_at FROM teams ORDER BY name, id").map {
                TeamRecord(id: $0["id"], name: $0["name"], createdAt: $0["created_at"])
            }
        }
    }

    public func professionals() async throws -> [ProfessionalRecord] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.id, p.name, p.discipline, group_concat(m.team_id) AS teams
                    FROM professionals p LEFT JOIN memberships m ON m.professional_id = p.id
                    GROUP BY p.id ORDER BY p.name, p.id
                    """
            ).map { row in
                let teams: String? = row["teams"]
                return ProfessionalRecord(
                    professional: try Self.professional(row),
                    teamIds: (teams ?? "").split(separator: ",").map(String.init).sorted())
            }
        }
    }

    public func clients() async throws -> [ClientRecord] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.id AS client_id, c.team_id, c.created_at, c.erased_at, r.id, r.payload
                    FROM clients c LEFT JOIN changes r
                        ON r.client_id = c.id AND r.entity_type = 'client' AND r.operation = 'register'
                    ORDER BY c.created_at, c.id
                    """
            ).map {
                ClientRecord(
                    id: $0["client_id"], teamId: $0["team_id"], createdAt: $0["created_at"], erasedAt: $0["erased_at"],
                    name: CaseworkRules.registeredName(payloadText: try self.readableName($0, db: db)))
            }
        }
    }

    public func saveEnrollmentCode(hash: String, professionalId: String, createdAt: Int64, expiresAt: Int64)
        async throws
    {
        try await write { db in
            guard try Self.exists(db, table: "professionals", id: professionalId) else {
                throw StoreError(code: .notFound, message: "no professional with id \(professionalId)")
            }
            try db.execute(
                sql: """
                    INSERT INTO enrollment_codes (code_hash, professional_id, created_at, expires_at)
                    VALUES (?, ?, ?, ?)
                    """,
                arguments: [hash, professionalId, createdAt, expiresAt])
        }
    }

    public func redeemEnrollmentCode(hash: String, device: NewDevice, now: Int64) async throws -> Professional? {
        try await write { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT p.id, p.name, p.discipline FROM enrollment_codes c
                        JOIN professionals p ON p.id = c.professional_id
                        WHERE c.code_hash = ? AND c.used_at IS NULL AND c.expires_at > ?
                        """,
                    arguments: [hash, now])
            else { return nil }
            let professional = try Self.professional(row)
            try db.execute(
                sql: "UPDATE enrollment_codes SET used_at = ?, device_id = ? WHERE code_hash = ?",
                arguments: [now, device.id, hash])
            try Self.addDevice(device, professionalId: professional.id, enrolledAt: now, lastSeenAt: now, db: db)
            return professional
        }
    }

    public func restoreDevice(_ device: NewDevice, professionalId: String, enrolledAt: Int64, codeHash: String?)
        async throws -> Bool
    {
        try await write { db in
            guard try !Self.exists(db, table: "devices", id: device.id) else { return false }
            guard try Self.exists(db, table: "professionals", id: professionalId) else {
                throw StoreError(code: .notFound, message: "no professional with id \(professionalId)")
            }
            try Self.addDevice(device, professionalId: professionalId, enrolledAt: enrolledAt, lastSeenAt: nil, db: db)
            // A code spent after the backup stays spent.
            try db.execute(
                sql: "UPDATE enrollment_codes SET used_at = ?, device_id = ? WHERE code_hash = ? AND used_at IS NULL",
                arguments: [enrolledAt, device.id, codeHash])
            return true
        }
    }

    /// Creates a device that has seen the log up to its current end.
    private static func addDevice(
        _ device: NewDevice, professionalId: String, enrolledAt: Int64, lastSeenAt: Int64?, db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO devices (id, professional_id, name, token_hash, enrolled_at, last_seen_at, enrolled_seq)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [device.id, professionalId, device.name, device.tokenHash, enrolledAt, lastSeenAt, try logEnd(db)])
    }

    public func authenticate(tokenHash: String, now: Int64) async throws -> Authentication? {
        let found = try await read { db -> (Authentication, Int64?)? in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT d.id AS device_id, d.last_seen_at, d.revoked_at, p.id, p.name, p.discipline
                        FROM devices d JOIN professionals p ON p.id = d.professional_id
                        WHERE d.token_hash = ?
                        """,
                    arguments: [tokenHash])
            else { return nil }
            let deviceId: String = row["device_id"]
            if (row["revoked_at"] as Int64?) != nil { return (.revoked(deviceId: deviceId), nil) }
            let professional = try Self.professional(row)
            let teams = try String.fetchAll(
                db, sql: "SELECT team_id FROM memberships WHERE professional_id = ?", arguments: [professional.id])
            return (.valid(Principal(deviceId: deviceId, professional: professional, teamIds: Set(teams))),
                    row["last_seen_at"])
        }
        guard let (authentication, lastSeen) = found else { return nil }
        if case .valid(let principal) = authentication, (lastSeen ?? 0) < now - 60_000 {
            // At most one write a minute per device, so authentication stays a read on the hot path.
            try await write { db in
                try db.execute(
                    sql: "UPDATE devices SET last_seen_at = ? WHERE id = ?", arguments: [now, principal.deviceId])
            }
        }
        return authentication
    }

    public func devices() async throws -> [DeviceRecord] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT d.id AS device_id, d.name AS device_name, d.enrolled_at, d.last_seen_at, d.revoked_at,
                        p.id, p.name, p.discipline
                    FROM devices d JOIN professionals p ON p.id = d.professional_id ORDER BY d.enrolled_at, d.id
                    """
            ).map { row in
                DeviceRecord(
                    id: row["device_id"], professional: try Self.professional(row), name: row["device_name"],
                    enrolledAt: row["enrolled_at"], lastSeenAt: row["last_seen_at"], revokedAt: row["revoked_at"])
            }
        }
    }

    public func revokeDevice(_ deviceId: String, at: Int64) async throws -> Bool {
        try await write { db in
            guard let revoked = try Row.fetchOne(db, sql: "SELECT revoked_at FROM devices WHERE id = ?", arguments: [deviceId])
            else { return false }
            guard (revoked["revoked_at"] as Int64?) == nil else {
                throw StoreError(code: .invalidInput, message: "device \(deviceId) was revoked before")
            }
            try db.execute(sql: "UPDATE devices SET revoked_at = ? WHERE id = ?", arguments: [at, deviceId])
            return true
        }
    }

    // MARK: - Helpers

    /// Appends a change to the log and to its client's digest for its audience; returns its log position.
    ///
    /// - Parameters:
    ///   - visibleTo: The only discipline that may read it, or `nil` for everyone with the client.
    ///   - creatingKey: Make the client's key (its registration).
    @discardableResult
    func insert(
        _ change: Change, receivedAt: Int64, visibleTo: String? = nil, creatingKey: Bool = false, db: Database
    ) throws -> Int64 {
        try db.cachedStatement(
            sql: """
                INSERT INTO changes (\(ChangeRow.columns), received_at, visible_to) VALUES (\(ChangeRow.placeholders), ?, ?)
                """
        ).execute(arguments: ChangeRow.arguments(change, payload: try storedPayload(change, creatingKey: creatingKey, db: db)) + [receivedAt, visibleTo])
        let seq = db.lastInsertedRowID
        try Self.addToDigest(change.id, client: change.clientId, audience: visibleTo ?? "", db: db)
        return seq
    }

    /// XORs a change id's hash into a client's digest for an audience (without overflow: (a | b) - (a & b)).
    static func addToDigest(_ changeId: String, client: String, audience: String, db: Database) throws {
        let hash = ChangeSetDigest.storedHash(of: changeId)
        try db.cachedStatement(
            sql: """
                INSERT INTO client_digests (client_id, audience, change_count, digest) VALUES (?, ?, 1, ?)
                ON CONFLICT (client_id, audience) DO UPDATE SET change_count = change_count + 1,
                    digest = (digest | excluded.digest) - (digest & excluded.digest)
                """
        ).execute(arguments: [client, audience, hash])
    }

    static func professionals(ids: Set<String>, db: Database) throws -> [Professional] {
        guard !ids.isEmpty else { return [] }
        return try Row.fetchAll(
            db, sql: "SELECT id, name, discipline FROM professionals WHERE id IN \(list(ids.count)) ORDER BY id",
            arguments: StatementArguments(Array(ids))
        ).map(professional)
    }

    static func professional(_ row: Row) throws -> Professional {
        let raw: String = row["discipline"]
        guard let discipline = Discipline(rawValue: raw) else {
            throw StoreError(code: .corrupt, message: "stored professional has an unknown discipline")
        }
        return Professional(id: row["id"], name: row["name"], discipline: discipline)
    }

    static func exists(_ db: Database, table: String, id: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table) WHERE id = ?)", arguments: [id]) ?? false
    }

    /// `(?, ?, …)` with `count` placeholders (`(NULL)` for none, which matches nothing).
    static func list(_ count: Int) -> String {
        count == 0 ? "(NULL)" : "(" + Array(repeating: "?", count: count).joined(separator: ", ") + ")"
    }
}
