public import ChangeLog

/// Limits on the content of writes, checked on the replica before a write is recorded and on the server.
public enum CaseworkLimits {
    /// The longest note text, in UTF-8 bytes (about ten pages).
    public static let maxNoteTextBytes = 32 * 1024
    /// The longest client name, in characters.
    public static let maxNameLength = 200
    /// The most revisions one revision may supersede.
    public static let maxSupersedes = 64
    /// The longest agreement text, in characters (one line).
    public static let maxAgreementLength = 500
    /// The longest one-line text: a sub-goal title, a signal key, a reason.
    public static let maxLineLength = 200
}

extension CaseEvent {
    /// The event's payload as stored in a ``Change``.
    public var payload: JSONValue {
        switch self {
        case .clientRegistered(let registration):
            return .object(["name": .string(registration.name), "teamId": .string(registration.teamId)])
        case .clientMoved(let teamId):
            return .object(["teamId": .string(teamId)])
        case .clientErased:
            return .object([:])
        case .contactSet(let update, let supersedes):
            return .object([
                "field": .string(update.field.rawValue), "value": update.value.map(JSONValue.string) ?? .null,
                "supersedes": .array(supersedes.map(JSONValue.string)),
            ])
        case .noteAdded(let content):
            var members = Self.noteMembers(content)
            if content.visibility != .team { members["visibility"] = .string(content.visibility.rawValue) }
            return .object(members)
        case .noteRevised(let content, let supersedes):
            var members = Self.noteMembers(content)
            members["supersedes"] = .array(supersedes.map(JSONValue.string))
            return .object(members)
        case .assessmentRecorded(let assessment), .clientViewRecorded(let assessment):
            var members: [String: JSONValue] = ["determinant": .string(assessment.determinant.rawValue)]
            switch assessment.score {
            case .known(let value): members["score"] = .int(Int64(value))
            case .unknown: members["score"] = .string("unknown")
            }
            if let behaviour = assessment.behaviour { members["behaviour"] = .string(behaviour.rawValue) }
            if let explanation = assessment.explanation { members["explanation"] = .string(explanation) }
            return .object(members)
        case .interventionStarted(let plan):
            var members: [String: JSONValue] = [
                "kind": .string(plan.kind), "valence": .string(plan.valence.rawValue),
                "targets": .array(plan.targets.map { .string($0.rawValue) }), "status": .string(plan.status.rawValue),
            ]
            if let behaviour = plan.behaviour { members["behaviour"] = .string(behaviour.rawValue) }
            return .object(members)
        case .interventionUpdated(let update, let supersedes):
            return .object([
                "status": .string(update.status.rawValue),
                "targets": .array(update.targets.map { .string($0.rawValue) }),
                "supersedes": .array(supersedes.map(JSONValue.string)),
            ])
        case .goalAdded(let goal):
            return .object(Self.goalMembers(goal))
        case .goalUpdated(let goal, let supersedes):
            var members = Self.goalMembers(goal)
            members["supersedes"] = .array(supersedes.map(JSONValue.string))
            return .object(members)
        case .agreementAdded(let agreement):
            return .object(Self.agreementMembers(agreement))
        case .agreementUpdated(let agreement, let supersedes):
            var members = Self.agreementMembers(agreement)
            members["supersedes"] = .array(supersedes.map(JSONValue.string))
            return .object(members)
        case .signalAcknowledged(let acknowledgement):
            return .object(["signal": .string(acknowledgement.signal), "reason": .string(acknowledgement.reason)])
        case .referralAdded(let referral):
            return .object(["to": .string(referral.to.rawValue), "reason": .string(referral.reason)])
        case .vacancyAdded(let vacancy):
            return .object(Self.vacancyMembers(vacancy))
        case .vacancyUpdated(let vacancy, let supersedes):
            var members = Self.vacancyMembers(vacancy)
            members["supersedes"] = .array(supersedes.map(JSONValue.string))
            return .object(members)
        case .referralAnswered(let answer, let supersedes):
            var members: [String: JSONValue] = [
                "status": .string(answer.status.rawValue), "supersedes": .array(supersedes.map(JSONValue.string)),
            ]
            if let reason = answer.reason { members["reason"] = .string(reason) }
            return .object(members)
        }
    }

    private static func goalMembers(_ goal: SubGoal) -> [String: JSONValue] {
        var members: [String: JSONValue] = [
            "title": .string(goal.title), "behaviour": .string(goal.behaviour.rawValue),
            "targets": .array(goal.targets.map { .string($0.rawValue) }), "owner": .string(goal.owner.code),
            "status": .string(goal.status.rawValue),
        ]
        if let due = goal.due { members["due"] = .string(due.text) }
        return members
    }

