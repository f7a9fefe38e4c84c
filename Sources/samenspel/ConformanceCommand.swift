import ArgumentParser
import ChangeLog
import Conformance
import Foundation

struct ConformanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Check a server against the sync protocol, as a client would; exits 1 if a property fails.",
        discussion: """
            Enrolls a device with --code, then pushes every vector of Protocol/vectors (valid and invalid), \
            retries, a change stamped ahead, pages with cursors, compares the digest and pushes and pulls \
            with gzip — about the client --client, which must be in the code's professional's caseload. \
            Prints one line per property of Protocol/README.md §13 (PASS or FAIL, the property's number or \
            section, what failed); exits 1 when a property fails, 2 when the checks could not start (the \
            server, the code or the client). It writes notes into that client's journey and leaves an \
            enrolled device behind: use a test server or a test client, and revoke the device afterwards.
            """)

    @Option(help: ArgumentHelp("The server's base URL.", valueName: "url")) var server: String
    @Option(help: ArgumentHelp("A fresh enrollment code ('admin enroll').", valueName: "code")) var code: String
    @Option(help: ArgumentHelp("The id of a test client in that professional's caseload.", valueName: "id")) var client: String
    @Option(help: ArgumentHelp("The protocol's vectors folder.", valueName: "dir")) var vectors = "Protocol/vectors"

    func validate() throws {
        guard Identifier.isValid(client.lowercased()) else {
            throw ValidationError("--client takes the test client's id (a UUID), not '\(client)'")
        }
    }

    func run() async throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: vectors + "/invalid", isDirectory: &isFolder), isFolder.boolValue else {
            throw CLIError("no protocol vectors in \(vectors): give the Protocol/vectors folder of a Samenspel checkout with --vectors")
        }
        let checks = await ConformanceKit(
            server: server, code: code, clientId: client.lowercased(), vectors: URL(fileURLWithPath: vectors)
        ).run()
        for check in checks { print(check.line) }
        if let setup = checks.first(where: { $0.isSetup && !$0.passed }) {
            printError("could not start the checks (\(setup.failure ?? "")); nothing was judged")
            throw ExitCode(2)
        }
        let failed = checks.filter { !$0.passed }.count
        printError("\(checks.count - failed) of \(checks.count) properties hold")
        if failed > 0 { throw ExitCode(1) }
    }
}
