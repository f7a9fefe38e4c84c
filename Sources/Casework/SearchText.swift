/// What of a client's file can be found by words: the text professionals write (notes, agreements, sub-goals,
/// the explanation of an assessment, a referral and its answer, a vacancy) and the name of an intervention
/// kind in both languages. Registration, contact details and acknowledged signals are not searched: a
/// client is found by name in the caseload.
extension CaseEvent {
    /// The words this event adds to its entity's searchable text, or `nil` when it adds none.
    public var searchText: String? {
        let parts: [String?]
        switch self {
        case .noteAdded(let note), .noteRevised(let note, _): parts = [note.text]
        case .assessmentRecorded(let assessment), .clientViewRecorded(let assessment): parts = [assessment.explanation]
        case .referralAdded(let referral): parts = [referral.reason]
        case .referralAnswered(let answer, _): parts = [answer.reason]
        case .vacancyAdded(let vacancy), .vacancyUpdated(let vacancy, _):
            parts = [vacancy.title, vacancy.employer, vacancy.contact]
        case .interventionStarted(let plan):
            // The kind as professionals name it, in Dutch and English, and its code (a free kind has only that).
            parts = Array(Set(Language.allCases.map { InterventionCatalogue.label(of: plan.kind, in: $0) } + [plan.kind]))
                .sorted()
        case .goalAdded(let goal), .goalUpdated(let goal, _): parts = [goal.title]
        case .agreementAdded(let agreement), .agreementUpdated(let agreement, _): parts = [agreement.text]
        case .interventionUpdated, .clientRegistered, .clientMoved, .clientErased, .contactSet, .signalAcknowledged:
            parts = []
        }
        let text = parts.compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")
        return text.isEmpty ? nil : text
    }

    /// Whether this revision replaces the words of the revisions it supersedes (a revised note, an updated
    /// agreement), rather than adding to them (an answer to a referral, a new status of an intervention).
    public var replacesSearchText: Bool {
        switch self {
        case .noteRevised, .goalUpdated, .agreementUpdated, .vacancyUpdated: true
        default: false
        }
    }

    /// The searchable text of an entity: the words of its current revisions (every head, so each concurrent
    /// version is found), and the words of its creation when the heads only add to them.
    ///
    /// - Parameters:
    ///   - creation: The event that created the entity.
    ///   - heads: The events of the entity's current revisions (the creation itself when never revised).
    public static func searchText(creation: CaseEvent, heads: [CaseEvent]) -> String? {
        var events = heads
        if !heads.contains(creation) && !heads.contains(where: \.replacesSearchText) {
            events.insert(creation, at: 0)
        }
        var seen: Set<String> = []
        let texts = events.compactMap(\.searchText).filter { seen.insert($0).inserted }
        return texts.isEmpty ? nil : texts.joined(separator: "\n")
    }
}
