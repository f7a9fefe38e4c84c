import Foundation
import SamenspelTestSupport
import Testing

/// What a professional reviews after a sync, through the real binary: open conflicts and how to resolve
/// them, and refused writes with the id that acknowledges them.
@Suite(.serialized) struct ReviewCommandProcessTests {
    /// A server with team Noord (Sanne and Ahmed, client Jaap) and team Zuid; both laptops enrolled and synced.
    struct Office {
        let folder: TemporaryDirectory
        let server: Process
        let client: String
        let otherTeam: String

        static func open() async throws -> Office {
            let folder = try TemporaryDirectory("review")
            let dir = folder.path
            let team = try Samenspel.output(["admin", "--data", "srv", "team", "create", "--name", "Noord"], in: dir)
            let otherTeam = try Samenspel.output(["admin", "--data", "srv", "team", "create", "--name", "Zuid"], in: dir)
            let client = try Samenspel.output(["admin", "--data", "srv", "client", "create", "--name", "Jaap", "--team", team], in: dir)
            let port = freeLoopbackPort()
            let server = try Samenspel.start(["serve", "--data", "srv", "--port", "\(port)"], in: dir)
            try await waitForHealth(port: port)
            for (name, discipline, replica) in [("Sanne", "clientManager", "laptop-a"), ("Ahmed", "incomeConsultant", "laptop-b")] {
                let professional = try Samenspel.output(
                    ["admin", "--data", "srv", "professional", "create", "--name", name, "--discipline", discipline, "--team", team],
                    in: dir)
                let code = try Samenspel.output(["admin", "--data", "srv", "enroll", "--professional", professional], in: dir)
                try Samenspel.output(["enroll", "--replica", replica, "--server", "http://127.0.0.1:\(port)", "--code", code, "--scrypt-log-n", "10"], in: dir)
                try Samenspel.output(["sync", "--replica", replica], in: dir)
            }
            return Office(folder: folder, server: server, client: client, otherTeam: otherTeam)
        }

        @discardableResult
        func run(_ arguments: [String]) throws -> String {
            try Samenspel.output(arguments, in: folder.path)
        }

        func close() {
            Samenspel.killNine(server)
            folder.remove()
        }
    }

    @Test func conflictingPlanUpdates_areListed_withHowToResolve_andUpdatesResolveThem() async throws {
        let office = try await Office.open()
        defer { office.close() }
        let goal = try office.run([
            "goal", "add", "--replica", "laptop-a", "--client", office.client, "--title", "Three applications a week",
            "--behaviour", "jobSearch", "--target", "skills",
        ])
        let agreement = try office.run([
            "agreement", "add", "--replica", "laptop-a", "--client", office.client, "--text", "Bring the payslips",
            "--responsible", "client",
        ])
        try office.run(["sync", "--replica", "laptop-a"])
        try office.run(["sync", "--replica", "laptop-b"])
        // Offline on both laptops: the same versions are changed differently.
        try office.run(["goal", "update", goal, "--replica", "laptop-a", "--status", "achieved"])
        try office.run(["goal", "update", goal, "--replica", "laptop-b", "--status", "dropped"])
        try office.run(["agreement", "update", agreement, "--replica", "laptop-a", "--status", "kept"])
        try office.run(["agreement", "update", agreement, "--replica", "laptop-b", "--status", "notKept"])
        for replica in ["laptop-a", "laptop-b", "laptop-a"] { try office.run(["sync", "--replica", replica]) }

        let listed = try office.run(["conflicts", "--replica", "laptop-a"])
        #expect(listed == (try office.run(["conflicts", "--replica", "laptop-b"])), "both laptops list the same conflicts")
        #expect(listed.contains("goal \(goal)") && listed.contains("agreement \(agreement)"), "\(listed)")
        for summary in ["achieved: Three applications a week", "dropped: Three applications a week",
                        "kept: Bring the payslips", "not kept: Bring the payslips"] {
            #expect(listed.contains(summary), "\(summary) in \(listed)")
        }
        #expect(listed.contains("resolve: samenspel goal update \(goal)"))
        #expect(listed.contains("resolve: samenspel agreement update \(agreement)"))

        // Updating again on one laptop supersedes both versions, for everyone.
        try office.run(["goal", "update", goal, "--replica", "laptop-b", "--status", "open"])
        try office.run(["agreement", "update", agreement, "--replica", "laptop-b", "--status", "kept"])
        for replica in ["laptop-b", "laptop-a"] { try office.run(["sync", "--replica", replica]) }
        #expect(try office.run(["conflicts", "--replica", "laptop-a"]).isEmpty)
        #expect(try office.run(["conflicts", "--replica", "laptop-b"]).isEmpty)
    }

    @Test func refusedWrite_isShownBySyncAndStatus_withTheIdRejectedAckTakes() async throws {
        let office = try await Office.open()
        defer { office.close() }
        // Jaap moves to another team; laptop A, not yet told, writes a note after the move.
        try office.run(["admin", "--data", "srv", "client", "move", office.client, "--team", office.otherTeam])
        try await Task.sleep(for: .milliseconds(10))
        let note = try office.run(["note", "add", "--replica", "laptop-a", "--client", office.client, "--text", "after the move"])

        let sync = try Samenspel.run(["sync", "--replica", "laptop-a"], in: office.folder.path)
        #expect(sync.status == 3, "refused writes make sync exit 3: \(sync.err)")
        let refusedLine = try #require(sync.err.split(separator: "\n").first { $0.hasPrefix("refused: ") })
        let changeId = String(refusedLine.split(separator: " ")[1])
        #expect(changeId != note, "sync names the refused change, not the note")
        #expect(refusedLine.contains("note.add \(note)") && refusedLine.contains("outOfScope"), "\(refusedLine)")

        let status = try office.run(["status", "--replica", "laptop-a"])
        #expect(status.contains("rejected:     1"))
        let statusLine = try #require(status.split(separator: "\n").first { $0.contains(note) })
        #expect(statusLine.split(separator: " ").first.map(String.init) == changeId, "status shows the change id first: \(statusLine)")

        // The note's id is not what `rejected ack` takes; the error says which id is.
        let wrong = try Samenspel.run(["rejected", "ack", note, "--replica", "laptop-a"], in: office.folder.path)
        #expect(wrong.status != 0)
        #expect(wrong.err.contains(changeId), "\(wrong.err)")
        try office.run(["rejected", "ack", changeId, "--replica", "laptop-a"])
        #expect(try office.run(["status", "--replica", "laptop-a"]).contains("rejected:     0"))
    }
}
