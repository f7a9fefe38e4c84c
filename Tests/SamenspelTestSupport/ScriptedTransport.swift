public import Casework
public import ChangeLog
public import Replica
public import Synchronization
public import SyncProtocol

/// A transport at the edge we own: answers from a script instead of a server, and records what it was sent.
public final class ScriptedTransport: SyncTransport {
    public struct State {
        public var pages: [PullResponse] = []
        public var pushed: [[Change]] = []
        public var pushAnswer: @Sendable ([Change]) throws -> [PushResult] = { $0.map { PushResult(id: $0.id, status: .accepted) } }
        public var failure: ReplicaError?
        public var pullCursors: [String?] = []
        public var issuedCursors = 0
        /// The server time push responses carry, when not ``ScriptedTransport/serverTime``.
        public var pushServerTime: HLCTimestamp?
        /// The server time digest responses carry, when not ``ScriptedTransport/serverTime``.
        public var digestServerTime: HLCTimestamp?
        /// The restore epoch every answer carries (`nil`: a server that predates epochs).
        public var epoch: String?
        /// Thrown by the digest request only (a sync that fails after its pull).
        public var digestFailure: ReplicaError?
        /// The device tokens pushes were sent with.
        public var pushTokens: [String] = []
    }

    /// The device token ``enroll(_:)`` hands out.
    public let token = "sst_test_4f9a0c3e"

    public let professional: Professional
    public let deviceId: String
    public let serverTime: HLCTimestamp
    public let state = Mutex(State())

    public init(professional: Professional, deviceId: String = Identifier.make(wallMillis: 1),
         serverTime: HLCTimestamp = HLCTimestamp(wallMillis: 1_764_400_000_000, logical: 0)) {
        self.professional = professional
        self.deviceId = deviceId
        self.serverTime = serverTime
    }

    public func enroll(_ request: EnrollRequest) async throws -> EnrollResponse {
        if let failure = state.withLock({ $0.failure }) { throw failure }
        return EnrollResponse(deviceId: deviceId, token: token, professional: professional, serverTime: serverTime)
    }

    public func push(_ request: PushRequest, token: String) async throws -> PushResponse {
        let (failure, answer, time) = state.withLock { state in
            state.pushed.append(request.changes)
            state.pushTokens.append(token)
            return (state.failure, state.pushAnswer, state.pushServerTime ?? serverTime)
        }
        if let failure { throw failure }
        return PushResponse(results: try answer(request.changes), serverTime: time, epoch: state.withLock { $0.epoch })
    }

    public func pull(after cursor: String?, limit: Int, token: String) async throws -> PullResponse {
        try state.withLock { state in
            state.pullCursors.append(cursor)
            if let failure = state.failure { throw failure }
            guard !state.pages.isEmpty else {
                return PullResponse(
                    changes: [], cursor: cursor ?? "", hasMore: false, professionals: [], serverTime: serverTime,
                    epoch: state.epoch)
            }
            var page = state.pages.removeFirst()
            page.epoch = page.epoch ?? state.epoch
            return page
        }
    }

    public func clientChanges(clientId: String, after cursor: String?, limit: Int, token: String) async throws -> PullResponse {
        PullResponse(changes: [], cursor: "", hasMore: false, professionals: [], serverTime: serverTime)
    }

    /// A digest whose cursor matches no replica, so scripted syncs skip verification.
    public func digest(token: String) async throws -> DigestResponse {
        let (failure, time, epoch) = state.withLock { ($0.digestFailure, $0.digestServerTime, $0.epoch) }
        if let failure { throw failure }
        return DigestResponse(cursor: "scripted", clients: [], serverTime: time ?? serverTime, epoch: epoch)
    }

    /// Queues pages of `changes`, `size` per page, with cursors `p1`, `p2`, … counted over all pages ever
    /// queued; returns the cursor of the last page.
    @discardableResult
    public func queuePages(_ changes: [Change], size: Int, professionals: [Professional] = []) -> String {
        let chunks = stride(from: 0, to: changes.count, by: size).map { Array(changes[$0..<min($0 + size, changes.count)]) }
        return state.withLock { state in
            for (index, chunk) in chunks.enumerated() {
                state.issuedCursors += 1
                state.pages.append(PullResponse(
                    changes: chunk, cursor: "p\(state.issuedCursors)", hasMore: index < chunks.count - 1,
                    professionals: professionals, serverTime: serverTime))
            }
            return "p\(state.issuedCursors)"
        }
    }
}
