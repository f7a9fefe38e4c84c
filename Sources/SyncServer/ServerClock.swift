public import ChangeLog
import SyncProtocol

/// The server's hybrid logical clock, for the changes the server writes itself (a client's registration,
/// move or erasure), as a pure rule.
///
/// A server-side stamp is `tick(wall)` of a hybrid logical clock that continues after the newest change the
/// server accepted from a device (`accepted`) and the previous server-side stamp (`last`), so a move sorts
/// after everything the server had accepted before it — also when the stamping host's clock runs slow. The
/// clock follows `last` only while it lies at most `maxAheadMillis` ahead of the time as best known (the
/// wall clock, or the newest accepted change if later): a stamp made by a host whose clock ran days fast is
/// kept in the log and shown where it sorts, but later server-side writes are stamped at the right time
/// again, not after it. (Accepted changes are themselves at most the allowed drift ahead of the sync
/// server's clock, so they can be followed.)
public enum ServerClock {
    /// How far ahead of the wall clock the server's clock follows a stamp: the protocol's default allowed
    /// drift, 10 minutes.
    public static let defaultMaxAheadMillis = ProtocolLimits.maxClockDriftMillis

    /// The next server-side timestamp at wall time `wallMillis`.
    public static func stamp(
        after last: HLCTimestamp?, accepted: HLCTimestamp? = nil, wallMillis: Int64, maxAheadMillis: Int64
    ) -> HLCTimestamp {
        let now = max(wallMillis, accepted?.wallMillis ?? 0)
        var base = accepted ?? .zero
        if let last, !HybridLogicalClock.isTooFarAhead(last, wallMillis: now, maxDriftMillis: maxAheadMillis) {
            base = max(base, last)
        }
        var clock = HybridLogicalClock(last: base)
        return clock.tick(wallMillis: wallMillis)
    }
}
