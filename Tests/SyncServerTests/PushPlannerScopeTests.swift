import Casework
import ChangeLog
import SamenspelTestSupport
import SyncProtocol
import SyncServer
import Testing

/// Rule 5 of the push planner as a pure function: the caseload now, or a write the device could have made
/// before it lost the client — decided by log positions the server knows, not by the device's clock.
@Suite struct PushPlannerScopeTests {
    let teamA = "019ad0a0-0000-7000-8000-00000000a001"
    let teamB = "019ad0a0-0000-7000-8000-00000000b001"
    let client = "019ad0a0-0000-7000-8000-0000000c1001"
    let author = TestAuthor(name: "Sanne", discipline: .clientManager)
    /// The client moved from team A to team B at this time, at log position 100.
    let moveMillis: Int64 = 1_790_000_000_000
    let moveSeq: Int64 = 100

    var spans: [TeamSpan] {
        let move = HLCTimestamp(wallMillis: moveMillis, logical: 0)
        return [TeamSpan(teamId: teamA, from: nil, to: move, endSeq: moveSeq), TeamSpan(teamId: teamB, from: move, to: nil)]
    }

    func note(at millis: Int64) -> Change {
        var factory = ChangeFactory(wallMillis: millis)
        return factory.make(.noteAdded(NoteContent(text: "x")), client: client, by: author)
    }

    func plan(_ change: Change, team: String, device: DeviceFacts?, highWater: HLCTimestamp? = nil) -> PushResult {
        let principal = Principal(deviceId: author.deviceId, professional: author.professional, teamIds: [team])
        let facts = PushFacts(
            existing: [:], entities: [:], clientTeams: [client: spans], deviceHighWater: highWater, device: device)
        return PushPlanner.plan([change], by: principal, facts: facts, wallMillis: moveMillis + 3_600_000, maxDriftMillis: 600_000)
            .results[0]
    }

    @Test func aFormerHolder_thatHasNotBeenToldOfTheMove_mayStillSendWhatItWroteBefore() {
        let offline = DeviceFacts(enrolledSeq: 10, pulledTo: 90)
        #expect(plan(note(at: moveMillis - 1_500), team: teamA, device: offline).status == .accepted)
        #expect(plan(note(at: moveMillis + 1_500), team: teamA, device: offline).error?.code == ErrorCode.outOfScope)
    }

    /// Protocol/README.md §5 rule 5: while the team holds the client, the timestamp does not matter — a write
    /// stamped before the client's registration (here: 1 ms after 1970, and before the client entered team
    /// B) is accepted from a holder now.
    @Test func theHolderNow_mayWriteWhateverTheTimestamp_evenBeforeTheClientExisted() {
        let device = DeviceFacts(enrolledSeq: 120, pulledTo: 150)
        #expect(plan(note(at: 1), team: teamB, device: device).status == .accepted)
        #expect(plan(note(at: moveMillis - 86_400_000), team: teamB, device: device).status == .accepted)
    }

    @Test func aDeviceEnrolledAfterTheMove_cannotBackdateAWriteToBeforeIt() {
        let enrolledLater = DeviceFacts(enrolledSeq: moveSeq, pulledTo: 0)
        #expect(plan(note(at: moveMillis - 1_500), team: teamA, device: enrolledLater).error?.code == ErrorCode.outOfScope)
    }

    @Test func aDeviceThatWasSentTheMove_cannotBackdateAWriteToBeforeIt() {
        let told = DeviceFacts(enrolledSeq: 10, pulledTo: moveSeq)
        #expect(plan(note(at: moveMillis - 1_500), team: teamA, device: told).error?.code == ErrorCode.outOfScope)
    }

