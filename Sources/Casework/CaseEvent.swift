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
    /// Who may read the note; set when it is written, kept by every revision.
    public var visibility: NoteVisibility

    /// Creates note content; determinants are put in model order and repeats dropped.
    public init(text: String, behaviour: CoreBehaviour? = nil, determinants: [Determinant] = [],
                visibility: NoteVisibility = .team) {
        self.text = text
        self.behaviour = behaviour
        self.determinants = Array(Set(determinants)).sorted()
        self.visibility = visibility
    }
}

/// Who may read a case note (need-to-know).
public enum NoteVisibility: String, CaseIterable, Codable, Sendable {
    /// Every professional with the client in their caseload (the default).
    case team
    /// Only professionals of the author's discipline, e.g. income details; the server never sends it to others.
    case discipline
}

/// A determinant assessment: what one professional thinks of one determinant now.
public struct Assessment: Hashable, Sendable {
    /// The determinant assessed.
    public var determinant: Determinant
    /// The score, or unknown.
    public var score: AssessmentScore
    /// The core behaviour the assessment is about, if any.
    public var behaviour: CoreBehaviour?
    /// Why this score, in one line (at most ``CaseworkLimits/maxLineLength`` characters), if said.
    public var explanation: String?

    /// Creates an assessment.
    public init(determinant: Determinant, score: AssessmentScore, behaviour: CoreBehaviour? = nil, explanation: String? = nil) {
        self.determinant = determinant
        self.score = score
        self.behaviour = behaviour
        self.explanation = explanation
    }
}

/// A calendar date (`YYYY-MM-DD`), as used for due dates.
public struct CalendarDate: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// The text form, `YYYY-MM-DD`.
    public let text: String

    /// Parses `YYYY-MM-DD` (a real date); `nil` otherwise.
    public init?(_ text: String) {
        guard let millis = CalendarTime.millis(fromISO8601: text + "T00:00:00.000Z"),
            CalendarTime.iso8601(millis: millis).hasPrefix(text)
        else { return nil }
        self.text = text
    }

    /// Unix milliseconds of the start of the day (UTC).
    public var startMillis: Int64 { CalendarTime.millis(fromISO8601: text + "T00:00:00.000Z")! }

    /// `YYYY-MM-DD`.
    public var description: String { text }

    /// Orders by date.
    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool { lhs.text < rhs.text }

    /// Decodes `YYYY-MM-DD`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let date = CalendarDate(try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a date YYYY-MM-DD")
        }
        self = date
    }

    /// Encodes `YYYY-MM-DD`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// The state of a sub-goal of the plan.
public enum GoalStatus: String, CaseIterable, Codable, Sendable {
    case open, achieved, dropped
}

/// A sub-goal of the client's plan (plan van aanpak), serving the overarching goal of durable labour
/// participation through one core behaviour.
public struct SubGoal: Hashable, Sendable {
    /// What is to be reached, in one line.
    public var title: String
    /// The core behaviour it serves.
    public var behaviour: CoreBehaviour
    /// The determinants it works on, in model order.
    public var targets: [Determinant]
    /// Who owns it: a discipline, or the client — a goal the client set themselves.
    public var owner: Responsible
    /// When it should be reached, if set.
    public var due: CalendarDate?
    /// Open, achieved or dropped.
    public var status: GoalStatus

    /// Creates a sub-goal; targets are put in model order and repeats dropped.
    public init(title: String, behaviour: CoreBehaviour, targets: [Determinant], owner: Responsible,
                due: CalendarDate? = nil, status: GoalStatus = .open) {
        self.title = title
        self.behaviour = behaviour
        self.targets = Array(Set(targets)).sorted()
        self.owner = owner
        self.due = due
        self.status = status
    }
}

/// Who is responsible for an agreement or owns a sub-goal: the client, or one of the disciplines.
///
/// On the wire and in the journey JSON it is a string: `client` or a discipline's code value.
public enum Responsible: Hashable, Sendable, Codable {
    case client
    case discipline(Discipline)

    /// `client` or a discipline's code value.
    public var code: String {
        switch self {
        case .client: "client"
        case .discipline(let discipline): discipline.rawValue
        }
    }

    /// Parses `client` or a discipline's code value.
    public init?(code: String) {
        if code == "client" {
            self = .client
        } else if let discipline = Discipline(rawValue: code) {
            self = .discipline(discipline)
        } else {
            return nil
        }
    }

    /// Decodes `client` or a discipline's code value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let value = Responsible(code: try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not 'client' or a discipline")
        }
        self = value
    }

    /// Encodes the code.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}

