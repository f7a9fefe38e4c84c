public import Casework

/// The words of the journey views in one language: headings, and one line per timeline event.
public struct ViewText: Sendable {
    /// The language.
    public let language: Language

    /// Creates the words for a language.
    public init(_ language: Language) {
        self.language = language
    }

    var nl: Bool { language == .nl }

    // MARK: Headings

    var journeyTitle: String { nl ? "Klantreis" : "Client journey" }
    var overarchingGoal: String {
        nl ? "Overkoepelend doel: zo snel en duurzaam mogelijk meedoen op de arbeidsmarkt en in de maatschappij, onafhankelijk van een uitkering"
            : "Overarching goal: taking part in the labour market and in society, as quickly and durably as possible, independent of benefits"
    }
    var signals: String { nl ? "Signalen" : "Signals" }
    var noSignals: String {
        nl ? "Geen signalen: er is geen combinatie van interventies gevonden die waarschijnlijk verlammend werkt." : "No signals: no combination of interventions found that is likely to paralyse."
    }
    var forceField: String { nl ? "Krachtenveld" : "Force field" }
    var noActiveInterventions: String { nl ? "geen lopende interventies" : "no active interventions" }
    var assessments: String { nl ? "Determinanten" : "Determinants" }
    var scale: String {
        nl ? "1 = minst gunstig … 5 = meest gunstig; praktische belemmeringen 5 = geen"
            : "1 = least favourable … 5 = most favourable; practical barriers 5 = none"
    }
    var disagreement: String { nl ? "disciplines verschillen van inzicht" : "disciplines disagree" }
    var plan: String { nl ? "Plan van aanpak" : "Plan" }
    var subGoals: String { nl ? "Subdoelen" : "Sub-goals" }
    var agreements: String { nl ? "Afspraken" : "Agreements" }
    var interventions: String { nl ? "Interventies" : "Interventions" }
    var timeline: String { nl ? "Tijdlijn" : "Timeline" }
    var notes: String { nl ? "Notities" : "Notes" }
    var none: String { nl ? "(geen)" : "(none)" }
    var nothingYet: String { nl ? "(nog niets vastgelegd)" : "(nothing recorded yet)" }
    var suggestion: String { nl ? "Wat kan helpen" : "What may help" }
    var acknowledged: String { nl ? "besproken door" : "discussed by" }
    var administrator: String { nl ? "beheerder" : "administrator" }
    var unknown: String { nl ? "onbekend" : "unknown" }
    var due: String { nl ? "uiterlijk" : "due" }
    var since: String { nl ? "sinds" : "since" }
    var conflict: String { nl ? "CONFLICT" : "CONFLICT" }
    var asOf: String { nl ? "stand per" : "as of" }
    var strengthens: String { nl ? "versterkt" : "strengthens" }
    public var clientColumn: String { nl ? "de klant zelf" : "the client" }
    public var clientDiffers: String { nl ? "de klant ziet het anders" : "the client sees it differently" }
    public var referrals: String { nl ? "Verwijzingen" : "Referrals" }
    public var vacancies: String { nl ? "Vacatures" : "Vacancies" }

    /// What a write is, by its entity type: `Notitie`/`Note`, `Afspraak`/`Agreement`, …; an unknown type as is.
    public func writeKind(_ entityType: String) -> String {
        let kinds: [String: (nl: String, en: String)] = [
            "note": ("Notitie", "Note"), "assessment": ("Inschatting", "Assessment"),
            "intervention": ("Interventie", "Intervention"), "agreement": ("Afspraak", "Agreement"),
            "goal": ("Subdoel", "Sub-goal"), "signal": ("Signaal besproken", "Signal discussed"),
            "client": ("Contactgegevens", "Contact details"), "referral": ("Verwijzing", "Referral"),
            "vacancy": ("Vacature", "Vacancy"), "selfAssessment": ("Eigen inschatting van de klant", "The client's own view"),
        ]
        guard let kind = kinds[entityType] else { return entityType }
        return nl ? kind.nl : kind.en
    }

    /// A vacancy in one line: `[applied] Order picker · Logistiek BV · contact: Mrs Jansen`.
    public func vacancyLine(_ status: VacancyStatus, _ title: String, _ employer: String, _ contact: String?) -> String {
        "[\(status.label(in: language))] \(title) · \(employer)" + (contact.map { " · " + (nl ? "contact: " : "contact: ") + $0 } ?? "")
    }

