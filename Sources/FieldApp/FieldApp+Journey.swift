import Casework
import ChangeLog
import Hummingbird
import JourneyViews
import Replica

extension FieldApp {
    struct NoteModel {
        var id: String
        var changeId: String
        var by: String
        var at: String
        var about: String?
        var `private`: Bool
        var pending: Bool
        var sent: Bool
        var conflicted: Bool
        var text: String
        var others: [[String: String]]
        var mine: Bool
    }

    /// A row of the timeline: an entry in the lane of its author's discipline, or across all lanes for an
    /// administrator's.
    struct LaneRow {
        var changeId: String
        var at: String
        var admin: LaneEntry?
        var cells: [LaneCell]
    }

    struct LaneCell {
        var entry: LaneEntry?
    }

    struct LaneEntry {
        var by: String
        var headline: String
        var body: String?
        var pending: Bool
        var sent: Bool
    }

    /// The client journey: signals (with acknowledge), force field, determinant matrix, plan and agreements,
    /// interventions, notes, and the timeline in one lane per discipline; own writes not yet on the server
    /// are marked as such.
    func journeyPage(_ request: Request, context: AppRequestContext, client: String) async throws -> Response {
        let language = context.language
        let text = AppText(language)
        let words = ViewText(language)
        let journey: ClientJourney
        do {
            journey = try await replica.journey(clientId: client, settings: configuration.forceField)
        } catch let error as ReplicaError {
            throw AppError.missing(error) ?? error
        }
        let me = try await replica.identity().professional
        let pending = try await replica.pendingChangeIds(clientId: client)
        let csrf = configuration.formToken
        let disciplines = Discipline.allCases
        func isMine(_ actor: JourneyActor) -> Bool { actor.id == me.id }

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
                "forces": row.forces.map { force in
                    "\(words.kind(force.kind)) (\(force.valence.label(in: language)), "
                        + "\(force.discipline?.label(in: language) ?? "–")): "
                        + (force.direction == .strengthens ? text["strengthens"] : text["pressures"])
                },
            ]
        }
        let groups: [[String: Any]] = DeterminantGroup.allCases.map { group in
            [
                "label": group.label(in: language).capitalizedFirst,
                "rows": journey.determinants.filter { $0.group == group }.map { row in
                    [
                        "label": row.determinant.label(in: language).capitalizedFirst, "disagreement": row.disagreement,
                        "cells": disciplines.map { discipline -> [String: Any] in
                            guard let assessment = row.assessments.first(where: { $0.discipline == discipline }) else {
                                return [:]
                            }
                            var cell: [String: Any] = [
                                "score": assessment.score == .unknown ? "?" : assessment.score.text, "at": time(assessment.at),
                            ]
                            if let trend = assessment.trend {
                                cell["trend"] = trend == "up" ? "↑" : trend == "down" ? "↓" : "→"
                                cell["trendLabel"] = text[trend == "up" ? "trendUp" : trend == "down" ? "trendDown" : "trendSame"]
                            }
                            return cell
                        },
                    ] as [String: Any]
                },
            ]
        }
        let goals: [[String: Any]] = journey.plan.subGoals.map { goal in
            var model: [String: Any] = [
                "title": goal.title, "status": goal.status.label(in: language), "owner": goal.owner.label(in: language),
                "conflicted": goal.conflicted, "others": words.otherVersions(of: goal, time: time),
            ]
            if let due = goal.due { model["due"] = words.date(due) }
            return model
        }
        let agreements: [[String: Any]] = journey.plan.agreements.map { agreement in
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
            return model
        }
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
            ]
        }
        let notes: [NoteModel] = journey.notes.reversed().map { note in
            let about = [note.current.behaviour?.label(in: language)].compactMap { $0 }
                + note.current.determinants.map { $0.label(in: language) }
            let ownPending = note.revisions.contains { pending.contains($0.changeId) }
            return NoteModel(
                id: note.id, changeId: note.current.changeId, by: words.actor(note.by), at: time(note.current.at),
                about: about.isEmpty ? nil : about.joined(separator: ", "), private: note.visibility == .discipline,
                pending: ownPending, sent: isMine(note.by) && !ownPending, conflicted: note.conflicted,
                text: note.current.text,
                others: note.revisions.filter { $0.isHead && $0.changeId != note.current.changeId }.map {
                    ["at": time($0.at), "text": $0.text]
                },
                mine: isMine(note.by))
        }
        let timeline: [LaneRow] = journey.timeline.reversed().map { entry in
            let described = words.describe(entry)
            let lane = entry.by.discipline.flatMap { disciplines.firstIndex(of: $0) }
            let isPending = pending.contains(entry.changeId)
            let cellEntry = LaneEntry(
                by: entry.by.discipline == nil ? words.actor(entry.by) : entry.by.name, headline: described.headline,
                body: described.body, pending: isPending, sent: isMine(entry.by) && !isPending)
            return LaneRow(
                changeId: entry.changeId, at: time(entry.at), admin: lane == nil ? cellEntry : nil,
                cells: lane.map { lane in disciplines.indices.map { LaneCell(entry: $0 == lane ? cellEntry : nil) } } ?? [])
        }
        let contact: [[String: Any]] = journey.client.contact.map { field in
            [
                "label": field.field.label(in: language), "value": field.current.value ?? "–",
                "conflicted": field.conflicted,
            ]
        }
        let name = journey.client.name ?? text["registrationPending"]
        let model: [String: Any] = [
            "id": client, "clientId": client, "name": name, "contact": contact, "hasContact": !contact.isEmpty,
            "signals": signals, "signalCount": signals.count,
            "forceFieldSVG": JourneyHTMLRenderer(timeZone: configuration.timeZone, language: language)
                .forceFieldPicture(journey.forceField),
            "forceRows": forceRows, "groups": groups,
            "disciplines": disciplines.map { $0.label(in: language).capitalizedFirst },
            "goals": goals, "hasGoals": !goals.isEmpty, "agreements": agreements, "hasAgreements": !agreements.isEmpty,
            "interventions": interventions, "hasInterventions": !interventions.isEmpty, "notes": notes,
            "timeline": timeline, "hasTimeline": !timeline.isEmpty,
        ]
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
