public import ChangeLog

/// The unified client journey (klantreis): one deterministic view of every change about one client.
///
/// Built by ``JourneyProjection/project(clientId:changes:directory:)``. Encoded with sorted keys it is the
/// canonical journey JSON: replicas holding the same changes (and the same professional directory) produce
/// byte-identical output. Every array has a documented order; no order depends on arrival.
public struct ClientJourney: Codable, Hashable, Sendable {
    /// Format identifier of this JSON document.
    public var format: String
    /// The client.
    public var client: JourneyClient
    /// Everyone who wrote about the client, by discipline, then name, then id.
    public var professionals: [JourneyActor]
    /// Every change about the client, in display order (hybrid logical clock, then change id).
    public var timeline: [TimelineEntry]
    /// For each of the 7 determinants in model order, the current assessment of each discipline.
    public var determinants: [DeterminantRow]
    /// Every case note, by creation order, with all revisions.
    public var notes: [NoteView]
    /// Every intervention, by start order, with its current state and history.
    public var interventions: [InterventionView]
    /// The shared plan: the overarching goal, sub-goals and agreements.
    public var plan: PlanView
    /// Hand-overs between disciplines, by creation order.
    public var referrals: [ReferralView]
    /// Vacancies the client is mediated to (the employer's side), by creation order.
    public var vacancies: [VacancyView]
    /// The force field now: active interventions per determinant and core behaviour, and signals.
    public var forceField: ForceFieldView

    /// The format identifier written by this version.
    public static let formatIdentifier = "samenspel.journey.v2"
}

/// The client at the top of a journey.
public struct JourneyClient: Codable, Hashable, Sendable {
    /// Client id.
    public var id: String
    /// Name from the registration; `nil` when the registration is not (yet) known.
    public var name: String?
    /// Team from the registration.
    public var teamId: String?
    /// When the client was registered (ISO 8601, UTC).
    public var registeredAt: String?
    /// Contact details, one entry per field that was ever set, in field order.
    public var contact: [ContactFieldView] = []
}

/// One contact field with every value it had.
public struct ContactFieldView: Codable, Hashable, Sendable {
    /// The field.
    public var field: ContactField
    /// The revision shown as current (see ``RevisionMerge``).
    public var current: ContactRevisionView
    /// `true` when concurrent changes left several current values; all are in ``revisions``.
    public var conflicted: Bool
    /// Every value, in display order.
    public var revisions: [ContactRevisionView]
}

/// One value of a contact field.
public struct ContactRevisionView: Codable, Hashable, Sendable {
    /// The change id.
    public var changeId: String
    /// When it was set.
    public var at: String
    /// Who set it.
    public var by: JourneyActor
    /// The value; absent when the field was cleared.
    public var value: String?
    /// The revisions it replaced.
    public var supersedes: [String]
    /// Whether no other revision replaced it.
    public var isHead: Bool
}

/// Who wrote something: a professional, or the administrator.
public struct JourneyActor: Codable, Hashable, Sendable {
    /// Professional id, or `administrator`.
    public var id: String
    /// Display name; `unknown professional` when the directory does not know the id.
    public var name: String
    /// Discipline; `nil` for the administrator.
    public var discipline: Discipline?
}

/// One change in the timeline. Members that do not apply to the event are absent.
public struct TimelineEntry: Codable, Hashable, Sendable {
    /// When (ISO 8601, UTC, from the hybrid logical clock).
    public var at: String
    /// The change's hybrid logical clock timestamp.
    public var hlc: HLCTimestamp
    /// The change id.
    public var changeId: String
    /// The author.
    public var by: JourneyActor
    /// `entityType.operation`, e.g. `note.revise`.
    public var event: String
    /// The entity written.
    public var entityId: String
    /// Note text (note events).
    public var text: String?
    /// Core behaviour.
    public var behaviour: CoreBehaviour?
    /// Determinants a note is about.
    public var determinants: [Determinant]?
    /// The determinant assessed.
    public var determinant: Determinant?
    /// The assessment score.
    public var score: AssessmentScore?
    /// Intervention kind.
    public var kind: String?
    /// Intervention valence.
    public var valence: Valence?
    /// Intervention targets.
    public var targets: [Determinant]?
    /// Status after the event (intervention, sub-goal or agreement status).
    public var status: String?
    /// Title of a sub-goal, or the job of a vacancy.
    public var title: String?
    /// The employer of a vacancy.
    public var employer: String?
    /// Owner of a sub-goal: a discipline, or `client` for the client's own goal.
    public var owner: Responsible?
    /// Due date (`YYYY-MM-DD`) of a sub-goal or agreement.
    public var due: String?
    /// Who is responsible for an agreement: `client` or a discipline.
    public var responsible: String?
    /// The discipline a referral is addressed to.
    public var to: Discipline?
    /// The signal acknowledged.
    public var signal: String?
    /// Why it was acknowledged.
    public var reason: String?
    /// `discipline` for a note only the author's discipline may read (absent for the default, `team`).
    public var visibility: NoteVisibility?
    /// Revisions this change supersedes.
    public var supersedes: [String]?
    /// The team a client was registered in or moved to.
    public var teamId: String?
    /// The contact field set.
    public var field: ContactField?
    /// The contact value set (absent, with ``cleared``, when the field was cleared), or a vacancy's contact.
    public var value: String?
    /// `true` when a contact field was cleared.
    public var cleared: Bool?
}