    @Test func aDeviceThatSentSomethingLaterThanTheMove_cannotBackdateAWriteToBeforeIt() {
        let offline = DeviceFacts(enrolledSeq: 10, pulledTo: 90)
        let later = HLCTimestamp(wallMillis: moveMillis + 10, logical: 0)
        #expect(plan(note(at: moveMillis - 1_500), team: teamA, device: offline, highWater: later).error?.code
            == ErrorCode.outOfScope)
    }

    @Test func aSpanWithoutAKnownEnd_acceptsNoFormerHolder() {
        let move = HLCTimestamp(wallMillis: moveMillis, logical: 0)
        let principal = Principal(deviceId: author.deviceId, professional: author.professional, teamIds: [teamA])
        let facts = PushFacts(
            existing: [:], entities: [:], clientTeams: [client: [TeamSpan(teamId: teamA, from: nil, to: move)]],
            device: DeviceFacts(enrolledSeq: 0, pulledTo: 0))
        let result = PushPlanner.plan([note(at: moveMillis - 1_500)], by: principal, facts: facts, wallMillis: moveMillis, maxDriftMillis: 600_000)
        #expect(result.results[0].error?.code == ErrorCode.outOfScope)
    }

    @Test func theCaseloadNow_decides_whateverTheWriteIsStamped() {
        // The new team writes about the client; a stamp before the move (a clock behind, or an administrator's
        // clock that ran fast and stamped the move in the future) does not lock it out.
        #expect(plan(note(at: moveMillis - 86_400_000), team: teamB, device: DeviceFacts(enrolledSeq: 500, pulledTo: 500)).status
            == .accepted)
        // A device whose facts are unknown may write only about its caseload now.
        #expect(plan(note(at: moveMillis - 1_500), team: teamA, device: nil).error?.code == ErrorCode.outOfScope)
        #expect(plan(note(at: moveMillis - 1_500), team: teamB, device: nil).status == .accepted)
    }

    @Test func refusalsThatDependOnWhatTheServerHolds_areNotRemembered() {
        let principal = Principal(deviceId: author.deviceId, professional: author.professional, teamIds: [teamB])
        var factory = ChangeFactory(wallMillis: moveMillis + 1_000)
        let base = factory.make(.noteAdded(NoteContent(text: "base")), client: client, by: author)
        let revision = factory.make(
            .noteRevised(NoteContent(text: "edit"), supersedes: [base.id]), client: client, entity: base.entityId, by: author)
        let facts = PushFacts(existing: [:], entities: [:], clientTeams: [client: spans])
        let alone = PushPlanner.plan([revision], by: principal, facts: facts, wallMillis: moveMillis + 2_000, maxDriftMillis: 600_000)
        #expect(alone.results[0].error?.code == ErrorCode.unknownEntity)
        #expect(alone.refusedForGood.isEmpty, "the note may arrive later: a restored server learns it again")
        let together = PushPlanner.plan([base, revision], by: principal, facts: facts, wallMillis: moveMillis + 2_000, maxDriftMillis: 600_000)
        #expect(together.results.map(\.status) == [.accepted, .accepted])
        // A refusal that does not depend on what the server holds is remembered.
        let outsider = Principal(deviceId: author.deviceId, professional: author.professional, teamIds: ["019ad0a0-0000-7000-8000-0000000000ff"])
        let refused = PushPlanner.plan([base], by: outsider, facts: facts, wallMillis: moveMillis + 2_000, maxDriftMillis: 600_000)
        #expect(refused.refusedForGood.map(\.error.code) == [ErrorCode.outOfScope])
        #expect(PushPlanner.healableCodes == [ErrorCode.clockAhead, ErrorCode.unknownEntity, ErrorCode.unknownRevision])
    }
}

/// The server's hybrid clock for server-side writes.
@Suite struct ServerClockTests {
    let wall: Int64 = 1_790_000_000_000

    @Test func aServerStamp_comesAfterTheLastOne_andAfterWhatTheServerAccepted() {
        let last = HLCTimestamp(wallMillis: wall + 5_000, logical: 3)
        #expect(ServerClock.stamp(after: last, wallMillis: wall, maxAheadMillis: 600_000) == HLCTimestamp(wallMillis: wall + 5_000, logical: 4))
        #expect(ServerClock.stamp(after: nil, wallMillis: wall, maxAheadMillis: 600_000) == HLCTimestamp(wallMillis: wall, logical: 0))
        #expect(ServerClock.stamp(after: HLCTimestamp(wallMillis: wall - 1, logical: 9), wallMillis: wall, maxAheadMillis: 600_000)
            == HLCTimestamp(wallMillis: wall, logical: 0))
    }

    @Test func aHostWhoseClockRunsSlow_stampsAfterWhatTheServerAccepted() {
        // The laptops' changes (bounded by the sync server's clock) say what time it is.
        let accepted = HLCTimestamp(wallMillis: wall, logical: 2)
        #expect(ServerClock.stamp(after: nil, accepted: accepted, wallMillis: wall - 86_400_000, maxAheadMillis: 600_000)
            == HLCTimestamp(wallMillis: wall, logical: 3))
        // A stamp of a host a day fast is still not followed, measured from what the server accepted.
        let fast = HLCTimestamp(wallMillis: wall + 86_400_000, logical: 0)
        #expect(ServerClock.stamp(after: fast, accepted: accepted, wallMillis: wall - 60_000, maxAheadMillis: 600_000)
            == HLCTimestamp(wallMillis: wall, logical: 3))
    }

    @Test func aStampMadeByAHostDaysAhead_isNotFollowed() {
        let tenDaysAhead = HLCTimestamp(wallMillis: wall + 10 * 86_400_000, logical: 0)
        #expect(ServerClock.stamp(after: tenDaysAhead, wallMillis: wall, maxAheadMillis: 600_000)
            == HLCTimestamp(wallMillis: wall, logical: 0))
    }
}
