import Casework
import ChangeLog
import Foundation
import GRDB
import Logging
import Replica
import SamenspelTestSupport
import SyncProtocol
@testable import SyncServer
import Testing

/// The server keeps case notes sealed at rest, and an erasure reaches every backup: the change log holds
/// each client's payloads sealed under a key of its own, kept in a key store apart from it; erasing the
/// client destroys the key. Real SQLite files and a real PostgreSQL server, real HTTP on loopback, laptops
/// that write and sync.
@Suite struct ServerEncryptionTests {
    enum Backend: String, CaseIterable, Sendable { case sqlite, postgres }

    static var backends: [Backend] { PostgresTestDatabase.enabled ? Backend.allCases : [.sqlite] }

    /// A server on one backend, with its laptops' folders.
    struct Office {
        let folder: TemporaryDirectory
        let backend: Backend
        var store: any SyncStore
        var database: PostgresTestDatabase?
        var pool: Task<Void, Never>?
        var server: RunningServer
        let masterKey: MasterKey
        let logger: Logger

        var admin: Administration { Administration(store: store) }
        var directory: String { folder.appending("server") }

        init(_ backend: Backend) async throws {
            self.backend = backend
            folder = try TemporaryDirectory("sealed")
            var logger = Logger(label: "sealed")
            logger.logLevel = .critical
            self.logger = logger
            masterKey = try MasterKey.load(.file(folder.appending("master.key")))
            switch backend {
            case .sqlite:
                store = try SQLiteSyncStore(directory: folder.appending("server"), masterKey: masterKey)
            case .postgres:
                let database = try await PostgresTestDatabase.create()
                (store, pool) = try await Self.openPostgres(database.url, masterKey, logger)
                self.database = database
            }
            server = try await RunningServer.start(store: store, configuration: ServerConfiguration(port: 0), logger: logger)
        }

        static func openPostgres(_ url: String, _ masterKey: MasterKey, _ logger: Logger) async throws
            -> (PostgresSyncStore, Task<Void, Never>)
        {
            let store = try PostgresSyncStore(url: url, maxConnections: 4, logger: logger, masterKey: masterKey)
            let pool = await store.runInBackground()
            try await store.migrate()
            return (store, pool)
        }

        func laptop(_ professional: Professional, _ name: String) async throws -> Replica {
            let code = try await admin.issueEnrollmentCode(professionalId: professional.id)
            return try await Replica.enroll(
                in: folder.appending(name), serverURL: server.baseURL, code: code, passphrase: TestPassphrase.text, cost: .lowest)
        }

        /// A backup of the change log: SQLite's `admin backup`; PostgreSQL's `pg_dump` without the key store's
        /// schema, as Deploy/README.md says.
        func backUpLog(to file: String) async throws {
            switch backend {
            case .sqlite:
                _ = try await (store as! SQLiteSyncStore).backup(to: file)
            case .postgres:
                try await PostgresTestDatabase.runTool(
                    "pg_dump", ["--format=custom", "--no-owner", "--exclude-schema=samenspel_keys", "--file", file, database!.url])
            }
        }

        /// Every byte the server keeps at rest: the data folder's files (database, key store, write-ahead
        /// logs), and for PostgreSQL a plain dump of the whole database (tables as PostgreSQL holds them now).
        func bytesAtRest() async throws -> Data {
            var data = backend == .sqlite ? try SyncRobustnessTests.bytes(of: directory) : Data()
            if backend == .postgres {
                let dump = folder.appending("whole-\(UUID()).sql")
                try await PostgresTestDatabase.runTool("pg_dump", ["--no-owner", "--file", dump, database!.url])
                data.append(try Data(contentsOf: URL(fileURLWithPath: dump)))
                try FileManager.default.removeItem(atPath: dump)
            }
            return data
        }

