import Casework
import ChangeLog
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import SamenspelTestSupport
import SyncProtocol
import SyncServer
import Testing

/// A storage backend the server tests run on: every route test runs unchanged on each (the storage
/// contract suite), the in-memory reference store included; a test that reads or breaks the database itself
/// runs on ``databases``.
enum Backend: String, Sendable, CustomTestStringConvertible {
    case memory, sqlite, postgres

    /// The reference store and SQLite always; PostgreSQL when `SAMENSPEL_POSTGRES_URL` is set, and always in
    /// CI (where a missing server then fails the tests instead of skipping them).
    static var all: [Backend] { [.memory] + databases }

    /// The backends with a database of their own: SQLite, and PostgreSQL as in ``all``.
    static var databases: [Backend] {
        PostgresTestDatabase.enabled ? [.sqlite, .postgres] : [.sqlite]
    }

    var testDescription: String { rawValue }
}

/// A server on a real store — a SQLite file in a temporary folder, or a fresh PostgreSQL database — with
/// two teams, professionals and clients.
struct ServerFixture {
    let backend: Backend
    let folder: TemporaryDirectory
    let store: any SyncStore
    let admin: Administration
    let database: PostgresTestDatabase?
    /// The master key of the PostgreSQL store (a second store on its database needs it too).
    let masterKey = MasterKey.generated()
    let pool: Task<Void, Never>?
    let team: TeamRecord
    let otherTeam: TeamRecord
    let sanne: Professional
    let ahmed: Professional
    let outsider: Professional
    let jaap: String
    let otherClient: String

    init(_ backend: Backend = .sqlite, postgresLimits: PostgresSyncStore.SessionLimits = .init()) async throws {
        self.backend = backend
        folder = try TemporaryDirectory("server")
        switch backend {
        case .memory:
            store = MemorySyncStore(auditKey: try AuditKey.load(path: folder.appending("audit.key")))
            database = nil
            pool = nil
        case .sqlite:
            store = try SQLiteSyncStore(directory: folder.path)
            database = nil
            pool = nil
        case .postgres:
            let database = try await PostgresTestDatabase.create()
            var logger = Logger(label: "test.postgres")
            logger.logLevel = .critical
            let postgres = try PostgresSyncStore(
                url: database.url, logger: logger, masterKey: masterKey,
                auditKey: try AuditKey.load(path: folder.appending("audit.key")), limits: postgresLimits)
            pool = await postgres.runInBackground()
            try await postgres.migrate()
            store = postgres
            self.database = database
        }
        admin = Administration(store: store)
        team = try await admin.createTeam(name: "Noord")
        otherTeam = try await admin.createTeam(name: "Zuid")
        sanne = try await admin.createProfessional(name: "Sanne", discipline: .clientManager, teamIds: [team.id])
        ahmed = try await admin.createProfessional(name: "Ahmed", discipline: .incomeConsultant, teamIds: [team.id])
        outsider = try await admin.createProfessional(name: "Olaf", discipline: .clientManager, teamIds: [otherTeam.id])
        jaap = try await admin.createClient(name: "Jaap", teamId: team.id)
        otherClient = try await admin.createClient(name: "Zoë", teamId: otherTeam.id)
    }

    /// Runs `body` against the router (no sockets), then removes the folder.
    func test(
        maxClockDriftMillis: Int64 = 60 * 60 * 1000, deviceRequestsPerSecond: Double = 1000,
        deviceRequestBurst: Double = 10_000, limits: ServerConfiguration.Limits = .protocolMaximum,
        _ body: @Sendable (API) async throws -> Void
    ) async throws {
        defer { folder.remove() }
        do {
            try await run(maxClockDriftMillis, deviceRequestsPerSecond, deviceRequestBurst, limits, body)
        } catch {
            await tearDown()
            throw error
        }
        await tearDown()
    }

    /// Runs `body` with the server listening on a loopback port (real HTTP), then removes the folder; `body`
    /// gets the server's base URL.
    func testLive(_ body: @Sendable (String) async throws -> Void) async throws {
        defer { folder.remove() }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        do {
            let app = try await SyncServer.makeApplication(
                store: store, configuration: ServerConfiguration(limits: .protocolMaximum), logger: logger)
            try await app.test(.live) { client in try await body("http://127.0.0.1:\(client.port!)") }
        } catch {
            await tearDown()
            throw error
        }
        await tearDown()
    }

    /// Raw SQL on the backend's database, for tests that play an attacker with access to it.
    func rawExecute(_ sql: String) async throws {
        switch backend {
        case .memory:
            Issue.record("the in-memory store has no tables: run this test on Backend.databases")
        case .sqlite:
            let queue = try DatabaseQueue(path: folder.appending(SQLiteSyncStore.fileName))
            try await queue.write { db in try db.execute(sql: sql) }
        case .postgres:
            try await PostgresTestDatabase.execute(sql, on: database!.url, logger: Logger(label: "test.raw"))
        }
    }

