import AsyncHTTPClient
import Conformance
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SamenspelTestSupport
import Testing

/// The conformance kit against our own server, on real HTTP, on every backend: every property holds. And
/// against a server with a seeded fault (a proxy that answers a retried write as `accepted` instead of
/// `duplicate`): the kit fails exactly the property that names it.
@Suite struct ConformanceKitTests {
    @Test(arguments: Backend.all) func ourServer_passesEveryProperty(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        let code = try await fixture.admin.issueEnrollmentCode(professionalId: fixture.sanne.id)
        let client = fixture.jaap
        try await fixture.testLive { url in
            let checks = await ConformanceKit(server: url, code: code, clientId: client, vectors: Vectors.directory).run()
            #expect(checks.count >= 9)
            for check in checks { #expect(check.passed, "\(check.line)") }
        }
    }

    @Test func aServerThatAnswersARetryAsAccepted_failsProperty7_only() async throws {
        let fixture = try await ServerFixture()
        let code = try await fixture.admin.issueEnrollmentCode(professionalId: fixture.sanne.id)
        let client = fixture.jaap
        let http = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: HTTPClient.Configuration(decompression: .disabled))
        do {
            try await faultyRun(fixture, http: http, code: code, client: client)
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    private func faultyRun(_ fixture: ServerFixture, http: HTTPClient, code: String, client: String) async throws {
        try await fixture.testLive { upstream in
            let faulty = Application(router: Self.proxy(to: upstream, using: http, rewriting: ("\"duplicate\"", "\"accepted\"")))
            try await faulty.test(.live) { proxy in
                let checks = await ConformanceKit(
                    server: "http://127.0.0.1:\(proxy.port!)", code: code, clientId: client, vectors: Vectors.directory
                ).run()
                let failed = checks.filter { !$0.passed }
                #expect(failed.map(\.property) == ["7"], "\(checks.map(\.line))")
                #expect(failed.first?.line.hasPrefix("FAIL 7 ") == true)
                #expect(failed.first?.failure?.contains("expected duplicate, got accepted") == true, "\(failed.map(\.line))")
            }
        }
    }

    /// A proxy to `upstream` that replaces text in every push answer: a server with a seeded fault.
    static func proxy(to upstream: String, using http: HTTPClient, rewriting: (String, String)) -> Router<BasicRequestContext> {
        let router = Router()
        @Sendable func forward(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
            var outgoing = HTTPClientRequest(url: upstream + request.uri.description)
            outgoing.method = .RAW(value: request.method.rawValue)
            for field in request.headers where field.name != .contentLength {
                outgoing.headers.add(name: field.name.rawName, value: field.value)
            }
            outgoing.body = .bytes(try await request.body.collect(upTo: 64 << 20))
            let answer = try await http.execute(outgoing, timeout: .seconds(60))
            var bytes = try await answer.body.collect(upTo: 64 << 20)
            if request.uri.path == "/v1/push", answer.status == .ok {
                bytes = ByteBuffer(string: String(buffer: bytes).replacingOccurrences(of: rewriting.0, with: rewriting.1))
            }
            var headers = HTTPFields()
            for header in answer.headers where !["content-length", "transfer-encoding", "connection"].contains(header.name.lowercased()) {
                if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
            }
            return Response(status: .init(code: Int(answer.status.code)), headers: headers, body: .init(byteBuffer: bytes))
        }
        router.get("**", use: forward)
        router.post("**", use: forward)
        return router
    }
}
