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
        let language = context.language
        let text = AppText(language)
        let words = ViewText(language)
        let whole: ClientJourney
        do {
            whole = try await replica.journey(clientId: client, settings: configuration.forceField, readAt: try await replica.readToday())
        } catch let error as ReplicaError {
            throw AppError.missing(error) ?? error
        }
        let query = request.uri.queryParameters
        let only = query.get("discipline").flatMap(Discipline.init(rawValue:))
        let journey = whole.filtered(by: JourneyFilter(disciplines: only.map { [$0] } ?? [], timeZone: configuration.timeZone))
        var shown = max(Self.timelinePage, min(query.get("shown").flatMap { Int($0) } ?? Self.timelinePage, 1_000_000))
        let focus = query.get("focus")
        func href(discipline: Discipline?, shown: Int? = nil) -> String {
            var parameters: [String] = []
            if let discipline { parameters.append("discipline=\(discipline.rawValue)") }
            if let shown { parameters.append("shown=\(shown)") }
            return "/clients/\(client)" + (parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&"))
        }
        let me = try await replica.identity().professional
        let pending = try await replica.pendingChangeIds(clientId: client)
        let csrf = configuration.formToken
        let disciplines = Discipline.allCases
        func isMine(_ actor: JourneyActor) -> Bool { actor.id == me.id }
        func cells(_ row: DeterminantRow) -> [[String: Any]] {
            var cells: [[String: Any]] = disciplines.map { discipline in
                let entries: [[String: Any]] = row.assessments.filter { $0.discipline == discipline }.map { assessment in
                    cell(assessment.score, assessment.trend, at: assessment.at, explanation: assessment.explanation,
                         behaviour: assessment.behaviour)
                }
                return ["entries": entries]
            }
            let own: [[String: Any]] = row.client.map { view in
                cell(view.score, view.trend, at: view.at, explanation: view.explanation, behaviour: view.behaviour)
            }
            cells.append(["client": true, "entries": own])
            return cells
        }
        func cell(_ score: AssessmentScore, _ trend: String?, at: String, explanation: String?, behaviour: CoreBehaviour?)
            -> [String: Any]
        {
            var cell: [String: Any] = ["score": score == .unknown ? "?" : score.text, "at": time(at)]
            if let explanation { cell["explanation"] = explanation }
            if let behaviour { cell["behaviour"] = behaviour.label(in: language) }
            if let trend {
                cell["trend"] = trend == "up" ? "↑" : trend == "down" ? "↓" : "→"
                cell["trendLabel"] = text[trend == "up" ? "trendUp" : trend == "down" ? "trendDown" : "trendSame"]
            }
            return cell
        }

        let signals: [[String: Any]] = journey.forceField.signals.enumerated().map { index, signal in
            let described = SignalText.describe(signal, in: language)
            return [
                "index": index, "key": signal.key, "severity": signal.severity.rawValue,
                "severityLabel": signal.severity == .high ? text["severityHigh"] : text["severityMedium"],
                "reason": described.reason, "suggestion": described.suggestion, "clientId": client, "csrf": csrf,
                "acknowledgements": signal.acknowledgements.map {
                    ["by": words.actor($0.by), "at": time($0.at), "reason": $0.reason]
                },
            ]
        }
        let forceRows: [[String: Any]] = journey.forceField.determinants.map { row in
            [
                "determinant": row.determinant.label(in: language),
                "score": row.lowestScore.map { "\($0)/5" } ?? text["notAssessed"],
                "forces": row.forces.map { force -> String in
                    let direction: String = force.direction == .strengthens ? text["strengthens"] : text["pressures"]
                    let effect: String = force.effect.map { " — " + words.effect($0) } ?? ""
                    return "\(words.kind(force.kind)) (\(force.valence.label(in: language)), "
                        + "\(force.discipline?.label(in: language) ?? "–")): " + direction + effect
                },
            ]
        }
        // A filter can leave a group without rows: then the group is left out, not shown as a bare heading.
        let groups: [[String: Any]] = DeterminantGroup.allCases.filter { group in
            journey.determinants.contains { $0.group == group }
        }.map { group in
            [
                "label": group.label(in: language).capitalizedFirst,
                "rows": journey.determinants.filter { $0.group == group }.map { row in
                    [
                        "label": row.determinant.label(in: language).capitalizedFirst, "disagreement": row.disagreement,
                        "clientDiffers": row.clientDiffers,
                        // One entry per core behaviour a discipline scored the determinant for; the client's own
                        // view in a column of its own.
                        "cells": cells(row),
                    ] as [String: Any]
                },
            ]
        }
        let referrals: [[String: Any]] = journey.referrals.map { referral in
            var model: [String: Any] = [
                "id": referral.id, "line": words.referralLine(referral), "by": words.actor(referral.by),
                "at": time(referral.createdAt), "conflicted": referral.conflicted, "clientId": client, "csrf": csrf,
                // Only the discipline referred to answers; an answered referral can be answered again (it supersedes).
                "canAnswer": referral.to == me.discipline,
            ]
            if let answeredBy = referral.answeredBy, let at = referral.answeredAt {
                model["answer"] = "\(words.actor(answeredBy)), \(time(at))" + (referral.answerReason.map { ": \($0)" } ?? "")
            }
            // Concurrent answers: every one stays readable.
            model["others"] = referral.otherAnswers.map {
                "\(text["otherAnswer"]) (\(words.actor($0.by)), \(time($0.at))): \(words.status($0.status))"
                    + ($0.reason.map { ", \($0)" } ?? "")
            }
            return model
        }
        let vacancies: [[String: Any]] = journey.vacancies.map { vacancy in
            var model: [String: Any] = [
                "id": vacancy.id, "title": vacancy.title, "employer": vacancy.employer,
                "status": vacancy.status.label(in: language), "conflicted": vacancy.conflicted,
                "others": words.otherVersions(of: vacancy, time: time), "clientId": client, "csrf": csrf,
                "statuses": options(VacancyStatus.allCases, chosen: [vacancy.status.rawValue], language: language),
            ]
            if let contact = vacancy.contact { model["contact"] = contact }
            return model
        }
        let goals: [[String: Any]] = journey.plan.subGoals.map { goal in
            var model: [String: Any] = [
                "id": goal.id, "title": goal.title, "status": goal.status.label(in: language),
                "owner": goal.owner.label(in: language).capitalizedFirst, "conflicted": goal.conflicted,
                "others": words.otherVersions(of: goal, time: time), "clientId": client, "csrf": csrf,
                "statuses": options(GoalStatus.allCases, chosen: [goal.status.rawValue], language: language),
            ]
            if let due = goal.due { model["due"] = words.date(due) }
            return model
        }
        let agreements: [(open: Bool, model: [String: Any])] = journey.plan.agreements.map { agreement in
            var model: [String: Any] = [
                "id": agreement.id, "text": agreement.text, "status": agreement.status.label(in: language),
                "responsible": Responsible(code: agreement.responsible)?.label(in: language) ?? agreement.responsible,
                "clientId": client, "csrf": csrf, "conflicted": agreement.conflicted,
                "others": words.otherVersions(of: agreement, time: time),
                "pending": journey.timeline.contains { $0.entityId == agreement.id && pending.contains($0.changeId) },
                "statuses": AgreementStatus.allCases.map {
                    ["value": $0.rawValue, "label": $0.label(in: language), "selected": $0 == agreement.status] as [String: Any]
                },
            ]
            if let due = agreement.due { model["due"] = words.date(due) }
            return (agreement.status == .open || agreement.conflicted, model)
        }
        let openAgreements = agreements.filter(\.open).map(\.model)
        let closedAgreements = agreements.filter { !$0.open }.map(\.model)
        let interventions: [[String: Any]] = journey.interventions.map { intervention in
            [
                "id": intervention.id, "label": words.kind(intervention.kind),
                "valence": intervention.valence.rawValue, "valenceLabel": intervention.valence.label(in: language),
                "discipline": intervention.discipline?.label(in: language).capitalizedFirst ?? "–",
                "status": intervention.status.label(in: language), "conflicted": intervention.conflicted,
                "others": words.otherVersions(of: intervention, time: time),
                "targets": intervention.targets.map { $0.label(in: language) }.joined(separator: ", "),
                "since": time(intervention.startedAt), "clientId": client, "csrf": csrf,
                "pending": journey.timeline.contains { $0.entityId == intervention.id && pending.contains($0.changeId) },
                "canEnd": intervention.status != .ended && intervention.discipline == me.discipline,
                "canActivate": intervention.status == .planned && intervention.discipline == me.discipline,
            ]
        }
        let notes = Dictionary(uniqueKeysWithValues: journey.notes.map { ($0.id, $0) })
        var notesShown: Set<String> = []
        var items: [TimelineItem] = []
        for entry in journey.timeline.reversed() {
            let described = words.describe(entry)
            let note = entry.event.hasPrefix("note.") ? notes[entry.entityId] : nil
            if note != nil, !notesShown.insert(entry.entityId).inserted { continue }
            let lane = entry.by.discipline
            var item = TimelineItem(
                changeId: entry.changeId, entityId: entry.entityId, at: time(entry.at), lane: lane?.rawValue ?? "admin",
                laneLabel: lane?.label(in: language).capitalizedFirst ?? text["other"],
                by: lane == nil ? words.actor(entry.by) : entry.by.name, headline: described.headline,
                body: described.body, pending: pending.contains(entry.changeId),
                domId: ["assessment.", "selfAssessment."].contains { entry.event.hasPrefix($0) } ? "item-\(entry.entityId)" : nil)
            if let note {
                item.pending = note.revisions.contains { pending.contains($0.changeId) }
                item.note = NoteModel(
                    id: note.id, changeId: note.current.changeId, at: time(note.current.at), headline: described.headline,
                    private: note.visibility == .discipline, conflicted: note.conflicted, text: note.current.text,
                    others: note.revisions.filter { $0.isHead && $0.changeId != note.current.changeId }.map {
                        ["at": time($0.at), "text": $0.text]
                    },
                    mine: isMine(note.by), clientId: client)
            }
            items.append(item)
        }
        let itemCount = items.count
        if let focus, let index = items.firstIndex(where: { $0.entityId == focus }), index >= shown {
            shown = (index / Self.timelinePage + 1) * Self.timelinePage
        }
        if shown > Self.timelinePage, shown - Self.timelinePage < items.count {
            items[shown - Self.timelinePage].anchor = "more-\(shown - Self.timelinePage)"
        }
        let older = max(0, itemCount - shown)
        items = Array(items.prefix(shown))
        let filters: [[String: Any]] = [["href": href(discipline: nil), "label": text["allDisciplines"], "current": only == nil]]
            + disciplines.map {
                ["href": href(discipline: $0), "label": $0.label(in: language).capitalizedFirst, "current": only == $0]
            }
        let contact: [[String: Any]] = journey.client.contact.map { field in
            [
                "label": field.field.label(in: language).capitalizedFirst, "value": field.current.value ?? "–",
                "conflicted": field.conflicted,
            ]
        }
        let name = journey.client.name ?? text["registrationPending"]
        var model: [String: Any] = [
            "id": client, "clientId": client, "name": name, "contact": contact, "hasContact": !contact.isEmpty,
            "signals": signals, "signalCount": signals.count,
            "forceFieldSVG": JourneyHTMLRenderer(timeZone: configuration.timeZone, language: language)
                .forceFieldPicture(journey.forceField),
            "forceRows": forceRows, "groups": groups,
            "disciplines": disciplines.map { $0.label(in: language).capitalizedFirst },
            "goals": goals, "hasGoals": !goals.isEmpty, "referrals": referrals, "hasReferrals": !referrals.isEmpty,
            "vacancies": vacancies, "hasVacancies": !vacancies.isEmpty,
            "clientColumn": words.clientColumn.capitalizedFirst,
            "openAgreements": openAgreements, "hasOpenAgreements": !openAgreements.isEmpty,
            "openAgreementCount": openAgreements.count, "closedAgreements": closedAgreements,
            "hasClosedAgreements": !closedAgreements.isEmpty, "closedAgreementCount": closedAgreements.count,
            "closedOpen": focus.map { focus in closedAgreements.contains { $0["id"] as? String == focus } } ?? false,
            "interventions": interventions, "hasInterventions": !interventions.isEmpty,
            "items": items, "hasItems": !items.isEmpty, "itemCount": itemCount, "shownCount": items.count,
            "olderCount": older, "filters": filters, "filtered": only != nil,
        ]
        if older > 0 { model["olderHref"] = href(discipline: only, shown: shown + Self.timelinePage) + "#more-\(shown)" }
        let flash = request.uri.queryParameters.get("saved") != nil ? await savedMessage(text) : nil
        return PageRenderer.page(
            "journey", model: model, title: "\(text["journey"]): \(name)",
            layout: try await layout(request, context: context, current: "", flash: flash))
    }
}

extension String {
    /// The text with its first letter in capitals (`klantmanager` → `Klantmanager`), for headings.
    var capitalizedFirst: String {
        prefix(1).uppercased() + dropFirst()
    }
}
