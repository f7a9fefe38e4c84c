import Casework
import ChangeLog
import SamenspelTestSupport
import SyncProtocol
import SyncServer
import Testing

/// The pull rule as pure functions, without a store: cursor, pages, caseload changes and backfill
/// (Protocol/README.md §6). The stores only fetch what the planner names; the route and simulation tests
/// run the same rule through SQLite and PostgreSQL.
@Suite struct PullPlannerTests {
    let mine = "019ad0a0-0000-7000-8000-00000000a001"
    let alsoMine = "019ad0a0-0000-7000-8000-00000000a002"
    let theirs = "019ad0a0-0000-7000-8000-00000000b001"
    let sanne = TestAuthor(name: "Sanne", discipline: .clientManager)
    let ahmed = TestAuthor(name: "Ahmed", discipline: .incomeConsultant)

    var principal: Principal {
        Principal(deviceId: sanne.deviceId, professional: sanne.professional, teamIds: [mine, alsoMine])
    }

    /// `count` notes about `client`, at positions from `first` on, by `author`.
    func rows(_ count: Int, from first: Int64 = 1, client: String = "c", by author: TestAuthor? = nil) -> [LogRow] {
        var factory = ChangeFactory(wallMillis: 1_790_000_000_000)
        return (0..<count).map { index in
            (first + Int64(index), factory.make(.noteAdded(NoteContent(text: "n")), client: client, by: author ?? ahmed))
        }
    }

    // MARK: - Rule 1: the cursor

    @Test func aCursorPastTheEnd_orBeforeTheHorizon_hasExpired_butTheStartIsAlwaysServed() throws {
        #expect(throws: StoreError.self) { try PullPlanner.checkCursor(PullPosition(position: 11), logEnd: 10, horizon: 0) }
        #expect(throws: StoreError.self) { try PullPlanner.checkCursor(PullPosition(position: 4), logEnd: 10, horizon: 5) }
        do {
            try PullPlanner.checkCursor(PullPosition(position: 4), logEnd: 10, horizon: 5)
        } catch {
            #expect(error.code == ErrorCode.cursorExpired)
        }
        try PullPlanner.checkCursor(.start, logEnd: 10, horizon: 5)
        try PullPlanner.checkCursor(PullPosition(position: 5), logEnd: 10, horizon: 5)
        try PullPlanner.checkCursor(PullPosition(position: 10), logEnd: 10, horizon: 5)
    }

    // MARK: - Rules 2 and 3: what is fetched, order and pages

    @Test func theLogIsFetchedForTheCaseload_andABackfillForItsClient_oneMoreThanAPage() {
        let log = PullPlanner.fetch(after: PullPosition(position: 7), for: principal, limit: 50)
        #expect(log == PullFetch(rows: .caseload(after: 7), audience: "clientManager", count: 51))
        let backfill = PullPlanner.fetch(
            after: PullPosition(position: 7, backfill: Backfill(clientId: "x", after: 3)), for: principal, limit: 50)
        #expect(backfill.rows == .client("x", after: 3))
        #expect(PullPlanner.fetchHistory(of: "x", after: 9, for: principal, limit: 2).rows == .client("x", after: 9))
    }

    @Test func aFullPage_endsAtItsLastChange_aShortOneAtTheEndOfTheLog_andOwnWritesAreLeftOut() {
        var log = rows(5)
        log[1] = rows(1, from: 2, by: sanne)[0]
        let full = PullPlanner.logPage(after: .start, rows: Array(log.prefix(4)), limit: 3, logEnd: 40, event: nil,
                                       deviceId: sanne.deviceId)
        #expect(full.changes.map(\.id) == [log[0], log[2]].map(\.change.id))
        #expect(full.next == PullPosition(position: 3) && full.hasMore)
        let short = PullPlanner.logPage(after: PullPosition(position: 3), rows: Array(log.suffix(2)), limit: 3,
                                        logEnd: 40, event: nil, deviceId: sanne.deviceId)
        #expect(short.changes.count == 2 && short.next == PullPosition(position: 40) && !short.hasMore)
        #expect(PullPlanner.scopeRange(of: .start, rows: Array(log.prefix(4)), limit: 3, logEnd: 40) == 1...3)
        #expect(PullPlanner.scopeRange(of: PullPosition(position: 3), rows: [], limit: 3, logEnd: 40) == 4...40)
        #expect(PullPlanner.scopeRange(of: PullPosition(position: 40), rows: [], limit: 3, logEnd: 40) == nil)
    }

    // MARK: - Rule 4: caseload changes

    func event(_ position: Int64, from: String, to: String, held: Bool = false) -> ScopeEvent {
        ScopeEvent(position: position, clientId: "c\(position)", fromTeam: from, toTeam: to, heldByPullersTeams: held)
    }

