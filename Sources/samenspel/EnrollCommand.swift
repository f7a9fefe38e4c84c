import ArgumentParser
import Casework
import Foundation
import Replica

struct EnrollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Enroll this laptop: create a replica with a one-time code from an administrator.",
        discussion: """
            Enrolling fetches the caseload at once, with the progress line `sync` shows on a terminal, so a \
            note can be written right after. When the caseload cannot be fetched (the server went away \
            between the two steps), the laptop is still enrolled: it says so on stderr and exits 0, and \
            `samenspel sync` fetches the caseload later. The device id is printed on stdout.
            """)

    @OptionGroup var options: ReplicaOptions
    @Option(help: ArgumentHelp("The server's URL, e.g. http://127.0.0.1:8080.", valueName: "url")) var server: String
    @Option(help: "The one-time enrollment code.") var code: String
    @Option(help: "A name for this device (default: the host name).") var deviceName: String?
    @Option(help: ArgumentHelp(
        "PEM file of certificate authorities to trust besides the system's (a municipal PKI).", valueName: "file"))
    var caFile: String?
    @Flag(help: "Allow plain http to a server that is not on this machine (test setups only).") var insecure = false
    @OptionGroup var scrypt: ScryptCostOption

    func run() async throws {
        let directory = try options.directory()
        var caPEM: String?
        if let caFile {
            guard let data = FileManager.default.contents(atPath: caFile) else { throw CLIError("cannot read \(caFile)") }
            caPEM = String(decoding: data, as: UTF8.self)
        }
        let (passphrase, _) = try options.passphrase(
            asking: "Choose a passphrase for this replica (it unlocks the case notes on this laptop): ", confirming: true)
        let replica = try await Replica.enroll(
            in: directory, serverURL: server, code: code, passphrase: passphrase,
            cost: scrypt.cost,
            deviceName: deviceName ?? ProcessInfo.processInfo.hostName, insecure: insecure, caPEM: caPEM)
        let identity = try await replica.identity()
        printError(
            "enrolled \(identity.professional.name) (\(identity.professional.discipline.label)) as device "
                + identity.deviceId)
        let line = SyncProgressLine()
        do {
            let report = try await replica.sync(progress: line.update)
            line.finish()
            let clients = try await replica.clients().count
            printError(
                "fetched your caseload: \(clients) client\(clients == 1 ? "" : "s"), "
                    + "\(SyncProgressLine.grouped(report.pulled)) change\(report.pulled == 1 ? "" : "s")")
        } catch {
            line.finish()
            printError(
                "the laptop is enrolled, but the caseload could not be fetched yet (\(error)); "
                    + "run `samenspel sync` when the server can be reached")
        }
        print(identity.deviceId)
    }
}
