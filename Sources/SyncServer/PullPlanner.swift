import Casework
public import ChangeLog
import SyncProtocol

/// A change of the log with its position.
public typealias LogRow = (position: Int64, change: Change)

/// The rows a store fetches for one pull page, named by the ``PullPlanner``: index ranges, not rules.
public struct PullFetch: Hashable, Sendable {
    /// Which changes.
    public enum Rows: Hashable, Sendable {
        /// Changes after a log position about clients of the caseload: clients of the puller's teams now,
        /// not erased.
        case caseload(after: Int64)
        /// Changes after a log position about one client (its history).
        case client(String, after: Int64)
    }

    /// Which changes.
    public let rows: Rows
    /// Only changes for everyone with the client, or for this discipline alone (`visible_to`).
    public let audience: String
    /// At most this many, in log order: one more than a page holds, to know whether more follow.
    public let count: Int

    /// Creates a fetch.
    public init(rows: Rows, audience: String, count: Int) {
        self.rows = rows
        self.audience = audience
        self.count = count
    }
}

/// A move or erasure of a client at a log position, as the store records it, for a puller with some teams.
public struct ScopeEvent: Hashable, Sendable {
    /// The position of the `client.move` or the erasure in the log.
    public let position: Int64
    /// The client.
    public let clientId: String
    /// The team that held the client before.
    public let fromTeam: String
    /// The team that holds it after; empty for an erasure.
    public let toTeam: String
    /// For an erasure: whether one of the puller's teams ever held the client.
    public let heldByPullersTeams: Bool

    /// Creates a scope event.
    public init(position: Int64, clientId: String, fromTeam: String, toTeam: String, heldByPullersTeams: Bool) {
        self.position = position
        self.clientId = clientId
        self.fromTeam = fromTeam
        self.toTeam = toTeam
        self.heldByPullersTeams = heldByPullersTeams
    }
}

/// A pull page as the planner decides it; the store adds the authors' names.
public struct PlannedPage: Sendable {
    /// The changes, in log order.
    public let changes: [Change]
    /// Where the next pull continues.
    public let next: PullPosition
    /// Whether more may follow after ``next``.
    public let hasMore: Bool
    /// A caseload change that takes effect after ``changes`` (the page ends there).
    public let scopeChange: ScopeChange?
}

/// Decides, as pure functions, what a pull sends: the twin of ``PushPlanner``. The stores fetch what
/// ``fetch(after:for:limit:)`` names and the scope events of ``scopeRange(of:rows:limit:logEnd:)``; the
/// rules below decide the page.
///
/// 1. **Cursor.** A position past the end of the log, or before the horizon (other than the start), is no
///    longer served: `cursorExpired`, and the replica rebuilds from the start (``checkCursor(_:logEnd:horizon:)``).
/// 2. **Visibility.** A puller sees the changes about clients of its teams' caseload that are not erased,
///    each either for everyone with the client or for its discipline alone; its own device's changes are
///    left out of log pages (the device has them) but not of histories.
/// 3. **Order and pages.** Log order, at most `limit` changes; a full page ends at its last change, a short
///    one at the end of the log.
/// 4. **Caseload changes.** A page ends just before the first scope event in the part of the log it covers
///    that concerns the puller (``firstScopeChange(in:teams:enrolledAt:)``): a move into or out of its teams,
///    or the erasure of a client one of its teams ever held when the device enrolled before it. The event is
///    the page's notice. After a move in, the client's whole history follows first (backfill, from position
///    0), then the log continues after the event.
/// 5. **Backfill.** A client that left the caseload again before its backfill finished is not backfilled;
///    its departure follows in the log.
public enum PullPlanner {
    /// How many moves and erasures a store reads at a time while it looks for the first one that concerns
    /// the puller (moves between its own teams, and erasures it is not told of, are read and passed over).
    public static let scopeEventChunk = 100

    /// Rule 1: throws `cursorExpired` when `start` is no longer served.
    public static func checkCursor(_ start: PullPosition, logEnd: Int64, horizon: Int64) throws(StoreError) {
        guard start.position <= logEnd, start.position == 0 || start.position >= horizon else {
            throw StoreError(
                code: ErrorCode.cursorExpired,
                message: "this cursor is no longer served; the replica must rebuild from the start of the log")
        }
    }

    /// The rows to fetch for the page after `start`.
    public static func fetch(after start: PullPosition, for principal: Principal, limit: Int) -> PullFetch {
        let rows: PullFetch.Rows = start.backfill.map { .client($0.clientId, after: $0.after) } ?? .caseload(after: start.position)
        return PullFetch(rows: rows, audience: principal.professional.discipline.rawValue, count: limit + 1)
    }

    /// The rows to fetch for a page of one client's history after `position`.
    public static func fetchHistory(of clientId: String, after position: Int64, for principal: Principal, limit: Int)
        -> PullFetch
    {
        PullFetch(rows: .client(clientId, after: position), audience: principal.professional.discipline.rawValue,
                  count: limit + 1)
    }

