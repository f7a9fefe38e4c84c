import Casework
import ChangeLog
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Logging
import SamenspelTestSupport
import SyncProtocol
@testable import SyncServer
import Testing

/// A logger that says nothing below critical, for servers and stores the tests start.
func quietLogger() -> Logger {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return logger
}

/// The audit log proves itself beyond its chain: key rotations that keep old entries verifiable and cannot
/// be undone with an old key, and anchors outside the database that show a cut-off or rewritten tail.
@Suite struct AuditProofTests {
    /// The key file the fixture's store chains under.
    static func keyPath(_ fixture: ServerFixture) -> String {
        fixture.backend == .sqlite ? AuditKey.defaultPath(dataDirectory: fixture.folder.path) : fixture.folder.appending("audit.key")
    }

    static func dropGuards(_ fixture: ServerFixture) async throws {
        if fixture.backend == .sqlite {
            try await fixture.rawExecute("DROP TRIGGER audit_log_append_only_update")
            try await fixture.rawExecute("DROP TRIGGER audit_log_append_only_delete")
        } else {
            try await fixture.rawExecute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        }
    }

    /// A second store on the same database that was given `keyPath` (an instance with its own key file).
    static func withStore<T: Sendable>(
        _ fixture: ServerFixture, keyPath: String, _ body: @Sendable (any SyncStore) async throws -> T
    ) async throws -> T {
        switch fixture.backend {
        case .memory:
            throw StoreError(code: ErrorCode.invalidInput, message: "the in-memory store has no database to share")
        case .sqlite:
            return try await body(try SQLiteSyncStore(directory: fixture.folder.path, auditKeyPath: keyPath))
        case .postgres:
            return try await PostgresSyncStore.withStore(
                url: fixture.database!.url, logger: quietLogger(), masterKey: fixture.masterKey,
                auditKey: try AuditKey.load(path: keyPath), body)
        }
    }

    @Test(arguments: Backend.databases) func rotatingTheKey_isAudited_oldEntriesStillVerify_andTheOldKeyCannotWriteAfterIt(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            var factory = ChangeFactory(wallMillis: WallClock.millis())
            _ = try await api.push([factory.make(.noteAdded(NoteContent(text: "x")), client: fixture.jaap, by: sanne.author)], as: sanne)
            let oldKeyCopy = fixture.folder.appending("old.key")
            try FileManager.default.copyItem(atPath: Self.keyPath(fixture), toPath: oldKeyCopy)

            let rotated = try await fixture.admin.rotateAuditKey()
            #expect(rotated.generation == 2)
            #expect(try AuditKey.load(path: Self.keyPath(fixture)).generation == 2, "kept in the file")
            _ = try await api.pull(as: sanne)
            let entries = try await fixture.store.auditEntries(clientId: nil, actor: nil)
            let rotation = try #require(entries.first { $0.action == AuditChain.rotationAction })
            #expect(rotation.details["generation"] == "2")
            #expect(rotation.hash?.hasPrefix("h1:") == true, "the record is chained under the old generation")
            let after = entries.filter { $0.seq! > rotation.seq! }
            #expect(!after.isEmpty && after.allSatisfy { $0.hash?.hasPrefix("h2:") == true }, "later entries under the new one: \(entries.map { "\($0.action) \($0.details) \($0.hash!.prefix(3))" })")
            #expect(try await fixture.store.verifyAudit().isIntact)

            // An instance that still has the old file refuses to write after the new generation, and cannot
            // verify the entries chained under it.
            let before = try await fixture.store.auditEntries(clientId: nil, actor: nil).count
            let push = PushRequest(changes: [factory.make(.noteAdded(NoteContent(text: "y")), client: fixture.jaap, by: sanne.author)])
            try await Self.withStore(fixture, keyPath: oldKeyCopy) { stale in
                await #expect(throws: StoreError.self) {
                    try await stale.appendAudit(AuditEntry(at: WallClock.millis(), actor: "x", action: "probe"))
                }
                let verification = try await stale.verifyAudit()
                #expect(verification.needsKey && verification.missingGeneration == 2 && !verification.isIntact)
                // Over HTTP, such an instance answers 503 (retry, perhaps elsewhere) and stores nothing.
                let logger = quietLogger()
                let app = try await SyncServer.makeApplication(store: stale, configuration: ServerConfiguration(), logger: logger)
                try await app.test(.router) { client in
                    let response = try await client.execute(
                        uri: "/v1/push", method: .post,
                        headers: [.authorization: "Bearer \(sanne.token)", .contentType: "application/json"],
                        body: ByteBuffer(data: try WireCoding.makeEncoder().encode(push)))
                    #expect(response.status == .serviceUnavailable && response.headers[.retryAfter] != nil)
                }
            }
            #expect(try await fixture.store.auditEntries(clientId: nil, actor: nil).count == before)
            #expect(try await api.pullAll(as: try await api.enroll(fixture.ahmed)).allSatisfy { $0.payload["text"] != .string("y") })

