import Casework
import Foundation
import GRDB
import SQLiteSupport

/// The replica's files on disk: readable by the user only, and removable on the server's order.
///
/// What a wipe covers: the replica's database and its write-ahead files are overwritten with zeros and
/// deleted. What it cannot cover: copies the operating system made (backups, swap, snapshots), flash cells
/// an SSD keeps after an overwrite, and data shown on screen or exported. That is why the laptop must use
/// full-disk encryption.
enum ReplicaFiles {
    /// The file left behind by a wipe, saying when and why (no client data).
    static let wipeNoticeName = Replica.wipeNoticeFileName

    static let databaseSuffixes = DatabaseFile.suffixes

    /// Creates the folder readable by the user only, and the database file with mode 0600 so SQLite's
    /// write-ahead files, which copy its mode, are private too.
    static func prepare(directory: String) throws {
        try DatabaseFile.preparePrivate(directory: directory, fileName: Replica.fileName)
    }

    /// Sets the folder to 0700 and the database files to 0600.
    static func restrict(directory: String) throws {
        try DatabaseFile.restrict(directory: directory, fileName: Replica.fileName)
    }

    /// Overwrites the database files with zeros, deletes them and leaves a notice.
    static func wipe(directory: String, reason: String, at millis: Int64) throws {
        for suffix in databaseSuffixes {
            let path = directory + "/" + Replica.fileName + suffix
            guard let handle = FileHandle(forUpdatingAtPath: path) else { continue }
            let size = (try? handle.seekToEnd()) ?? 0
            try? handle.seek(toOffset: 0)
            var remaining = size
            let zeros = Data(count: 1 << 16)
            while remaining > 0 {
                let chunk = Int(min(remaining, UInt64(zeros.count)))
                try? handle.write(contentsOf: zeros.prefix(chunk))
                remaining -= UInt64(chunk)
            }
            try? handle.synchronize()
            try? handle.close()
            try FileManager.default.removeItem(atPath: path)
        }
        // A browser signed in to the app must not stay signed in to whatever is enrolled here next.
        try? FileManager.default.removeItem(atPath: directory + "/" + Replica.appSessionsFileName)
        let notice = ["wipedAt": CalendarTime.iso8601(millis: millis),
                      "reason": reason]
        let data = try JSONSerialization.data(withJSONObject: notice, options: [.sortedKeys])
        _ = FileManager.default.createFile(
            atPath: directory + "/" + wipeNoticeName, contents: data, attributes: [.posixPermissions: 0o600])
    }

    /// The error to show when the replica in `directory` was wiped, if it was.
    static func wipeNotice(in directory: String) -> ReplicaError? {
        guard let data = FileManager.default.contents(atPath: directory + "/" + wipeNoticeName),
            let notice = try? JSONSerialization.jsonObject(with: data) as? [String: String]
        else { return nil }
        return ReplicaError(
            code: ReplicaError.wiped,
            message: "this laptop's replica was wiped on \(notice["wipedAt"].flatMap(Self.localTime) ?? "?") because \(notice["reason"] ?? "the server said so"); "
                + "nothing of the caseload is left on it. Ask an administrator for a new enrollment code.")
    }

    /// Removes a wipe notice, and the app's sessions of an earlier enrollment, before a new enrollment.
    static func clearWipeNotice(in directory: String) {
        try? FileManager.default.removeItem(atPath: directory + "/" + wipeNoticeName)
        try? FileManager.default.removeItem(atPath: directory + "/" + Replica.appSessionsFileName)
    }

    /// `07-12-2026 09:30` on this computer's clock, for an ISO 8601 instant (the notice's, or an older
    /// notice's `…Z` without milliseconds).
    static func localTime(_ iso: String) -> String? {
        let withMillis = iso.count == 20 ? String(iso.dropLast()) + ".000Z" : iso
        guard let millis = CalendarTime.millis(fromISO8601: withMillis) else { return iso }
        let offset = TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: Double(millis) / 1000))
        return CalendarTime.dutchDateTime(millis: millis, offsetSeconds: offset)
    }
}

extension Replica {
    /// Closes the database, wipes its files and returns the error that says so.
    func wipe(reason: String) throws -> ReplicaError {
        // The device key goes first: should overwriting the files fail, what is left cannot be read.
        try? pool.write { db in try db.execute(sql: "DELETE FROM keyring; DELETE FROM client_keys") }
        vault.lockKeys()
        try pool.close()
        try ReplicaFiles.wipe(directory: directory, reason: reason, at: wallMillis())
        return ReplicaFiles.wipeNotice(in: directory)
            ?? ReplicaError(code: ReplicaError.wiped, message: "the replica was wiped: \(reason)")
    }
}
