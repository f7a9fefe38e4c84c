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
/// One JSON object per line: `{"at":MS,"seq":N,"hash":"hN:…","mac":"…","generation":G}`. `mac` is an
/// HMAC-SHA256 under generation G of the audit key over the line's content *and the `mac` of the line before*,
/// so that a line cannot be forged, moved, replayed or left out from the middle without the key, and
/// generations never go back (a leaked old key cannot add lines after a rotation). `admin restore` appends
/// `{"at":MS,"restored":true,"seq":N,"hash":…,"mac":…}` with the restored log's head: anchors before it
/// describe the history the restore replaced and are not held against the restored log, which must hold the
/// marker's own anchor instead. Without a key, lines carry no `mac` and prove nothing by themselves.
///
/// Keep the file where the database's administrators cannot write (another disk; `chattr +a`; a log
/// shipper): someone who can both cut the log and cut this file's end can hide the cut. The server also logs
/// every anchor (event `auditAnchor`), so with journald or syslog a copy leaves the machine. Writers on one
/// machine are serialised by an `flock` on `FILE.lock`; give each instance its own file.
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
        /// Whether the file exists.
        public var exists = false
        /// The anchors written since the last restore (the restore's own first), oldest first.
        public var anchors: [AuditAnchor] = []
        /// When each of ``anchors`` was written (Unix ms), by position.
        public var writtenAt: [Int64: Int64] = [:]
        /// Lines that are not anchors or markers, whose `mac` does not verify under the key (or does not
        /// follow the line before), or that go back to an older key generation: the file was edited, or
        /// written under a key this reader was not given.
        public var unverifiedLines: [Int] = []
        /// Lines that do not read as anchors (cut off by a crash while being written); they are not part of
        /// the chain of lines, so they prove nothing either way.
        public var unreadableLines: [Int] = []
        /// When the last restore was recorded, if any.
        public var restoredAt: Int64?
        /// Anchors of the history before that restore (not checked).
        public var anchorsBeforeRestore = 0
        /// The `mac` of the last line that verifies: the next line is chained to it.
        var lastMac = ""
        /// The newest key generation of a line that verifies.
        var newestGeneration = 0
        /// Whether the file ends with a newline (or is empty); else a crash cut its last line off.
        var endsWithNewline = true

        /// Nothing recorded (no file).
        public init() {}
    }

    /// Appends an anchor of the log's head, written at `at`.
    public func append(_ anchor: AuditAnchor, at: Int64, key: AuditKey?) throws {
        try append(anchor, restored: false, at: at, key: key)
    }

    /// Records that the database was restored from a backup at `at`; `head` is the restored log's last entry
    /// (the restore's own), which the log must hold from now on.
    public func appendRestore(head: AuditAnchor, at: Int64, key: AuditKey?) throws {
        try append(head, restored: true, at: at, key: key)
    }

    /// Reads the file; empty contents when it does not exist.
    public func read(key: AuditKey?) throws -> Contents {
        guard let data = try PrivateFile.read(path) else { return Contents() }
        var contents = Contents()
        contents.exists = true
        contents.endsWithNewline = data.last.map { $0 == 0x0A } ?? true
        var previousMac = ""
        var newestGeneration = 0
        for (index, raw) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() where !raw.isEmpty {
            let number = index + 1
            // A line that does not read was cut off by a crash (the next line then follows the one before
            // it) — or damaged, and then the next line does not verify.
            guard let line = Line(Data(raw)) else {
                contents.unreadableLines.append(number)
                continue
            }
            if let key {
                guard let mac = line.mac, let generation = line.generation, generation >= newestGeneration,
                    key.authenticate(line.signedText(after: previousMac), generation: generation) == mac
                else {
                    contents.unverifiedLines.append(number)
                    continue
                }
                newestGeneration = generation
            }
            previousMac = line.mac ?? ""
            contents.lastMac = previousMac
            contents.newestGeneration = newestGeneration
            if line.restored {
                contents.anchorsBeforeRestore += contents.anchors.count
                contents.anchors = []
                contents.writtenAt = [:]
                contents.restoredAt = line.at
            }
            contents.anchors.append(line.anchor)
            contents.writtenAt[line.anchor.seq] = line.at
        }
        return contents
    }

    /// One line of the file.
    private struct Line {
        let at: Int64
        let anchor: AuditAnchor
        let restored: Bool
        var mac: String?
        var generation: Int?

        init(at: Int64, anchor: AuditAnchor, restored: Bool, mac: String?, generation: Int?) {
            self.at = at
            self.anchor = anchor
            self.restored = restored
            self.mac = mac
            self.generation = generation
        }

        init?(_ data: Data) {
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let at = (object["at"] as? NSNumber)?.int64Value, let seq = (object["seq"] as? NSNumber)?.int64Value,
                let hash = object["hash"] as? String, let anchor = AuditAnchor("\(seq):\(hash)")
            else { return nil }
            self.init(
                at: at, anchor: anchor, restored: object["restored"] as? Bool == true, mac: object["mac"] as? String,
                generation: (object["generation"] as? NSNumber)?.intValue)
        }

        /// What the `mac` covers: the kind, the line before's `mac`, the time and the anchor.
        func signedText(after previousMac: String) -> String {
            [restored ? "restore" : "anchor", previousMac, String(at), anchor.description].joined(separator: "\n")
        }

        /// The JSON line (hashes and MACs are hexadecimal with an `hN:` prefix: nothing to escape).
        var json: String {
            var members = ["\"at\":\(at)", "\"hash\":\"\(anchor.hash)\"", "\"seq\":\(anchor.seq)"]
            if restored { members.append("\"restored\":true") }
            if let mac, let generation { members += ["\"generation\":\(generation)", "\"mac\":\"\(mac)\""] }
            return "{" + members.joined(separator: ",") + "}\n"
        }
    }

    private func append(_ anchor: AuditAnchor, restored: Bool, at: Int64, key: AuditKey?) throws {
        try PrivateFile.withLock(path) {
            // Chained to the last line that verifies (a line someone appended without the key is not in the
            // chain); never under an older generation than a line before (another process rotated the key).
            let contents = try read(key: key)
            if let key, key.generation < contents.newestGeneration {
                throw AuditChain.staleKey(log: contents.newestGeneration, key: key.generation)
            }
            var line = Line(at: at, anchor: anchor, restored: restored, mac: nil, generation: nil)
            if let key {
                line.mac = key.authenticate(line.signedText(after: contents.lastMac))
                line.generation = key.generation
            }
            // After a line a crash cut off, start on a line of its own.
            let text = (contents.endsWithNewline ? "" : "\n") + line.json
            try PrivateFile.withAppending(path) { descriptor in try PrivateFile.write(Data(text.utf8), to: descriptor, path: path) }
        }
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
