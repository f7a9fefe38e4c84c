public import Casework
public import Foundation

/// Writes a ``ClientJourney`` as a terminal view: signals, force field, assessments, plan, interventions,
/// timeline and notes.
///
/// Times are shown in `timeZone` in Dutch date order (`29-11-2026 10:09`). Colours (ANSI) only when
/// `colors` is on, which the CLI does only for a terminal.
public struct JourneyTextFormatter: Sendable {
    /// The time zone for displayed times.
    public var timeZone: TimeZone
    /// The width at which free text is wrapped.
    public var lineWidth: Int
    /// The language of labels.
    public var language: Language
    /// Whether to use ANSI colours.
    public var colors: Bool

    /// Creates a formatter.
    public init(timeZone: TimeZone = .current, lineWidth: Int = 100, language: Language = .en, colors: Bool = false) {
        self.timeZone = timeZone
        self.lineWidth = lineWidth
        self.language = language
        self.colors = colors
    }

    var words: ViewText { ViewText(language) }

    /// The text form of a journey, ending with a newline.
    ///
    /// - Parameter filter: The filter the journey's timeline was narrowed by (``ClientJourney/filtered(by:)``),
    ///   named above the timeline so nobody mistakes a filtered timeline for the whole one.
    public func format(_ journey: ClientJourney, filter: JourneyFilter? = nil) -> String {
        var lines: [String] = []
        lines.append(bold("\(words.journeyTitle): \(journey.client.name ?? words.registrationPending)"))
        for field in journey.client.contact {
            var line = "\(field.field.label(in: language)): \(field.current.value ?? words.cleared)"
            if field.conflicted {
                let others = field.revisions.filter { $0.isHead && $0.changeId != field.current.changeId }
                line += " · \(words.conflict): " + others.map { $0.value ?? words.cleared }.joined(separator: "; ")
            }
            lines.append(line)
        }
        lines.append(words.overarchingGoal)
        lines += [""] + signals(journey.forceField)
        lines += [""] + forceField(journey.forceField)
        lines += [""] + matrix(journey)
        lines += [""] + plan(journey.plan)
        lines += [""] + referrals(journey)
        lines += [""] + vacancies(journey)
        lines += [""] + interventions(journey)
        lines += [""] + timeline(journey, filter: filter)
        lines += [""] + notes(journey)
        // Names lead; the ids, for whoever must find the record, close the journey.
        lines += ["", words.ids(client: journey.client.id, team: journey.client.teamId)]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Only the signals, for a quick look.
    public func formatSignals(_ journey: ClientJourney) -> String {
        signals(journey.forceField).joined(separator: "\n") + "\n"
    }

    /// Only the signals and the force field, for a quick look.
    public func formatForceField(_ journey: ClientJourney) -> String {
        (signals(journey.forceField) + [""] + forceField(journey.forceField)).joined(separator: "\n") + "\n"
    }

    // MARK: Sections

    private func signals(_ field: ForceFieldView) -> [String] {
        var lines = [bold("\(words.signals) (\(field.signals.count))")]
        if field.signals.isEmpty { lines.append("  " + paint(words.noSignals, .green)) }
        for signal in field.signals {
            let text = SignalText.describe(signal, in: language)
            let badge = paint("!! \(words.severity(signal.severity))", signal.severity == .high ? .red : .yellow)
            lines.append(contentsOf: wrap(text.reason, first: "  \(badge)  ", rest: "      "))
            lines.append(contentsOf: wrap("\(words.suggestion): \(text.suggestion)", first: "      ", rest: "      "))
            for acknowledgement in signal.acknowledgements {
                lines.append("      \(words.acknowledged) \(words.actor(acknowledgement.by)) \(time(acknowledgement.at)): \(acknowledgement.reason)")
            }
            lines.append("      \(language == .nl ? "sleutel" : "key"): \(signal.key)")
        }
        return lines
    }

    private func forceField(_ field: ForceFieldView) -> [String] {
        var lines = [bold(words.forceField) + (field.asOf.map { " (\(words.asOf) \(time($0)))" } ?? "")]
        for group in DeterminantGroup.allCases {
            lines.append("  " + group.label(in: language))
            for row in field.determinants where row.group == group {
                let score = row.lowestScore.map(String.init) ?? "–"
                let head = "    " + pad(row.determinant.label(in: language), 26) + pad(score, 3)
                if row.forces.isEmpty {
                    lines.append(head + paint(words.noActiveInterventions, .dim))
                    continue
                }
                for (index, force) in row.forces.enumerated() {
                    lines.append((index == 0 ? head : String(repeating: " ", count: head.count)) + describe(force))
                }
            }
        }
        for row in field.behaviours where !row.forces.isEmpty {
            lines.append("  \(row.behaviour.label(in: language)): " + row.forces.map(describe).joined(separator: ", "))
        }
        return lines
    }

    private func describe(_ force: ForceView) -> String {
        let sign = force.direction == .strengthens ? paint("+", .green) : paint("−", .red)
        let who = force.discipline.map { $0.label(in: language) } ?? ""
        let effect = force.effect.map { " · " + paint(words.effect($0), $0 == .paralyses ? .red : .dim) } ?? ""
        return "\(sign) \(words.kind(force.kind)) (\(force.valence.label(in: language)), \(who))\(effect)"
    }

    private func matrix(_ journey: ClientJourney) -> [String] {
        let width = 22
        var lines = [bold(words.assessments) + " (\(words.scale))"]
        lines.append(trimTrailing(
            "  " + pad("", 28) + Discipline.allCases.map { pad($0.label(in: language), width) }.joined()
                + pad(words.clientColumn, width)))
        for group in DeterminantGroup.allCases {
            lines.append("  " + group.label(in: language))
            for row in journey.determinants where row.group == group {
                var line = "    " + pad(row.determinant.label(in: language), 26)
                for discipline in Discipline.allCases {
                    let current = row.assessments.filter { $0.discipline == discipline }
                    // With the year: an old score must look old. One per core behaviour it was given for, named
                    // when a discipline gave more than one (the timeline names it always).
                    line += pad(current.isEmpty ? "–" : current.map {
                        cell($0.score, $0.trend, at: $0.at)
                            + (current.count > 1 ? $0.behaviour.map { " (\($0.label(in: language)))" } ?? "" : "")
                    }.joined(separator: "; "), width)
                }
                line += pad(row.client.isEmpty ? "–" : row.client.map {
                    cell($0.score, $0.trend, at: $0.at)
                        + (row.client.count > 1 ? $0.behaviour.map { " (\($0.label(in: language)))" } ?? "" : "")
                }.joined(separator: "; "), width)
                if row.disagreement { line += paint("≠ " + words.disagreement, .yellow) + " " }
                if row.clientDiffers { line += paint("≠ " + words.clientDiffers, .yellow) }
                lines.append(trimTrailing(line))
            }
        }
        return lines
    }

    private func cell(_ score: AssessmentScore, _ trend: String?, at: String) -> String {
        (score == .unknown ? "?" : score.text) + (trend == "up" ? " ↑" : trend == "down" ? " ↓" : "")
            + " " + String(time(at).prefix(10))
    }

    private func referrals(_ journey: ClientJourney) -> [String] {
        var lines = [bold(words.referrals)]
        if journey.referrals.isEmpty { lines.append("  " + words.none) }
        for referral in journey.referrals {
            lines.append(contentsOf: wrap(
                words.referralLine(referral) + (referral.conflicted ? " · " + paint(words.conflict, .yellow) : ""),
                first: "  ", rest: "    "))
            var who = "      \(words.actor(referral.by)) \(time(referral.createdAt))"
            if let answeredBy = referral.answeredBy, let at = referral.answeredAt {
                who += " · \(words.actor(answeredBy)) \(time(at))" + (referral.answerReason.map { ": \($0)" } ?? "")
            }
            lines.append(who)
            for other in referral.otherAnswers {
                lines.append("      " + (language == .nl ? "ander antwoord" : "other answer")
                    + " (\(words.actor(other.by)), \(time(other.at))): \(words.status(other.status))"
                    + (other.reason.map { ", \($0)" } ?? ""))
            }
        }
        return lines
    }

    private func vacancies(_ journey: ClientJourney) -> [String] {
        var lines = [bold(words.vacancies)]
        if journey.vacancies.isEmpty { lines.append("  " + words.none) }
        for vacancy in journey.vacancies {
            lines.append(contentsOf: wrap(
                words.vacancyLine(vacancy.status, vacancy.title, vacancy.employer, vacancy.contact)
                    + (vacancy.conflicted ? " · " + paint(words.conflict, .yellow) : ""),
                first: "  ", rest: "    "))
            lines.append("      \(words.actor(vacancy.by)) \(time(vacancy.createdAt))"
                + (vacancy.updatedAt != vacancy.createdAt || vacancy.updatedBy != vacancy.by
                    ? " · \(words.actor(vacancy.updatedBy)) \(time(vacancy.updatedAt))" : ""))
            for other in words.otherVersions(of: vacancy, time: time) { lines.append(contentsOf: wrap(other, first: "      ", rest: "        ")) }
        }
        return lines
    }

    private func plan(_ plan: PlanView) -> [String] {
        var lines = [bold(words.plan), "  " + words.subGoals]
        if plan.subGoals.isEmpty { lines.append("    " + words.none) }
        for goal in plan.subGoals {
            lines.append(contentsOf: wrap(
                words.goalLine(goal.status, goal.title, goal.behaviour, goal.targets, goal.owner, goal.due)
                    + (goal.conflicted ? " · " + paint(words.conflict, .yellow) : ""),
                first: "    ", rest: "      "))
            for other in words.otherVersions(of: goal, time: time) { lines.append(contentsOf: wrap(other, first: "      ", rest: "        ")) }
        }
        lines.append("  " + words.agreements)
        if plan.agreements.isEmpty { lines.append("    " + words.none) }
        for agreement in plan.agreements {
            lines.append(contentsOf: wrap(
                words.agreementLine(agreement.status, agreement.text, agreement.responsible, agreement.due)
                    + (agreement.conflicted ? " · " + paint(words.conflict, .yellow) : ""),
                first: "    ", rest: "      "))
            for other in words.otherVersions(of: agreement, time: time) {
                lines.append(contentsOf: wrap(other, first: "      ", rest: "        "))
            }
        }
        return lines
    }

    private func interventions(_ journey: ClientJourney) -> [String] {
        var lines = [bold(words.interventions)]
        if journey.interventions.isEmpty { lines.append("  " + words.none) }
        for intervention in journey.interventions {
            let owner = intervention.discipline?.label(in: language) ?? words.administrator
            lines.append(
                "  [\(intervention.status.label(in: language))] \(words.kind(intervention.kind)) "
                    + "(\(intervention.valence.label(in: language))) → "
                    + intervention.targets.map { $0.label(in: language) }.joined(separator: ", ")
                    + (intervention.behaviour.map { " · \($0.label(in: language))" } ?? ""))
            lines.append(
                "      \(owner): \(intervention.by.name), \(words.since) \(time(intervention.startedAt))"
                    + (intervention.conflicted ? " · " + paint(words.conflict, .yellow) : ""))
            for other in words.otherVersions(of: intervention, time: time) {
                lines.append(contentsOf: wrap(other, first: "      ", rest: "        "))
            }
        }
        return lines
    }

    private func timeline(_ journey: ClientJourney, filter: JourneyFilter?) -> [String] {
        let active = filter.flatMap(words.describe)
        var lines = [bold(words.timeline) + (active.map { " (\($0))" } ?? "")]
        if journey.timeline.isEmpty { lines.append("  " + (active == nil ? words.nothingYet : words.nothingMatches)) }
        for entry in journey.timeline {
            let (headline, body) = words.describe(entry)
            lines.append("  \(time(entry.at))  \(words.actor(entry.by))")
            lines.append(contentsOf: wrap(headline, first: "      ", rest: "      "))
            if let body { lines.append(contentsOf: indent(body, by: "        ")) }
        }
        return lines
    }

    private func notes(_ journey: ClientJourney) -> [String] {
        var lines = [bold(words.notes)]
        if journey.notes.isEmpty { lines.append("  " + words.none) }
        for note in journey.notes {
            var header = "  \(time(note.createdAt))  \(words.actor(note.by))"
            if note.revisions.count > 1 { header += " · \(note.revisions.count) " + (language == .nl ? "versies" : "revisions") }
            if note.conflicted {
                header += " · " + paint("\(words.conflict): \(note.revisions.filter(\.isHead).count)", .yellow)
            }
            lines.append(header)
            lines.append(contentsOf: indent(note.current.text, by: "      "))
            for other in note.revisions where other.isHead && other.changeId != note.current.changeId {
                lines.append("      " + (language == .nl ? "andere versie" : "other version") + " (\(time(other.at))):")
                lines.append(contentsOf: indent(other.text, by: "        "))
            }
        }
        return lines
    }

    // MARK: Helpers

    private enum Color: String {
        case red = "31", green = "32", yellow = "33", dim = "2", bold = "1"
    }

    private func paint(_ text: String, _ color: Color) -> String {
        colors ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    private func bold(_ text: String) -> String { paint(text, .bold) }

    func time(_ iso: String) -> String {
        CalendarTime.millis(fromISO8601: iso).map(timeZone.dutchDateTime(millis:)) ?? iso
    }

    /// Wraps one paragraph: `first` before the first line, `rest` before the others.
    private func wrap(_ text: String, first: String, rest: String) -> [String] {
        var lines: [String] = []
        var line = first
        var lineHasWord = false
        for word in text.split(separator: " ") {
            if lineHasWord, visibleCount(line) + 1 + word.count > lineWidth {
                lines.append(line)
                line = rest
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        lines.append(line)
        return lines
    }

    /// Wraps text keeping the author's own line breaks, each line prefixed with `prefix`.
    private func indent(_ text: String, by prefix: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { wrap(String($0), first: prefix, rest: prefix) }
    }

    private func visibleCount(_ text: String) -> Int {
        var count = 0
        var inEscape = false
        for character in text {
            if character == "\u{1B}" { inEscape = true } else if inEscape { if character == "m" { inEscape = false } } else { count += 1 }
        }
        return count
    }

    private func pad(_ text: String, _ width: Int) -> String {
        let count = visibleCount(text)
        return count >= width ? text + " " : text + String(repeating: " ", count: width - count)
    }

    private func trimTrailing(_ text: String) -> String {
        var result = text
        while result.last == " " { result.removeLast() }
        return result
    }
}
