import Foundation
import Hummingbird
import HummingbirdTesting
import Replica
import SyncProtocol

/// The sync protocol through the server's real router, without sockets: the same routes, middleware and
/// SQLite store as over HTTP, fast enough to run hundreds of histories.
struct RouterTransport: SyncTransport {
    let client: any TestClientProtocol

    func enroll(_ request: EnrollRequest) async throws -> EnrollResponse {
        try await send(.post, "/v1/enroll", body: request, token: nil)
    }

    func push(_ request: PushRequest, token: String) async throws -> PushResponse {
        try await send(.post, "/v1/push", body: request, token: token)
    }

    func pull(after cursor: String?, limit: Int, token: String) async throws -> PullResponse {
        try await send(.get, "/v1/changes?limit=\(limit)" + (cursor.map { "&after=\($0)" } ?? ""), body: nil as String?, token: token)
    }

    func clientChanges(clientId: String, after cursor: String?, limit: Int, token: String) async throws -> PullResponse {
        try await send(
            .get, "/v1/clients/\(clientId)/changes?limit=\(limit)" + (cursor.map { "&after=\($0)" } ?? ""),
            body: nil as String?, token: token)
    }

    func digest(token: String) async throws -> DigestResponse {
        try await send(.get, "/v1/digest", body: nil as String?, token: token)
    }

    private func send<Body: Encodable, Result: Decodable>(
        _ method: HTTPRequest.Method, _ uri: String, body: Body?, token: String?
    ) async throws -> Result {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let body {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(bytes: try WireCoding.makeEncoder().encode(body))
        }
        let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: buffer)
        let data = Data(response.body.readableBytesView)
        guard response.status == .ok else {
            let retryAfter = response.headers[.retryAfter].flatMap { Int($0) }
            let detail = (try? WireCoding.makeDecoder().decode(ErrorBody.self, from: data))?.error
                ?? ErrorDetail(code: ReplicaError.badResponse, message: "status \(response.status.code)")
            throw ReplicaError(
                code: detail.code, message: detail.message, httpStatus: Int(response.status.code),
                retryAfterSeconds: retryAfter)
        }
        return try WireCoding.makeDecoder().decode(Result.self, from: data)
    }
}
