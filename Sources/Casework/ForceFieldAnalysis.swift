import ChangeLog

/// Computes the force field of a journey and the signals that flag a likely paralysing combination, or a
/// conversation the team should have.
///
/// A pure function of the journey (itself a pure function of the change set) and the settings. Only
/// *active* interventions are forces. A determinant *scores low* when the lowest current known score of
/// any discipline is at most ``ForceFieldSettings/lowScore`` (unknown scores do not count): for a warning,
/// the most worried discipline is heard. For an intervention that serves a core behaviour, a discipline's
/// current score is its latest assessment *of that behaviour or of none* when it has assessed the
/// determinant for that behaviour, and its latest assessment otherwise: self-efficacy about job search is
/// not self-efficacy about compliance, once someone has told them apart. The client's own views are shown
/// beside the professionals' and compared with them (rule 8), but do not make a determinant score low.
/// Time-based rules measure against ``ForceFieldView/asOf``: the later of the latest change about the client and
/// the moment the journey is read (`readAt`, which views give as the start of the day), never against a
/// clock of their own, so every replica holding the same changes computes the same signals that day.
///
/// The rules, their sources in the article and their thresholds: Protocol/FORCE-FIELD.md.
public enum ForceFieldAnalysis {
    /// The force field of `journey`, with acknowledgements by signal key.
    ///
    /// - Parameter readAt: When the journey is read (Unix ms); time-based rules measure against the later of
    ///   this and the latest change. `nil`: the latest change only.
    public static func analyse(
        _ journey: ClientJourney, acknowledgements: [String: [SignalAcknowledgementView]], settings: ForceFieldSettings,
        readAt: Int64? = nil
    ) -> ForceFieldView {
        let facts = RuleFacts(journey: journey, settings: settings, readAt: readAt)
        var signals = facts.evaluate()
        for index in signals.indices {
            signals[index].acknowledgements = acknowledgements[signals[index].key] ?? []
            let text = SignalText.describe(signals[index], in: .en)
            signals[index].reason = text.reason
            signals[index].suggestion = text.suggestion
        }
        signals.sort {
            ($0.severity == .high ? 0 : 1, SignalRule.allCases.firstIndex(of: $0.rule)!, $0.key)
                < ($1.severity == .high ? 0 : 1, SignalRule.allCases.firstIndex(of: $1.rule)!, $1.key)
        }
        let active = facts.active
        return ForceFieldView(
            asOf: facts.asOfMillis.map(CalendarTime.iso8601(millis:)), settings: settings, active: active,
            determinants: Determinant.allCases.map { determinant in
                DeterminantForces(
                    determinant: determinant, group: determinant.group, lowestScore: facts.lowest(determinant),
                    forces: active.filter { $0.targets.contains(determinant) })
            },
            behaviours: CoreBehaviour.allCases.map { behaviour in
                BehaviourForces(behaviour: behaviour, forces: active.filter { $0.behaviour == behaviour })
            },
            signals: signals)
    }
}

/// The facts the rules look at: the active forces, the current scores, the plan and the referrals.
private struct RuleFacts {
    let journey: ClientJourney
    let settings: ForceFieldSettings
    let asOfMillis: Int64?
    private(set) var active: [ForceView] = []
    /// The active interventions that work on the client's determinants: all but placements
    /// (``ForceFieldSettings/placementKinds``), which rule 6 weighs on their own — a vacancy trains, eases or
    /// supports nothing.
    private(set) var working: [ForceView] = []

    init(journey: ClientJourney, settings: ForceFieldSettings, readAt: Int64?) {
        self.journey = journey
        self.settings = settings
        self.asOfMillis = [journey.timeline.last.map(\.hlc.wallMillis), readAt].compactMap { $0 }.max()
        active = journey.interventions.filter { $0.status == .active }.map { intervention in
            ForceView(
                interventionId: intervention.id, kind: intervention.kind, valence: intervention.valence,
                direction: intervention.valence.direction, effect: nil, discipline: intervention.discipline,
                behaviour: intervention.behaviour, targets: intervention.targets, since: intervention.startedAt)
        }
        working = active.filter { !settings.placementKinds.contains($0.kind) }
        for index in active.indices where active[index].direction == .pressures {
            active[index].effect = effect(of: active[index])
        }
    }

