import Casework
public import ChangeLog
import SyncProtocol

/// The audit log and the operational facts of the reference store.
extension MemorySyncStore {
    public func appendAudit(_ entry: AuditEntry) async throws {
        try transaction { state in try state.appendAudit(entry, keys: auditKeys) }
    }

    public func auditEntries(clientId: String?, actor: String?) async throws -> [AuditEntry] {
        read { state in
            state.audit.filter { entry in
                (clientId.map { entry.clientIds.contains($0) } ?? true) && (actor.map { entry.actor == $0 } ?? true)
            }
        }
    }

    public func verifyAudit(anchors: [AuditAnchor]) async throws -> AuditVerification {
        read { state in
            var check = AuditChainCheck(anchors: anchors, key: auditKey)
            for entry in state.audit where !check.add(entry) { break }
            return check.result
        }
    }

    public func checkAuditKey() async throws {
        try AuditChain.checkKey(auditKeys, log: try await auditHead()?.hash)
    }

    public func auditHead() async throws -> AuditAnchor? {
        read { state in
            guard let last = state.audit.last, let seq = last.seq, let hash = last.hash else { return nil }
            return AuditAnchor(seq: seq, hash: hash)
        }
    }

    public func epoch() async throws -> String {
        read { $0.epoch }
    }

    public func renewEpoch() async throws -> String {
        try transaction { state in
            state.epoch = Secrets.makeEpoch()
            return state.epoch
        }
    }

    public func serverStamp(wallMillis: Int64, maxAheadMillis: Int64) async throws -> HLCTimestamp {
        try transaction { state in
            let stamp = ServerClock.stamp(
                after: state.serverHLC, accepted: state.acceptedHLC, wallMillis: wallMillis, maxAheadMillis: maxAheadMillis)
            state.serverHLC = max(state.serverHLC ?? stamp, stamp)
            return stamp
        }
    }

    public func journalMark() async throws -> JournalMark? {
        read { $0.journal }
    }

    public func noteJournal(_ mark: JournalMark) async throws {
        try transaction { state in
            if let known = state.journal, known.journalId == mark.journalId {
                state.journal = JournalMark(journalId: mark.journalId, entries: max(known.entries, mark.entries))
            } else {
                state.journal = mark
            }
        }
    }

    public func status(activeSince: Int64) async throws -> StoreStatus {
        read { state in
            StoreStatus(
                backend: "memory", missingMigrations: [],
                activeDevices: state.devices.values.filter { $0.revokedAt == nil && ($0.lastSeenAt ?? .min) >= activeSince }.count,
                connectionsInUse: 0, connectionsMax: 1)
        }
    }
}

/// The memory store keeps nothing at rest, so it seals nothing and its key store is empty: no key to rotate,
/// destroy or back up.
extension MemorySyncStore {
    public func keyStatus() async throws -> KeyStoreStatus {
        let count = read { $0.log.count }
        return KeyStoreStatus(keysByGeneration: [:], destroyed: 0, sealedChanges: 0, plainChanges: count, missingKeys: [], unsealedContent: count)
    }

    public func rewrapClientKeys(limit: Int) async throws -> Int { 0 }

    public func clientsWithDestroyedKeys() async throws -> [String] { [] }

    public func destroyKeysOfErasedClients(at: Int64) async throws -> Int { 0 }

    public func exportKeys() async throws -> [String: StoredClientKey] { [:] }

    public func importKeys(_ keys: [String: StoredClientKey], at: Int64) async throws -> Int { 0 }
}
