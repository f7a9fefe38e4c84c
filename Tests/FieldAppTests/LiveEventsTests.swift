import AsyncHTTPClient
import Casework
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Replica
import Testing

/// Open pages learn about new data without a reload: over real HTTP on loopback, the event stream announces
/// a colleague's note that a background sync brought in.
@Suite struct LiveEventsTests {
    @Test func aBackgroundSyncThatBringsAColleaguesNote_isAnnouncedOnTheEventStream() async throws {
        let fixture = try await AppFixture(port: 0)
        defer { fixture.folder.remove() }
        var factory = fixture.factory
        let note = factory.make(.noteAdded(NoteContent(text: "Vacature besproken")), client: fixture.client, by: fixture.colleague)
        try await fixture.app.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let session = try await Self.openSession(port: port, key: fixture.app.configuration.secret)
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/events")
            request.headers.add(name: "Cookie", value: session)
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "Content-Type") == "text/event-stream")
            var received = ""
            var body = response.body.makeAsyncIterator()
            while !received.contains("retry:"), let chunk = try await body.next() { received += String(buffer: chunk) }

            // The server comes back with a colleague's note; the background sync fetches it.
            fixture.transport.queuePages([note], size: 10, professionals: [fixture.colleague.professional])
            fixture.goOnline()
            await fixture.background.syncNow()
            let deadline = ContinuousClock.now + .seconds(15)
            while !received.contains("event: replica"), ContinuousClock.now < deadline, let chunk = try await body.next() {
                received += String(buffer: chunk)
            }
            #expect(received.contains("event: replica"))
            #expect(!received.contains("Vacature"))  // the stream says that something changed, never what
            let journey = try await fixture.replica.journey(clientId: fixture.client)
            #expect(journey.notes.contains { $0.current.text == "Vacature besproken" })
        }
    }

    @Test func theEventStream_needsTheSession_likeEveryPage() async throws {
        let fixture = try await AppFixture(port: 0)
        defer { fixture.folder.remove() }
        try await fixture.app.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let response = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/events"), timeout: .seconds(10))
            #expect(response.status == .forbidden)
            var rebound = HTTPClientRequest(url: "http://127.0.0.1:\(port)/")
            rebound.headers.add(name: "Cookie", value: try await Self.openSession(port: port, key: fixture.app.configuration.secret))
            rebound.headers.replaceOrAdd(name: "Host", value: "attacker.example:\(port)")
            #expect(try await HTTPClient.shared.execute(rebound, timeout: .seconds(10)).status == .misdirectedRequest)
        }
    }

    /// Opens the launch URL over HTTP and returns the session cookie (`name=value`) it set.
    static func openSession(port: Int, key: String) async throws -> String {
        let client = HTTPClient(configuration: .init(redirectConfiguration: .disallow))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/?key=\(key)"), timeout: .seconds(10))
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
        #expect(response.status == .seeOther)
        let cookie = try #require(response.headers.first(name: "Set-Cookie"))
        return String(try #require(cookie.split(separator: ";").first))
    }
}
