import Casework
public import ChangeLog
import SyncProtocol

/// The change log of the reference store: pushes planned by ``PushPlanner``, pages by ``PullPlanner``.
extension MemorySyncStore {
    public func push(
        _ changes: [Change], from deviceId: String, receivedAt: Int64, planner: @escaping @Sendable (PushFacts) -> PushPlan,
        audit: @escaping @Sendable (PushPlan) -> AuditEntry
    ) async throws -> PushPlan {
        try transaction { state in
            var facts = state.facts(for: changes)
            if let device = state.devices[deviceId] {
                facts.deviceHighWater = device.maxHLC
                facts.device = DeviceFacts(enrolledSeq: device.enrolledSeq, pulledTo: device.pulledTo)
            }
            for change in changes { facts.refused[change.id] = state.refused[change.id]?.error }
            let plan = planner(facts)
            for change in plan.accepted {
                state.append(change, receivedAt: receivedAt, visibleTo: plan.restrictions[change.id])
            }
            for (id, error) in plan.refusedForGood where state.refused[id] == nil {
                state.refused[id] = (error, receivedAt)
            }
            if let newest = plan.accepted.map(\.hlc).max() {
                if let device = state.devices[deviceId] { state.devices[deviceId]?.maxHLC = max(device.maxHLC ?? newest, newest) }
                state.acceptedHLC = max(state.acceptedHLC ?? newest, newest)
            }
            try state.appendAudit(audit(plan), keys: auditKeys)
            return plan
        }
    }

    public func pull(for principal: Principal, after start: PullPosition, limit: Int) async throws -> StoredPage {
        let page = try read { state -> StoredPage in
            try PullPlanner.checkCursor(start, logEnd: state.lastPosition, horizon: state.horizon)
            let fetch = PullPlanner.fetch(after: start, for: principal, limit: limit)
            if let backfill = start.backfill {
                let inCaseload = state.inCaseload(backfill.clientId, of: principal)
                let rows = inCaseload ? state.rows(fetch, of: principal) : []
                return state.stored(PullPlanner.backfillPage(at: start, rows: rows, limit: limit, inCaseload: inCaseload))
            }
            let rows = state.rows(fetch, of: principal)
            let event = PullPlanner.scopeRange(of: start, rows: rows, limit: limit, logEnd: state.lastPosition)
                .flatMap { range in
                    PullPlanner.firstScopeChange(
                        in: state.scopeEvents(in: range, for: principal.teamIds), teams: principal.teamIds,
                        enrolledAt: state.devices[principal.deviceId]?.enrolledSeq)
                }
            return state.stored(
                PullPlanner.logPage(
                    after: start, rows: rows, limit: limit, logEnd: state.lastPosition, event: event,
                    deviceId: principal.deviceId))
        }
        if let told = PullPlanner.toldUpTo(page, after: start) {
            try transaction { state in
                if let device = state.devices[principal.deviceId], device.pulledTo < told {
                    state.devices[principal.deviceId]?.pulledTo = told
                }
            }
        }
        return page
    }

    public func clientChanges(for principal: Principal, clientId: String, after position: Int64, limit: Int)
        async throws -> StoredPage
    {
        try read { state in
            guard state.inCaseload(clientId, of: principal) else {
                throw StoreError(code: ErrorCode.outOfScope, message: "client \(clientId) is not in your caseload")
            }
            let rows = state.rows(
                PullPlanner.fetchHistory(of: clientId, after: position, for: principal, limit: limit), of: principal)
            return state.stored(PullPlanner.historyPage(after: position, rows: rows, limit: limit))
        }
    }

    public func digests(for principal: Principal) async throws -> CaseloadDigest {
        read { state in
            let caseload = Set(state.clients.values.filter { state.inCaseload($0.id, of: principal) }.map(\.id))
            var clients: [String: ChangeSetDigest] = [:]
            for stored in state.log where caseload.contains(stored.change.clientId)
                && stored.isVisible(to: principal.professional.discipline.rawValue)
            {
                clients[stored.change.clientId, default: ChangeSetDigest()].add(stored.change.id)
            }
            return CaseloadDigest(position: state.lastPosition, clients: clients)
        }
    }

    public func logActivity(after position: Int64, limit: Int) async throws -> [LogActivity] {
        read { state in
            state.log.lazy.filter { $0.position > position }.prefix(limit).map { stored in
                let change = stored.change
                return LogActivity(
                    position: stored.position, clientId: change.clientId, deviceId: change.deviceId,
                    teamId: state.clients[change.clientId]?.teamId, visibleTo: stored.visibleTo,
                    changesScope: change.entityType == "client" && ["move", "erase"].contains(change.operation))
            }
        }
    }

    public func logEnd() async throws -> Int64 {
        read { $0.lastPosition }
    }

    /// One process holds the store: nothing to watch.
    public func watchOtherInstances(_ appended: @escaping @Sendable () -> Void) async {
        while (try? await Task.sleep(for: .seconds(3600))) != nil {}
    }

    public func advanceHorizon(receivedBefore: Int64) async throws -> Int64 {
        try transaction { state in
            let candidate = state.log.last { $0.receivedAt < receivedBefore }?.position ?? 0
            state.horizon = max(state.horizon, candidate)
            state.refused = state.refused.filter { $0.value.at >= receivedBefore }
            return state.horizon
        }
    }

    public func holdsChange(_ id: String) async throws -> Bool {
        read { state in state.log.contains { $0.change.id == id } }
    }
}