        /// Disaster: the server stops, the change log is put back from `backup` (the key store stays), and a
        /// server starts on it as `samenspel serve` does — without the operations journal, so that only the
        /// key store can tell what was erased since.
        mutating func restoreLog(from backup: String) async throws -> KeyReconciliation {
            await server.stop()
            var erasedByKeyRestore: [String] = []
            switch backend {
            case .sqlite:
                _ = try SQLiteSyncStore.restore(from: backup, into: directory, at: WallClock.millis())
                store = try SQLiteSyncStore(directory: directory, masterKey: masterKey)
            case .postgres:
                // The live database keeps its key store; the log's tables are replaced by the dump's.
                let keys = folder.appending("keys-\(UUID()).backup")
                _ = try await admin.backupKeys(to: keys)
                pool?.cancel()
                let restored = try await PostgresTestDatabase.create()
                try await PostgresTestDatabase.runTool(
                    "pg_restore", ["--no-owner", "--exit-on-error", "--dbname", restored.url, backup])
                await database?.drop()
                database = restored
                let (postgres, pool) = try await Self.openPostgres(
                    restored.url, masterKey, logger, keyStoreMayBeEmpty: true)
                self.pool = pool
                store = postgres
                erasedByKeyRestore = try await Administration(store: store).restoreKeys(from: keys).reconciliation.erasedAgain
            }
            var reconciliation = try await admin.reconcileKeys()
            reconciliation.erasedAgain += erasedByKeyRestore
            server = try await RunningServer.start(store: store, configuration: ServerConfiguration(port: 0), logger: logger)
            return reconciliation
        }

        func close() async {
            await server.stop()
            pool?.cancel()
            await database?.drop()
            folder.remove()
        }
    }

    @Test(arguments: backends)
    func anErasureReachesABackupOfTheLog_andARestoreShowsTheClientErased(backend: Backend) async throws {
        var office = try await Office(backend)
        let noord = try await office.admin.createTeam(name: "Noord")
        let bram = try await office.admin.createClient(name: "Bram Oosterbeek", teamId: noord.id)
        let jaap = try await office.admin.createClient(name: "Jaap Veldkamp", teamId: noord.id)
        let sanneP = try await office.admin.createProfessional(name: "Sanne", discipline: .clientManager, teamIds: [noord.id])
        let sanne = try await office.laptop(sanneP, "sanne")
        try await sanne.sync()
        let before = "Bram heeft een schuld van 4312 euro bij de energieleverancier"
        _ = try await sanne.addNote(clientId: bram, NoteContent(text: before))
        _ = try await sanne.addNote(clientId: jaap, NoteContent(text: "Jaap zoekt werk in de bouw"))
        try await sanne.sync()

        // Sealed at rest before anything is erased: neither the files nor the backup hold the text or name.
        let atRest = try await office.bytesAtRest()
        for secret in [before, "Bram Oosterbeek", "Jaap zoekt werk"] {
            #expect(atRest.range(of: Data(secret.utf8)) == nil, "\(backend): '\(secret)' is readable at rest")
        }
        let backup = office.folder.appending("log.backup")
        try await office.backUpLog(to: backup)
        let backupBytes = try Data(contentsOf: URL(fileURLWithPath: backup))
        #expect(backupBytes.range(of: Data(before.utf8)) == nil && backupBytes.range(of: Data("Bram Oosterbeek".utf8)) == nil)
        // … while the server reads it: a colleague's fresh laptop gets the notes and the names.
        let check = try await office.laptop(sanneP, "check")
        try await check.sync()
        #expect(try await check.journey(clientId: bram).timeline.contains { $0.text?.contains("4312") == true })
        #expect(try await office.store.clients().first { $0.id == bram }?.name == "Bram Oosterbeek")

        // More work, then the erasure.
        let after = "Bram krijgt schuldhulp via de gemeente, dossier 88-17"
        _ = try await sanne.addNote(clientId: bram, NoteContent(text: after))
        _ = try await sanne.addNote(clientId: jaap, NoteContent(text: "Jaap start maandag bij een aannemer"))
        try await sanne.sync()
        _ = try await office.admin.eraseClient(bram, reason: "AVG-2026-301")
        try await sanne.sync()

        // The restore of the backup from before the erasure.
        let reconciliation = try await office.restoreLog(from: backup)
        #expect(reconciliation.erasedAgain == [bram], "\(backend): the key store tells the restored log that Bram was erased")
        let restored = try #require(try await office.store.clients().first { $0.id == bram })
        #expect(restored.erasedAt != nil && restored.name == nil, "\(backend): the server shows Bram as erased")
        let files = try await office.bytesAtRest() + Data(contentsOf: URL(fileURLWithPath: backup))
        for secret in [before, after, "Bram Oosterbeek", "4312", "88-17"] {
            #expect(files.range(of: Data(secret.utf8)) == nil, "\(backend): '\(secret)' is readable after the restore")
        }
        // The backup's sealed rows of Bram stay sealed for good: his key is gone, the master key cannot help.
        let keys = try await office.store.exportKeys()
        guard case .destroyed = keys[bram] else {
            Issue.record("\(backend): Bram's key is still in the key store")
            return
        }
        // Jaap is untouched: a new laptop reads his journey from the restored log.
        let fresh = try await office.laptop(sanneP, "fresh")
        try await fresh.sync()
        #expect(try await fresh.journey(clientId: jaap).timeline.contains { $0.text?.contains("bouw") == true })
        await #expect(throws: ReplicaError.self) { try await fresh.journey(clientId: bram) }
        await office.close()
    }

