import Casework
import Foundation
import Logging
import Replica
import SamenspelTestSupport
import SyncProtocol
import SyncServer
import Testing

/// Databases made by an earlier schema version (Tests/Fixtures/schema-v1 and -v3, made by that version's own build),
/// opened with today's code: an office that upgrades its server and its laptops keeps every change, device,
/// erasure and audit entry, and the laptops push what they had not sent and sync on.
@Suite struct SchemaHistoryTests {
    struct FixtureIds: Decodable {
        let jaap, mira, eva, noord, zuid: String
    }

    /// A copy of one office of the fixture (the files in the repository stay as they are).
    struct Office {
        let folder: TemporaryDirectory
        let ids: FixtureIds

        init(_ backend: String, version: String = "v1") throws {
            folder = try TemporaryDirectory("schema-\(version)")
            let source = RepositoryFiles.root.appendingPathComponent("Tests/Fixtures/schema-\(version)/\(backend)")
            let office = folder.appending("office")
            try FileManager.default.copyItem(atPath: source.path, toPath: office)
            ids = try JSONDecoder().decode(
                FixtureIds.self, from: Data(contentsOf: URL(fileURLWithPath: office + "/fixture.json")))
        }

        func path(_ name: String) -> String { folder.appending("office/" + name) }
    }

    var logger: Logger {
        var logger = Logger(label: "schema-history")
        logger.logLevel = .critical
        return logger
    }

    /// Note texts of the fixture's server (version 1 kept them in plaintext).
    static let serverWords = ["zelfvertrouwen", "energieleverancier", "taalcursus", "Werkgever gevonden"]

    @Test func aVersion1SQLiteOffice_upgradesInPlace_andItsLaptopsSyncOn() async throws {
        let office = try Office("sqlite")
        defer { office.folder.remove() }
        let before = try SyncRobustnessTests.bytes(of: office.path("server"))
        #expect(Self.serverWords.allSatisfy { before.range(of: Data($0.utf8)) != nil }, "the test can find them")
        let store = try SQLiteSyncStore(directory: office.path("server"))
        let after = try SyncRobustnessTests.bytes(of: office.path("server"))
        let left = Self.serverWords.filter { after.range(of: Data($0.utf8)) != nil }
        #expect(left.isEmpty, "sealed at the first open, nothing left in the server's files: \(left)")
        try await upgrades(office, store: store)
    }

    /// A backup from before the upgrade (plaintext) restored after an erasure: the server opens, and the
    /// client whose key was destroyed is erased again — its plaintext included.
    @Test func aBackupFromBeforeTheUpgrade_restoredAfterAnErasure_opens_andErasesTheClientAgain() async throws {
        let office = try Office("sqlite")
        defer { office.folder.remove() }
        let directory = office.path("server")
        let old = office.folder.appending("before-the-upgrade.sqlite")
        try FileManager.default.copyItem(atPath: directory + "/" + SQLiteSyncStore.fileName, toPath: old)
        var store = try SQLiteSyncStore(directory: directory)
        _ = try await Administration(store: store).eraseClient(office.ids.jaap, reason: "AVG-2026-400")
        _ = try SQLiteSyncStore.restore(from: old, into: directory, at: WallClock.millis())
        store = try SQLiteSyncStore(directory: directory)
        #expect(try await store.keyStatus().unsealedContent > 0, "Jaap's plaintext, until he is erased again")
        let reconciliation = try await Administration(store: store).reconcileKeys()
        #expect(reconciliation.erasedAgain == [office.ids.jaap])
        #expect(try await store.keyStatus().unsealedContent == 0)
        let live = [SQLiteSyncStore.fileName, SQLiteSyncStore.fileName + "-wal"].map {
            FileManager.default.contents(atPath: directory + "/" + $0) ?? Data()
        }.reduce(Data(), +)
        for word in ["zelfvertrouwen", "energieleverancier"] {
            #expect(live.range(of: Data(word.utf8)) == nil, "Jaap's '\(word)' is in the live database")
        }
        #expect(try await store.clients().first { $0.id == office.ids.mira }?.name == "Mira", "the others read on")
    }

    /// Version 3 also kept its full-text index, every word of the notes, in the replica's file.
    @Test func aVersion3SQLiteOffice_upgradesInPlace_andItsLaptopsKeepNoWordInPlaintext() async throws {
        let office = try Office("sqlite", version: "v3")
        defer { office.folder.remove() }
        let store = try SQLiteSyncStore(directory: office.path("server"))
        try await upgrades(office, store: store)
    }

