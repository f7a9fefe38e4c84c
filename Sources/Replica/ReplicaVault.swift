import Crypto
import Foundation
import GRDB
import _CryptoExtras

/// How hard a passphrase is made to guess: the scrypt cost that derives the key which wraps the device key.
/// It is stored with the replica, so a replica keeps opening with the cost it was given.
public struct PassphraseCost: Sendable, Equatable {
    /// scrypt's N (CPU and memory cost, a power of two).
    public var rounds: Int
    /// scrypt's r (block size).
    public var blockSize: Int
    /// scrypt's p (parallelism).
    public var parallelism: Int

    /// Creates a cost; `rounds` must be a power of two.
    public init(rounds: Int, blockSize: Int, parallelism: Int) {
        self.rounds = rounds
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    /// N = 2¹⁷, r = 8, p = 1: 128 MiB of memory and about 0.45 s per try (measured: a release `samenspel status`, 0.50 s against 0.05 s with N = 2¹⁰) (OWASP's scrypt
    /// minimum is N = 2¹⁷). Every laptop replica uses it.
    public static let standard = PassphraseCost(rounds: 1 << 17, blockSize: 8, parallelism: 1)
    /// N = 2¹⁰, the lowest `samenspel enroll --scrypt-log-n` accepts: for tests and benchmarks that enroll
    /// hundreds of replicas. A stolen laptop's passphrase is then cheap to guess: never for a professional's.
    public static let lowest = PassphraseCost(rounds: 1 << 10, blockSize: 8, parallelism: 1)

    /// The memory one derivation needs: 128 × N × r bytes.
    var memoryBytes: Int { 128 * rounds * blockSize * parallelism + (1 << 20) }
}

/// The replica's keys while it is unlocked, and the SQL functions that seal and open its personal fields.
///
/// Key hierarchy (Protocol/README.md, "Encryption at rest"):
/// - the **passphrase** derives (scrypt, ``PassphraseCost``) the key that wraps the **device key**; the
///   wrapped device key, its salt and cost are the `keyring` row;
/// - the **device key** wraps each **client key** (`client_keys`, one row per client) and seals the device
///   token and professionals' names;
/// - a **client key** seals that client's change payloads, refused writes and name.
///
/// Every sealed value is a BLOB: a version byte (1) and AES-256-GCM's nonce, ciphertext and tag. A TEXT value
/// in a sealed column is content without personal data (`{}` of an erased client's refused write).
/// Deleting a client's row of `client_keys` makes whatever of that client is left in free pages or backups
/// unreadable (crypto-shredding). Only the device key is kept, and only in memory, while unlocked.
final class ReplicaVault: @unchecked Sendable {
    private let lock = NSLock()
    private var deviceKey: SymmetricKey?
    /// Client keys already unwrapped, by their wrapped bytes (which are unique per key).
    private var clientKeys: [Data: SymmetricKey] = [:]
    /// `false` only in the benchmark that measures what sealing costs: values are then stored as they are.
    private var sealing = true

    private static let version: UInt8 = 1
    private static let deviceKeyLabel = Data("samenspel device key v1".utf8)
    private static let clientKeyLabel = Data("samenspel client key v1".utf8)

    // MARK: - SQL

    /// The SQL of the replica's key tables (migration v4).
    static let schema = """
        CREATE TABLE keyring (
            singleton INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
            kdf TEXT NOT NULL,
            salt BLOB NOT NULL,
            rounds INTEGER NOT NULL,
            block_size INTEGER NOT NULL,
            parallelism INTEGER NOT NULL,
            wrapped_device_key BLOB NOT NULL,
            failed_attempts INTEGER NOT NULL DEFAULT 0,
            retry_after INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE client_keys (owner TEXT PRIMARY KEY NOT NULL, wrapped BLOB NOT NULL) WITHOUT ROWID;
        """

    /// An SQL expression that opens a column sealed under the key of the client whose id is `clientId`
    /// (an expression of the row: `client_id`, `clients.id`).
    static func opened(_ column: String, client clientId: String) -> String {
        "samenspel_open((SELECT wrapped FROM client_keys WHERE owner = \(clientId)), \(column))"
    }

    /// An SQL expression that seals a value under the key of the client `clientId` (two expressions or `?`).
    static func sealed(_ value: String, client clientId: String) -> String {
        "samenspel_seal((SELECT wrapped FROM client_keys WHERE owner = \(clientId)), \(value))"
    }

