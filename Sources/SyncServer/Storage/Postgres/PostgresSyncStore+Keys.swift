import ChangeLog
import Crypto
import Foundation
import Logging
import PostgresNIO
import SyncProtocol

/// The PostgreSQL key store: the table set of the schema `samenspel_keys` (`client_keys`), apart from the
/// change log's tables, so that a dump of the log (`pg_dump --exclude-schema=samenspel_keys`) holds no key
/// and the keys have a backup of their own (`admin keys backup`). Keys are created in a transaction of their
/// own before the first payload is sealed with them (a key is in memory only once it is committed), and
/// destroyed in the transaction of the erasure.
extension PostgresSyncStore {
    /// The row a key store query reads: client, generation, wrapped key (`nil` once destroyed), destroyed at.
    private typealias KeyRow = (String, Int, Data?, Int64?)

    private static func stored(_ row: KeyRow) -> StoredClientKey {
        if let wrapped = row.2 { return .active(WrappedClientKey(generation: row.1, wrapped: wrapped)) }
        return .destroyed(at: row.3 ?? 0)
    }

    /// Creates, each in a committed transaction of its own, the keys that clients being registered lack (or,
    /// sealing payloads from before encryption, clients of that time). Never for a client with sealed
    /// changes: a key is not made in place of one the key store lost (that would seal new changes under a key
    /// the lost one's changes do not open).
    func createClientKeys(_ clientIds: some Sequence<String>) async throws {
        let missing = Set(clientIds).filter { keyring.cached($0) == nil }
        guard !missing.isEmpty, keyring.sealing else { return }
        _ = try await connected { connection in
            for clientId in missing {
                let (_, stored) = try self.keyring.newKey(for: clientId)
                let now = WallClock.millis()
                try await connection.query(
                    """
                    INSERT INTO samenspel_keys.client_keys (client_id, generation, wrapped, created_at)
                    SELECT \(clientId), \(stored.generation), \(stored.wrapped), \(now)
                    WHERE NOT EXISTS (
                        SELECT 1 FROM changes WHERE client_id = \(clientId) AND payload LIKE \(ClientKeyring.sealedPrefix + "%"))
                    ON CONFLICT (client_id) DO NOTHING
                    """, logger: self.logger)
            }
            return true
        }
    }

    /// The data keys of clients, from this process's memory or the key store: `nil` for a key that was
    /// destroyed; a client the key store has no row of is absent, and so, when `skippingUnusable`, is one
    /// whose key does not open (``ErrorCode/keyUnavailable``, which is thrown otherwise).
    func clientKeys(_ clientIds: some Sequence<String>, _ connection: PostgresConnection, skippingUnusable: Bool = false)
        async throws -> [String: SymmetricKey?]
    {
        var keys: [String: SymmetricKey?] = [:]
        var missing: [String] = []
        for clientId in Set(clientIds) {
            if let key = keyring.cached(clientId) { keys[clientId] = key } else { missing.append(clientId) }
        }
        guard !missing.isEmpty else { return keys }
        for try await row in try await connection.query(
            """
            SELECT client_id, generation, wrapped, destroyed_at FROM samenspel_keys.client_keys
            WHERE client_id = ANY(\(missing))
            """, logger: logger
        ).decode(KeyRow.self) {
            switch Self.stored(row) {
            case .active(let wrapped):
                do {
                    keys[row.0] = try keyring.unwrap(wrapped, clientId: row.0)
                } catch let error as StoreError where error.code == .keyUnavailable && skippingUnusable {
                    continue
                }
            case .destroyed: keys[row.0] = .some(nil)
            }
        }
        return keys
    }

    /// The error of a client whose key the key store lacks.
    private func missingKey(_ clientId: String) -> StoreError {
        StoreError(
            code: .keyUnavailable,
            message: "the key store (schema samenspel_keys of \(target)) has no key for client \(clientId): was it put "
                + "back from an older backup? Put back the newest key-store backup with `admin keys restore`")
    }

