import Foundation
import SamenspelTestSupport
import Testing

/// The passphrase as scripts and people give it to the `samenspel` command, on a laptop enrolled before
/// encryption at rest (Tests/Fixtures/schema-v3).
@Suite struct PassphraseProcessTests {
    @Test func anOldLaptop_getsItsFirstPassphraseFromAFile_andAWrongOneSaysWhereItCameFrom() throws {
        let folder = try TemporaryDirectory("passphrase-cli")
        defer { folder.remove() }
        let laptop = folder.appending("sanne")
        try FileManager.default.copyItem(
            atPath: RepositoryFiles.root.appendingPathComponent("Tests/Fixtures/schema-v3/sqlite/sanne").path, toPath: laptop)
        let noPassphrase = ["SAMENSPEL_PASSPHRASE": ""]
        // No terminal and no passphrase given: refused before anything is opened, naming both ways.
        let none = try Samenspel.run(["clients", "--replica", "sanne"], in: folder.path, environment: noPassphrase)
        #expect(none.status != 0 && none.err.contains("--passphrase-file") && none.err.contains("SAMENSPEL_PASSPHRASE"))
        // A file written on Windows (CRLF) gives the first passphrase; the laptop is sealed and opens.
        try Data("zomer aan zee\r\n".utf8).write(to: URL(fileURLWithPath: folder.appending("pass.txt")))
        let first = try Samenspel.run(
            ["clients", "--replica", "sanne", "--passphrase-file", "pass.txt"], in: folder.path, environment: noPassphrase)
        #expect(first.status == 0 && first.out.contains("Jaap"), "\(first.err)")
        let files = try FileManager.default.contentsOfDirectory(atPath: laptop).map {
            FileManager.default.contents(atPath: laptop + "/" + $0) ?? Data()
        }
        #expect(!files.contains { $0.range(of: Data("zelfvertrouwen".utf8)) != nil }, "sealed and rewritten")
        // The same passphrase from the environment opens it; a stale one says where it came from.
        let again = try Samenspel.run(["clients", "--replica", "sanne"], in: folder.path, environment: ["SAMENSPEL_PASSPHRASE": "zomer aan zee"])
        #expect(again.status == 0 && again.out.contains("Jaap"), "\(again.err)")
        let wrong = try Samenspel.run(["clients", "--replica", "sanne"], in: folder.path, environment: ["SAMENSPEL_PASSPHRASE": "winter"])
        #expect(wrong.status != 0 && wrong.err.contains("came from SAMENSPEL_PASSPHRASE") && !wrong.err.contains("Jaap"), "\(wrong.err)")
        // An empty file is an empty passphrase, not an unreadable file.
        _ = FileManager.default.createFile(atPath: folder.appending("empty.txt"), contents: Data())
        let empty = try Samenspel.run(
            ["clients", "--replica", "sanne", "--passphrase-file", "empty.txt"], in: folder.path, environment: noPassphrase)
        #expect(empty.status != 0 && empty.err.contains("empty"), "\(empty.err)")
    }
}
