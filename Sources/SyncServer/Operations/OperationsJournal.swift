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
        /// A device was told that a client left its caseload (so it may not write about it any more).
        case deviceTold
        /// The first line of a journal: its ``JournalEntry/journalId``.
        case journal
        /// A line that could not be read (a write cut off by a crash); kept so the count of entries holds.
        case unreadable

        /// Reads a kind; one this version does not know is `unreadable`.
        public init(from decoder: any Decoder) throws {
            self = Kind(rawValue: try decoder.singleValueContainer().decode(String.self)) ?? .unreadable
        }
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
    /// `journal`: the journal's random id, which the database records (see ``JournalMark``).
    public var journalId: String?

    /// Creates an entry of `kind` at `at`; fill in the members the kind uses.
    public init(kind: Kind, at: Int64) {
        self.kind = kind
        self.at = at
    }
}

/// How far a database has seen a journal: its id and how many entries it had when the database last
/// recorded one. A database restored from a backup knows the mark of the backup's time, so a restore can tell
/// whether a journal covers everything done since (the same journal, with at least that many entries).
public struct JournalMark: Hashable, Sendable, CustomStringConvertible {
    /// The journal's id (its first line).
    public var journalId: String
    /// Entries after the first line.
    public var entries: Int

    /// Creates a mark.
    public init(journalId: String, entries: Int) {
        self.journalId = journalId
        self.entries = entries
    }

    /// `id (n entries)`.
    public var description: String { "\(journalId) (\(entries) entries)" }
}

/// What a journal file holds.
public struct JournalContents: Sendable {
    /// The journal's id; `nil` when the file is missing or empty.
    public var journalId: String?
    /// The entries after the first line, oldest first; unreadable lines as `unreadable` entries.
    public var entries: [JournalEntry] = []

    /// Its mark, `nil` for no journal.
    public var mark: JournalMark? { journalId.map { JournalMark(journalId: $0, entries: entries.count) } }
}

/// An append-only file of every administrative operation — teams, professionals, client registrations,
/// moves and erasures, enrollments and revocations, and which devices were told that they lost a client —
/// kept outside the database, so that a database restored from an older backup can be brought up to date:
/// ``Administration/reapply(_:)`` does again, with the same ids and timestamps, what the restored database
/// lacks. Revoked devices stay revoked, erased clients stay erased, and clients registered since the backup
/// are there again when the laptops send back what was written about them.
///
/// One JSON object per line, the first naming the journal (a random id). Writers (admin commands, server
/// instances) take an exclusive `flock` (on `FILE.lock` beside it) for each record and `fsync` it before the
/// operation is reported done; readers take a shared one. A line cut off by a crash is read as `unreadable` and the next
/// record starts on a new line. The file is the server account's only (0600): it holds professionals'
/// names and, until their erasure, clients' names, and token hashes (never tokens or note text). An erasure
/// rewrites the file without the erased client's name (atomically, with a rename).
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

    /// Appends an entry, durably; returns the journal's mark after it.
    @discardableResult
    public func record(_ entry: JournalEntry) throws -> JournalMark {
        try withLockedFile { descriptor in
            var contents = try readContents()
            var data = Data()
            if contents.journalId == nil {
                var header = JournalEntry(kind: .journal, at: entry.at)
                header.journalId = Secrets.makeEpoch()
                contents.journalId = header.journalId
                data.append(try Self.encoder.encode(header))
                data.append(0x0A)
            } else if let last = FileManager.default.contents(atPath: path)?.last, last != 0x0A {
                data.append(0x0A)  // after a line a crash cut off
            }
            data.append(try Self.encoder.encode(entry))
            data.append(0x0A)
            try PrivateFile.write(data, to: descriptor, path: path)
            return JournalMark(journalId: contents.journalId!, entries: contents.entries.count + 1)
        }
    }

    /// What the journal holds (nothing when the file does not exist).
    public func read() throws -> JournalContents {
        guard FileManager.default.fileExists(atPath: path) else { return JournalContents() }
        return try naming { try PrivateFile.withLock(path, exclusive: false) { try readContents() } }
    }

    /// Records an erasure and removes the erased client's name from the registration kept earlier, in one
    /// atomic rewrite of the file; returns the mark after it.
    @discardableResult
    public func recordErasure(_ entry: JournalEntry) throws -> JournalMark {
        guard let clientId = entry.clientId else { return try record(entry) }
        return try withLockedFile { descriptor in
            var contents = try readContents()
            guard let journalId = contents.journalId else { return try recordWithoutLock(entry, descriptor: descriptor) }
            for index in contents.entries.indices
            where contents.entries[index].clientId == clientId && contents.entries[index].kind == .clientRegister {
                contents.entries[index].change = contents.entries[index].change?.withoutContent
            }
            contents.entries.append(entry)
            var header = JournalEntry(kind: .journal, at: 0)
            header.journalId = journalId
            var data = Data()
            for line in [header] + contents.entries {
                data.append(try Self.encoder.encode(line))
                data.append(0x0A)
            }
            try PrivateFile.replace(path, with: data)
            return JournalMark(journalId: journalId, entries: contents.entries.count)
        }
    }

    /// ``record(_:)`` for a caller that holds the lock on a journal without entries.
    private func recordWithoutLock(_ entry: JournalEntry, descriptor: Int32) throws -> JournalMark {
        var header = JournalEntry(kind: .journal, at: entry.at)
        header.journalId = Secrets.makeEpoch()
        var data = try Self.encoder.encode(header)
        data.append(0x0A)
        data.append(try Self.encoder.encode(entry))
        data.append(0x0A)
        try PrivateFile.write(data, to: descriptor, path: path)
        return JournalMark(journalId: header.journalId!, entries: 1)
    }

    // MARK: - Files

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// The contents; the caller holds a lock.
    private func readContents() throws -> JournalContents {
        guard let data = FileManager.default.contents(atPath: path) else { return JournalContents() }
        let decoder = JSONDecoder()
        var contents = JournalContents()
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: true) {
            let entry = (try? decoder.decode(JournalEntry.self, from: Data(line))) ?? JournalEntry(kind: .unreadable, at: 0)
            if contents.journalId == nil {
                // The first line names the journal; a journal whose first line was cut off still gets an id.
                contents.journalId = entry.kind == .journal ? entry.journalId : "unnamed"
                if entry.kind == .journal { continue }
            }
            contents.entries.append(entry)
        }
        return contents
    }

    /// Runs `body` with the journal open for appending (created 0600 if missing), holding the exclusive
    /// lock. The lock is on a file of its own beside the journal (`.lock`), which is never replaced, so a
    /// rewrite can swap the journal file while others wait for the lock.
    private func withLockedFile<T>(_ body: (Int32) throws -> T) throws -> T {
        try naming { try PrivateFile.withLock(path) { try PrivateFile.withAppending(path, body) } }
    }

    /// Runs `body`, saying in a file error that the file is the operations journal.
    private func naming<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError where error.code == .internal {
            throw StoreError(code: error.code, message: "the operations journal: " + error.message)
        }
    }
}