    /// The stored forms of the changes' payloads: sealed under their clients' keys (made at their
    /// registration, ``createClientKeys(_:)``). The registration of a client whose key was destroyed —
    /// registered and erased after a backup, redone from the operations journal — is stored without content
    /// (`{}`), for the erasure that follows it in the journal.
    func storedPayloads(_ changes: [Change], _ connection: PostgresConnection) async throws -> [String] {
        guard keyring.sealing else { return changes.map(\.canonicalPayload) }
        let keys = try await clientKeys(changes.filter(ClientKeyring.seals).map(\.clientId), connection)
        return try changes.map { change in
            let text = change.canonicalPayload
            guard ClientKeyring.seals(change) else { return text }
            guard let known = keys[change.clientId] else { throw missingKey(change.clientId) }
            guard let key = known else {
                if ClientKeyring.isRegistration(change) { return "{}" }
                throw StoreError(code: .clientErased, message: "client \(change.clientId)'s key was destroyed: it was erased; nothing was stored")
            }
            return try keyring.sealedText(text, changeId: change.id, key: key)
        }
    }

    /// The payload texts of stored payloads: `(change id, client id, stored payload)`.
    func openedPayloads(_ rows: [(id: String, clientId: String, payload: String)], _ connection: PostgresConnection)
        async throws -> [String]
    {
        let sealed = rows.filter { ClientKeyring.isSealed($0.payload) }
        let keys = sealed.isEmpty ? [:] : try await clientKeys(sealed.map(\.clientId), connection)
        return try rows.map { row in
            try ClientKeyring.open(text: row.payload, changeId: row.id, clientId: row.clientId) {
                guard let known = keys[row.clientId] else { throw missingKey(row.clientId) }
                return known
            }
        }
    }

    // MARK: - Opening the store

    /// After the migrations: refuses a key store that cannot open the log (none, or made under another master
    /// key), and seals payloads stored before this version (but those of clients whose keys were destroyed,
    /// which ``Administration/reconcileKeys()`` erases again, as it destroys the keys erased clients still
    /// have).
    func checkKeyStore() async throws {
        _ = try await connected { connection in
            let keys = try await connection.query("SELECT count(*) FROM samenspel_keys.client_keys", logger: self.logger)
                .decode(Int64.self).first(where: { _ in true }) ?? 0
            let sealed = try await connection.query(
                "SELECT EXISTS (SELECT 1 FROM changes WHERE payload LIKE \(ClientKeyring.sealedPrefix + "%"))",
                logger: self.logger
            ).decode(Bool.self).first(where: { _ in true }) ?? false
            if keys == 0 && sealed && !self.keyStoreMayBeEmpty {
                throw StoreError(
                    code: .invalidInput,
                    message: "the key store (schema samenspel_keys of \(self.target)) holds no key, but the change log's "
                        + "payloads are sealed: put back the key store's backup with `admin keys restore`")
            }
            for try await row in try await connection.query(
                """
                SELECT client_id, generation, wrapped, destroyed_at FROM samenspel_keys.client_keys
                WHERE wrapped IS NOT NULL LIMIT 1
                """, logger: self.logger
            ).decode(KeyRow.self) {
                if case .active(let wrapped) = Self.stored(row) { _ = try self.keyring.unwrap(wrapped, clientId: row.0) }
            }
            return true
        }
        while try await sealPlaintextPayloads(limit: 1000) > 0 {}
    }