    /// The part of the log a log page covers, `(start.position, upTo]`, in which the store fetches scope events:
    /// up to the last row of a full page, else to the end of the log.
    public static func scopeRange(of start: PullPosition, rows: [LogRow], limit: Int, logEnd: Int64) -> ClosedRange<Int64>? {
        let upTo = rows.count > limit ? rows[limit - 1].position : logEnd
        return upTo > start.position ? (start.position + 1)...upTo : nil
    }

    /// Rule 4: the first of `events` (in log order) that changes what the puller may see.
    /// `enrolledAt` is the end of the log when the device enrolled (`nil` for an unknown device).
    public static func firstScopeChange(in events: [ScopeEvent], teams: Set<String>, enrolledAt: Int64?)
        -> (position: Int64, change: ScopeChange)?
    {
        for event in events.sorted(by: { $0.position < $1.position }) {
            let erased = event.toTeam.isEmpty
            let wasMine = teams.contains(event.fromTeam)
            let isMine = !erased && teams.contains(event.toTeam)
            if wasMine != isMine {
                return (event.position, ScopeChange(clientId: event.clientId, granted: isMine, erased: erased))
            }
            // A former holder may still keep refused writes about the client, whose text the erasure must
            // reach too; a device enrolled after the erasure holds nothing of it.
            if erased, event.heldByPullersTeams, let enrolledAt, event.position > enrolledAt {
                return (event.position, ScopeChange(clientId: event.clientId, granted: false, erased: true))
            }
        }
        return nil
    }

    /// Rules 2–4 for a page of the log after `start` (no backfill): `rows` are what ``fetch(after:for:limit:)``
    /// named, `event` the first scope change in ``scopeRange(of:rows:limit:logEnd:)``.
    public static func logPage(
        after start: PullPosition, rows: [LogRow], limit: Int, logEnd: Int64,
        event: (position: Int64, change: ScopeChange)?, deviceId: String
    ) -> PlannedPage {
        let full = rows.count > limit
        let own = { (row: LogRow) in row.change.deviceId == deviceId }
        guard let event else {
            let page = rows.prefix(limit)
            return PlannedPage(
                changes: page.filter { !own($0) }.map(\.change),
                next: PullPosition(position: full ? page.last!.position : logEnd),
                hasMore: full, scopeChange: nil)
        }
        // The page ends before the event; a granted client's whole history, the move included, follows.
        let upToEvent = rows.prefix(limit).prefix { $0.position < event.position }
        return PlannedPage(
            changes: upToEvent.filter { !own($0) }.map(\.change),
            next: PullPosition(
                position: event.position,
                backfill: event.change.granted ? Backfill(clientId: event.change.clientId, after: 0) : nil),
            hasMore: true, scopeChange: event.change)
    }

    /// Rule 5 for a page of a backfill at `start` (which has one): `rows` of the client's history, and whether
    /// the client is still in the caseload.
    ///
    /// The whole history is sent, also past the position: this device's own writes there are not in the log
    /// it pulls (left out as already on the device), but its copy of the client was removed if the client
    /// left and came back. Later changes arrive twice; the replica keeps one.
    public static func backfillPage(at start: PullPosition, rows: [LogRow], limit: Int, inCaseload: Bool) -> PlannedPage {
        guard let backfill = start.backfill, inCaseload else {
            return PlannedPage(changes: [], next: PullPosition(position: start.position), hasMore: true, scopeChange: nil)
        }
        let page = rows.prefix(limit)
        let next = rows.count > limit
            ? PullPosition(position: start.position, backfill: Backfill(clientId: backfill.clientId, after: page.last!.position))
            : PullPosition(position: start.position)
        return PlannedPage(changes: page.map(\.change), next: next, hasMore: true, scopeChange: nil)
    }

    /// A page of one client's history after `position` (the client routes): `rows` as
    /// ``fetchHistory(of:after:for:limit:)`` named them.
    public static func historyPage(after position: Int64, rows: [LogRow], limit: Int) -> PlannedPage {
        let page = rows.prefix(limit)
        return PlannedPage(
            changes: page.map(\.change), next: PullPosition(position: page.last?.position ?? position),
            hasMore: rows.count > limit, scopeChange: nil)
    }

    /// The log position up to which a page tells the device of caseload changes, to record (it decides
    /// whether the device may still write about a client it lost); `nil` when there is nothing to record. A
    /// page that tells of a loss ends at it, so recording the pages with notices is enough.
    public static func toldUpTo(_ page: StoredPage, after start: PullPosition) -> Int64? {
        page.scopeChange != nil && page.next.position > start.position ? page.next.position : nil
    }
}

extension StoredPage {
    /// The planned page with its authors.
    init(_ page: PlannedPage, professionals: [Professional]) {
        self.init(
            changes: page.changes, next: page.next, hasMore: page.hasMore, professionals: professionals,
            scopeChange: page.scopeChange)
    }
}
