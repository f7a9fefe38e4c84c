import ArgumentParser
import Casework
import Foundation
import Logging
import Replica
import SyncServer

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Tell Jaap's story end to end: a server, three laptops offline, sync, one journey.",
        discussion: """
            Runs in a temporary folder on the embedded default (SQLite, loopback HTTP) and removes it \
            afterwards unless --keep is given. Exits non-zero if the story does not go as told: the high signal \
            must appear with the sanction alone and clear once the support is synced, and the three laptops \
            must end with byte-identical journeys.
            """)

    @Flag(help: "Keep the temporary folder (server data and the three replicas) and print where it is.")
    var keep = false

    @Option(help: ArgumentHelp("Also write Jaap's journey as a web page to this file (to open or print).", valueName: "file"))
    var html: String?

    @Option(help: "Language of the journey's labels: en or nl [SAMENSPEL_LANG] (en).")
    var lang: Language?

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("samenspel-demo-\(UUID().uuidString.prefix(8).lowercased())").path
        defer {
            if keep {
                printError("kept the demo folder: \(folder)")
                printError("see a laptop's view in the browser (offline, the demo server is gone): "
                    + "SAMENSPEL_PASSPHRASE=\(JaapStory.passphrase) samenspel app --replica \(folder)/laptop-sanne")
            } else {
                try? FileManager.default.removeItem(atPath: folder)
            }
        }
        var logger = Logger(label: "samenspel.demo")
        logger.logLevel = .warning
        try await JaapStory(
            folder: folder, logger: logger, htmlPath: html, language: try Settings.value(lang, "SAMENSPEL_LANG", default: .en), colors: isatty(STDOUT_FILENO) == 1
        ).tell()
    }
}