    /// Creates the keys of clients that have none yet, inside the caller's transaction.
    static func ensureClientKeys<S: Sequence<String>>(_ clientIds: S, db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO client_keys (owner, wrapped) SELECT ?1, samenspel_new_client_key()
                WHERE NOT EXISTS (SELECT 1 FROM client_keys WHERE owner = ?1)
                """)
        for clientId in Set(clientIds) { try statement.execute(arguments: [clientId]) }
    }

    /// Destroys a client's key once nothing readable of the client is left: no change and no refused write
    /// with content. What remains of the client in free pages, the write-ahead log or a copy of the folder
    /// can no longer be read.
    static func shredClientKeyIfUnused(_ clientId: String, db: Database) throws {
        try db.execute(
            sql: """
                DELETE FROM client_keys WHERE owner = ?1
                    AND NOT EXISTS (SELECT 1 FROM changes WHERE client_id = ?1)
                    AND NOT EXISTS (
                        SELECT 1 FROM rejected WHERE client_id = ?1 AND (typeof(payload) = 'blob' OR typeof(message) = 'blob'))
                    AND NOT EXISTS (SELECT 1 FROM clients WHERE id = ?1)
                """,
            arguments: [clientId])
    }

    /// Destroys the keys of every client of which nothing readable is left (after refused writes of evicted
    /// clients were acknowledged).
    static func shredUnusedClientKeys(db: Database) throws {
        try db.execute(
            sql: """
                DELETE FROM client_keys
                WHERE owner NOT IN (SELECT client_id FROM changes)
                    AND owner NOT IN (
                        SELECT client_id FROM rejected WHERE typeof(payload) = 'blob' OR typeof(message) = 'blob')
                    AND owner NOT IN (SELECT id FROM clients)
                """)
    }

    /// Registers the sealing functions on a connection of the replica's pool.
    func install(in db: Database) {
        db.add(
            function: DatabaseFunction("samenspel_new_client_key", argumentCount: 0, pure: false) { [self] _ in
                try self.newClientKey()
            })
        db.add(
            function: DatabaseFunction("samenspel_seal", argumentCount: 2, pure: false) { [self] values in
                guard let text = String.fromDatabaseValue(values[1]) else { return nil }
                return try self.sealValue(Data(text.utf8)) { try self.clientKey(values[0]) }
            })
        db.add(
            function: DatabaseFunction("samenspel_open", argumentCount: 2, pure: false) { [self] values in
                try self.open(values[1]) { try self.clientKey(values[0]) }
            })
        db.add(
            function: DatabaseFunction("samenspel_seal_device", argumentCount: 1, pure: false) { [self] values in
                guard let text = String.fromDatabaseValue(values[0]) else { return nil }
                return try self.sealValue(Data(text.utf8)) { try self.unlockedDeviceKey() }
            })
        db.add(
            function: DatabaseFunction("samenspel_open_device", argumentCount: 1, pure: false) { [self] values in
                try self.open(values[0]) { try self.unlockedDeviceKey() }
            })
    }

    // MARK: - Unlocking

    /// Whether the device key is in memory.
    var isUnlocked: Bool { lock.withLock { deviceKey != nil } }

    /// Forgets every key.
    func lockKeys() {
        lock.withLock {
            deviceKey = nil
            clientKeys = [:]
        }
    }

    /// Gives this replica its first passphrase: a new device key, wrapped under a key derived from it. Runs
    /// inside the caller's transaction.
    func createKeyring(passphrase: String, cost: PassphraseCost, db: Database) throws {
        let salt = Data((0..<16).map { _ in UInt8.random(in: .min ... .max) })
        let deviceKey = SymmetricKey(size: .bits256)
        let wrapped = try Self.wrap(deviceKey, under: try Self.derive(passphrase, salt: salt, cost: cost))
        try db.execute(
            sql: """
                INSERT INTO keyring (singleton, kdf, salt, rounds, block_size, parallelism, wrapped_device_key)
                VALUES (1, 'scrypt', ?, ?, ?, ?, ?)
                """,
            arguments: [salt, cost.rounds, cost.blockSize, cost.parallelism, wrapped])
        lock.withLock { self.deviceKey = deviceKey }
    }

    /// The facts of the keyring needed to try a passphrase.
    struct Keyring {
        var salt: Data
        var cost: PassphraseCost
        var wrappedDeviceKey: Data
        var failedAttempts: Int
        var retryAfter: Int64

        static func read(_ db: Database) throws -> Keyring? {
            try Row.fetchOne(db, sql: "SELECT * FROM keyring").map { row in
                Keyring(
                    salt: row["salt"],
                    cost: PassphraseCost(rounds: row["rounds"], blockSize: row["block_size"], parallelism: row["parallelism"]),
                    wrappedDeviceKey: row["wrapped_device_key"], failedAttempts: row["failed_attempts"],
                    retryAfter: row["retry_after"])
            }
        }
    }

    /// How long the next try must wait after `failures` wrong passphrases in a row: none after one or two,
    /// 1 s after the third, doubling to 5 minutes. Each try also costs one scrypt derivation.
    static func backOffMillis(afterFailures failures: Int) -> Int64 {
        guard failures > 2 else { return 0 }
        return min(Int64(1000) << min(failures - 3, 20), 300_000)
    }

    /// Tries `passphrase` against the keyring; on success keeps the device key in memory. The caller has
    /// counted the try (``Replica/unlock(passphrase:)``).
    func unlock(passphrase: String, keyring: Keyring) throws -> Bool {
        let key = try Self.derive(passphrase, salt: keyring.salt, cost: keyring.cost)
        guard let deviceKey = try? Self.unwrap(keyring.wrappedDeviceKey, under: key, label: Self.deviceKeyLabel) else {
            return false
        }
        lock.withLock { self.deviceKey = deviceKey }
        return true
    }

    /// The keyring wrapped under a new passphrase (the device key, and so every client key, stays the same).
    func rewrap(passphrase: String, cost: PassphraseCost) throws -> (salt: Data, wrapped: Data) {
        let salt = Data((0..<16).map { _ in UInt8.random(in: .min ... .max) })
        return (salt, try Self.wrap(try unlockedDeviceKey(), under: try Self.derive(passphrase, salt: salt, cost: cost)))
    }

    // MARK: - Keys

    private func unlockedDeviceKey() throws -> SymmetricKey {
        guard let key = lock.withLock({ deviceKey }) else { throw Self.lockedError }
        return key
    }

    private func newClientKey() throws -> Data {
        try Self.wrap(SymmetricKey(size: .bits256), under: try unlockedDeviceKey(), label: Self.clientKeyLabel)
    }

    private func clientKey(_ wrapped: DatabaseValue) throws -> SymmetricKey {
        guard let wrapped = Data.fromDatabaseValue(wrapped) else {
            throw ReplicaError(code: ReplicaError.locked, message: "no key for this client's data (it was erased)")
        }
        // The device key and the cache are read and written under one lock, so a key unwrapped while the
        // replica locks is not cached after the lock (it would open the client's data while locked).
        let (cached, device) = lock.withLock { (deviceKey == nil ? nil : clientKeys[wrapped], deviceKey) }
        if let cached { return cached }
        guard let device else { throw Self.lockedError }
        let key = try Self.unwrap(wrapped, under: device, label: Self.clientKeyLabel)
        lock.withLock {
            guard deviceKey != nil else { return }
            if clientKeys.count > 50_000 { clientKeys = [:] }
            clientKeys[wrapped] = key
        }
        return key
    }

    private static let lockedError = ReplicaError(
        code: ReplicaError.locked, message: "the replica is locked; unlock it with its passphrase")

    // MARK: - Sealing

    /// Stores values unsealed from now on: the baseline of the `encryption` benchmark, never a replica's.
    func storeUnsealedForBenchmarks() { lock.withLock { sealing = false } }

    private func sealValue(_ plaintext: Data, key: () throws -> SymmetricKey) throws -> (any DatabaseValueConvertible)? {
        guard lock.withLock({ sealing }) else { return String(decoding: plaintext, as: UTF8.self) }
        return try seal(plaintext, with: try key())
    }

    private func seal(_ plaintext: Data, with key: SymmetricKey) throws -> Data {
        var sealed = Data([Self.version])
        sealed.append(try AES.GCM.seal(plaintext, using: key).combined!)
        return sealed
    }

    private func open(_ value: DatabaseValue, key: () throws -> SymmetricKey) throws -> String? {
        switch value.storage {
        case .null: return nil
        case .string(let text): return text
        case .blob(let sealed):
            guard sealed.first == Self.version else { throw Self.unreadable }
            let box = try AES.GCM.SealedBox(combined: sealed.dropFirst())
            guard let text = String(data: try AES.GCM.open(box, using: try key()), encoding: .utf8) else { throw Self.unreadable }
            return text
        case .int64, .double: throw Self.unreadable
        }
    }

    private static let unreadable = ReplicaError(code: ReplicaError.locked, message: "a sealed value of the replica cannot be read")

    private static func derive(_ passphrase: String, salt: Data, cost: PassphraseCost) throws -> SymmetricKey {
        try KDF.Scrypt.deriveKey(
            from: Data(passphrase.utf8), salt: salt, outputByteCount: 32, rounds: cost.rounds, blockSize: cost.blockSize,
            parallelism: cost.parallelism, maxMemory: cost.memoryBytes)
    }

    private static func wrap(_ key: SymmetricKey, under wrapping: SymmetricKey, label: Data = deviceKeyLabel) throws -> Data {
        let raw = key.withUnsafeBytes { Data($0) }
        return try AES.GCM.seal(raw, using: wrapping, authenticating: label).combined!
    }

    private static func unwrap(_ wrapped: Data, under wrapping: SymmetricKey, label: Data) throws -> SymmetricKey {
        SymmetricKey(data: try AES.GCM.open(AES.GCM.SealedBox(combined: wrapped), using: wrapping, authenticating: label))
    }
}
