import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the server's master key comes from: the key that wraps every client's data key in the key store.
public enum MasterKeySource: Sendable, Hashable, CustomStringConvertible {
    /// A file (0600) of the server account, created with a new random key when it does not exist.
    case file(String)
    /// A command of the operator's key management (`/bin/sh -c`), which prints the key on standard output;
    /// it is never created or changed by Samenspel.
    case command(String)
    /// Keys held in memory only: tests and benchmarks.
    case memory

    /// Where, for messages (never a command itself, which may hold a credential, nor its output).
    public var description: String {
        switch self {
        case .file(let path): "the master key file \(path)"
        case .command: "the master key command"
        case .memory: "the master key in memory"
        }
    }
}

/// The server's master key: the root of the key hierarchy that keeps case notes unreadable at rest.
///
/// Key hierarchy (Protocol/README.md, "Encryption at rest"): the **master key** wraps (AES-256-GCM) each
/// client's **data key**, kept in the key store apart from the change log; a client's data key seals the
/// payloads of its changes. Erasing a client destroys its data key, so its changes cannot be read from any
/// backup of the change log either.
///
/// The master key has generations. Its text is one line of 64 hexadecimal characters (generation 1) and
/// lines `key N HEX` for later ones; new client keys are wrapped under the newest generation and
/// `samenspel admin keys rotate` rewraps the others under it. Older generations stay, so that a key-store
/// backup made before a rotation can still be restored; remove a line once no key-store backup older than
/// its rotation is kept.
public struct MasterKey: Sendable {
    /// The keys by generation.
    let keys: [Int: SymmetricKey]
    /// Where it was read from.
    public let source: MasterKeySource
    /// Whether ``load(_:)`` created its file just now.
    public private(set) var created = false

    /// The generation new client keys are wrapped under: the highest.
    public var generation: Int { keys.keys.max() ?? 1 }
    /// Every generation it has, lowest first.
    public var generations: [Int] { keys.keys.sorted() }

    /// The default file beside a SQLite database: `samenspel-master.key` in the data folder.
    public static func defaultPath(dataDirectory: String) -> String {
        dataDirectory + "/samenspel-master.key"
    }

    /// A new random key kept in memory only (tests, benchmarks, the demo).
    public static func generated() -> MasterKey {
        MasterKey(keys: [1: SymmetricKey(size: .bits256)], source: .memory)
    }

    /// Reads the key from its source; a missing file is created with a new random key unless `creating` is
    /// `false` (several PostgreSQL instances must share one key: none may make its own). A command that fails
    /// or prints something else than a key throws, with what went wrong but never what it printed.
    public static func load(_ source: MasterKeySource, creating: Bool = true) throws -> MasterKey {
        switch source {
        case .file(let path):
            if let data = try PrivateFile.read(path) { return try parse(data, source: source) }
            guard creating else {
                throw StoreError(
                    code: .invalidInput,
                    message: "there is no master key file \(path): give the file every instance uses, or make the first "
                        + "one with `(umask 077; openssl rand -hex 32 > \(path))`")
            }
            var key = MasterKey(keys: [1: SymmetricKey(size: .bits256)], source: source)
            guard try PrivateFile.create(path, with: Data(key.text.utf8)) else {
                // Another process created it meanwhile.
                guard let data = try PrivateFile.read(path) else { throw PrivateFile.failure("cannot create", path) }
                return try parse(data, source: source)
            }
            key.created = true
            return key
        case .command(let command):
            return try parse(try run(command), source: source)
        case .memory:
            throw StoreError(code: .invalidInput, message: "a master key in memory cannot be read again")
        }
    }

    /// The key with a new generation: for a file, added to the file (under its lock, so two rotations make
    /// two generations); for a command, read again (the operator rotated it in the key management first) —
    /// `invalidInput` when it has no newer generation than this one.
    public func withNewGeneration() throws -> MasterKey {
        switch source {
        case .file(let path):
            return try PrivateFile.withLock(path, createFolder: false) {
                guard let data = try PrivateFile.read(path) else { throw PrivateFile.failure("cannot read", path) }
                var keys = try Self.parse(data, source: source).keys
                keys[(keys.keys.max() ?? 1) + 1] = SymmetricKey(size: .bits256)
                let key = MasterKey(keys: keys, source: source)
                try PrivateFile.replace(path, with: Data(key.text.utf8))
                return key
            }
        case .command:
            let key = try Self.load(source)
            guard key.generation > generation else {
                throw StoreError(
                    code: .invalidInput,
                    message: "\(source) still gives generation \(key.generation) as its newest: add a new generation "
                        + "in the key management first (a line `key \(key.generation + 1) HEX`), then rotate again")
            }
            return key
        case .memory:
            var keys = keys
            keys[generation + 1] = SymmetricKey(size: .bits256)
            return MasterKey(keys: keys, source: source)
        }
    }

    /// The key read again from its source when that has a generation this one lacks (after a rotation by
    /// another process); itself otherwise, or when the source cannot be read now.
    func reloaded() -> MasterKey {
        guard source != .memory, let fresh = try? Self.load(source, creating: false), fresh.generation > generation
        else { return self }
        return fresh
    }

    /// The key of a generation.
    func key(_ generation: Int) -> SymmetricKey? { keys[generation] }

    /// The file's text: generation 1 alone on the first line, then `key N HEX` lines.
    var text: String {
        var lines: [String] = []
        for generation in generations {
            let hex = Secrets.hex(keys[generation]!)
            lines.append(generation == 1 ? hex : "key \(generation) \(hex)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func parse(_ data: Data, source: MasterKeySource) throws -> MasterKey {
        let malformed = StoreError(
            code: .invalidInput,
            message: "\(source) does not hold a master key: 64 hexadecimal characters, and `key N HEX` lines for later generations")
        var keys: [Int: SymmetricKey] = [:]
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let words = line.split(separator: " ").map(String.init)
            if words.isEmpty || words[0].hasPrefix("#") { continue }
            if words.count == 1, keys[1] == nil, let key = Secrets.key(fromHex: words[0]) {
                keys[1] = key
            } else if words.count == 3, words[0] == "key", let generation = Int(words[1]), generation >= 1,
                keys[generation] == nil, let key = Secrets.key(fromHex: words[2])
            {
                keys[generation] = key
            } else {
                throw malformed
            }
        }
        guard !keys.isEmpty else { throw malformed }
        return MasterKey(keys: keys, source: source)
    }

    /// Runs the key-management command and returns what it printed (at most 64 KiB).
    private static func run(_ command: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw StoreError(code: .internal, message: "the master key command could not be started: \(error)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw StoreError(
                code: .internal,
                message: "the master key command failed (exit status \(process.terminationStatus)); nothing was read")
        }
        return data.prefix(65_536)
    }
}
