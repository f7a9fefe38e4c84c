import ChangeLog
import SyncProtocol

/// Fresh ids and timestamps for the kit's own writes, and vectors re-stamped as this device's writes about
/// the given client: the same vector value always gets the same fresh value, so a stored write and its
/// retry stay the same write.
struct Fresh {
    let session: ConformanceKit.Session
    let clientId: String
    private var clock: HybridLogicalClock
    private var mapped: [String: String] = [:]
    private var stamps: [HLCTimestamp: HLCTimestamp] = [:]

    init(session: ConformanceKit.Session, clientId: String) {
        self.session = session
        self.clientId = clientId
        clock = HybridLogicalClock(last: session.serverTime)
    }

    mutating func stamp() -> HLCTimestamp {
        clock.tick(wallMillis: WallClock.millis() + session.clockOffset)
    }

    mutating func id() -> String {
        Identifier.make(wallMillis: WallClock.millis())
    }

    mutating func note(_ text: String, hlc: HLCTimestamp? = nil) -> Change {
        Change(
            id: id(), clientId: clientId, entityType: "note", entityId: id(), operation: "add",
            payload: .object(["text": .string(text)]), hlc: hlc ?? stamp(), authorId: session.professionalId,
            authorDiscipline: session.discipline, deviceId: session.deviceId)
    }

    /// The same change at another timestamp.
    func restamp(_ change: Change, at hlc: HLCTimestamp) -> Change {
        Change(
            id: change.id, clientId: change.clientId, entityType: change.entityType, entityId: change.entityId,
            operation: change.operation, payload: change.payload, hlc: hlc, authorId: change.authorId,
            authorDiscipline: change.authorDiscipline, deviceId: change.deviceId)
    }

    /// A vector's change as this device's write about the client. `keepingDefects`: a member that is itself
    /// what the vector is about (an id that is not a lowercase UUID, a timestamp at 0 ms) is kept as it is.
    /// `defect`: the vector's expected code; for `wrongDevice`, `wrongAuthor` and `wrongDiscipline` that
    /// member is made another than the device's (the discipline left out when the vector leaves it out).
    mutating func restamp(_ vector: Change, keepingDefects: Bool, defect: ErrorCode? = nil) -> Change {
        func fresh(_ value: String) -> String {
            if keepingDefects, !Identifier.isValid(value) { return value }
            if let known = mapped[value] { return known }
            let made = id()
            mapped[value] = made
            return made
        }
        let client = keepingDefects && !Identifier.isValid(vector.clientId) ? vector.clientId.uppercased() : clientId
        // A change about the client itself names it as its entity.
        let entity = vector.entityId == vector.clientId ? client : fresh(vector.entityId)
        var hlc = vector.hlc
        if !(keepingDefects && vector.hlc.wallMillis == 0) {
            if let known = stamps[vector.hlc] { hlc = known } else {
                hlc = stamp()
                stamps[vector.hlc] = hlc
            }
        }
        var discipline: String? = session.discipline
        if defect == ErrorCode.wrongDiscipline {
            discipline = vector.authorDiscipline.map { _ in
                ["clientManager", "incomeConsultant", "accountManager"].first { $0 != session.discipline }!
            }
        }
        var payload = remap(vector.payload)
        // A referral goes to another discipline than the author's: the vector's choice of "the author's own"
        // or "another" is kept for this device's discipline.
        if vector.entityType == "referral", case .object(var members) = payload, case .string(let to)? = members["to"] {
            members["to"] = .string(to == vector.authorDiscipline
                ? session.discipline : ["clientManager", "incomeConsultant", "accountManager"].first { $0 != session.discipline }!)
            payload = .object(members)
        }
        return Change(
            id: fresh(vector.id), clientId: client, entityType: vector.entityType, entityId: entity,
            operation: vector.operation, payload: payload, hlc: hlc,
            authorId: defect == ErrorCode.wrongAuthor ? id() : session.professionalId, authorDiscipline: discipline,
            deviceId: defect == ErrorCode.wrongDevice ? id() : session.deviceId)
    }

    /// The payload with every id it names (a revision's `supersedes`, a moved client's team) mapped like the
    /// envelope's, so references between vectors' changes still hold.
    private func remap(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text) where Identifier.isValid(text):
            if let known = mapped[text] { return .string(known) }
            return value
        case .array(let items): return .array(items.map { remap($0) })
        case .object(let members): return .object(members.mapValues { remap($0) })
        default: return value
        }
    }
}
