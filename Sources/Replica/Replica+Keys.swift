import GRDB
import SQLiteSupport

/// Unlocking, locking and the passphrase of a replica (``ReplicaVault``).
extension Replica {
    /// Whether the replica's keys are in memory; while locked, nothing personal can be read or written.
    public var isUnlocked: Bool { vault.isUnlocked }

    /// Unlocks the replica with its passphrase; the search index is built again at the next search.
    ///
    /// A wrong passphrase is counted in the replica: after the second in a row each try must wait, 1 s
    /// doubling up to 5 minutes, whoever tries (a program reading the folder's copy is slowed by scrypt's
    /// cost instead).
    ///
    /// - Throws: ``ReplicaError`` `wrongPassphrase` (with ``ReplicaError/retryAfterSeconds`` when a try must
    ///   wait first), `passphraseRequired` for an empty passphrase.
    public func unlock(passphrase: String) throws {
        guard !passphrase.isEmpty else {
            throw ReplicaError(code: ReplicaError.passphraseRequired, message: "the passphrase is empty")
        }
        guard let keyring = try pool.read({ db in try ReplicaVault.Keyring.read(db) }) else {
            throw ReplicaError(code: ReplicaError.notEnrolled, message: "the replica in \(directory) has no keys")
        }
        let now = wallMillis()
        if try vault.unlock(passphrase: passphrase, keyring: keyring, now: now) {
            if keyring.failedAttempts > 0 {
                try pool.write { db in try db.execute(sql: "UPDATE keyring SET failed_attempts = 0, retry_after = 0") }
            }
            try pool.write { db in try SearchIndex.reindexAll(db: db) }
            return
        }
        let failures = keyring.failedAttempts + 1
        let wait = ReplicaVault.backOffMillis(afterFailures: failures)
        try pool.write { db in
            try db.execute(
                sql: "UPDATE keyring SET failed_attempts = ?, retry_after = ?", arguments: [failures, now + wait])
        }
        let seconds = wait > 0 ? Int(wait / 1000) : nil
        throw ReplicaError(
            code: ReplicaError.wrongPassphrase,
            message: "the passphrase does not unlock this replica"
                + (seconds.map { "; try again in \($0) s" } ?? ""),
            retryAfterSeconds: seconds)
    }

    /// Forgets the keys and empties the in-memory search index: nothing personal is readable until
    /// ``unlock(passphrase:)``.
    public func lock() throws {
        vault.lockKeys()
        try pool.write { db in try SearchIndex.removeAll(db: db) }
    }

    /// Gives the replica a new passphrase. The device key stays, wrapped under the new one, so nothing else
    /// is rewritten; the old wrapping leaves the files at once.
    ///
    /// - Throws: ``ReplicaError`` `wrongPassphrase` when `current` is not the passphrase (counted like any
    ///   wrong try), `passphraseRequired` when `new` is empty.
    public func changePassphrase(from current: String, to new: String, cost: PassphraseCost = .standard) throws {
        guard !new.isEmpty else {
            throw ReplicaError(code: ReplicaError.passphraseRequired, message: "the new passphrase is empty")
        }
        try unlock(passphrase: current)
        let (salt, wrapped) = try vault.rewrap(passphrase: new, cost: cost)
        try pool.write { db in
            try db.execute(
                sql: """
                    UPDATE keyring SET salt = ?, rounds = ?, block_size = ?, parallelism = ?, wrapped_device_key = ?,
                        failed_attempts = 0, retry_after = 0
                    """,
                arguments: [salt, cost.rounds, cost.blockSize, cost.parallelism, wrapped])
        }
        try Self.rewriteFiles(pool)
    }

    /// Rewrites the database file without its free pages and empties the write-ahead log, so that values
    /// replaced by sealed ones (or an old wrapping of the device key) are nowhere in the folder.
    static func rewriteFiles(_ pool: DatabasePool) throws {
        try pool.barrierWriteWithoutTransaction { db in
            try db.execute(sql: "VACUUM")
            _ = try DatabaseFile.checkpointTruncating(db)
        }
    }
}
