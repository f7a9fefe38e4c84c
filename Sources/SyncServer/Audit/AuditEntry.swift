import Foundation
import Crypto
import SyncProtocol

/// One line of the audit log: who did what, about which clients, from where, with what result.
///
/// The log is append-only and tamper-evident: every entry carries the SHA-256 of the entry before it and
/// of itself (``AuditChain``), so an edited, removed or inserted entry breaks the chain from that point on.
/// It never holds note text, client names or other content — only ids, counts and codes.
public struct AuditEntry: Codable, Hashable, Sendable {
    /// Position in the log (assigned when stored).
    public var seq: Int64?
    /// When (Unix milliseconds).
    public var at: Int64
    /// The professional id, or `administrator` (with the operating-system user) for admin actions.
    public var actor: String
    /// The device, for requests from a replica.
    public var deviceId: String?
    /// What happened: `push`, `pull`, `clientHistory`, `digest`, `enroll`, `enrollRefused`, `authRefused`,
    /// or `admin.…` for administration.
    public var action: String
    /// The clients the action touched.
    public var clientIds: [String]
    /// Counts and identifiers (never content).
    public var details: [String: String]
    /// `ok`, or the error code.
    public var result: String
    /// The network address the request came from (and `X-Forwarded-For`, when present).
    public var origin: String?
    /// The hash of the entry before (64 zeros for the first).
    public var previousHash: String?
    /// The hash of this entry.
    public var hash: String?

    /// Creates an entry (position and hashes are set when it is stored).
    public init(at: Int64, actor: String, deviceId: String? = nil, action: String, clientIds: [String] = [],
                details: [String: String] = [:], result: String = "ok", origin: String? = nil) {
        self.at = at
        self.actor = actor
        self.deviceId = deviceId
        self.action = action
        self.clientIds = Array(Set(clientIds)).sorted()
        self.details = details
        self.result = result
        self.origin = origin
    }
}

/// The hash chain of the audit log.
public enum AuditChain {
    /// The `previousHash` of the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// Hashes of entries keyed under the first generation of the key start with this: `h1:` and an
    /// HMAC-SHA256 under the ``AuditKey``; later generations with `h2:`, `h3:` ….
    public static let keyedPrefix = "h1:"

    /// The `LIKE` pattern (both backends) of the `details` of a record of the rotation to `generation`: its
    /// JSON, with sorted keys and no spaces, holds `"generation":"N"`.
    static func rotationRecordedPattern(_ generation: Int) -> String { "%\"generation\":\"\(generation)\"%" }

    /// SQL (for both backends) that tells whether any entry of the log is keyed.
    static let keyedLogQuery = "SELECT EXISTS (SELECT 1 FROM audit_log WHERE hash LIKE 'h%:%')"

    /// The prefix of hashes keyed under `generation`.
    static func prefix(generation: Int) -> String { "h\(generation):" }

    /// The key generation a hash was made under; `0` for a plain SHA-256 (no key); `nil` when it is neither.
    static func generation(of hash: String) -> Int? {
        guard hash.first == "h", let colon = hash.firstIndex(of: ":") else {
            return hash.count == 64 && hash.allSatisfy(\.isHexDigit) ? 0 : nil
        }
        guard let generation = Int(hash[hash.index(after: hash.startIndex)..<colon]), generation >= 1,
            hash[hash.index(after: colon)...].count == 64
        else { return nil }
        return generation
    }

    /// The entry's hash: with a key, `hN:` and the HMAC-SHA256 (hex) of the previous hash and the entry's
    /// content in a fixed text form, under generation N of the key (by default its newest); without one
    /// (logs written before keys, and PostgreSQL without `--audit-key`), the plain SHA-256 of the same text.
    /// `nil` when the key has no such generation.
    public static func hash(_ entry: AuditEntry, previous: String, key: AuditKey?, generation: Int? = nil) -> String? {
        let text = content(entry, previous: previous)
        guard let key else { return Secrets.hex(SHA256.hash(data: Data(text.utf8))) }
        let generation = generation ?? key.generation
        return key.authenticate(text, generation: generation).map { prefix(generation: generation) + $0 }
    }

    /// The entries to store for `entry`, appended after the entry whose hash is `previous`, the first at
    /// position `seq`, with positions and hashes set: usually `entry` alone, under the key's newest
    /// generation. When the key is newer than the log (after a rotation, or the restore of a log from before
    /// one), the first entry of the new generation must follow the record of its rotation: that is `entry`
    /// itself when it is the record (then chained under the log's generation still), else a record is
    /// written before it unless the log has one (`recorded`: see ``generationToRecord(after:key:)``). Throws `StoreError` `auditKeyStale` when the log is chained under a newer
    /// generation than `key` has (another process rotated the key, and this one was not given the file).
    static func chain(_ entry: AuditEntry, previous: String, seq: Int64, key: AuditKey?, recorded: Bool) throws -> [AuditEntry] {
        let logGeneration = generation(of: previous) ?? 0
        let keyGeneration = key?.generation ?? 0
        guard keyGeneration >= logGeneration else { throw staleKey(log: logGeneration, key: keyGeneration) }
        let recordGeneration = max(logGeneration, 1)
        guard let key, generationToRecord(after: previous, key: key) != nil else {
            return [try sealed(entry, seq: seq, previous: previous, key: key, generation: keyGeneration)]
        }
        if isRecord(entry, ofGeneration: keyGeneration) {
            return [try sealed(entry, seq: seq, previous: previous, key: key, generation: recordGeneration)]
        }
        if recorded {
            return [try sealed(entry, seq: seq, previous: previous, key: key, generation: keyGeneration)]
        }
        let record = try sealed(
            AuditEntry(
                at: entry.at, actor: "system", action: rotationAction,
                details: ["generation": String(keyGeneration), "recordedBy": "firstEntryOfTheGeneration"]),
            seq: seq, previous: previous, key: key, generation: recordGeneration)
        return [record, try sealed(entry, seq: seq + 1, previous: record.hash!, key: key, generation: keyGeneration)]
    }

