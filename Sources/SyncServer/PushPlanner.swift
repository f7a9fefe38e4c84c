public import Casework
public import ChangeLog
public import SyncProtocol
import HTTPTypes

/// What the store knows, at the start of a push transaction, about the changes of a batch.
public struct PushFacts: Sendable {
    /// Stored changes with the same ids as changes of the batch.
    public var existing: [String: Change]
    /// Facts about the entities the batch writes, for those that exist.
    public var entities: [String: EntityFacts]
    /// The teams each client the batch is about has had, for those that exist.
    public var clientTeams: [String: [TeamSpan]]
    /// The latest timestamp the server accepted from the pushing device, if any.
    public var deviceHighWater: HLCTimestamp?
    /// Changes of the batch that were refused for good before, with the reason.
    public var refused: [String: ErrorDetail] = [:]

    /// Creates push facts.
    public init(
        existing: [String: Change], entities: [String: EntityFacts], clientTeams: [String: [TeamSpan]],
        deviceHighWater: HLCTimestamp? = nil
    ) {
        self.existing = existing
        self.entities = entities
        self.clientTeams = clientTeams
        self.deviceHighWater = deviceHighWater
    }
}

/// The decision for one push: a result per change and the changes to store.
public struct PushPlan: Sendable {
    /// One result per pushed change, in request order.
    public var results: [PushResult]
    /// The changes to store, in request order.
    public var accepted: [Change]
    /// Changes refused for good by this push, to remember (every refusal but `clockAhead`, which the device
    /// answers by sending the change again with a new timestamp).
    public var refusedForGood: [(id: String, error: ErrorDetail)] = []
    /// For accepted changes only one discipline may read (a `discipline` note and its revisions): that
    /// discipline, by change id.
    public var restrictions: [String: String] = [:]
}

/// Decides, as a pure function, which changes of a push are stored.
///
/// Checks, in order, for each change (the first failing check gives the rejection code):
/// 1. ids are lowercase UUIDs and the timestamp is after 1970 (`invalidChange`);
/// 2. the device is the token's device (`wrongDevice`), the author the token's professional
///    (`wrongAuthor`), the discipline theirs (`wrongDiscipline`) — so nothing below is revealed to others;
/// 3. a change with the same id is already stored: the same write is a `duplicate` (also after the caller
///    lost access to the client: it was accepted while they had it; not after the client was erased, when
///    nothing of it is stored any more), different content is `idReused`; a
///    change refused before for good gets the same refusal again (a late replay cannot change the outcome);
/// 4. the timestamp is at most `maxDriftMillis` ahead of the server's wall clock (`clockAhead`);
/// 5. the client belonged to one of the caller's teams at the change's timestamp, or at the latest timestamp
///    already accepted from the device if that is later (`outOfScope`, also for clients that do not exist):
///    writes made offline while the caller still had the client are accepted, later ones are not;
/// 6. the payload has the shape of its operation (`invalidPayload`, `unknownOperation`);
/// 7. the domain rules of ``CaseworkRules`` hold (their codes).
/// Changes are checked in request order against the facts plus the changes accepted before them, so a
/// note and its revision can travel in one batch.
public enum PushPlanner {
    /// Plans a push by `principal` of `changes`, given the stored `facts` and the server's wall time.
    public static func plan(
        _ changes: [Change], by principal: Principal, facts: PushFacts, wallMillis: Int64, maxDriftMillis: Int64
    ) -> PushPlan {
        var facts = facts
        var plan = PushPlan(results: [], accepted: [])
        for change in changes {
            do throws(ErrorDetail) {
                try checkIdentity(change, by: principal)
                if try isDuplicate(change, facts: facts) {
                    plan.results.append(PushResult(id: change.id, status: .duplicate))
                    continue
                }
                // Decided once: a replayed request cannot turn an earlier refusal into an acceptance.
                if let earlier = facts.refused[change.id] { throw earlier }
                try check(change, by: principal, facts: facts, wallMillis: wallMillis, maxDriftMillis: maxDriftMillis)
                facts.existing[change.id] = change
                if let restriction = CaseworkRules.restriction(of: change, entity: facts.entities[change.entityId]) {
                    plan.restrictions[change.id] = restriction
                }
                facts.entities[change.entityId] = EntityFacts.after(change, applyingTo: facts.entities[change.entityId])
                facts.deviceHighWater = max(facts.deviceHighWater ?? change.hlc, change.hlc)
                plan.accepted.append(change)
                plan.results.append(PushResult(id: change.id, status: .accepted))
            } catch {
                plan.results.append(PushResult(id: change.id, status: .rejected, error: error))
                let identity = [ErrorCode.invalidChange, ErrorCode.wrongDevice, ErrorCode.wrongAuthor, ErrorCode.wrongDiscipline]
                if error.code != ErrorCode.clockAhead, error.code != ErrorCode.idReused, !identity.contains(error.code),
                    facts.refused[change.id] == nil
                {
                    facts.refused[change.id] = error
                    plan.refusedForGood.append((change.id, error))
                }
            }
        }
        return plan
    }

