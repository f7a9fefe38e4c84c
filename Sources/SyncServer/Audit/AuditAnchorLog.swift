import Foundation
import Logging
import ServiceLifecycle
import SyncProtocol
#if canImport(Glibc)
import Glibc
#endif

/// A file outside the database where the server records the audit log's head from time to time (an
/// *anchor*: position, hash, time), appended to and never rewritten. The chain alone cannot show entries cut
/// off at its end, nor a tail rewritten by someone holding the key; a check against earlier anchors can
/// (`samenspel admin audit verify` reads this file).
///
/// One JSON object per line: `{"at":MS,"seq":N,"hash":"hN:…","mac":"…","generation":G}`, where `mac` is an
/// HMAC-SHA256 under generation G of the audit key over the time, position and hash (none without a key), so
/// a line cannot be forged without the key either. `admin restore` appends
/// `{"at":MS,"restored":true,"mac":…}`: anchors before it describe the history the restore replaced and are
/// not held against the restored log. Keep the file where the database's administrators cannot write (another
/// disk, a log shipper); the server also logs every anchor (event `auditAnchor`), so with journald or syslog
/// a copy leaves the machine.
public struct AuditAnchorLog: Sendable {
    /// The file.
    public let path: String

    /// The default file beside a SQLite database: `samenspel-audit-anchors.jsonl` in the data folder.
    public static func defaultPath(dataDirectory: String) -> String {
        dataDirectory + "/samenspel-audit-anchors.jsonl"
    }

    /// A log in `path` (created on the first append, 0600).
    public init(path: String) {
        self.path = path
    }

    /// What the file says about the log now.
    public struct Contents: Sendable, Hashable {
        /// The anchors written since the last restore, oldest first.
        public var anchors: [AuditAnchor] = []
        /// When each of ``anchors`` was written (Unix ms), by position.
        public var writtenAt: [Int64: Int64] = [:]
        /// Lines that are not anchors or markers, or whose `mac` does not verify under the key: the file was
        /// edited, or written under a key this reader was not given.
        public var unverifiedLines: [Int] = []
        /// When the last restore was recorded, if any.
        public var restoredAt: Int64?
        /// Anchors of the history before that restore (not checked).
        public var anchorsBeforeRestore = 0

        /// Nothing recorded (no file).
        public init() {}
    }

    /// Appends an anchor of the log's head, written at `at`.
    public func append(_ anchor: AuditAnchor, at: Int64, key: AuditKey?) throws {
        try append(line(["at": .int(at), "seq": .int(anchor.seq), "hash": .text(anchor.hash)], macOver: Self.text(at: at, anchor: anchor), key: key))
    }

    /// Records that the database was restored from a backup at `at`.
    public func appendRestore(at: Int64, key: AuditKey?) throws {
        try append(line(["at": .int(at), "restored": .flag], macOver: Self.restoreText(at: at), key: key))
    }

    /// Reads the file; empty contents when it does not exist.
    public func read(key: AuditKey?) throws -> Contents {
        guard FileManager.default.fileExists(atPath: path) else { return Contents() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError(code: "invalidInput", message: "cannot read the audit anchors \(path)")
        }
        var contents = Contents()
        for (index, raw) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            let number = index + 1
            guard let object = try? JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any],
                let at = (object["at"] as? NSNumber)?.int64Value
            else {
                contents.unverifiedLines.append(number)
                continue
            }
            let mac = object["mac"] as? String
            let generation = (object["generation"] as? NSNumber)?.intValue
            if object["restored"] as? Bool == true {
                guard Self.verifies(mac, generation: generation, over: Self.restoreText(at: at), key: key) else {
                    contents.unverifiedLines.append(number)
                    continue
                }
                contents.anchorsBeforeRestore += contents.anchors.count
                contents.anchors = []
                contents.writtenAt = [:]
                contents.restoredAt = at
                continue
            }
            guard let seq = (object["seq"] as? NSNumber)?.int64Value, let hash = object["hash"] as? String,
                let anchor = AuditAnchor("\(seq):\(hash)"),
                Self.verifies(mac, generation: generation, over: Self.text(at: at, anchor: anchor), key: key)
            else {
                contents.unverifiedLines.append(number)
                continue
            }
            contents.anchors.append(anchor)
            contents.writtenAt[anchor.seq] = at
        }
        return contents
    }

    private enum Field {
        case int(Int64)
        case text(String)
        case flag
    }

    private func line(_ fields: [String: Field], macOver text: String, key: AuditKey?) -> String {
        var fields = fields
        if let key, let mac = key.authenticate(text) {
            fields["mac"] = .text(mac)
            fields["generation"] = .int(Int64(key.generation))
        }
        let members = fields.sorted { $0.key < $1.key }.map { name, value -> String in
            switch value {
            case .int(let number): "\"\(name)\":\(number)"
            // Hashes and MACs are hexadecimal with an `hN:` prefix: nothing to escape.
            case .text(let text): "\"\(name)\":\"\(text)\""
            case .flag: "\"\(name)\":true"
            }
        }
        return "{" + members.joined(separator: ",") + "}\n"
    }

    private func append(_ line: String) throws {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError(code: "invalidInput", message: "cannot open the audit anchors \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let count = line.utf8.count
        let written = line.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, count) }
        guard written == count, fsync(descriptor) == 0 else {
            throw StoreError(code: "invalidInput", message: "cannot write the audit anchors \(path)")
        }
    }

    private static func text(at: Int64, anchor: AuditAnchor) -> String { "anchor\n\(at)\n\(anchor)" }
    private static func restoreText(at: Int64) -> String { "restore\n\(at)" }

    /// Without a key lines carry no MAC, and are taken as they are; with one, a line must verify.
    private static func verifies(_ mac: String?, generation: Int?, over text: String, key: AuditKey?) -> Bool {
        guard let key else { return true }
        guard let mac, let expected = key.authenticate(text, generation: generation ?? 1) else { return false }
        return mac == expected
    }
}

/// Writes an anchor of the audit log to an ``AuditAnchorLog`` when the server starts, every `interval` while
/// the log grows, and when it stops (after the last request).
struct AuditAnchoring: Service {
    let store: any SyncStore
    let log: AuditAnchorLog
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var recorded: AuditAnchor?
        recorded = await record(after: recorded)
        while !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
            recorded = await record(after: recorded)
        }
        _ = await record(after: recorded)
    }

    /// Writes the head when it moved since `previous`; returns what is recorded now.
    private func record(after previous: AuditAnchor?) async -> AuditAnchor? {
        do {
            guard let head = try await store.auditHead(), head != previous else { return previous }
            try log.append(head, at: WallClock.millis(), key: store.auditKey)
            logger.notice(
                "audit anchor", metadata: ["event": "auditAnchor", "audit.seq": "\(head.seq)", "audit.hash": "\(head.hash)"])
            return head
        } catch {
            logger.error(
                "could not record an audit anchor", metadata: ["anchors.path": "\(log.path)", "error": "\(error)"])
            return previous
        }
    }
}
