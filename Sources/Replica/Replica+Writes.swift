public import Casework
import ChangeLog
import GRDB
import SyncProtocol

extension Replica {
    /// Writes a case note about a client; returns the note id.
    public func addNote(clientId: String, _ content: NoteContent) async throws -> String {
        try await record(.noteAdded(content), clientId: clientId, entityId: nil).entityId
    }

    /// Writes a new revision of one of your notes; the earlier text is kept. Fields not given keep their
    /// current value. Returns the revision's change id.
    ///
    /// The revision supersedes every current revision, so it also resolves a conflict between concurrent edits.
    public func reviseNote(
        noteId: String, text: String, behaviour: CoreBehaviour?? = nil, determinants: [Determinant]? = nil
    ) async throws -> String {
        try await pool.write { db in
            let (current, heads) = try self.currentState(of: noteId, type: "note", db: db)
            let before: NoteContent
            switch current {
            case .noteAdded(let content)?, .noteRevised(let content, _)?: before = content
            default: throw ReplicaError(code: ReplicaError.unknownEntity, message: "\(noteId) is not a note")
            }
            let content = NoteContent(
                text: text, behaviour: behaviour ?? before.behaviour, determinants: determinants ?? before.determinants)
            return try self.record(.noteRevised(content, supersedes: heads), entityId: noteId, db: db).id
        }
    }

    /// Records a determinant assessment (immutable); returns its id.
    public func recordAssessment(clientId: String, _ assessment: Assessment) async throws -> String {
        try await record(.assessmentRecorded(assessment), clientId: clientId, entityId: nil).entityId
    }

    /// Records the client's own view of a determinant, written down with the client (immutable); returns its id.
    /// The journey shows it beside the professionals' assessments, marked as the client's.
    public func recordClientView(clientId: String, _ assessment: Assessment) async throws -> String {
        try await record(.clientViewRecorded(assessment), clientId: clientId, entityId: nil).entityId
    }

    /// Refers the client to another discipline (a hand-over); returns the referral's id.
    public func addReferral(clientId: String, _ referral: Referral) async throws -> String {
        try await record(.referralAdded(referral), clientId: clientId, entityId: nil).entityId
    }

    /// Answers a referral addressed to your discipline; returns the change id. The answer supersedes the
    /// current ones, so it also settles concurrent answers.
    public func answerReferral(referralId: String, _ answer: ReferralAnswer) async throws -> String {
        try await pool.write { db in
            let (_, heads) = try self.currentState(of: referralId, type: "referral", db: db)
            return try self.record(.referralAnswered(answer, supersedes: heads), entityId: referralId, db: db).id
        }
    }

    /// Records a vacancy the client is mediated to; returns its id.
    public func addVacancy(clientId: String, _ vacancy: Vacancy) async throws -> String {
        try await record(.vacancyAdded(vacancy), clientId: clientId, entityId: nil).entityId
    }

    /// Writes the new state of a vacancy (built from its current state); returns the change id.
    public func updateVacancy(vacancyId: String, _ change: @Sendable (inout Vacancy) -> Void) async throws -> String {
        try await update(vacancyId, type: "vacancy", named: "a vacancy", change, state: { event in
            switch event {
            case .vacancyAdded(let state)?, .vacancyUpdated(let state, _)?: state
            default: nil
            }
        }, event: CaseEvent.vacancyUpdated)
    }

    /// Starts (or plans) an intervention; returns its id.
    public func startIntervention(clientId: String, _ plan: InterventionPlan) async throws -> String {
        try await record(.interventionStarted(plan), clientId: clientId, entityId: nil).entityId
    }