    /// The other current states of a conflicted vacancy, one line each.
    public func otherVersions(of vacancy: VacancyView, time: (String) -> String) -> [String] {
        vacancy.otherVersions.map {
            otherVersion(vacancyLine($0.status, $0.title, $0.employer, $0.contact), by: $0.by, at: time($0.at))
        }
    }

    /// What pressure does, by the combination around it.
    public func effect(_ effect: PressureEffect) -> String {
        switch effect {
        case .stimulates: nl ? "werkt stimulerend (de combinatie is aanwezig)" : "stimulates (the combination is there)"
        case .paralyses: nl ? "werkt waarschijnlijk verlammend (de combinatie ontbreekt)" : "likely paralyses (without the combination)"
        case .unclear: nl ? "werking onduidelijk (geen actuele inschatting)" : "effect unclear (no current assessment)"
        }
    }

    /// A referral's status: open, accepted (aangenomen) or declined (afgewezen).
    public func status(_ status: ReferralStatus) -> String {
        status.label(in: language)
    }

    /// A referral in one line: `[open] client manager → account manager: reason`.
    public func referralLine(_ referral: ReferralView) -> String {
        "[\(status(referral.status))] \(referral.from?.label(in: language) ?? "?") → \(referral.to.label(in: language)): \(referral.reason)"
    }
    var pressures: String { nl ? "zet onder druk" : "pressures" }
    var registrationPending: String { nl ? "(inschrijving nog niet ontvangen)" : "(registration not yet received)" }
    var cleared: String { nl ? "(gewist)" : "(cleared)" }
    var filtered: String { nl ? "gefilterd" : "filtered" }
    var perBehaviour: String { nl ? "Per kerngedrag" : "Per core behaviour" }
    func lowBox(_ lowScore: Int) -> String {
        nl ? "rood kader: een discipline geeft een score van \(lowScore) of lager" : "red box: a discipline scores \(lowScore) or lower"
    }

    /// The severity of a signal, in capitals.
    public func severity(_ severity: SignalSeverity) -> String {
        switch (severity, language) {
        case (.high, .en): "HIGH"
        case (.medium, .en): "MEDIUM"
        case (.high, .nl): "HOOG"
        case (.medium, .nl): "GEMIDDELD"
        }
    }

    /// A person with their discipline, e.g. `Sanne Bakker (klantmanager)`.
    public func actor(_ actor: JourneyActor) -> String {
        guard let discipline = actor.discipline else { return actor.id == "administrator" ? administrator : actor.name }
        return "\(actor.name) (\(discipline.label(in: language)))"
    }

    /// The label of an intervention kind.
    public func kind(_ code: String) -> String {
        InterventionCatalogue.label(of: code, in: language)
    }

    func about(_ behaviour: CoreBehaviour?, _ determinants: [Determinant]) -> String {
        var parts: [String] = []
        if let behaviour { parts.append(behaviour.label(in: language)) }
        if !determinants.isEmpty { parts.append(determinants.map { $0.label(in: language) }.joined(separator: ", ")) }
        return parts.isEmpty ? "" : " [\(parts.joined(separator: " · "))]"
    }

    /// `klant 0193… · team 0193…`: the ids, for whoever needs to name the client to a command.
    func ids(client: String, team: String?) -> String {
        (nl ? "klant " : "client ") + client + (team.map { " · team \($0)" } ?? "")
    }

    /// What the active filter lets through, e.g. `filtered: client manager · from 01-11-2026`; `nil` when
    /// nothing is filtered.
    public func describe(_ filter: JourneyFilter) -> String? {
        guard !filter.isEmpty else { return nil }
        var parts: [String] = []
        if !filter.disciplines.isEmpty {
            parts.append(Discipline.allCases.filter(filter.disciplines.contains).map { $0.label(in: language) }
                .joined(separator: ", "))
        }
        if let behaviour = filter.behaviour { parts.append(behaviour.label(in: language)) }
        if let determinant = filter.determinant { parts.append(determinant.label(in: language)) }
        if let from = filter.from { parts.append((nl ? "vanaf " : "from ") + date(from.text)) }
        if let to = filter.to { parts.append((nl ? "tot en met " : "up to ") + date(to.text)) }
        return "\(filtered): " + parts.joined(separator: " · ")
            + (nl ? " · krachtenveld en signalen: alle disciplines" : " · force field and signals: every discipline")
    }

    var nothingMatches: String {
        nl ? "(niets in de tijdlijn past bij het filter)" : "(nothing in the timeline matches the filter)"
    }

