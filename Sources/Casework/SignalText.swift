/// The plain words of a force-field signal, in English or Dutch, built from the signal's facts.
public enum SignalText {
    /// Why the signal fires, and the missing supportive force it suggests.
    public static func describe(_ signal: ForceFieldSignal, in language: Language) -> (reason: String, suggestion: String) {
        let nl = language == .nl
        let kinds = list(signal.kinds.map { InterventionCatalogue.label(of: $0, in: language) }, language)
        let scores = list(signal.lowScores.map { "\($0.determinant.label(in: language)) \($0.score)" }, language)
        let disciplines = list(signal.disciplines.map { $0.label(in: language) }, language)
        let suggestions = list(signal.missing.map { suggestion(for: $0, in: language) }, language)
        // Dutch verbs agree with the number of interventions, and "de score is" with one score.
        let runs = signal.kinds.count == 1 ? "loopt" : "lopen"
        let aims = signal.kinds.count == 1 ? "richt zich" : "richten zich"
        let low = signal.lowScores.count == 1 ? "de score laag is" : "de scores laag zijn"
        let reason: String
        switch signal.rule {
        case .correctiveWithoutSupport:
            reason = nl
                ? "\(capitalised(kinds)) \(runs) terwijl \(low) (\(scores)). Druk op iemand die vastzit en niet gelooft dat het lukt, verlamt eerder dan dat die persoon in beweging komt."
                : "\(capitalised(kinds)) is active while scores are low (\(scores)). Pressure on someone who doubts they can and is stuck makes them freeze rather than change."
        case .correctiveOnJobSearchWithoutSkills:
            reason = nl
                ? "\(capitalised(kinds)) \(aims) op werkzoekgedrag terwijl \(low) (\(scores)), en geen enkele interventie werkt aan die determinanten."
                : "\(capitalised(kinds)) targets job search while scores are low (\(scores)), and nothing works on that."
        case .pressureFromSeveralDisciplines:
            reason = nl
                ? "\(capitalised(list(signal.disciplines.map { "de " + $0.label(in: language) }, language))) oefenen binnen \(signal.windowDays) dagen normerende of corrigerende druk uit (\(kinds)), en geen enkele interventie ondersteunt de klant."
                : "\(capitalised(disciplines)) put normative or corrective pressure on the client within \(signal.windowDays) days (\(kinds)), and nothing supports them."
        case .correctiveWithoutRecentAssessment:
            reason = nl
                ? "\(capitalised(kinds)) \(runs) zonder actuele inschatting van de determinanten (geen, of ouder dan \(signal.staleDays) dagen)."
                : "\(capitalised(kinds)) is active without a current assessment of the determinants (none, or older than \(signal.staleDays) days)."
        case .onlySkillsWhileWantingLow:
            reason = nl
                ? "Alle lopende interventies werken aan vaardigheden terwijl willen laag scoort (\(scores)): kunnen helpt niet zonder willen."
                : "Every active intervention works on skills while wanting scores low (\(scores)): being able does not help without wanting."
        case .placementWithoutCoaching:
            reason = nl
                ? "\(capitalised(kinds)) \(runs) terwijl \(low) (\(scores)), zonder coaching of nazorg: de plaatsing houdt dan vaak geen stand."
                : "\(capitalised(kinds)) is active while scores are low (\(scores)), without coaching or aftercare: such a placement often does not last."
        }
        return (reason, capitalised(suggestions) + ".")
    }

    /// A short name of the rule, for a line that mentions a signal (an acknowledgement in the timeline).
    public static func title(of rule: SignalRule, in language: Language) -> String {
        let nl = language == .nl
        switch rule {
        case .correctiveWithoutSupport:
            return nl ? "correctie zonder steun" : "correction without support"
        case .correctiveOnJobSearchWithoutSkills:
            return nl ? "correctie op werkzoekgedrag zonder aandacht voor vaardigheden" : "correction on job search without the skills"
        case .pressureFromSeveralDisciplines:
            return nl ? "druk van meerdere disciplines" : "pressure from several disciplines"
        case .correctiveWithoutRecentAssessment:
            return nl ? "correctie zonder actuele inschatting" : "correction without a current assessment"
        case .onlySkillsWhileWantingLow:
            return nl ? "alleen vaardigheden terwijl willen laag is" : "only skills while wanting is low"
        case .placementWithoutCoaching:
            return nl ? "plaatsing zonder coaching of nazorg" : "placement without coaching or aftercare"
        }
    }

    private static func suggestion(for missing: MissingForce, in language: Language) -> String {
        let nl = language == .nl
        switch missing {
        case .supportOnSelfEfficacy:
            return nl ? "versterk het geloof in eigen kunnen (ondersteunend, bijvoorbeeld coaching)"
                : "strengthen self-efficacy (supportive, for example self-efficacy coaching)"
        case .facilitationOnContextOrBarriers:
            return nl ? "neem praktische belemmeringen weg of maak de context minder belastend (faciliterend)"
                : "remove practical barriers or ease the context (facilitating, for example barrier removal)"
        case .workOnSkills:
            return nl ? "werk aan vaardigheden (bijvoorbeeld sollicitatietraining)"
                : "work on skills (for example application training)"
        case .workOnSelfRegulation:
            return nl ? "werk aan zelfregulering (bijvoorbeeld coaching)" : "work on self-regulation (for example coaching)"
        case .anySupport:
            return nl ? "stem de druk onderling af en voeg een ondersteunende of faciliterende interventie toe"
                : "agree on one line between the disciplines and add a supportive or facilitating intervention"
        case .recentAssessment:
            return nl ? "schat eerst de determinanten in, zodat de druk bij de klant past"
                : "assess the determinants first, so the pressure fits the person"
        case .workOnWanting:
            return nl ? "werk ook aan houding, geloof in eigen kunnen of sociale druk (bijvoorbeeld een motiverend gesprek)"
                : "also work on attitude, self-efficacy or social pressure (for example a motivational interview)"
        case .coachingOrAftercare:
            return nl ? "voeg jobcoaching en nazorg toe" : "add job coaching and aftercare"
        }
    }

    private static func list(_ items: [String], _ language: Language) -> String {
        let and = language == .nl ? " en " : " and "
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + and + items.last!
        }
    }

    private static func capitalised(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst()
    }
}
