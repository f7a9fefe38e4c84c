import Casework
import ChangeLog
import Foundation
import SamenspelTestSupport
import SyncProtocol
import SyncServer
import Testing

/// `/ready`, `/metrics` and configurable limits, on every backend.
@Suite struct OperationsRouteTests {
    @Test(arguments: Backend.databases) func ready_namesTheBackend_andFailsWhenAMigrationIsMissing(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let ready = try await api.raw(.get, "/ready")
            #expect(ready.status == .ok)
            #expect(try api.decode(ReadyResponse.self, ready) == ReadyResponse(
                status: "ready", backend: backend == .sqlite ? "sqlite" : "postgresql"))

            // A database an older build migrated lacks this build's migrations: not ready.
            try await fixture.rawExecute(
                backend == .sqlite ? "DELETE FROM grdb_migrations" : "DELETE FROM schema_migrations")
            let notReady = try await api.raw(.get, "/ready")
            #expect(notReady.status == .serviceUnavailable)
            #expect(try api.errorCode(notReady) == ErrorCode.unavailable)
            #expect(notReady.headers[.retryAfter] != nil)
            // Liveness does not depend on the database.
            #expect(try await api.raw(.get, "/health").status == .ok)
        }
    }

    @Test(arguments: Backend.all) func metrics_countRequestsAndChanges_withoutPersonalData(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            var factory = ChangeFactory(wallMillis: WallClock.millis())
            let notes = (0..<3).map { index in
                factory.make(.noteAdded(NoteContent(text: "private note \(index)")), client: fixture.jaap, by: sanne.author)
            }
            let outOfScope = factory.make(
                .noteAdded(NoteContent(text: "elsewhere")), client: fixture.otherClient, by: sanne.author)
            _ = try await api.push(notes + [outOfScope], as: sanne)
            _ = try await api.push([notes[0]], as: sanne)  // a retry: duplicate
            let pulled = try await api.pullAll(as: sanne)
            _ = try await api.raw(.get, "/v1/clients/\(fixture.jaap)/changes", token: sanne.token)
            _ = try await api.raw(.get, "/v1/changes", token: "wrong")
            _ = try await api.raw(.get, "/no/such/\(fixture.jaap)")

            let response = try await api.raw(.get, "/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = String(decoding: response.body.readableBytesView, as: UTF8.self)
            let metrics = PrometheusText(text)
            #expect(metrics[#"samenspel_changes_pushed_total{outcome="accepted"}"#] == 3)
            #expect(metrics[#"samenspel_changes_pushed_total{outcome="rejected"}"#] == 1)
            #expect(metrics[#"samenspel_changes_pushed_total{outcome="duplicate"}"#] == 1)
            #expect(metrics["samenspel_changes_pulled_total"] == Double(pulled.count))
            #expect(metrics[#"samenspel_http_requests_total{route="/v1/push",method="POST",status="200"}"#] == 2)
            #expect(metrics[#"samenspel_http_requests_total{route="/v1/changes",method="GET",status="401"}"#] == 1)
            #expect(metrics.names.contains { $0.hasPrefix("samenspel_http_requests_total{route=\"/v1/clients/") })
            #expect(metrics[#"samenspel_http_requests_total{route="unmatched",method="GET",status="404"}"#] == 1)
            #expect(metrics[#"samenspel_http_request_duration_seconds_count{route="/v1/push",method="POST"}"#] == 2)
            #expect(metrics["samenspel_active_devices"] == 1)
            #expect(metrics["samenspel_db_up"] == 1)
            #expect((metrics["samenspel_db_connections_max"] ?? 0) >= 1)
            #expect(metrics["samenspel_db_connections_in_use"] != nil)
            // No ids, names, tokens or note text in any label.
            for secret in [fixture.jaap, fixture.otherClient, sanne.deviceId, sanne.token, fixture.sanne.id, "Sanne", "private note"] {
                #expect(!text.contains(secret))
            }
        }
    }

    @Test(arguments: Backend.all) func configuredLimits_areEnforced_andPagesAreClamped(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        let limits = ServerConfiguration.Limits(maxRequestBytes: 64 * 1024, maxPushChanges: 5, maxPageChanges: 7)
        try await fixture.test(limits: try limits.validated()) { api in
            let sanne = try await api.enroll(fixture.sanne)
            var factory = ChangeFactory(wallMillis: WallClock.millis())
            let notes = (0..<6).map { index in
                factory.make(.noteAdded(NoteContent(text: "note \(index)")), client: fixture.jaap, by: sanne.author)
            }
            let tooMany = try await api.send(.post, "/v1/push", PushRequest(changes: notes), token: sanne.token)
            #expect(tooMany.status == .badRequest)
            #expect(try api.errorCode(tooMany) == ErrorCode.batchTooLarge)
            #expect(try api.decode(ErrorBody.self, tooMany).error.message.contains("at most 5"))

            let big = factory.make(
                .noteAdded(NoteContent(text: String(repeating: "x", count: 70 * 1024))), client: fixture.jaap,
                by: sanne.author)
            let tooBig = try await api.send(.post, "/v1/push", PushRequest(changes: [big]), token: sanne.token)
            #expect(tooBig.status == .contentTooLarge)
            #expect(try api.errorCode(tooBig) == ErrorCode.payloadTooLarge)
            #expect(try api.decode(ErrorBody.self, tooBig).error.message.contains("65536"))

            let more = (0..<4).map { index in
                factory.make(.noteAdded(NoteContent(text: "more \(index)")), client: fixture.jaap, by: sanne.author)
            }
            _ = try await api.push(Array(notes.prefix(5)), as: sanne)
            _ = try await api.push([notes[5]] + more, as: sanne)
            let ahmed = try await api.enroll(fixture.ahmed)
            let first = try await api.pull(limit: 100, as: ahmed)
            #expect(first.changes.count == 7 && first.hasMore)
            #expect(try await api.pullAll(as: ahmed, limit: 1000).count == 11)  // registration + 10 notes
            // Nothing of the refused pushes was stored.
            #expect(try await fixture.store.status(activeSince: 0).activeDevices == 2)
        }
    }

    @Test func limitsAboveTheProtocolMaximum_areRefusedWithAReadableMessage() throws {
        let maximum = ServerConfiguration.Limits.protocolMaximum
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.Limits(
                maxRequestBytes: maximum.maxRequestBytes, maxPushChanges: maximum.maxPushChanges + 1,
                maxPageChanges: 10
            ).validated()
        }
        do {
            _ = try ServerConfiguration.Limits(maxRequestBytes: 10, maxPushChanges: 1, maxPageChanges: 1).validated()
            Issue.record("a 10-byte body limit was accepted")
        } catch {
            #expect(error.message.contains("65536"))
        }
        #expect(try maximum.validated() == maximum)
    }
}

/// Sample lines of the Prometheus text format, by series (`name{labels}`).
struct PrometheusText {
    private var values: [String: Double] = [:]

    init(_ text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            values[String(line[..<space])] = value
        }
    }

    subscript(series: String) -> Double? { values[series] }

    var names: [String] { Array(values.keys) }
}
