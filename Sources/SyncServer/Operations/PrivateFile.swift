import Foundation
#if canImport(Glibc)
import Glibc
import SyncProtocol
#endif

/// The small files a server keeps outside its database — the operations journal, the audit key, the audit
/// anchors: the server account's only (0600), written whole (atomically) or appended to, `fsync`ed, and
/// serialised between processes (server, admin, other instances) by an `flock` on `FILE.lock` beside them,
/// a file that is never replaced.
enum PrivateFile {
    /// Runs `body` holding the lock of `path` (exclusive, or shared for readers). Creates the folder (0700)
    /// when it does not exist and `createFolder` says so.
    static func withLock<T>(_ path: String, exclusive: Bool = true, createFolder: Bool = true, _ body: () throws -> T) throws -> T {
        let directory = (path as NSString).deletingLastPathComponent
        if createFolder, !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let lock = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw failure("cannot open the lock of", path) }
        defer { close(lock) }
        guard flock(lock, exclusive ? LOCK_EX : LOCK_SH) == 0 else { throw failure("cannot lock", path) }
        return try body()
    }

    /// Runs `body` with `path` open for appending (created 0600 if missing); the caller holds the lock.
    static func withAppending<T>(_ path: String, _ body: (Int32) throws -> T) throws -> T {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("cannot open", path) }
        defer { close(descriptor) }
        return try body(descriptor)
    }

    /// Writes all of `data` to `descriptor` and `fsync`s it.
    static func write(_ data: Data, to descriptor: Int32, path: String) throws {
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure("cannot write", path)
                }
                offset += written
            }
        }
        guard fsync(descriptor) == 0 else { throw failure("cannot sync", path) }
    }

    /// The contents of `path`; `nil` when there is no such file. Any other failure (no permission, a
    /// folder) throws: a file that exists must never be taken for a missing one.
    static func read(_ path: String) throws -> Data? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw failure("cannot read", path)
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            throw StoreError(code: .internal, message: "cannot read \(path): \(error)")
        }
    }

    /// Creates `path` with `data` (0600), unless it exists: `false` then, and the file is left as it is. The
    /// file appears whole (written under another name, then linked), so a reader never sees it half written.
    static func create(_ path: String, with data: Data) throws -> Bool {
        let partial = try written(data, beside: path)
        defer { unlink(partial) }
        guard link(partial, path) == 0 else {
            if errno == EEXIST { return false }
            throw failure("cannot create", path)
        }
        syncDirectory(of: path)
        return true
    }

    /// Replaces `path` with `data` atomically: written to a new file of its own (0600 from its creation, so
    /// never readable by others, not even for a moment), synced, renamed over `path`, and the folder synced.
    /// The caller holds the lock.
    static func replace(_ path: String, with data: Data) throws {
        // Partial files a crash left behind (holders of the lock write them): none is being written now.
        let folder = (path as NSString).deletingLastPathComponent
        let prefix = (path as NSString).lastPathComponent + ".partial-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
        where name.hasPrefix(prefix) {
            unlink((folder.isEmpty ? "" : folder + "/") + name)
        }
        let partial = try written(data, beside: path, ownedLike: path)
        guard rename(partial, path) == 0 else {
            let failed = failure("cannot replace", path)
            unlink(partial)
            throw failed
        }
        syncDirectory(of: path)
    }

    /// Writes `data` to a new file beside `path` (0600 from its creation, so never readable by others, not
    /// even for a moment; owned like `ownedLike` when the process may do that, as root may) and returns its
    /// name.
    private static func written(_ data: Data, beside path: String, ownedLike: String? = nil) throws -> String {
        let partial = path + ".partial-" + Secrets.makeEpoch()
        let descriptor = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("cannot create", partial) }
        do {
            defer { close(descriptor) }
            // A root admin replacing the server's file leaves it the server's, not root's.
            if let ownedLike, let attributes = try? FileManager.default.attributesOfItem(atPath: ownedLike),
                let owner = attributes[.ownerAccountID] as? NSNumber, let group = attributes[.groupOwnerAccountID] as? NSNumber
            {
                _ = fchown(descriptor, owner.uint32Value, group.uint32Value)
            }
            try write(data, to: descriptor, path: partial)
        } catch {
            unlink(partial)
            throw error
        }
        return partial
    }

    /// `fsync`s the folder of `path`, so that a rename or a new file in it survives a crash.
    static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// The error of a failed file operation, with the system's reason.
    static func failure(_ what: String, _ path: String) -> StoreError {
        StoreError(code: .internal, message: "\(what) \(path): \(String(cString: strerror(errno)))")
    }
}