/// One determinant with the current assessment of each discipline that assessed it, and the client's own view.
public struct DeterminantRow: Codable, Hashable, Sendable {
    /// The determinant.
    public var determinant: Determinant
    /// Wanting or being able.
    public var group: DeterminantGroup
    /// Latest assessment per discipline and core behaviour (an assessment that names none is one of its
    /// own), in discipline order, then behaviour order with the general one first; disciplines that never
    /// assessed it are absent.
    public var assessments: [CurrentAssessment]
    /// `true` when the disciplines' current scores differ by at least the configured number of points:
    /// information worth a conversation, not a conflict.
    public var disagreement: Bool
    /// The client's own latest view of the determinant (`selfAssessment.record`), one per core behaviour it
    /// was given for (a view that names none is one of its own, first); empty when never recorded.
    public var client: [ClientViewAssessment]
    /// `true` when a view of the client and a discipline's score of the same behaviour (or of none) differ by
    /// at least the disagreement points.
    public var clientDiffers: Bool
}

/// The client's own latest view of one determinant, as a professional wrote it down with them.
public struct ClientViewAssessment: Codable, Hashable, Sendable {
    /// The client's score.
    public var score: AssessmentScore
    /// The client's score before it, if any.
    public var previousScore: AssessmentScore?
    /// `up`, `down` or `same` compared with ``previousScore`` (both known); absent otherwise.
    public var trend: String?
    /// Core behaviour it is about.
    public var behaviour: CoreBehaviour?
    /// The client's own words for it, if written down.
    public var explanation: String?
    /// When it was recorded.
    public var at: String
    /// The professional who recorded it with the client.
    public var recordedBy: JourneyActor
    /// Its change id.
    public var changeId: String

    /// The professionals' known score furthest from the client's view, compared like with like: a view about a
    /// core behaviour against scores of that behaviour or of none, a view about none against every score.
    public static func furthest(from view: ClientViewAssessment, among scores: [CurrentAssessment]) -> CurrentAssessment? {
        guard let own = view.score.known else { return nil }
        return scores.filter { score in
            score.score.known != nil && (view.behaviour == nil || score.behaviour == nil || score.behaviour == view.behaviour)
        }.max { abs($0.score.known! - own) < abs($1.score.known! - own) }
    }
}

/// A hand-over from one discipline to another, with its answer.
public struct ReferralView: Codable, Hashable, Sendable {
    /// Referral id.
    public var id: String
    /// The referring discipline.
    public var from: Discipline?
    /// The discipline referred to.
    public var to: Discipline
    /// Why.
    public var reason: String
    /// Who referred.
    public var by: JourneyActor
    /// When.
    public var createdAt: String
    /// `open`, `accepted` or `declined` (the answer shown as current).
    public var status: ReferralStatus
    /// Who answered (absent while open).
    public var answeredBy: JourneyActor?
    /// When (absent while open).
    public var answeredAt: String?
    /// The answer's reason, if given.
    public var answerReason: String?
    /// `true` when concurrent answers left several current ones; the others are in ``otherAnswers``.
    public var conflicted: Bool
    /// When conflicted: the other current answers, in display order.
    public var otherAnswers: [ReferralAnswerView]
}

/// An answer to a referral that concurrent answers left beside the one shown as current.
public struct ReferralAnswerView: Codable, Hashable, Sendable {
    /// The change that wrote it.
    public var changeId: String
    /// When.
    public var at: String
    /// Who.
    public var by: JourneyActor
    /// `accepted` or `declined`.
    public var status: ReferralStatus
    /// Why, if given.
    public var reason: String?
}