/// The state of an agreement (afspraak).
public enum AgreementStatus: String, CaseIterable, Codable, Sendable {
    case open, kept, notKept, lapsed
}

/// An agreement with the client: who does what, by when, and whether it was kept.
public struct Agreement: Hashable, Sendable {
    /// What was agreed.
    public var text: String
    /// Who is responsible.
    public var responsible: Responsible
    /// By when, if set.
    public var due: CalendarDate?
    /// The core behaviour it serves, if any.
    public var behaviour: CoreBehaviour?
    /// Open, kept, not kept or lapsed.
    public var status: AgreementStatus

    /// Creates an agreement.
    public init(text: String, responsible: Responsible, due: CalendarDate? = nil, behaviour: CoreBehaviour? = nil,
                status: AgreementStatus = .open) {
        self.text = text
        self.responsible = responsible
        self.due = due
        self.behaviour = behaviour
        self.status = status
    }
}

/// A professional's acknowledgement of a force-field signal: seen, with a short reason.
public struct SignalAcknowledgement: Hashable, Sendable {
    /// The signal's key (see ``ForceFieldSignal/key``).
    public var signal: String
    /// Why it is acknowledged, in one line.
    public var reason: String

    /// Creates an acknowledgement.
    public init(signal: String, reason: String) {
        self.signal = signal
        self.reason = reason
    }
}

/// A hand-over (verwijzing) from one discipline to another: the client manager refers a client who is
/// ready for work to the account manager, say. The referral is answered by the discipline it is addressed to.
public struct Referral: Hashable, Sendable {
    /// The discipline the client is referred to; never the referring professional's own.
    public var to: Discipline
    /// Why, in one line.
    public var reason: String

    /// Creates a referral.
    public init(to: Discipline, reason: String) {
        self.to = to
        self.reason = reason
    }
}

/// The answer to a referral, by a professional of the discipline it is addressed to.
public struct ReferralAnswer: Hashable, Sendable {
    /// `accepted` or `declined`.
    public var status: ReferralStatus
    /// Why, in one line; required when declining.
    public var reason: String?

    /// Creates an answer.
    public init(status: ReferralStatus, reason: String? = nil) {
        self.status = status
        self.reason = reason
    }
}

/// The state of a referral.
public enum ReferralStatus: String, CaseIterable, Codable, Sendable {
    /// Not answered yet.
    case open
    /// Taken on by the discipline it was addressed to.
    case accepted
    /// Not taken on, with a reason.
    case declined
}

/// A vacancy the account manager mediates the client to (bemiddeling naar een vacature): the employer's side
/// of the journey, as a record of its own rather than an intervention kind.
public struct Vacancy: Hashable, Sendable {
    /// The employer, in one line.
    public var employer: String
    /// The job, in one line.
    public var title: String
    /// Where the mediation stands.
    public var status: VacancyStatus
    /// The employer's contact for this vacancy (a name, a phone number), in one line, if known.
    public var contact: String?

    /// Creates a vacancy.
    public init(employer: String, title: String, status: VacancyStatus = .proposed, contact: String? = nil) {
        self.employer = employer
        self.title = title
        self.status = status
        self.contact = contact
    }
}

/// Where the mediation to a vacancy stands.
public enum VacancyStatus: String, CaseIterable, Codable, Sendable {
    /// Proposed to the client (or the client to the employer).
    case proposed
    /// The client applied.
    case applied
    /// The client is invited for an interview.
    case interview
    /// The client got the job: a placement.
    case hired
    /// The employer said no.
    case rejected
    /// The client or the account manager withdrew.
    case withdrawn