    // MARK: Versions left beside each other by concurrent updates

    /// A sub-goal's state in one line: `[open] Title · job search · skills · client manager · due 31-12-2026`
    /// (`the client` for the client's own goal).
    func goalLine(_ status: GoalStatus, _ title: String, _ behaviour: CoreBehaviour, _ targets: [Determinant],
                  _ owner: Responsible, _ due: String?) -> String {
        "[\(status.label(in: language))] \(title) · \(behaviour.label(in: language)) · "
            + targets.map { $0.label(in: language) }.joined(separator: ", ") + " · \(owner.label(in: language))"
            + (due.map { " · \(self.due) \(date($0))" } ?? "")
    }

    /// An agreement's state in one line: `[kept] Text · client · due 31-12-2026`.
    func agreementLine(_ status: AgreementStatus, _ text: String, _ responsible: String, _ due: String?) -> String {
        let who = Responsible(code: responsible)?.label(in: language) ?? responsible
        return "[\(status.label(in: language))] \(text) · \(who)" + (due.map { " · \(self.due) \(date($0))" } ?? "")
    }

    /// A concurrent state beside the current one: `other version (Sanne Bakker (client manager), 29-11-2026 10:00): …`.
    func otherVersion(_ line: String, by actor: JourneyActor, at time: String) -> String {
        (nl ? "andere versie" : "other version") + " (\(self.actor(actor)), \(time)): \(line)"
    }

    /// The other versions of a sub-goal, each in one line (`time` formats a moment).
    public func otherVersions(of goal: SubGoalView, time: (String) -> String) -> [String] {
        goal.otherVersions.map {
            otherVersion(goalLine($0.status, $0.title, $0.behaviour, $0.targets, $0.owner, $0.due), by: $0.by, at: time($0.at))
        }
    }

    /// The other versions of an agreement, each in one line.
    public func otherVersions(of agreement: AgreementView, time: (String) -> String) -> [String] {
        agreement.otherVersions.map {
            otherVersion(agreementLine($0.status, $0.text, $0.responsible, $0.due), by: $0.by, at: time($0.at))
        }
    }

    /// The other versions of an intervention, each in one line.
    public func otherVersions(of intervention: InterventionView, time: (String) -> String) -> [String] {
        intervention.otherVersions.map {
            otherVersion(
                "[\($0.status.label(in: language))] → " + $0.targets.map { $0.label(in: language) }.joined(separator: ", "),
                by: $0.by, at: time($0.at))
        }
    }

    // MARK: Timeline events

