import Foundation
import SamenspelTestSupport
import Testing

/// The README's worked example ("Try it on this machine"), run line by line as a newcomer would paste it:
/// with `samenspel` on the PATH, in bash, stopping at the first line that fails.
@Suite struct ReadmeExampleProcessTests {
    /// The indented lines of the section `heading` of the README, without their indentation.
    static func example(under heading: String) throws -> [String] {
        let readme = try RepositoryFiles.text("README.md")
        let section = try #require(readme.components(separatedBy: "\n## ").first { $0.hasPrefix(heading) })
        return section.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0.hasPrefix("    ") }.map { String($0.dropFirst(4)) }
    }

    @Test func theWorkedExample_runsLineByLine() throws {
        let lines = try Self.example(under: "Try it on this machine")
        #expect(lines.count >= 10 && lines.contains { $0.hasPrefix("samenspel enroll") })
        let folder = try TemporaryDirectory("readme")
        defer { folder.remove() }
        let binFolder = URL(fileURLWithPath: Samenspel.binary).deletingLastPathComponent().path
        let script = """
            set -euo pipefail
            trap 'echo "README line failed (exit $?): $BASH_COMMAND" >&2' ERR
            trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
            export PATH="\(binFolder):$PATH" TMPDIR="\(folder.path)"
            unset SAMENSPEL_DATA SAMENSPEL_REPLICA SAMENSPEL_LANG SAMENSPEL_POSTGRES_URL
            \(lines.joined(separator: "\n"))
            """
        try script.write(toFile: folder.appending("example.sh"), atomically: true, encoding: .utf8)
        let result = try Samenspel.runProgram("/usr/bin/timeout", ["180", "/bin/bash", "example.sh"], in: folder.path)
        #expect(result.status == 0, "\(result.err)")
        // The journey, in Dutch, with what the example wrote; the client list with his name.
        for shown in ["Jaap de Vries", "Huisbezoek: wil werken", "geloof in eigen kunnen", "15-01-2027", "NAME"] {
            #expect(result.out.contains(shown), "\(shown) in: \(result.out)")
        }
        #expect(!result.err.contains("Error"), "\(result.err)")
        // The server's log, kept in the scratch folder, holds no note text and no client name.
        let scratch = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("tmp.") }
        #expect(scratch.count == 1)
        let log = try String(contentsOfFile: folder.appending(scratch[0] + "/server.log"), encoding: .utf8)
        #expect(log.contains("listening") && !log.contains("Huisbezoek") && !log.contains("Jaap"))
    }
}
