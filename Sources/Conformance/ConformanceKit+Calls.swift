import AsyncHTTPClient
import Casework
import ChangeLog
import Foundation
import NIOCore
import NIOHTTP1
import SyncProtocol

/// The protocol calls the checks make, over HTTP as a client makes them.
extension ConformanceKit {
    // MARK: Protocol calls

    struct Session {
        let token: String
        let deviceId: String
        let professionalId: String
        let discipline: String
        let serverTime: HLCTimestamp
        /// The server's wall clock minus ours at enrollment: the kit writes on the server's time, as a replica
        /// corrects its clock, so a tester's clock running off does not fail the checks.
        let clockOffset: Int64
    }

    func enroll() async throws -> Session {
        let body = try WireCoding.makeEncoder().encode(EnrollRequest(code: code, deviceName: "samenspel conformance"))
        let answer = try await send(.POST, "/v1/enroll", body: body)
        try expect(answer, status: 200)
        let enrolled = try WireCoding.makeDecoder().decode(EnrollResponse.self, from: answer.body)
        return Session(
            token: enrolled.token, deviceId: enrolled.deviceId, professionalId: enrolled.professional.id,
            discipline: enrolled.professional.discipline.rawValue, serverTime: enrolled.serverTime,
            clockOffset: enrolled.serverTime.wallMillis - WallClock.millis())
    }

    func push(_ changes: [Change], _ session: Session) async throws -> Answer {
        try await send(.POST, "/v1/push", body: try WireCoding.makeEncoder().encode(PushRequest(changes: changes)), token: session.token)
    }

    func pushOne(_ change: Change, _ session: Session, what: String) async throws -> PushResult {
        let answer = try await push([change], session)
        try expect(answer, status: 200, what: what)
        let response = try WireCoding.makeDecoder().decode(PushResponse.self, from: answer.body)
        guard response.results.count == 1, let result = response.results.first, result.id == change.id else {
            throw Failure("\(what): expected one result for \(change.id)")
        }
        return result
    }

    func expectStatus(_ status: PushStatus, of change: Change, _ session: Session, what: String) async throws {
        let result = try await pushOne(change, session, what: what)
        guard result.status == status else { throw Failure("\(what): expected \(status.rawValue), got \(describe(result))") }
    }

    func historyPage(_ session: Session, after cursor: String?, limit: Int) async throws -> PullResponse {
        var path = "/v1/clients/\(clientId)/changes?limit=\(limit)"
        if let cursor { path += "&after=" + (cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor) }
        let answer = try await send(.GET, path, token: session.token)
        try expect(answer, status: 200)
        return try WireCoding.makeDecoder().decode(PullResponse.self, from: answer.body)
    }

    /// Every change about the client the caller may see, page by page.
    func history(_ session: Session) async throws -> [Change] {
        var changes: [Change] = []
        var cursor: String?
        for _ in 0..<10_000 {
            let page = try await historyPage(session, after: cursor, limit: 1000)
            changes += page.changes
            cursor = page.cursor
            if !page.hasMore { return changes }
        }
        throw Failure("the client's history still had more after 10,000 pages")
    }

    // MARK: HTTP

    struct Answer {
        let status: Int
        let headers: HTTPHeaders
        let body: Data
    }

    func send(
        _ method: HTTPMethod, _ path: String, body: Data? = nil, token: String? = nil,
        contentType: String = "application/json", headers: [(String, String)] = []
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: server + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await http.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: Data(bytes.readableBytesView))
    }

    func expect(_ answer: Answer, status: Int, code: ErrorCode? = nil, what: String? = nil) throws {
        let prefix = what.map { "\($0): " } ?? ""
        let served = (try? WireCoding.makeDecoder().decode(ErrorBody.self, from: answer.body))?.error.code
        guard answer.status == status else {
            throw Failure("\(prefix)expected HTTP \(status)\(code.map { " \($0)" } ?? ""), got \(answer.status)\(served.map { " \($0)" } ?? "")")
        }
        if let code, served != code {
            throw Failure("\(prefix)expected the error body's code \(code), got \(served?.rawValue ?? "no error body")")
        }
    }

    /// An error in a few words: a server that cannot be reached is named as such.
    static func explain(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("Connection refused") || text.contains("connectTimeout") || text.contains("invalidURL") {
            return "cannot reach the server (\(text)); is the URL right (with http:// or https://) and the server running?"
        }
        return text
    }

    func describe(_ result: PushResult) -> String {
        result.status.rawValue + (result.error.map { " \($0.code)" } ?? "")
    }
}
