public import Foundation

/// Writes a ``ClientJourney`` as a readable plain-text timeline for a terminal.
///
/// Shows who (name and discipline) did what and when, the current assessment of each determinant per
/// discipline, the interventions and the notes with their revisions. Times are shown in `timeZone` in Dutch
/// date order (`29-11-2026 10:09`).
public struct JourneyTextFormatter: Sendable {
    /// The time zone for displayed times.
    public var timeZone: TimeZone
    /// The width at which note text is wrapped.
    public var lineWidth: Int

    /// Creates a formatter for a time zone (by default the system's) and a line width.
    public init(timeZone: TimeZone = .current, lineWidth: Int = 100) {
        self.timeZone = timeZone
        self.lineWidth = lineWidth
    }

    /// The text form of a journey, ending with a newline.
    public func format(_ journey: ClientJourney) -> String {
        var lines: [String] = []
        let name = journey.client.name ?? "(registration not yet received)"
        lines.append("Client journey: \(name)")
        lines.append("client \(journey.client.id)" + (journey.client.teamId.map { " · team \($0)" } ?? ""))
        for field in journey.client.contact {
            var line = "\(field.field.label): \(field.current.value ?? "(cleared)")"
            if field.conflicted {
                let others = field.revisions.filter { $0.isHead && $0.changeId != field.current.changeId }
                line += " · CONFLICT, also: " + others.map { $0.value ?? "(cleared)" }.joined(separator: "; ")
            }
            lines.append(line)
        }
        lines.append("")
        lines.append("Timeline")
        if journey.timeline.isEmpty { lines.append("  (nothing recorded yet)") }
        for entry in journey.timeline {
            lines.append("  \(time(entry.at))  \(who(entry.by))")
            lines.append(contentsOf: describe(entry, in: journey).map { "      " + $0 })
        }
        lines.append("")
        lines.append("Current assessments (1 = least favourable … 5 = most favourable; practical barriers 5 = none)")
        lines.append(contentsOf: matrix(journey))
        lines.append("")
        lines.append("Interventions")
        if journey.interventions.isEmpty { lines.append("  (none)") }
        for intervention in journey.interventions {
            let owner = intervention.discipline?.label ?? "administrator"
            lines.append(
                "  [\(intervention.status.rawValue)] \(intervention.label ?? intervention.kind) (\(intervention.valence.rawValue))"
                    + " → \(intervention.targets.map(\.label).joined(separator: ", "))"
                    + (intervention.behaviour.map { " · \($0.label)" } ?? ""))
            lines.append(
                "      \(owner): \(intervention.by.name), since \(time(intervention.startedAt))"
                    + (intervention.conflicted ? " · CONFLICT: concurrent updates, showing the latest" : ""))
        }
        lines.append("")
        lines.append("Notes")
        if journey.notes.isEmpty { lines.append("  (none)") }
        for note in journey.notes {
            var header = "  \(time(note.createdAt))  \(who(note.by))"
            if note.revisions.count > 1 { header += " · \(note.revisions.count) revisions" }
            if note.conflicted {
                header += " · CONFLICT: \(note.revisions.filter(\.isHead).count) concurrent versions"
            }
            lines.append(header)
            lines.append(contentsOf: indent(note.current.text, by: "      "))
            for other in note.revisions where other.isHead && other.changeId != note.current.changeId {
                lines.append("      other version (\(time(other.at))):")
                lines.append(contentsOf: indent(other.text, by: "        "))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func describe(_ entry: TimelineEntry, in journey: ClientJourney) -> [String] {
        let about = aboutLabel(entry.behaviour, entry.determinants ?? [])
        switch entry.event {
        case "client.register":
            return ["registered the client"]
        case "client.move":
            return ["moved the client to team \(entry.teamId ?? "?")"]
        case "client.setContact":
            let label = entry.field?.label ?? "contact detail"
            return [entry.cleared == true ? "cleared the \(label)" : "set the \(label) to \(entry.value ?? "")"]
        case "note.add":
            return ["wrote a note\(about)"] + indent(entry.text ?? "", by: "  ")
        case "note.revise":
            return ["revised a note\(about)"] + indent(entry.text ?? "", by: "  ")
        case "assessment.record":
            let score = entry.score.map { $0 == .unknown ? "unknown" : "\($0.text)/5" } ?? "?"
            return ["assessed \(entry.determinant?.label ?? "?"): \(score)\(aboutLabel(entry.behaviour, []))"]
        case "intervention.start":
            let kind = entry.kind.map { InterventionCatalogue.kind($0)?.label ?? $0 } ?? "?"
            let verb = entry.status == .planned ? "planned" : "started"
            return [
                "\(verb) \(kind) (\(entry.valence?.rawValue ?? "?")) on "
                    + (entry.targets ?? []).map(\.label).joined(separator: ", ") + aboutLabel(entry.behaviour, [])
            ]
        case "intervention.update":
            let kind = entry.kind.map { InterventionCatalogue.kind($0)?.label ?? $0 } ?? "?"
            let targets = (entry.targets ?? []).map(\.label).joined(separator: ", ")
            if entry.status == .ended { return ["ended \(kind) (on \(targets))"] }
            return ["\(kind) is now \(entry.status?.rawValue ?? "?") (on \(targets))"]
        default:
            return [entry.event]
        }
    }

    private func matrix(_ journey: ClientJourney) -> [String] {
        let width = 20
        var lines = ["  " + pad("", 22) + Discipline.allCases.map { pad($0.label, width) }.joined()]
        for group in DeterminantGroup.allCases {
            lines.append("  \(group.label)")
            for row in journey.determinants where row.group == group {
                var line = "    " + pad(row.determinant.label, 20)
                for discipline in Discipline.allCases {
                    guard let current = row.assessments.first(where: { $0.discipline == discipline }) else {
                        line += pad("–", width)
                        continue
                    }
                    var cell = current.score.text
                    if let previous = current.previousScore, previous != current.score {
                        cell += " (was \(previous.text))"
                    }
                    line += pad(cell, width)
                }
                lines.append(line.trimmingTrailingSpaces())
            }
        }
        return lines
    }

    private func who(_ actor: JourneyActor) -> String {
        guard let discipline = actor.discipline else { return actor.name }
        return "\(actor.name) (\(discipline.label))"
    }

    private func aboutLabel(_ behaviour: CoreBehaviour?, _ determinants: [Determinant]) -> String {
        var parts: [String] = []
        if let behaviour { parts.append(behaviour.label) }
        if !determinants.isEmpty { parts.append(determinants.map(\.label).joined(separator: ", ")) }
        return parts.isEmpty ? "" : " [\(parts.joined(separator: " · "))]"
    }

    private func time(_ iso: String) -> String {
        guard let millis = CalendarTime.millis(fromISO8601: iso) else { return iso }
        let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(millis) / 1000))
        return CalendarTime.dutchDateTime(millis: millis, offsetSeconds: offset)
    }

    /// Splits text into lines of at most ``lineWidth`` characters (words longer than that stay whole),
    /// keeping the author's own line breaks, each prefixed with `prefix`.
    private func indent(_ text: String, by prefix: String) -> [String] {
        let width = max(lineWidth - prefix.count, 20)
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
                if !line.isEmpty, line.count + 1 + word.count > width {
                    lines.append(prefix + line)
                    line = String(word)
                } else {
                    line += line.isEmpty ? String(word) : " " + word
                }
            }
            lines.append(prefix + line)
        }
        return lines
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
