import ChangeLog
import SamenspelTestSupport
import Testing

@Suite struct RevisionMergeTests {
    let created = Revision(id: "a", hlc: HLCTimestamp(wallMillis: 100, logical: 0), supersedes: [])

    @Test func linearHistory_hasOneHead_theLatestEdit() {
        let edit = Revision(id: "b", hlc: HLCTimestamp(wallMillis: 200, logical: 0), supersedes: ["a"])
        #expect(RevisionMerge.heads(of: [created, edit]).map(\.id) == ["b"])
        #expect(RevisionMerge.current(of: [edit, created])?.id == "b")
    }

    @Test func concurrentEdits_keepBothHeads_andShowTheLaterByClockThenId() {
        let left = Revision(id: "c", hlc: HLCTimestamp(wallMillis: 300, logical: 0), supersedes: ["a"])
        let right = Revision(id: "b", hlc: HLCTimestamp(wallMillis: 300, logical: 0), supersedes: ["a"])
        let heads = RevisionMerge.heads(of: [created, left, right])
        #expect(heads.map(\.id) == ["b", "c"])
        #expect(RevisionMerge.current(of: [right, created, left])?.id == "c")
    }

    @Test func editSupersedingAllHeads_resolvesTheConflict() {
        let left = Revision(id: "b", hlc: HLCTimestamp(wallMillis: 200, logical: 0), supersedes: ["a"])
        let right = Revision(id: "c", hlc: HLCTimestamp(wallMillis: 900, logical: 0), supersedes: ["a"])
        let merge = Revision(id: "d", hlc: HLCTimestamp(wallMillis: 400, logical: 0), supersedes: ["b", "c"])
        #expect(RevisionMerge.heads(of: [created, left, right, merge]).map(\.id) == ["d"])
        // A later wall clock on one side does not make its edit win over the resolving edit.
        #expect(RevisionMerge.current(of: [created, left, right, merge])?.id == "d")
    }

    @Test func result_doesNotDependOnTheOrderOfTheSet() {
        var generator = SeededGenerator(seed: 3)
        let revisions = [
            created,
            Revision(id: "b", hlc: HLCTimestamp(wallMillis: 200, logical: 0), supersedes: ["a"]),
            Revision(id: "c", hlc: HLCTimestamp(wallMillis: 200, logical: 1), supersedes: ["a"]),
            Revision(id: "d", hlc: HLCTimestamp(wallMillis: 250, logical: 0), supersedes: ["b", "missing"]),
        ]
        let expected = RevisionMerge.heads(of: revisions)
        for _ in 0..<50 {
            #expect(RevisionMerge.heads(of: revisions.shuffled(using: &generator)) == expected)
        }
    }

    @Test func cycle_stillHasACurrentRevision() {
        let x = Revision(id: "x", hlc: HLCTimestamp(wallMillis: 1, logical: 0), supersedes: ["y"])
        let y = Revision(id: "y", hlc: HLCTimestamp(wallMillis: 2, logical: 0), supersedes: ["x"])
        #expect(RevisionMerge.heads(of: [x, y]).isEmpty)
        #expect(RevisionMerge.current(of: [x, y])?.id == "y")
    }
}
