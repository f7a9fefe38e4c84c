public import ChangeLog

/// What is already known about an entity when a new change to it arrives.
public struct EntityFacts: Hashable, Sendable {
    /// The entity type (`note`, `intervention`, …).
    public let entityType: String
    /// The client the entity belongs to.
    public let clientId: String
    /// The author of the change that created the entity.
    public let authorId: String
    /// The discipline of that author (`nil` for the administrator).
    public let authorDiscipline: String?
    /// The ids of every change to the entity so far (its revisions).
    public let revisionIds: Set<String>
    /// The only discipline that may read the entity, for a note written with `discipline` visibility.
    public let restrictedTo: String?
    /// The discipline a referral is addressed to (the only one that may answer it); `nil` for other entities.
    public let addressedTo: String?

    /// Creates entity facts.
    public init(entityType: String, clientId: String, authorId: String, authorDiscipline: String?,
                revisionIds: Set<String>, restrictedTo: String? = nil, addressedTo: String? = nil) {
        self.entityType = entityType
        self.clientId = clientId
        self.authorId = authorId
        self.authorDiscipline = authorDiscipline
        self.revisionIds = revisionIds
        self.restrictedTo = restrictedTo
        self.addressedTo = addressedTo
    }

    /// The facts after `change` created or revised the entity described by `self` (or `nil` before creation).
    public static func after(_ change: Change, applyingTo facts: EntityFacts?) -> EntityFacts {
        guard let facts else {
            return EntityFacts(
                entityType: change.entityType, clientId: change.clientId, authorId: change.authorId,
                authorDiscipline: change.authorDiscipline, revisionIds: [change.id],
                restrictedTo: CaseworkRules.restriction(of: change, entity: nil),
                addressedTo: CaseworkRules.addressee(of: change))
        }
        return EntityFacts(
            entityType: facts.entityType, clientId: facts.clientId, authorId: facts.authorId,
            authorDiscipline: facts.authorDiscipline, revisionIds: facts.revisionIds.union([change.id]),
            restrictedTo: facts.restrictedTo, addressedTo: facts.addressedTo)
    }
}

/// Who may write what: the rules both the replica (before recording a write) and the server (before
/// accepting a push) apply to every change.
///
/// 1. Only the administrator registers, moves and erases clients; the entity id of a client is the client id.
///    Professionals set contact details on the client entity.
/// 2. Professionals write notes, assessments, interventions, contact details, the plan (sub-goals and
///    agreements) and signal acknowledgements, with their own discipline.
/// 3. An entity belongs to one client and one entity type for life.
/// 4. A creating operation needs a new entity id; a revising operation needs an existing entity.
/// 5. A note is revised by its author only. An assessment is never revised.
/// 6. An intervention is updated by professionals of the discipline that started it. Sub-goals and
///    agreements belong to the shared plan: any professional with the client may update them.
///    A referral goes to another discipline than the referrer's, and only that discipline answers it.
/// 7. A revision supersedes only revisions of the same entity.
public enum CaseworkRules {
    /// The only discipline that may read a change: the author's, for a note written with `discipline`
    /// visibility and every revision of it; `nil` (everyone with the client) otherwise.
    public static func restriction(of change: Change, entity: EntityFacts?) -> String? {
        if let entity { return entity.restrictedTo }
        guard change.entityType == "note", change.operation == "add",
            change.payload["visibility"] == .string(NoteVisibility.discipline.rawValue)
        else { return nil }
        return change.authorDiscipline
    }

    /// The discipline a `referral.add` change is addressed to (`nil` for every other change).
    public static func addressee(of change: Change) -> String? {
        addressee(entityType: change.entityType, operation: change.operation, payload: change.payload)
    }

    /// The discipline a stored `referral.add` payload (its JSON text) is addressed to; `nil` for other changes.
    public static func addressee(entityType: String, operation: String, payloadText: String?) -> String? {
        guard entityType == "referral", operation == "add", let payloadText,
            let payload = try? JSONValue(parsing: payloadText)
        else { return nil }
        return addressee(entityType: entityType, operation: operation, payload: payload)
    }

    /// The name a stored `client.register` payload (its JSON text) gives; `nil` without one.
    public static func registeredName(payloadText: String?) -> String? {
        guard let payloadText, let payload = try? JSONValue(parsing: payloadText), case .string(let name)? = payload["name"]
        else { return nil }
        return name
    }

    /// The SQL expression (SQLite and PostgreSQL) that reads the payload of a `referral.add` row of `changes`,
    /// and nothing of other rows, for ``addressee(entityType:operation:payloadText:)``.
    public static let addresseePayloadSQL =
        "CASE WHEN entity_type = 'referral' AND operation = 'add' THEN payload END AS referral_payload"

    private static func addressee(entityType: String, operation: String, payload: JSONValue) -> String? {
        guard entityType == "referral", operation == "add", case .string(let to)? = payload["to"] else { return nil }
        return to
    }

    /// Checks a change against the rules, given the facts about its entity (`nil` when it does not exist yet).
    public static func check(_ change: Change, event: CaseEvent, entity: EntityFacts?) throws(CaseworkError) {
        let isAdministrator = change.authorId == Change.administratorId
        if change.entityType == "client" {
            guard change.entityId == change.clientId else {
                throw .invalidPayload("a change to the client itself has the client id as its entity id")
            }
        }
        switch event {
        case .clientRegistered, .clientMoved, .clientErased:
            guard isAdministrator else {
                throw CaseworkError(code: "forbidden", message: "only an administrator registers, moves or erases clients")
            }
        default:
            guard !isAdministrator, let raw = change.authorDiscipline, Discipline(rawValue: raw) != nil else {
                throw CaseworkError(code: "forbidden", message: "case work is written by professionals")
            }
        }

        if case .referralAdded(let referral) = event, referral.to.rawValue == change.authorDiscipline {
            throw .invalidPayload("a referral hands the client over to another discipline than your own")
        }
        if event.createsEntity {
            guard entity == nil else {
                throw CaseworkError(code: "entityExists", message: "entity \(change.entityId) already exists")
            }
            return
        }
        guard let entity, entity.entityType == change.entityType, entity.clientId == change.clientId else {
            throw CaseworkError(code: "unknownEntity", message: "no \(change.entityType) \(change.entityId) for this client")
        }
        switch event {
        case .noteRevised:
            guard entity.authorId == change.authorId else {
                throw CaseworkError(code: "notAuthor", message: "only the author of a note can revise it")
            }
        case .interventionUpdated:
            guard entity.authorDiscipline == change.authorDiscipline else {
                throw CaseworkError(
                    code: "notOwningDiscipline",
                    message: "only professionals of the discipline that started an intervention can update it")
            }
        case .referralAnswered:
            guard entity.addressedTo == change.authorDiscipline else {
                throw CaseworkError(
                    code: "notOwningDiscipline",
                    message: "only professionals of the discipline a referral is addressed to can answer it")
            }
        default:
            break
        }
        if let unknown = event.supersedes.first(where: { !entity.revisionIds.contains($0) }) {
            throw CaseworkError(code: "unknownRevision", message: "revision \(unknown) is not a revision of this entity")
        }
    }
}
