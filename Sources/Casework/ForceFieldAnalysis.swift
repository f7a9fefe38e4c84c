import ChangeLog

/// Computes the force field of a journey and the signals that flag a likely paralysing combination.
///
/// A pure function of the journey (itself a pure function of the change set) and the settings. Only
/// *active* interventions are forces. A determinant *scores low* when the lowest current known score of
/// any discipline is at most ``ForceFieldSettings/lowScore`` (unknown scores do not count): for a warning,
/// the most worried discipline is heard. Time-based rules measure against ``ForceFieldView/asOf``, the time
/// of the latest change about the client, never against a clock, so every replica computes the same signals.
///
/// The rules (``SignalRule``), each firing once per triggering intervention:
/// 1. an active corrective intervention while self-efficacy scores low and context or practical barriers
///    score low, no active *supportive* intervention targets self-efficacy and no active *facilitating*
///    one targets context or barriers — high (either force alone clears it: the rule asks for neither);
/// 2. an active corrective intervention on job search while skills or self-regulation scores low and no
///    active intervention targets the low one(s) — medium;
/// 3. active normative or corrective interventions of two or more disciplines that started within
///    ``ForceFieldSettings/pressureWindowDays`` of each other, and no active supportive or facilitating
///    intervention — medium, high from three disciplines;
/// 4. an active corrective intervention and no assessment, or only assessments older than
///    ``ForceFieldSettings/staleAssessmentDays`` — medium;
/// 5. active interventions that all target only skills while attitude, self-efficacy or social pressure
///    scores low — medium;
/// 6. an active placement (``ForceFieldSettings/placementKinds``) while self-efficacy or self-regulation
///    scores low, and no active coaching or aftercare (a ``ForceFieldSettings/coachingKinds`` kind, or a
///    supportive intervention on self-efficacy or self-regulation) — medium.
public enum ForceFieldAnalysis {
    /// The force field of `journey`, with acknowledgements by signal key.
    public static func analyse(
        _ journey: ClientJourney, acknowledgements: [String: [SignalAcknowledgementView]], settings: ForceFieldSettings
    ) -> ForceFieldView {
        let active = journey.interventions.filter { $0.status == .active }.map(force)
        let lowest = Dictionary(uniqueKeysWithValues: journey.determinants.map { row in
            (row.determinant, row.assessments.compactMap { assessment -> Int? in
                if case .known(let score) = assessment.score { return score }
                return nil
            }.min())
        })
        let asOfMillis = journey.timeline.last.map(\.hlc.wallMillis)
        let latestAssessment = journey.determinants.flatMap(\.assessments)
            .compactMap { CalendarTime.millis(fromISO8601: $0.at) }.max()
        var context = RuleContext(active: active, lowest: lowest, settings: settings)
        context.asOfMillis = asOfMillis
        context.latestAssessmentMillis = latestAssessment
        var signals = context.evaluate()
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
        return ForceFieldView(
            asOf: asOfMillis.map(CalendarTime.iso8601(millis:)), settings: settings, active: active,
            determinants: Determinant.allCases.map { determinant in
                DeterminantForces(
                    determinant: determinant, group: determinant.group, lowestScore: lowest[determinant] ?? nil,
                    forces: active.filter { $0.targets.contains(determinant) })
            },
            behaviours: CoreBehaviour.allCases.map { behaviour in
                BehaviourForces(behaviour: behaviour, forces: active.filter { $0.behaviour == behaviour })
            },
            signals: signals)
    }

    private static func force(_ intervention: InterventionView) -> ForceView {
        ForceView(
            interventionId: intervention.id, kind: intervention.kind, valence: intervention.valence,
            direction: intervention.valence.direction, discipline: intervention.discipline,
            behaviour: intervention.behaviour, targets: intervention.targets, since: intervention.startedAt)
    }
}

/// The facts the rules look at, and the rules themselves.
private struct RuleContext {
    let active: [ForceView]
    let lowest: [Determinant: Int?]
    let settings: ForceFieldSettings
    var asOfMillis: Int64?
    var latestAssessmentMillis: Int64?

    init(active: [ForceView], lowest: [Determinant: Int?], settings: ForceFieldSettings) {
        self.active = active
        self.lowest = lowest
        self.settings = settings
    }

    func low(_ determinants: [Determinant]) -> [LowScore] {
        determinants.compactMap { determinant in
            guard let score = lowest[determinant] ?? nil, score <= settings.lowScore else { return nil }
            return LowScore(determinant: determinant, score: score)
        }
    }

    func has(_ valence: Valence? = nil, on targets: Set<Determinant>? = nil) -> Bool {
        active.contains { force in
            (valence.map { force.valence == $0 } ?? true)
                && (targets.map { !$0.isDisjoint(with: force.targets) } ?? true)
        }
    }

