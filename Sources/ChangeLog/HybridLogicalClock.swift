/// A hybrid logical clock (Kulkarni et al., 2014) with an injected wall clock.
///
/// The clock never goes backwards, even when the wall clock does, and it moves past every timestamp it
/// observes, so a change written after another was seen always sorts after it (causality). It is a value:
/// callers persist ``last`` (the replica keeps it in its database, in the same transaction as the change it
/// stamped) and hand in the wall time, which keeps the rules pure and testable.
///
/// Rules, for wall time `w` and last issued timestamp `l`:
/// - `tick`: if `w > l.wallMillis` the result is `(w, 0)`, else `(l.wallMillis, l.logical + 1)`.
/// - `observe(r)`: the result is the maximum of `(w, 0)`, `l` and `r`, with the logical counter advanced
///   past both `l` and `r` where the wall part is shared.
/// - When the logical counter would overflow, the wall part advances by one millisecond instead.
public struct HybridLogicalClock: Sendable, Hashable {
    /// The last timestamp this clock issued or observed.
    public private(set) var last: HLCTimestamp

    /// Creates a clock that continues after `last` (for example, restored from storage).
    public init(last: HLCTimestamp = .zero) {
        self.last = last
    }

    /// Issues a timestamp for a local event at wall time `wallMillis`.
    public mutating func tick(wallMillis: Int64) -> HLCTimestamp {
        if wallMillis > last.wallMillis {
            last = HLCTimestamp(wallMillis: wallMillis, logical: 0)
        } else {
            last = Self.successor(of: last)
        }
        return last
    }

    /// Moves the clock past a timestamp received from elsewhere and returns the new clock value.
    ///
    /// Callers that must bound how far a remote clock can pull this one check ``isTooFarAhead(_:wallMillis:maxDriftMillis:)``
    /// first.
    @discardableResult
    public mutating func observe(_ remote: HLCTimestamp, wallMillis: Int64) -> HLCTimestamp {
        let wall = HLCTimestamp(wallMillis: wallMillis, logical: 0)
        let newest = max(last, remote)
        if wall > newest {
            last = wall
        } else {
            last = Self.successor(of: newest)
        }
        return last
    }

    /// Whether `remote` lies more than `maxDriftMillis` ahead of the wall clock.
    public static func isTooFarAhead(_ remote: HLCTimestamp, wallMillis: Int64, maxDriftMillis: Int64) -> Bool {
        remote.wallMillis > wallMillis + maxDriftMillis
    }

    /// The next timestamp after `timestamp`: the logical counter plus one, or the next millisecond on overflow.
    static func successor(of timestamp: HLCTimestamp) -> HLCTimestamp {
        if timestamp.logical == UInt16.max {
            return HLCTimestamp(wallMillis: timestamp.wallMillis + 1, logical: 0)
        }
        return HLCTimestamp(wallMillis: timestamp.wallMillis, logical: timestamp.logical + 1)
    }
}