    private static func agreementMembers(_ agreement: Agreement) -> [String: JSONValue] {
        var members: [String: JSONValue] = [
            "text": .string(agreement.text), "responsible": .string(agreement.responsible.code),
            "status": .string(agreement.status.rawValue),
        ]
        if let due = agreement.due { members["due"] = .string(due.text) }
        if let behaviour = agreement.behaviour { members["behaviour"] = .string(behaviour.rawValue) }
        return members
    }

    private static func vacancyMembers(_ vacancy: Vacancy) -> [String: JSONValue] {
        var members: [String: JSONValue] = [
            "employer": .string(vacancy.employer), "title": .string(vacancy.title), "status": .string(vacancy.status.rawValue),
        ]
        if let contact = vacancy.contact { members["contact"] = .string(contact) }
        return members
    }

    private static func noteMembers(_ content: NoteContent) -> [String: JSONValue] {
        var members: [String: JSONValue] = [
            "text": .string(content.text),
            "determinants": .array(content.determinants.map { .string($0.rawValue) }),
        ]
        if let behaviour = content.behaviour { members["behaviour"] = .string(behaviour.rawValue) }
        return members
    }

    /// Reads a change as a domain event and checks its content.
    ///
    /// - Parameters:
    ///   - change: The change to read.
    ///   - strict: When `true` (the server), unknown operations and unknown payload members are errors.
    ///     When `false` (a replica), a change from a newer version is kept but not projected: the result
    ///     is `nil`, and unknown members are ignored.
    /// - Throws: ``CaseworkError`` when the payload does not have the shape its operation requires.
    public static func decode(_ change: Change, strict: Bool = false) throws(CaseworkError) -> CaseEvent? {
        let reader = try PayloadReader(change.payload)
        guard let decoder = decoders[OperationKey(change.entityType, change.operation)] else {
            if strict {
                throw CaseworkError(
                    code: "unknownOperation",
                    message: "unknown operation \(change.entityType).\(change.operation)")
            }
            return nil
        }
        try reader.allow(decoder.members, strict: strict)
        return try decoder.read(reader)
    }

    /// How each operation is read: the payload members it may have, and its event from them (members are
    /// checked in the order read, so the first error named is always the same).
    private static let decoders: [OperationKey: PayloadDecoder] = [
        OperationKey("client", "register"): PayloadDecoder(["name", "teamId"]) { reader throws(CaseworkError) in
            .clientRegistered(ClientRegistration(name: try reader.name("name"), teamId: try reader.identifier("teamId")))
        },
        OperationKey("client", "move"): PayloadDecoder(["teamId"]) { reader throws(CaseworkError) in
            .clientMoved(teamId: try reader.identifier("teamId"))
        },
        OperationKey("client", "erase"): PayloadDecoder([]) { _ in .clientErased },
        OperationKey("client", "setContact"): PayloadDecoder(["field", "value", "supersedes"]) { reader throws(CaseworkError) in
            .contactSet(try reader.contactUpdate(), supersedes: try reader.supersedes(allowNone: true))
        },
        OperationKey("note", "add"): PayloadDecoder(["text", "behaviour", "determinants", "visibility"]) {
            reader throws(CaseworkError) in
            var content = try reader.noteContent()
            content.visibility = try reader.optionalValue("visibility", NoteVisibility.init(rawValue:)) ?? .team
            return .noteAdded(content)
        },
        OperationKey("note", "revise"): PayloadDecoder(["text", "behaviour", "determinants", "supersedes"]) {
            reader throws(CaseworkError) in
            .noteRevised(try reader.noteContent(), supersedes: try reader.supersedes())
        },
        OperationKey("assessment", "record"): PayloadDecoder(assessmentMembers) { reader throws(CaseworkError) in
            .assessmentRecorded(try reader.assessment())
        },
        OperationKey("selfAssessment", "record"): PayloadDecoder(assessmentMembers) { reader throws(CaseworkError) in
            .clientViewRecorded(try reader.assessment())
        },
        OperationKey("referral", "add"): PayloadDecoder(["to", "reason"]) { reader throws(CaseworkError) in
            .referralAdded(Referral(
                to: try reader.value("to", Discipline.init(rawValue:)),
                reason: try reader.line("reason", maxLength: CaseworkLimits.maxLineLength)))
        },
        OperationKey("referral", "answer"): PayloadDecoder(["status", "reason", "supersedes"]) { reader throws(CaseworkError) in
            .referralAnswered(try reader.referralAnswer(), supersedes: try reader.supersedes())
        },
        OperationKey("intervention", "start"): PayloadDecoder(["kind", "valence", "targets", "behaviour", "status"]) {
            reader throws(CaseworkError) in
            .interventionStarted(try reader.interventionPlan())
        },
        OperationKey("intervention", "update"): PayloadDecoder(["status", "targets", "supersedes"]) {
            reader throws(CaseworkError) in
            .interventionUpdated(
                InterventionUpdate(
                    status: try reader.value("status", InterventionStatus.init(rawValue:)),
                    targets: try reader.determinants("targets", atLeastOne: true)),
                supersedes: try reader.supersedes())
        },
        OperationKey("goal", "add"): PayloadDecoder(goalMembers) { reader throws(CaseworkError) in
            .goalAdded(try reader.subGoal())
        },
        OperationKey("goal", "update"): PayloadDecoder(goalMembers.union(["supersedes"])) { reader throws(CaseworkError) in
            .goalUpdated(try reader.subGoal(), supersedes: try reader.supersedes())
        },
        OperationKey("agreement", "add"): PayloadDecoder(agreementMembers) { reader throws(CaseworkError) in
            .agreementAdded(try reader.agreement())
        },
        OperationKey("agreement", "update"): PayloadDecoder(agreementMembers.union(["supersedes"])) {
            reader throws(CaseworkError) in
            .agreementUpdated(try reader.agreement(), supersedes: try reader.supersedes())
        },
        OperationKey("vacancy", "add"): PayloadDecoder(vacancyMembers) { reader throws(CaseworkError) in
            .vacancyAdded(try reader.vacancy())
        },
        OperationKey("vacancy", "update"): PayloadDecoder(vacancyMembers.union(["supersedes"])) { reader throws(CaseworkError) in
            .vacancyUpdated(try reader.vacancy(), supersedes: try reader.supersedes())
        },
        OperationKey("signal", "acknowledge"): PayloadDecoder(["signal", "reason"]) { reader throws(CaseworkError) in
            .signalAcknowledged(SignalAcknowledgement(
                signal: try reader.line("signal", maxLength: CaseworkLimits.maxLineLength),
                reason: try reader.line("reason", maxLength: CaseworkLimits.maxLineLength)))
        },
    ]

