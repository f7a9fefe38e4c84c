public import Casework
public import Foundation

/// Writes a ``ClientJourney`` as one self-contained HTML page: no network, no scripts, printable.
///
/// For someone who never used a terminal: signals first, the force field drawn as a picture (forces that
/// strengthen the client point in from the left in green, forces that pressure point in from the right in
/// red), the assessments per discipline, the plan, and the timeline in one lane per discipline.
public struct JourneyHTMLRenderer: Sendable {
    /// The time zone for displayed times.
    public var timeZone: TimeZone
    /// The language of labels.
    public var language: Language

    /// Creates a renderer.
    public init(timeZone: TimeZone = .current, language: Language = .en) {
        self.timeZone = timeZone
        self.language = language
    }

    var words: ViewText { ViewText(language) }

    /// The HTML document.
    ///
    /// - Parameter filter: The filter the journey's timeline was narrowed by, named above the timeline.
    public func render(_ journey: ClientJourney, filter: JourneyFilter? = nil) -> String {
        let name = journey.client.name ?? words.registrationPending
        var html = """
            <!doctype html>
            <html lang="\(language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape("\(words.journeyTitle): \(name)"))</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <header>
            <h1>\(escape(words.journeyTitle)): \(escape(name))</h1>

            """
        for field in journey.client.contact {
            html += "<p class=\"meta\">\(escape(field.field.label(in: language))): \(escape(field.current.value ?? words.cleared))"
            if field.conflicted { html += " <span class=\"conflict\">\(words.conflict)</span>" }
            html += "</p>\n"
        }
        html += "<p class=\"goal\">\(escape(words.overarchingGoal))</p>\n</header>\n<main>\n"
        html += signals(journey.forceField)
        html += forceField(journey.forceField)
        html += matrix(journey)
        html += plan(journey.plan)
        html += referrals(journey)
        html += vacancies(journey)
        html += interventions(journey)
        html += timeline(journey, filter: filter)
        html += notes(journey)
        // Names lead; the ids, for whoever must find the record, close the page.
        html += "</main>\n<footer>Samenspel · \(escape(words.asOf)) \(escape(journey.forceField.asOf.map(time) ?? "–")) · "
            + "\(escape(words.ids(client: journey.client.id, team: journey.client.teamId)))</footer>\n"
        html += "</body>\n</html>\n"
        return html
    }

    // MARK: Sections

    private func signals(_ field: ForceFieldView) -> String {
        var html = "<section id=\"signals\">\n<h2>\(escape(words.signals)) (\(field.signals.count))</h2>\n"
        if field.signals.isEmpty { html += "<p class=\"calm\">\(escape(words.noSignals))</p>\n" }
        for signal in field.signals {
            let text = SignalText.describe(signal, in: language)
            html += "<article class=\"signal \(signal.severity.rawValue)\">\n"
            html += "<p class=\"severity\">\(escape(words.severity(signal.severity)))</p>\n"
            html += "<p>\(escape(text.reason))</p>\n"
            html += "<p><strong>\(escape(words.suggestion)):</strong> \(escape(text.suggestion))</p>\n"
            for acknowledgement in signal.acknowledgements {
                html += "<p class=\"ack\">\(escape(words.acknowledged)) \(escape(words.actor(acknowledgement.by))), "
                    + "\(escape(time(acknowledgement.at))): \(escape(acknowledgement.reason))</p>\n"
            }
            html += "</article>\n"
        }
        return html + "</section>\n"
    }

    private func forceField(_ field: ForceFieldView) -> String {
        var html = "<section id=\"force-field\">\n<h2>\(escape(words.forceField))</h2>\n"
        html += "<figure>\n\(forceFieldPicture(field))\n"
        html += "<figcaption>" + legend(field.settings) + "</figcaption>\n</figure>\n"
        html += "<h3>\(escape(words.perBehaviour))</h3>\n<ul class=\"behaviours\">\n"
        for row in field.behaviours {
            html += "<li><strong>\(escape(row.behaviour.label(in: language)))</strong>: "
                + (row.forces.isEmpty ? escape(words.noActiveInterventions)
                    : row.forces.map { "<span class=\"\($0.direction == .strengthens ? "plus" : "minus")\">"
                        + "\($0.direction == .strengthens ? "+" : "−") \(escape(forceLabel($0)))</span>" }.joined(separator: "; "))
                + "</li>\n"
        }
        return html + "</ul>\n</section>\n"
    }