    /// Seals up to `limit` payloads an earlier version stored in plaintext; returns how many. PostgreSQL keeps
    /// the old row versions until `VACUUM FULL changes` (Deploy/README.md, "Encryption at rest").
    private func sealPlaintextPayloads(limit: Int) async throws -> Int {
        guard keyring.sealing else { return 0 }
        let pending = try await connected { connection in
            try await connection.query("SELECT plaintext_payloads FROM server_state", logger: self.logger)
                .decode(Bool.self).first(where: { _ in true }) ?? false
        }
        guard pending else { return 0 }
        let rows = try await connected { connection in
            try await self.decodeChanges(try await connection.query(
                """
                SELECT \(unescaped: Self.changeColumns) FROM changes
                WHERE payload NOT LIKE \(ClientKeyring.sealedPrefix + "%") AND NOT (entity_type = 'client' AND operation = 'erase')
                    AND client_id NOT IN (SELECT client_id FROM samenspel_keys.client_keys WHERE wrapped IS NULL)
                ORDER BY seq LIMIT \(limit)
                """, logger: self.logger), connection)
        }
        try await createClientKeys(rows.map(\.change.clientId))
        try await transaction { connection in
            let payloads = try await self.storedPayloads(rows.map(\.change), connection)
            for ((seq, _), payload) in zip(rows, payloads) {
                try await connection.query("UPDATE changes SET payload = \(payload) WHERE seq = \(seq)", logger: self.logger)
            }
            if rows.count < limit {
                try await connection.query("UPDATE server_state SET plaintext_payloads = false", logger: self.logger)
            }
        }
        return rows.count
    }