    @Test func movesIntoAndOutOfTheTeams_count_butNotMovesBetweenThemOrElsewhere() {
        let teams: Set = [mine, alsoMine]
        let within = event(3, from: mine, to: alsoMine), elsewhere = event(4, from: theirs, to: "t2")
        #expect(PullPlanner.firstScopeChange(in: [within, elsewhere], teams: teams, enrolledAt: 0) == nil)
        let granted = PullPlanner.firstScopeChange(in: [within, event(6, from: theirs, to: mine)], teams: teams, enrolledAt: 0)
        #expect(granted?.position == 6 && granted?.change == ScopeChange(clientId: "c6", granted: true))
        // The first in log order, whatever order the store listed them in.
        let revoked = PullPlanner.firstScopeChange(
            in: [event(9, from: theirs, to: mine), event(8, from: alsoMine, to: theirs)], teams: teams, enrolledAt: 0)
        #expect(revoked?.position == 8 && revoked?.change == ScopeChange(clientId: "c8", granted: false))
    }

    @Test func anErasure_isToldToTheHolder_andToFormerHoldersEnrolledBeforeIt_only() {
        let teams: Set = [mine]
        let ofMine = PullPlanner.firstScopeChange(in: [event(5, from: mine, to: "")], teams: teams, enrolledAt: nil)
        #expect(ofMine?.change == ScopeChange(clientId: "c5", granted: false, erased: true))
        let formerlyMine = event(5, from: theirs, to: "", held: true)
        #expect(PullPlanner.firstScopeChange(in: [formerlyMine], teams: teams, enrolledAt: 4)?.change.erased == true)
        #expect(PullPlanner.firstScopeChange(in: [formerlyMine], teams: teams, enrolledAt: 5) == nil, "enrolled after it")
        #expect(PullPlanner.firstScopeChange(in: [formerlyMine], teams: teams, enrolledAt: nil) == nil, "unknown device")
        #expect(PullPlanner.firstScopeChange(in: [event(5, from: theirs, to: "")], teams: teams, enrolledAt: 0) == nil)
    }

    @Test func aPageEndsBeforeACaseloadChange_whichIsItsNotice_andAGrantStartsTheClientsBackfill() {
        let log = rows(6)
        let grant = (position: Int64(4), change: ScopeChange(clientId: "x", granted: true))
        let page = PullPlanner.logPage(after: .start, rows: log, limit: 5, logEnd: 6, event: grant, deviceId: sanne.deviceId)
        #expect(page.changes.map(\.id) == log.prefix(3).map(\.change.id))
        #expect(page.next == PullPosition(position: 4, backfill: Backfill(clientId: "x", after: 0)))
        #expect(page.hasMore && page.scopeChange == grant.change)
        let loss = (position: Int64(2), change: ScopeChange(clientId: "x", granted: false))
        let lossPage = PullPlanner.logPage(after: .start, rows: log, limit: 5, logEnd: 6, event: loss, deviceId: "")
        #expect(lossPage.changes.count == 1 && lossPage.next == PullPosition(position: 2))
    }

    @Test func theDevicesKnowledgeOfLosses_isRecordedOnlyForPagesWithANoticeThatMoveOn() {
        let notice = StoredPage(changes: [], next: PullPosition(position: 9), hasMore: true, professionals: [],
                                scopeChange: ScopeChange(clientId: "x", granted: false))
        #expect(PullPlanner.toldUpTo(notice, after: PullPosition(position: 3)) == 9)
        #expect(PullPlanner.toldUpTo(notice, after: PullPosition(position: 9)) == nil)
        let plain = StoredPage(changes: [], next: PullPosition(position: 9), hasMore: false, professionals: [])
        #expect(PullPlanner.toldUpTo(plain, after: .start) == nil)
    }

    // MARK: - Rule 5: backfill

    @Test func aBackfill_sendsTheWholeHistoryIncludingOwnWrites_andStopsForAClientThatLeftAgain() {
        let log = rows(5, client: "x", by: sanne)
        let start = PullPosition(position: 4, backfill: Backfill(clientId: "x", after: 0))
        let first = PullPlanner.backfillPage(at: start, rows: Array(log.prefix(4)), limit: 3, inCaseload: true)
        #expect(first.changes.count == 3, "own writes too: the device's copy of the client may have been removed")
        #expect(first.next == PullPosition(position: 4, backfill: Backfill(clientId: "x", after: 3)) && first.hasMore)
        let last = PullPlanner.backfillPage(at: first.next, rows: Array(log.suffix(2)), limit: 3, inCaseload: true)
        #expect(last.changes.count == 2 && last.next == PullPosition(position: 4) && last.hasMore)
        let gone = PullPlanner.backfillPage(at: start, rows: log, limit: 3, inCaseload: false)
        #expect(gone.changes.isEmpty && gone.next == PullPosition(position: 4))
    }

    // MARK: - Property: paging delivers every visible change once, in order

