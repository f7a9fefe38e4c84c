/// Thresholds and windows of the force-field signals: configuration, not constants in the code.
///
/// Every member has a default; a JSON file may set any subset, e.g. `{"lowScore": 1, "referralOpenDays": 7}`.
/// Protocol/FORCE-FIELD.md traces each one to the article it rests on, or says it is the team's own choice.
public struct ForceFieldSettings: Codable, Hashable, Sendable {
    /// A determinant scores low when its lowest current score (over the disciplines) is at most this.
    public var lowScore: Int
    /// An assessment older than this many days does not count as current for a corrective intervention.
    public var staleAssessmentDays: Int
    /// Disciplines disagree on a determinant — and the client's own view differs from theirs — when scores
    /// differ by at least this many points.
    public var disagreementPoints: Int
    /// An open referral older than this many days is a signal: the hand-over is waiting.
    public var referralOpenDays: Int
    /// Intervention kinds that place the client in a job.
    public var placementKinds: [String]
    /// Intervention kinds that coach or give aftercare.
    public var coachingKinds: [String]

    /// The defaults.
    public init(
        lowScore: Int = 2, staleAssessmentDays: Int = 90, disagreementPoints: Int = 2, referralOpenDays: Int = 14,
        placementKinds: [String] = ["vacancyMatch"],
        coachingKinds: [String] = ["jobCoaching", "selfEfficacyCoaching", "selfRegulationCoaching"]
    ) {
        self.lowScore = lowScore
        self.staleAssessmentDays = staleAssessmentDays
        self.disagreementPoints = disagreementPoints
        self.referralOpenDays = referralOpenDays
        self.placementKinds = placementKinds
        self.coachingKinds = coachingKinds
    }

    /// The default settings.
    public static let standard = ForceFieldSettings()

    private enum CodingKeys: String, CodingKey {
        case lowScore, staleAssessmentDays, disagreementPoints, referralOpenDays, placementKinds, coachingKinds
    }

    /// Settings an earlier version knew and this one ignores: a file that still sets them keeps working.
    /// `pressureWindowDays` went in 2026.12, when rule 3 began to count interventions active at the same
    /// time instead of interventions started close together.
    public static let retiredKeys: Set<String> = ["pressureWindowDays"]

    /// Decodes settings; absent members keep their defaults.
    public init(from decoder: any Decoder) throws {
        // A misspelt key would otherwise silently leave its default in place.
        let unknown = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
            .filter { CodingKeys(stringValue: $0) == nil && !Self.retiredKeys.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [], debugDescription: "unknown setting(s) \(unknown.joined(separator: ", ")); known: "
                    + "lowScore, staleAssessmentDays, disagreementPoints, referralOpenDays, placementKinds, coachingKinds"))
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let standard = ForceFieldSettings()
        lowScore = try container.decodeIfPresent(Int.self, forKey: .lowScore) ?? standard.lowScore
        staleAssessmentDays =
            try container.decodeIfPresent(Int.self, forKey: .staleAssessmentDays) ?? standard.staleAssessmentDays
        disagreementPoints =
            try container.decodeIfPresent(Int.self, forKey: .disagreementPoints) ?? standard.disagreementPoints
        referralOpenDays = try container.decodeIfPresent(Int.self, forKey: .referralOpenDays) ?? standard.referralOpenDays
        placementKinds = try container.decodeIfPresent([String].self, forKey: .placementKinds) ?? standard.placementKinds
        coachingKinds = try container.decodeIfPresent([String].self, forKey: .coachingKinds) ?? standard.coachingKinds
        guard (1...5).contains(lowScore), staleAssessmentDays >= 0, referralOpenDays >= 0,
            (1...4).contains(disagreementPoints)
        else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "lowScore 1–5, disagreementPoints 1–4, day counts not negative"))
        }
    }
}

/// Any key of a JSON object, to find the ones a type does not know.
private struct AnyKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Whether an intervention strengthens the client or puts pressure on them.
public enum ForceDirection: String, Codable, Hashable, Sendable {
    /// Supportive and facilitating interventions.
    case strengthens
    /// Normative and corrective interventions.
    case pressures
}

extension Valence {
    /// Supportive and facilitating interventions strengthen; normative and corrective ones pressure.
    public var direction: ForceDirection {
        switch self {
        case .supportive, .facilitating: .strengthens
        case .normative, .corrective: .pressures
        }
    }
}

/// What pressure does to the client, by the article: a sanction "can be an effective strategy, provided it
/// is used the right way"; on its own, for a client with very low self-efficacy and a very stressful
/// context, it makes them freeze (Protocol/FORCE-FIELD.md).
public enum PressureEffect: String, Codable, Hashable, Sendable {
    /// The combination is there (support on self-efficacy and facilitation on context or practical
    /// barriers), or neither self-efficacy nor context and barriers score low: pressure can stimulate.
    case stimulates
    /// Self-efficacy and context or practical barriers score low, and the combination is not complete.
    case paralyses
    /// No current known score of self-efficacy, or of both context and practical barriers: nobody can tell.
    case unclear
}