    /// Sets the status (and optionally the targets) of an intervention of your discipline; returns the
    /// change id.
    public func updateIntervention(
        interventionId: String, status: InterventionStatus, targets: [Determinant]? = nil
    ) async throws -> String {
        try await pool.write { db in
            let (current, heads) = try self.currentState(of: interventionId, type: "intervention", db: db)
            let currentTargets: [Determinant]
            switch current {
            case .interventionStarted(let plan)?: currentTargets = plan.targets
            case .interventionUpdated(let update, _)?: currentTargets = update.targets
            default:
                throw ReplicaError(code: ReplicaError.unknownEntity, message: "\(interventionId) is not an intervention")
            }
            let update = InterventionUpdate(status: status, targets: targets ?? currentTargets)
            return try self.record(
                .interventionUpdated(update, supersedes: heads), entityId: interventionId, db: db
            ).id
        }
    }

    /// Sets (or, with `nil`, clears) a contact detail of a client; returns the change id.
    ///
    /// The change supersedes the field's current values, so it also resolves a conflict on that field.
    public func setContact(clientId: String, _ field: ContactField, to value: String?) async throws -> String {
        try await pool.write { db in
            guard try ChangeStore.facts(forEntity: clientId, db: db) != nil else {
                throw ReplicaError.unknownClient(clientId)
            }
            let heads = try ChangeStore.contactHeads(clientId: clientId, field: field, db: db)
            return try self.record(
                .contactSet(ContactUpdate(field: field, value: value), supersedes: heads), entityId: clientId, db: db
            ).id
        }
    }

    /// Adds a sub-goal to the client's plan; returns its id.
    public func addGoal(clientId: String, _ goal: SubGoal) async throws -> String {
        try await record(.goalAdded(goal), clientId: clientId, entityId: nil).entityId
    }

    /// Writes the new state of a sub-goal (built from its current state); returns the change id.
    public func updateGoal(goalId: String, _ change: @Sendable (inout SubGoal) -> Void) async throws -> String {
        try await update(goalId, type: "goal", named: "a sub-goal", change, state: { event in
            switch event {
            case .goalAdded(let state)?, .goalUpdated(let state, _)?: state
            default: nil
            }
        }, event: CaseEvent.goalUpdated)
    }

    /// Records an agreement with the client; returns its id.
    public func addAgreement(clientId: String, _ agreement: Agreement) async throws -> String {
        try await record(.agreementAdded(agreement), clientId: clientId, entityId: nil).entityId
    }

    /// Writes the new state of an agreement (built from its current state); returns the change id.
    public func updateAgreement(agreementId: String, _ change: @Sendable (inout Agreement) -> Void) async throws -> String {
        try await update(agreementId, type: "agreement", named: "an agreement", change, state: { event in
            switch event {
            case .agreementAdded(let state)?, .agreementUpdated(let state, _)?: state
            default: nil
            }
        }, event: CaseEvent.agreementUpdated)
    }

    /// Acknowledges a force-field signal with a short reason; returns the acknowledgement's id.
    ///
    /// - Throws: ``ReplicaError`` `unknownSignal` when the client's journey has no signal with that key now.
    public func acknowledgeSignal(clientId: String, key: String, reason: String,
                                  settings: ForceFieldSettings = .standard, readAt: Int64? = nil) async throws -> String {
        var readAt = readAt
        if readAt == nil { readAt = try await readToday() }
        let journey = try await journey(clientId: clientId, settings: settings, readAt: readAt)
        guard journey.forceField.signals.contains(where: { $0.key == key }) else {
            throw ReplicaError(code: ReplicaError.unknownSignal, message: "the journey of \(clientId) has no signal \(key) now")
        }
        return try await record(
            .signalAcknowledged(SignalAcknowledgement(signal: key, reason: reason)), clientId: clientId, entityId: nil
        ).entityId
    }

    /// The current state of an intervention in this replica.
    public func currentIntervention(_ interventionId: String) async throws -> InterventionUpdate {
        try await pool.read { db in
            switch try self.currentState(of: interventionId, type: "intervention", db: db).event {
            case .interventionStarted(let plan)?: return InterventionUpdate(status: plan.status, targets: plan.targets)
            case .interventionUpdated(let update, _)?: return update
            default:
                throw ReplicaError(code: ReplicaError.unknownEntity, message: "\(interventionId) is not an intervention")
            }
        }
    }

