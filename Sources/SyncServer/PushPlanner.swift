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
    /// What the pushing device could know, in log positions; `nil` when unknown (then it is treated as
    /// knowing everything: it may write only about its caseload as it is now).
    public var device: DeviceFacts?
    /// Changes of the batch that were refused for good before, with the reason.
    public var refused: [String: ErrorDetail] = [:]

    /// Creates push facts.
    public init(
        existing: [String: Change], entities: [String: EntityFacts], clientTeams: [String: [TeamSpan]],
        deviceHighWater: HLCTimestamp? = nil, device: DeviceFacts? = nil
    ) {
        self.existing = existing
        self.entities = entities
        self.clientTeams = clientTeams
        self.deviceHighWater = deviceHighWater
        self.device = device
    }
}

/// What the server knows for certain about a device's view of the log: positions, not clocks, so a device
/// cannot change them by stamping its changes.
public struct DeviceFacts: Hashable, Sendable {
    /// The end of the log when the device enrolled: it cannot have seen anything after it before then.
    public var enrolledSeq: Int64
    /// The furthest log position at which the server has told the device of a caseload change (a pull page
    /// with a scope notice ends at the change): it knows of every loss of a client up to it.
    public var pulledTo: Int64

    /// Creates device facts.
    public init(enrolledSeq: Int64, pulledTo: Int64) {
        self.enrolledSeq = enrolledSeq
        self.pulledTo = pulledTo
    }
}

/// The decision for one push: a result per change and the changes to store.
public struct PushPlan: Sendable {
    /// One result per pushed change, in request order.
    public var results: [PushResult]
    /// The changes to store, in request order.
    public var accepted: [Change]
    /// Changes refused for good by this push, to remember (every refusal but those that depend on what the
    /// server holds or on its clock: ``PushPlanner/healableCodes``).
    public var refusedForGood: [(id: String, error: ErrorDetail)] = []
    /// For accepted changes only one discipline may read (a `discipline` note and its revisions): that
    /// discipline, by change id.
    public var restrictions: [String: String] = [:]
}

/// Decides, as a pure function, which changes of a push are stored.
///
/// Checks, in order, for each change (the first failing check gives the rejection code):
/// 1. ids are lowercase UUIDs, the timestamp is after 1970, `entityType` and `operation` are 1–32 ASCII
///    letters (`invalidChange`);
/// 2. the device is the token's device (`wrongDevice`), the author the token's professional
///    (`wrongAuthor`), the discipline theirs (`wrongDiscipline`) — so nothing below is revealed to others;
/// 3. a change with the same id is already stored: the same write is a `duplicate` (also after the caller
///    lost access to the client: it was accepted while they had it; not after the client was erased, when
///    nothing of it is stored any more), different content is `idReused`; a
///    change refused before for good gets the same refusal again (a late replay cannot change the outcome);
/// 4. the timestamp is at most `maxDriftMillis` ahead of the server's wall clock (`clockAhead`);
/// 5. the client is in the caller's caseload now, at the server's clock — or the caller's team held it until
///    a move or erasure at log position *p* and the write could have been made while it did: the device
///    enrolled before *p*, has not been sent anything at or past *p* (so it has not been told of the loss),
///    and the change's timestamp — or the latest timestamp already accepted from the device, if later —
///    lies in that team's span (`outOfScope`, also for clients that do not exist): writes made offline
///    before a move are accepted, while a device that knows of the move, or was enrolled after it, cannot
///    write about the client by stamping its change in the past;
/// 6. the payload has the shape of its operation (`invalidPayload`, `unknownOperation`);
/// 7. the domain rules of ``CaseworkRules`` hold (their codes).
/// Changes are checked in request order against the facts plus the changes accepted before them, so a
/// note and its revision can travel in one batch.
public enum PushPlanner {
    /// Refusals that depend on what the server holds or on its clock, not on the change itself: the entity or
    /// revision may arrive later (a server restored from a backup learns it again from its author), and a
    /// re-stamped change is a new attempt. They are never remembered as final; the replica keeps such a
    /// change pending and sends it again.
    public static let healableCodes: Set<ErrorCode> = [ErrorCode.clockAhead, ErrorCode.unknownEntity, ErrorCode.unknownRevision]

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
                if !healableCodes.contains(error.code), error.code != ErrorCode.idReused, !identity.contains(error.code),
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
        // Unknown names are refused per change (unknownOperation), so a newer replica's writes reach an older
        // server's answer; but no name that could never be one is stored, echoed or remembered.
        guard isName(change.entityType), isName(change.operation) else {
            throw ErrorDetail(
                code: ErrorCode.invalidChange,
                message: "entityType and operation must be 1–\(maxNameLength) ASCII letters")
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

    /// Rule 5: the caseload now, or a write the device could have made before it lost the client.
    ///
    /// Why it is safe: a device's clock is its own claim, but enrollment and what the server has sent it are
    /// the server's facts. A write about a client the caller's teams no longer hold is accepted only from a
    /// device that existed before the client left and has not been told since — exactly the devices that can
    /// hold honest offline writes from before the move — and only stamped inside the span, and not after
    /// anything the device already sent. A device enrolled later, or one that has pulled past the move
    /// (which an honest replica does only after pushing everything it wrote before), is refused whatever it
    /// stamps.
    static func mayWrite(about change: Change, by principal: Principal, facts: PushFacts) -> Bool {
        let spans = (facts.clientTeams[change.clientId] ?? []).filter { principal.teamIds.contains($0.teamId) }
        if spans.contains(where: { $0.to == nil }) { return true }
        guard let device = facts.device else { return false }
        // A device writes in clock order, so nothing it writes can be older than what it already sent.
        let writtenAt = max(change.hlc, facts.deviceHighWater ?? change.hlc)
        return spans.contains { span in
            guard let end = span.endSeq else { return false }
            return device.enrolledSeq < end && device.pulledTo < end && span.contains(writtenAt)
        }
    }

    /// The longest `entityType` or `operation` (ASCII letters) the server reads.
    public static let maxNameLength = 32

    private static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= maxNameLength && text.utf8.allSatisfy { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }
    }

