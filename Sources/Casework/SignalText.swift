/// The plain words of a force-field signal, in English or Dutch, built from the signal's facts.
public enum SignalText {
    /// Why the signal fires, and the missing supportive force it suggests.
    public static func describe(_ signal: ForceFieldSignal, in language: Language) -> (reason: String, suggestion: String) {
        let nl = language == .nl
        let kinds = list(signal.kinds.map { InterventionCatalogue.label(of: $0, in: language) }, language)
        let scores = list(signal.lowScores.map { "\($0.determinant.label(in: language)) \($0.score)" }, language)
        let disciplines = list(signal.disciplines.map { $0.label(in: language) }, language)
        let suggestions = list(signal.missing.map { suggestion(for: $0, in: language) }, language)
        // Dutch names the interventions as the timeline does ("De interventie ‘maatregel’ loopt"); verbs agree
        // with their number, and "de score is" with one score.
        let runs = signal.kinds.count == 1 ? "loopt" : "lopen"
        let named = (signal.kinds.count == 1 ? "De interventie " : "De interventies ")
            + list(signal.kinds.map { "‘" + InterventionCatalogue.label(of: $0, in: language) + "’" }, language)
        let low = signal.lowScores.count == 1 ? "de score laag is" : "de scores laag zijn"
        let reason: String
        switch signal.rule {
        case .correctiveWithoutSupport:
            let combination = signal.missing.count == 2
                ? (nl ? "en er loopt geen ondersteuning op geloof in eigen kunnen en geen facilitering op context of praktische belemmeringen"
                    : "with neither support on self-efficacy nor facilitation on context or practical barriers beside it")
                : (nl ? "en de combinatie is niet compleet" : "and the combination is not complete")
            reason = nl
                ? "\(named) \(runs) terwijl \(low) (\(scores)), \(combination). Alleen druk leidt bij iemand met weinig geloof in eigen kunnen en een belastende situatie eerder tot blokkeren dan tot in beweging komen; een combinatie van interventies werkt beter."
                : "\(capitalised(kinds)) is active while scores are low (\(scores)), \(combination). Pressure alone on someone with little self-efficacy in a stressful situation makes them freeze rather than change; a combination of interventions works better."
        case .correctiveWithoutSkills:
            reason = nl
                ? "\(named) \(runs) terwijl \(low) (\(scores)), en geen enkele interventie werkt daaraan: wie het wil, moet het ook nog kunnen."
                : "\(capitalised(kinds)) is active while scores are low (\(scores)), and nothing works on that: wanting to is not enough without being able to."
        case .pressureFromSeveralDisciplines:
            reason = nl
                ? "\(capitalised(list(signal.disciplines.map { "de " + $0.label(in: language) }, language))) oefenen tegelijk normerende of corrigerende druk uit (\(kinds)), en geen enkele interventie ondersteunt of faciliteert de klant."
                : "\(capitalised(disciplines)) put normative or corrective pressure on the client at the same time (\(kinds)), and nothing supports or facilitates them."
        case .correctiveWithoutRecentAssessment:
            let missing = signal.unassessed ?? []
            let unassessed = list(
                (missing.contains(.selfEfficacy) ? [Determinant.selfEfficacy.label(in: language)] : [])
                    + (missing.contains(.context)
                        ? [Determinant.context.label(in: language) + (nl ? " of " : " or ")
                            + Determinant.practicalBarriers.label(in: language)] : []),
                language)
            reason = nl
                ? "\(named) \(runs) zonder actuele inschatting van \(unassessed) (ontbreekt, onbekend of ouder dan \(signal.staleDays) dagen): zo is niet te zien of de druk stimulerend of verlammend werkt."
                : "\(capitalised(kinds)) is active without a current score of \(unassessed) (none, unknown, or older than \(signal.staleDays) days): nobody can tell whether the pressure stimulates or paralyses."
        case .onlyWantingWhileAbleLow:
            reason = nl
                ? "Alle lopende ondersteuning werkt aan willen terwijl kunnen laag scoort (\(scores)): wie het wil, moet het ook nog kunnen."
                : "All active support works on wanting while being able scores low (\(scores)): wanting to is not enough without being able to."
        case .placementWithoutCoaching where signal.kinds.isEmpty:
            reason = nl
                ? "Er loopt een sollicitatie of plaatsing op een vacature terwijl \(low) (\(scores)), zonder coaching of nazorg: zo'n plaatsing houdt vaak geen stand."
                : "The client is on the way into a job through a vacancy while scores are low (\(scores)), without coaching or aftercare: such a placement often does not last."
        case .placementWithoutCoaching:
            reason = nl
                ? "\(named) \(runs) terwijl \(low) (\(scores)), zonder coaching of nazorg: zo'n plaatsing houdt vaak geen stand."
                : "\(capitalised(kinds)) is active while scores are low (\(scores)), without coaching or aftercare: such a placement often does not last."
        case .notKeptMetWithPressureOnly:
            reason = nl
                ? "De klant is een afspraak niet nagekomen, en de lopende interventies zetten alleen druk (\(kinds)). Een niet nagekomen afspraak kan iets zeggen over houding of zelfregulering; alleen reageren met druk gaat daaraan voorbij."
                : "The client did not keep an agreement, and only pressure is active (\(kinds)). A broken agreement may say something about attitude or self-regulation; reacting with pressure alone passes that by."
        case .clientViewDiffers:
            let view = signal.clientView
            let determinant = view?.determinant.label(in: language) ?? "?"
            let discipline = view?.discipline.label(in: language) ?? "?"
            reason = nl
                ? "De klant geeft \(determinant) een \(view?.clientScore ?? 0), de \(discipline) een \(view?.professionalScore ?? 0): de klant ziet het anders dan de professionals."
                : "The client scores \(determinant) \(view?.clientScore ?? 0), the \(discipline) \(view?.professionalScore ?? 0): the client sees it differently from the professionals."
        case .referralOpen:
            let to = signal.disciplines.first.map { $0.label(in: language) } ?? "?"
            let days = signal.openDays ?? 0
            reason = nl
                ? "De verwijzing naar de \(to) staat al \(days) \(days == 1 ? "dag" : "dagen") open."
                : "The referral to the \(to) has been open for \(days) \(days == 1 ? "day" : "days")."
        }
        return (reason, capitalised(suggestions) + ".")
    }

