import ArgumentParser
import Casework
import Foundation
import JourneyViews
import Replica

/// `--signals-config FILE` (or `SAMENSPEL_SIGNALS_CONFIG`): thresholds and windows of the force-field signals.
struct SignalSettingsOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "JSON file with signal thresholds, e.g. {\"lowScore\": 2, \"referralOpenDays\": 14} (or set SAMENSPEL_SIGNALS_CONFIG).",
        valueName: "file"))
    var signalsConfig: String?

    func load() throws -> ForceFieldSettings {
        guard let path = signalsConfig ?? ProcessInfo.processInfo.environment["SAMENSPEL_SIGNALS_CONFIG"] else {
            return .standard
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("cannot read the signals configuration \(path)")
        }
        do {
            return try JSONDecoder().decode(ForceFieldSettings.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw CLIError("the signals configuration \(path) is not valid: \(context.debugDescription)")
        } catch let DecodingError.typeMismatch(_, context) {
            throw CLIError("the signals configuration \(path) is not valid: \(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type")
        } catch {
            throw CLIError("the signals configuration \(path) is not valid JSON settings")
        }
    }
}

struct JourneyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journey",
        abstract: "Show a client's journey across the three disciplines, from this replica (works offline).",
        discussion: """
            Signals, the force field, the assessments per discipline, the plan, the interventions and the \
            timeline. --format json is canonical: replicas that hold the same changes print the same bytes on the \
            same day (or with the same --as-of). --format html writes one self-contained page (--out FILE) to \
            read or print.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, html
    }

    @OptionGroup var options: ReplicaOptions
    @Option(help: "The client: a name, part of one, or an id.") var client: String
    @Option(help: "text, json or html.") var format: Format = .text
    @Option(help: "Write to this file instead of standard output (required for html).") var out: String?
    @Option(help: "Language of labels: en or nl [SAMENSPEL_LANG] (en).") var lang: Language?
    @Option(
        name: .customLong("discipline"),
        help: "Only what this discipline wrote or owns, in every part but the force field (repeatable).")
    var disciplines: [Discipline] = []
    @Option(help: "Only entries about this core behaviour.") var behaviour: CoreBehaviour?
    @Option(help: "Only entries about this determinant.") var determinant: Determinant?
    @Option(help: "From this date: DD-MM-YYYY or YYYY-MM-DD.", transform: typedDate) var from: CalendarDate?
    @Option(help: "Up to and including this date: DD-MM-YYYY or YYYY-MM-DD.", transform: typedDate) var to: CalendarDate?
    @Option(
        help: "Read the journey as of this day, for the signals that depend on time (an open referral, an old assessment): DD-MM-YYYY or YYYY-MM-DD (default: today). A day before the latest change reads as of that change.",
        transform: typedDate)
    var asOf: CalendarDate?
    @OptionGroup var settings: SignalSettingsOption

    func validate() throws {
        if format == .html && out == nil { throw ValidationError("--format html needs --out FILE") }
        if let from, let to, from.text > to.text {
            throw ValidationError("--from \(from.text) is after --to \(to.text): the period is empty")
        }
    }

    func run() async throws {
        let filter = JourneyFilter(
            disciplines: Set(disciplines), behaviour: behaviour, determinant: determinant, from: from, to: to)
        let replica = try options.open()
        let today = try await replica.readToday()
        let journey = try await replica.journey(
            clientId: try await lookUpClient(client, in: replica), settings: try settings.load(),
            readAt: asOf?.startMillis ?? today
        ).filtered(by: filter)
        let language = try Settings.value(lang, "SAMENSPEL_LANG", default: .en)
        let output: String
        switch format {
        case .json: output = journey.canonicalJSON()
        case .html: output = JourneyHTMLRenderer(language: language).render(journey, filter: filter)
        case .text:
            let terminal = out == nil && isatty(STDOUT_FILENO) == 1
            output = JourneyTextFormatter(language: language, colors: terminal).format(journey, filter: filter)
        }
        if let out {
            // Case notes: readable by the user only, like the replica itself.
            guard FileManager.default.createFile(atPath: out, contents: Data(output.utf8), attributes: [.posixPermissions: 0o600])
            else {
                throw CLIError("cannot write \(out)")
            }
            printError("wrote \(out)")
        } else {
            print(output, terminator: "")
        }
    }
}