    /// Checks a whole push before anything is planned: every change must have well-formed ids and carry the
    /// token's device, professional and discipline. A replica stamps its own writes, so a failure here is a
    /// forged or broken request, not a write to keep in a rejected list: the request is refused whole —
    /// `400 invalidChange` for malformed ids, `403` for another device, author or discipline — and nothing
    /// of it is stored. This holds because a professional's discipline and a device's professional never
    /// change; if they ever become editable, writes a replica stamped before the edit must be answered per
    /// change (to its rejected list) instead, or that replica could never push again.
    public static func checkRequest(_ changes: [Change], by principal: Principal) throws(ServerError) {
        for (index, change) in changes.enumerated() {
            do throws(ErrorDetail) {
                try checkIdentity(change, by: principal)
            } catch {
                let status: HTTPResponse.Status = error.code == ErrorCode.invalidChange ? .badRequest : .forbidden
                throw ServerError(status, code: error.code, message: "changes[\(index)]: \(error.message); nothing was stored")
            }
        }
    }

    private static func checkIdentity(_ change: Change, by principal: Principal) throws(ErrorDetail) {
        guard Identifier.isValid(change.id), Identifier.isValid(change.clientId), Identifier.isValid(change.entityId)
        else {
            throw ErrorDetail(
                code: ErrorCode.invalidChange, message: "change, client and entity ids must be lowercase UUIDs")
        }
        guard change.hlc.wallMillis > 0 else {
            throw ErrorDetail(code: ErrorCode.invalidChange, message: "the timestamp must be after 1970")
        }
        guard change.deviceId == principal.deviceId else {
            throw ErrorDetail(code: ErrorCode.wrongDevice, message: "changes must carry the pushing device's id")
        }
        guard change.authorId == principal.professional.id else {
            throw ErrorDetail(code: ErrorCode.wrongAuthor, message: "changes must be authored by the device's professional")
        }
        guard change.authorDiscipline == principal.professional.discipline.rawValue else {
            throw ErrorDetail(code: ErrorCode.wrongDiscipline, message: "the discipline must be the author's own")
        }
    }

    private static func isDuplicate(_ change: Change, facts: PushFacts) throws(ErrorDetail) -> Bool {
        guard let stored = facts.existing[change.id] else { return false }
        guard stored.isSameWrite(as: change) else {
            throw ErrorDetail(code: ErrorCode.idReused, message: "change id \(change.id) was used for another change")
        }
        return true
    }

    private static func check(
        _ change: Change, by principal: Principal, facts: PushFacts, wallMillis: Int64, maxDriftMillis: Int64
    ) throws(ErrorDetail) {
        guard !HybridLogicalClock.isTooFarAhead(change.hlc, wallMillis: wallMillis, maxDriftMillis: maxDriftMillis)
        else {
            throw ErrorDetail(
                code: ErrorCode.clockAhead,
                message: "timestamp is more than \(maxDriftMillis / 1000) s ahead of the server clock")
        }
        // In the caseload when it was written: a change made offline before the client moved away is accepted.
        // A device writes in clock order, so nothing it writes can be older than what it already sent: that
        // stops a device from backdating a write to before it lost the client.
        let writtenAt = max(change.hlc, facts.deviceHighWater ?? change.hlc)
        let spans = facts.clientTeams[change.clientId] ?? []
        guard spans.contains(where: { principal.teamIds.contains($0.teamId) && $0.contains(writtenAt) }) else {
            throw ErrorDetail(code: ErrorCode.outOfScope, message: "client \(change.clientId) is not in your caseload")
        }
        do throws(CaseworkError) {
            guard let event = try CaseEvent.decode(change, strict: true) else {
                throw CaseworkError(code: "unknownOperation", message: "unknown operation")
            }
            try CaseworkRules.check(change, event: event, entity: facts.entities[change.entityId])
        } catch {
            throw ErrorDetail(code: error.code, message: error.message)
        }
    }
}