    private static let assessmentMembers: Set<String> = ["determinant", "score", "behaviour", "explanation"]
    private static let goalMembers: Set<String> = ["title", "behaviour", "targets", "owner", "due", "status"]
    private static let agreementMembers: Set<String> = ["text", "responsible", "due", "behaviour", "status"]
    private static let vacancyMembers: Set<String> = ["employer", "title", "status", "contact"]
}

/// An operation on an entity type, such as `note.revise`.
private struct OperationKey: Hashable {
    let entityType: String
    let operation: String

    init(_ entityType: String, _ operation: String) {
        self.entityType = entityType
        self.operation = operation
    }
}

/// How one operation's payload is read: the members it may have, and the event built from them.
private struct PayloadDecoder: Sendable {
    let members: Set<String>
    let read: @Sendable (PayloadReader) throws(CaseworkError) -> CaseEvent

    init(_ members: Set<String>, read: @escaping @Sendable (PayloadReader) throws(CaseworkError) -> CaseEvent) {
        self.members = members
        self.read = read
    }
}

/// Reads payload members with precise error messages that name the member, never its content.
private struct PayloadReader {
    let members: [String: JSONValue]

    init(_ payload: JSONValue) throws(CaseworkError) {
        guard case .object(let members) = payload else { throw .invalidPayload("payload must be a JSON object") }
        self.members = members
    }

    func allow(_ keys: Set<String>, strict: Bool) throws(CaseworkError) {
        guard strict else { return }
        if let unknown = members.keys.sorted().first(where: { !keys.contains($0) }) {
            // The name is the sender's: quoted only in part, so an answer never echoes more than a line.
            let name = unknown.count > 40 ? unknown.prefix(40) + "…" : unknown
            throw .invalidPayload("unknown payload member '\(name)'")
        }
    }

    func string(_ key: String) throws(CaseworkError) -> String {
        guard case .string(let value)? = members[key] else { throw .invalidPayload("'\(key)' must be a string") }
        return value
    }

    func identifier(_ key: String) throws(CaseworkError) -> String {
        let value = try string(key)
        guard Identifier.isValid(value) else { throw .invalidPayload("'\(key)' must be a lowercase UUID") }
        return value
    }

    func name(_ key: String) throws(CaseworkError) -> String {
        let value = try string(key)
        try TextRules.checkName(value, field: "'\(key)'")
        return value
    }