/// The latest assessment of one determinant by one discipline.
public struct CurrentAssessment: Codable, Hashable, Sendable {
    /// The discipline.
    public var discipline: Discipline
    /// The latest score.
    public var score: AssessmentScore
    /// The score before it by the same discipline, if any.
    public var previousScore: AssessmentScore?
    /// `up`, `down` or `same` compared with ``previousScore`` (both known); absent otherwise.
    public var trend: String?
    /// Core behaviour of the latest assessment.
    public var behaviour: CoreBehaviour?
    /// Why the latest score, as its author explained it (absent when not said).
    public var explanation: String?
    /// When the latest assessment was made.
    public var at: String
    /// Who made it.
    public var by: JourneyActor
    /// Its change id.
    public var changeId: String
}

/// A case note with every revision.
public struct NoteView: Codable, Hashable, Sendable {
    /// Note id.
    public var id: String
    /// The author (the only professional who may revise it).
    public var by: JourneyActor
    /// `team`, or `discipline` when only the author's discipline may read it.
    public var visibility: NoteVisibility
    /// When it was first written.
    public var createdAt: String
    /// The current revision (see ``RevisionMerge``).
    public var current: NoteRevisionView
    /// `true` when concurrent edits left several current revisions; all are in ``revisions``.
    public var conflicted: Bool
    /// Every revision, in display order.
    public var revisions: [NoteRevisionView]
}

/// One revision of a note.
public struct NoteRevisionView: Codable, Hashable, Sendable {
    /// The change id of the revision.
    public var changeId: String
    /// When it was written.
    public var at: String
    /// The text.
    public var text: String
    /// Core behaviour.
    public var behaviour: CoreBehaviour?
    /// Determinants.
    public var determinants: [Determinant]
    /// The revisions it replaced.
    public var supersedes: [String]
    /// Whether no other revision replaced it.
    public var isHead: Bool
}

/// An intervention with its current state.
public struct InterventionView: Codable, Hashable, Sendable {
    /// Intervention id.
    public var id: String
    /// Kind code.
    public var kind: String
    /// Catalogue label, when the kind is in the catalogue.
    public var label: String?
    /// Valence.
    public var valence: Valence
    /// Core behaviour.
    public var behaviour: CoreBehaviour?
    /// The discipline that owns it (the starter's).
    public var discipline: Discipline?
    /// Who started it.
    public var by: JourneyActor
    /// When it was started.
    public var startedAt: String
    /// Current status.
    public var status: InterventionStatus
    /// Current targets.
    public var targets: [Determinant]
    /// When the current state was written.
    public var updatedAt: String
    /// `true` when concurrent updates left several current states.
    public var conflicted: Bool
    /// Change ids of every revision, in display order.
    public var revisions: [String]
    /// When conflicted: the other current states, in display order (nothing anyone wrote is hidden).
    public var otherVersions: [InterventionVersion]
}

/// A state of an intervention that concurrent updates left beside the one shown as current.
public struct InterventionVersion: Codable, Hashable, Sendable {
    /// The change that wrote it.
    public var changeId: String
    /// When.
    public var at: String
    /// Who.
    public var by: JourneyActor
    /// Status.
    public var status: InterventionStatus
    /// Targets.
    public var targets: [Determinant]
}

/// A vacancy the client is mediated to, with its current state.
public struct VacancyView: Codable, Hashable, Sendable {
    /// Vacancy id.
    public var id: String
    /// The employer.
    public var employer: String
    /// The job.
    public var title: String
    /// Where the mediation stands.
    public var status: VacancyStatus
    /// The employer's contact, if recorded.
    public var contact: String?
    /// Who recorded it.
    public var by: JourneyActor
    /// When it was recorded.
    public var createdAt: String
    /// Who wrote the current state.
    public var updatedBy: JourneyActor
    /// When the current state was written.
    public var updatedAt: String
    /// `true` when concurrent updates left several current states.
    public var conflicted: Bool
    /// When conflicted: the other current states, in display order (nothing anyone wrote is hidden).
    public var otherVersions: [VacancyVersion]
}

/// A state of a vacancy that concurrent updates left beside the one shown as current.
public struct VacancyVersion: Codable, Hashable, Sendable {
    /// The change that wrote it.
    public var changeId: String
    /// When.
    public var at: String
    /// Who.
    public var by: JourneyActor
    /// The employer.
    public var employer: String
    /// The job.
    public var title: String
    /// Status.
    public var status: VacancyStatus
    /// The employer's contact.
    public var contact: String?
}