            // Someone who kept the old key appends an entry under it after the rotation: the chain breaks there.
            try await Self.dropGuards(fixture)
            let last = try #require(try await fixture.store.auditEntries(clientId: nil, actor: nil).last)
            var forged = AuditEntry(at: WallClock.millis(), actor: "x", action: "pull")
            forged.seq = last.seq! + 1
            let oldKey = try AuditKey.load(path: oldKeyCopy)
            let hash = try #require(AuditChain.hash(forged, previous: last.hash!, key: oldKey))
            try await fixture.rawExecute(
                "INSERT INTO audit_log (seq, at, actor, device_id, action, client_ids, details, result, origin, previous_hash, hash) "
                    + "VALUES (\(forged.seq!), \(forged.at), 'x', NULL, 'pull', '', '{}', 'ok', NULL, '\(last.hash!)', '\(hash)')")
            #expect(try await fixture.store.verifyAudit().firstBroken == forged.seq)
        }
    }

    @Test(arguments: Backend.all) func refusalsCountedInTheLastMinute_areAuditedWhenTheServerStops(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let revoked = try await api.enroll(fixture.sanne)
            try await fixture.admin.revokeDevice(revoked.deviceId)
            let before = try await fixture.store.auditEntries(clientId: nil, actor: nil).count
            let logger = quietLogger()
            let app = try await SyncServer.makeApplication(
                store: fixture.store,
                configuration: ServerConfiguration(port: 0, deviceRequestsPerSecond: 1000, deviceRequestBurst: 1000),
                logger: logger)
            // Over real loopback HTTP; the test ends with a graceful shutdown of the server.
            try await app.test(.live) { client in
                for _ in 0..<30 {
                    let response = try await client.execute(
                        uri: "/v1/changes", method: .get, headers: [.authorization: "Bearer \(revoked.token)"])
                    #expect(response.status == .unauthorized)
                }
            }
            let added = try await fixture.store.auditEntries(clientId: nil, actor: nil).dropFirst(before)
                .filter { $0.result == ErrorCode.deviceRevoked.rawValue }
            #expect(added.count <= 2, "summarised, not one row each")
            #expect(added.reduce(0) { $0 + (Int($1.details["repeated"] ?? "") ?? 1) } == 30, "yet every refusal is counted")
        }
    }

    @Test func aNewGeneration_withoutItsRotationRecord_breaksTheChain() throws {
        let folder = try TemporaryDirectory("audit")
        defer { folder.remove() }
        let key = try AuditKey.load(path: folder.appending("audit.key")).rotated()
        var previous = AuditChain.genesis
        var entries: [AuditEntry] = []
        for (seq, generation) in [(1, 1), (2, 2)] {
            var entry = AuditEntry(at: Int64(seq), actor: "a", action: "pull")
            entry.seq = Int64(seq)
            entry.previousHash = previous
            let hash = try #require(AuditChain.hash(entry, previous: previous, key: key, generation: generation))
            entry.hash = hash
            previous = hash
            entries.append(entry)
        }
        var check = AuditChainCheck(key: key)
        let firstHolds = check.add(entries[0])
        let secondHolds = check.add(entries[1])
        #expect(firstHolds)
        #expect(!secondHolds, "generation 2 was never announced")
        #expect(check.result.firstBroken == 2)
    }

    @Test func anchorsOutsideTheDatabase_showACutOffTail_andAForgedLine_andRestoresStartAfresh() async throws {
        let folder = try TemporaryDirectory("anchors")
        defer { folder.remove() }
        let store = try SQLiteSyncStore(directory: folder.path)
        let admin = Administration(store: store)
        let anchors = AuditAnchorLog(path: folder.appending("anchors.jsonl"))
        var configuration = ServerConfiguration(port: 0)
        configuration.auditAnchors = anchors
        configuration.auditAnchorIntervalSeconds = 1
        let logger = quietLogger()
        _ = try await admin.createTeam(name: "Noord")
        let server = try await RunningServer.start(store: store, configuration: configuration, logger: logger)
        try await eventually { try anchors.read(key: store.auditKey).anchors.map(\.seq) == [1] }
        let first = try #require(try anchors.read(key: store.auditKey).anchors.first, "an anchor when the server starts")
        for name in ["Zuid", "Oost"] { _ = try await admin.createTeam(name: name) }
        // One anchor per interval while the log grows (a tick may fall between the two teams: then 2 too).
        try await eventually { try anchors.read(key: store.auditKey).anchors.last?.seq == 3 }
        _ = try await admin.createTeam(name: "West")
        await server.stop()
        let recorded = try anchors.read(key: store.auditKey)
        let seqs = recorded.anchors.map(\.seq)
        #expect(seqs == [1, 3, 4] || seqs == [1, 2, 3, 4], "\(seqs): a last anchor at shutdown; none while the log stands still")
        let lines = recorded.anchors.count
        #expect(recorded.unverifiedLines.isEmpty)
        #expect(try await store.verifyAudit(anchors: recorded.anchors).isIntact)

        // Someone with access to the database cuts the last entries off: the chain alone sees nothing, the
        // anchors do.
        let queue = try DatabaseQueue(path: folder.appending(SQLiteSyncStore.fileName))
        try await queue.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_append_only_delete; DELETE FROM audit_log WHERE seq >= 3")
        }
        #expect(try await store.verifyAudit().isIntact, "the chain alone")
        let cut = try await store.verifyAudit(anchors: recorded.anchors)
        #expect(!cut.isIntact && cut.failedAnchor?.seq == 3)

        // A line written without the key (to hide the cut) does not verify.
        let text = try String(contentsOfFile: anchors.path, encoding: .utf8)
        try (text + "{\"at\":1,\"hash\":\"\(first.hash)\",\"seq\":1}\n").write(toFile: anchors.path, atomically: true, encoding: .utf8)
        #expect(try anchors.read(key: store.auditKey).unverifiedLines == [lines + 1])

        // After a restore, the anchors of the replaced history are not held against the restored log.
        let head = try #require(try await store.auditHead())
        try anchors.appendRestore(head: head, at: WallClock.millis(), key: store.auditKey)
        let restored = try anchors.read(key: store.auditKey)
        #expect(restored.anchors == [head] && restored.anchorsBeforeRestore == lines && restored.restoredAt != nil, "\(restored)")
    }
}