    // MARK: Scores

    /// Each discipline's current assessment of `determinant` for `behaviour` (see ``ForceFieldAnalysis``).
    func current(_ determinant: Determinant, for behaviour: CoreBehaviour?) -> [CurrentAssessment] {
        let all = journey.determinants.first { $0.determinant == determinant }?.assessments ?? []
        return Discipline.allCases.compactMap { discipline in
            let own = all.filter { $0.discipline == discipline }
            let named = behaviour.map { behaviour in own.contains { $0.behaviour == behaviour } } ?? false
            let eligible = named ? own.filter { $0.behaviour == nil || $0.behaviour == behaviour } : own
            return eligible.max { ($0.at, $0.changeId) < ($1.at, $1.changeId) }
        }
    }

    /// The lowest current known score of `determinant` for `behaviour`, if any discipline knows one; with
    /// `recentOnly`, of the scores no older than the staleness limit.
    func lowest(_ determinant: Determinant, for behaviour: CoreBehaviour? = nil, recentOnly: Bool = false) -> Int? {
        current(determinant, for: behaviour).filter { !recentOnly || isCurrent($0.at) }.compactMap(\.score.known).min()
    }

    func low(_ determinants: [Determinant], for behaviour: CoreBehaviour? = nil, recentOnly: Bool = false) -> [LowScore] {
        determinants.compactMap { determinant in
            guard let score = lowest(determinant, for: behaviour, recentOnly: recentOnly), score <= settings.lowScore
            else { return nil }
            return LowScore(determinant: determinant, score: score)
        }
    }

    /// Whole calendar days (UTC) from `start` to the field's `asOf`: what "older than N days" counts, so a
    /// signal does not move within a day.
    func days(since start: Int64) -> Int64 {
        guard let asOfMillis else { return 0 }
        return (CalendarTime.startOfDay(millis: asOfMillis) - CalendarTime.startOfDay(millis: start)) / 86_400_000
    }

    /// Whether an assessment made at `at` (ISO 8601) is current: no older than the staleness limit.
    func isCurrent(_ at: String) -> Bool {
        CalendarTime.millis(fromISO8601: at).map { days(since: $0) <= Int64(settings.staleAssessmentDays) } ?? false
    }

    /// Whether `determinant` has a current known score for `behaviour` no older than the staleness limit.
    func isAssessed(_ determinant: Determinant, for behaviour: CoreBehaviour?) -> Bool {
        current(determinant, for: behaviour).contains { $0.score.known != nil && isCurrent($0.at) }
    }

    /// Whether an active intervention — a placement excepted — has the valence and works on one of the targets.
    func has(_ valence: Valence? = nil, on targets: Set<Determinant>? = nil) -> Bool {
        working.contains { force in
            (valence.map { force.valence == $0 } ?? true)
                && (targets.map { !$0.isDisjoint(with: force.targets) } ?? true)
        }
    }

    /// The parts of the article's combination that are missing: support on self-efficacy, facilitation on
    /// context or practical barriers. A placement is not facilitation: a vacancy does not ease a stressful
    /// situation or remove a barrier (the article's account manager removes barriers *so that* the client
    /// can apply).
    var missingCombination: [MissingForce] {
        (has(.supportive, on: [.selfEfficacy]) ? [] : [.supportOnSelfEfficacy])
            + (has(.facilitating, on: [.context, .practicalBarriers]) ? [] : [.facilitationOnContextOrBarriers])
    }

    /// The strengthening forces among ``working``.
    var support: [ForceView] { working.filter { $0.direction == .strengthens } }

    /// Self-efficacy and context or barriers low for `behaviour`, on current scores: the client the article
    /// says freezes. Scores older than rule 4 allows say nothing here; rule 4 asks for new ones.
    func paralysable(for behaviour: CoreBehaviour?) -> [LowScore]? {
        let selfEfficacy = low([.selfEfficacy], for: behaviour, recentOnly: true)
        let stuck = low([.context, .practicalBarriers], for: behaviour, recentOnly: true)
        return selfEfficacy.isEmpty || stuck.isEmpty ? nil : selfEfficacy + stuck
    }

