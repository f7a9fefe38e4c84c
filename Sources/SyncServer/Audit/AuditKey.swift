import Crypto
import Foundation
import NIOConcurrencyHelpers
import Synchronization
#if canImport(Glibc)
import Glibc
import SyncProtocol
#endif

/// The secret keys of the audit log's hash chain, kept in a file outside the database: every entry's hash is
/// an HMAC-SHA256 under one of them, so someone who can edit the audit table but cannot read the key cannot
/// write a chain that verifies.
///
/// Keys have generations. The first line of the file is generation 1 (64 hexadecimal characters); a rotation
/// (``rotated()``) adds a line `key N HEX` and later entries are chained under generation N, their hashes
/// starting `hN:` (generation 1: `h1:`). Old generations stay in the file so that the entries chained under
/// them can still be verified. The file may also record `legacyUntil N`: the last entry written before any
/// key. It is the server account's only (0600); ``load(path:)`` creates it on first use. With several
/// PostgreSQL instances, every instance and admin must be given the same file (`--audit-key`). Losing it
/// means entries chained under it can no longer be verified; keep a copy where the database's
/// administrators cannot read it (the municipality's secret store).
public struct AuditKey: Sendable {
    /// The keys by generation (1, 2, …).
    let keys: [Int: SymmetricKey]
    /// The generation new entries are chained under: the highest in the file.
    public var generation: Int { keys.keys.max() ?? 1 }
    /// The last entry of the log that was written before the key (plain SHA-256), as recorded in the key
    /// file the first time the key met the log; every later entry must be keyed. `nil` until recorded.
    public private(set) var legacyUntil: Int64?
    /// The key file.
    public let path: String

    /// The default file beside a SQLite database: `samenspel-audit.key` in the data folder.
    public static func defaultPath(dataDirectory: String) -> String {
        dataDirectory + "/samenspel-audit.key"
    }

    /// Whether ``load(path:)`` created the file just now (a store then checks that its log was not keyed
    /// under another key: a mistyped path must not start a new chain).
    public private(set) var created = false

    /// Reads the key in `path`, creating the file with a new random key when it does not exist. A file that
    /// exists but cannot be read throws; it is never replaced.
    public static func load(path: String) throws -> AuditKey {
        // Read without the lock (the file is only ever replaced whole), so a key on a read-only mount works;
        // created without it too (linked into place, so of two at once one wins and the other reads it).
        if let existing = try read(path: path) { return existing }
        var key = AuditKey(keys: [1: SymmetricKey(size: .bits256)], legacyUntil: nil, path: path)
        guard try PrivateFile.create(path, with: Data(key.fileText.utf8)) else {
            guard let existing = try read(path: path) else { throw PrivateFile.failure("cannot create", path) }
            return existing
        }
        key.created = true
        return key
    }

    /// Removes a key file ``load(path:)`` created (`created`, and still holding this key) for a log that
    /// turned out to be keyed under another key, and returns the error to report.
    func discardCreated(reason: String) -> StoreError {
        if created, let current = try? Self.read(path: path), current.fileText == fileText {
            try? FileManager.default.removeItem(atPath: path)
        }
        return Self.missing(path, reason: reason)
    }

    /// The error of a keyed log without its key file.
    static func missing(_ path: String, reason: String) -> StoreError {
        StoreError(
            code: .invalidInput,
            message: "\(reason), and there is no key file at \(path): give the file the server was given (--audit-key, "
                + "SAMENSPEL_AUDIT_KEY, or the copy in your secret store); no new key was created")
    }

    /// The key, with `legacyUntil` recorded in its file (once: a recorded boundary is never moved). When the
    /// file cannot be written (a read-only mount), the boundary stays unrecorded and unkeyed entries are then
    /// accepted only before the first keyed one.
    public func recordingLegacyBoundary(_ seq: Int64) -> AuditKey {
        guard legacyUntil == nil else { return self }
        return (try? PrivateFile.withLock(path, createFolder: false) {
            // Re-read under the lock: another process may have recorded it, or rotated the key, meanwhile.
            var key = try Self.read(path: path) ?? self
            guard key.legacyUntil == nil else { return key }
            key.legacyUntil = seq
            try key.save()
            return key
        }) ?? self
    }

    /// The key with a new generation added and saved in its file: entries appended from now on are chained
    /// under it. The file is read again under its lock, so two rotations at once make two generations, never
    /// two different keys of one. Throws when the file cannot be written.
    public func rotated() throws -> AuditKey {
        try PrivateFile.withLock(path, createFolder: false) {
            var key = try Self.read(path: path) ?? self
            var keys = key.keys
            keys[key.generation + 1] = SymmetricKey(size: .bits256)
            key = AuditKey(keys: keys, legacyUntil: key.legacyUntil, path: path)
            try key.save()
            AuditKeySource.rotationsInThisProcess.add(1, ordering: .sequentiallyConsistent)
            return key
        }
    }

