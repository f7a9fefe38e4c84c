import Foundation
import GRDB
import SyncProtocol

/// What a check of the key store against the change log did (``Administration/reconcileKeys()``).
public struct KeyReconciliation: Hashable, Sendable {
    /// Clients erased again: the change log held them, but their keys had been destroyed (the log was restored
    /// from a backup made before their erasure).
    public var erasedAgain: [String] = []
    /// Keys destroyed again: erased clients still had them (the key store was restored from a backup made
    /// before their erasure).
    public var keysDestroyed = 0
}

/// What a rotation of the master key did (``Administration/rotateMasterKey()``).
public struct KeyRotation: Hashable, Sendable {
    /// The newest generation before.
    public let from: Int
    /// The generation every client key is wrapped under now.
    public let to: Int
    /// Client keys rewrapped.
    public let rewrapped: Int
}

extension Administration {
    /// Makes the change log and the key store agree about erasures, whichever of them was restored from a
    /// backup: a client whose key was destroyed is erased again (its changes could never be read, and the
    /// erasure must reach the laptops again), and an erased client's key is destroyed again. Run at every
    /// server start and by `admin restore` and `admin keys restore`; on stores that agree it does nothing.
    public func reconcileKeys() async throws -> KeyReconciliation {
        var result = KeyReconciliation()
        for clientId in try await store.clientsWithDestroyedKeys() {
            _ = try await eraseClient(
                clientId, reason: "its key had been destroyed: erased before the change log was restored from a backup")
            result.erasedAgain.append(clientId)
        }
        result.keysDestroyed = try await store.destroyKeysOfErasedClients(at: wallMillis())
        if result.keysDestroyed > 0 {
            try await audit(
                "keysDestroyedAgain",
                details: ["keys": String(result.keysDestroyed), "reason": "erased clients had keys in a restored key store"])
        }
        return result
    }

    /// Starts a new generation of the master key and rewraps every client key under it, in batches, while
    /// servers keep serving (each unwraps a key under a generation it lacks by reading the master key
    /// again); audited as `admin.masterKeyRotated`. With a key file, the file gets the new generation; with
    /// a key-management command, the command must already print it (``MasterKey/withNewGeneration()``).
    public func rotateMasterKey() async throws -> KeyRotation {
        try await store.checkAuditKey()  // before acting: the action must not be left unaudited
        let keyring = store.keyring
        let from = keyring.master.generation
        let rotated = try keyring.master.withNewGeneration()
        keyring.replaceMaster(with: rotated)
        var rewrapped = 0
        while true {
            let batch = try await store.rewrapClientKeys(limit: 500)
            rewrapped += batch
            if batch == 0 { break }
        }
        try await audit(
            "masterKeyRotated",
            details: ["from": String(from), "to": String(rotated.generation), "rewrapped": String(rewrapped)])
        return KeyRotation(from: from, to: rotated.generation, rewrapped: rewrapped)
    }

    /// Writes every row of the key store — wrapped keys, and the clients whose keys were destroyed — to a new
    /// file at `path` (0600); returns how many keys it holds. Useless without the master key, which it does
    /// not contain. Audited.
    public func backupKeys(to path: String) async throws -> Int {
        let keys = try await store.exportKeys()
        try await KeyStoreBackup.write(keys, to: path, at: wallMillis())
        let active = keys.values.filter { if case .active = $0 { true } else { false } }.count
        try await audit("keysBackedUp", details: ["keys": String(active), "file": path])
        return active
    }

    /// Puts back the keys of a key-store backup the key store lacks (never over a key destroyed since), then
    /// destroys again those of clients erased since the backup; returns how many keys it added. Audited.
    public func restoreKeys(from path: String) async throws -> (added: Int, reconciliation: KeyReconciliation) {
        let keys = try KeyStoreBackup.read(path)
        let added = try await store.importKeys(keys, at: wallMillis())
        try await audit("keysRestored", details: ["keys": String(added), "file": path])
        return (added, try await reconcileKeys())
    }
}

/// The file of a key-store backup: a SQLite database with the table `client_keys` (client, master key
/// generation, wrapped key or none, destroyed at).
enum KeyStoreBackup {
    static func write(_ keys: [String: StoredClientKey], to path: String, at: Int64) async throws {
        try await NewDatabaseFile.write(at: path) { queue in
            try await queue.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE samenspel_key_backup (made_at INTEGER NOT NULL);
                        CREATE TABLE client_keys (
                            client_id TEXT PRIMARY KEY NOT NULL, generation INTEGER NOT NULL, wrapped BLOB,
                            destroyed_at INTEGER);
                        """)
                try db.execute(sql: "INSERT INTO samenspel_key_backup (made_at) VALUES (?)", arguments: [at])
                for (clientId, stored) in keys {
                    switch stored {
                    case .active(let key):
                        try db.execute(
                            sql: "INSERT INTO client_keys (client_id, generation, wrapped) VALUES (?, ?, ?)",
                            arguments: [clientId, key.generation, key.wrapped])
                    case .destroyed(let destroyedAt):
                        try db.execute(
                            sql: "INSERT INTO client_keys (client_id, generation, destroyed_at) VALUES (?, 0, ?)",
                            arguments: [clientId, destroyedAt])
                    }
                }
            }
        }
    }

    static func read(_ path: String) throws -> [String: StoredClientKey] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(code: .notFound, message: "no key-store backup \(path)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        do {
            return try DatabaseQueue(path: path, configuration: configuration).read { db in
                guard try db.tableExists("samenspel_key_backup"), try db.tableExists("client_keys") else {
                    throw StoreError(code: .invalidInput, message: "\(path) is not a key-store backup of `admin keys backup`")
                }
                var keys: [String: StoredClientKey] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT * FROM client_keys") {
                    keys[row["client_id"]] = (row["wrapped"] as Data?).map {
                        .active(WrappedClientKey(generation: row["generation"], wrapped: $0))
                    } ?? .destroyed(at: row["destroyed_at"] ?? 0)
                }
                return keys
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(code: .invalidInput, message: "\(path) is not a readable key-store backup: \(error)")
        }
    }
}