/// One active intervention as a force in the field.
public struct ForceView: Codable, Hashable, Sendable {
    /// The intervention.
    public var interventionId: String
    /// Its kind.
    public var kind: String
    /// Valence.
    public var valence: Valence
    /// Strengthens or pressures.
    public var direction: ForceDirection
    /// For pressure (normative or corrective): whether it stimulates or paralyses the client, given the
    /// combination around it (see ``PressureEffect``); absent for strengthening forces.
    public var effect: PressureEffect?
    /// The owning discipline.
    public var discipline: Discipline?
    /// The core behaviour it serves.
    public var behaviour: CoreBehaviour?
    /// Its targets.
    public var targets: [Determinant]
    /// When it started.
    public var since: String
}

/// The forces on one determinant.
public struct DeterminantForces: Codable, Hashable, Sendable {
    /// The determinant.
    public var determinant: Determinant
    /// Wanting or being able.
    public var group: DeterminantGroup
    /// The lowest current score over the disciplines (unknown and absent scores do not count).
    public var lowestScore: Int?
    /// Active interventions targeting it, in start order.
    public var forces: [ForceView]
}

/// The forces on one core behaviour.
public struct BehaviourForces: Codable, Hashable, Sendable {
    /// The behaviour.
    public var behaviour: CoreBehaviour
    /// Active interventions serving it, in start order.
    public var forces: [ForceView]
}

/// How serious a signal is.
public enum SignalSeverity: String, Codable, Hashable, Sendable, Comparable {
    case medium, high

    /// `medium` before `high`.
    public static func < (lhs: SignalSeverity, rhs: SignalSeverity) -> Bool { lhs == .medium && rhs == .high }
}

/// The rules that flag a likely paralysing combination, or a conversation the team should have.
/// Protocol/FORCE-FIELD.md gives each rule's source in the article, its thresholds and its reason.
public enum SignalRule: String, Codable, Hashable, Sendable, CaseIterable {
    /// 1. A corrective intervention while self-efficacy and context or practical barriers score low, without
    ///    the full combination: support on self-efficacy *and* facilitation on context or barriers (the
    ///    article's Jaap example). High with neither, medium with one of the two.
    case correctiveWithoutSupport
    /// 2. A corrective intervention while skills or self-regulation score low, with nothing on them.
    case correctiveWithoutSkills
    /// 3. Normative or corrective pressure from two or more disciplines active at the same time, and no support.
    case pressureFromSeveralDisciplines
    /// 4. A corrective intervention without a current known score of the determinants that decide whether
    ///    pressure stimulates or paralyses (self-efficacy; context or practical barriers).
    case correctiveWithoutRecentAssessment
    /// 5. Every supportive or facilitating intervention works only on wanting while a being-able
    ///    determinant scores low (the article's "als je het wil, moet je het ook nog kunnen").
    case onlyWantingWhileAbleLow
    /// 6. A placement — an intervention of a placement kind, or a vacancy the client applied to, is
    ///    interviewed for or got — while self-efficacy or self-regulation scores low, without coaching or
    ///    aftercare.
    case placementWithoutCoaching
    /// 7. An agreement the client did not keep, met with pressure only: nothing works on attitude or
    ///    self-regulation, of which a broken agreement is evidence.
    case notKeptMetWithPressureOnly
    /// 8. The client's own view of a determinant differs from the professionals' by the disagreement points.
    case clientViewDiffers
    /// 9. A referral to another discipline still open after ``ForceFieldSettings/referralOpenDays``.
    case referralOpen

    /// Reads a rule's name, including names an earlier version gave it: `correctiveOnJobSearchWithoutSkills`
    /// is rule 2 (it was limited to job search until 2026.12). A retired rule (`onlySkillsWhileWantingLow`,
    /// which had no source in the article) reads as `nil`.
    public init?(named name: String) {
        if let rule = SignalRule(rawValue: name) {
            self = rule
        } else if name == "correctiveOnJobSearchWithoutSkills" {
            self = .correctiveWithoutSkills
        } else {
            return nil
        }
    }
}