    /// The file's text: generation 1, the legacy boundary, then the later generations.
    private var fileText: String {
        var lines = [keys[1].map(Secrets.hex) ?? ""]
        if let legacyUntil { lines.append("legacyUntil \(legacyUntil)") }
        for generation in keys.keys.sorted() where generation > 1 {
            lines.append("key \(generation) \(Secrets.hex(keys[generation]!))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the file (the caller holds its lock): replaced atomically, 0600 from the start.
    private func save() throws {
        try PrivateFile.replace(path, with: Data(fileText.utf8))
    }

    /// Reads the key in `path`; `nil` when there is no such file (a malformed one throws).
    static func read(path: String) throws -> AuditKey? {
        guard let data = try PrivateFile.read(path) else { return nil }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    private static func parse(_ text: String, path: String) throws -> AuditKey {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        let malformed = StoreError(code: .invalidInput, message: "the audit key \(path) is not 64 hexadecimal characters (and `key N HEX` lines)")
        guard let first = lines.first, let firstKey = Secrets.key(fromHex: first) else { throw malformed }
        var keys = [1: firstKey]
        var legacy: Int64?
        for line in lines.dropFirst() {
            let words = line.split(separator: " ").map(String.init)
            if words.count == 2, words[0] == "legacyUntil", let seq = Int64(words[1]) {
                legacy = seq
            } else if words.count == 3, words[0] == "key", let generation = Int(words[1]), generation > 1,
                let key = Secrets.key(fromHex: words[2])
            {
                keys[generation] = key
            } else if !line.isEmpty {
                throw malformed
            }
        }
        return AuditKey(keys: keys, legacyUntil: legacy, path: path)
    }

    /// HMAC-SHA256 of `text` under the key of `generation` (by default the newest), in lowercase
    /// hexadecimal; `nil` when the file has no such generation.
    func authenticate(_ text: String, generation: Int? = nil) -> String? {
        guard let key = keys[generation ?? self.generation] else { return nil }
        return Secrets.hex(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key))
    }
}

/// The audit key a store chains under, read again when its file changes, so that a rotation by
/// `samenspel admin audit rotate-key` reaches a running server without a restart. The file is looked at once
/// a second at most (and at once when the log is found chained under a newer generation than the one in
/// memory).
final class AuditKeySource: Sendable {
    private struct State {
        var key: AuditKey?
        var stamp: FileStamp?
        var checked: ContinuousClock.Instant
        var rotationsSeen = AuditKeySource.rotationsInThisProcess.load(ordering: .sequentiallyConsistent)
    }

    /// Rotations made by this process: its own stores see them at once, not within a second.
    static let rotationsInThisProcess = Atomic<Int>(0)

    /// What tells one version of the key file from another (a rotation replaces the file).
    private struct FileStamp: Equatable {
        let inode: UInt64
        let size: UInt64
        let modified: Date

        init?(path: String) {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                let inode = attributes[.systemFileNumber] as? NSNumber, let size = attributes[.size] as? NSNumber,
                let modified = attributes[.modificationDate] as? Date
            else { return nil }
            self.inode = inode.uint64Value
            self.size = size.uint64Value
            self.modified = modified
        }
    }

    private let state: NIOLockedValueBox<State>

    init(_ key: AuditKey?) {
        state = NIOLockedValueBox(State(key: key, stamp: key.flatMap { FileStamp(path: $0.path) }, checked: .now))
    }

    /// The key as its file holds it now (the one in memory when the file cannot be read).
    var current: AuditKey? { current(atLeast: 0) }

    /// The key, read again from its file when a second has passed since it was last looked at, or when the
    /// key in memory is older than `generation` (the log's).
    func current(atLeast generation: Int) -> AuditKey? {
        state.withLockedValue { state in
            guard let key = state.key else { return nil }
            let now = ContinuousClock.now
            let rotations = Self.rotationsInThisProcess.load(ordering: .sequentiallyConsistent)
            guard key.generation < generation || rotations != state.rotationsSeen || now - state.checked >= .seconds(1)
            else { return key }
            state.checked = now
            state.rotationsSeen = rotations
            let stamp = FileStamp(path: key.path)
            if stamp != state.stamp, let reloaded = try? AuditKey.read(path: key.path), reloaded.generation >= key.generation {
                state.key = reloaded
                state.stamp = stamp
            }
            return state.key
        }
    }

    /// Replaces the key (after recording its legacy boundary, or a rotation by this process).
    func replace(with key: AuditKey) {
        state.withLockedValue { $0 = State(key: key, stamp: FileStamp(path: key.path), checked: .now) }
    }
}
