import Casework
import ChangeLog
import FieldApp
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Replica
import SamenspelTestSupport
import SyncProtocol
import Testing

/// An enrolled replica holding one client (Jaap, with a colleague's note), and the app on it. The server is
/// a scripted transport at the edge we own; it starts unreachable (a home visit without connection).
struct AppFixture {
    let folder: TemporaryDirectory
    let me = TestAuthor(name: "Sanne Bakker", discipline: .clientManager)
    let colleague = TestAuthor(name: "Ahmed El Amrani", discipline: .incomeConsultant)
    let client = Identifier.make(wallMillis: 1)
    let colleagueNote = "Inkomen besproken met Jaap"
    let transport: ScriptedTransport
    let replica: Replica
    let background: BackgroundSync
    let app: FieldApp
    var factory = ChangeFactory()

    static let port = 8484

    /// - Parameters:
    ///   - colleagueWrites: What the colleague (the income consultant) wrote about Jaap after the note.
    ///   - more: Further changes about Jaap, made with the fixture's factory (so they can name each other).
    init(
        port: Int = AppFixture.port, colleagueWrites: [CaseEvent] = [],
        more: (inout ChangeFactory, _ client: String, _ me: TestAuthor, _ colleague: TestAuthor) -> [Change] = { _, _, _, _ in [] }
    ) async throws {
        folder = try TemporaryDirectory("field-app")
        transport = ScriptedTransport(professional: me.professional, deviceId: me.deviceId)
        replica = try await Replica.enroll(in: folder.path, serverURL: "http://127.0.0.1:9", code: "CODE", passphrase: TestPassphrase.text, cost: .lowest, transport: transport)
        let register = factory.register(client: client, name: "Jaap", team: Identifier.make(wallMillis: 2))
        let note = factory.make(.noteAdded(NoteContent(text: colleagueNote)), client: client, by: colleague)
        var written = [register, note]
        for event in colleagueWrites { written.append(factory.make(event, client: client, by: colleague)) }
        written += more(&factory, client, me, colleague)
        transport.queuePages(written, size: 10, professionals: [me.professional, colleague.professional])
        try await replica.sync(using: transport)
        transport.state.withLock { $0.failure = ReplicaError(code: ReplicaError.serverUnreachable, message: "offline") }
        background = BackgroundSync(replica: replica, interval: 3600, transport: transport)
        app = FieldApp(
            replica: replica, background: background,
            configuration: FieldAppConfiguration(port: port, language: .nl, timeZone: TimeZone(identifier: "Europe/Amsterdam")!))
    }

    /// Runs `body` with a browser that has opened the launch URL (so it holds a session cookie).
    func withBrowser<T: Sendable>(_ body: @Sendable (Browser) async throws -> T) async throws -> T {
        try await app.makeApplication().test(.router) { client in
            var browser = Browser(client: client, formToken: app.configuration.formToken, cookie: "")
            browser.cookie = try await browser.openLaunchURL(key: app.configuration.secret)
            return try await body(browser)
        }
    }

    func goOnline() {
        transport.state.withLock { $0.failure = nil }
    }

    func changeCount() async throws -> Int {
        try await replica.status().changeCount
    }
}

/// What a browser does: sends the Host header of the app, keeps the session cookie, posts forms.
struct Browser: Sendable {
    let client: any TestClientProtocol
    let formToken: String
    /// The session cookie (`name=value`) the launch URL gave.
    var cookie: String
    var host = "127.0.0.1:\(AppFixture.port)"

    static let sessionCookieName = "samenspel_session_\(AppFixture.port)"

    /// Opens the launch URL and returns the session cookie it set.
    func openLaunchURL(key: String) async throws -> String {
        let response = try await get("/?key=\(key)", cookie: "")
        #expect(response.status == .seeOther)
        let setCookie = try #require(response.headers[.setCookie])
        return String(try #require(setCookie.split(separator: ";").first))
    }

    func get(_ uri: String, cookie: String? = nil, host: String? = nil, extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        headers[HTTPField.Name("Host")!] = host ?? self.host
        headers[.cookie] = cookie ?? self.cookie
        return try await client.execute(uri: uri, method: .get, headers: headers, body: nil)
    }

    /// Posts a form with the anti-forgery token unless `token` is `nil`.
    func post(
        _ uri: String, _ fields: [(String, String)], token: String?? = .none, cookie: String? = nil,
        extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        headers[HTTPField.Name("Host")!] = host
        headers[.cookie] = cookie ?? self.cookie
        headers[.contentType] = "application/x-www-form-urlencoded"
        var all = fields
        switch token {
        case .none: all.append(("csrf", formToken))
        case .some(let value?): all.append(("csrf", value))
        case .some(nil): break
        }
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text).replacingOccurrences(of: "%20", with: "+")
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}