    private static func isDuplicate(_ change: Change, facts: PushFacts) throws(ErrorDetail) -> Bool {
        guard let stored = facts.existing[change.id] else { return false }
        guard isSameWrite(stored, change) else {
            throw ErrorDetail(code: ErrorCode.idReused, message: "change id \(change.id) was used for another change")
        }
        return true
    }

    /// Whether `change` is the same write as `stored` (a retry): every envelope member equal, and the
    /// payloads equal in their canonical form — for a pair this version knows, the payload as decoded and
    /// written again, so that an absent member, `null` and the default are one and the same (`behaviour`
    /// absent or `null`; `determinants` absent, `null` or `[]`; `visibility` absent or `"team"`), and key
    /// order and whitespace never matter, and `supersedes` is a set; for a pair it does not know, the
    /// canonical JSON as sent (Protocol/README.md §5, "The same write").
    public static func isSameWrite(_ stored: Change, _ change: Change) -> Bool {
        if stored.isSameWrite(as: change) { return true }
        guard stored.withoutContent.isSameWrite(as: change.withoutContent),
            let storedEvent = try? CaseEvent.decode(stored, strict: true), let event = try? CaseEvent.decode(change, strict: true)
        else { return false }
        return canonical(storedEvent.payload).canonicalText == canonical(event.payload).canonicalText
    }

    /// A decoded payload with `supersedes` as the set it is (sorted, each once).
    private static func canonical(_ payload: JSONValue) -> JSONValue {
        guard case .object(var members) = payload, case .array(let superseded)? = members["supersedes"] else { return payload }
        let ids = Set(superseded.compactMap { item -> String? in if case .string(let id) = item { return id } else { return nil } })
        members["supersedes"] = .array(ids.sorted().map(JSONValue.string))
        return .object(members)
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
        guard mayWrite(about: change, by: principal, facts: facts) else {
            throw ErrorDetail(code: ErrorCode.outOfScope, message: "client \(change.clientId) is not in your caseload")
        }
        do throws(CaseworkError) {
            guard let event = try CaseEvent.decode(change, strict: true) else {
                throw CaseworkError(code: "unknownOperation", message: "unknown operation")
            }
            try CaseworkRules.check(change, event: event, entity: facts.entities[change.entityId])
        } catch {
            throw ErrorDetail(code: ErrorCode(error.code), message: error.message)
        }
    }
}
