import ChangeLog
import Crypto
import Foundation
import GRDB
import SQLiteSupport
import SyncProtocol

/// The SQLite key store: a database file of its own (by default `samenspel-keys.sqlite` in the data folder),
/// attached to every connection of the change log's pool as `keystore`, so that a key is created in the
/// transaction that first seals with it and destroyed in the transaction of the erasure. `admin backup`
/// copies the change log only; `admin keys backup` copies the keys.
enum SQLiteKeyStore {
    /// The file name of the key store inside the data folder.
    static let fileName = "samenspel-keys.sqlite"

    /// Creates the key store file (0600, its folder 0700) and its table, if missing.
    static func prepare(path: String) throws {
        let url = URL(fileURLWithPath: path)
        try DatabaseFile.preparePrivate(
            directory: url.deletingLastPathComponent().path, fileName: url.lastPathComponent)
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA secure_delete = ON")
            try db.execute(sql: schema)
        }
        try queue.close()
    }

    /// One row per client that ever had a key: the key wrapped under a generation of the master key, or, once
    /// destroyed, no key and the time it was destroyed.
    static let schema = """
        CREATE TABLE IF NOT EXISTS client_keys (
            client_id TEXT PRIMARY KEY NOT NULL,
            generation INTEGER NOT NULL,
            wrapped BLOB,
            created_at INTEGER NOT NULL,
            destroyed_at INTEGER
        ) WITHOUT ROWID;
        """

    /// Attaches the key store to a connection of the pool.
    static func attach(path: String, to db: Database) throws {
        try db.execute(sql: "ATTACH DATABASE ? AS keystore", arguments: [path])
        try db.execute(sql: "PRAGMA keystore.secure_delete = ON")
    }

    static func stored(_ row: Row) -> StoredClientKey {
        if let wrapped = row["wrapped"] as Data? {
            return .active(WrappedClientKey(generation: row["generation"], wrapped: wrapped))
        }
        return .destroyed(at: row["destroyed_at"] ?? 0)
    }

    /// The error of a client whose key the key store lacks.
    static func missing(_ clientId: String, _ path: String) -> StoreError {
        StoreError(
            code: .keyUnavailable,
            message: "the key store \(path) has no key for client \(clientId), whose changes are sealed: was it put back "
                + "from an older backup? Put back the newest key-store backup with `admin keys restore`")
    }

    /// Destroys a client's key (a row without key stays, so a restored change log knows it was erased).
    static func destroy(_ clientId: String, at: Int64, db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO keystore.client_keys (client_id, generation, wrapped, created_at, destroyed_at)
                VALUES (?1, 0, NULL, ?2, ?2)
                ON CONFLICT (client_id) DO UPDATE SET wrapped = NULL, destroyed_at = coalesce(destroyed_at, ?2)
                """,
            arguments: [clientId, at])
    }
}

extension SQLiteSyncStore {
    // MARK: - Sealing

    /// The data key of a client, from this process's memory or the key store; `nil` when the key was
    /// destroyed. A client without a key gets one (inside the caller's write transaction) when `creating` —
    /// at its registration, or when its payloads from before encryption are sealed — and only while none of
    /// its changes is sealed: a key is never made in place of one the key store lost (that would seal new
    /// changes under a key the lost one's changes do not open). Otherwise a missing key is
    /// ``ErrorCode/keyUnavailable``.
    func clientKey(_ clientId: String, creating: Bool, db: Database) throws -> SymmetricKey? {
        if let key = keyring.cached(clientId) { return key }
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT generation, wrapped, destroyed_at FROM keystore.client_keys WHERE client_id = ?"),
            arguments: [clientId])
        {
            switch SQLiteKeyStore.stored(row) {
            case .active(let wrapped): return try keyring.unwrap(wrapped, clientId: clientId)
            case .destroyed: return nil
            }
        }
        let sealedBefore = try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM changes WHERE client_id = ? AND typeof(payload) = 'blob')"),
            arguments: [clientId]) ?? false
        guard creating, !sealedBefore else { throw SQLiteKeyStore.missing(clientId, keyStorePath) }
        let (key, stored) = try keyring.newKey(for: clientId)
        try db.execute(
            sql: "INSERT INTO keystore.client_keys (client_id, generation, wrapped, created_at) VALUES (?, ?, ?, ?)",
            arguments: [clientId, stored.generation, stored.wrapped, WallClock.millis()])
        // Kept only once the transaction commits: a rolled-back key must not seal later payloads (a second
        // change of the client in this transaction reads it back from the key store, which caches it).
        db.afterNextTransaction(
            onCommit: { _ in self.keyring.remember(key, for: clientId) }, onRollback: { _ in self.keyring.forget(clientId) })
        return key
    }

    /// The stored form of a change's payload: sealed under its client's key, a BLOB; an erasure record's as
    /// its text. A registration makes the client's key (`creatingKey`); the registration of a client whose
    /// key was destroyed — registered and erased after a backup, redone from the operations journal — is
    /// stored without content (`{}`), for the erasure that follows it in the journal.
    func storedPayload(_ change: Change, creatingKey: Bool = false, db: Database) throws -> any DatabaseValueConvertible {
        let text = change.canonicalPayload
        guard ClientKeyring.seals(change), keyring.sealing else { return text }
        guard let key = try clientKey(change.clientId, creating: creatingKey, db: db) else {
            if creatingKey && ClientKeyring.isRegistration(change) { return "{}" }
            throw StoreError(
                code: .clientErased, message: "client \(change.clientId)'s key was destroyed: it was erased; nothing was stored")
        }
        return try keyring.sealedBytes(text, changeId: change.id, key: key)
    }

    /// Reads a change from a row with ``ChangeRow/columns``, opening its payload.
    func decode(_ row: Row, db: Database) throws -> Change {
        let base = ChangeRow.firstColumn(of: row)
        let clientId: String = row[base + 1]
        let stored: DatabaseValue = row[base + 5]
        guard let payload = try opened(stored, changeId: { row[base] }, clientId: { clientId }, db: db) else {
            throw StoreError(
                code: .corrupt,
                message: "the changes of client \(clientId) are sealed under a key that was destroyed "
                    + "(the client was erased): start the server, or run `admin restore`, to finish the erasure")
        }
        // A sealed payload is kept as the canonical text it was stored as: a pull page sends it without
        // parsing it. One stored in plaintext is parsed (checked).
        let sealed = if case .blob = stored.storage { true } else { false }
        return try ChangeRow.decode(row, storedPayload: payload, sealed: sealed, at: base)
    }

    /// Opens the payload in the column `column` of a row that also has `id` and `client_id`: a TEXT value is
    /// the payload as it is, a BLOB a sealed one. `nil` when there is none, or when the client's key was
    /// destroyed (erased: in a change log restored from before the erasure, until it is done again, its name
    /// is not readable and its changes are refused).
    func openedPayload(_ row: Row, column: String, db: Database) throws -> String? {
        try opened(row[column], changeId: { row["id"] }, clientId: { row["client_id"] }, db: db)
    }

    /// Opens a stored payload `value` of a change (see ``openedPayload(_:column:db:)``); the change's ids are
    /// read only for a sealed one.
    private func opened(
        _ value: DatabaseValue, changeId: () -> String, clientId: () -> String, db: Database
    ) throws -> String? {
        switch value.storage {
        case .null: return nil
        case .string(let text): return text
        case .blob(let sealed):
            let clientId = clientId()
            guard let key = try clientKey(clientId, creating: false, db: db) else { return nil }
            return try ClientKeyring.open(bytes: sealed, changeId: changeId(), clientId: clientId, key: key)
        case .int64, .double:
            throw StoreError(code: .corrupt, message: "a stored change has an unreadable payload")
        }
    }

    /// The registration payload of a `clients` row joined with its registration, for the client's name; `nil`
    /// when its key is destroyed or missing (the list of clients still shows the others; `admin keys status`
    /// lists the clients whose keys are missing).
    func readableName(_ row: Row, db: Database) throws -> String? {
        do {
            return try openedPayload(row, column: "payload", db: db)
        } catch let error as StoreError where error.code == .keyUnavailable {
            return nil
        }
    }

    // MARK: - Opening the store

    /// At every open: refuses a key store that cannot open the log (none, or made under another master
    /// key), and seals payloads stored before this version (but those of clients whose keys were destroyed,
    /// which ``Administration/reconcileKeys()`` erases again). Keys that erased clients still have are
    /// destroyed by ``Administration/reconcileKeys()`` too (audited, the files scrubbed).
    func checkKeyStore(mayBeEmpty: Bool) throws {
        try pool.write { db in
            let keys = try Int.fetchOne(db, sql: "SELECT count(*) FROM keystore.client_keys") ?? 0
            if keys == 0, !mayBeEmpty, try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM changes WHERE typeof(payload) = 'blob')") ?? false
            {
                throw StoreError(
                    code: .invalidInput,
                    message: "the key store \(keyStorePath) holds no key, but the change log's payloads are sealed: give the "
                        + "server its key store (--key-store), or put back its backup with `admin keys restore`")
            }
            // One key opens (or the master key is not the one the key store was made with).
            if let row = try Row.fetchOne(
                db, sql: "SELECT client_id, generation, wrapped FROM keystore.client_keys WHERE wrapped IS NOT NULL LIMIT 1")
            {
                _ = try keyring.unwrap(WrappedClientKey(generation: row["generation"], wrapped: row["wrapped"]), clientId: row["client_id"])
            }
        }
        while try sealPlaintextPayloads(limit: 1000) > 0 {}
    }

    /// Seals up to `limit` payloads stored in plaintext by a version before encryption at rest; returns how
    /// many. When none is left it records so, and empties the write-ahead log (where `secure_delete` has
    /// overwritten the plaintext in the database file).
    private func sealPlaintextPayloads(limit: Int) throws -> Int {
        let sealed = try pool.write { db -> Int in
            guard try Bool.fetchOne(db, sql: "SELECT plaintext_payloads FROM server_state") ?? false else { return 0 }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, \(ChangeRow.columns) FROM changes
                    WHERE typeof(payload) <> 'blob'
                        AND NOT (entity_type = 'client' AND operation = 'erase')
                        AND client_id NOT IN (SELECT client_id FROM keystore.client_keys WHERE wrapped IS NULL)
                    ORDER BY seq LIMIT ?
                    """,
                arguments: [limit])
            for row in rows {
                let change = try ChangeRow.decode(row)
                try db.execute(
                    sql: "UPDATE changes SET payload = ? WHERE seq = ?",
                    arguments: [try storedPayload(change, creatingKey: true, db: db), row["seq"] as Int64])
            }
            if rows.count < limit { try db.execute(sql: "UPDATE server_state SET plaintext_payloads = 0") }
            return rows.count
        }
        if sealed > 0 && sealed < limit { _ = try pool.barrierWriteWithoutTransaction { db in try DatabaseFile.checkpointTruncating(db) } }
        return sealed
    }



    // MARK: - KeyStore

    public func keyStatus() async throws -> KeyStoreStatus {
        try await read { db in
            var byGeneration: [Int: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT generation, count(*) AS n FROM keystore.client_keys WHERE wrapped IS NOT NULL GROUP BY generation")
            {
                byGeneration[row["generation"]] = row["n"]
            }
            let sealed = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM changes WHERE typeof(payload) = 'blob'") ?? 0
            return KeyStoreStatus(
                keysByGeneration: byGeneration,
                destroyed: try Int.fetchOne(db, sql: "SELECT count(*) FROM keystore.client_keys WHERE wrapped IS NULL") ?? 0,
                sealedChanges: sealed,
                plainChanges: (try Int.fetchOne(db, sql: "SELECT count(*) FROM changes") ?? 0) - sealed,
                missingKeys: try String.fetchAll(
                    db,
                    sql: """
                        SELECT DISTINCT client_id FROM changes WHERE typeof(payload) = 'blob'
                            AND client_id NOT IN (SELECT client_id FROM keystore.client_keys) ORDER BY client_id
                        """),
                unsealedContent: try Int.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) FROM changes
                        WHERE typeof(payload) <> 'blob' AND NOT (entity_type = 'client' AND operation = 'erase')
                        """) ?? 0)
        }
    }

    public func rewrapClientKeys(limit: Int) async throws -> Int {
        let master = keyring.master
        return try await write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT client_id, generation, wrapped FROM keystore.client_keys
                    WHERE wrapped IS NOT NULL AND generation < ? LIMIT ?
                    """,
                arguments: [master.generation, limit])
            for row in rows {
                let clientId: String = row["client_id"]
                let rewrapped = try self.keyring.rewrap(
                    WrappedClientKey(generation: row["generation"], wrapped: row["wrapped"]), clientId: clientId, under: master)
                try db.execute(
                    sql: "UPDATE keystore.client_keys SET generation = ?, wrapped = ? WHERE client_id = ? AND wrapped IS NOT NULL",
                    arguments: [rewrapped.generation, rewrapped.wrapped, clientId])
            }
            return rows.count
        }
    }

    public func clientsWithDestroyedKeys() async throws -> [String] {
        try await read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT c.id FROM clients c JOIN keystore.client_keys k ON k.client_id = c.id
                    WHERE c.erased_at IS NULL AND k.wrapped IS NULL ORDER BY c.id
                    """)
        }
    }

    public func destroyKeysOfErasedClients(at: Int64) async throws -> Int {
        let destroyed = try await write { db in
            try String.fetchAll(
                db,
                sql: """
                    UPDATE keystore.client_keys SET wrapped = NULL, destroyed_at = ?
                    WHERE wrapped IS NOT NULL AND client_id IN (SELECT id FROM main.clients WHERE erased_at IS NOT NULL)
                    RETURNING client_id
                    """,
                arguments: [at])
        }
        for clientId in destroyed { keyring.forget(clientId) }
        if !destroyed.isEmpty { try await scrubWriteAheadLog() }
        return destroyed.count
    }

    public func exportKeys() async throws -> [String: StoredClientKey] {
        try await read { db in
            var keys: [String: StoredClientKey] = [:]
            // An erased client's key that the key store still has (put back from a copy made before the
            // erasure, not yet destroyed again) goes into no backup.
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT k.client_id, k.generation, k.destroyed_at,
                        CASE WHEN c.erased_at IS NULL THEN k.wrapped END AS wrapped
                    FROM keystore.client_keys k LEFT JOIN main.clients c ON c.id = k.client_id
                    """)
            {
                keys[row["client_id"]] = SQLiteKeyStore.stored(row)
            }
            return keys
        }
    }

    public func importKeys(_ keys: [String: StoredClientKey], at: Int64) async throws -> Int {
        let added = try await write { db -> Int in
            var added = 0
            for (clientId, stored) in keys {
                switch stored {
                case .active(let key):
                    try db.execute(
                        sql: """
                            INSERT INTO keystore.client_keys (client_id, generation, wrapped, created_at) VALUES (?, ?, ?, ?)
                            ON CONFLICT (client_id) DO NOTHING
                            """,
                        arguments: [clientId, key.generation, key.wrapped, at])
                    added += db.changesCount
                case .destroyed(let destroyedAt):
                    try SQLiteKeyStore.destroy(clientId, at: destroyedAt, db: db)
                }
            }
            return added
        }
        try await scrubWriteAheadLog()
        return added
    }
}
