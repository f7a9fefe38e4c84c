public import Casework
public import ChangeLog
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One administrative operation, as the operations journal keeps it: enough to do it again, with the same
/// ids and timestamps, on a database restored from an older backup.
public struct JournalEntry: Codable, Hashable, Sendable {
    /// What was done.
    public enum Kind: String, Codable, Hashable, Sendable {
        case teamCreate, professionalCreate, clientRegister, clientMove, clientErase, deviceEnroll, deviceRevoke
    }

    /// What was done.
    public var kind: Kind
    /// When (the acting host's Unix milliseconds).
    public var at: Int64
    /// `teamCreate`: the team.
    public var team: TeamRecord?
    /// `professionalCreate`: the professional, with ``teamIds``.
    public var professional: Professional?
    /// `professionalCreate`: their teams; `clientRegister`, `clientMove`: the client's (new) team in ``teamId``.
    public var teamIds: [String]?
    /// The client of `clientRegister`, `clientMove`, `clientErase`.
    public var clientId: String?
    /// The client's team after `clientRegister` or `clientMove`.
    public var teamId: String?
    /// The change written to the log: registration, move or erasure tombstone. A registration's payload is
    /// emptied when the client is erased, so the journal keeps no name of an erased client.
    public var change: Change?
    /// `deviceEnroll`, `deviceRevoke`: the device; `deviceEnroll` also names ``professionalId``.
    public var deviceId: String?
    /// `deviceEnroll`: the professional the device belongs to.
    public var professionalId: String?
    /// `deviceEnroll`: the name the replica gave.
    public var deviceName: String?
    /// `deviceEnroll`: SHA-256 of the device token (never the token).
    public var tokenHash: String?
    /// `deviceEnroll`: SHA-256 of the enrollment code it used, which stays used after a restore.
    public var codeHash: String?
    /// `clientErase`: the reason given (a reference, no personal data).
    public var reason: String?

    /// Creates an entry of `kind` at `at`; fill in the members the kind uses.
    public init(kind: Kind, at: Int64) {
        self.kind = kind
        self.at = at
    }
}

/// An append-only file of every administrative operation — teams, professionals, client registrations,
/// moves and erasures, enrollments and revocations — kept outside the database, so that a database restored
/// from an older backup can be brought up to date: ``replay(into:)`` does again, with the same ids and
/// timestamps, what the restored database lacks. Revoked devices stay revoked, erased clients stay erased,
/// and clients registered since the backup are there again when the laptops send back what was written
/// about them.
///
/// One JSON object per line. Writers (admin commands, server instances) take an exclusive `flock` on the
/// file for each record and `fsync` it before the operation is reported done. The file is the server
/// account's only (0600): it holds professionals' names and, until their erasure, clients' names. An
/// erasure rewrites the file without the erased client's name (atomically, with a rename).
public struct OperationsJournal: Sendable, CustomStringConvertible {
    /// The file.
    public let path: String

    /// The default file next to a SQLite database: `samenspel-journal.jsonl` in the data folder.
    public static func defaultPath(dataDirectory: String) -> String {
        dataDirectory + "/samenspel-journal.jsonl"
    }

    /// A journal in `path` (created on the first record).
    public init(path: String) {
        self.path = path
    }

    /// The path.
    public var description: String { path }

    /// Appends an entry and makes it durable.
    public func record(_ entry: JournalEntry) throws {
        try withLockedFile { descriptor in
            var line = try Self.encoder.encode(entry)
            line.append(0x0A)
            try Self.write(line, to: descriptor)
            guard fsync(descriptor) == 0 else { throw failure("cannot sync") }
        }
    }

    /// Every entry, oldest first (an empty list when the file does not exist).
    public func entries() throws -> [JournalEntry] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try withLockedFile { _ in try readEntries() }
    }

    /// Records an erasure and removes the erased client's name from the registration kept earlier, in one
    /// atomic rewrite of the file.
    public func recordErasure(_ entry: JournalEntry) throws {
        guard let clientId = entry.clientId else { return try record(entry) }
        try withLockedFile { _ in
            var entries = try readEntries()
            for index in entries.indices where entries[index].clientId == clientId && entries[index].kind == .clientRegister {
                if let change = entries[index].change {
                    entries[index].change = Change(
                        id: change.id, clientId: change.clientId, entityType: change.entityType, entityId: change.entityId,
                        operation: change.operation, payload: .object([:]), hlc: change.hlc, authorId: change.authorId,
                        authorDiscipline: change.authorDiscipline, deviceId: change.deviceId)
                }
            }
            entries.append(entry)
            var data = Data()
            for entry in entries {
                data.append(try Self.encoder.encode(entry))
                data.append(0x0A)
            }
            let partial = path + ".rewrite"
            let descriptor = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw failure("cannot create \(partial)") }
            defer { close(descriptor) }
            try Self.write(data, to: descriptor)
            guard fsync(descriptor) == 0, rename(partial, path) == 0 else { throw failure("cannot replace") }
            Self.syncDirectory(of: path)
        }
    }

    // MARK: - Files

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private func readEntries() throws -> [JournalEntry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let decoder = JSONDecoder()
        var entries: [JournalEntry] = []
        for (number, line) in data.split(separator: 0x0A).enumerated() where !line.isEmpty {
            do {
                entries.append(try decoder.decode(JournalEntry.self, from: Data(line)))
            } catch {
                throw StoreError(
                    code: "invalidInput", message: "line \(number + 1) of the operations journal \(path) is not a journal entry")
            }
        }
        return entries
    }

    /// Runs `body` holding an exclusive lock on the file (created 0600 if missing). A rewrite replaces the
    /// file while others wait for the lock, so after locking the open file is checked to still be the one
    /// at `path`.
    private func withLockedFile<T>(_ body: (Int32) throws -> T) throws -> T {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        while true {
            let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw failure("cannot open") }
            defer { close(descriptor) }
            guard flock(descriptor, LOCK_EX) == 0 else { throw failure("cannot lock") }
            var opened = stat()
            var current = stat()
            guard fstat(descriptor, &opened) == 0 else { throw failure("cannot read") }
            if stat(path, &current) == 0, current.st_ino == opened.st_ino, current.st_dev == opened.st_dev {
                return try body(descriptor)
            }
        }
    }

    private static func write(_ data: Data, to descriptor: Int32) throws {
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw StoreError(code: "internal", message: "cannot write the operations journal: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }

    private static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    private func failure(_ what: String) -> StoreError {
        StoreError(code: "internal", message: "\(what) the operations journal \(path): \(String(cString: strerror(errno)))")
    }
}