    private func tearDown() async {
        pool?.cancel()
        await database?.drop()
    }

    private func run(
        _ maxClockDriftMillis: Int64, _ deviceRequestsPerSecond: Double, _ deviceRequestBurst: Double,
        _ limits: ServerConfiguration.Limits, _ body: @Sendable (API) async throws -> Void
    ) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let configuration = ServerConfiguration(
            maxClockDriftMillis: maxClockDriftMillis, deviceRequestsPerSecond: deviceRequestsPerSecond,
            deviceRequestBurst: deviceRequestBurst, limits: limits)
        let app = try await SyncServer.makeApplication(store: store, configuration: configuration, logger: logger)
        try await app.test(.router) { client in try await body(API(client: client, admin: admin)) }
    }
}

/// A device as the server knows it after enrollment.
struct Device: Sendable {
    let token: String
    let deviceId: String
    let professional: Professional

    var author: TestAuthor {
        TestAuthor(
            name: professional.name, discipline: professional.discipline, deviceId: deviceId,
            professionalId: professional.id)
    }
}

/// Typed calls to the protocol over the test client.
struct API: Sendable {
    let client: any TestClientProtocol
    let admin: Administration

    func raw(
        _ method: HTTPRequest.Method, _ uri: String, body: String? = nil, token: String? = nil,
        contentType: String? = "application/json"
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil, let contentType { headers[.contentType] = contentType }
        return recorded(
            method, uri,
            try await client.executeRequest(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }))
    }

    /// The answer, recorded for the check against the spec when recording is on (``ResponseRecorder``).
    private func recorded(_ method: HTTPRequest.Method, _ uri: String, _ response: TestResponse) -> TestResponse {
        ResponseRecorder.record(
            method: method.rawValue, uri: uri, status: Int(response.status.code),
            contentType: response.headers[.contentType], contentEncoding: response.headers[.contentEncoding],
            body: Data(response.body.readableBytesView))
        return response
    }

    /// A request with the given headers and body bytes as they are (for content codings).
    func raw(_ method: HTTPRequest.Method, _ uri: String, bytes: ByteBuffer?, headers: HTTPFields) async throws
        -> TestResponse
    {
        recorded(method, uri, try await client.executeRequest(uri: uri, method: method, headers: headers, body: bytes))
    }

    func send(_ method: HTTPRequest.Method, _ uri: String, _ value: some Encodable, token: String? = nil)
        async throws -> TestResponse
    {
        let body = String(decoding: try WireCoding.makeEncoder().encode(value), as: UTF8.self)
        return try await raw(method, uri, body: body, token: token)
    }

    func enroll(_ professional: Professional) async throws -> Device {
        let code = try await admin.issueEnrollmentCode(professionalId: professional.id)
        let response = try await send(.post, "/v1/enroll", EnrollRequest(code: code, deviceName: "laptop"))
        #expect(response.status == .ok)
        let enrolled = try decode(EnrollResponse.self, response)
        return Device(token: enrolled.token, deviceId: enrolled.deviceId, professional: enrolled.professional)
    }

    func push(_ changes: [Change], as device: Device) async throws -> PushResponse {
        let response = try await send(.post, "/v1/push", PushRequest(changes: changes), token: device.token)
        #expect(response.status == .ok)
        return try decode(PushResponse.self, response)
    }

    func pull(after cursor: String? = nil, limit: Int? = nil, as device: Device) async throws -> PullResponse {
        var query: [String] = []
        if let cursor { query.append("after=\(cursor)") }
        if let limit { query.append("limit=\(limit)") }
        let response = try await raw(.get, "/v1/changes?" + query.joined(separator: "&"), token: device.token)
        #expect(response.status == .ok)
        return try decode(PullResponse.self, response)
    }

    /// Every change the device can pull, following cursors to the end.
    func pullAll(as device: Device, limit: Int = 500) async throws -> [Change] {
        var cursor: String?
        var changes: [Change] = []
        while true {
            let page = try await pull(after: cursor, limit: limit, as: device)
            changes += page.changes
            cursor = page.cursor
            if !page.hasMore { return changes }
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
        try WireCoding.makeDecoder().decode(T.self, from: Data(response.body.readableBytesView))
    }

    /// Asserts the protocol's error shape and returns the error code.
    func errorCode(_ response: TestResponse) throws -> ErrorCode {
        let body = try decode(ErrorBody.self, response)
        #expect(!body.error.message.isEmpty)
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
        return body.error.code
    }
}
