/// An order-independent fingerprint of a set of change ids: how many, and the XOR of a 64-bit hash of each.
///
/// Server and replica keep one per client, updated as changes are added or removed, and compare them to
/// find a replica that lacks a change or holds one the server does not (repair without a full wipe).
/// XOR makes the digest independent of order and lets a change be removed again; the count catches a
/// change counted twice. The hash is 64-bit FNV-1a of the id's UTF-8 bytes: not cryptographic, since the
/// digest guards against faults, not against an attacker.
public struct ChangeSetDigest: Hashable, Sendable, CustomStringConvertible {
    /// Number of changes in the set.
    public private(set) var count: Int
    /// XOR of ``hash(of:)`` over the set.
    public private(set) var value: UInt64

    /// The digest of the empty set.
    public init() {
        count = 0
        value = 0
    }

    /// A digest from stored parts.
    public init(count: Int, value: UInt64) {
        self.count = count
        self.value = value
    }

    /// The digest of a set of ids.
    public init(ids: some Sequence<String>) {
        self.init()
        for id in ids { add(id) }
    }

    /// Adds a change id to the set.
    public mutating func add(_ id: String) {
        count += 1
        value ^= Self.hash(of: id)
    }

    /// Removes a change id from the set.
    public mutating func remove(_ id: String) {
        count -= 1
        value ^= Self.hash(of: id)
    }

    /// Adds the changes of a disjoint set.
    public mutating func combine(with other: ChangeSetDigest) {
        count += other.count
        value ^= other.value
    }

    /// 64-bit FNV-1a of the id's UTF-8 bytes.
    public static func hash(of id: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// The hash as the signed 64-bit integer databases store (same bits).
    public static func storedHash(of id: String) -> Int64 {
        Int64(bitPattern: hash(of: id))
    }

    /// `count:hex`, e.g. `12:00ff00ff00ff00ff`.
    public var description: String {
        let hex = String(value, radix: 16)
        return "\(count):" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Parses ``description``.
    public init?(_ text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let count = Int(parts[0]), count >= 0, parts[1].count == 16,
            let value = UInt64(parts[1], radix: 16)
        else { return nil }
        self.init(count: count, value: value)
    }
}