    /// What the lines, dashes and red boxes of the picture mean.
    private func legend(_ settings: ForceFieldSettings) -> String {
        "<span class=\"plus\">→ \(escape(words.strengthens))</span> (\(escape(Valence.supportive.label(in: language))) ——, "
            + "\(escape(Valence.facilitating.label(in: language))) - - -) · "
            + "<span class=\"minus\">← \(escape(words.pressures))</span> (\(escape(Valence.corrective.label(in: language))) ——, "
            + "\(escape(Valence.normative.label(in: language))) - - -) · "
            + escape(words.lowBox(settings.lowScore))
    }

    /// The force field as an SVG picture: one row per determinant, strengthening forces as green arrows from
    /// the left, pressuring forces as red arrows from the right, the lowest current score in the middle.
    public func forceFieldPicture(_ field: ForceFieldView) -> String {
        let width = 1100
        let center = width / 2
        let boxWidth = 250
        let lineHeight = 22
        let labelRoom = center - boxWidth / 2 - 24 - 20  // from the label's start to short of the arrow's tip
        var rows: [(DeterminantForces, Int, Int)] = []  // row, y, height
        var y = 10
        for group in DeterminantGroup.allCases {
            y += 26
            for row in field.determinants where row.group == group {
                let strengthening = row.forces.filter { $0.direction == .strengthens }.count
                let pressuring = row.forces.count - strengthening
                let height = max(44, max(strengthening, pressuring) * lineHeight + 16)
                rows.append((row, y, height))
                y += height + 8
            }
        }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(y + 10)\" role=\"img\" "
            + "aria-label=\"\(escape(words.forceField))\">\n"
        svg += "<defs><marker id=\"tip-plus\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
            + "orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1a7f37\"/></marker>"
            + "<marker id=\"tip-minus\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
            + "orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#b42318\"/></marker></defs>\n"
        var groupY = 10
        for group in DeterminantGroup.allCases {
            svg += "<text x=\"\(center)\" y=\"\(groupY + 18)\" class=\"group\" text-anchor=\"middle\">"
                + "\(escape(group.label(in: language).uppercased()))</text>\n"
            let groupRows = rows.filter { $0.0.group == group }
            groupY = (groupRows.last.map { $0.1 + $0.2 + 8 } ?? groupY)
            for (row, top, height) in groupRows {
                let low = row.lowestScore.map { $0 <= field.settings.lowScore } ?? false
                svg += "<rect x=\"\(center - boxWidth / 2)\" y=\"\(top)\" width=\"\(boxWidth)\" height=\"\(height)\" rx=\"8\" "
                    + "class=\"determinant\(low ? " low" : "")\"/>\n"
                svg += "<text x=\"\(center)\" y=\"\(top + height / 2 - 2)\" text-anchor=\"middle\" class=\"label\">"
                    + "\(escape(row.determinant.label(in: language)))</text>\n"
                svg += "<text x=\"\(center)\" y=\"\(top + height / 2 + 15)\" text-anchor=\"middle\" class=\"score\">"
                    + "\(row.lowestScore.map { "\($0)/5" } ?? "–")</text>\n"
                let strengthening = row.forces.filter { $0.direction == .strengthens }
                let pressuring = row.forces.filter { $0.direction == .pressures }
                for (index, force) in strengthening.enumerated() {
                    let lineY = top + 8 + lineHeight / 2 + index * lineHeight
                    svg += "<line x1=\"20\" y1=\"\(lineY)\" x2=\"\(center - boxWidth / 2 - 6)\" y2=\"\(lineY)\" "
                        + "class=\"plus \(force.valence.rawValue)\" "
                        + "marker-end=\"url(#tip-plus)\"/>\n"
                    svg += "<text x=\"24\" y=\"\(lineY - 4)\" class=\"force\"\(fit(forceLabel(force), into: labelRoom))>"
                        + "\(escape(forceLabel(force)))</text>\n"
                }
                for (index, force) in pressuring.enumerated() {
                    let lineY = top + 8 + lineHeight / 2 + index * lineHeight
                    svg += "<line x1=\"\(width - 20)\" y1=\"\(lineY)\" x2=\"\(center + boxWidth / 2 + 6)\" y2=\"\(lineY)\" "
                        + "class=\"minus \(force.valence.rawValue)\" marker-end=\"url(#tip-minus)\"/>\n"
                    svg += "<text x=\"\(width - 24)\" y=\"\(lineY - 4)\" text-anchor=\"end\" class=\"force\""
                        + "\(fit(forceLabel(force), into: labelRoom))>\(escape(forceLabel(force)))</text>\n"
                }
            }
        }
        return svg + "</svg>"
    }

