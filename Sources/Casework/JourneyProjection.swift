public import ChangeLog

/// Projects the changes about one client into its ``ClientJourney``.
///
/// The projection is a pure function of the *set* of changes and the directory: it sorts the changes by
/// ``Change/displayOrder(_:_:)`` first and never looks at arrival order. Changes it cannot read (an operation
/// from a newer version, a malformed payload) and revisions of entities it does not hold are left out of the
/// views, which keeps every replica's output identical for the same set.
public enum JourneyProjection {
    /// The journey of `clientId` from `changes` (changes about other clients are ignored).
    ///
    /// - Parameters:
    ///   - directory: Professionals by id, for names; unknown ids show as `unknown professional`.
    ///   - readAt: When the journey is read (Unix ms): the force field's time-based rules measure against the
    ///     later of this and the latest change (``ForceFieldAnalysis``). Views give the start of the day, so
    ///     replicas holding the same changes agree all that day; `nil` measures against the latest change.
    public static func project(
        clientId: String, changes: [Change], directory: [String: Professional],
        settings: ForceFieldSettings = .standard, readAt: Int64? = nil
    ) -> ClientJourney {
        let ordered = changes.filter { $0.clientId == clientId }.sorted(by: Change.displayOrder)
            .compactMap { change in (try? CaseEvent.decode(change)).flatMap { $0 }.map { (change, $0) } }
        var builder = Builder(clientId: clientId, directory: directory, settings: settings, readAt: readAt)
        // Creations first, so that a revision is shown even if its clock sorts before its entity's creation
        // (impossible for well-behaved clocks, but the view must not depend on it).
        for (change, event) in ordered where event.createsEntity {
            builder.create(change, event)
        }
        for (change, event) in ordered {
            builder.add(change, event)
        }
        return builder.journey()
    }
}

/// Accumulates a journey from changes in display order.
private struct Builder {
    let clientId: String
    let directory: [String: Professional]
    let settings: ForceFieldSettings
    let readAt: Int64?
    var client: JourneyClient
    var timeline: [TimelineEntry] = []
    var authors: [String: JourneyActor] = [:]
    /// Assessments per determinant and (discipline, behaviour), in display order.
    var assessments: [Determinant: [AssessmentSlot: [(Change, Assessment)]]] = [:]
    /// The client's own views per determinant and core behaviour, in display order.
    var clientViews: [Determinant: [CoreBehaviour?: [(Change, Assessment)]]] = [:]
    var referrals: [String: (created: Change, referral: Referral, answers: [(Change, ReferralAnswer, [String])])] = [:]
    var referralOrder: [String] = []
    var vacancies: [String: [(Change, Vacancy, [String])]] = [:]
    var vacancyOrder: [String] = []
    var notes: [String: (created: Change, revisions: [(Change, NoteContent, [String])])] = [:]
    var noteOrder: [String] = []
    var interventions: [String: (created: Change, plan: InterventionPlan, updates: [(Change, InterventionUpdate, [String])])] = [:]
    var interventionOrder: [String] = []
    var contact: [ContactField: [(Change, ContactUpdate, [String])]] = [:]
    var goals: [String: [(Change, SubGoal, [String])]] = [:]
    var goalOrder: [String] = []
    var agreements: [String: [(Change, Agreement, [String])]] = [:]
    var agreementOrder: [String] = []
    var acknowledgements: [String: [SignalAcknowledgementView]] = [:]

    init(clientId: String, directory: [String: Professional], settings: ForceFieldSettings, readAt: Int64?) {
        self.clientId = clientId
        self.directory = directory
        self.settings = settings
        self.readAt = readAt
        self.client = JourneyClient(id: clientId)
    }

    func actor(_ change: Change) -> JourneyActor {
        if change.authorId == Change.administratorId {
            return JourneyActor(id: change.authorId, name: "administrator", discipline: nil)
        }
        let discipline = change.authorDiscipline.flatMap(Discipline.init(rawValue:))
        let name = directory[change.authorId]?.name ?? "unknown professional"
        return JourneyActor(id: change.authorId, name: name, discipline: discipline)
    }

