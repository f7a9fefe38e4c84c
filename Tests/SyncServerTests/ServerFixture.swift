import Casework
import ChangeLog
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SamenspelTestSupport
import SyncProtocol
import SyncServer
import Testing

/// A server on a real SQLite store in a temporary folder, with two teams, professionals and clients.
struct ServerFixture {
    let folder: TemporaryDirectory
    let store: SQLiteSyncStore
    let admin: Administration
    let team: TeamRecord
    let otherTeam: TeamRecord
    let sanne: Professional
    let ahmed: Professional
    let outsider: Professional
    let jaap: String
    let otherClient: String

    init() async throws {
        folder = try TemporaryDirectory("server")
        store = try SQLiteSyncStore(directory: folder.path)
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
        deviceRequestBurst: Double = 10_000, _ body: @Sendable (API) async throws -> Void
    ) async throws {
        defer { folder.remove() }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let configuration = ServerConfiguration(
            maxClockDriftMillis: maxClockDriftMillis, deviceRequestsPerSecond: deviceRequestsPerSecond,
            deviceRequestBurst: deviceRequestBurst)
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
        return try await client.executeRequest(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
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
    func errorCode(_ response: TestResponse) throws -> String {
        let body = try decode(ErrorBody.self, response)
        #expect(!body.error.message.isEmpty)
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
        return body.error.code
    }
}
