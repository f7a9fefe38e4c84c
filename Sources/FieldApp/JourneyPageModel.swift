import Casework
import ChangeLog
import JourneyViews

/// The template model of the journey page (``FieldApp/journeyPage(_:context:client:)``), section by section,
/// from the journey as the page shows it (already narrowed to `only`).
struct JourneyPageModel {
    let app: FieldApp
    let journey: ClientJourney
    let client: String
    /// The discipline the page is narrowed to, if any.
    let only: Discipline?
    /// The professional reading the page.
    let me: Professional
    /// Own changes not yet on the server.
    let pending: Set<String>
    let language: Language
    let text: AppText
    let words: ViewText
    let csrf: String

    init(
        app: FieldApp, journey: ClientJourney, client: String, only: Discipline?, me: Professional,
        pending: Set<String>, language: Language
    ) {
        self.app = app
        self.journey = journey
        self.client = client
        self.only = only
        self.me = me
        self.pending = pending
        self.language = language
        text = AppText(language)
        words = ViewText(language)
        csrf = app.configuration.formToken
    }

    /// The client's name, or that the registration has not arrived yet.
    var name: String {
        journey.client.name ?? text["registrationPending"]
    }

    /// The whole model: `shown` timeline items are asked for (`?shown`), `focus` is an entity to show (`?focus`).
    func model(shown: Int?, focus: String?) -> [String: Any] {
        header.merging(forceField) { $1 }.merging(plan(focus: focus)) { $1 }
            .merging(timeline(shown: shown, focus: focus)) { $1 }
    }

    // MARK: Sections

    private var header: [String: Any] {
        let contact = contactModels
        let filters: [[String: Any]] = [["href": href(discipline: nil), "label": text["allDisciplines"], "current": only == nil]]
            + Discipline.allCases.map {
                ["href": href(discipline: $0), "label": $0.label(in: language).capitalizedFirst, "current": only == $0]
            }
        return [
            "id": client, "clientId": client, "name": name, "contact": contact, "hasContact": !contact.isEmpty,
            "filters": filters, "filtered": only != nil,
        ]
    }

    private var forceField: [String: Any] {
        let signals = signalModels
        return [
            "signals": signals, "signalCount": signals.count,
            "forceFieldSVG": JourneyHTMLRenderer(timeZone: app.configuration.timeZone, language: language)
                .forceFieldPicture(journey.forceField),
            "forceRows": forceRows, "groups": determinantGroups,
            "disciplines": Discipline.allCases.map { $0.label(in: language).capitalizedFirst },
            "clientColumn": words.clientColumn.capitalizedFirst,
        ]
    }

    private func plan(focus: String?) -> [String: Any] {
        let (goals, referrals, vacancies, interventions) = (goalModels, referralModels, vacancyModels, interventionModels)
        let agreements = agreementModels
        let openAgreements = agreements.filter(\.open).map(\.model)
        let closedAgreements = agreements.filter { !$0.open }.map(\.model)
        return [
            "goals": goals, "hasGoals": !goals.isEmpty, "referrals": referrals, "hasReferrals": !referrals.isEmpty,
            "vacancies": vacancies, "hasVacancies": !vacancies.isEmpty,
            "openAgreements": openAgreements, "hasOpenAgreements": !openAgreements.isEmpty,
            "openAgreementCount": openAgreements.count, "closedAgreements": closedAgreements,
            "hasClosedAgreements": !closedAgreements.isEmpty, "closedAgreementCount": closedAgreements.count,
            "closedOpen": focus.map { focus in closedAgreements.contains { $0["id"] as? String == focus } } ?? false,
            "interventions": interventions, "hasInterventions": !interventions.isEmpty,
        ]
    }

