import ArgumentParser
import Casework
import FieldApp
import Foundation
import Logging
import NIOCore
import Replica

struct AppCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "app",
        abstract: "Open Samenspel in your browser: your caseload and client journeys, offline, on this laptop.",
        discussion: """
            Serves a web app on 127.0.0.1 only, from the local replica, and syncs in the background while it \
            runs (every --sync-interval seconds, at once after every write, at once when the server announces \
            a colleague's change on its event stream, with backoff while the server cannot be reached). Prints one URL on stdout: it holds a secret of this launch, so only you can \
            open the app; do not share it. The link works once; the browser that opens it stays signed in for \
            --session-hours, also after it is closed and after the app restarts on this replica, until 'Nu \
            vergrendelen' (lock now), which prints a new link here. Stop with Ctrl+C. No note text or client \
            names are printed or logged.
            """)

    @OptionGroup var options: ReplicaOptions
    @Option(help: ArgumentHelp("The port on 127.0.0.1, 0 picks a free one [SAMENSPEL_APP_PORT] (8484).", valueName: "port"))
    var port: Int?
    @Option(
        name: [.customLong("lang"), .customLong("language")],
        help: ArgumentHelp("nl or en: the language of the pages until you switch [SAMENSPEL_LANG] (nl).", valueName: "language"))
    var lang: Language?
    @Option(help: ArgumentHelp("Seconds between background syncs while the server answers (30).", valueName: "seconds"))
    var syncInterval: Double = 30
    @Option(help: ArgumentHelp("Hours a browser stays signed in after opening the link [SAMENSPEL_SESSION_HOURS] (10).", valueName: "hours"))
    var sessionHours: Double?
    @Option(help: ArgumentHelp(
        "Minutes without use after which the data locks and the app asks for the passphrase; 0 never [SAMENSPEL_IDLE_LOCK_MINUTES] (15).",
        valueName: "minutes"))
    var idleLock: Double?
    @Flag(help: "Open the URL in the default browser.")
    var open = false
    @Option(help: ArgumentHelp("trace, debug, info, notice, warning, error or critical (warning).", valueName: "level"))
    var logLevel: Logger.Level = .warning
    @OptionGroup var signalSettings: SignalSettingsOption

    func validate() throws {
        guard syncInterval >= 1 else { throw ValidationError("the sync interval must be at least 1 second") }
        if let sessionHours, !(0.01...24 * 7).contains(sessionHours) {
            throw ValidationError("--session-hours must be between 0.01 and 168 (a week)")
        }
    }

    func run() async throws {
        let port = try Settings.value(port, "SAMENSPEL_APP_PORT", default: 8484)
        guard (0...65535).contains(port) else { throw ValidationError("the port must be 0–65535, not \(port)") }
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let language = try Settings.value(lang, "SAMENSPEL_LANG", default: .nl)
        let forceField = try signalSettings.load()
        let replica = try options.open()
        let identity = try await replica.identity()
        let background = BackgroundSync(replica: replica, interval: syncInterval, live: true)
        let sessionHours = try Settings.value(sessionHours, "SAMENSPEL_SESSION_HOURS", default: 10)
        guard (0.01...24 * 7).contains(sessionHours) else {
            throw ValidationError("SAMENSPEL_SESSION_HOURS must be between 0.01 and 168 (a week)")
        }
        let idleMinutes = try Settings.value(idleLock, "SAMENSPEL_IDLE_LOCK_MINUTES", default: 15)
        guard (0...24 * 60).contains(idleMinutes) else {
            throw ValidationError("the idle lock must be 0 (never) to 1440 minutes, not \(idleMinutes)")
        }
        let dutch = language == .nl
        let app = FieldApp(
            replica: replica, background: background,
            configuration: FieldAppConfiguration(
                port: port, language: language, syncInterval: syncInterval, forceField: forceField,
                sessionHours: sessionHours, sessionOwner: identity.deviceId, idleLockMinutes: idleMinutes),
            announce: { url in
                printError(dutch ? "Samenspel is vergrendeld. Open het weer met deze link:" : "Samenspel is locked. Open it again with this link:")
                FileHandle.standardOutput.write(Data((url + "\n").utf8))
            })
        do {
            try await run(app, name: identity.professional.name, dutch: dutch)
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw CLIError(
                "port \(port) on 127.0.0.1 is in use (is Samenspel already open?); choose another with --port, or --port 0")
        }
    }

    private func run(_ app: FieldApp, name: String, dutch: Bool) async throws {
        let openBrowser = open
        try await app.run { url in
            printError(dutch
                ? "Samenspel draait op deze laptop voor \(name). Open deze link in je browser (stoppen met Ctrl+C):"
                : "Samenspel runs on this laptop for \(name). Open this link in your browser (Ctrl+C stops):")
            FileHandle.standardOutput.write(Data((url + "\n").utf8))
            if openBrowser { Self.openInBrowser(url) }
        }
    }

    /// Hands the URL to the desktop's browser (`xdg-open` on Linux, `open` on macOS); failing that, the
    /// printed URL is still there.
    static func openInBrowser(_ url: String) {
        let process = Process()
        #if os(macOS)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/open")
        #else
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["xdg-open"]
        #endif
        process.arguments = (process.arguments ?? []) + [url]
        try? process.run()
    }
}
