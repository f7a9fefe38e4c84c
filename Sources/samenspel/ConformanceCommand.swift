import ArgumentParser
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
            Prints one line per property of Protocol/README.md §13 (PASS or FAIL, the property's number, \
            what failed). It writes notes into that client's journey: use a test server or a test client.
            """)

    @Option(help: ArgumentHelp("The server's base URL.", valueName: "url")) var server: String
    @Option(help: ArgumentHelp("A fresh enrollment code ('admin enroll').", valueName: "code")) var code: String
    @Option(help: ArgumentHelp("The id of a test client in that professional's caseload.", valueName: "id")) var client: String
    @Option(help: ArgumentHelp("The protocol's vectors folder.", valueName: "dir")) var vectors = "Protocol/vectors"

    func run() async throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: vectors + "/invalid", isDirectory: &isFolder), isFolder.boolValue else {
            throw CLIError("no protocol vectors in \(vectors): give the Protocol/vectors folder of a Samenspel checkout with --vectors")
        }
        let checks = await ConformanceKit(
            server: server, code: code, clientId: client.lowercased(), vectors: URL(fileURLWithPath: vectors)
        ).run()
        for check in checks { print(check.line) }
        let failed = checks.filter { !$0.passed }.count
        printError("\(checks.count - failed) of \(checks.count) properties hold")
        if failed > 0 { throw ExitCode(1) }
    }
}
