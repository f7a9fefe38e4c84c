import Casework
import ChangeLog
import Foundation
import GRDB
import Logging
@testable import Replica
import SQLiteSupport
import SamenspelTestSupport
import SyncProtocol
@testable import SyncServer
import Testing

/// The whole cycle an office goes through, over real loopback HTTP: a backup, a day of work on several
/// laptops and by the administrator, a restore of the backup (`admin restore`: the backup in place, a new
/// restore epoch, the operations journal redone), and the laptops syncing again in some order.
@Suite struct RestoreEndToEndTests {
    /// The office: two teams, an administrator with an operations journal, a server on loopback.
    struct Office {
        let folder: TemporaryDirectory
        let journal: OperationsJournal
        var store: SQLiteSyncStore
        var server: RunningServer
        let logger: Logger
        var port: Int { server.port }

        var admin: Administration { Administration(store: store, journal: journal) }
        var directory: String { folder.appending("server") }

        init() async throws {
            folder = try TemporaryDirectory("restore")
            store = try SQLiteSyncStore(directory: folder.appending("server"))
            journal = OperationsJournal(path: OperationsJournal.defaultPath(dataDirectory: folder.appending("server")))
            var logger = Logger(label: "restore")
            logger.logLevel = .critical
            self.logger = logger
            server = try await Self.serve(store, journal, port: 0, logger: logger)
        }

        static func serve(_ store: SQLiteSyncStore, _ journal: OperationsJournal, port: Int, logger: Logger) async throws
            -> RunningServer
        {
            var configuration = ServerConfiguration(port: port)
            configuration.journal = journal
            return try await RunningServer.start(store: store, configuration: configuration, logger: logger)
        }

        func laptop(_ professional: Professional, _ name: String) async throws -> Replica {
            let code = try await admin.issueEnrollmentCode(professionalId: professional.id)
            return try await Replica.enroll(in: folder.appending(name), serverURL: server.baseURL, code: code, passphrase: TestPassphrase.text, cost: .lowest)
        }

        /// What `samenspel admin restore --from` does, with the server stopped and started again on the same port.
        mutating func restore(from backup: String) async throws -> JournalReplay {
            await server.stop()
            _ = try SQLiteSyncStore.restore(from: backup, into: directory, at: WallClock.millis())
            store = try SQLiteSyncStore(directory: directory)
            _ = try await store.renewEpoch()
            let replay = try await admin.reapply(journal)
            server = try await Self.serve(store, journal, port: port, logger: logger)
            return replay
        }

        /// Every change the server holds, its payload opened.
        func logged() async throws -> [Change] {
            let store = self.store
            return try await store.read { db in
                try Row.fetchAll(db, sql: "SELECT \(ChangeRow.columns) FROM changes").map { try store.decode($0, db: db) }
            }
        }
    }

