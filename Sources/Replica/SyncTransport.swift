public import SyncProtocol

/// How a replica talks to a sync server. ``HTTPSyncTransport`` is the real one; tests may wrap it to inject
/// faults.
///
/// Implementations throw ``ReplicaError``: ``ReplicaError/serverUnreachable`` when no answer arrived (the
/// server may or may not have processed the request), or the server's error code when it answered with one.
public protocol SyncTransport: Sendable {
    /// `POST /v1/enroll`.
    func enroll(_ request: EnrollRequest) async throws -> EnrollResponse
    /// `POST /v1/push` with the device token.
    func push(_ request: PushRequest, token: String) async throws -> PushResponse
    /// `GET /v1/changes` after a cursor (`nil` for the beginning) with the device token.
    func pull(after cursor: String?, limit: Int, token: String) async throws -> PullResponse
    /// `GET /v1/clients/{clientId}/changes`: one client's whole history, for repair.
    func clientChanges(clientId: String, after cursor: String?, limit: Int, token: String) async throws -> PullResponse
    /// `GET /v1/digest`: the server's digest of every client in the caseload.
    func digest(token: String) async throws -> DigestResponse
    /// `GET /v1/events` with the device token: calls `poke` for every poke of the server's event stream,
    /// and returns when the server ends the stream; throws when it cannot be opened or breaks.
    func events(token: String, poke: @escaping @Sendable () async -> Void) async throws
}

extension SyncTransport {
    /// A transport without an event stream: the replica syncs on its own rhythm only.
    public func events(token: String, poke: @escaping @Sendable () async -> Void) async throws {
        throw ReplicaError(code: ReplicaError.serverUnreachable, message: "this transport has no event stream")
    }
}