    /// Whether `entry` is the record of the rotation to `generation` (what ``rotationRecordedPattern(_:)``
    /// finds in a stored log).
    static func isRecord(_ entry: AuditEntry, ofGeneration generation: Int) -> Bool {
        entry.action == rotationAction && entry.details["generation"] == String(generation)
    }

    /// The key's generation when it is newer than the log after `previous` and needs the record of its
    /// rotation before its first entry (a plain log may pass to generation 1 without one); `nil` otherwise.
    /// A store asks whether the log has that record (``rotationRecordedPattern(_:)``) only then.
    static func generationToRecord(after previous: String, key: AuditKey?) -> Int? {
        guard let keyGeneration = key?.generation, keyGeneration > max(generation(of: previous) ?? 0, 1) else { return nil }
        return keyGeneration
    }

    /// `entry` at `seq` after `previous`, hashed under `generation` of `key` (0: plain SHA-256).
    private static func sealed(_ entry: AuditEntry, seq: Int64, previous: String, key: AuditKey?, generation: Int) throws -> AuditEntry {
        var entry = entry
        entry.seq = seq
        entry.previousHash = previous
        guard let hash = hash(entry, previous: previous, key: generation == 0 ? nil : key, generation: generation) else {
            throw staleKey(log: generation, key: key?.generation ?? 0)
        }
        entry.hash = hash
        return entry
    }

    /// Throws `auditKeyStale` when the log, whose last hash is `log`, is chained under a newer generation
    /// than the key of `keys` (read again from its file if so).
    static func checkKey(_ keys: AuditKeySource, log: String?) throws {
        let logGeneration = log.flatMap(generation(of:)) ?? 0
        let keyGeneration = keys.current(atLeast: logGeneration)?.generation ?? 0
        guard keyGeneration >= logGeneration else { throw staleKey(log: logGeneration, key: keyGeneration) }
    }

    static func staleKey(log: Int, key: Int) -> StoreError {
        StoreError(
            code: ErrorCode.auditKeyStale,
            message: "the audit log is chained under key generation \(log), newer than this process's (\(key)): give it "
                + "the rotated key file (--audit-key)")
    }

    /// The audit action of a key rotation; its detail `generation` names the new generation, which entries
    /// may use only after it.
    public static let rotationAction = "admin.auditKeyRotated"

    /// The fixed text form an entry's hash covers.
    static func content(_ entry: AuditEntry, previous: String) -> String {
        let fields: [String] = [
            previous, String(entry.seq ?? 0), String(entry.at), entry.actor, entry.deviceId ?? "", entry.action,
            entry.clientIds.joined(separator: ","),
            entry.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
            entry.result, entry.origin ?? "",
        ]
        // Fields are joined by a separator that cannot occur in them (newlines are replaced).
        return fields.map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n")
    }
}

/// A position in the audit log and the hash of its entry: recorded outside the server (a ticket, the log
/// shipper), it lets a later check prove that nothing up to it was removed or changed — which the chain alone
/// cannot show for entries cut off at the end.
public struct AuditAnchor: Hashable, Sendable, CustomStringConvertible {
    /// The entry's position.
    public let seq: Int64
    /// Its hash.
    public let hash: String

    /// Creates an anchor.
    public init(seq: Int64, hash: String) {
        self.seq = seq
        self.hash = hash
    }

    /// Reads `SEQ:HASH`, as ``description`` writes it (a keyed hash is `hN:` and 64 hex digits).
    public init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":"), let seq = Int64(text[..<colon]) else { return nil }
        let hash = String(text[text.index(after: colon)...]).lowercased()
        guard AuditChain.generation(of: hash) != nil, hash.suffix(64).allSatisfy(\.isHexDigit) else { return nil }
        self.init(seq: seq, hash: hash)
    }

    /// `SEQ:HASH`.
    public var description: String { "\(seq):\(hash)" }
}