    /// Registers the entity an event creates; the first creation in display order wins.
    mutating func create(_ change: Change, _ event: CaseEvent) {
        switch event {
        case .noteAdded(let content) where notes[change.entityId] == nil:
            notes[change.entityId] = (change, [(change, content, [])])
            noteOrder.append(change.entityId)
        case .interventionStarted(let plan) where interventions[change.entityId] == nil:
            interventions[change.entityId] = (change, plan, [])
            interventionOrder.append(change.entityId)
        case .goalAdded(let goal) where goals[change.entityId] == nil:
            goals[change.entityId] = [(change, goal, [])]
            goalOrder.append(change.entityId)
        case .agreementAdded(let agreement) where agreements[change.entityId] == nil:
            agreements[change.entityId] = [(change, agreement, [])]
            agreementOrder.append(change.entityId)
        case .vacancyAdded(let vacancy) where vacancies[change.entityId] == nil:
            vacancies[change.entityId] = [(change, vacancy, [])]
            vacancyOrder.append(change.entityId)
        case .referralAdded(let referral) where referrals[change.entityId] == nil:
            referrals[change.entityId] = (change, referral, [])
            referralOrder.append(change.entityId)
        default:
            break
        }
    }

    /// Adds a change to the timeline and its revision to its entity.
    mutating func add(_ change: Change, _ event: CaseEvent) {
        let by = actor(change)
        let at = CalendarTime.iso8601(millis: change.hlc.wallMillis)
        var entry = TimelineEntry(
            at: at, hlc: change.hlc, changeId: change.id, by: by,
            event: "\(change.entityType).\(change.operation)", entityId: change.entityId)
        guard apply(event, change, by: by, at: at, to: &entry) else { return }
        authors[by.id] = by
        timeline.append(entry)
    }

    /// Applies an event to the client or its entity and describes it in its timeline `entry`; `false` when the
    /// change is left out (a creation that lost, a revision of an entity not held or by someone who may not).
    mutating func apply(
        _ event: CaseEvent, _ change: Change, by: JourneyActor, at: String, to entry: inout TimelineEntry
    ) -> Bool {
        switch event {
        case .clientRegistered(let registration): return register(registration, at: at, &entry)
        case .clientErased: client.name = nil
        case .clientMoved(let teamId):
            // Changes arrive in display order, so the last move shown is the current team.
            client.teamId = teamId
            entry.teamId = teamId
        case .contactSet(let update, let supersedes): setContact(update, supersedes, change, &entry)
        case .noteAdded(let content): return addNote(content, change, &entry)
        case .noteRevised(let content, let supersedes): return reviseNote(content, supersedes, change, &entry)
        case .assessmentRecorded(let assessment): return recordAssessment(assessment, change, by: by, &entry)
        case .clientViewRecorded(let assessment):
            clientViews[assessment.determinant, default: [:]][assessment.behaviour, default: []].append((change, assessment))
            entry.describe(assessment)
        case .referralAdded(let referral): return addReferral(referral, change, &entry)
        case .referralAnswered(let answer, let supersedes): return answerReferral(answer, supersedes, change, by: by, &entry)
        case .vacancyAdded(let vacancy):
            guard Self.isCreation(change, of: vacancies) else { return false }
            entry.describe(vacancy)
        case .vacancyUpdated(let vacancy, let supersedes):
            guard Self.revise(&vacancies, change, vacancy, supersedes) else { return false }
            entry.describe(vacancy, supersedes: supersedes)
        case .interventionStarted(let plan): return startIntervention(plan, change, &entry)
        case .interventionUpdated(let update, let supersedes): return updateIntervention(update, supersedes, change, &entry)
        case .goalAdded(let goal):
            guard Self.isCreation(change, of: goals) else { return false }
            entry.describe(goal)
        case .goalUpdated(let goal, let supersedes):
            guard Self.revise(&goals, change, goal, supersedes) else { return false }
            entry.describe(goal, supersedes: supersedes)
        case .agreementAdded(let agreement):
            guard Self.isCreation(change, of: agreements) else { return false }
            entry.describe(agreement)
        case .agreementUpdated(let agreement, let supersedes):
            guard Self.revise(&agreements, change, agreement, supersedes) else { return false }
            entry.describe(agreement, supersedes: supersedes)
        case .signalAcknowledged(let acknowledgement): acknowledge(acknowledgement, change, by: by, at: at, &entry)
        }
        return true
    }

