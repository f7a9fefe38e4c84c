import Casework
import ChangeLog
import Foundation
import Hummingbird
import JourneyViews
import Replica
import SyncProtocol

extension FieldApp {
    func addPageRoutes(to router: Router<AppRequestContext>) {
        router.get("/") { request, context in try await self.caseload(request, context: context) }
        router.get("/clients/{client}") { request, context in
            try await self.journeyPage(request, context: context, client: try self.clientId(context))
        }
        router.get("/review") { request, context in try await self.reviewPage(request, context: context) }
        router.get("/sync") { request, context in try await self.syncPage(request, context: context) }
    }

    /// The `{client}` path parameter.
    func clientId(_ context: AppRequestContext) throws -> String {
        guard let id = context.parameters.get("client"), !id.isEmpty else { throw AppError.notFound }
        return id
    }

    // MARK: Caseload

    struct CaseloadRow {
        var id: String
        var name: String
        var lastActivity: String
        var signals: Int?
        var severity: String
        var severityLabel: String
        var pending: Int?
        /// Open referrals addressed to the professional's discipline: a hand-over waiting for them.
        var referrals: Int?
    }

    func caseload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let text = AppText(context.language)
        let query = FormData.query(of: request)["q"]
        let pending = try await replica.pendingCountsByClient()
        let me = try await replica.identity().professional
        let today = try await replica.readToday()
        var rows: [CaseloadRow] = []
        for client in try await replica.clients() {
            let name = client.name ?? text["registrationPending"]
            if let query, !name.localizedCaseInsensitiveContains(query) { continue }
            let journey = try await replica.journey(
                clientId: client.id, settings: configuration.forceField, readAt: today)
            let open = journey.forceField.signals.filter { $0.acknowledgements.isEmpty }
            let incoming = journey.referrals.filter { $0.status == .open && $0.to == me.discipline }.count
            rows.append(CaseloadRow(
                id: client.id, name: name,
                lastActivity: time(millis: client.lastActivity.wallMillis),
                signals: open.isEmpty ? nil : open.count,
                severity: open.contains { $0.severity == .high } ? "high" : "medium",
                severityLabel: text[open.contains { $0.severity == .high } ? "severityHigh" : "severityMedium"].lowercased(),
                pending: pending[client.id], referrals: incoming == 0 ? nil : incoming))
        }
        var model: [String: Any] = [
            "clients": rows, "hasClients": !rows.isEmpty, "empty": query == nil ? text["noClients"] : text["noMatches"],
        ]
        if let query {
            model["query"] = query
            // The same words may be in what was written about clients: one click to search for them there.
            model["searchInFilesHref"] = "/search?q=" + Self.queryEncoded(query)
            model["searchInFiles"] = text["searchInFiles"].replacingOccurrences(of: "{query}", with: query)
        }
        return PageRenderer.page(
            "caseload", model: model, title: text["caseloadTitle"],
            layout: try await layout(request, context: context, current: "/"))
    }

    // MARK: Review

    func reviewPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let text = AppText(context.language)
        let language = context.language
        let words = ViewText(language)
        let me = try await replica.identity().professional
        let names = Dictionary(
            try await replica.clients().map { ($0.id, $0.name ?? text["registrationPending"]) },
            uniquingKeysWith: { first, _ in first })
        let conflicts: [[String: Any]] = try await replica.conflicts(in: language).map { conflict in
            var model: [String: Any] = [
                "clientId": conflict.clientId, "clientName": conflict.clientName ?? text["registrationPending"],
                "versions": conflict.versions.map { version in
                    ["by": words.actor(version.by), "at": time(version.at), "summary": version.summary]
                },
            ]
            switch conflict.kind {
            case .note:
                let mine = conflict.versions.first?.by.id == me.id
                model["kind"] = text.writeKind("note")
                model["help"] = mine ? text["conflictHelpNote"] : text["conflictHelpOthersNote"]
                if mine { model["resolveHref"] = "/clients/\(conflict.clientId)/notes/\(conflict.entityId)/edit" }
            case .contact:
                model["kind"] = conflict.field?.label(in: language).capitalizedFirst ?? ""
                model["help"] = text["conflictHelpContact"]
            case .intervention, .goal, .agreement, .referral, .vacancy:
                // The kind's name, as a write of its entity type, and how to settle it ("conflictHelpGoal", …).
                let kind = conflict.kind.rawValue
                model["kind"] = text.writeKind(kind)
                model["help"] = text["conflictHelp" + kind.prefix(1).uppercased() + kind.dropFirst()]
            }
            return model
        }
        let refused: [[String: Any]] = try await replica.status().rejected.map { rejected in
            let change = rejected.change
            var model: [String: Any] = [
                "id": change.id, "what": text.writeKind(change.entityType), "code": rejected.code.rawValue,
                "message": AppText.errors[rejected.code.rawValue] == nil ? rejected.message : text.describe(rejected.code),
                "advice": refusalAdvice(rejected.code, language: language),
                "at": time(millis: rejected.rejectedAt),
            ]
            if let name = names[change.clientId] { model["clientName"] = name }
            if case .string(let written)? = change.payload["text"] { model["text"] = written }
            return model
        }
        let model: [String: Any] = [
            "conflicts": conflicts, "conflictCount": conflicts.count, "refused": refused,
            "refusedCount": refused.count, "hasRefused": !refused.isEmpty, "csrf": configuration.formToken,
        ]
        return PageRenderer.page(
            "review", model: model, title: text["reviewTitle"],
            layout: try await layout(request, context: context, current: "/review"))
    }

    /// What a professional can do about a refused write, by the server's code.
    func refusalAdvice(_ code: ErrorCode, language: Language) -> String {
        let nl = language == .nl
        switch code {
        case ErrorCode.outOfScope:
            return nl ? "Deze klant hoort niet (meer) bij je caseload. Overleg met je team of de beheerder."
                : "This client is not (or no longer) in your caseload. Talk to your team or the administrator."
        case ErrorCode.forbidden, ErrorCode.notAuthor, ErrorCode.notOwningDiscipline:
            return nl ? "Vraag de collega die dit heeft vastgelegd om de wijziging door te voeren."
                : "Ask the colleague who recorded it to make the change."
        case ReplicaError.clientErased:
            return nl ? "De gegevens van deze klant zijn op verzoek gewist (AVG). Er hoeft niets meer te gebeuren."
                : "This client's data was erased on request (GDPR). Nothing more needs to be done."
        default:
            return nl ? "Leg het zo nodig opnieuw vast." : "Record it again where needed."
        }
    }

    // MARK: Sync

    func syncPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let text = AppText(context.language)
        let state = await background.state
        let status = try await replica.status()
        let connection: String
        let kind: String
        switch (state.wiped, state.connection) {
        case (true, _): (kind, connection) = ("wiped", text["bannerWiped"])
        case (_, .online): (kind, connection) = ("online", text["connectionOnline"])
        case (_, .offline): (kind, connection) = ("offline", text["connectionOffline"])
        case (_, .failing): (kind, connection) = ("failing", text["connectionFailing"])
        case (_, .unknown): (kind, connection) = ("unknown", text["connectionUnknown"])
        }
        var model: [String: Any] = [
            "state": kind, "connection": connection, "server": status.identity.serverURL,
            "lastSync": status.lastSyncAt.map { time(millis: $0) } ?? text["never"],
            "pending": status.pendingChanges, "clients": status.clientCount, "csrf": configuration.formToken,
            "live": text[state.live ? "liveOn" : "liveOff"],
        ]
        if !status.rejected.isEmpty { model["refused"] = status.rejected.count }
        if let next = state.nextAttemptAt, state.connection != .online { model["nextAttempt"] = time(millis: next) }
        if let error = state.lastError { model["lastError"] = text.describe(error.code) }
        if let report = state.lastReport {
            model["lastReport"] = "\(report.pushed) \(text["sentCount"]), \(report.pulled) \(text["receivedCount"]), "
                + text.count(report.pages, "page", "pages")
        }
        if let progress = state.progress {
            let phase = switch progress.phase {
            case .pushing: text["phasePushing"]
            case .pulling: text["phasePulling"]
            case .verifying: text["phaseVerifying"]
            }
            model["progress"] = [
                "phase": phase, "pushed": progress.report.pushed, "pulled": progress.report.pulled,
                "pages": text.count(progress.report.pages, "page", "pages"),
            ] as [String: Any]
        }
        let flash = request.uri.queryParameters.get("requested") != nil ? text["syncRequested"] : nil
        return PageRenderer.page(
            "sync", model: model, title: text["syncTitle"],
            layout: try await layout(request, context: context, current: "/sync", flash: flash))
    }
}
