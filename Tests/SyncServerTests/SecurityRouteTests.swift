import Casework
import ChangeLog
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import SamenspelTestSupport
import SyncProtocol
import SyncServer
import Testing

@Suite struct SecurityRouteTests {
    @Test(arguments: Backend.all) func disciplineNotes_areSentOnlyToThatDiscipline(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let ahmed = try await api.enroll(fixture.ahmed)
            let sanne = try await api.enroll(fixture.sanne)
            let colleague = try await api.enroll(
                try await api.admin.createProfessional(name: "Ilse", discipline: .incomeConsultant, teamIds: [fixture.team.id]))
            var factory = ChangeFactory(wallMillis: WallClock.millis())
            let secret = factory.make(
                .noteAdded(NoteContent(text: "income details", visibility: .discipline)), client: fixture.jaap, by: ahmed.author)
            let open = factory.make(.noteAdded(NoteContent(text: "for everyone")), client: fixture.jaap, by: ahmed.author)
            let revision = factory.make(
                .noteRevised(NoteContent(text: "income details, revised"), supersedes: [secret.id]), client: fixture.jaap,
                entity: secret.entityId, by: ahmed.author)
            #expect(try await api.push([secret, open, revision], as: ahmed).results.allSatisfy { $0.status == .accepted })
            let seenBySanne = Set(try await api.pullAll(as: sanne).map(\.id))
            #expect(seenBySanne.contains(open.id))
            #expect(!seenBySanne.contains(secret.id) && !seenBySanne.contains(revision.id), "the revision stays restricted too")
            let seenByColleague = Set(try await api.pullAll(as: colleague).map(\.id))
            #expect(seenByColleague.isSuperset(of: [secret.id, open.id, revision.id]))
            // Nor does the client's history or its digest reveal them.
            let history = try api.decode(
                PullResponse.self, try await api.raw(.get, "/v1/clients/\(fixture.jaap)/changes", token: sanne.token))
            #expect(!history.changes.contains { $0.entityId == secret.entityId })
            let digest = try api.decode(DigestResponse.self, try await api.raw(.get, "/v1/digest", token: sanne.token))
            #expect(digest.clients.first?.digest == ChangeSetDigest(ids: seenBySanne.filter { id in
                history.changes.contains { $0.id == id } }).description)
        }
    }

    @Test(arguments: Backend.all) func revokedDevice_isToldToWipe_andEverythingIsAudited(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            _ = try await api.pull(as: sanne)
            try await api.admin.revokeDevice(sanne.deviceId)
            let refused = try await api.raw(.get, "/v1/changes", token: sanne.token)
            #expect(refused.status == .unauthorized)
            #expect(try api.errorCode(refused) == ErrorCode.deviceRevoked)
            let devices = try await fixture.store.devices()
            #expect(devices.first { $0.id == sanne.deviceId }?.revokedAt != nil)
            await #expect(throws: StoreError.self) { try await api.admin.revokeDevice(sanne.deviceId) }

            let entries = try await fixture.store.auditEntries(clientId: nil, actor: nil)
            let actions = entries.map(\.action)
            for action in ["admin.teamCreate", "admin.professionalCreate", "admin.clientCreate", "admin.enrollmentCodeIssue",
                           "enroll", "pull", "admin.deviceRevoke", "authRefused"] {
                #expect(actions.contains(action), "\(action)")
            }
            #expect(entries.last?.result == ErrorCode.deviceRevoked.rawValue)
            #expect(try await fixture.store.verifyAudit().isIntact)
        }
    }

    @Test(arguments: Backend.databases) func auditLog_isAppendOnly_andTamperingBreaksTheChain(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            var factory = ChangeFactory(wallMillis: WallClock.millis())
            _ = try await api.push([factory.make(.noteAdded(NoteContent(text: "x")), client: fixture.jaap, by: sanne.author)], as: sanne)
            let push = try #require(try await fixture.store.auditEntries(clientId: fixture.jaap, actor: fixture.sanne.id).first)
            #expect(push.action == "push" && push.details["accepted"] == "1" && push.deviceId == sanne.deviceId)
            await #expect(throws: (any Error).self) { try await fixture.rawExecute("UPDATE audit_log SET result = 'x'") }
            await #expect(throws: (any Error).self) { try await fixture.rawExecute("DELETE FROM audit_log") }
            // The last entry as an anchor kept elsewhere: cutting entries off the end is then detected too,
            // which the chain alone cannot show.
            _ = try await api.pull(as: sanne)
            let anchor = try #require(try await fixture.store.verifyAudit().last)
            #expect(anchor.seq > push.seq!)
            #expect(try await fixture.store.verifyAudit(anchor: anchor).isIntact)
            #expect(try await fixture.store.verifyAudit(anchor: AuditAnchor(seq: anchor.seq, hash: String(repeating: "a", count: 64))).anchorHolds == false)
            try await fixture.rawExecute(
                fixture.backend == .sqlite
                    ? "DROP TRIGGER audit_log_append_only_delete" : "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
            try await fixture.rawExecute("DELETE FROM audit_log WHERE seq = \(anchor.seq)")
            let truncated = try await fixture.store.verifyAudit(anchor: anchor)
            #expect(truncated.firstBroken == nil, "the chain alone sees nothing wrong")
            #expect(!truncated.isIntact && truncated.anchorHolds == false)
            // Someone with access to the database drops the guard and edits an entry: the chain shows where.
            try await fixture.rawExecute(
                fixture.backend == .sqlite
                    ? "DROP TRIGGER audit_log_append_only_update" : "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
            try await fixture.rawExecute("UPDATE audit_log SET details = '{}' WHERE seq = \(push.seq!)")
            #expect(try await fixture.store.verifyAudit().firstBroken == push.seq)
        }
    }

    @Test(arguments: Backend.databases) func someoneWhoCanEditTheTables_butCannotReadTheKey_cannotForgeTheChain(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            var factory = ChangeFactory(wallMillis: WallClock.millis())
            _ = try await api.push([factory.make(.noteAdded(NoteContent(text: "x")), client: fixture.jaap, by: sanne.author)], as: sanne)
            _ = try await api.pull(as: sanne)
            let entries = try await fixture.store.auditEntries(clientId: nil, actor: nil)
            #expect(entries.allSatisfy { $0.hash?.hasPrefix(AuditChain.keyedPrefix) == true }, "every entry is keyed")
            #expect(try await fixture.store.verifyAudit().isIntact)
            if fixture.backend == .postgres {
                await #expect(throws: (any Error).self) { try await fixture.rawExecute("TRUNCATE audit_log") }
            }
            // An attacker drops the guards, edits the push's entry and recomputes the chain from there on —
            // with plain SHA-256, or under a key of their own.
            try await fixture.rawExecute(
                fixture.backend == .sqlite
                    ? "DROP TRIGGER audit_log_append_only_update" : "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
            let push = try #require(entries.first { $0.action == "push" })
            let otherKey = try AuditKey.load(path: fixture.folder.appending("attacker.key"))
            for forgery in [nil, otherKey] {
                for start in [push.seq!, entries[0].seq!] {
                    for entry in entries {  // back to the log as the server wrote it
                        try await fixture.rawExecute(
                            "UPDATE audit_log SET details = '\(try Self.json(entry.details))', previous_hash = '\(entry.previousHash!)', "
                                + "hash = '\(entry.hash!)' WHERE seq = \(entry.seq!)")
                    }
                    #expect(try await fixture.store.verifyAudit().isIntact)
                    var previous = entries.first { $0.seq == start }!.previousHash!
                    for var entry in entries where entry.seq! >= start {
                        if entry.seq == push.seq { entry.details = [:] }
                        let hash = try #require(AuditChain.hash(entry, previous: previous, key: forgery))
                        try await fixture.rawExecute(
                            "UPDATE audit_log SET details = '\(entry.seq == push.seq ? "{}" : try Self.json(entry.details))', "
                                + "previous_hash = '\(previous)', hash = '\(hash)' WHERE seq = \(entry.seq!)")
                        previous = hash
                    }
                    let verification = try await fixture.store.verifyAudit()
                    #expect(verification.firstBroken == start, "forged \(forgery == nil ? "unkeyed" : "under another key") from \(start)")
                    #expect(verification.firstBrokenAt == entries.first { $0.seq == start }!.at)
                }
            }
        }
    }

    static func json(_ details: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(details), as: UTF8.self)
    }

    @Test(arguments: Backend.all) func erasure_removesEveryTraceOfTheContent_fromTheServersFiles(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        let secret = "Schuldsanering via de Kredietbank, 7 schuldeisers"
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            var factory = ChangeFactory(wallMillis: WallClock.millis())
            let note = factory.make(.noteAdded(NoteContent(text: secret)), client: fixture.jaap, by: sanne.author)
            let revision = factory.make(.noteRevised(NoteContent(text: secret + " (herzien)"), supersedes: [note.id]),
                                        client: fixture.jaap, entity: note.entityId, by: sanne.author)
            _ = try await api.push([note, revision], as: sanne)
            _ = try await api.pullAll(as: sanne)
            // The database file itself is searched on SQLite (PostgreSQL: see Deploy/README on VACUUM), and
            // everything the reference store holds.
            let holds: (@Sendable (String) throws -> Bool)? = switch fixture.backend {
            case .sqlite: { text in try Self.bytes(of: fixture.folder.path).range(of: Data(text.utf8)) != nil }
            case .memory: { text in (fixture.store as! MemorySyncStore).snapshot().holds(text) }
            case .postgres: nil
            }
            // The reference store keeps it as it is; SQLite holds it sealed from the start (and serves it).
            if fixture.backend == .memory { #expect(try holds!(secret), "the test can find it") }
            if fixture.backend == .sqlite {
                #expect(try !holds!(secret) && !holds!("Jaap"), "sealed at rest")
                let ahmed = try await api.enroll(fixture.ahmed)
                #expect(try await api.pullAll(as: ahmed).contains { $0.payload.canonicalText.contains("Kredietbank") })
            }

            #expect(try await api.admin.eraseClient(fixture.jaap, reason: "verzoek AVG-2026-117") == 3)
            if let holds {
                #expect(try !holds(secret))
                #expect(try !holds("Jaap"), "the name is gone too")
            }
            // Devices are told; new writes about the client are refused.
            var notices: [ScopeNotice] = []
            var cursor: String?
            repeat {
                let page = try await api.pull(after: cursor, as: sanne)
                notices += page.scope.map { [$0] } ?? []
                cursor = page.hasMore ? page.cursor : nil
            } while cursor != nil
            #expect(notices.contains(ScopeNotice(clientId: fixture.jaap, access: .erased)))
            let late = factory.make(.noteAdded(NoteContent(text: "too late")), client: fixture.jaap, by: sanne.author)
            #expect(try await api.push([late], as: sanne).results.first?.error?.code == ErrorCode.outOfScope)
            let erasure = try #require(try await fixture.store.auditEntries(clientId: fixture.jaap, actor: nil).last { $0.action == "admin.clientErase" })
            #expect(erasure.details["reason"] == "verzoek AVG-2026-117")
            await #expect(throws: StoreError.self) { try await api.admin.eraseClient(fixture.jaap, reason: "again") }
            // An erased client cannot be moved to another team, where writes about it could be stored again.
            do {
                try await api.admin.moveClient(fixture.jaap, toTeam: fixture.otherTeam.id)
                Issue.record("an erased client was moved")
            } catch let error as StoreError {
                #expect(error.code == ErrorCode.clientErased)
            }
            let olaf = try await api.enroll(fixture.outsider)
            let resurrected = factory.make(.noteAdded(NoteContent(text: "again")), client: fixture.jaap, by: olaf.author)
            #expect(try await api.push([resurrected], as: olaf).results.first?.error?.code == ErrorCode.outOfScope)
        }
    }

    @Test(arguments: Backend.all) func hostileBodies_getClear4xx_andStoreNothing(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            var factory = ChangeFactory(wallMillis: WallClock.millis())
            let change = factory.make(.noteAdded(NoteContent(text: "x")), client: fixture.jaap, by: sanne.author)
            let valid = String(decoding: try WireCoding.makeEncoder().encode(PushRequest(changes: [change])), as: UTF8.self)
            let cases: [(String, String)] = [
                (#"{"changes": [], "admin": true}"#, "unknown member 'admin'"),
                (valid.replacingOccurrences(of: "\"deviceId\"", with: "\"role\":\"admin\",\"deviceId\""), "unknown member 'changes[0].role'"),
                (#"{"code": "x", "deviceName": "a", "token": "b"}"#, "unknown member"),
            ]
            for (body, message) in cases {
                let path = body.contains("\"code\"") ? "/v1/enroll" : "/v1/push"
                let response = try await api.raw(.post, path, body: body, token: sanne.token)
                #expect(response.status == .badRequest)
                let error = try api.decode(ErrorBody.self, response).error
                #expect(error.code == ErrorCode.invalidRequest && error.message.contains(message), "\(error.message)")
            }
            var invalidUTF8 = ByteBuffer(string: #"{"changes": ["#)
            invalidUTF8.writeBytes([0x22, 0xFF, 0xFE, 0x22])
            invalidUTF8.writeString("]}")
            let garbled = try await api.client.executeRequest(
                uri: "/v1/push", method: .post,
                headers: [.authorization: "Bearer \(sanne.token)", .contentType: "application/json"], body: invalidUTF8)
            #expect(garbled.status == .badRequest)
            // Field limits are per change: the rest of the batch is judged on its own.
            let long = factory.make(
                .noteAdded(NoteContent(text: String(repeating: "x", count: CaseworkLimits.maxNoteTextBytes + 1))),
                client: fixture.jaap, by: sanne.author)
            #expect(try await api.push([long], as: sanne).results.first?.error?.code == ErrorCode.invalidPayload)
            let stored = try await api.pullAll(as: try await api.enroll(fixture.ahmed))
            #expect(stored.allSatisfy { $0.entityType == "client" })
        }
    }

    @Test(arguments: Backend.all) func aDeviceThatHammersTheServer_isSlowedDownWith429AndRetryAfter(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        // One token per 100 s: the refill cannot hide the limit however slow a loaded machine is.
        try await fixture.test(deviceRequestsPerSecond: 0.01, deviceRequestBurst: 3) { api in
            let sanne = try await api.enroll(fixture.sanne)
            let ahmed = try await api.enroll(fixture.ahmed)
            var statuses: [HTTPResponse.Status] = []
            var last: TestResponse?
            for _ in 0..<6 {
                let response = try await api.raw(.get, "/v1/changes", token: sanne.token)
                statuses.append(response.status)
                last = response
            }
            #expect(statuses.prefix(3).allSatisfy { $0 == .ok })
            #expect(statuses.last == .tooManyRequests)
            #expect(try api.errorCode(try #require(last)) == ErrorCode.rateLimited)
            #expect(last?.headers[.retryAfter].flatMap { Int($0) }.map { $0 >= 1 } == true)
            #expect(try await api.raw(.get, "/v1/changes", token: ahmed.token).status == .ok, "per device, not global")
        }
    }

    @Test(arguments: Backend.all) func refusedRequests_areAuditedWithTheirCode(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            // Reading another team's client, and a push the server cannot read.
            let peek = try await api.raw(.get, "/v1/clients/\(fixture.otherClient)/changes", token: sanne.token)
            #expect(peek.status == .notFound)
            let garbled = try await api.raw(.post, "/v1/push", body: #"{"changes": 7}"#, token: sanne.token)
            #expect(garbled.status == .badRequest)
            let entries = try await fixture.store.auditEntries(clientId: nil, actor: sanne.author.professional.id)
            let history = try #require(entries.first { $0.action == "clientHistory" })
            #expect(history.result == ErrorCode.outOfScope.rawValue && history.clientIds == [fixture.otherClient])
            #expect(history.deviceId == sanne.deviceId && history.details["status"] == "404")
            #expect(try await fixture.store.auditEntries(clientId: fixture.otherClient, actor: nil).contains { $0.action == "clientHistory" },
                    "the privacy officer finds the attempt under the client")
            #expect(entries.contains { $0.action == "push" && $0.result == ErrorCode.invalidRequest.rawValue })
            #expect(try await fixture.store.verifyAudit().isIntact)
        }
    }

    @Test(arguments: Backend.all) func guessingEnrollmentCodes_isSlowedDown_soTheAuditLogCannotBeFlooded(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test(deviceRequestsPerSecond: 0.01, deviceRequestBurst: 3) { api in
            var statuses: [HTTPResponse.Status] = []
            for guess in 0..<6 {
                let response = try await api.raw(.post, "/v1/enroll", body: #"{"code": "WRONG-\#(guess)"}"#)
                statuses.append(response.status)
            }
            #expect(statuses.prefix(3).allSatisfy { $0 == .unauthorized })
            #expect(statuses.suffix(3).allSatisfy { $0 == .tooManyRequests })
            // The first refusal of the minute is written; the ones after it are counted (RefusalAuditTests).
            let refused = try await fixture.store.auditEntries(clientId: nil, actor: nil).filter { $0.action == "enrollRefused" }
            #expect(refused.count == 1)
        }
    }

    /// Every byte of the files in a folder.
    static func bytes(of folder: String) throws -> Data {
        var data = Data()
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            data.append(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
        }
        return data
    }
}
