import Replica
import SamenspelTestSupport
import Synchronization
import SyncProtocol

/// Injects transport faults between a replica and the server, at the edge we own.
///
/// Per request, with the probabilities in ``Faults``: the request is dropped before the server sees it;
/// the server processes it but the response is lost; the request arrives twice; it is kept and delivered
/// again later, out of order (a delayed duplicate); or the server answers 503 with `Retry-After`.
final class FaultyTransport: SyncTransport {
    struct Faults: Sendable {
        var drop = 0.0
        var loseResponse = 0.0
        var duplicate = 0.0
        var delay = 0.0
        var busy = 0.0

        static let none = Faults()
    }

    /// A request kept for later delivery.
    enum Delayed: Sendable {
        case push(PushRequest, token: String)
        case pull(cursor: String?, token: String)
    }

    struct State {
        var base: (any SyncTransport)?
        var faults = Faults.none
        var generator: SeededGenerator
        var delayed: [Delayed] = []
        var injected = 0
    }

    let state: Mutex<State>

    init(seed: UInt64) {
        state = Mutex(State(generator: SeededGenerator(seed: seed)))
    }

    func connect(_ base: any SyncTransport) {
        state.withLock { $0.base = base }
    }

    func setFaults(_ faults: Faults) {
        state.withLock { $0.faults = faults }
    }

    var injectedFaults: Int { state.withLock { $0.injected } }

    /// Forgets the delayed requests: the server process they were sent to has stopped (a request cannot
    /// outlive the TCP connection to a process that is gone).
    func dropDelayed() {
        state.withLock { $0.delayed = [] }
    }

    /// Delivers the delayed requests now, in random order; their answers go nowhere.
    func deliverDelayed() async {
        let (base, requests) = state.withLock { state in
            let requests = state.delayed.shuffled(using: &state.generator)
            state.delayed = []
            return (state.base, requests)
        }
        guard let base else { return }
        for request in requests {
            switch request {
            case .push(let push, let token): _ = try? await base.push(push, token: token)
            case .pull(let cursor, let token): _ = try? await base.pull(after: cursor, limit: 50, token: token)
            }
        }
    }

    private enum Fate { case deliver, drop, loseResponse, duplicate, delay, busy }

    private func fate(delayable: Delayed?) -> (any SyncTransport, Fate) {
        state.withLock { state in
            let faults = state.faults
            let roll = Double.random(in: 0..<1, using: &state.generator)
            var fate = Fate.deliver
            var threshold = faults.drop
            if roll < threshold { fate = .drop } else {
                threshold += faults.loseResponse
                if roll < threshold { fate = .loseResponse } else {
                    threshold += faults.duplicate
                    if roll < threshold { fate = .duplicate } else {
                        threshold += faults.delay
                        if roll < threshold { fate = .delay } else {
                            threshold += faults.busy
                            if roll < threshold { fate = .busy }
                        }
                    }
                }
            }
            if fate == .delay, let delayable { state.delayed.append(delayable) }
            if fate != .deliver { state.injected += 1 }
            return (state.base!, fate)
        }
    }

    private func run<T>(delayable: Delayed?, _ call: (any SyncTransport) async throws -> T) async throws -> T {
        let (base, fate) = fate(delayable: delayable)
        switch fate {
        case .deliver, .delay:
            return try await call(base)
        case .drop:
            throw ReplicaError(code: ReplicaError.serverUnreachable, message: "injected: request dropped")
        case .loseResponse:
            _ = try? await call(base)
            throw ReplicaError(code: ReplicaError.serverUnreachable, message: "injected: response lost")
        case .duplicate:
            _ = try? await call(base)
            return try await call(base)
        case .busy:
            throw ReplicaError(code: ErrorCode.unavailable, message: "injected: busy", httpStatus: 503, retryAfterSeconds: 1)
        }
    }

    func enroll(_ request: EnrollRequest) async throws -> EnrollResponse {
        try await state.withLock { $0.base! }.enroll(request)
    }

    func push(_ request: PushRequest, token: String) async throws -> PushResponse {
        try await run(delayable: .push(request, token: token)) { try await $0.push(request, token: token) }
    }

    func pull(after cursor: String?, limit: Int, token: String) async throws -> PullResponse {
        try await run(delayable: .pull(cursor: cursor, token: token)) {
            try await $0.pull(after: cursor, limit: limit, token: token)
        }
    }

    func clientChanges(clientId: String, after cursor: String?, limit: Int, token: String) async throws -> PullResponse {
        try await run(delayable: nil) {
            try await $0.clientChanges(clientId: clientId, after: cursor, limit: limit, token: token)
        }
    }

    func digest(token: String) async throws -> DigestResponse {
        try await run(delayable: nil) { try await $0.digest(token: token) }
    }
}
