import Casework
import ChangeLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SamenspelTestSupport
import SyncProtocol
@testable import SyncServer
import Testing

/// Traffic from callers the server cannot trust: no work before authentication, limits per address, and an
/// audit log that a flood cannot grow row by row.
@Suite struct HostileTrafficRouteTests {
    /// 20 MB of zeros (more than the body limit), gzipped to under 100 KB.
    static let bomb: ByteBuffer = {
        try! WireCompression.gzip(ByteBuffer(repeating: UInt8(ascii: "0"), count: 20 * 1024 * 1024))
    }()

    @Test(arguments: Backend.all) func aGzipBomb_withoutAValidToken_isRefusedWith401_withoutBeingInflated(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        #expect(Self.bomb.readableBytes < 100 * 1024)
        try await fixture.test { api in
            for token in [nil, "sst_forged"] {
                var headers: HTTPFields = [.contentType: "application/json", .contentEncoding: "gzip"]
                if let token { headers[.authorization] = "Bearer \(token)" }
                let response = try await api.raw(.post, "/v1/push", bytes: Self.bomb, headers: headers)
                #expect(response.status == .unauthorized, "401, not the 413 of an inflated body")
                #expect(try api.errorCode(response) == ErrorCode.unauthorized)
            }
            // An unknown coding is judged only once the caller is known, too.
            let brotli = try await api.raw(
                .post, "/v1/push", bytes: ByteBuffer(string: "{}"),
                headers: [.contentType: "application/json", .contentEncoding: "br"])
            #expect(brotli.status == .unauthorized)
        }
    }

    @Test(arguments: Backend.all) func requestsWithoutAToken_areLimitedPerAddress_andAuditedInAFewRows(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        // A burst of 20, then one every 100 s: on a loaded machine the loop can take a minute, which must
        // not let requests in by the refill.
        let rate = 0.01
        try await fixture.test(deviceRequestsPerSecond: rate, deviceRequestBurst: 20) { api in
            var statuses: [HTTPResponse.Status] = []
            let start = ContinuousClock.now
            for _ in 0..<300 {
                statuses.append(try await api.raw(.get, "/v1/changes").status)
            }
            let refills = Int(Double((ContinuousClock.now - start).components.seconds + 1) * rate)
            #expect(statuses.prefix(20).allSatisfy { $0 == .unauthorized })
            #expect(statuses.filter { $0 == .tooManyRequests }.count >= 280 - refills, "\(refills) refills")
            #expect(statuses.filter { $0 == .unauthorized }.count <= 20 + refills)
            let limited = try await api.raw(.get, "/v1/changes")
            #expect(limited.status == .tooManyRequests && limited.headers[.retryAfter] != nil)
            let refused = try await fixture.store.auditEntries(clientId: nil, actor: nil).filter { $0.action == "authRefused" }
            #expect(refused.count <= 2, "\(refused.count) rows for 300 requests")
        }
    }

    @Test(arguments: Backend.all) func aRevokedDeviceHammering_addsAtMostAFewAuditRows(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test(deviceRequestsPerSecond: 100_000, deviceRequestBurst: 100_000) { api in
            let sanne = try await api.enroll(fixture.sanne)
            try await api.admin.revokeDevice(sanne.deviceId)
            let before = try await fixture.store.auditEntries(clientId: nil, actor: nil).count
            for _ in 0..<2000 {
                let response = try await api.raw(.post, "/v1/push", body: #"{"changes": []}"#, token: sanne.token)
                #expect(response.status == .unauthorized)
            }
            let added = try await fixture.store.auditEntries(clientId: nil, actor: nil).count - before
            #expect(added <= 100, "\(added) audit rows for 2,000 requests")
            #expect(added >= 1, "the attempts are audited")
        }
    }
}

/// Strings on the wire are bounded: nothing of any length is stored or echoed.
@Suite struct BoundedInputRouteTests {
    @Test(arguments: Backend.all) func hugeNamesAndPayloadKeys_areRefused_withShortAnswers_andNothingLongIsKept(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            var factory = ChangeFactory(wallMillis: WallClock.millis())
            let note = factory.make(.noteAdded(NoteContent(text: "x")), client: fixture.jaap, by: sanne.author)
            let huge = String(repeating: "a", count: 1 << 20)
            func with(entityType: String? = nil, operation: String? = nil, payload: JSONValue? = nil) -> Change {
                Change(
                    id: Identifier.make(wallMillis: 5), clientId: note.clientId, entityType: entityType ?? note.entityType,
                    entityId: Identifier.make(wallMillis: 5), operation: operation ?? note.operation,
                    payload: payload ?? note.payload, hlc: note.hlc, authorId: note.authorId,
                    authorDiscipline: note.authorDiscipline, deviceId: note.deviceId)
            }
            for change in [with(entityType: huge), with(operation: huge), with(entityType: "note!")] {
                let response = try await api.send(.post, "/v1/push", PushRequest(changes: [change]), token: sanne.token)
                #expect(response.status == .badRequest && response.body.readableBytes < 1024)
                #expect(try api.errorCode(response) == ErrorCode.invalidChange)
            }
            // A payload member of any name is refused per change, named only in part.
            guard case .object(var members) = note.payload else { Issue.record("not an object"); return }
            members[huge] = .string("x")
            let response = try await api.send(
                .post, "/v1/push", PushRequest(changes: [with(payload: .object(members))]), token: sanne.token)
            #expect(response.status == .ok && response.body.readableBytes < 1024, "\(response.body.readableBytes) bytes")
            let result = try api.decode(PushResponse.self, response).results[0]
            #expect(result.error?.code == ErrorCode.invalidPayload && (result.error?.message.count ?? 0) < 200)
            // A name that could be a newer version's is still refused per change.
            let future = try await api.push([with(entityType: "meeting", operation: "plan")], as: sanne)
            #expect(future.results[0].error?.code == ErrorCode.unknownOperation)
        }
    }
}