/// What an independent review found could hide a cut-off log or break it, each with its fix.
@Suite struct AuditProofAbuseTests {
    @Test func anchorLines_cannotBeReplayed_forgedWithAnOldKey_orLeftOut_butACrashCutLineIsHarmless() async throws {
        let folder = try TemporaryDirectory("anchors")
        defer { folder.remove() }
        let store = try SQLiteSyncStore(directory: folder.path)
        let admin = Administration(store: store)
        let anchors = AuditAnchorLog(path: folder.appending("anchors.jsonl"))
        func anchorNow() async throws {
            try anchors.append(try #require(try await store.auditHead()), at: WallClock.millis(), key: store.auditKey)
        }
        _ = try await admin.createTeam(name: "A")
        try anchors.appendRestore(head: try #require(try await store.auditHead()), at: WallClock.millis(), key: store.auditKey)
        for name in ["B", "C"] {
            _ = try await admin.createTeam(name: name)
            try await anchorNow()
        }
        #expect(try anchors.read(key: store.auditKey).unverifiedLines.isEmpty)
        let original = try String(contentsOfFile: anchors.path, encoding: .utf8)

        // Replaying the restore line (to make the reader forget the anchors before it) breaks the chain of lines.
        let restoreLine = try #require(original.split(separator: "\n").first)
        try (original + String(restoreLine) + "\n").write(toFile: anchors.path, atomically: true, encoding: .utf8)
        #expect(try anchors.read(key: store.auditKey).unverifiedLines == [4])
        // So does leaving a line out of the middle.
        let lines = original.split(separator: "\n")
        let withoutSecond = ([lines[0]] + lines[2...]).map(String.init).joined(separator: "\n") + "\n"
        try withoutSecond.write(toFile: anchors.path, atomically: true, encoding: .utf8)
        #expect(try anchors.read(key: store.auditKey).unverifiedLines == [2], "the line after the gap")

        // After a rotation, a line made with the old key (leaked) does not verify, even chained correctly.
        try original.write(toFile: anchors.path, atomically: true, encoding: .utf8)
        let oldKey = try #require(store.auditKey)
        _ = try await admin.rotateAuditKey()
        try await anchorNow()
        try anchors.append(try #require(try await store.auditHead()), at: WallClock.millis(), key: oldKey)
        #expect(try anchors.read(key: store.auditKey).unverifiedLines == [5])

        // A line cut off by a crash while being written: the next one starts on its own line and verifies.
        try original.write(toFile: anchors.path, atomically: true, encoding: .utf8)
        let handle = try #require(FileHandle(forWritingAtPath: anchors.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"at":17964,"hash":"h2:0"#.utf8))
        try handle.close()
        try await anchorNow()
        let read = try anchors.read(key: store.auditKey)
        #expect(read.unreadableLines == [4] && read.unverifiedLines.isEmpty && read.anchors.count == 4, "\(read)")
    }

    @Test(arguments: Backend.all) func aLogRestoredFromBeforeARotation_recordsTheRotation_beforeItsFirstEntryUnderTheNewKey(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { _ in
            // The restored log has no record of the rotation the key file has (the backup predates it).
            let key = try #require(fixture.store.auditKey)
            _ = try key.rotated()
            _ = try await fixture.admin.createTeam(name: "Na de restore")
            let entries = try await fixture.store.auditEntries(clientId: nil, actor: nil)
            let tail = entries.suffix(2).map { "\($0.action) \($0.hash!.prefix(3))" }
            #expect(tail == ["\(AuditChain.rotationAction) h1:", "admin.teamCreate h2:"])
            #expect(try await fixture.store.verifyAudit().isIntact)
        }
    }

    @Test(arguments: Backend.databases) func aCutOffTail_isCaught_evenAfterTheServerWritesAgain(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { _ in
            for name in ["A", "B", "C"] { _ = try await fixture.admin.createTeam(name: name) }
            let anchor = try #require(try await fixture.store.auditHead())
            try await AuditProofTests.dropGuards(fixture)
            try await fixture.rawExecute("DELETE FROM audit_log WHERE seq > \(anchor.seq - 2)")
            _ = try await fixture.admin.createTeam(name: "D")  // the server goes on after the cut
            let verification = try await fixture.store.verifyAudit(anchor: anchor)
            #expect(!verification.isIntact, "the anchor, or the gap in positions, shows the cut")
        }
    }

    @Test func aKeyFileThatCannotBeRead_isNeverReplaced() async throws {
        let folder = try TemporaryDirectory("server")
        defer { folder.remove() }
        _ = try await Administration(store: try SQLiteSyncStore(directory: folder.path)).createTeam(name: "A")
        // A folder where the key file should be stands for any file this process cannot read.
        let path = folder.appending("unreadable.key")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        #expect(throws: StoreError.self) { try AuditKey.load(path: path) }
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue)
    }

    @Test func aMistypedKeyPath_forAKeyedLog_isRefused_andCreatesNoKey() async throws {
        let folder = try TemporaryDirectory("server")
        defer { folder.remove() }
        _ = try await Administration(store: try SQLiteSyncStore(directory: folder.path)).createTeam(name: "A")
        let typo = folder.appending("audit.kye")
        #expect(throws: StoreError.self) { try SQLiteSyncStore(directory: folder.path, auditKeyPath: typo) }
        #expect(!FileManager.default.fileExists(atPath: typo) && !FileManager.default.fileExists(atPath: typo + ".lock"))
    }

    @Test(arguments: Backend.databases) func anInstanceWithAnOldKey_refusesToAct_ratherThanActUnaudited(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let laptop = try await api.enroll(fixture.sanne)
            let oldKeyCopy = fixture.folder.appending("old.key")
            try FileManager.default.copyItem(atPath: AuditProofTests.keyPath(fixture), toPath: oldKeyCopy)
            _ = try await fixture.admin.rotateAuditKey()
            _ = try await fixture.admin.createTeam(name: "Onder de nieuwe sleutel")
            let code = try await fixture.admin.issueEnrollmentCode(professionalId: fixture.ahmed.id)
            try await AuditProofTests.withStore(fixture, keyPath: oldKeyCopy) { stale in
                await #expect(throws: StoreError.self) { try await Administration(store: stale).revokeDevice(laptop.deviceId) }
                let app = try await SyncServer.makeApplication(store: stale, configuration: ServerConfiguration(), logger: quietLogger())
                try await app.test(.router) { client in
                    let response = try await client.execute(
                        uri: "/v1/enroll", method: .post, headers: [.contentType: "application/json"],
                        body: ByteBuffer(string: #"{"code":"\#(code)","deviceName":"laptop"}"#))
                    #expect(response.status == .serviceUnavailable)
                }
            }
            #expect(try await fixture.store.devices().first { $0.id == laptop.deviceId }?.revokedAt == nil, "not revoked unaudited")
            _ = try await api.send(.post, "/v1/enroll", EnrollRequest(code: code, deviceName: "laptop"))
            #expect(try await fixture.store.devices().count == 2, "the code was not spent by the refused enrollment")
        }
    }

    @Test func rotations_keepTheKeyFileTheServersOnly_andTwoAtOnceMakeTwoGenerations() async throws {
        let folder = try TemporaryDirectory("keys")
        defer { folder.remove() }
        let path = folder.appending("audit.key")
        let key = try AuditKey.load(path: path)
        async let first = Task { try key.rotated() }.value
        async let second = Task { try key.rotated() }.value
        let generations = Set([try await first.generation, try await second.generation])
        #expect(generations == [2, 3])
        let reloaded = try AuditKey.load(path: path)
        #expect(reloaded.generation == 3 && reloaded.authenticate("x", generation: 2) != nil)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["audit.key", "audit.key.lock"])
    }
}
