import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The secret key of the audit log's hash chain, kept in a file outside the database: every entry's hash is
/// an HMAC-SHA256 under it, so someone who can edit the audit table but cannot read the key cannot write a
/// chain that verifies.
///
/// The file holds 64 hexadecimal characters (and, once recorded, `legacyUntil N`: the last entry written
/// before the key) and is the server account's only (0600). ``load(path:)``
/// creates it on first use. With several PostgreSQL instances, every instance and admin must be given the
/// same file (`--audit-key`). Losing it means entries chained under it can no longer be verified; keep a copy
/// where the database's administrators cannot read it (the municipality's secret store).
public struct AuditKey: Sendable {
    let key: SymmetricKey
    /// The last entry of the log that was written before the key (plain SHA-256), as recorded in the key
    /// file the first time the key met the log; every later entry must be keyed. `nil` until recorded.
    public private(set) var legacyUntil: Int64?
    /// The key file.
    public let path: String

    /// The default file beside a SQLite database: `samenspel-audit.key` in the data folder.
    public static func defaultPath(dataDirectory: String) -> String {
        dataDirectory + "/samenspel-audit.key"
    }

    /// Reads the key in `path`, creating the file with a new random key when it does not exist.
    public static func load(path: String) throws -> AuditKey {
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            return try parse(text, path: path)
        }
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let hex = Secrets.hex(bytes) + "\n"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            // Created meanwhile by another process: read that one.
            if errno == EEXIST, let text = try? String(contentsOfFile: path, encoding: .utf8) { return try parse(text, path: path) }
            throw StoreError(code: "invalidInput", message: "cannot create the audit key \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let written = hex.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, hex.utf8.count) }
        guard written == hex.utf8.count, fsync(descriptor) == 0 else {
            throw StoreError(code: "invalidInput", message: "cannot write the audit key \(path)")
        }
        return AuditKey(key: SymmetricKey(data: bytes), legacyUntil: nil, path: path)
    }

    /// The key, with `legacyUntil` recorded in its file (once: a recorded boundary is never moved). When the
    /// file cannot be written (a read-only mount), the boundary stays unrecorded and unkeyed entries are then
    /// accepted only before the first keyed one.
    public func recordingLegacyBoundary(_ seq: Int64) -> AuditKey {
        guard legacyUntil == nil else { return self }
        var key = self
        key.legacyUntil = seq
        let hex = self.key.withUnsafeBytes { Secrets.hex($0) }
        let text = hex + "\nlegacyUntil \(seq)\n"
        let partial = path + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]),
            rename(partial, path) == 0
        else {
            try? FileManager.default.removeItem(atPath: partial)
            return self
        }
        return key
    }

    private static func parse(_ text: String, path: String) throws -> AuditKey {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        let hex = lines.first ?? ""
        let legacy = lines.dropFirst().first { $0.hasPrefix("legacyUntil ") }.flatMap { Int64($0.dropFirst("legacyUntil ".count)) }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex),
            let byte = UInt8(hex[index..<next], radix: 16)
        {
            bytes.append(byte)
            index = next
        }
        guard bytes.count == 32, index == hex.endIndex else {
            throw StoreError(code: "invalidInput", message: "the audit key \(path) is not 64 hexadecimal characters")
        }
        return AuditKey(key: SymmetricKey(data: bytes), legacyUntil: legacy, path: path)
    }

    /// HMAC-SHA256 of `text`, in lowercase hexadecimal.
    func authenticate(_ text: String) -> String {
        Secrets.hex(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key))
    }
}
