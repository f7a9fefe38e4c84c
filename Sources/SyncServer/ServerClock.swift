public import ChangeLog
import SyncProtocol

/// The server's hybrid logical clock, for the changes the server writes itself (a client's registration,
/// move or erasure), as a pure rule.
///
/// A server-side stamp is `tick(wall)` of a hybrid logical clock that continues after `last` — the previous
/// server-side stamp, or the newest change the server accepted — so a move sorts after everything the
/// server had accepted before it. The clock follows `last` only while `last` lies at most `maxAheadMillis`
/// ahead of the wall clock: a stamp made by a host whose clock ran days fast is kept in the log and shown
/// where it sorts, but later server-side writes are stamped at the right time again, not after it.
public enum ServerClock {
    /// How far ahead of the wall clock the server's clock follows a stamp: the protocol's default allowed
    /// drift, 10 minutes.
    public static let defaultMaxAheadMillis = ProtocolLimits.maxClockDriftMillis

    /// The next server-side timestamp after `last`, at wall time `wallMillis`.
    public static func stamp(after last: HLCTimestamp?, wallMillis: Int64, maxAheadMillis: Int64) -> HLCTimestamp {
        var clock = HybridLogicalClock()
        if let last, !HybridLogicalClock.isTooFarAhead(last, wallMillis: wallMillis, maxDriftMillis: maxAheadMillis) {
            clock = HybridLogicalClock(last: last)
        }
        return clock.tick(wallMillis: wallMillis)
    }
}