    /// A one-line text member of 1…`maxLength` characters.
    func line(_ key: String, maxLength: Int) throws(CaseworkError) -> String {
        let value = try string(key)
        guard TextRules.hasContent(value), TextRules.fits(value, characters: maxLength), TextRules.isSingleLine(value) else {
            throw .invalidPayload("'\(key)' must be one line of 1–\(maxLength) characters")
        }
        return value
    }

    /// A one-line text member, or `nil` when absent or `null`.
    func optionalLine(_ key: String, maxLength: Int) throws(CaseworkError) -> String? {
        guard let member = members[key], member != .null else { return nil }
        return try line(key, maxLength: maxLength)
    }

    func value<T>(_ key: String, _ make: (String) -> T?) throws(CaseworkError) -> T {
        guard let value = make(try string(key)) else { throw .invalidPayload("'\(key)' has an unknown value") }
        return value
    }

    func optionalValue<T>(_ key: String, _ make: (String) -> T?) throws(CaseworkError) -> T? {
        guard let member = members[key], member != .null else { return nil }
        return try value(key, make)
    }

    func score(_ key: String) throws(CaseworkError) -> AssessmentScore {
        switch members[key] {
        case .int(let value)? where AssessmentScore.range.contains(Int(value)): return .known(Int(value))
        case .string("unknown")?: return .unknown
        default: throw .invalidPayload("'\(key)' must be 1–5 or \"unknown\"")
        }
    }

    func determinants(_ key: String, atLeastOne: Bool) throws(CaseworkError) -> [Determinant] {
        guard let member = members[key], member != .null else {
            if atLeastOne { throw .invalidPayload("'\(key)' must name at least one determinant") }
            return []
        }
        guard case .array(let items) = member else { throw .invalidPayload("'\(key)' must be an array") }
        var result: [Determinant] = []
        for item in items {
            guard case .string(let raw) = item, let determinant = Determinant(rawValue: raw) else {
                throw .invalidPayload("'\(key)' contains an unknown determinant")
            }
            guard !result.contains(determinant) else { throw .invalidPayload("'\(key)' repeats a determinant") }
            result.append(determinant)
        }
        if atLeastOne && result.isEmpty { throw .invalidPayload("'\(key)' must name at least one determinant") }
        return result
    }

    func supersedes(allowNone: Bool = false) throws(CaseworkError) -> [String] {
        guard case .array(let items)? = members["supersedes"] else {
            throw .invalidPayload("'supersedes' must be an array of change ids")
        }
        var ids: [String] = []
        for item in items {
            guard case .string(let id) = item, Identifier.isValid(id) else {
                throw .invalidPayload("'supersedes' must contain change ids (lowercase UUIDs)")
            }
            if !ids.contains(id) { ids.append(id) }
        }
        guard ((allowNone ? 0 : 1)...CaseworkLimits.maxSupersedes).contains(ids.count) else {
            throw .invalidPayload(
                "'supersedes' must name \(allowNone ? 0 : 1)–\(CaseworkLimits.maxSupersedes) revisions")
        }
        return ids
    }

    func noteContent() throws(CaseworkError) -> NoteContent {
        let text = try string("text")
        guard TextRules.hasContent(text) else { throw .invalidPayload("'text' must not be empty") }
        guard text.utf8.count <= CaseworkLimits.maxNoteTextBytes else {
            throw .invalidPayload("'text' is longer than \(CaseworkLimits.maxNoteTextBytes) bytes")
        }
        guard TextRules.hasOnlyPrintableOrLayout(text) else {
            throw .invalidPayload("'text' contains control characters")
        }
        return NoteContent(
            text: text, behaviour: try optionalValue("behaviour", CoreBehaviour.init(rawValue:)),
            determinants: try determinants("determinants", atLeastOne: false))
    }

    /// A contact field and its new value; `value` absent or `null` clears the field.
    func contactUpdate() throws(CaseworkError) -> ContactUpdate {
        let field = try value("field", ContactField.init(rawValue:))
        guard let member = members["value"], member != .null else { return ContactUpdate(field: field, value: nil) }
        let text = try string("value")
        guard TextRules.hasContent(text), TextRules.fits(text, characters: field.maxLength), TextRules.isSingleLine(text) else {
            throw .invalidPayload("'value' must be one line of 1–\(field.maxLength) characters, or null to clear")
        }
        return ContactUpdate(field: field, value: text)
    }

    func assessment() throws(CaseworkError) -> Assessment {
        Assessment(
            determinant: try value("determinant", Determinant.init(rawValue:)),
            score: try score("score"),
            behaviour: try optionalValue("behaviour", CoreBehaviour.init(rawValue:)),
            explanation: try optionalLine("explanation", maxLength: CaseworkLimits.maxLineLength))
    }

