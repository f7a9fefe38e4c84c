import Casework
import ChangeLog
import Foundation
import SamenspelTestSupport
import SyncProtocol
import SyncServer
import Testing

/// The operations journal: what a restore redoes from, so it must survive crashes, keep no name of an erased
/// client, and refuse to pretend it covers what it does not.
@Suite struct OperationsJournalTests {
    struct Setup {
        let folder: TemporaryDirectory
        let store: SQLiteSyncStore
        let journal: OperationsJournal
        var admin: Administration { Administration(store: store, journal: journal) }

        init() throws {
            folder = try TemporaryDirectory("journal")
            store = try SQLiteSyncStore(directory: folder.appending("server"))
            journal = OperationsJournal(path: folder.appending("journal/samenspel-journal.jsonl"))
        }
    }

    @Test func aLineCutOffByACrash_isReadAsUnreadable_andTheNextRecordStartsOnANewLine() async throws {
        let setup = try Setup()
        defer { setup.folder.remove() }
        let team = try await setup.admin.createTeam(name: "Noord")
        // A crash cut the next record off halfway.
        let handle = try #require(FileHandle(forWritingAtPath: setup.journal.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"at":1,"kind":"clientReg"#.utf8))
        try handle.close()
        let client = try await setup.admin.createClient(name: "Jaap", teamId: team.id)
        let contents = try setup.journal.read()
        #expect(contents.entries.map(\.kind) == [.teamCreate, .unreadable, .clientRegister])
        #expect(contents.entries.last?.clientId == client, "the record after the cut is whole")
        // A replay says which entry it could not read, and redoes the rest.
        let replay = try await setup.admin.reapply(setup.journal)
        #expect(replay.failed.count == 1 && replay.failed[0].contains("could not be read"))
        let mode = try FileManager.default.attributesOfItem(atPath: setup.journal.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func anErasure_leavesNoNameOfTheClientInTheJournal() async throws {
        let setup = try Setup()
        defer { setup.folder.remove() }
        let team = try await setup.admin.createTeam(name: "Noord")
        let client = try await setup.admin.createClient(name: "Kees van der Berg", teamId: team.id)
        _ = try await setup.admin.createClient(name: "Fatma Yilmaz", teamId: team.id)
        let before = try #require(FileManager.default.contents(atPath: setup.journal.path))
        #expect(before.range(of: Data("Kees van der Berg".utf8)) != nil, "the test can find it")
        _ = try await setup.admin.eraseClient(client, reason: "AVG-2026-122")
        let after = try #require(FileManager.default.contents(atPath: setup.journal.path))
        #expect(after.range(of: Data("Kees van der Berg".utf8)) == nil)
        #expect(after.range(of: Data("Fatma Yilmaz".utf8)) != nil, "other clients keep theirs")
        #expect(try setup.journal.read().entries.map(\.kind) == [.teamCreate, .clientRegister, .clientRegister, .clientErase])
        #expect(try await setup.store.journalMark()?.entries == 4)
    }

    @Test func aJournalThatDoesNotReachBackToTheBackup_isRefused_unlessTheOperatorRedoesItsGapByHand() async throws {
        let setup = try Setup()
        defer { setup.folder.remove() }
        let team = try await setup.admin.createTeam(name: "Noord")
        _ = try await setup.admin.createClient(name: "Jaap", teamId: team.id)
        // The journal is lost with its disk; a new, empty one takes its place.
        try FileManager.default.removeItem(atPath: setup.journal.path)
        await #expect { try await setup.admin.reapply(setup.journal) } throws: { error in
            (error as? StoreError)?.code == ErrorCode.journalIncomplete && "\(error)".contains("missing")
        }
        // Another journal (of another server, or started afresh) is not this database's either.
        let other = OperationsJournal(path: setup.folder.appending("other.jsonl"))
        var entry = JournalEntry(kind: .teamCreate, at: 1)
        entry.team = TeamRecord(id: Identifier.make(wallMillis: 1), name: "Elders", createdAt: 1)
        try other.record(entry)
        await #expect { try await setup.admin.reapply(other) } throws: { error in
            (error as? StoreError)?.code == ErrorCode.journalIncomplete && "\(error)".contains("not")
        }
        #expect(try await setup.store.teams().count == 1, "nothing was redone from it")
        // An operator who redoes the gap by hand says so.
        let replay = try await setup.admin.reapply(other, requireCoverage: false)
        #expect(replay.reapplied.count == 1)
    }
}

/// The audit chain's key and the log written before it.
@Suite struct AuditKeyTests {
    func chain(unkeyed: Int, keyed: Int, key: AuditKey) -> [AuditEntry] {
        var previous = AuditChain.genesis
        var entries: [AuditEntry] = []
        for seq in 1...(unkeyed + keyed) {
            var entry = AuditEntry(at: Int64(seq) * 1000, actor: "administrator", action: "admin.teamCreate")
            entry.seq = Int64(seq)
            entry.previousHash = previous
            entry.hash = AuditChain.hash(entry, previous: previous, key: seq <= unkeyed ? nil : key)
            previous = entry.hash!
            entries.append(entry)
        }
        return entries
    }

    func verify(_ entries: [AuditEntry], key: AuditKey?) -> AuditVerification {
        var check = AuditChainCheck(key: key)
        for entry in entries {
            guard check.add(entry) else { break }
        }
        return check.result
    }

    @Test func entriesFromBeforeTheKey_verify_upToTheBoundaryTheKeyFileRecords() throws {
        let folder = try TemporaryDirectory("auditkey")
        defer { folder.remove() }
        let key = try AuditKey.load(path: folder.appending("audit.key"))
        #expect(key.legacyUntil == nil)
        let recorded = key.recordingLegacyBoundary(3)
        #expect(try AuditKey.load(path: folder.appending("audit.key")).legacyUntil == 3, "kept in the file")
        #expect(recorded.recordingLegacyBoundary(9).legacyUntil == 3, "never moved")
        let mode = try FileManager.default.attributesOfItem(atPath: folder.appending("audit.key"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let log = chain(unkeyed: 3, keyed: 2, key: recorded)
        #expect(verify(log, key: recorded).isIntact)
        // Rewritten unkeyed past the boundary: someone without the key.
        let forged = chain(unkeyed: 4, keyed: 1, key: recorded)
        #expect(verify(forged, key: recorded).firstBroken == 4)
        // Without the key, keyed entries cannot be verified — which says so, rather than passing.
        let withoutKey = verify(log, key: nil)
        #expect(withoutKey.needsKey && !withoutKey.isIntact)
    }
}