/// The result of checking the audit log's hash chain.
public struct AuditVerification: Hashable, Sendable {
    /// Entries checked.
    public let entries: Int
    /// The first entry whose hashes do not match, if any.
    public let firstBroken: Int64?
    /// When that entry says it was written (Unix ms).
    public var firstBrokenAt: Int64? = nil
    /// Entries chained under a key (or a generation of it) that this check did not have: they could not be
    /// verified.
    public var needsKey = false
    /// The key generation that was missing, when ``needsKey`` (`1` also when no key was given at all).
    public var missingGeneration: Int? = nil
    /// The last entry checked, as an anchor to keep elsewhere.
    public var last: AuditAnchor? = nil
    /// Whether every anchor asked about is in the log with its hash (`nil` when none was asked about).
    public var anchorHolds: Bool? = nil
    /// The newest key generation the log uses or records a rotation to (0: a plain log).
    public var newestGeneration = 0
    /// The first anchor (by position) that does not hold: its entry has another hash, or the log ends
    /// before it (entries were cut off at the end).
    public var failedAnchor: AuditAnchor? = nil

    /// Whether the chain is intact (and every anchor asked about holds).
    public var isIntact: Bool { firstBroken == nil && anchorHolds != false && !needsKey }
}

/// Checks entries in log order, one at a time (so a store can stream them).
///
/// Besides every entry's hash and consecutive positions, the check holds the chain to its key generations: entries never go back to
/// an older generation, a plain (unkeyed) log may pass to generation 1, and a later generation may start
/// only after the entry that recorded its rotation (``AuditChain/rotationAction``).
public struct AuditChainCheck: Sendable {
    private var previous = AuditChain.genesis
    private var count = 0
    private var firstBroken: Int64?
    private var firstBrokenAt: Int64?
    private var last: AuditAnchor?
    private let anchors: [Int64: String]
    private var failedAnchor: AuditAnchor?
    private let key: AuditKey?
    /// The generation of the entries so far (0: plain SHA-256).
    private var generation = 0
    /// The newest generation a verified rotation entry announced.
    private var announced = 1
    private var missingGeneration: Int?

    /// Starts a check; `anchors` are entries that must be in the log with those hashes (kept elsewhere
    /// earlier); `key` verifies keyed entries.
    public init(anchors: [AuditAnchor] = [], key: AuditKey? = nil) {
        self.anchors = Dictionary(anchors.map { ($0.seq, $0.hash) }, uniquingKeysWith: { first, _ in first })
        self.key = key
    }

    /// Checks the next entry; `false` once the chain is broken (the rest need not be read).
    public mutating func add(_ entry: AuditEntry) -> Bool {
        guard firstBroken == nil, missingGeneration == nil else { return false }
        count += 1
        let seq = entry.seq ?? 0
        // Positions follow one another from 1: entries cut off and appended after again leave a gap (the
        // chain itself would not show it, nor an anchor whose position is gone).
        guard seq == (last?.seq ?? 0) + 1, let hash = entry.hash, let entryGeneration = AuditChain.generation(of: hash),
            entry.previousHash == previous
        else { return broken(entry) }
        switch entryGeneration {
        case 0:
            // Plain entries are the log from before the key: up to the boundary the key file records (else,
            // until the first keyed one). Any other is a rewrite by someone without the key.
            guard generation == 0, key?.legacyUntil.map({ seq <= $0 }) ?? true else { return broken(entry) }
        case generation:
            break
        default:
            let allowed = entryGeneration > generation && (entryGeneration == 1 || entryGeneration <= announced)
            guard allowed else { return broken(entry) }
        }
        let expected = entryGeneration == 0 ? AuditChain.hash(entry, previous: previous, key: nil)
            : key.flatMap { AuditChain.hash(entry, previous: previous, key: $0, generation: entryGeneration) }
        guard let expected else {
            missingGeneration = entryGeneration
            return false
        }
        guard hash == expected else { return broken(entry) }
        generation = entryGeneration
        if entry.action == AuditChain.rotationAction, let next = entry.details["generation"].flatMap({ Int($0) }) {
            announced = max(announced, next)
        }
        if failedAnchor == nil, let anchored = anchors[seq], anchored != hash {
            failedAnchor = AuditAnchor(seq: seq, hash: anchored)
        }
        previous = hash
        last = AuditAnchor(seq: seq, hash: hash)
        return true
    }

    private mutating func broken(_ entry: AuditEntry) -> Bool {
        firstBroken = entry.seq
        firstBrokenAt = entry.at
        return false
    }

    /// The outcome.
    public var result: AuditVerification {
        // An anchor past the last entry checked of an unbroken chain: the log was cut off before it.
        var failed = failedAnchor
        if failed == nil, firstBroken == nil, missingGeneration == nil,
            let beyond = anchors.filter({ $0.key > (last?.seq ?? 0) }).min(by: { $0.key < $1.key })
        {
            failed = AuditAnchor(seq: beyond.key, hash: beyond.value)
        }
        return AuditVerification(
            entries: count, firstBroken: firstBroken, firstBrokenAt: firstBrokenAt, needsKey: missingGeneration != nil,
            missingGeneration: missingGeneration, last: last, anchorHolds: anchors.isEmpty ? nil : failed == nil,
            newestGeneration: generation == 0 ? 0 : max(generation, announced), failedAnchor: failed)
    }
}