    /// Random logs about caseload clients and others, for everyone or one discipline, by this device and
    /// others, with scope events at random points: a move into the caseload ("m"), a move out of it ("o"),
    /// an erasure of a client the teams held ("e"), and a move between the puller's own teams ("a", which
    /// changes nothing for it). Paged with random limits through the planner against a plain in-memory
    /// fetch of the caseload as it is now. Every change the puller may see arrives (the moved-in client's
    /// history whole, its later changes possibly twice), nothing else does, each notice comes once and in
    /// log order, and the last page ends at the end of the log.
    @Test(arguments: 0..<60) func pagingWithRandomLimits_deliversExactlyWhatThePullerMaySee(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(seed) &+ 7)
        let caseloadNow: Set = ["a", "b", "m"], clients = ["a", "b", "m", "o", "e", "z"]
        var factory = ChangeFactory(wallMillis: 1_790_000_000_000)
        var log: [LogRow] = []
        var audiences: [String: String] = [:]
        for index in 0..<Int.random(in: 0...80, using: &random) {
            let client = clients.randomElement(using: &random)!
            let change = factory.make(
                .noteAdded(NoteContent(text: "n")), client: client, by: Bool.random(using: &random) ? sanne : ahmed)
            log.append((Int64(index + 1), change))
            audiences[change.id] = [nil, "clientManager", "incomeConsultant"].randomElement(using: &random)!
        }
        let logEnd = log.last?.position ?? 0
        // An event is at the position of one of its client's changes for everyone (its `client.move` or
        // `client.erase`); it happens or not at random.
        func event(_ client: String, from: String, to: String, held: Bool = false) -> ScopeEvent? {
            guard Bool.random(using: &random) else { return nil }
            return log.filter { $0.change.clientId == client && audiences[$0.change.id] == nil }.randomElement(using: &random)
                .map { ScopeEvent(position: $0.position, clientId: client, fromTeam: from, toTeam: to, heldByPullersTeams: held) }
        }
        let events = [
            event("m", from: theirs, to: mine), event("o", from: mine, to: theirs),
            event("e", from: alsoMine, to: "", held: true), event("a", from: mine, to: alsoMine),
        ].compactMap { $0 }
        let moveIn = events.first { $0.clientId == "m" }
        func fetch(_ fetch: PullFetch) -> [LogRow] {
            let matching = log.filter { row in
                guard audiences[row.change.id].map({ $0 == fetch.audience }) ?? true else { return false }
                switch fetch.rows {
                case .caseload(let after): return row.position > after && caseloadNow.contains(row.change.clientId)
                case .client(let client, let after): return row.position > after && row.change.clientId == client
                }
            }
            return Array(matching.prefix(fetch.count))
        }
        var position = PullPosition.start, delivered: [String] = [], notices: [ScopeChange] = [], pages = 0
        while true {
            pages += 1
            try #require(pages < 500, "paging does not end")
            let limit = Int.random(in: 1...7, using: &random)
            try PullPlanner.checkCursor(position, logEnd: logEnd, horizon: 0)
            let rows = fetch(PullPlanner.fetch(after: position, for: principal, limit: limit))
            let page: PlannedPage
            if position.backfill != nil {
                page = PullPlanner.backfillPage(at: position, rows: rows, limit: limit, inCaseload: true)
            } else {
                let range = PullPlanner.scopeRange(of: position, rows: rows, limit: limit, logEnd: logEnd)
                let candidates = events.filter { range?.contains($0.position) ?? false }.shuffled(using: &random)
                let event = PullPlanner.firstScopeChange(in: candidates, teams: principal.teamIds, enrolledAt: 0)
                page = PullPlanner.logPage(after: position, rows: rows, limit: limit, logEnd: logEnd, event: event,
                                           deviceId: sanne.deviceId)
            }
            #expect(page.next.position >= position.position, "the cursor never goes back")
            delivered += page.changes.map(\.id)
            notices += page.scopeChange.map { [$0] } ?? []
            position = page.next
            if !page.hasMore { break }
        }
        let visible = log.filter { audiences[$0.change.id].map { $0 == "clientManager" } ?? true }
        let expected = Set(visible.filter { caseloadNow.contains($0.change.clientId) && $0.change.deviceId != sanne.deviceId }
            .map(\.change.id))
            .union(moveIn == nil ? [] : visible.filter { $0.change.clientId == "m" }.map(\.change.id))
        #expect(Set(delivered) == expected)
        #expect(position == PullPosition(position: logEnd))
        let told = events.filter { $0.clientId != "a" }.sorted { $0.position < $1.position }.map { event in
            ScopeChange(clientId: event.clientId, granted: event.clientId == "m", erased: event.clientId == "e")
        }
        #expect(notices == told)
        // In log order, apart from a backfill's history, which restarts from the client's first change.
        let outsideBackfill = delivered.filter { id in log.first { $0.change.id == id }?.change.clientId != "m" }
        let order = Dictionary(uniqueKeysWithValues: log.map { ($0.change.id, $0.position) })
        #expect(outsideBackfill.map { order[$0]! } == outsideBackfill.map { order[$0]! }.sorted())
        #expect(Set(outsideBackfill).count == outsideBackfill.count, "no change twice outside a backfill")
    }
}