    // MARK: Applying one event

    /// Whether `change` created its entity in `revisions` (the first creation in display order wins).
    static func isCreation<Value>(_ change: Change, of revisions: [String: [(Change, Value, [String])]]) -> Bool {
        revisions[change.entityId]?.first?.0.id == change.id
    }

    /// Appends a revision to its entity in `revisions`; `false` when the entity is not held.
    static func revise<Value>(
        _ revisions: inout [String: [(Change, Value, [String])]], _ change: Change, _ value: Value, _ supersedes: [String]
    ) -> Bool {
        guard revisions[change.entityId] != nil else { return false }
        revisions[change.entityId]!.append((change, value, supersedes))
        return true
    }

    /// The first registration shown names the client; later ones are left out.
    mutating func register(_ registration: ClientRegistration, at: String, _ entry: inout TimelineEntry) -> Bool {
        guard client.name == nil else { return false }
        client.name = registration.name
        client.teamId = registration.teamId
        client.registeredAt = at
        entry.teamId = registration.teamId
        return true
    }

    mutating func setContact(
        _ update: ContactUpdate, _ supersedes: [String], _ change: Change, _ entry: inout TimelineEntry
    ) {
        contact[update.field, default: []].append((change, update, supersedes))
        entry.field = update.field
        entry.value = update.value
        entry.cleared = update.value == nil ? true : nil
        entry.supersedes = supersedes
    }

    func addNote(_ content: NoteContent, _ change: Change, _ entry: inout TimelineEntry) -> Bool {
        guard notes[change.entityId]?.created.id == change.id else { return false }
        entry.describe(content)
        if content.visibility != .team { entry.visibility = content.visibility }
        return true
    }

    /// Only the note's author revises it.
    mutating func reviseNote(
        _ content: NoteContent, _ supersedes: [String], _ change: Change, _ entry: inout TimelineEntry
    ) -> Bool {
        guard let note = notes[change.entityId], note.created.authorId == change.authorId else { return false }
        notes[change.entityId]!.revisions.append((change, content, supersedes))
        entry.describe(content)
        entry.supersedes = supersedes
        return true
    }

    /// An assessment counts in its author's discipline (the administrator assesses nobody).
    mutating func recordAssessment(
        _ assessment: Assessment, _ change: Change, by: JourneyActor, _ entry: inout TimelineEntry
    ) -> Bool {
        guard let discipline = by.discipline else { return false }
        assessments[assessment.determinant, default: [:]][
            AssessmentSlot(discipline: discipline, behaviour: assessment.behaviour), default: []
        ].append((change, assessment))
        entry.describe(assessment)
        return true
    }

    func addReferral(_ referral: Referral, _ change: Change, _ entry: inout TimelineEntry) -> Bool {
        guard referrals[change.entityId]?.created.id == change.id else { return false }
        entry.to = referral.to
        entry.reason = referral.reason
        entry.status = ReferralStatus.open.rawValue
        return true
    }

    mutating func answerReferral(
        _ answer: ReferralAnswer, _ supersedes: [String], _ change: Change, by: JourneyActor, _ entry: inout TimelineEntry
    ) -> Bool {
        // Only the discipline the referral is addressed to answers it (CaseworkRules).
        guard let referral = referrals[change.entityId], referral.referral.to == by.discipline else { return false }
        referrals[change.entityId]!.answers.append((change, answer, supersedes))
        entry.to = referral.referral.to
        entry.reason = answer.reason
        entry.status = answer.status.rawValue
        entry.supersedes = supersedes
        return true
    }

