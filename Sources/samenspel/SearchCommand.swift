import ArgumentParser
import Casework
import ChangeLog
import Foundation
import JourneyViews
import Replica

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find notes, agreements, sub-goals, interventions, referrals and vacancies by words, offline.",
        discussion: """
            Every word typed must occur; a word matches the start of a word ("schuld" finds "schulden" and \
            "schuldhulpverlening"), whatever its case or accents. Newest first. Only what this replica holds \
            is searched: nothing of clients outside your caseload or of another discipline's own notes. Each \
            hit names the client and the command that shows it in the journey; --format json prints one \
            object per line for scripts. Exits 0 also when nothing is found.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var options: ReplicaOptions
    @Option(help: "The words to look for (one that starts with '-' is given as --query=-word).") var query: String
    @Option(help: "Only in this client's file: a name, part of one, or an id.") var client: String?
    @Option(help: "At most this many hits (1–1000).") var limit = 20
    @Option(help: "text or json (one object per line, UTC times).") var format: Format = .text
    @Option(help: "Language of labels: en or nl [SAMENSPEL_LANG] (en).") var lang: Language?

    func validate() throws {
        guard (1...1000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
        if query.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--query needs a word to look for") }
    }

    func run() async throws {
        let replica = try options.open()
        var clientId: String?
        if let client { clientId = try await lookUpClient(client, in: replica) }
        let results = try await replica.search(query, clientId: clientId, limit: limit)
        switch format {
        case .json:
            for hit in results.hits { print(try Self.json(hit)) }
        case .text:
            let words = ViewText(try Settings.value(lang, "SAMENSPEL_LANG", default: .en))
            let bold = isatty(STDOUT_FILENO) == 1
            for hit in results.hits {
                let who = hit.authorDiscipline.map { "\(hit.authorName ?? hit.authorId) (\($0.label(in: words.language)))" }
                    ?? hit.authorName ?? hit.authorId
                print("\(TimeZone.current.dutchDateTime(millis: hit.at.wallMillis))  \(hit.clientName ?? hit.clientId) · "
                    + "\(words.writeKind(hit.entityType).lowercased()) · \(who)")
                let snippet = hit.snippet.map { fragment in
                    fragment.matched ? (bold ? "\u{1B}[1m\(fragment.text)\u{1B}[0m" : "[\(fragment.text)]") : fragment.text
                }.joined()
                print("  " + snippet.split(whereSeparator: { $0.isNewline }).joined(separator: " / "))
                print("  samenspel journey --client \(hit.clientId)")
            }
            let shown = results.hits.count
            printError(
                results.total == 0 ? "nothing found for '\(query.count > 60 ? query.prefix(60) + "…" : query)'"
                    : shown < results.total ? "\(shown) of \(results.total) hits, newest first (--limit shows more)"
                    : "\(results.total) hit\(results.total == 1 ? "" : "s"), newest first")
        }
    }

    /// A hit as one JSON object: where it is, who wrote it, the snippet as text and the matched words.
    static func json(_ hit: SearchHit) throws -> String {
        var object: [String: Any] = [
            "clientId": hit.clientId, "entityId": hit.entityId, "entityType": hit.entityType,
            "changeId": hit.currentChangeId, "at": CalendarTime.iso8601(millis: hit.at.wallMillis),
            "authorId": hit.authorId, "snippet": hit.snippetText, "matched": hit.snippet.filter(\.matched).map(\.text),
        ]
        object["clientName"] = hit.clientName ?? NSNull()
        object["authorName"] = hit.authorName ?? NSNull()
        object["authorDiscipline"] = hit.authorDiscipline?.rawValue ?? NSNull()
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
