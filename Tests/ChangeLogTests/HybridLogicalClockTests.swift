import ChangeLog
import SamenspelTestSupport
import Testing

@Suite struct HybridLogicalClockTests {
    @Test func tick_followsTheWallClockWhenItMovesForward() {
        var clock = HybridLogicalClock()
        #expect(clock.tick(wallMillis: 1000) == HLCTimestamp(wallMillis: 1000, logical: 0))
        #expect(clock.tick(wallMillis: 2000) == HLCTimestamp(wallMillis: 2000, logical: 0))
    }

    @Test func tick_neverGoesBackwardsWhenTheWallClockDoes() {
        var clock = HybridLogicalClock()
        let first = clock.tick(wallMillis: 5000)
        let second = clock.tick(wallMillis: 1000)
        let third = clock.tick(wallMillis: 5000)
        #expect(first < second && second < third)
        #expect(second == HLCTimestamp(wallMillis: 5000, logical: 1))
    }

    @Test func observe_movesPastARemoteTimestampAhead() {
        var clock = HybridLogicalClock()
        _ = clock.tick(wallMillis: 1000)
        let remote = HLCTimestamp(wallMillis: 9000, logical: 7)
        let observed = clock.observe(remote, wallMillis: 1001)
        #expect(observed > remote)
        #expect(clock.tick(wallMillis: 1002) > observed)
    }

    @Test func observe_ofAnOlderTimestampKeepsTheClockAhead() {
        var clock = HybridLogicalClock()
        let local = clock.tick(wallMillis: 9000)
        let observed = clock.observe(HLCTimestamp(wallMillis: 100, logical: 0), wallMillis: 9000)
        #expect(observed > local)
    }

    @Test func writeAfterSeeing_sortsAfterWhatWasSeen_evenWithASlowWallClock() {
        var fast = HybridLogicalClock()
        var slow = HybridLogicalClock()
        let seen = fast.tick(wallMillis: 1_000_000)
        slow.observe(seen, wallMillis: 10)
        #expect(slow.tick(wallMillis: 11) > seen)
    }

    @Test func logicalOverflow_advancesTheWallPart() {
        var clock = HybridLogicalClock(last: HLCTimestamp(wallMillis: 500, logical: UInt16.max))
        #expect(clock.tick(wallMillis: 100) == HLCTimestamp(wallMillis: 501, logical: 0))
    }

    @Test func isTooFarAhead_comparesWithTheAllowedDrift() {
        let remote = HLCTimestamp(wallMillis: 10_000, logical: 0)
        #expect(HybridLogicalClock.isTooFarAhead(remote, wallMillis: 4_999, maxDriftMillis: 5_000))
        #expect(!HybridLogicalClock.isTooFarAhead(remote, wallMillis: 5_000, maxDriftMillis: 5_000))
    }

    @Test func randomInterleavings_keepEveryClockStrictlyIncreasing() {
        var generator = SeededGenerator(seed: 99)
        var clocks = Array(repeating: HybridLogicalClock(), count: 4)
        var lastIssued = Array(repeating: HLCTimestamp.zero, count: 4)
        var sent: [HLCTimestamp] = []
        for _ in 0..<5000 {
            let index = Int.random(in: 0..<4, using: &generator)
            let wall = Int64.random(in: 0...3000, using: &generator)  // wildly skewed wall clocks
            let next: HLCTimestamp
            if !sent.isEmpty, Bool.random(using: &generator) {
                let remote = sent.randomElement(using: &generator)!
                next = clocks[index].observe(remote, wallMillis: wall)
                #expect(next > remote)
            } else {
                next = clocks[index].tick(wallMillis: wall)
                sent.append(next)
            }
            #expect(next > lastIssued[index])
            lastIssued[index] = next
        }
    }
}