/// Whose address counts, over real sockets.
@Suite struct ClientAddressTests {
    @Test func xForwardedFor_isBelievedOnlyFromATrustedProxy() async throws {
        for trusted in [false, true] {
            let fixture = try await ServerFixture(.sqlite)
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            var configuration = ServerConfiguration(port: 0, deviceRequestsPerSecond: 0.01, deviceRequestBurst: 2)
            if trusted { configuration.trustedProxies = [AddressBlock("127.0.0.0/8")!, AddressBlock("10.0.0.0/8")!] }
            let app = try await SyncServer.makeApplication(store: fixture.store, configuration: configuration, logger: logger)
            try await app.test(.live) { client in
                func anonymous(_ forwardedFor: String) async throws -> HTTPResponse.Status {
                    let headers: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: forwardedFor]
                    let response = try await client.executeRequest(uri: "/v1/changes", method: .get, headers: headers, body: nil)
                    return response.status
                }
                // Two clients behind the proxy, each with a burst of two refusals before 429.
                let first = [try await anonymous("203.0.113.5"), try await anonymous("203.0.113.5"), try await anonymous("203.0.113.5")]
                let second = try await anonymous("198.51.100.7, 10.1.2.3")
                #expect(first == [.unauthorized, .unauthorized, .tooManyRequests])
                // Trusted: the second client has its own bucket. Not trusted: the header is ignored, one bucket.
                #expect(second == (trusted ? .unauthorized : .tooManyRequests))
            }
            let origins = try await fixture.store.auditEntries(clientId: nil, actor: nil)
                .filter { $0.action == "authRefused" }.compactMap(\.origin)
            if trusted {
                #expect(Set(origins) == ["203.0.113.5 via 127.0.0.1", "198.51.100.7 via 127.0.0.1"], "\(origins)")
            } else {
                #expect(origins.allSatisfy { $0 == "127.0.0.1" }, "a header from an untrusted peer is not written down: \(origins)")
            }
            fixture.folder.remove()
        }
        #expect(AddressBlock("10.0.0.0/8")!.contains("10.200.1.1") && !AddressBlock("10.0.0.0/8")!.contains("11.0.0.1"))
        #expect(AddressBlock("2001:db8::/32")!.contains("2001:db8:1::5") && !AddressBlock("2001:db8::/32")!.contains("2001:db9::1"))
        #expect(AddressBlock("127.0.0.1")!.contains("::ffff:127.0.0.1"))
        #expect(AddressBlock("not-an-address") == nil && AddressBlock("10.0.0.0/33") == nil)
    }
}

/// The aggregation itself, with a clock the test moves.
@Suite struct RefusalAuditTests {
    @Test func theFirstRefusalOfAMinuteIsWritten_theRestAsOneCount_onceTheMinuteHasPassed() async throws {
        let folder = try TemporaryDirectory("refusals")
        defer { folder.remove() }
        let store = try SQLiteSyncStore(directory: folder.path)
        let audit = RefusalAudit(store: store)
        let start: Int64 = 1_790_000_000_000
        func refuse(_ device: String, at millis: Int64) async throws {
            try await audit.record(
                AuditEntry(at: millis, actor: "device", deviceId: device, action: "authRefused", result: "deviceRevoked"),
                source: "device:" + device, now: millis)
        }
        for offset in 0..<412 { try await refuse("lost-laptop", at: start + Int64(offset) * 100) }
        try await refuse("other-laptop", at: start + 5_000)
        var rows = try await store.auditEntries(clientId: nil, actor: nil)
        #expect(rows.map(\.deviceId) == ["lost-laptop", "other-laptop"])
        try await audit.sweep(now: start + 30_000)
        #expect(try await store.auditEntries(clientId: nil, actor: nil).count == 2, "the minute has not passed")
        try await audit.sweep(now: start + 61_000)
        rows = try await store.auditEntries(clientId: nil, actor: nil)
        let summary = try #require(rows.last)
        #expect(rows.count == 3 && summary.deviceId == "lost-laptop")
        #expect(summary.details["repeated"] == "411" && summary.details["from"] == String(start)
            && summary.details["to"] == String(start + 41_100))
        // A new minute starts with a row of its own.
        try await refuse("lost-laptop", at: start + 70_000)
        #expect(try await store.auditEntries(clientId: nil, actor: nil).count == 4)
        #expect(try await store.verifyAudit().isIntact)
    }
}