    func startIntervention(_ plan: InterventionPlan, _ change: Change, _ entry: inout TimelineEntry) -> Bool {
        guard interventions[change.entityId]?.created.id == change.id else { return false }
        entry.kind = plan.kind
        entry.valence = plan.valence
        entry.targets = plan.targets
        entry.behaviour = plan.behaviour
        entry.status = plan.status.rawValue
        return true
    }

    /// Only the discipline that started an intervention updates it.
    mutating func updateIntervention(
        _ update: InterventionUpdate, _ supersedes: [String], _ change: Change, _ entry: inout TimelineEntry
    ) -> Bool {
        guard let intervention = interventions[change.entityId],
            intervention.created.authorDiscipline == change.authorDiscipline
        else { return false }
        interventions[change.entityId]!.updates.append((change, update, supersedes))
        entry.kind = intervention.plan.kind
        entry.behaviour = intervention.plan.behaviour
        entry.targets = update.targets
        entry.status = update.status.rawValue
        entry.supersedes = supersedes
        return true
    }

    mutating func acknowledge(
        _ acknowledgement: SignalAcknowledgement, _ change: Change, by: JourneyActor, at: String,
        _ entry: inout TimelineEntry
    ) {
        acknowledgements[ForceFieldSignal.currentKey(acknowledgement.signal), default: []].append(
            SignalAcknowledgementView(by: by, at: at, reason: acknowledgement.reason, changeId: change.id))
        entry.signal = acknowledgement.signal
        entry.reason = acknowledgement.reason
        // A signal keyed by an intervention is about that intervention's behaviour and targets, so the
        // acknowledgement stays in a timeline filtered by them.
        if let interventionId = ForceFieldSignal.parts(ofKey: acknowledgement.signal).interventionId,
            let intervention = interventions[interventionId]
        {
            entry.kind = intervention.plan.kind
            entry.behaviour = intervention.plan.behaviour
            entry.targets = intervention.plan.targets
        }
    }

    func journey() -> ClientJourney {
        var client = self.client
        client.contact = ContactField.allCases.compactMap(contactView)
        var journey = ClientJourney(
            format: ClientJourney.formatIdentifier,
            client: client,
            professionals: authors.values.sorted {
                ($0.discipline.map { Discipline.allCases.firstIndex(of: $0)! } ?? -1, $0.name, $0.id)
                    < ($1.discipline.map { Discipline.allCases.firstIndex(of: $0)! } ?? -1, $1.name, $1.id)
            },
            timeline: timeline,
            determinants: determinantRows(),
            notes: noteOrder.map(noteView),
            interventions: interventionOrder.map(interventionView),
            plan: PlanView(
                goal: PlanView.overarchingGoal, subGoals: goalOrder.map(goalView),
                agreements: agreementOrder.map(agreementView)),
            referrals: referralOrder.map(referralView),
            vacancies: vacancyOrder.map(vacancyView),
            forceField: ForceFieldView(asOf: nil, settings: settings, active: [], determinants: [], behaviours: [], signals: []))
        journey.forceField = ForceFieldAnalysis.analyse(
            journey, acknowledgements: acknowledgements, settings: settings, readAt: readAt)
        return journey
    }

    /// The current state of a revised entity: the revision shown as current, whether it is conflicted, and
    /// the other heads (the states concurrent updates left beside it) in display order.
    func current<State>(_ revisions: [(Change, State, [String])])
        -> (change: Change, state: State, conflicted: Bool, others: [(Change, State)])
    {
        let graph = revisions.map { Revision(id: $0.0.id, hlc: $0.0.hlc, supersedes: $0.2) }
        let heads = Set(RevisionMerge.heads(of: graph).map(\.id))
        let currentId = RevisionMerge.current(of: graph)!.id
        let current = revisions.first { $0.0.id == currentId }!
        let others = revisions.filter { heads.contains($0.0.id) && $0.0.id != currentId }
            .sorted { Change.displayOrder($0.0, $1.0) }.map { ($0.0, $0.1) }
        return (current.0, current.1, heads.count > 1, others)
    }

