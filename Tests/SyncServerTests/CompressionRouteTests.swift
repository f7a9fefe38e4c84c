import Casework
import ChangeLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SamenspelTestSupport
import SyncProtocol
import SyncServer
import Testing

/// gzip on the wire: decoded request bodies (with the body limit on the decoded size), compressed answers for
/// requests that accept them, and clear refusals of what the server cannot decode.
@Suite struct CompressionRouteTests {
    static func notes(_ count: Int, _ fixture: ServerFixture, _ device: Device) -> [Change] {
        var factory = ChangeFactory(wallMillis: WallClockNow.millis())
        return (0..<count).map { index in
            factory.make(
                .noteAdded(NoteContent(text: "Huisbezoek \(index): " + String(repeating: "afspraak gemaakt. ", count: 40))),
                client: fixture.jaap, by: device.author)
        }
    }

    static func headers(token: String, _ fields: [(HTTPField.Name, String)]) -> HTTPFields {
        var headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
        for (name, value) in fields { headers[name] = value }
        return headers
    }

    @Test func aGzipPush_isStored_andAnswersAreCompressedOnlyForWhoAcceptsIt() async throws {
        let fixture = try await ServerFixture(.sqlite)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            let ahmed = try await api.enroll(fixture.ahmed)
            let changes = Self.notes(5, fixture, sanne)
            let json = ByteBuffer(bytes: try WireCoding.makeEncoder().encode(PushRequest(changes: changes)))
            let gzipped = try WireCompression.gzip(json)
            #expect(gzipped.readableBytes * 4 < json.readableBytes, "case-note JSON compresses well")
            let pushed = try await api.raw(
                .post, "/v1/push", bytes: gzipped, headers: Self.headers(token: sanne.token, [(.contentEncoding, "gzip")]))
            #expect(pushed.status == .ok)
            #expect(pushed.headers[.acceptEncoding] == "gzip", "every answer says the server decodes gzip bodies")
            let results = try WireCoding.makeDecoder().decode(PushResponse.self, from: Data(pushed.body.readableBytesView))
            #expect(results.results.map(\.status) == Array(repeating: .accepted, count: 5))

            let compressed = try await api.raw(
                .get, "/v1/changes?limit=1000", bytes: nil,
                headers: [.authorization: "Bearer \(ahmed.token)", .acceptEncoding: "br;q=1, gzip;q=0.5"])
            #expect(compressed.headers[.contentEncoding] == "gzip")
            #expect(compressed.headers[.vary] == "Accept-Encoding")
            let page = try WireCoding.makeDecoder().decode(
                PullResponse.self,
                from: Data(try WireCompression.gunzip(compressed.body, maxBytes: 1 << 24).readableBytesView))
            #expect(page.changes.filter { $0.entityType == "note" } == changes)

            for refusal in [nil, "gzip;q=0", "identity"] {
                var headers: HTTPFields = [.authorization: "Bearer \(ahmed.token)"]
                if let refusal { headers[.acceptEncoding] = refusal }
                let plain = try await api.raw(.get, "/v1/changes?limit=1000", bytes: nil, headers: headers)
                #expect(plain.headers[.contentEncoding] == nil, "Accept-Encoding: \(refusal ?? "none")")
                let decoded = try WireCoding.makeDecoder().decode(PullResponse.self, from: Data(plain.body.readableBytesView))
                #expect(decoded.changes == page.changes)
            }
        }
    }

    @Test func aBodyOverTheLimitOnceDecompressed_isRefused_andNothingIsStored() async throws {
        let fixture = try await ServerFixture(.sqlite)
        let limits = try ServerConfiguration.Limits(maxRequestBytes: 64 * 1024, maxPushChanges: 1000, maxPageChanges: 1000)
            .validated()
        try await fixture.test(limits: limits) { api in
            let sanne = try await api.enroll(fixture.sanne)
            let ahmed = try await api.enroll(fixture.ahmed)
            // 100 notes of ~800 bytes: a few KB compressed, but over 64 KB once decoded.
            let changes = Self.notes(100, fixture, sanne)
            let json = ByteBuffer(bytes: try WireCoding.makeEncoder().encode(PushRequest(changes: changes)))
            #expect(json.readableBytes > 64 * 1024)
            let gzipped = try WireCompression.gzip(json)
            #expect(gzipped.readableBytes < 64 * 1024)
            let response = try await api.raw(
                .post, "/v1/push", bytes: gzipped, headers: Self.headers(token: sanne.token, [(.contentEncoding, "gzip")]))
            #expect(response.status == .contentTooLarge)
            #expect(try api.errorCode(response) == ErrorCode.payloadTooLarge)
            #expect(try await api.pullAll(as: ahmed).allSatisfy { $0.entityType != "note" })
        }
    }

    @Test func corruptGzip_andUnknownCodings_getClearErrors() async throws {
        let fixture = try await ServerFixture(.sqlite)
        try await fixture.test { api in
            let sanne = try await api.enroll(fixture.sanne)
            let json = ByteBuffer(bytes: try WireCoding.makeEncoder().encode(PushRequest(changes: Self.notes(2, fixture, sanne))))
            let corrupt = try await api.raw(
                .post, "/v1/push", bytes: json, headers: Self.headers(token: sanne.token, [(.contentEncoding, "gzip")]))
            #expect(corrupt.status == .badRequest)
            #expect(try api.errorCode(corrupt) == ErrorCode.invalidRequest)
            let brotli = try await api.raw(
                .post, "/v1/push", bytes: json, headers: Self.headers(token: sanne.token, [(.contentEncoding, "br")]))
            #expect(brotli.status == .unsupportedMediaType)
            #expect(try api.errorCode(brotli) == ErrorCode.unsupportedEncoding)
            #expect(brotli.headers[.acceptEncoding] == "gzip")
            let identity = try await api.raw(
                .post, "/v1/push", bytes: json, headers: Self.headers(token: sanne.token, [(.contentEncoding, "identity")]))
            #expect(identity.status == .ok)
        }
    }
}
