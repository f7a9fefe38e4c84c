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
        let event: CaseEvent
        switch (change.entityType, change.operation) {
        case ("client", "register"):
            try reader.allow(["name", "teamId"], strict: strict)
            event = .clientRegistered(
                ClientRegistration(name: try reader.name("name"), teamId: try reader.identifier("teamId")))
        case ("client", "move"):
            try reader.allow(["teamId"], strict: strict)
            event = .clientMoved(teamId: try reader.identifier("teamId"))
        case ("client", "erase"):
            try reader.allow([], strict: strict)
            event = .clientErased
        case ("client", "setContact"):
            try reader.allow(["field", "value", "supersedes"], strict: strict)
            let field = try reader.value("field", ContactField.init(rawValue:))
            var value: String?
            if let member = reader.members["value"], member != .null {
                value = try reader.string("value")
                guard TextRules.hasContent(value!), TextRules.fits(value!, characters: field.maxLength), TextRules.isSingleLine(value!) else {
                    throw .invalidPayload("'value' must be one line of 1–\(field.maxLength) characters, or null to clear")
                }
            }
            event = .contactSet(ContactUpdate(field: field, value: value), supersedes: try reader.supersedes(allowNone: true))
        case ("note", "add"):
            try reader.allow(["text", "behaviour", "determinants", "visibility"], strict: strict)
            var content = try reader.noteContent()
            content.visibility = try reader.optionalValue("visibility", NoteVisibility.init(rawValue:)) ?? .team
            event = .noteAdded(content)
        case ("note", "revise"):
            try reader.allow(["text", "behaviour", "determinants", "supersedes"], strict: strict)
            event = .noteRevised(try reader.noteContent(), supersedes: try reader.supersedes())
        case ("assessment", "record"), ("selfAssessment", "record"):
            try reader.allow(["determinant", "score", "behaviour", "explanation"], strict: strict)
            let assessment = Assessment(
                determinant: try reader.value("determinant", Determinant.init(rawValue:)),
                score: try reader.score("score"),
                behaviour: try reader.optionalValue("behaviour", CoreBehaviour.init(rawValue:)),
                explanation: try reader.optionalLine("explanation", maxLength: CaseworkLimits.maxLineLength))
            event = change.entityType == "assessment" ? .assessmentRecorded(assessment) : .clientViewRecorded(assessment)
        case ("referral", "add"):
            try reader.allow(["to", "reason"], strict: strict)
            event = .referralAdded(Referral(
                to: try reader.value("to", Discipline.init(rawValue:)),
                reason: try reader.line("reason", maxLength: CaseworkLimits.maxLineLength)))
        case ("referral", "answer"):
            try reader.allow(["status", "reason", "supersedes"], strict: strict)
            let status = try reader.value("status", ReferralStatus.init(rawValue:))
            let reason = try reader.optionalLine("reason", maxLength: CaseworkLimits.maxLineLength)
            guard status != .open else { throw .invalidPayload("'status' must be accepted or declined") }
            guard status == .accepted || reason != nil else {
                throw .invalidPayload("a declined referral needs a 'reason'")
            }
            event = .referralAnswered(ReferralAnswer(status: status, reason: reason), supersedes: try reader.supersedes())
        case ("intervention", "start"):
            try reader.allow(["kind", "valence", "targets", "behaviour", "status"], strict: strict)
            let kind = try reader.string("kind")
            guard InterventionCatalogue.isValidCode(kind) else {
                throw .invalidPayload("kind must be 1–64 letters, digits, '-' or '_'")
            }
            let status = try reader.value("status", InterventionStatus.init(rawValue:))
            guard status != .ended else { throw .invalidPayload("an intervention starts as planned or active") }
            event = .interventionStarted(
                InterventionPlan(
                    kind: kind, valence: try reader.value("valence", Valence.init(rawValue:)),
                    targets: try reader.determinants("targets", atLeastOne: true),
                    behaviour: try reader.optionalValue("behaviour", CoreBehaviour.init(rawValue:)), status: status))
        case ("intervention", "update"):
            try reader.allow(["status", "targets", "supersedes"], strict: strict)
            event = .interventionUpdated(
                InterventionUpdate(
                    status: try reader.value("status", InterventionStatus.init(rawValue:)),
                    targets: try reader.determinants("targets", atLeastOne: true)),
                supersedes: try reader.supersedes())
        case ("goal", "add"), ("goal", "update"):
            let isUpdate = change.operation == "update"
            try reader.allow(Set(["title", "behaviour", "targets", "owner", "due", "status"]).union(isUpdate ? ["supersedes"] : []),
                             strict: strict)
            let goal = SubGoal(
                title: try reader.line("title", maxLength: CaseworkLimits.maxLineLength),
                behaviour: try reader.value("behaviour", CoreBehaviour.init(rawValue:)),
                targets: try reader.determinants("targets", atLeastOne: true),
                owner: try reader.value("owner", Responsible.init(code:)),
                due: try reader.optionalValue("due", CalendarDate.init),
                status: try reader.value("status", GoalStatus.init(rawValue:)))
            event = isUpdate ? .goalUpdated(goal, supersedes: try reader.supersedes()) : .goalAdded(goal)
        case ("agreement", "add"), ("agreement", "update"):
            let isUpdate = change.operation == "update"
            try reader.allow(Set(["text", "responsible", "due", "behaviour", "status"]).union(isUpdate ? ["supersedes"] : []),
                             strict: strict)
            let agreement = Agreement(
                text: try reader.line("text", maxLength: CaseworkLimits.maxAgreementLength),
                responsible: try reader.value("responsible", Responsible.init(code:)),
                due: try reader.optionalValue("due", CalendarDate.init),
                behaviour: try reader.optionalValue("behaviour", CoreBehaviour.init(rawValue:)),
                status: try reader.value("status", AgreementStatus.init(rawValue:)))
            event = isUpdate ? .agreementUpdated(agreement, supersedes: try reader.supersedes()) : .agreementAdded(agreement)
        case ("vacancy", "add"), ("vacancy", "update"):
            let isUpdate = change.operation == "update"
            try reader.allow(Set(["employer", "title", "status", "contact"]).union(isUpdate ? ["supersedes"] : []),
                             strict: strict)
            let vacancy = Vacancy(
                employer: try reader.line("employer", maxLength: CaseworkLimits.maxLineLength),
                title: try reader.line("title", maxLength: CaseworkLimits.maxLineLength),
                status: try reader.value("status", VacancyStatus.init(rawValue:)),
                contact: try reader.optionalLine("contact", maxLength: CaseworkLimits.maxLineLength))
            event = isUpdate ? .vacancyUpdated(vacancy, supersedes: try reader.supersedes()) : .vacancyAdded(vacancy)
        case ("signal", "acknowledge"):
            try reader.allow(["signal", "reason"], strict: strict)
            event = .signalAcknowledged(SignalAcknowledgement(
                signal: try reader.line("signal", maxLength: CaseworkLimits.maxLineLength),
                reason: try reader.line("reason", maxLength: CaseworkLimits.maxLineLength)))
        default:
            if strict {
                throw CaseworkError(
                    code: "unknownOperation",
                    message: "unknown operation \(change.entityType).\(change.operation)")
            }
            return nil
        }
        return event
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