    func goalView(_ id: String) -> SubGoalView {
        let revisions = goals[id]!
        let created = revisions[0].0
        let (change, goal, conflicted, others) = current(revisions)
        return SubGoalView(
            id: id, title: goal.title, behaviour: goal.behaviour, targets: goal.targets, owner: goal.owner,
            due: goal.due?.text, status: goal.status, by: actor(created),
            createdAt: CalendarTime.iso8601(millis: created.hlc.wallMillis),
            updatedAt: CalendarTime.iso8601(millis: change.hlc.wallMillis), conflicted: conflicted,
            otherVersions: others.map { change, goal in
                SubGoalVersion(
                    changeId: change.id, at: CalendarTime.iso8601(millis: change.hlc.wallMillis), by: actor(change),
                    title: goal.title, behaviour: goal.behaviour, targets: goal.targets, owner: goal.owner,
                    due: goal.due?.text, status: goal.status)
            })
    }

    func agreementView(_ id: String) -> AgreementView {
        let revisions = agreements[id]!
        let created = revisions[0].0
        let (change, agreement, conflicted, others) = current(revisions)
        return AgreementView(
            id: id, text: agreement.text, responsible: agreement.responsible.code, due: agreement.due?.text,
            behaviour: agreement.behaviour, status: agreement.status, by: actor(created),
            createdAt: CalendarTime.iso8601(millis: created.hlc.wallMillis),
            updatedAt: CalendarTime.iso8601(millis: change.hlc.wallMillis), conflicted: conflicted,
            otherVersions: others.map { change, agreement in
                AgreementVersion(
                    changeId: change.id, at: CalendarTime.iso8601(millis: change.hlc.wallMillis), by: actor(change),
                    text: agreement.text, responsible: agreement.responsible.code, due: agreement.due?.text,
                    status: agreement.status)
            })
    }

    func determinantRows() -> [DeterminantRow] {
        Determinant.allCases.map { determinant in
            let slots = assessments[determinant] ?? [:]
            let current = slots.keys.sorted().compactMap { slot -> CurrentAssessment? in
                guard let history = slots[slot], let (change, latest) = history.last else { return nil }
                let previous = history.count > 1 ? history[history.count - 2].1.score : nil
                return CurrentAssessment(
                    discipline: slot.discipline, score: latest.score, previousScore: previous,
                    trend: Self.trend(latest.score, previous), behaviour: latest.behaviour,
                    explanation: latest.explanation, at: CalendarTime.iso8601(millis: change.hlc.wallMillis),
                    by: actor(change), changeId: change.id)
            }
            let known = current.compactMap(\.score.known)
            let disagreement = (known.max() ?? 0) - (known.min() ?? 0) >= settings.disagreementPoints
            let views = clientViews[determinant] ?? [:]
            let client = views.keys.sorted { ($0.map { CoreBehaviour.allCases.firstIndex(of: $0)! } ?? -1)
                < ($1.map { CoreBehaviour.allCases.firstIndex(of: $0)! } ?? -1) }
                .compactMap { behaviour -> ClientViewAssessment? in
                    guard let history = views[behaviour], let (change, latest) = history.last else { return nil }
                    let previous = history.count > 1 ? history[history.count - 2].1.score : nil
                    return ClientViewAssessment(
                        score: latest.score, previousScore: previous, trend: Self.trend(latest.score, previous),
                        behaviour: latest.behaviour, explanation: latest.explanation,
                        at: CalendarTime.iso8601(millis: change.hlc.wallMillis), recordedBy: actor(change),
                        changeId: change.id)
                }
            let clientDiffers = client.contains { view in
                guard let own = view.score.known, let theirs = ClientViewAssessment.furthest(from: view, among: current)?
                    .score.known
                else { return false }
                return abs(theirs - own) >= settings.disagreementPoints
            }
            return DeterminantRow(
                determinant: determinant, group: determinant.group, assessments: current, disagreement: disagreement,
                client: client, clientDiffers: clientDiffers)
        }
    }