    /// Unclear without current scores (rule 4's), paralysing on a client the article says freezes unless the
    /// combination is there, stimulating otherwise.
    func effect(of pressure: ForceView) -> PressureEffect {
        let behaviour = pressure.behaviour
        guard isAssessed(.selfEfficacy, for: behaviour),
            isAssessed(.context, for: behaviour) || isAssessed(.practicalBarriers, for: behaviour)
        else { return .unclear }
        if paralysable(for: behaviour) != nil {
            return missingCombination.isEmpty ? .stimulates : .paralyses
        }
        return .stimulates
    }

    func signal(_ rule: SignalRule, _ severity: SignalSeverity, trigger: [ForceView], low: [LowScore] = [],
                missing: [MissingForce], keyedBy entity: String?) -> ForceFieldSignal {
        ForceFieldSignal(
            key: ForceFieldSignal.key(rule, interventionId: entity), rule: rule, severity: severity,
            interventions: trigger.map(\.interventionId), kinds: trigger.map(\.kind), lowScores: low,
            disciplines: Array(Set(trigger.compactMap(\.discipline))).sorted(), missing: missing, reason: "",
            suggestion: "", acknowledgements: [], staleDays: settings.staleAssessmentDays)
    }

    // MARK: Rules

    func evaluate() -> [ForceFieldSignal] {
        correctiveWithoutSupport() + correctiveWithoutSkills() + pressureFromSeveralDisciplines()
            + correctiveWithoutRecentAssessment() + onlyWantingWhileAbleLow() + placementWithoutCoaching()
            + notKeptMetWithPressureOnly() + clientViewDiffers() + referralOpen()
    }

    var correctives: [ForceView] { active.filter { $0.valence == .corrective } }

    /// 1. Corrective pressure on someone who doubts they can and is stuck, without the full combination.
    func correctiveWithoutSupport() -> [ForceFieldSignal] {
        let missing = missingCombination
        guard !missing.isEmpty else { return [] }
        return correctives.compactMap { corrective in
            paralysable(for: corrective.behaviour).map { low in
                signal(.correctiveWithoutSupport, missing.count == 2 ? .high : .medium, trigger: [corrective],
                       low: low, missing: missing, keyedBy: corrective.interventionId)
            }
        }
    }

    /// 2. Corrective pressure while the skills or self-regulation the behaviour needs are lacking.
    func correctiveWithoutSkills() -> [ForceFieldSignal] {
        correctives.compactMap { corrective in
            let unaddressed = low([.skills, .selfRegulation], for: corrective.behaviour)
                .filter { !has(on: [$0.determinant]) }
            guard !unaddressed.isEmpty else { return nil }
            return signal(
                .correctiveWithoutSkills, .medium, trigger: [corrective], low: unaddressed,
                missing: unaddressed.map { $0.determinant == .skills ? .workOnSkills : .workOnSelfRegulation },
                keyedBy: corrective.interventionId)
        }
    }

    /// 3. Pressure from several disciplines at the same time, and nothing that strengthens.
    func pressureFromSeveralDisciplines() -> [ForceFieldSignal] {
        let pressures = active.filter { $0.direction == .pressures }
            .sorted { ($0.since, $0.interventionId) < ($1.since, $1.interventionId) }
        let disciplines = Set(pressures.compactMap(\.discipline))
        guard disciplines.count >= 2, support.isEmpty else { return [] }
        return [signal(
            .pressureFromSeveralDisciplines, disciplines.count >= 3 ? .high : .medium, trigger: pressures,
            missing: [.anySupport], keyedBy: pressures[0].interventionId)]
    }

    /// 4. Correction without knowing whether it will stimulate or paralyse.
    func correctiveWithoutRecentAssessment() -> [ForceFieldSignal] {
        correctives.compactMap { corrective in
            let behaviour = corrective.behaviour
            let selfEfficacy: [Determinant] = isAssessed(.selfEfficacy, for: behaviour) ? [] : [.selfEfficacy]
            let stuck: [Determinant] = isAssessed(.context, for: behaviour) || isAssessed(.practicalBarriers, for: behaviour)
                ? [] : [.context, .practicalBarriers]
            guard !(selfEfficacy + stuck).isEmpty else { return nil }
            var fired = signal(
                .correctiveWithoutRecentAssessment, .medium, trigger: [corrective], missing: [.recentAssessment],
                keyedBy: corrective.interventionId)
            fired.unassessed = selfEfficacy + stuck
            return fired
        }
    }

