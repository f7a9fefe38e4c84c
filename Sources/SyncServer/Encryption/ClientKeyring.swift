import ChangeLog
import Crypto
public import Foundation
import NIOConcurrencyHelpers

/// A client's data key as the key store holds it: wrapped under one generation of the master key.
public struct WrappedClientKey: Hashable, Sendable {
    /// The master key generation it is wrapped under.
    public let generation: Int
    /// AES-256-GCM's nonce, ciphertext and tag of the 32-byte key.
    public let wrapped: Data

    /// Creates the record.
    public init(generation: Int, wrapped: Data) {
        self.generation = generation
        self.wrapped = wrapped
    }
}

/// What the key store holds about one client.
public enum StoredClientKey: Hashable, Sendable {
    /// Its wrapped data key.
    case active(WrappedClientKey)
    /// Its key was destroyed (the client was erased) at this time (Unix ms): its data can never be read again.
    case destroyed(at: Int64)
}

/// The key store's state, as `samenspel admin keys status` shows it.
public struct KeyStoreStatus: Hashable, Sendable {
    /// Client keys by the master key generation they are wrapped under.
    public var keysByGeneration: [Int: Int]
    /// Keys destroyed by erasures.
    public var destroyed: Int
    /// Changes of the log whose payload is sealed.
    public var sealedChanges: Int
    /// Changes stored in plaintext: the content-free erasure records, and ``unsealedContent``.
    public var plainChanges: Int
    /// Clients with sealed changes whose key the key store lacks (put back from an older backup): their
    /// changes cannot be read until the newest key-store backup is put back (`admin keys restore`), or the
    /// client is erased.
    public var missingKeys: [String]
    /// Changes stored in plaintext that are not erasure records: 0, but for changes of clients whose keys
    /// were destroyed in a change log restored from before their erasure (erased again at the next start).
    public var unsealedContent: Int

    /// Creates a status.
    public init(
        keysByGeneration: [Int: Int], destroyed: Int, sealedChanges: Int, plainChanges: Int, missingKeys: [String],
        unsealedContent: Int
    ) {
        self.keysByGeneration = keysByGeneration
        self.missingKeys = missingKeys
        self.destroyed = destroyed
        self.sealedChanges = sealedChanges
        self.plainChanges = plainChanges
        self.unsealedContent = unsealedContent
    }
}

/// The master key and the clients' data keys this process has unwrapped, and the sealing of payloads.
///
/// A payload is stored sealed under the client's data key with AES-256-GCM, authenticated with the change's
/// id (a sealed payload copied onto another change does not open): on SQLite a BLOB of a version byte and
/// the nonce, ciphertext and tag; on PostgreSQL `s1:` and their base64. The one payload stored as it is, is
/// that of an erasure record (`client.erase`): it has no content, and the key it would be sealed under is
/// destroyed by the same erasure.
public final class ClientKeyring: Sendable {
    private struct State {
        var master: MasterKey
        var keys: [String: SymmetricKey] = [:]
        var sealing = true
        /// When the master key was last read again before making a key.
        var reloadedAt: ContinuousClock.Instant?
    }

    private let state: NIOLockedValueBox<State>

    /// Creates a keyring under a master key.
    public init(master: MasterKey) {
        state = NIOLockedValueBox(State(master: master))
    }

    /// The master key in use.
    public var master: MasterKey { state.withLockedValue { $0.master } }

    /// Uses `master` from now on (after a rotation by this process).
    func replaceMaster(with master: MasterKey) {
        state.withLockedValue { $0.master = master }
    }

    /// Whether payloads are sealed: `false` only in the benchmark that measures what sealing costs.
    var sealing: Bool { state.withLockedValue { $0.sealing } }

    /// Stores payloads as they are from now on: the baseline of the `encryption` benchmark, never a server's.
    public func storeUnsealedForBenchmarks() { state.withLockedValue { $0.sealing = false } }

    // MARK: - Client keys

    /// The data key of a client this process has unwrapped before.
    func cached(_ clientId: String) -> SymmetricKey? {
        state.withLockedValue { $0.keys[clientId] }
    }

    /// Unwraps a client's data key (reading the master key again when it is wrapped under a generation this
    /// process does not have: a rotation by another process), and keeps it for later.
    func unwrap(_ stored: WrappedClientKey, clientId: String) throws -> SymmetricKey {
        var master = self.master
        if master.key(stored.generation) == nil {
            master = master.reloaded()
            state.withLockedValue { if master.generation > $0.master.generation { $0.master = master } }
        }
        guard let wrapping = master.key(stored.generation) else {
            throw StoreError(
                code: .keyUnavailable,
                message: "client \(clientId)'s key is wrapped under generation \(stored.generation) of the master key, "
                    + "which \(master.source) does not have: give every instance the master key file with that generation")
        }
        let key: SymmetricKey
        do {
            key = SymmetricKey(data: try AES.GCM.open(
                AES.GCM.SealedBox(combined: stored.wrapped), using: wrapping,
                authenticating: Self.label(clientId: clientId, generation: stored.generation)))
        } catch {
            throw StoreError(
                code: .keyUnavailable,
                message: "client \(clientId)'s key does not open under \(master.source): is it the master key this "
                    + "key store was made with?")
        }
        state.withLockedValue { $0.keys[clientId] = key }
        return key
    }