    static func trend(_ now: AssessmentScore, _ before: AssessmentScore?) -> String? {
        guard let now = now.known, let before = before?.known else { return nil }
        return now > before ? "up" : now < before ? "down" : "same"
    }

    func vacancyView(_ id: String) -> VacancyView {
        let revisions = vacancies[id]!
        let created = revisions[0].0
        let (change, vacancy, conflicted, others) = current(revisions)
        return VacancyView(
            id: id, employer: vacancy.employer, title: vacancy.title, status: vacancy.status, contact: vacancy.contact,
            by: actor(created), createdAt: CalendarTime.iso8601(millis: created.hlc.wallMillis), updatedBy: actor(change),
            updatedAt: CalendarTime.iso8601(millis: change.hlc.wallMillis), conflicted: conflicted,
            otherVersions: others.map { change, vacancy in
                VacancyVersion(
                    changeId: change.id, at: CalendarTime.iso8601(millis: change.hlc.wallMillis), by: actor(change),
                    employer: vacancy.employer, title: vacancy.title, status: vacancy.status, contact: vacancy.contact)
            })
    }

    func referralView(_ id: String) -> ReferralView {
        let referral = referrals[id]!
        let created = referral.created
        var view = ReferralView(
            id: id, from: created.authorDiscipline.flatMap(Discipline.init(rawValue:)), to: referral.referral.to,
            reason: referral.referral.reason, by: actor(created),
            createdAt: CalendarTime.iso8601(millis: created.hlc.wallMillis), status: .open, conflicted: false,
            otherAnswers: [])
        // The first answer supersedes the referral itself; a later one, the answers it saw.
        let states = [(created, ReferralAnswer(status: .open), [String]())] + referral.answers
        let (change, answer, conflicted, others) = current(states)
        guard change.id != created.id else { return view }
        view.status = answer.status
        view.answeredBy = actor(change)
        view.answeredAt = CalendarTime.iso8601(millis: change.hlc.wallMillis)
        view.answerReason = answer.reason
        view.conflicted = conflicted
        view.otherAnswers = others.filter { $0.0.id != created.id }.map { change, answer in
            ReferralAnswerView(
                changeId: change.id, at: CalendarTime.iso8601(millis: change.hlc.wallMillis), by: actor(change),
                status: answer.status, reason: answer.reason)
        }
        return view
    }

    func contactView(_ field: ContactField) -> ContactFieldView? {
        guard let values = contact[field], !values.isEmpty else { return nil }
        let graph = values.map { Revision(id: $0.0.id, hlc: $0.0.hlc, supersedes: $0.2) }
        let heads = Set(RevisionMerge.heads(of: graph).map(\.id))
        let currentId = RevisionMerge.current(of: graph)!.id
        let revisions = values.map { change, update, supersedes in
            ContactRevisionView(
                changeId: change.id, at: CalendarTime.iso8601(millis: change.hlc.wallMillis), by: actor(change),
                value: update.value, supersedes: supersedes, isHead: heads.contains(change.id))
        }
        return ContactFieldView(
            field: field, current: revisions.first { $0.changeId == currentId }!, conflicted: heads.count > 1,
            revisions: revisions)
    }

    func noteView(_ id: String) -> NoteView {
        let note = notes[id]!
        let graph = note.revisions.map { Revision(id: $0.0.id, hlc: $0.0.hlc, supersedes: $0.2) }
        let heads = Set(RevisionMerge.heads(of: graph).map(\.id))
        let currentId = RevisionMerge.current(of: graph)!.id
        let revisions = note.revisions.sorted { Change.displayOrder($0.0, $1.0) }.map { change, content, supersedes in
            NoteRevisionView(
                changeId: change.id, at: CalendarTime.iso8601(millis: change.hlc.wallMillis), text: content.text,
                behaviour: content.behaviour, determinants: content.determinants, supersedes: supersedes,
                isHead: heads.contains(change.id))
        }
        let visibility: NoteVisibility = {
            if case .noteAdded(let content)? = try? CaseEvent.decode(note.created) { return content.visibility }
            return .team
        }()
        return NoteView(
            id: id, by: actor(note.created), visibility: visibility, createdAt: CalendarTime.iso8601(millis: note.created.hlc.wallMillis),
            current: revisions.first { $0.changeId == currentId }!, conflicted: heads.count > 1,
            revisions: revisions)
    }