    /// Every change a laptop wrote itself and still holds (its own writes are what it can send back), but
    /// about `except`.
    static func own(_ replica: Replica, except: String) async throws -> Set<String> {
        let identity = try await replica.identity()
        var ids: Set<String> = []
        for client in try await replica.clients() where client.id != except {
            for entry in try await replica.journey(clientId: client.id).timeline where entry.by.id == identity.professional.id {
                ids.insert(entry.changeId)
            }
        }
        return ids
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func restoringAnOlderBackup_losesNoWrite_bringsNoErasureBack_andKeepsRevocations(order seed: UInt64) async throws {
        var office = try await Office()
        defer { office.folder.remove() }
        let noord = try await office.admin.createTeam(name: "Noord")
        let zuid = try await office.admin.createTeam(name: "Zuid")
        let jaap = try await office.admin.createClient(name: "Jaap", teamId: noord.id)
        let kees = try await office.admin.createClient(name: "Kees", teamId: noord.id)
        let bram = try await office.admin.createClient(name: "Bram", teamId: noord.id)
        func professional(_ name: String, _ discipline: Discipline, _ team: TeamRecord) async throws -> Professional {
            try await office.admin.createProfessional(name: name, discipline: discipline, teamIds: [team.id])
        }
        let sanneP = try await professional("Sanne", .clientManager, noord)
        let ahmedP = try await professional("Ahmed", .incomeConsultant, noord)
        let sanne = try await office.laptop(sanneP, "sanne")
        let sanneOld = try await office.laptop(sanneP, "sanne-old")
        let ahmed = try await office.laptop(ahmedP, "ahmed")
        let petra = try await office.laptop(try await professional("Petra", .accountManager, noord), "petra")
        let olaf = try await office.laptop(try await professional("Olaf", .clientManager, zuid), "olaf")
        for replica in [sanne, sanneOld, ahmed, petra, olaf] { try await replica.sync() }
        let firstNote = try await sanne.addNote(clientId: jaap, NoteContent(text: "Intake"))
        let secret = "BRAM-SCHULDEN-\(seed)"
        _ = try await ahmed.addNote(clientId: bram, NoteContent(text: secret))
        for replica in [sanne, ahmed, petra] { try await replica.sync() }

        let backup = office.folder.appending("backup.sqlite")
        _ = try await office.store.backup(to: backup)

        // A day of work after the backup.
        _ = try await sanne.reviseNote(noteId: firstNote, text: "Intake, aangevuld")  // an edit of a note from before
        let homeVisit = try await sanne.addNote(clientId: jaap, NoteContent(text: "Huisbezoek"))
        try await sanne.sync()
        _ = try await sanne.reviseNote(noteId: homeVisit, text: "Huisbezoek: afspraken gemaakt")  // her own edit, pending
        let agreement = try await ahmed.addAgreement(
            clientId: jaap, Agreement(text: "Schuldhulp aanvragen", responsible: .client, due: nil, behaviour: nil))
        try await ahmed.sync()
        try await petra.sync()
        _ = try await petra.updateAgreement(agreementId: agreement) { $0.status = .kept }  // a colleague's agreement
        try await petra.sync()
        let fatma = try await office.admin.createClient(name: "Fatma", teamId: noord.id)  // registered after it
        try await petra.sync()
        _ = try await petra.addNote(clientId: fatma, NoteContent(text: "Eerste gesprek met Fatma"))
        try await petra.sync()
        try await office.admin.moveClient(kees, toTeam: zuid.id)  // moved after it
        try await olaf.sync()
        _ = try await olaf.addNote(clientId: kees, NoteContent(text: "Kees bij team Zuid"))
        try await olaf.sync()
        _ = try await office.admin.eraseClient(bram, reason: "AVG-2026-120")  // erased after it
        try await office.admin.revokeDevice(try await sanneOld.identity().deviceId)  // revoked after it
        let ahmedNew = try await office.laptop(ahmedP, "ahmed-new")  // enrolled after it
        try await ahmedNew.sync()
        _ = try await ahmedNew.addNote(clientId: jaap, NoteContent(text: "Vanaf de nieuwe laptop"))
        try await ahmedNew.sync()
        _ = try await ahmed.addNote(clientId: jaap, NoteContent(text: "Nog niet verstuurd"))  // pending at the restore
        let laptops = [sanne, ahmed, petra, olaf, ahmedNew]
        var written: Set<String> = []
        for laptop in laptops { written.formUnion(try await Self.own(laptop, except: bram)) }

        // Disaster: the server is restored from the backup, which lacks all of that.
        let replay = try await office.restore(from: backup)
        #expect(replay.failed.isEmpty, "\(replay.failed)")
        let redone = replay.reapplied.joined(separator: "\n")
        for expected in ["client \(fatma) registered again", "client \(kees) moved", "client \(bram) erased again",
                         "revoked again", "enrolled again"]
        {
            #expect(redone.contains(expected), "\(redone)")
        }
        #expect(!(try await office.logged()).contains { $0.clientId == bram && $0.operation != "erase" })

        // Two sync rounds, in an order that differs per seed.
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<2 {
            for laptop in laptops.shuffled(using: &generator) { try await laptop.sync() }
        }
        let stored = Set(try await office.logged().map(\.id))
        #expect(written.subtracting(stored).isEmpty, "lost after the restore: \(written.subtracting(stored).count) write(s)")
        for laptop in laptops {
            let status = try await laptop.status()
            // Ahmed's note about Bram, sent again after the restore, is refused (Bram is erased again) and kept
            // without its text; nothing else is refused.
            for refused in status.rejected {
                #expect(refused.change.clientId == bram && refused.code == ErrorCode.clientErased && refused.change.payload == .object([:]))
            }
            #expect(status.pendingChanges == 0)
        }
        // The revoked laptop stays revoked; nothing erased comes back.
        await #expect { try await sanneOld.sync() } throws: { ($0 as? ReplicaError)?.code == ReplicaError.wiped }
        #expect(!(try await office.logged()).contains { $0.clientId == bram && $0.operation != "erase" })
        for laptop in laptops { await #expect(throws: ReplicaError.self) { try await laptop.journey(clientId: bram) } }
        #expect(try SyncRobustnessTests.bytes(of: office.directory).range(of: Data(secret.utf8)) == nil)

        // One more round: every laptop of team Noord shows the same journeys, with every write once.
        for laptop in laptops { try await laptop.sync() }
        for client in [jaap, fatma] {
            let journeys = try await [sanne, ahmed, petra, ahmedNew].asyncMap { try await $0.journey(clientId: client).canonicalJSON() }
            #expect(Set(journeys).count == 1, "the laptops disagree about \(client)")
        }
        let jaapJourney = try await sanne.journey(clientId: jaap)
        #expect(Set(jaapJourney.timeline.map(\.changeId)).count == jaapJourney.timeline.count, "no write twice")
        #expect(try await olaf.journey(clientId: kees).timeline.contains { $0.by.name == "Olaf" })
        await office.server.stop()
    }
}

extension RestoreEndToEndTests {
    /// Registered and erased after the backup: its key is destroyed, so the journal's registration is redone
    /// without content and its erasure after it — and a laptop that missed the erasure is told.
    @Test func aClientRegisteredAndErasedAfterTheBackup_isErasedAfterTheRestore_andALaptopThatMissedItIsTold() async throws {
        var office = try await Office()
        defer { office.folder.remove() }
        let noord = try await office.admin.createTeam(name: "Noord")
        let sanneP = try await office.admin.createProfessional(name: "Sanne", discipline: .clientManager, teamIds: [noord.id])
        let sanne = try await office.laptop(sanneP, "sanne")
        try await sanne.sync()
        let backup = office.folder.appending("backup.sqlite")
        _ = try await office.store.backup(to: backup)
        let dirk = try await office.admin.createClient(name: "Dirk", teamId: noord.id)
        try await sanne.sync()
        _ = try await sanne.addNote(clientId: dirk, NoteContent(text: "Dirk: schulden"))
        try await sanne.sync()
        _ = try await office.admin.eraseClient(dirk, reason: "AVG-2026-402")  // Sanne's laptop has not synced since

        let replay = try await office.restore(from: backup)
        #expect(replay.failed.isEmpty, "\(replay.failed)")
        #expect(replay.reapplied.contains { $0.contains("client \(dirk) erased again") }, "\(replay.reapplied)")
        #expect(try await office.store.clients().first { $0.id == dirk }?.erasedAt != nil, "the server shows Dirk erased")
        #expect(try await office.logged().filter { $0.clientId == dirk }.map(\.operation) == ["erase"], "only the erasure record")
        try await sanne.sync()
        try await sanne.sync()
        await #expect(throws: ReplicaError.self) { try await sanne.journey(clientId: dirk) }
        await office.server.stop()
    }

    @Test func aLaptopToldOfAMoveBeforeTheRestore_cannotBackdateAWriteAboutTheClientAfterIt() async throws {
        var office = try await Office()
        defer { office.folder.remove() }
        let noord = try await office.admin.createTeam(name: "Noord")
        let zuid = try await office.admin.createTeam(name: "Zuid")
        let jaap = try await office.admin.createClient(name: "Jaap", teamId: noord.id)
        let sanneP = try await office.admin.createProfessional(name: "Sanne", discipline: .clientManager, teamIds: [noord.id])
        let sanne = try await office.laptop(sanneP, "sanne")
        try await sanne.sync()
        let backup = office.folder.appending("backup.sqlite")
        _ = try await office.store.backup(to: backup)
        try await office.admin.moveClient(jaap, toTeam: zuid.id)
        #expect(try await sanne.sync().removedClients == [jaap], "she is told")
        let moved = try #require(try await office.logged().first { $0.operation == "move" })
        _ = try await office.restore(from: backup)

        // Her device, told before the restore, stamps a write about Jaap just before the move.
        // (The token is sealed in the replica's file: read it through the unlocked replica.)
        let (deviceId, token) = try await sanne.pool.read { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT device_id, samenspel_open_device(token) AS token FROM enrollment"))
            return (row["device_id"] as String, row["token"] as String)
        }
        let forged = Change(
            id: Identifier.make(wallMillis: moved.hlc.wallMillis - 1_500), clientId: jaap, entityType: "note",
            entityId: Identifier.make(wallMillis: moved.hlc.wallMillis - 1_500), operation: "add",
            payload: CaseEvent.noteAdded(NoteContent(text: "backdated")).payload,
            hlc: HLCTimestamp(wallMillis: moved.hlc.wallMillis - 1_500, logical: 0), authorId: sanneP.id,
            authorDiscipline: sanneP.discipline.rawValue, deviceId: deviceId)
        let transport = try HTTPSyncTransport(baseURL: office.server.baseURL, trusting: nil)
        let answer = try await transport.push(PushRequest(changes: [forged]), token: token)
        #expect(answer.results.first?.error?.code == ErrorCode.outOfScope, "the restore did not forget what she was told")
        await office.server.stop()
    }
}

extension Array {
    /// `map` with an async transform, in order.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
