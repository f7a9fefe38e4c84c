import Casework
import ChangeLog
import Foundation
import Hummingbird
import JourneyViews
import Replica

extension FieldApp {
    func addSearchRoutes(to router: Router<AppRequestContext>) {
        router.get("/search") { request, context in try await self.searchPage(request, context: context) }
    }

    /// Offline search over the whole caseload, or one client's file (`?client=ID`): newest first, the matched
    /// words marked, each hit linking to its place in the journey (``journeyHref(_:)``).
    func searchPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let text = AppText(context.language)
        let words = ViewText(context.language)
        let form = FormData.query(of: request)
        let query = form["q"] ?? ""
        let clientId = form["client"]
        var model: [String: Any] = ["query": query]
        if let clientId {
            guard let client = try await replica.clients().first(where: { $0.id == clientId }) else { throw AppError.notFound }
            model["clientId"] = clientId
            model["clientName"] = client.name ?? text["registrationPending"]
            model["everywhereHref"] = "/search?q=" + Self.queryEncoded(query)
        }
        if !query.isEmpty {
            do {
                let results = try await replica.search(query, clientId: clientId, limit: Self.searchLimit)
                model["hasHits"] = !results.hits.isEmpty
                model["hits"] = results.hits.map { hit -> [String: Any] in
                    let by = hit.authorDiscipline.map { "\(hit.authorName ?? text["other"]) (\($0.label(in: context.language)))" }
                        ?? hit.authorName ?? text["other"]
                    return [
                        "clientId": hit.clientId, "clientName": hit.clientName ?? text["registrationPending"],
                        "kind": words.writeKind(hit.entityType), "by": by, "at": time(millis: hit.at.wallMillis),
                        "href": Self.journeyHref(hit),
                        "snippet": hit.snippet.map { ["text": $0.text, "matched": $0.matched] as [String: Any] },
                    ]
                }
                model["summary"] = results.total == 0 ? text["searchNothing"]
                    : results.total > results.hits.count
                        ? text["searchSome"].replacingOccurrences(of: "{shown}", with: "\(results.hits.count)")
                            .replacingOccurrences(of: "{total}", with: "\(results.total)")
                        : text.count(results.total, "searchHit", "searchHits")
            } catch let error as ReplicaError where error.code == ReplicaError.invalidQuery {
                model["summary"] = text["searchNoWords"]
            }
        }
        return PageRenderer.page(
            "search", model: model, title: text["searchTitle"],
            layout: try await layout(request, context: context, current: "/search"))
    }

    /// Hits shown on one page; the count says how many more there are.
    static let searchLimit = 50

    /// Where a hit is in the journey: a note in the timeline, an assessment at its entry, the rest in the
    /// plan or the interventions. `focus` makes the journey show the timeline far enough to include it.
    static func journeyHref(_ hit: SearchHit) -> String {
        let anchor = hit.entityType == "note" ? "note-" : "item-"
        return "/clients/\(hit.clientId)?focus=\(hit.entityId)#\(anchor)\(hit.entityId)"
    }

    /// Text for a query parameter.
    static func queryEncoded(_ text: String) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}
