import Foundation
import Crypto

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

    /// Hashes of keyed entries start with this: `h1:` and an HMAC-SHA256 under the ``AuditKey``.
    public static let keyedPrefix = "h1:"

    /// The entry's hash: with a key, `h1:` and the HMAC-SHA256 (hex) of the previous hash and the entry's
    /// content in a fixed text form; without one (logs written before keys, and PostgreSQL without
    /// `--audit-key`), the plain SHA-256 of the same text.
    public static func hash(_ entry: AuditEntry, previous: String, key: AuditKey?) -> String {
        let text = content(entry, previous: previous)
        if let key { return keyedPrefix + key.authenticate(text) }
        return Secrets.hex(SHA256.hash(data: Data(text.utf8)))
    }

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

    /// Reads `SEQ:HASH`, as ``description`` writes it (a keyed hash is `h1:` and 64 hex digits).
    public init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":"), let seq = Int64(text[..<colon]) else { return nil }
        let hash = String(text[text.index(after: colon)...]).lowercased()
        let digits = hash.hasPrefix(AuditChain.keyedPrefix) ? hash.dropFirst(AuditChain.keyedPrefix.count) : Substring(hash)
        guard digits.count == 64, digits.allSatisfy(\.isHexDigit) else { return nil }
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
    /// Entries chained under a key that this check did not have: they could not be verified.
    public var needsKey = false
    /// The last entry checked, as an anchor to keep elsewhere.
    public var last: AuditAnchor? = nil
    /// Whether the anchor asked about is in the log with that hash (`nil` when none was asked about).
    public var anchorHolds: Bool? = nil

    /// Whether the chain is intact (and the anchor asked about, if any, holds).
    public var isIntact: Bool { firstBroken == nil && anchorHolds != false && !needsKey }
}

/// Checks entries in log order, one at a time (so a store can stream them).
public struct AuditChainCheck: Sendable {
    private var previous = AuditChain.genesis
    private var count = 0
    private var firstBroken: Int64?
    private var firstBrokenAt: Int64?
    private var last: AuditAnchor?
    private let anchor: AuditAnchor?
    private var anchorHolds = false
    private let key: AuditKey?
    private var keyed = false
    private var needsKey = false

    /// Starts a check; `anchor` is an entry that must be in the log with that hash; `key` verifies keyed
    /// entries.
    public init(anchor: AuditAnchor? = nil, key: AuditKey? = nil) {
        self.anchor = anchor
        self.key = key
    }

    /// Checks the next entry; `false` once the chain is broken (the rest need not be read).
    public mutating func add(_ entry: AuditEntry) -> Bool {
        guard firstBroken == nil, !needsKey else { return false }
        count += 1
        let isKeyed = entry.hash?.hasPrefix(AuditChain.keyedPrefix) ?? false
        if isKeyed && key == nil {
            needsKey = true
            return false
        }
        // Unkeyed entries are the log from before the key: up to the boundary the key file records (else,
        // until the first keyed one). Any other is a rewrite by someone without the key.
        let legacyAllowed = !keyed && (key?.legacyUntil.map { (entry.seq ?? 0) <= $0 } ?? true)
        let expected = isKeyed ? AuditChain.hash(entry, previous: previous, key: key)
            : (legacyAllowed ? AuditChain.hash(entry, previous: previous, key: nil) : nil)
        guard entry.previousHash == previous, let hash = entry.hash, hash == expected else {
            firstBroken = entry.seq
            firstBrokenAt = entry.at
            return false
        }
        keyed = keyed || isKeyed
        if let anchor, entry.seq == anchor.seq { anchorHolds = hash == anchor.hash }
        previous = hash
        last = AuditAnchor(seq: entry.seq ?? 0, hash: hash)
        return true
    }

    /// The outcome.
    public var result: AuditVerification {
        AuditVerification(
            entries: count, firstBroken: firstBroken, firstBrokenAt: firstBrokenAt, needsKey: needsKey, last: last,
            anchorHolds: anchor == nil ? nil : anchorHolds)
    }
}
