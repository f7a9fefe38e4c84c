import ArgumentParser
import SyncProtocol

/// `samenspel`: the sync server, its administration, and a professional's offline replica.
@main
struct Samenspel: AsyncParsableCommand {
    /// This build's version (`samenspel --version`), with the sync protocol versions it speaks.
    static let version = "2026.12"

    static let configuration = CommandConfiguration(
        commandName: "samenspel",
        abstract: "Offline-first case notes and one client journey for Work and Income professionals.",
        discussion: """
            Server side: `serve` runs the sync server, `admin` manages teams, professionals, clients and \
            enrollment codes. Laptop side: `enroll` once, then write offline (`note`, `assess`, \
            `intervention`, `goal`, `agreement`, `referral`, `vacancy`), `sync` when online, read the `journey` and `search` it — or do all of it in the browser with `app`. `demo` shows all of it.
            Replica commands take --replica DIR or read SAMENSPEL_REPLICA.
            """,
        version: "samenspel \(Samenspel.version) (sync protocol \(WireCoding.protocolVersion))",
        subcommands: [
            ServeCommand.self, AdminCommand.self, EnrollCommand.self, NoteCommand.self, AssessCommand.self,
            InterventionCommand.self, PlanCommand.self, AgreementCommand.self, ReferralCommand.self, VacancyCommand.self, SignalCommand.self,
            ContactCommand.self, PassphraseCommand.self,
            SyncCommand.self, StatusCommand.self, AppCommand.self,
            ClientsCommand.self, JourneyCommand.self, SearchCommand.self, ConflictsCommand.self, RejectedCommand.self, DemoCommand.self,
            ConformanceCommand.self,
        ])
}