    func interventionView(_ id: String) -> InterventionView {
        let intervention = interventions[id]!
        let plan = intervention.plan
        // The start is the first state (its status and targets); every update supersedes earlier states.
        let states = [(intervention.created, InterventionUpdate(status: plan.status, targets: plan.targets), [String]())]
            + intervention.updates
        let (change, state, conflicted, others) = current(states)
        return InterventionView(
            id: id, kind: plan.kind, label: InterventionCatalogue.kind(plan.kind)?.label, valence: plan.valence,
            behaviour: plan.behaviour,
            discipline: intervention.created.authorDiscipline.flatMap(Discipline.init(rawValue:)),
            by: actor(intervention.created),
            startedAt: CalendarTime.iso8601(millis: intervention.created.hlc.wallMillis), status: state.status,
            targets: state.targets, updatedAt: CalendarTime.iso8601(millis: change.hlc.wallMillis), conflicted: conflicted,
            revisions: states.map { Revision(id: $0.0.id, hlc: $0.0.hlc, supersedes: $0.2) }
                .sorted(by: RevisionMerge.precedes).map(\.id),
            otherVersions: others.map { change, state in
                InterventionVersion(
                    changeId: change.id, at: CalendarTime.iso8601(millis: change.hlc.wallMillis), by: actor(change),
                    status: state.status, targets: state.targets)
            })
    }
}

extension TimelineEntry {
    fileprivate init(at: String, hlc: HLCTimestamp, changeId: String, by: JourneyActor, event: String, entityId: String) {
        self.at = at
        self.hlc = hlc
        self.changeId = changeId
        self.by = by
        self.event = event
        self.entityId = entityId
    }

    fileprivate mutating func describe(_ content: NoteContent) {
        text = content.text
        behaviour = content.behaviour
        determinants = content.determinants
    }

    fileprivate mutating func describe(_ assessment: Assessment) {
        determinant = assessment.determinant
        score = assessment.score
        behaviour = assessment.behaviour
        text = assessment.explanation
    }

    fileprivate mutating func describe(_ vacancy: Vacancy) {
        employer = vacancy.employer
        title = vacancy.title
        status = vacancy.status.rawValue
        value = vacancy.contact
    }

    fileprivate mutating func describe(_ goal: SubGoal) {
        title = goal.title
        behaviour = goal.behaviour
        targets = goal.targets
        owner = goal.owner
        due = goal.due?.text
        status = goal.status.rawValue
    }

    fileprivate mutating func describe(_ agreement: Agreement) {
        text = agreement.text
        responsible = agreement.responsible.code
        due = agreement.due?.text
        behaviour = agreement.behaviour
        status = agreement.status.rawValue
    }

    fileprivate mutating func describe(_ vacancy: Vacancy, supersedes: [String]) {
        describe(vacancy)
        self.supersedes = supersedes
    }

    fileprivate mutating func describe(_ goal: SubGoal, supersedes: [String]) {
        describe(goal)
        self.supersedes = supersedes
    }

    fileprivate mutating func describe(_ agreement: Agreement, supersedes: [String]) {
        describe(agreement)
        self.supersedes = supersedes
    }
}

/// Where a current assessment is kept: one per discipline and core behaviour (none is a slot of its own).
private struct AssessmentSlot: Hashable, Comparable {
    let discipline: Discipline
    let behaviour: CoreBehaviour?

    static func < (lhs: AssessmentSlot, rhs: AssessmentSlot) -> Bool {
        if lhs.discipline != rhs.discipline { return lhs.discipline < rhs.discipline }
        switch (lhs.behaviour, rhs.behaviour) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case (let left?, let right?): return left < right
        }
    }
}

extension JourneyClient {
    fileprivate init(id: String) {
        self.id = id
    }
}