    /// One line saying what happened; note and agreement text is given separately as the body.
    public func describe(_ entry: TimelineEntry) -> (headline: String, body: String?) {
        let targets = (entry.targets ?? []).map { $0.label(in: language) }.joined(separator: ", ")
        switch entry.event {
        case "client.register":
            return (nl ? "schreef de klant in" : "registered the client", nil)
        case "client.move":
            // A laptop knows its own teams by id only: the team's name lives on the server.
            return (nl ? "verplaatste de klant naar een ander team" : "moved the client to another team", nil)
        case "client.setContact":
            let field = entry.field?.label(in: language) ?? "?"
            if entry.cleared == true { return (nl ? "wiste het \(field)" : "cleared the \(field)", nil) }
            return (nl ? "wijzigde het \(field) in \(entry.value ?? "")" : "set the \(field) to \(entry.value ?? "")", nil)
        case "note.add":
            return ((nl ? "schreef een notitie" : "wrote a note") + about(entry.behaviour, entry.determinants ?? []), entry.text)
        case "note.revise":
            return ((nl ? "bewerkte een notitie" : "revised a note") + about(entry.behaviour, entry.determinants ?? []), entry.text)
        case "assessment.record":
            let score = entry.score.map { $0 == .unknown ? unknown : "\($0.text)/5" } ?? "?"
            return ((nl ? "legde een inschatting vast: \(entry.determinant?.label(in: language) ?? "?") \(score)"
                : "assessed \(entry.determinant?.label(in: language) ?? "?"): \(score)") + about(entry.behaviour, []), entry.text)
        case "selfAssessment.record":
            let score = entry.score.map { $0 == .unknown ? unknown : "\($0.text)/5" } ?? "?"
            return ((nl ? "legde de eigen inschatting van de klant vast: \(entry.determinant?.label(in: language) ?? "?") \(score)"
                : "recorded the client's own view of \(entry.determinant?.label(in: language) ?? "?"): \(score)")
                + about(entry.behaviour, []), entry.text)
        case "vacancy.add", "vacancy.update":
            let status = entry.status.flatMap(VacancyStatus.init(rawValue:))?.label(in: language) ?? "?"
            let job = "\(entry.title ?? "") · \(entry.employer ?? "")"
            return (entry.event == "vacancy.add"
                ? (nl ? "legde een vacature vast: \(job) (\(status))" : "recorded a vacancy: \(job) (\(status))")
                : (nl ? "werkte een vacature bij: \(job) (\(status))" : "updated a vacancy: \(job) (\(status))"), nil)
        case "referral.add":
            let to = entry.to?.label(in: language) ?? "?"
            return (nl ? "verwees de klant naar de \(to)" : "referred the client to the \(to)", entry.reason)
        case "referral.answer":
            let to = entry.to?.label(in: language) ?? "?"
            let accepted = entry.status == ReferralStatus.accepted.rawValue
            return (nl ? (accepted ? "nam de verwijzing naar de \(to) aan" : "wees de verwijzing naar de \(to) af")
                : (accepted ? "accepted the referral to the \(to)" : "declined the referral to the \(to)"), entry.reason)
        case "intervention.start":
            let kind = entry.kind.map(kind) ?? "?"
            let valence = entry.valence?.label(in: language) ?? "?"
            let planned = entry.status == InterventionStatus.planned.rawValue
            let verb = nl ? (planned ? "plande" : "zette") : (planned ? "planned" : "started")
            return (nl ? "\(verb) de interventie ‘\(kind)’\(planned ? "" : " in") (\(valence)), gericht op \(targets)"
                + about(entry.behaviour, [])
                : "\(verb) \(kind) (\(valence)) on \(targets)" + about(entry.behaviour, []), nil)
        case "intervention.update":
            let kind = entry.kind.map(kind) ?? "?"
            if entry.status == InterventionStatus.ended.rawValue {
                return (nl ? "beëindigde de interventie ‘\(kind)’ (gericht op \(targets))" : "ended \(kind) (on \(targets))", nil)
            }
            let status = entry.status.flatMap(InterventionStatus.init(rawValue:))?.label(in: language) ?? "?"
            return (nl ? "wijzigde de status van de interventie ‘\(kind)’ in ‘\(status)’ (gericht op \(targets))" : "\(kind) is now \(status) (on \(targets))", nil)
        case "goal.add", "goal.update":
            let status = entry.status.flatMap(GoalStatus.init(rawValue:))?.label(in: language) ?? "?"
            let owner = entry.owner?.label(in: language) ?? "?"
            let verb = entry.event == "goal.add" ? (nl ? "stelde een subdoel" : "set a sub-goal") : (nl ? "werkte een subdoel bij" : "updated a sub-goal")
            return ("\(verb): \(entry.title ?? "") (\(status), \(owner)\(entry.due.map { ", \(due) \(date($0))" } ?? ""))"
                + about(entry.behaviour, entry.targets ?? []), nil)
        case "agreement.add", "agreement.update":
            let status = entry.status.flatMap(AgreementStatus.init(rawValue:))?.label(in: language) ?? "?"
            let responsible = entry.responsible.flatMap(Responsible.init(code:))?.label(in: language) ?? "?"
            let verb = entry.event == "agreement.add" ? (nl ? "legde een afspraak vast" : "recorded an agreement") : (nl ? "werkte een afspraak bij" : "updated an agreement")
            return ("\(verb) (\(status), \(responsible)\(entry.due.map { ", \(due) \(date($0))" } ?? ""))", entry.text)
        case "signal.acknowledge":
            let rule = entry.signal.flatMap { ForceFieldSignal.parts(ofKey: $0).rule }
            let name = rule.map { "‘\(SignalText.title(of: $0, in: language))’" } ?? (entry.signal ?? "?")
            let about = entry.kind.map { " (\(kind($0)))" } ?? ""
            return (nl ? "besprak het signaal \(name)\(about): \(entry.reason ?? "")"
                : "discussed the signal " + name + about + ": \(entry.reason ?? "")", nil)
        default:
            return (entry.event, nil)
        }
    }

    /// `31-12-2026` for `2026-12-31`.
    public func date(_ text: String) -> String {
        let parts = text.split(separator: "-")
        guard parts.count == 3 else { return text }
        return "\(parts[2])-\(parts[1])-\(parts[0])"
    }
}