    func signal(
        _ rule: SignalRule, _ severity: SignalSeverity, trigger: [ForceView], low: [LowScore], missing: [MissingForce],
        keyedBy intervention: String?
    ) -> ForceFieldSignal {
        ForceFieldSignal(
            key: ForceFieldSignal.key(rule, interventionId: intervention), rule: rule, severity: severity,
            interventions: trigger.map(\.interventionId), kinds: trigger.map(\.kind), lowScores: low,
            disciplines: Array(Set(trigger.compactMap(\.discipline))).sorted(), missing: missing, reason: "",
            suggestion: "", acknowledgements: [], windowDays: settings.pressureWindowDays,
            staleDays: settings.staleAssessmentDays)
    }

    func evaluate() -> [ForceFieldSignal] {
        var signals: [ForceFieldSignal] = []
        let correctives = active.filter { $0.valence == .corrective }

        // 1. Corrective pressure on someone who doubts they can and is stuck, without support.
        let selfEfficacy = low([.selfEfficacy])
        let stuck = low([.context, .practicalBarriers])
        if !selfEfficacy.isEmpty, !stuck.isEmpty, !has(.supportive, on: [.selfEfficacy]),
            !has(.facilitating, on: [.context, .practicalBarriers])
        {
            for corrective in correctives {
                signals.append(signal(
                    .correctiveWithoutSupport, .high, trigger: [corrective], low: selfEfficacy + stuck,
                    missing: [.supportOnSelfEfficacy, .facilitationOnContextOrBarriers],
                    keyedBy: corrective.interventionId))
            }
        }

        // 2. Corrective pressure on job search while the skills or self-regulation to search are lacking.
        let unaddressed = low([.skills, .selfRegulation]).filter { !has(on: [$0.determinant]) }
        if !unaddressed.isEmpty {
            for corrective in correctives where corrective.behaviour == .jobSearch {
                signals.append(signal(
                    .correctiveOnJobSearchWithoutSkills, .medium, trigger: [corrective], low: unaddressed,
                    missing: unaddressed.map { $0.determinant == .skills ? .workOnSkills : .workOnSelfRegulation },
                    keyedBy: corrective.interventionId))
            }
        }

        // 3. Pressure from several disciplines at once, and nothing that strengthens.
        let pressures = active.filter { $0.direction == .pressures }
            .sorted { ($0.since, $0.interventionId) < ($1.since, $1.interventionId) }
        if !active.contains(where: { $0.direction == .strengthens }) {
            let window = Int64(settings.pressureWindowDays) * 86_400_000
            for (index, first) in pressures.enumerated() {
                let start = CalendarTime.millis(fromISO8601: first.since) ?? 0
                let together = pressures[index...].filter { (CalendarTime.millis(fromISO8601: $0.since) ?? 0) - start <= window }
                let disciplines = Set(together.compactMap(\.discipline))
                if disciplines.count >= 2 {
                    signals.append(signal(
                        .pressureFromSeveralDisciplines, disciplines.count >= 3 ? .high : .medium, trigger: together,
                        low: [], missing: [.anySupport], keyedBy: first.interventionId))
                    break
                }
            }
        }

        // 4. Correction without knowing where the client stands.
        let stale = Int64(settings.staleAssessmentDays) * 86_400_000
        let unassessed = latestAssessmentMillis.map { latest in (asOfMillis ?? latest) - latest > stale } ?? true
        if unassessed {
            for corrective in correctives {
                signals.append(signal(
                    .correctiveWithoutRecentAssessment, .medium, trigger: [corrective], low: [],
                    missing: [.recentAssessment], keyedBy: corrective.interventionId))
            }
        }

        // 5. Only being able is worked on, while wanting is low.
        let wanting = low([.attitude, .selfEfficacy, .socialPressure])
        if !active.isEmpty, !wanting.isEmpty, active.allSatisfy({ $0.targets == [.skills] }) {
            signals.append(signal(
                .onlySkillsWhileWantingLow, .medium, trigger: active, low: wanting, missing: [.workOnWanting],
                keyedBy: nil))
        }

        // 6. A placement that may not last.
        let fragile = low([.selfEfficacy, .selfRegulation])
        let coached = active.contains { force in
            settings.coachingKinds.contains(force.kind)
                || (force.valence == .supportive && !Set(force.targets).isDisjoint(with: [.selfEfficacy, .selfRegulation]))
        }
        if !fragile.isEmpty, !coached {
            for placement in active where settings.placementKinds.contains(placement.kind) {
                signals.append(signal(
                    .placementWithoutCoaching, .medium, trigger: [placement], low: fragile,
                    missing: [.coachingOrAftercare], keyedBy: placement.interventionId))
            }
        }
        return signals
    }
}