/// A signal: a rule that fires on the current force field, with what made it fire and what is missing.
public struct ForceFieldSignal: Codable, Hashable, Sendable {
    /// Stable key of this signal instance: `rule:ENTITY_ID` — the intervention, agreement, referral or
    /// client self-assessment it is about — or `rule` for client-wide rules.
    public var key: String
    /// The rule.
    public var rule: SignalRule
    /// High or medium.
    public var severity: SignalSeverity
    /// The interventions that made it fire.
    public var interventions: [String]
    /// Their kinds, in the same order.
    public var kinds: [String]
    /// The low determinants involved, with their lowest current scores.
    public var lowScores: [LowScore]
    /// The disciplines whose interventions are involved (rule 9: the discipline referred to).
    public var disciplines: [Discipline]
    /// The forces or steps that are missing (see ``MissingForce``).
    public var missing: [MissingForce]
    /// Why it fires, in plain English.
    public var reason: String
    /// What it suggests, in plain English.
    public var suggestion: String
    /// Acknowledgements by professionals, in order; a signal never blocks anything.
    public var acknowledgements: [SignalAcknowledgementView]
    /// The staleness limit of the settings used (rule 4's text).
    public var staleDays: Int
    /// Rule 4: the determinants without a current known score.
    public var unassessed: [Determinant]?
    /// Rule 7: the agreements the client did not keep.
    public var agreements: [String]?
    /// Rule 6: the vacancy the client applied to, is interviewed for or got (a placement in the making).
    public var vacancies: [String]?
    /// Rule 8: the client's view and the professionals' score furthest from it.
    public var clientView: ViewDifference?
    /// Rule 9: the open referral, and the days it has been open (as of the field's `asOf`).
    public var referral: String?
    /// Rule 9: how many whole days the referral has been open.
    public var openDays: Int?

    /// The key of a signal of `rule`: `rule:entityId`, or `rule` for a client-wide rule.
    public static func key(_ rule: SignalRule, interventionId: String?) -> String {
        interventionId.map { "\(rule.rawValue):\($0)" } ?? rule.rawValue
    }

    /// The rule and the entity a key written by ``key(_:interventionId:)`` names (`nil` for parts it does not
    /// hold, or a rule this version does not know). A key an earlier version wrote names the rule it became.
    public static func parts(ofKey key: String) -> (rule: SignalRule?, interventionId: String?) {
        let parts = key.split(separator: ":", maxSplits: 1)
        return (parts.first.flatMap { SignalRule(named: String($0)) }, parts.count == 2 ? String(parts[1]) : nil)
    }

    /// The key as this version writes it: a key under an earlier name of a rule becomes the key of that rule,
    /// so an acknowledgement made before a rename still belongs to its signal.
    public static func currentKey(_ key: String) -> String {
        let (rule, entity) = parts(ofKey: key)
        guard let rule else { return key }
        return Self.key(rule, interventionId: entity)
    }
}

/// Where the client's own view of a determinant and the professionals' differ (rule 8).
public struct ViewDifference: Codable, Hashable, Sendable {
    /// The determinant.
    public var determinant: Determinant
    /// The client's own score.
    public var clientScore: Int
    /// The professionals' current score furthest from it.
    public var professionalScore: Int
    /// The discipline that gave that score.
    public var discipline: Discipline

    /// Creates a difference.
    public init(determinant: Determinant, clientScore: Int, professionalScore: Int, discipline: Discipline) {
        self.determinant = determinant
        self.clientScore = clientScore
        self.professionalScore = professionalScore
        self.discipline = discipline
    }
}

/// A determinant that scores low, and its lowest current score.
public struct LowScore: Codable, Hashable, Sendable {
    /// The determinant.
    public var determinant: Determinant
    /// The lowest current score.
    public var score: Int

    /// Creates a low score.
    public init(determinant: Determinant, score: Int) {
        self.determinant = determinant
        self.score = score
    }
}

/// A force, or a step, a signal misses.
public enum MissingForce: String, Codable, Hashable, Sendable {
    /// Supportive intervention on self-efficacy.
    case supportOnSelfEfficacy
    /// Facilitating intervention on context or practical barriers.
    case facilitationOnContextOrBarriers
    /// Any intervention on skills.
    case workOnSkills
    /// Any intervention on self-regulation.
    case workOnSelfRegulation
    /// Any supportive or facilitating intervention.
    case anySupport
    /// A current assessment of the determinants.
    case recentAssessment
    /// An intervention on a being-able determinant that scores low.
    case workOnBeingAble
    /// Coaching or aftercare.
    case coachingOrAftercare
    /// Work on attitude or self-regulation: find out why the agreement was not kept.
    case workOnAttitudeOrSelfRegulation
    /// A conversation with the client about the difference in view.
    case conversationWithClient
    /// An answer to the referral.
    case answerToReferral
}

/// An acknowledgement of a signal, as shown in the journey.
public struct SignalAcknowledgementView: Codable, Hashable, Sendable {
    /// Who acknowledged it.
    public var by: JourneyActor
    /// When.
    public var at: String
    /// Why.
    public var reason: String
    /// The change id.
    public var changeId: String
}

/// The force field now (as of the latest change about the client).
public struct ForceFieldView: Codable, Hashable, Sendable {
    /// The moment the field is evaluated: the time of the latest change about the client, so every replica
    /// holding the same changes computes the same field.
    public var asOf: String?
    /// The thresholds used.
    public var settings: ForceFieldSettings
    /// Every active intervention, in start order.
    public var active: [ForceView]
    /// Forces per determinant, in model order.
    public var determinants: [DeterminantForces]
    /// Forces per core behaviour.
    public var behaviours: [BehaviourForces]
    /// Signals, by severity (high first), then rule order, then key.
    public var signals: [ForceFieldSignal]
}