    /// Squeezes a label that would run into the arrow's tip (estimated at 6.4 units a character at 12px).
    private func fit(_ label: String, into room: Int) -> String {
        Double(label.count) * 6.4 > Double(room) ? " textLength=\"\(room)\" lengthAdjust=\"spacingAndGlyphs\"" : ""
    }

    private func forceLabel(_ force: ForceView) -> String {
        "\(words.kind(force.kind)) (\(force.valence.label(in: language))) · \(force.discipline?.label(in: language) ?? words.administrator)"
            + (force.effect.map { " · " + words.effect($0) } ?? "")
    }

    private func matrix(_ journey: ClientJourney) -> String {
        let anyDisagreement = journey.determinants.contains { $0.disagreement || $0.clientDiffers }
        var html = "<section id=\"assessments\">\n<h2>\(escape(words.assessments))</h2>\n<p class=\"meta\">\(escape(words.scale))</p>\n"
        html += "<table class=\"matrix\">\n<thead><tr><th></th>"
            + Discipline.allCases.map { "<th scope=\"col\">\(escape($0.label(in: language)))</th>" }.joined()
            + "<th scope=\"col\" class=\"client\">\(escape(words.clientColumn))</th>"
            + (anyDisagreement ? "<th></th>" : "") + "</tr></thead>\n<tbody>\n"
        for group in DeterminantGroup.allCases {
            html += "<tr class=\"group\"><th colspan=\"\(anyDisagreement ? 6 : 5)\">\(escape(group.label(in: language)))</th></tr>\n"
            for row in journey.determinants where row.group == group {
                html += "<tr\(row.disagreement ? " class=\"disagree\"" : "")><th scope=\"row\">\(escape(row.determinant.label(in: language)))</th>"
                for discipline in Discipline.allCases {
                    let current = row.assessments.filter { $0.discipline == discipline }
                    guard let first = current.first else {
                        html += "<td>–</td>"
                        continue
                    }
                    // One score per core behaviour it was given for; the cell is coloured by the first.
                    html += "<td class=\"score-\(first.score.text)\">" + current.map {
                        cell($0.score, $0.trend, at: $0.at) + ($0.behaviour.map { "<small>\(escape($0.label(in: language)))</small>" } ?? "")
                    }.joined(separator: "<hr>") + "</td>"
                }
                html += row.client.isEmpty ? "<td class=\"client\">–</td>"
                    : "<td class=\"client score-\(row.client[0].score.text)\">" + row.client.map {
                        cell($0.score, $0.trend, at: $0.at) + ($0.behaviour.map { "<small>\(escape($0.label(in: language)))</small>" } ?? "")
                    }.joined(separator: "<hr>") + "</td>"
                if anyDisagreement {
                    html += "<td>" + [row.disagreement ? "≠ " + escape(words.disagreement) : nil,
                                      row.clientDiffers ? "≠ " + escape(words.clientDiffers) : nil]
                        .compactMap { $0 }.joined(separator: "<br>") + "</td>"
                }
                html += "</tr>\n"
            }
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    private func cell(_ score: AssessmentScore, _ trend: String?, at: String) -> String {
        "<strong>\(score == .unknown ? "?" : score.text)</strong>\(trend == "up" ? " ↑" : trend == "down" ? " ↓" : "")"
            + "<small>\(escape(time(at)))</small>"
    }

    private func referrals(_ journey: ClientJourney) -> String {
        var html = "<section id=\"referrals\">\n<h2>\(escape(words.referrals))</h2>\n<ul>\n"
        if journey.referrals.isEmpty { html += "<li>\(escape(words.none))</li>\n" }
        for referral in journey.referrals {
            html += "<li>\(escape(words.referralLine(referral))) · \(escape(words.actor(referral.by))), "
                + escape(time(referral.createdAt))
            if let answeredBy = referral.answeredBy, let at = referral.answeredAt {
                html += " · \(escape(words.actor(answeredBy))), \(escape(time(at)))"
                    + (referral.answerReason.map { ": " + escape($0) } ?? "")
            }
            if referral.conflicted { html += " <span class=\"conflict\">\(words.conflict)</span>" }
            html += others(referral.otherAnswers.map {
                "\(words.status($0.status)) (\(words.actor($0.by)), \(time($0.at)))" + ($0.reason.map { ": \($0)" } ?? "")
            }) + "</li>\n"
        }
        return html + "</ul>\n</section>\n"
    }

    private func vacancies(_ journey: ClientJourney) -> String {
        var html = "<section id=\"vacancies\">\n<h2>\(escape(words.vacancies))</h2>\n<ul>\n"
        if journey.vacancies.isEmpty { html += "<li>\(escape(words.none))</li>\n" }
        for vacancy in journey.vacancies {
            html += "<li>\(escape(words.vacancyLine(vacancy.status, vacancy.title, vacancy.employer, vacancy.contact)))"
                + " · \(escape(words.actor(vacancy.by))), \(escape(time(vacancy.createdAt)))"
                + (vacancy.updatedAt != vacancy.createdAt || vacancy.updatedBy != vacancy.by
                    ? " · \(escape(words.actor(vacancy.updatedBy))), \(escape(time(vacancy.updatedAt)))" : "")
                + (vacancy.conflicted ? " <span class=\"conflict\">\(words.conflict)</span>" : "")
                + others(words.otherVersions(of: vacancy, time: time)) + "</li>\n"
        }
        return html + "</ul>\n</section>\n"
    }

    private func plan(_ plan: PlanView) -> String {
        var html = "<section id=\"plan\">\n<h2>\(escape(words.plan))</h2>\n<h3>\(escape(words.subGoals))</h3>\n<ul>\n"
        if plan.subGoals.isEmpty { html += "<li>\(escape(words.none))</li>\n" }
        for goal in plan.subGoals {
            html += "<li><span class=\"status\">\(escape(goal.status.label(in: language)))</span> \(escape(goal.title)) · "
                + "\(escape(goal.behaviour.label(in: language))) · "
                + escape(goal.targets.map { $0.label(in: language) }.joined(separator: ", "))
                + " · \(escape(goal.owner.label(in: language)))"
                + (goal.due.map { " · \(escape(words.due)) \(escape(words.date($0)))" } ?? "")
                + (goal.conflicted ? " <span class=\"conflict\">\(words.conflict)</span>" : "")
                + others(words.otherVersions(of: goal, time: time)) + "</li>\n"
        }
        html += "</ul>\n<h3>\(escape(words.agreements))</h3>\n<ul>\n"
        if plan.agreements.isEmpty { html += "<li>\(escape(words.none))</li>\n" }
        for agreement in plan.agreements {
            let responsible = Responsible(code: agreement.responsible)?.label(in: language) ?? agreement.responsible
            html += "<li><span class=\"status\">\(escape(agreement.status.label(in: language)))</span> "
                + "\(escape(agreement.text)) · \(escape(responsible))"
                + (agreement.due.map { " · \(escape(words.due)) \(escape(words.date($0)))" } ?? "")
                + (agreement.conflicted ? " <span class=\"conflict\">\(words.conflict)</span>" : "")
                + others(words.otherVersions(of: agreement, time: time)) + "</li>\n"
        }
        return html + "</ul>\n</section>\n"
    }

    private func interventions(_ journey: ClientJourney) -> String {
        var html = "<section id=\"interventions\">\n<h2>\(escape(words.interventions))</h2>\n<ul>\n"
        if journey.interventions.isEmpty { html += "<li>\(escape(words.none))</li>\n" }
        for intervention in journey.interventions {
            let direction = intervention.valence.direction == .strengthens ? "plus" : "minus"
            html += "<li class=\"\(direction)\"><span class=\"status\">\(escape(intervention.status.label(in: language)))</span> "
                + "\(escape(words.kind(intervention.kind))) (\(escape(intervention.valence.label(in: language)))) → "
                + escape(intervention.targets.map { $0.label(in: language) }.joined(separator: ", "))
                + (intervention.behaviour.map { " · " + escape($0.label(in: language)) } ?? "")
                + " · \(escape(words.actor(intervention.by))), \(escape(words.since)) \(escape(time(intervention.startedAt)))"
                + (intervention.conflicted ? " <span class=\"conflict\">\(words.conflict)</span>" : "")
                + others(words.otherVersions(of: intervention, time: time)) + "</li>\n"
        }
        return html + "</ul>\n</section>\n"
    }

    private func timeline(_ journey: ClientJourney, filter: JourneyFilter?) -> String {
        let active = filter.flatMap(words.describe)
        var html = "<section id=\"timeline\">\n<h2>\(escape(words.timeline))</h2>\n"
            + (active.map { "<p class=\"meta\">\(escape($0))</p>\n" } ?? "") + "<table class=\"lanes\">\n<thead><tr><th></th>"
            + Discipline.allCases.map { "<th scope=\"col\">\(escape($0.label(in: language)))</th>" }.joined()
            + "</tr></thead>\n<tbody>\n"
        if journey.timeline.isEmpty {
            html += "<tr><td colspan=\"4\">\(escape(active == nil ? words.nothingYet : words.nothingMatches))</td></tr>\n"
        }
        for entry in journey.timeline {
            let (headline, body) = words.describe(entry)
            let cell = "<div class=\"entry\"><strong>\(escape(entry.by.name))</strong> \(escape(headline))"
                + (body.map { "<p>\(escape($0).replacingOccurrences(of: "\n", with: "<br>"))</p>" } ?? "") + "</div>"
            html += "<tr><td class=\"when\">\(escape(time(entry.at)))</td>"
            if let discipline = entry.by.discipline {
                for lane in Discipline.allCases { html += lane == discipline ? "<td>\(cell)</td>" : "<td></td>" }
            } else {
                html += "<td colspan=\"3\" class=\"admin\">\(cell)</td>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    private func notes(_ journey: ClientJourney) -> String {
        var html = "<section id=\"notes\">\n<h2>\(escape(words.notes))</h2>\n"
        if journey.notes.isEmpty { html += "<p>\(escape(words.none))</p>\n" }
        for note in journey.notes {
            html += "<article class=\"note\"><p class=\"meta\">\(escape(time(note.createdAt))) · \(escape(words.actor(note.by)))"
                + (note.conflicted ? " <span class=\"conflict\">\(words.conflict)</span>" : "") + "</p>"
                + "<p>\(escape(note.current.text).replacingOccurrences(of: "\n", with: "<br>"))</p></article>\n"
        }
        return html + "</section>\n"
    }

    // MARK: Helpers

    /// The other versions concurrent updates left, one per line under the current one.
    private func others(_ lines: [String]) -> String {
        lines.map { "<br><span class=\"other\">\(escape($0))</span>" }.joined()
    }

    private func time(_ iso: String) -> String {
        JourneyTextFormatter(timeZone: timeZone, language: language).time(iso)
    }

    /// Escapes text for HTML element content and attribute values.
    func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// The style of ``forceFieldPicture(_:)``, for a page that shows it: it uses the page's colours
    /// `--ink`, `--muted`, `--plus`, `--minus` and `--box-line` (the outline of a determinant's box).
    public static let forceFieldStyle = """
        figure { margin: 0; } svg { width: 100%; height: auto; }
        svg .determinant { fill: #f6f8fa; stroke: var(--box-line); } svg .determinant.low { fill: #fff0ee; stroke: var(--minus); }
        svg .label { font: 600 15px system-ui, sans-serif; fill: var(--ink); } svg .score { font: 13px system-ui, sans-serif; fill: var(--muted); }
        svg .group { font: 700 12px system-ui, sans-serif; fill: var(--muted); letter-spacing: .1em; }
        svg .force { font: 12px system-ui, sans-serif; fill: var(--ink); }
        svg line.plus { stroke: var(--plus); stroke-width: 3; } svg line.minus { stroke: var(--minus); stroke-width: 3; }
        svg line.facilitating, svg line.normative { stroke-dasharray: 9 5; }
        """

    static let style = """
        :root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --plus: #1a7f37; --minus: #b42318;
          --box-line: #8c959f; }
        * { box-sizing: border-box; }
        body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px; }
        h1 { font-size: 1.7em; margin: 0 0 4px; } h2 { font-size: 1.25em; border-bottom: 2px solid var(--line); padding-bottom: 4px; margin-top: 32px; }
        h3 { font-size: 1.05em; margin-bottom: 4px; }
        .meta, .key, small { color: var(--muted); } small { display: block; font-size: .8em; }
        .goal { font-weight: 600; }
        .signal { border-left: 6px solid; border-radius: 6px; padding: 8px 14px; margin: 10px 0; background: #fff8e6; border-color: #bf8700; }
        .signal.high { background: #fff0ee; border-color: var(--minus); }
        .signal p { margin: 4px 0; } .severity { font-weight: 700; letter-spacing: .05em; }
        .key { font-size: .8em; font-family: ui-monospace, monospace; }
        .calm { color: var(--plus); font-weight: 600; }
        \(forceFieldStyle)
        figcaption .plus, li.plus::marker { color: var(--plus); } figcaption .minus, li.minus::marker { color: var(--minus); }
        table { border-collapse: collapse; width: 100%; }
        th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
        thead th { background: #f6f8fa; } tr.group th { background: #f6f8fa; text-transform: uppercase; font-size: .8em; letter-spacing: .08em; }
        .matrix td { width: 22%; } .matrix tr.disagree td:last-child { color: #9a6700; font-weight: 600; }
        .score-1 strong, .score-2 strong { color: var(--minus); } .score-4 strong, .score-5 strong { color: var(--plus); }
        .lanes td.when { white-space: nowrap; color: var(--muted); width: 11em; } .lanes td { width: 29%; }
        .lanes .admin { color: var(--muted); } .entry p { margin: 4px 0 0; }
        .status { display: inline-block; min-width: 6em; font-size: .8em; text-transform: uppercase; color: var(--muted); }
        .conflict { color: var(--minus); font-weight: 700; font-size: .8em; } .other { color: #9a6700; font-size: .9em; }
        ul.behaviours .plus { color: var(--plus); } ul.behaviours .minus { color: var(--minus); }
        .note { border-bottom: 1px solid var(--line); padding: 6px 0; } .note p { margin: 2px 0; }
        footer { margin-top: 40px; color: var(--muted); font-size: .85em; }
        @media print {
          body { font-size: 10pt; max-width: none; padding: 0; }
          section { break-inside: avoid-page; } .lanes, .lanes tr { break-inside: auto; } .lanes tr { break-inside: avoid; }
          h2 { break-after: avoid; } .signal { background: none !important; }
        }
        """
}