    /// Destroys a client's key inside the caller's transaction (a row without key stays, so a restored change
    /// log knows the client was erased).
    static func destroyKey(_ clientId: String, at: Int64, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO samenspel_keys.client_keys (client_id, generation, wrapped, created_at, destroyed_at)
            VALUES (\(clientId), 0, NULL, \(at), \(at))
            ON CONFLICT (client_id) DO UPDATE SET wrapped = NULL,
                destroyed_at = coalesce(samenspel_keys.client_keys.destroyed_at, excluded.destroyed_at)
            """, logger: logger)
    }

    /// Rewrites the key table, so that the row versions that held destroyed keys are not left in its files
    /// (best effort: a moment's exclusive lock on a small table).
    func compactKeyTable() async {
        _ = try? await connected { connection in
            try await connection.query("VACUUM FULL samenspel_keys.client_keys", logger: self.logger)
            return true
        }
    }

    // MARK: - KeyStore

    public func keyStatus() async throws -> KeyStoreStatus {
        try await connected { connection in
            var byGeneration: [Int: Int] = [:]
            var destroyed = 0
            for try await (generation, active, count) in try await connection.query(
                """
                SELECT generation, wrapped IS NOT NULL, count(*) FROM samenspel_keys.client_keys
                GROUP BY generation, wrapped IS NOT NULL
                """, logger: self.logger
            ).decode((Int, Bool, Int64).self) {
                if active { byGeneration[generation, default: 0] += Int(count) } else { destroyed += Int(count) }
            }
            var (sealed, all, content): (Int64, Int64, Int64) = (0, 0, 0)
            for try await counts in try await connection.query(
                """
                SELECT count(*) FILTER (WHERE payload LIKE \(ClientKeyring.sealedPrefix + "%")), count(*),
                    count(*) FILTER (WHERE payload NOT LIKE \(ClientKeyring.sealedPrefix + "%")
                        AND NOT (entity_type = 'client' AND operation = 'erase'))
                FROM changes
                """, logger: self.logger
            ).decode((Int64, Int64, Int64).self) {
                (sealed, all, content) = counts
            }
            var missing: [String] = []
            for try await clientId in try await connection.query(
                """
                SELECT DISTINCT client_id FROM changes WHERE payload LIKE \(ClientKeyring.sealedPrefix + "%")
                    AND client_id NOT IN (SELECT client_id FROM samenspel_keys.client_keys) ORDER BY client_id
                """, logger: self.logger
            ).decode(String.self) {
                missing.append(clientId)
            }
            return KeyStoreStatus(
                keysByGeneration: byGeneration, destroyed: destroyed, sealedChanges: Int(sealed),
                plainChanges: Int(all - sealed), missingKeys: missing, unsealedContent: Int(content))
        }
    }

    public func rewrapClientKeys(limit: Int) async throws -> Int {
        let master = keyring.master
        return try await transaction { connection in
            var rows: [KeyRow] = []
            for try await row in try await connection.query(
                """
                SELECT client_id, generation, wrapped, destroyed_at FROM samenspel_keys.client_keys
                WHERE wrapped IS NOT NULL AND generation < \(master.generation) LIMIT \(limit) FOR UPDATE
                """, logger: self.logger
            ).decode(KeyRow.self) {
                rows.append(row)
            }
            for row in rows {
                guard case .active(let wrapped) = Self.stored(row) else { continue }
                let rewrapped = try self.keyring.rewrap(wrapped, clientId: row.0, under: master)
                try await connection.query(
                    """
                    UPDATE samenspel_keys.client_keys SET generation = \(rewrapped.generation), wrapped = \(rewrapped.wrapped)
                    WHERE client_id = \(row.0)
                    """, logger: self.logger)
            }
            return rows.count
        }
    }

    public func clientsWithDestroyedKeys() async throws -> [String] {
        try await connected { connection in
            var ids: [String] = []
            for try await id in try await connection.query(
                """
                SELECT c.id FROM clients c JOIN samenspel_keys.client_keys k ON k.client_id = c.id
                WHERE c.erased_at IS NULL AND k.wrapped IS NULL ORDER BY c.id
                """, logger: self.logger
            ).decode(String.self) {
                ids.append(id)
            }
            return ids
        }
    }

    public func destroyKeysOfErasedClients(at: Int64) async throws -> Int {
        let destroyed = try await connected { connection in
            var ids: [String] = []
            for try await id in try await connection.query(
                """
                UPDATE samenspel_keys.client_keys SET wrapped = NULL, destroyed_at = \(at)
                WHERE wrapped IS NOT NULL AND client_id IN (SELECT id FROM clients WHERE erased_at IS NOT NULL)
                RETURNING client_id
                """, logger: self.logger
            ).decode(String.self) {
                ids.append(id)
            }
            return ids
        }
        for clientId in destroyed { keyring.forget(clientId) }
        if !destroyed.isEmpty { await compactKeyTable() }
        return destroyed.count
    }

    public func exportKeys() async throws -> [String: StoredClientKey] {
        try await connected { connection in
            var keys: [String: StoredClientKey] = [:]
            // An erased client's key that the key store still has (put back from a copy made before the
            // erasure, not yet destroyed again) goes into no backup.
            for try await row in try await connection.query(
                """
                SELECT k.client_id, k.generation, CASE WHEN c.erased_at IS NULL THEN k.wrapped END, k.destroyed_at
                FROM samenspel_keys.client_keys k LEFT JOIN clients c ON c.id = k.client_id
                """, logger: self.logger
            ).decode(KeyRow.self) {
                keys[row.0] = Self.stored(row)
            }
            return keys
        }
    }

    public func importKeys(_ keys: [String: StoredClientKey], at: Int64) async throws -> Int {
        let added = try await transaction { connection -> Int in
            var added = 0
            for (clientId, stored) in keys {
                switch stored {
                case .active(let key):
                    for try await _ in try await connection.query(
                        """
                        INSERT INTO samenspel_keys.client_keys (client_id, generation, wrapped, created_at)
                        VALUES (\(clientId), \(key.generation), \(key.wrapped), \(at)) ON CONFLICT (client_id) DO NOTHING
                        RETURNING client_id
                        """, logger: self.logger
                    ).decode(String.self) {
                        added += 1
                    }
                case .destroyed(let destroyedAt):
                    try await Self.destroyKey(clientId, at: destroyedAt, connection, logger: self.logger)
                }
            }
            return added
        }
        return added
    }
}
