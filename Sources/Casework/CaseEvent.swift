/// What a client registration says: the client's name and the team responsible for them.
public struct ClientRegistration: Hashable, Sendable {
    /// The client's name.
    public var name: String
    /// The team the client is assigned to.
    public var teamId: String

    /// Creates a registration.
    public init(name: String, teamId: String) {
        self.name = name
        self.teamId = teamId
    }
}

/// A contact detail of a client that professionals keep up to date.
public enum ContactField: String, CaseIterable, Codable, Sendable, Comparable {
    /// Phone number.
    case phone
    /// Postal address.
    case address
    /// When the client prefers to be contacted, e.g. "weekdays after 14:00".
    case contactMoment

    /// The longest value, in characters.
    public var maxLength: Int {
        switch self {
        case .phone: 40
        case .address, .contactMoment: 200
        }
    }

    /// Orders fields as listed.
    public static func < (lhs: ContactField, rhs: ContactField) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A new value for one contact field (`nil` clears it).
public struct ContactUpdate: Hashable, Sendable {
    /// The field.
    public var field: ContactField
    /// The new value, or `nil` to clear the field.
    public var value: String?

    /// Creates an update.
    public init(field: ContactField, value: String?) {
        self.field = field
        self.value = value
    }
}

/// The content of one revision of a case note.
public struct NoteContent: Hashable, Sendable {
    /// The note text.
    public var text: String
    /// The core behaviour the note is about, if any.
    public var behaviour: CoreBehaviour?
    /// The determinants the note is about, in model order, without repeats.
    public var determinants: [Determinant]

    /// Creates note content; determinants are put in model order and repeats dropped.
    public init(text: String, behaviour: CoreBehaviour? = nil, determinants: [Determinant] = []) {
        self.text = text
        self.behaviour = behaviour
        self.determinants = Array(Set(determinants)).sorted()
    }
}

/// A determinant assessment: what one professional thinks of one determinant now.
public struct Assessment: Hashable, Sendable {
    /// The determinant assessed.
    public var determinant: Determinant
    /// The score, or unknown.
    public var score: AssessmentScore
    /// The core behaviour the assessment is about, if any.
    public var behaviour: CoreBehaviour?

    /// Creates an assessment.
    public init(determinant: Determinant, score: AssessmentScore, behaviour: CoreBehaviour? = nil) {
        self.determinant = determinant
        self.score = score
        self.behaviour = behaviour
    }
}

/// How an intervention starts: what it is, how it works and on what.
public struct InterventionPlan: Hashable, Sendable {
    /// The kind (catalogue code or free code).
    public var kind: String
    /// The valence.
    public var valence: Valence
    /// The determinants it targets, in model order, at least one.
    public var targets: [Determinant]
    /// The core behaviour it serves, if any.
    public var behaviour: CoreBehaviour?
    /// The initial status: `planned` or `active`.
    public var status: InterventionStatus

    /// Creates a plan; targets are put in model order and repeats dropped.
    public init(kind: String, valence: Valence, targets: [Determinant], behaviour: CoreBehaviour?,
                status: InterventionStatus = .active) {
        self.kind = kind
        self.valence = valence
        self.targets = Array(Set(targets)).sorted()
        self.behaviour = behaviour
        self.status = status
    }
}

/// A later state of an intervention: its full status and targets after the update.
public struct InterventionUpdate: Hashable, Sendable {
    /// The status after the update.
    public var status: InterventionStatus
    /// The targets after the update, in model order, at least one.
    public var targets: [Determinant]

    /// Creates an update; targets are put in model order and repeats dropped.
    public init(status: InterventionStatus, targets: [Determinant]) {
        self.status = status
        self.targets = Array(Set(targets)).sorted()
    }
}

/// A change read as a domain event. Each case is one `(entityType, operation)` pair of the change log.
///
/// | event | entityType | operation | who may write it |
/// |---|---|---|---|
/// | ``clientRegistered(_:)`` | `client` | `register` | the administrator (entity id = client id) |
/// | ``noteAdded(_:)`` | `note` | `add` | a professional |
/// | ``noteRevised(_:supersedes:)`` | `note` | `revise` | the note's author only |
/// | ``assessmentRecorded(_:)`` | `assessment` | `record` | a professional (immutable afterwards) |
/// | ``interventionStarted(_:)`` | `intervention` | `start` | a professional |
/// | ``interventionUpdated(_:supersedes:)`` | `intervention` | `update` | a professional of the owning discipline |
/// | ``clientMoved(teamId:)`` | `client` | `move` | the administrator (entity id = client id) |
/// | ``contactSet(_:supersedes:)`` | `client` | `setContact` | a professional (entity id = client id) |
///
/// Contact details are revisions of the client entity, one field per change: `supersedes` names the
/// current revisions *of that field* (none for the first value), so concurrent changes of one field keep
/// both values, while changes of different fields never conflict.
public enum CaseEvent: Hashable, Sendable {
    case clientRegistered(ClientRegistration)
    case clientMoved(teamId: String)
    case contactSet(ContactUpdate, supersedes: [String])
    case noteAdded(NoteContent)
    case noteRevised(NoteContent, supersedes: [String])
    case assessmentRecorded(Assessment)
    case interventionStarted(InterventionPlan)
    case interventionUpdated(InterventionUpdate, supersedes: [String])

    /// The entity type this event writes.
    public var entityType: String {
        switch self {
        case .clientRegistered, .clientMoved, .contactSet: "client"
        case .noteAdded, .noteRevised: "note"
        case .assessmentRecorded: "assessment"
        case .interventionStarted, .interventionUpdated: "intervention"
        }
    }

    /// The operation name of this event.
    public var operation: String {
        switch self {
        case .clientRegistered: "register"
        case .clientMoved: "move"
        case .contactSet: "setContact"
        case .noteAdded: "add"
        case .noteRevised: "revise"
        case .assessmentRecorded: "record"
        case .interventionStarted: "start"
        case .interventionUpdated: "update"
        }
    }

    /// Whether this event creates its entity (as opposed to revising an existing one).
    public var createsEntity: Bool {
        switch self {
        case .clientRegistered, .noteAdded, .assessmentRecorded, .interventionStarted: true
        case .noteRevised, .interventionUpdated, .clientMoved, .contactSet: false
        }
    }

    /// The revisions this event supersedes (empty for creating events).
    public var supersedes: [String] {
        switch self {
        case .noteRevised(_, let ids), .interventionUpdated(_, let ids), .contactSet(_, let ids): ids
        default: []
        }
    }

    /// Every `(entityType, operation)` pair this version of the domain understands.
    public static let knownOperations: Set<String> = [
        "client.register", "client.move", "client.setContact", "note.add", "note.revise", "assessment.record", "intervention.start",
        "intervention.update",
    ]
}