    /// A new data key for a client, wrapped under the newest generation of the master key — read again from
    /// its source first, so that a key made after another process rotated is wrapped under the new generation
    /// (kept for later once the caller stored it: ``remember(_:for:)``).
    func newKey(for clientId: String) throws -> (key: SymmetricKey, stored: WrappedClientKey) {
        // Read again at most every 5 seconds (a key-management command is not run for every key made).
        let due = state.withLockedValue { state -> Bool in
            let now = ContinuousClock.now
            guard state.reloadedAt.map({ now - $0 >= .seconds(5) }) ?? true else { return false }
            state.reloadedAt = now
            return true
        }
        if due {
            let master = self.master.reloaded()
            state.withLockedValue { if master.generation > $0.master.generation { $0.master = master } }
        }
        let master = self.master
        let key = SymmetricKey(size: .bits256)
        return (key, try wrap(key, clientId: clientId, under: master))
    }

    /// Keeps a client's key that the key store now holds.
    func remember(_ key: SymmetricKey, for clientId: String) {
        state.withLockedValue { $0.keys[clientId] = key }
    }

    /// Forgets a client's key (it was destroyed, here or by another process).
    func forget(_ clientId: String) {
        _ = state.withLockedValue { $0.keys.removeValue(forKey: clientId) }
    }

    /// A wrapped key rewrapped under the newest generation of `master` (``MasterKey/generation``).
    func rewrap(_ stored: WrappedClientKey, clientId: String, under master: MasterKey) throws -> WrappedClientKey {
        try wrap(try unwrap(stored, clientId: clientId), clientId: clientId, under: master)
    }

    private func wrap(_ key: SymmetricKey, clientId: String, under master: MasterKey) throws -> WrappedClientKey {
        let generation = master.generation
        let raw = key.withUnsafeBytes { Data($0) }
        let box = try AES.GCM.seal(
            raw, using: master.key(generation)!, authenticating: Self.label(clientId: clientId, generation: generation))
        return WrappedClientKey(generation: generation, wrapped: box.combined!)
    }

    private static func label(clientId: String, generation: Int) -> Data {
        Data("samenspel server client key v1 \(generation) \(clientId)".utf8)
    }

    // MARK: - Payloads

    /// The version byte a sealed payload starts with.
    static let sealedVersion: UInt8 = 1
    /// The prefix of a sealed payload stored as text (PostgreSQL; a JSON payload starts with `{`).
    static let sealedPrefix = "s1:"

    /// Whether a change's payload is stored sealed: every payload but an erasure record's.
    static func seals(_ change: Change) -> Bool {
        !(change.entityType == "client" && change.operation == "erase")
    }

    /// Whether a change is a client's registration.
    static func isRegistration(_ change: Change) -> Bool {
        change.entityType == "client" && change.operation == "register"
    }

    /// Whether a payload stored as text is sealed.
    static func isSealed(_ stored: String) -> Bool { stored.hasPrefix(sealedPrefix) }

    /// A payload text sealed under `key`: the version byte and AES-GCM's nonce, ciphertext and tag (SQLite
    /// stores it as a BLOB).
    func sealedBytes(_ text: String, changeId: String, key: SymmetricKey) throws -> Data {
        var sealed = Data([Self.sealedVersion])
        sealed.append(try AES.GCM.seal(Data(text.utf8), using: key, authenticating: Data(changeId.utf8)).combined!)
        return sealed
    }

    /// A payload text sealed under `key`, as text: `s1:` and the base64 of the nonce, ciphertext and tag
    /// (PostgreSQL's `payload` column is text).
    func sealedText(_ text: String, changeId: String, key: SymmetricKey) throws -> String {
        Self.sealedPrefix + (try sealedBytes(text, changeId: changeId, key: key)).dropFirst().base64EncodedString()
    }

    /// The payload text of a payload sealed as bytes (``sealedBytes(_:changeId:key:)``); `key` `nil`
    /// means the client's key was destroyed.
    static func open(bytes: Data, changeId: String, clientId: String, key: SymmetricKey?) throws -> String {
        guard bytes.first == sealedVersion else {
            throw StoreError(code: .corrupt, message: "a sealed change of client \(clientId) has an unknown format")
        }
        return try open(combined: bytes.dropFirst(), changeId: changeId, clientId: clientId, key: key)
    }

    /// The payload text of a payload stored as text: itself when it is not sealed, else opened under the
    /// key `key` gives (asked for only then; `nil` means the client's key was destroyed).
    static func open(text stored: String, changeId: String, clientId: String, key: () throws -> SymmetricKey?) throws -> String {
        guard isSealed(stored) else { return stored }
        guard let combined = Data(base64Encoded: String(stored.dropFirst(sealedPrefix.count))) else {
            throw StoreError(code: .corrupt, message: "a sealed change of client \(clientId) is not base64")
        }
        return try open(combined: combined, changeId: changeId, clientId: clientId, key: try key())
    }

    private static func open(combined: Data, changeId: String, clientId: String, key: SymmetricKey?) throws -> String {
        guard let key else {
            throw StoreError(
                code: .corrupt,
                message: "the changes of client \(clientId) are sealed under a key that was destroyed (the client was "
                    + "erased): start the server, or run `admin restore`, to finish the erasure")
        }
        guard let box = try? AES.GCM.SealedBox(combined: combined),
            let plain = try? AES.GCM.open(box, using: key, authenticating: Data(changeId.utf8))
        else {
            throw StoreError(code: .corrupt, message: "a sealed change of client \(clientId) does not open under its key")
        }
        return String(decoding: plain, as: UTF8.self)
    }
}