    /// Ends an intervention of your discipline; returns the change id.
    public func endIntervention(interventionId: String) async throws -> String {
        try await updateIntervention(interventionId: interventionId, status: .ended)
    }

    // MARK: - Recording

    private func record(_ event: CaseEvent, clientId: String, entityId: String?) async throws -> Change {
        try await pool.write { db in
            let known = try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM clients WHERE id = ? AND name IS NOT NULL)"),
                arguments: [clientId])
            guard known == true else {
                throw ReplicaError.unknownClient(clientId)
            }
            return try self.record(event, clientId: clientId, entityId: entityId, db: db)
        }
    }

    private func record(_ event: CaseEvent, entityId: String, db: Database) throws -> Change {
        guard let facts = try ChangeStore.facts(forEntity: entityId, db: db) else {
            throw ReplicaError(code: ReplicaError.unknownEntity, message: "no \(event.entityType) \(entityId) in this replica")
        }
        return try record(event, clientId: facts.clientId, entityId: entityId, db: db)
    }

    /// Stamps, checks and stores a local write with its projections and outbox entry.
    func record(_ event: CaseEvent, clientId: String, entityId: String?, db: Database) throws -> Change {
        let identity = try Self.identity(db)
        let wall = wallMillis() + (try ClockState.offset(db))
        let hlc = try Self.withClock(db) { $0.tick(wallMillis: wall) }
        let change = Change(
            id: Identifier.make(wallMillis: wall), clientId: clientId, entityType: event.entityType,
            entityId: entityId ?? Identifier.make(wallMillis: wall), operation: event.operation,
            payload: event.payload, hlc: hlc, authorId: identity.professional.id,
            authorDiscipline: identity.professional.discipline.rawValue, deviceId: identity.deviceId)
        let facts = try ChangeStore.facts(forEntity: change.entityId, db: db)
        do throws(CaseworkError) {
            guard let checked = try CaseEvent.decode(change, strict: true) else {
                throw CaseworkError(code: "unknownOperation", message: "unknown operation")
            }
            try CaseworkRules.check(change, event: checked, entity: facts)
        } catch {
            throw ReplicaError(code: ErrorCode(error.code), message: error.message)
        }
        try ChangeStore.insert([change], recordedAt: wall, db: db)
        try db.cachedStatement(sql: "INSERT INTO outbox (change_id) VALUES (?)").execute(arguments: [change.id])
        return change
    }

    /// Writes the next full state of a revised entity (sub-goal, agreement, vacancy): its current state, read
    /// by `state` from the current revision, changed by `change`, as the `event` that supersedes every head.
    private func update<State: Sendable>(
        _ entityId: String, type: String, named noun: String, _ change: @Sendable (inout State) -> Void,
        state: @Sendable (CaseEvent?) -> State?, event: @Sendable (State, [String]) -> CaseEvent
    ) async throws -> String {
        try await pool.write { db in
            let (current, heads) = try self.currentState(of: entityId, type: type, db: db)
            guard var value = state(current) else {
                throw ReplicaError(code: ReplicaError.unknownEntity, message: "\(entityId) is not \(noun)")
            }
            change(&value)
            return try self.record(event(value, heads), entityId: entityId, db: db).id
        }
    }

    private func currentState(of entityId: String, type: String, db: Database) throws
        -> (event: CaseEvent?, heads: [String])
    {
        guard let (current, heads) = try ChangeStore.current(entityId: entityId, db: db), current.entityType == type
        else {
            throw ReplicaError(code: ReplicaError.unknownEntity, message: "no \(type) \(entityId) in this replica")
        }
        return (try? CaseEvent.decode(current), heads)
    }
}