    /// 5. Support works only on wanting, while being able is low. Pressure is left to rules 1–3, which
    /// already weigh it against what the client can do.
    func onlyWantingWhileAbleLow() -> [ForceFieldSignal] {
        let able = low(Determinant.allCases.filter { $0.group == .beingAble })
        let support = self.support
        guard !support.isEmpty, !able.isEmpty, support.allSatisfy({ $0.targets.allSatisfy { $0.group == .wanting } })
        else { return [] }
        return [signal(.onlyWantingWhileAbleLow, .medium, trigger: support, low: able, missing: [.workOnBeingAble],
                       keyedBy: nil)]
    }

    /// 6. A placement that may not last.
    func placementWithoutCoaching() -> [ForceFieldSignal] {
        let coached = active.contains { force in
            settings.coachingKinds.contains(force.kind)
                || (force.valence == .supportive && !Set(force.targets).isDisjoint(with: [.selfEfficacy, .selfRegulation]))
        }
        guard !coached else { return [] }
        let placements = active.filter { settings.placementKinds.contains($0.kind) }.compactMap { placement -> ForceFieldSignal? in
            let fragile = low([.selfEfficacy, .selfRegulation], for: placement.behaviour)
            guard !fragile.isEmpty else { return nil }
            return signal(.placementWithoutCoaching, .medium, trigger: [placement], low: fragile,
                          missing: [.coachingOrAftercare], keyedBy: placement.interventionId)
        }
        // A vacancy the client applied to, is interviewed for or got is a placement in the making.
        let fragile = low([.selfEfficacy, .selfRegulation], for: .employerConnection)
        guard !fragile.isEmpty else { return placements }
        return placements + journey.vacancies.filter(\.status.isPlacement).map { vacancy in
            var fired = signal(.placementWithoutCoaching, .medium, trigger: [], low: fragile,
                               missing: [.coachingOrAftercare], keyedBy: vacancy.id)
            fired.vacancies = [vacancy.id]
            return fired
        }
    }

    /// 7. An agreement the client did not keep, answered with pressure only.
    func notKeptMetWithPressureOnly() -> [ForceFieldSignal] {
        let pressures = active.filter { $0.direction == .pressures }
        guard !pressures.isEmpty, !has(on: [.attitude, .selfRegulation]) else { return [] }
        return journey.plan.agreements.filter { $0.responsible == Responsible.client.code && $0.status == .notKept }
            .map { agreement in
                var fired = signal(.notKeptMetWithPressureOnly, .medium, trigger: pressures,
                                   missing: [.workOnAttitudeOrSelfRegulation], keyedBy: agreement.id)
                fired.agreements = [agreement.id]
                return fired
            }
    }

    /// 8. The client sees a determinant differently from the professionals (like with like: a view about one
    /// core behaviour against the professionals' scores of that behaviour or of none).
    func clientViewDiffers() -> [ForceFieldSignal] {
        journey.determinants.flatMap { row in
            row.client.compactMap { client -> ForceFieldSignal? in
                guard let own = client.score.known,
                    let furthest = ClientViewAssessment.furthest(from: client, among: row.assessments),
                    let theirs = furthest.score.known, abs(theirs - own) >= settings.disagreementPoints
                else { return nil }
                var fired = signal(.clientViewDiffers, .medium, trigger: [], missing: [.conversationWithClient],
                                   keyedBy: client.changeId)
                fired.clientView = ViewDifference(
                    determinant: row.determinant, clientScore: own, professionalScore: theirs, discipline: furthest.discipline)
                return fired
            }
        }
    }

    /// 9. A hand-over that nobody has taken up.
    func referralOpen() -> [ForceFieldSignal] {
        guard asOfMillis != nil else { return [] }
        return journey.referrals.filter { $0.status == .open }.compactMap { referral in
            guard let created = CalendarTime.millis(fromISO8601: referral.createdAt) else { return nil }
            let days = Int(self.days(since: created))
            guard days >= settings.referralOpenDays else { return nil }
            var fired = signal(.referralOpen, .medium, trigger: [], missing: [.answerToReferral], keyedBy: referral.id)
            fired.disciplines = [referral.to]
            fired.referral = referral.id
            fired.openDays = days
            return fired
        }
    }
}
