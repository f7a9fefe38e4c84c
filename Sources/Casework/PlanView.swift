/// The client's shared plan (plan van aanpak).
public struct PlanView: Codable, Hashable, Sendable {
    /// The overarching goal every sub-goal serves; fixed: ``overarchingGoal``.
    public var goal: String
    /// Sub-goals, by creation order.
    public var subGoals: [SubGoalView]
    /// Agreements with the client, by creation order.
    public var agreements: [AgreementView]

    /// The overarching goal the article gives the three disciplines: "zoveel mogelijk mensen die zo snel en
    /// duurzaam mogelijk onafhankelijk van werk en inkomen optimaal participeren op de arbeidsmarkt en in de
    /// maatschappij" — labour *and* social participation (source article, lines 130–134).
    public static let overarchingGoal = "durableLabourAndSocialParticipation"
}

/// A sub-goal with its current state.
public struct SubGoalView: Codable, Hashable, Sendable {
    /// Sub-goal id.
    public var id: String
    /// Title.
    public var title: String
    /// Core behaviour.
    public var behaviour: CoreBehaviour
    /// Target determinants.
    public var targets: [Determinant]
    /// Owner: a discipline, or `client` for a goal the client set themselves.
    public var owner: Responsible
    /// Due date, `YYYY-MM-DD`.
    public var due: String?
    /// `open`, `achieved` or `dropped`.
    public var status: GoalStatus
    /// Who created it.
    public var by: JourneyActor
    /// When it was created.
    public var createdAt: String
    /// When the current state was written.
    public var updatedAt: String
    /// `true` when concurrent updates left several current states.
    public var conflicted: Bool
    /// When conflicted: the other current states, in display order (nothing anyone wrote is hidden).
    public var otherVersions: [SubGoalVersion]
}

/// A state of a sub-goal that concurrent updates left beside the one shown as current.
public struct SubGoalVersion: Codable, Hashable, Sendable {
    /// The change that wrote it.
    public var changeId: String
    /// When.
    public var at: String
    /// Who.
    public var by: JourneyActor
    /// Title.
    public var title: String
    /// Core behaviour.
    public var behaviour: CoreBehaviour
    /// Target determinants.
    public var targets: [Determinant]
    /// Owner: a discipline, or `client`.
    public var owner: Responsible
    /// Due date, `YYYY-MM-DD`.
    public var due: String?
    /// Status.
    public var status: GoalStatus
}

/// An agreement with its current state.
public struct AgreementView: Codable, Hashable, Sendable {
    /// Agreement id.
    public var id: String
    /// What was agreed.
    public var text: String
    /// `client` or a discipline.
    public var responsible: String
    /// Due date, `YYYY-MM-DD`.
    public var due: String?
    /// Core behaviour.
    public var behaviour: CoreBehaviour?
    /// `open`, `kept`, `notKept` or `lapsed`.
    public var status: AgreementStatus
    /// Who recorded it.
    public var by: JourneyActor
    /// When it was recorded.
    public var createdAt: String
    /// When the current state was written.
    public var updatedAt: String
    /// `true` when concurrent updates left several current states.
    public var conflicted: Bool
    /// When conflicted: the other current states, in display order (nothing anyone wrote is hidden).
    public var otherVersions: [AgreementVersion]
}

/// A state of an agreement that concurrent updates left beside the one shown as current.
public struct AgreementVersion: Codable, Hashable, Sendable {
    /// The change that wrote it.
    public var changeId: String
    /// When.
    public var at: String
    /// Who.
    public var by: JourneyActor
    /// What was agreed.
    public var text: String
    /// `client` or a discipline.
    public var responsible: String
    /// Due date, `YYYY-MM-DD`.
    public var due: String?
    /// Status.
    public var status: AgreementStatus
}