    @Test(arguments: backends)
    func rotatingTheMasterKey_rewrapsEveryKey_whileTheServerServes(backend: Backend) async throws {
        let office = try await Office(backend)
        let noord = try await office.admin.createTeam(name: "Noord")
        var clients: [String] = []
        for index in 0..<5 { clients.append(try await office.admin.createClient(name: "Klant \(index)", teamId: noord.id)) }
        let sanneP = try await office.admin.createProfessional(name: "Sanne", discipline: .clientManager, teamIds: [noord.id])
        let sanne = try await office.laptop(sanneP, "sanne")
        try await sanne.sync()
        for client in clients { _ = try await sanne.addNote(clientId: client, NoteContent(text: "Gesprek \(client)")) }
        try await sanne.sync()

        let rotation = try await office.admin.rotateMasterKey()
        #expect(rotation.from == 1 && rotation.to == 2 && rotation.rewrapped == 5)
        let status = try await office.store.keyStatus()
        #expect(status.keysByGeneration == [2: 5], "\(status.keysByGeneration)")
        #expect(try await office.admin.store.auditEntries(clientId: nil, actor: nil).contains { $0.action == "admin.masterKeyRotated" })
        // The file has both generations; a store opened anew (another instance, a restart) reads with it.
        let reread = try MasterKey.load(.file(office.folder.appending("master.key")))
        #expect(reread.generations == [1, 2])
        switch backend {
        case .sqlite:
            await office.server.stop()
            let reopened = try SQLiteSyncStore(directory: office.directory, masterKey: reread)
            #expect(try await reopened.clients().compactMap(\.name).count == 5)
        case .postgres:
            let (other, pool) = try await Office.openPostgres(office.database!.url, reread, office.logger)
            #expect(try await other.clients().compactMap(\.name).count == 5)
            pool.cancel()
        }
        // The running server kept serving: a new laptop pulls every note.
        if backend == .postgres {
            let fresh = try await office.laptop(sanneP, "fresh")
            try await fresh.sync()
            for client in clients { #expect(try await fresh.journey(clientId: client).timeline.count >= 2) }
        }
        await office.close()
    }

    @Test func aKeyTheKeyStoreLost_isNeverReplacedByANewOne_andComesBackFromTheNewestKeyBackup() async throws {
        var office = try await Office(.sqlite)
        let noord = try await office.admin.createTeam(name: "Noord")
        let anna = try await office.admin.createClient(name: "Anna", teamId: noord.id)
        let sanneP = try await office.admin.createProfessional(name: "Sanne", discipline: .clientManager, teamIds: [noord.id])
        let sanne = try await office.laptop(sanneP, "sanne")
        try await sanne.sync()
        _ = try await sanne.addNote(clientId: anna, NoteContent(text: "Anna: intake"))
        try await sanne.sync()
        let older = office.folder.appending("keys-older.sqlite")
        _ = try await office.admin.backupKeys(to: older)
        let cor = try await office.admin.createClient(name: "Cor", teamId: noord.id)  // registered after it
        try await sanne.sync()
        _ = try await sanne.addNote(clientId: cor, NoteContent(text: "Cor: eerste gesprek"))
        try await sanne.sync()
        let newest = office.folder.appending("keys-newest.sqlite")
        _ = try await office.admin.backupKeys(to: newest)

        // The key store is lost and the older backup put back: Cor's key is missing.
        await office.server.stop()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: office.directory + "/samenspel-keys.sqlite" + suffix) }
        office.store = try SQLiteSyncStore(directory: office.directory, masterKey: office.masterKey, keyStoreMayBeEmpty: true)
        #expect(try await office.admin.restoreKeys(from: older).added == 1)
        office.server = try await RunningServer.start(store: office.store, configuration: ServerConfiguration(port: 0), logger: office.logger)
        let laptop = try await office.laptop(sanneP, "after")
        await #expect(throws: (any Error).self) { try await laptop.sync() }
        _ = try await sanne.addNote(clientId: cor, NoteContent(text: "Cor: tweede gesprek"))
        _ = try? await sanne.sync(using: HTTPSyncTransport(baseURL: office.server.baseURL))
        #expect(try await office.store.exportKeys()[cor] == nil, "no new key was made in place of the lost one")
        #expect(try await sanne.status().pendingChanges == 1, "the write waits on the laptop")