    /// Whether the client is on the way into, or in, this job: the mediation counts as a placement.
    public var isPlacement: Bool { [.applied, .interview, .hired].contains(self) }
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
/// | ``clientViewRecorded(_:)`` | `selfAssessment` | `record` | a professional, writing down the client's own view (immutable) |
/// | ``referralAdded(_:)`` | `referral` | `add` | a professional, to another discipline |
/// | ``referralAnswered(_:supersedes:)`` | `referral` | `answer` | a professional of the discipline it is addressed to |
/// | ``vacancyAdded(_:)`` | `vacancy` | `add` | a professional (usually the account manager) |
/// | ``vacancyUpdated(_:supersedes:)`` | `vacancy` | `update` | a professional |
/// | ``interventionStarted(_:)`` | `intervention` | `start` | a professional |
/// | ``interventionUpdated(_:supersedes:)`` | `intervention` | `update` | a professional of the owning discipline |
/// | ``goalAdded(_:)`` | `goal` | `add` | a professional |
/// | ``goalUpdated(_:supersedes:)`` | `goal` | `update` | a professional |
/// | ``agreementAdded(_:)`` | `agreement` | `add` | a professional |
/// | ``agreementUpdated(_:supersedes:)`` | `agreement` | `update` | a professional |
/// | ``signalAcknowledged(_:)`` | `signal` | `acknowledge` | a professional |
/// | ``clientMoved(teamId:)`` | `client` | `move` | the administrator (entity id = client id) |
/// | ``clientErased`` | `client` | `erase` | the administrator; the only change left after erasure, without content |
/// | ``contactSet(_:supersedes:)`` | `client` | `setContact` | a professional (entity id = client id) |
///
/// Contact details are revisions of the client entity, one field per change: `supersedes` names the
/// current revisions *of that field* (none for the first value), so concurrent changes of one field keep
/// both values, while changes of different fields never conflict.
public enum CaseEvent: Hashable, Sendable {
    case clientRegistered(ClientRegistration)
    case clientMoved(teamId: String)
    case clientErased
    case contactSet(ContactUpdate, supersedes: [String])
    case noteAdded(NoteContent)
    case noteRevised(NoteContent, supersedes: [String])
    case assessmentRecorded(Assessment)
    /// The client's own assessment of a determinant, as a professional wrote it down with the client.
    case clientViewRecorded(Assessment)
    case referralAdded(Referral)
    case referralAnswered(ReferralAnswer, supersedes: [String])
    case vacancyAdded(Vacancy)
    case vacancyUpdated(Vacancy, supersedes: [String])
    case interventionStarted(InterventionPlan)
    case interventionUpdated(InterventionUpdate, supersedes: [String])
    case goalAdded(SubGoal)
    case goalUpdated(SubGoal, supersedes: [String])
    case agreementAdded(Agreement)
    case agreementUpdated(Agreement, supersedes: [String])
    case signalAcknowledged(SignalAcknowledgement)

    /// The entity type this event writes.
    public var entityType: String {
        switch self {
        case .clientRegistered, .clientMoved, .contactSet, .clientErased: "client"
        case .noteAdded, .noteRevised: "note"
        case .assessmentRecorded: "assessment"
        case .clientViewRecorded: "selfAssessment"
        case .referralAdded, .referralAnswered: "referral"
        case .vacancyAdded, .vacancyUpdated: "vacancy"
        case .interventionStarted, .interventionUpdated: "intervention"
        case .goalAdded, .goalUpdated: "goal"
        case .agreementAdded, .agreementUpdated: "agreement"
        case .signalAcknowledged: "signal"
        }
    }

    /// The operation name of this event.
    public var operation: String {
        switch self {
        case .clientRegistered: "register"
        case .clientMoved: "move"
        case .clientErased: "erase"
        case .contactSet: "setContact"
        case .noteAdded: "add"
        case .noteRevised: "revise"
        case .assessmentRecorded, .clientViewRecorded: "record"
        case .referralAdded: "add"
        case .referralAnswered: "answer"
        case .interventionStarted: "start"
        case .interventionUpdated, .goalUpdated, .agreementUpdated, .vacancyUpdated: "update"
        case .goalAdded, .agreementAdded, .vacancyAdded: "add"
        case .signalAcknowledged: "acknowledge"
        }
    }

    /// Whether this event creates its entity (as opposed to revising an existing one).
    public var createsEntity: Bool {
        switch self {
        case .clientRegistered, .noteAdded, .assessmentRecorded, .clientViewRecorded, .interventionStarted, .goalAdded,
            .agreementAdded, .signalAcknowledged, .referralAdded, .vacancyAdded:
            true
        case .noteRevised, .interventionUpdated, .clientMoved, .contactSet, .goalUpdated, .agreementUpdated,
            .clientErased, .referralAnswered, .vacancyUpdated:
            false
        }
    }

    /// The revisions this event supersedes (empty for creating events).
    public var supersedes: [String] {
        switch self {
        case .noteRevised(_, let ids), .interventionUpdated(_, let ids), .contactSet(_, let ids), .goalUpdated(_, let ids),
            .agreementUpdated(_, let ids), .referralAnswered(_, let ids), .vacancyUpdated(_, let ids):
            ids
        default: []
        }
    }

    /// Every `(entityType, operation)` pair this version of the domain understands.
    public static let knownOperations: Set<String> = [
        "client.register", "client.move", "client.setContact", "client.erase", "note.add", "note.revise", "assessment.record", "intervention.start",
        "intervention.update", "goal.add", "goal.update", "agreement.add", "agreement.update", "signal.acknowledge",
        "selfAssessment.record", "referral.add", "referral.answer", "vacancy.add", "vacancy.update",
    ]
}