    @Test(.enabled(if: PostgresTestDatabase.enabled, "needs PostgreSQL: set SAMENSPEL_POSTGRES_URL (always runs in CI)"))
    func aVersion1PostgreSQLOffice_upgradesInPlace_andItsLaptopsSyncOn() async throws {
        let office = try Office("postgresql")
        defer { office.folder.remove() }
        let database = try await PostgresTestDatabase.create()
        let store = try PostgresSyncStore(url: database.url, logger: logger, masterKey: .generated())
        let pool = await store.runInBackground()
        do {
            try await PostgresTestDatabase.runTool(
                "psql", ["--quiet", "--no-psqlrc", "--set", "ON_ERROR_STOP=1", "--dbname", database.url,
                         "--file", office.path("samenspel.sql")])
            try await store.migrate()
            try await upgrades(office, store: store)
        } catch {
            pool.cancel()
            await database.drop()
            throw error
        }
        pool.cancel()
        await database.drop()
    }

    private func upgrades(_ office: Office, store: any SyncStore) async throws {
        let ids = office.ids
        // The server's data, migrated in place.
        #expect(try await store.status(activeSince: 0).missingMigrations.isEmpty)
        #expect(Set(try await store.teams().map(\.id)) == [ids.noord, ids.zuid])
        #expect(Set(try await store.professionals().map(\.professional.name)) == ["Sanne", "Ahmed", "Olaf"])
        #expect(try await store.devices().count == 3)
        let clients = Dictionary(uniqueKeysWithValues: try await store.clients().map { ($0.id, $0) })
        #expect(clients[ids.jaap]?.teamId == ids.noord && clients[ids.jaap]?.erasedAt == nil)
        #expect(clients[ids.mira]?.teamId == ids.zuid, "the move is kept")
        #expect(clients[ids.eva]?.erasedAt != nil, "the erasure is kept")
        let audit = try await store.verifyAudit()
        #expect(audit.firstBroken == nil && audit.entries >= 45, "\(audit)")

        // The laptops, migrated when opened, sync with the upgraded server with the tokens they had.
        let server = try await RunningServer.start(store: store, configuration: ServerConfiguration(port: 0), logger: logger)
        let transport = try HTTPSyncTransport(baseURL: server.baseURL, trusting: nil)
        // Version 1 kept notes in plaintext; the first open with a passphrase seals them and rewrites the
        // files, so that no byte of them is left.
        let words = ["Onverzonden: afspraak", "zelfvertrouwen", "energieleverancier", "taalcursus", "Sanne"]
        func plaintext(_ name: String) throws -> [String] {
            let bytes = try SyncRobustnessTests.bytes(of: office.path(name))
            return words.filter { bytes.range(of: Data($0.utf8)) != nil }
        }
        #expect(try !plaintext("sanne").isEmpty && !plaintext("olaf").isEmpty, "the test can find them")
        let sanne = try Replica(directory: office.path("sanne"), passphrase: TestPassphrase.text, cost: .lowest)
        let ahmed = try Replica(directory: office.path("ahmed"), passphrase: TestPassphrase.text, cost: .lowest)
        let olaf = try Replica(directory: office.path("olaf"), passphrase: TestPassphrase.text, cost: .lowest)
        for name in ["sanne", "ahmed", "olaf"] {
            let left = try plaintext(name)
            #expect(left.isEmpty, "left in \(name)'s files: \(left)")
        }
        let sent = try await sanne.sync(using: transport)
        #expect(sent.pushed == 1 && sent.rejected.isEmpty && !sent.rebuilt, "the note written before the upgrade")
        for laptop in [ahmed, olaf] {
            let report = try await laptop.sync(using: transport)
            #expect(report.rejected.isEmpty && !report.rebuilt)
        }
        await server.stop()

        func texts(_ replica: Replica, _ client: String) async throws -> Set<String> {
            Set(try await replica.journey(clientId: client).notes.map(\.current.text))
        }
        #expect(try await texts(ahmed, ids.jaap) == [
            "Huisbezoek: Jaap wil werken maar mist zelfvertrouwen", "Schulden bij de energieleverancier",
            "Onverzonden: afspraak met de werkcoach",
        ])
        #expect(try await texts(sanne, ids.jaap) == [
            "Huisbezoek: Jaap wil werken maar mist zelfvertrouwen", "Onverzonden: afspraak met de werkcoach",
        ], "the income consultant's own note stays with his discipline")
        #expect(try await texts(olaf, ids.mira) == ["Mira start met de taalcursus", "Werkgever gevonden voor Mira"])
        for laptop in [sanne, ahmed, olaf] {
            await #expect(throws: ReplicaError.self) { try await laptop.journey(clientId: ids.eva) }
        }
        #expect(try await sanne.search("werkcoach").total == 1, "the search index is built for what came before it")
        let after = try await store.verifyAudit()
        #expect(after.firstBroken == nil && after.entries > audit.entries, "the chain goes on from the old entries")
    }
}