    /// The newest items, as many as asked for (at least a page) and as far as the focus, with the link to older ones.
    private func timeline(shown requested: Int?, focus: String?) -> [String: Any] {
        let page = FieldApp.timelinePage
        var items = timelineItems()
        let shown = shownCount(requested, focus: focus, in: items)
        // Where the items a click on "older" added begin, so that the page opens there.
        if shown > page, shown - page < items.count {
            items[shown - page].anchor = "more-\(shown - page)"
        }
        let itemCount = items.count
        items = Array(items.prefix(shown))
        var model: [String: Any] = [
            "items": items, "hasItems": !items.isEmpty, "itemCount": itemCount, "shownCount": items.count,
            "olderCount": max(0, itemCount - shown),
        ]
        if itemCount > shown { model["olderHref"] = href(discipline: only, shown: shown + page) + "#more-\(shown)" }
        return model
    }

    /// How many items to show: as many as asked for, at least a page, and whole pages up to the focused entity.
    private func shownCount(_ requested: Int?, focus: String?, in items: [FieldApp.TimelineItem]) -> Int {
        let page = FieldApp.timelinePage
        let shown = max(page, min(requested ?? page, 1_000_000))
        guard let focus, let index = items.firstIndex(where: { $0.entityId == focus }), index >= shown else { return shown }
        return (index / page + 1) * page
    }