    /// An answer: accepted, or declined with a reason.
    func referralAnswer() throws(CaseworkError) -> ReferralAnswer {
        let status = try value("status", ReferralStatus.init(rawValue:))
        let reason = try optionalLine("reason", maxLength: CaseworkLimits.maxLineLength)
        guard status != .open else { throw .invalidPayload("'status' must be accepted or declined") }
        guard status == .accepted || reason != nil else {
            throw .invalidPayload("a declined referral needs a 'reason'")
        }
        return ReferralAnswer(status: status, reason: reason)
    }

    /// A plan of a well-formed kind that starts as planned or active.
    func interventionPlan() throws(CaseworkError) -> InterventionPlan {
        let kind = try string("kind")
        guard InterventionCatalogue.isValidCode(kind) else {
            throw .invalidPayload("kind must be 1–64 letters, digits, '-' or '_'")
        }
        let status = try value("status", InterventionStatus.init(rawValue:))
        guard status != .ended else { throw .invalidPayload("an intervention starts as planned or active") }
        return InterventionPlan(
            kind: kind, valence: try value("valence", Valence.init(rawValue:)),
            targets: try determinants("targets", atLeastOne: true),
            behaviour: try optionalValue("behaviour", CoreBehaviour.init(rawValue:)), status: status)
    }

    func subGoal() throws(CaseworkError) -> SubGoal {
        SubGoal(
            title: try line("title", maxLength: CaseworkLimits.maxLineLength),
            behaviour: try value("behaviour", CoreBehaviour.init(rawValue:)),
            targets: try determinants("targets", atLeastOne: true),
            owner: try value("owner", Responsible.init(code:)),
            due: try optionalValue("due", CalendarDate.init),
            status: try value("status", GoalStatus.init(rawValue:)))
    }

    func agreement() throws(CaseworkError) -> Agreement {
        Agreement(
            text: try line("text", maxLength: CaseworkLimits.maxAgreementLength),
            responsible: try value("responsible", Responsible.init(code:)),
            due: try optionalValue("due", CalendarDate.init),
            behaviour: try optionalValue("behaviour", CoreBehaviour.init(rawValue:)),
            status: try value("status", AgreementStatus.init(rawValue:)))
    }

    func vacancy() throws(CaseworkError) -> Vacancy {
        Vacancy(
            employer: try line("employer", maxLength: CaseworkLimits.maxLineLength),
            title: try line("title", maxLength: CaseworkLimits.maxLineLength),
            status: try value("status", VacancyStatus.init(rawValue:)),
            contact: try optionalLine("contact", maxLength: CaseworkLimits.maxLineLength))
    }
}

/// Checks on free text shared by every text field.
public enum TextRules {
    /// Checks a name (team, professional, client): one line of 1–``CaseworkLimits/maxNameLength`` characters.
    public static func checkName(_ name: String, field: String) throws(CaseworkError) {
        guard hasContent(name), fits(name, characters: CaseworkLimits.maxNameLength), isSingleLine(name) else {
            throw .invalidPayload("\(field) must be one line of 1–\(CaseworkLimits.maxNameLength) characters")
        }
    }

    /// Whether the text has at most `characters` characters (grapheme clusters) and at most four times as many
    /// UTF-8 bytes: the byte bound keeps a "character" of a thousand combining marks from being stored, and
    /// lets the spec state every limit as a `maxLength` (code points never outnumber bytes).
    public static func fits(_ text: String, characters: Int) -> Bool {
        text.utf8.count <= 4 * characters && text.count <= characters
    }

    /// Whether the text has at least one character that is not whitespace.
    public static func hasContent(_ text: String) -> Bool {
        text.unicodeScalars.contains { !$0.properties.isWhitespace }
    }

    /// Whether the text has no line breaks or other control characters.
    public static func isSingleLine(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// Whether the only control characters are tab, line feed and carriage return.
    static func hasOnlyPrintableOrLayout(_ text: String) -> Bool {
        // Control characters (general category Cc) are exactly U+0000–U+001F and U+007F–U+009F: in UTF-8 the
        // bytes below 0x20, 0x7F, and 0xC2 followed by 0x80–0x9F. Checked on bytes, without Unicode tables.
        var afterC2 = false
        for byte in text.utf8 {
            if afterC2 && (0x80...0x9F).contains(byte) { return false }
            afterC2 = byte == 0xC2
            if byte == 0x7F || (byte < 0x20 && byte != 0x0A && byte != 0x09 && byte != 0x0D) { return false }
        }
        return true
    }
}