    /// A short name of the rule, for a line that mentions a signal (an acknowledgement in the timeline).
    public static func title(of rule: SignalRule, in language: Language) -> String {
        let nl = language == .nl
        switch rule {
        case .correctiveWithoutSupport:
            return nl ? "corrigerende interventie zonder de combinatie" : "correction without the combination of support"
        case .correctiveWithoutSkills:
            return nl ? "correctie zonder aandacht voor kunnen" : "correction without work on being able"
        case .pressureFromSeveralDisciplines:
            return nl ? "druk van meerdere disciplines" : "pressure from several disciplines"
        case .correctiveWithoutRecentAssessment:
            return nl ? "correctie zonder actuele inschatting" : "correction without a current assessment"
        case .onlyWantingWhileAbleLow:
            return nl ? "alleen steun op willen, terwijl kunnen laag is" : "support only on wanting while being able is low"
        case .placementWithoutCoaching:
            return nl ? "plaatsing zonder coaching of nazorg" : "placement without coaching or aftercare"
        case .notKeptMetWithPressureOnly:
            return nl ? "niet nagekomen afspraak, alleen druk" : "agreement not kept, pressure only"
        case .clientViewDiffers:
            return nl ? "de klant ziet het anders" : "the client sees it differently"
        case .referralOpen:
            return nl ? "verwijzing staat open" : "referral still open"
        }
    }

    private static func suggestion(for missing: MissingForce, in language: Language) -> String {
        let nl = language == .nl
        switch missing {
        case .supportOnSelfEfficacy:
            return nl ? "versterk het geloof in eigen kunnen en maak alternatieven inzichtelijk (ondersteunend, bijvoorbeeld coaching)"
                : "strengthen self-efficacy and show alternatives (supportive, for example self-efficacy coaching)"
        case .facilitationOnContextOrBarriers:
            return nl ? "neem praktische belemmeringen weg of maak de situatie minder belastend (faciliterend)"
                : "remove practical barriers or ease the situation (facilitating, for example removal of practical barriers)"
        case .workOnSkills:
            return nl ? "werk aan vaardigheden (bijvoorbeeld sollicitatietraining)"
                : "work on skills (for example application training)"
        case .workOnSelfRegulation:
            return nl ? "werk aan zelfregulering (bijvoorbeeld coaching op zelfregulering)" : "work on self-regulation (for example self-regulation coaching)"
        case .anySupport:
            return nl ? "stem de druk onderling af en zet een ondersteunende of faciliterende interventie in"
                : "agree on one line between the disciplines and add a supportive or facilitating intervention"
        case .recentAssessment:
            return nl ? "schat eerst geloof in eigen kunnen en de situatie van de klant in, zodat de druk bij de klant past"
                : "assess self-efficacy and the client's situation first, so the pressure fits the person"
        case .workOnBeingAble:
            return nl ? "werk ook aan kunnen: vaardigheden, zelfregulering, de situatie of praktische belemmeringen"
                : "also work on being able: skills, self-regulation, the situation or practical barriers"
        case .coachingOrAftercare:
            return nl ? "zet jobcoaching en nazorg in" : "add job coaching and aftercare"
        case .workOnAttitudeOrSelfRegulation:
            return nl ? "zoek met de klant uit waarom de afspraak niet lukte, en werk aan houding of zelfregulering"
                : "find out with the client why the agreement was not kept, and work on attitude or self-regulation"
        case .conversationWithClient:
            return nl ? "bespreek het verschil met de klant" : "talk the difference through with the client"
        case .answerToReferral:
            return nl ? "neem de verwijzing aan of wijs haar af, met een reden" : "accept or decline the referral, with a reason"
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