    private func href(discipline: Discipline?, shown: Int? = nil) -> String {
        var parameters: [String] = []
        if let discipline { parameters.append("discipline=\(discipline.rawValue)") }
        if let shown { parameters.append("shown=\(shown)") }
        return "/clients/\(client)" + (parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&"))
    }

    private func time(_ iso: String) -> String {
        app.time(iso)
    }

    // MARK: The header

    private var contactModels: [[String: Any]] {
        journey.client.contact.map { field in
            [
                "label": field.field.label(in: language).capitalizedFirst, "value": field.current.value ?? "–",
                "conflicted": field.conflicted,
            ]
        }
    }

    // MARK: The force field and the determinants

    private var signalModels: [[String: Any]] {
        journey.forceField.signals.enumerated().map { index, signal in
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
    }

    private var forceRows: [[String: Any]] {
        journey.forceField.determinants.map { row in
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
    }

    /// A filter can leave a group without rows: then the group is left out, not shown as a bare heading.
    private var determinantGroups: [[String: Any]] {
        DeterminantGroup.allCases.filter { group in
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
    }

    private func cells(_ row: DeterminantRow) -> [[String: Any]] {
        var cells: [[String: Any]] = Discipline.allCases.map { discipline in
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

    private func cell(_ score: AssessmentScore, _ trend: String?, at: String, explanation: String?, behaviour: CoreBehaviour?)
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

    // MARK: The plan and the interventions

    private var referralModels: [[String: Any]] {
        journey.referrals.map { referral in
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
    }

    private var vacancyModels: [[String: Any]] {
        journey.vacancies.map { vacancy in
            var model: [String: Any] = [
                "id": vacancy.id, "title": vacancy.title, "employer": vacancy.employer,
                "status": vacancy.status.label(in: language), "conflicted": vacancy.conflicted,
                "others": words.otherVersions(of: vacancy, time: time), "clientId": client, "csrf": csrf,
                "statuses": app.options(VacancyStatus.allCases, chosen: [vacancy.status.rawValue], language: language),
            ]
            if let contact = vacancy.contact { model["contact"] = contact }
            return model
        }
    }

    private var goalModels: [[String: Any]] {
        journey.plan.subGoals.map { goal in
            var model: [String: Any] = [
                "id": goal.id, "title": goal.title, "status": goal.status.label(in: language),
                "owner": goal.owner.label(in: language).capitalizedFirst, "conflicted": goal.conflicted,
                "others": words.otherVersions(of: goal, time: time), "clientId": client, "csrf": csrf,
                "statuses": app.options(GoalStatus.allCases, chosen: [goal.status.rawValue], language: language),
            ]
            if let due = goal.due { model["due"] = words.date(due) }
            return model
        }
    }

    /// Each agreement's model, and whether it is open (or conflicted, which needs settling either way).
    private var agreementModels: [(open: Bool, model: [String: Any])] {
        journey.plan.agreements.map { agreement in
            var model: [String: Any] = [
                "id": agreement.id, "text": agreement.text, "status": agreement.status.label(in: language),
                "responsible": Responsible(code: agreement.responsible)?.label(in: language) ?? agreement.responsible,
                "clientId": client, "csrf": csrf, "conflicted": agreement.conflicted,
                "others": words.otherVersions(of: agreement, time: time),
                "pending": isPending(agreement.id),
                "statuses": AgreementStatus.allCases.map {
                    ["value": $0.rawValue, "label": $0.label(in: language), "selected": $0 == agreement.status] as [String: Any]
                },
            ]
            if let due = agreement.due { model["due"] = words.date(due) }
            return (agreement.status == .open || agreement.conflicted, model)
        }
    }

    private var interventionModels: [[String: Any]] {
        journey.interventions.map { intervention in
            [
                "id": intervention.id, "label": words.kind(intervention.kind),
                "valence": intervention.valence.rawValue, "valenceLabel": intervention.valence.label(in: language),
                "discipline": intervention.discipline?.label(in: language).capitalizedFirst ?? "–",
                "status": intervention.status.label(in: language), "conflicted": intervention.conflicted,
                "others": words.otherVersions(of: intervention, time: time),
                "targets": intervention.targets.map { $0.label(in: language) }.joined(separator: ", "),
                "since": time(intervention.startedAt), "clientId": client, "csrf": csrf,
                "pending": isPending(intervention.id),
                "canEnd": intervention.status != .ended && intervention.discipline == me.discipline,
                "canActivate": intervention.status == .planned && intervention.discipline == me.discipline,
            ]
        }
    }

    /// Whether one of the entity's changes in the timeline is not on the server yet.
    private func isPending(_ entityId: String) -> Bool {
        journey.timeline.contains { $0.entityId == entityId && pending.contains($0.changeId) }
    }

    // MARK: The timeline

    /// Every item, newest first, each note once (at its newest entry).
    private func timelineItems() -> [FieldApp.TimelineItem] {
        let notes = Dictionary(uniqueKeysWithValues: journey.notes.map { ($0.id, $0) })
        var notesShown: Set<String> = []
        var items: [FieldApp.TimelineItem] = []
        for entry in journey.timeline.reversed() {
            let note = entry.event.hasPrefix("note.") ? notes[entry.entityId] : nil
            if note != nil, !notesShown.insert(entry.entityId).inserted { continue }
            items.append(timelineItem(entry, note: note))
        }
        return items
    }

    private func timelineItem(_ entry: TimelineEntry, note: NoteView?) -> FieldApp.TimelineItem {
        let described = words.describe(entry)
        let lane = entry.by.discipline
        var item = FieldApp.TimelineItem(
            changeId: entry.changeId, entityId: entry.entityId, at: time(entry.at), lane: lane?.rawValue ?? "admin",
            laneLabel: lane?.label(in: language).capitalizedFirst ?? text["other"],
            by: lane == nil ? words.actor(entry.by) : entry.by.name, headline: described.headline,
            body: described.body, pending: pending.contains(entry.changeId),
            domId: ["assessment.", "selfAssessment."].contains { entry.event.hasPrefix($0) } ? "item-\(entry.entityId)" : nil)
        if let note {
            item.pending = note.revisions.contains { pending.contains($0.changeId) }
            item.note = noteModel(note, headline: described.headline)
        }
        return item
    }

    private func noteModel(_ note: NoteView, headline: String) -> FieldApp.NoteModel {
        FieldApp.NoteModel(
            id: note.id, changeId: note.current.changeId, at: time(note.current.at), headline: headline,
            private: note.visibility == .discipline, conflicted: note.conflicted, text: note.current.text,
            others: note.revisions.filter { $0.isHead && $0.changeId != note.current.changeId }.map {
                ["at": time($0.at), "text": $0.text]
            },
            mine: note.by.id == me.id, clientId: client)
    }
}
