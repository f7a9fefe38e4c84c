import Foundation
import GRDB
import SQLiteSupport

/// Unlocking, locking and the passphrase of a replica (``ReplicaVault``).
extension Replica {
    /// Whether the replica's keys are in memory; while locked, nothing personal can be read or written.
    public var isUnlocked: Bool { vault.isUnlocked }

    /// Whether the enrolled replica in `directory` has no passphrase yet (made before encryption at rest):
    /// the passphrase it is opened with next becomes its passphrase, so a program should ask for it twice.
    ///
    /// - Throws: ``ReplicaError`` `notEnrolled` or `wiped` when there is no replica to open, as opening would.
    public static func needsFirstPassphrase(directory: String) throws -> Bool {
        try checkFolder(directory)
        let queue = try DatabaseQueue(path: directory + "/" + fileName, configuration: {
            var configuration = Configuration()
            configuration.readonly = true
            return configuration
        }())
        defer { try? queue.close() }
        return try queue.read { db in
            guard try db.tableExists("keyring") else { return true }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM keyring") == 0
        }
    }

    /// Throws what opening the replica in `directory` would throw before asking for a passphrase: the wipe
    /// notice, or `notEnrolled` when there is no replica file.
    static func checkFolder(_ directory: String) throws {
        if let wiped = ReplicaFiles.wipeNotice(in: directory) { throw wiped }
        guard FileManager.default.fileExists(atPath: directory + "/" + fileName) else {
            throw ReplicaError(
                code: ReplicaError.notEnrolled,
                message: "no replica in \(directory); enroll this laptop first (samenspel enroll)")
        }
    }

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
        // The try is counted as wrong before it is made, in one transaction with the check of the wait, so
        // that tries made at once (two programs, two browser tabs) each count and each wait.
        let now = wallMillis()
        let keyring = try pool.write { db -> ReplicaVault.Keyring in
            guard let keyring = try ReplicaVault.Keyring.read(db) else {
                throw ReplicaError(code: ReplicaError.notEnrolled, message: "the replica in \(directory) has no keys")
            }
            if now < keyring.retryAfter {
                let seconds = Int((keyring.retryAfter - now + 999) / 1000)
                throw ReplicaError(
                    code: ReplicaError.wrongPassphrase,
                    message: "too many wrong passphrases; try again in \(seconds) s", retryAfterSeconds: seconds)
            }
            let failures = keyring.failedAttempts + 1
            try db.execute(
                sql: "UPDATE keyring SET failed_attempts = ?, retry_after = ?",
                arguments: [failures, now + ReplicaVault.backOffMillis(afterFailures: failures)])
            return keyring
        }
        guard try vault.unlock(passphrase: passphrase, keyring: keyring) else {
            let wait = ReplicaVault.backOffMillis(afterFailures: keyring.failedAttempts + 1)
            let seconds = wait > 0 ? Int(wait / 1000) : nil
            throw ReplicaError(
                code: ReplicaError.wrongPassphrase,
                message: "the passphrase does not unlock this replica" + (seconds.map { "; try again in \($0) s" } ?? ""),
                retryAfterSeconds: seconds)
        }
        try pool.write { db in
            try db.execute(sql: "UPDATE keyring SET failed_attempts = 0, retry_after = 0")
            try SearchIndex.reindexAll(db: db)
        }
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
            try db.execute(sql: "UPDATE sync_state SET rewrite_owed = 1")
        }
        try Self.rewriteFilesIfOwed(pool)
    }

    /// Rewrites the database file without its free pages and empties the write-ahead log when that is owed
    /// (values were replaced by sealed ones, or the device key wrapped anew), so that the old values are
    /// nowhere in the folder. Owed from the transaction that replaced them until it has run: when another
    /// program keeps the log busy, the next open or sync runs it again.
    static func rewriteFilesIfOwed(_ pool: DatabasePool) throws {
        guard try pool.read({ db in try Bool.fetchOne(db, sql: "SELECT rewrite_owed FROM sync_state") }) == true else {
            return
        }
        // Cleared only once both have run: a crash or an error in between leaves it owed. (Clearing writes one
        // page of `sync_state` to the log, which holds nothing personal.)
        try pool.barrierWriteWithoutTransaction { db in
            try db.execute(sql: "VACUUM")
            if try DatabaseFile.checkpointTruncating(db) {
                try db.execute(sql: "UPDATE sync_state SET rewrite_owed = 0")
            }
        }
    }
}
