import Casework
import ChangeLog
import Hummingbird
import JourneyViews
import Replica

extension FieldApp {
    struct NoteModel {
        var id: String
        var changeId: String
        var at: String
        var headline: String
        var `private`: Bool
        var conflicted: Bool
        var text: String
        var others: [[String: String]]
        var mine: Bool
        var clientId: String
    }

    /// An item of the timeline, newest first, marked with its author's discipline (or the administrator's
    /// lane). A note appears once, at its latest revision, with its current text.
    struct TimelineItem {
        var changeId: String
        var entityId: String
        var at: String
        var lane: String
        var laneLabel: String
        var by: String
        var headline: String
        var body: String?
        var pending: Bool
        var note: NoteModel?
        var anchor: String?
        /// The element id of an assessment's entry, which a search hit links to (other kinds have their
        /// place in the plan or the interventions).
        var domId: String?
    }

    /// Timeline items per page: the newest first, older ones a click further.
    static let timelinePage = 30

    /// The client journey as a case file: under a header that stays in view (the client's name, the actions
    /// and the discipline filter), what matters now — signals (with acknowledge), the force field, the open
    /// agreements and the plan, the interventions — then the timeline, newest first and paged, with each
    /// note once; the determinant matrix last. Own writes not yet on the server are marked as such.
    /// `?discipline=CODE` narrows everything but the force field (``JourneyFilter``); `?shown=N` shows more
    /// of the timeline; `?focus=ENTITY` (a search hit) shows the timeline far enough to include that entity
    /// and opens the closed agreements when it is one of them.
    func journeyPage(_ request: Request, context: AppRequestContext, client: String) async throws -> Response {
        let query = request.uri.queryParameters
        let only = query.get("discipline").flatMap(Discipline.init(rawValue:))
        let journey = try await clientJourney(client, only: only)
        let page = JourneyPageModel(
            app: self, journey: journey, client: client, only: only, me: try await replica.identity().professional,
            pending: try await replica.pendingChangeIds(clientId: client), language: context.language)
        let model = page.model(shown: query.get("shown").flatMap { Int($0) }, focus: query.get("focus"))
        let flash = query.get("saved") != nil ? await savedMessage(page.text) : nil
        return PageRenderer.page(
            "journey", model: model, title: "\(page.text["journey"]): \(page.name)",
            layout: try await layout(request, context: context, current: "", flash: flash))
    }

    /// The client's journey as of today, narrowed to one discipline when `only` is given.
    private func clientJourney(_ client: String, only: Discipline?) async throws -> ClientJourney {
        let whole: ClientJourney
        do {
            whole = try await replica.journey(clientId: client, settings: configuration.forceField, readAt: try await replica.readToday())
        } catch let error as ReplicaError {
            throw AppError.missing(error) ?? error
        }
        return whole.filtered(by: JourneyFilter(disciplines: only.map { [$0] } ?? [], timeZone: configuration.timeZone))
    }
}

extension String {
    /// The text with its first letter in capitals (`klantmanager` → `Klantmanager`), for headings.
    var capitalizedFirst: String {
        prefix(1).uppercased() + dropFirst()
    }
}
