/// Thresholds and windows of the force-field signals: configuration, not constants in the code.
///
/// Every member has a default; a JSON file may set any subset, e.g. `{"lowScore": 1, "pressureWindowDays": 14}`.
public struct ForceFieldSettings: Codable, Hashable, Sendable {
    /// A determinant scores low when its lowest current score (over the disciplines) is at most this.
    public var lowScore: Int
    /// Pressure from several disciplines counts when their interventions started at most this many days apart.
    public var pressureWindowDays: Int
    /// An assessment older than this many days does not count as current for a corrective intervention.
    public var staleAssessmentDays: Int
    /// Disciplines disagree on a determinant when their current scores differ by at least this many points.
    public var disagreementPoints: Int
    /// Intervention kinds that place the client in a job.
    public var placementKinds: [String]
    /// Intervention kinds that coach or give aftercare.
    public var coachingKinds: [String]

    /// The defaults.
    public init(
        lowScore: Int = 2, pressureWindowDays: Int = 30, staleAssessmentDays: Int = 90, disagreementPoints: Int = 2,
        placementKinds: [String] = ["vacancyMatch"],
        coachingKinds: [String] = ["jobCoaching", "selfEfficacyCoaching", "selfRegulationCoaching"]
    ) {
        self.lowScore = lowScore
        self.pressureWindowDays = pressureWindowDays
        self.staleAssessmentDays = staleAssessmentDays
        self.disagreementPoints = disagreementPoints
        self.placementKinds = placementKinds
        self.coachingKinds = coachingKinds
    }

    /// The default settings.
    public static let standard = ForceFieldSettings()

    private enum CodingKeys: String, CodingKey {
        case lowScore, pressureWindowDays, staleAssessmentDays, disagreementPoints, placementKinds, coachingKinds
    }

    /// Decodes settings; absent members keep their defaults.
    public init(from decoder: any Decoder) throws {
        // A misspelt key would otherwise silently leave its default in place.
        let unknown = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
            .filter { CodingKeys(stringValue: $0) == nil }.sorted()
        guard unknown.isEmpty else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [], debugDescription: "unknown setting(s) \(unknown.joined(separator: ", ")); known: "
                    + "lowScore, pressureWindowDays, staleAssessmentDays, disagreementPoints, placementKinds, coachingKinds"))
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let standard = ForceFieldSettings()
        lowScore = try container.decodeIfPresent(Int.self, forKey: .lowScore) ?? standard.lowScore
        pressureWindowDays = try container.decodeIfPresent(Int.self, forKey: .pressureWindowDays) ?? standard.pressureWindowDays
        staleAssessmentDays =
            try container.decodeIfPresent(Int.self, forKey: .staleAssessmentDays) ?? standard.staleAssessmentDays
        disagreementPoints =
            try container.decodeIfPresent(Int.self, forKey: .disagreementPoints) ?? standard.disagreementPoints
        placementKinds = try container.decodeIfPresent([String].self, forKey: .placementKinds) ?? standard.placementKinds
        coachingKinds = try container.decodeIfPresent([String].self, forKey: .coachingKinds) ?? standard.coachingKinds
        guard (1...5).contains(lowScore), pressureWindowDays >= 0, staleAssessmentDays >= 0,
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

/// The rules that flag a likely paralysing combination of interventions.
public enum SignalRule: String, Codable, Hashable, Sendable, CaseIterable {
    /// 1. A corrective intervention while self-efficacy and context or practical barriers score low, without
    ///    support on self-efficacy or facilitation on context and barriers (the article's Jaap example).
    case correctiveWithoutSupport
    /// 2. A corrective intervention on job search while skills or self-regulation score low, with nothing on them.
    case correctiveOnJobSearchWithoutSkills
    /// 3. Normative or corrective pressure from two or more disciplines within the window, and no support.
    case pressureFromSeveralDisciplines
    /// 4. A corrective intervention without any assessment, or with only stale ones.
    case correctiveWithoutRecentAssessment
    /// 5. Only skills interventions while a wanting determinant scores low.
    case onlySkillsWhileWantingLow
    /// 6. A placement while self-efficacy or self-regulation scores low, without coaching or aftercare.
    case placementWithoutCoaching
}

/// A signal: a rule that fires on the current force field, with what made it fire and what is missing.
public struct ForceFieldSignal: Codable, Hashable, Sendable {
    /// Stable key of this signal instance: `rule:interventionId` (or `rule` for client-wide rules).
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
    /// The disciplines whose interventions are involved.
    public var disciplines: [Discipline]
    /// The supportive forces that are missing (see ``MissingForce``).
    public var missing: [MissingForce]
    /// Why it fires, in plain English.
    public var reason: String
    /// The missing supportive force it suggests, in plain English.
    public var suggestion: String
    /// Acknowledgements by professionals, in order; a signal never blocks anything.
    public var acknowledgements: [SignalAcknowledgementView]
    /// The pressure window of the settings used (rule 3's text).
    public var windowDays: Int
    /// The staleness limit of the settings used (rule 4's text).
    public var staleDays: Int

    /// The key of a signal of `rule`: `rule:interventionId`, or `rule` for a client-wide rule.
    public static func key(_ rule: SignalRule, interventionId: String?) -> String {
        interventionId.map { "\(rule.rawValue):\($0)" } ?? rule.rawValue
    }

    /// The rule and the intervention a key written by ``key(_:interventionId:)`` names (`nil` for parts it
    /// does not hold, or a rule this version does not know).
    public static func parts(ofKey key: String) -> (rule: SignalRule?, interventionId: String?) {
        let parts = key.split(separator: ":", maxSplits: 1)
        return (parts.first.flatMap { SignalRule(rawValue: String($0)) }, parts.count == 2 ? String(parts[1]) : nil)
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

/// A supportive force a signal misses.
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
    /// An intervention on the wanting determinants.
    case workOnWanting
    /// Coaching or aftercare.
    case coachingOrAftercare
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