        // The newest key-store backup brings Cor's key back, and everything reads and syncs again.
        #expect(try await office.admin.restoreKeys(from: newest).added == 1)
        try await sanne.sync(using: HTTPSyncTransport(baseURL: office.server.baseURL))
        #expect(try await sanne.status().pendingChanges == 0)
        let fresh = try await office.laptop(sanneP, "fresh")
        try await fresh.sync()
        #expect(try await fresh.journey(clientId: cor).timeline.contains { $0.text?.contains("tweede gesprek") == true })
        await office.close()
    }

    @Test func aWrongMasterKey_orAMissingKeyStore_isRefusedAtOpen_andNothingIsCreated() async throws {
        let office = try await Office(.sqlite)
        let noord = try await office.admin.createTeam(name: "Noord")
        _ = try await office.admin.createClient(name: "Bram", teamId: noord.id)
        await office.server.stop()
        // Another master key: the key store's keys do not open under it, and the file made for it is removed.
        let wrong = office.folder.appending("typo.key")
        #expect {
            try SQLiteSyncStore(directory: office.directory, masterKey: try MasterKey.load(.file(wrong)))
        } throws: { ($0 as? StoreError)?.message.contains("master key") == true }
        #expect(!FileManager.default.fileExists(atPath: wrong))
        // The key store gone: refused, not a server with unreadable notes.
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: office.directory + "/samenspel-keys.sqlite" + suffix)
        }
        #expect {
            try SQLiteSyncStore(directory: office.directory, masterKey: office.masterKey)
        } throws: { ($0 as? StoreError)?.message.contains("key store") == true }
        office.folder.remove()
    }
}

extension ServerEncryptionTests.Office {
    static func openPostgres(_ url: String, _ masterKey: MasterKey, _ logger: Logger, keyStoreMayBeEmpty: Bool) async throws
        -> (PostgresSyncStore, Task<Void, Never>)
    {
        let store = try PostgresSyncStore(
            url: url, maxConnections: 4, logger: logger, masterKey: masterKey, keyStoreMayBeEmpty: keyStoreMayBeEmpty)
        let pool = await store.runInBackground()
        try await store.migrate()
        return (store, pool)
    }
}
