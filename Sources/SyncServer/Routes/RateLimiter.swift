import HTTPTypes
import SyncProtocol
import Synchronization

/// A token bucket per key (a device, or an address for wrong tokens and enrollment attempts): `burst`
/// requests at once, refilled at `perSecond`. In memory, per server process; several instances each allow
/// that rate.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Int64
    }

    let perSecond: Double
    let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    init(perSecond: Double, burst: Double) {
        self.perSecond = perSecond
        self.burst = burst
    }

    /// Takes a token for `key` at `nowMillis`; returns `nil` when allowed, else the seconds to wait.
    private func take(_ key: String, nowMillis: Int64) -> Int? {
        buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: nowMillis)
            let elapsed = Double(max(nowMillis - bucket.updated, 0)) / 1000
            bucket.tokens = min(burst, bucket.tokens + elapsed * perSecond)
            bucket.updated = nowMillis
            if buckets.count > 100_000 { buckets.removeAll() }  // bounded memory; an emptied map only forgives
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                buckets[key] = bucket
                return nil
            }
            buckets[key] = bucket
            return Int(((1 - bucket.tokens) / perSecond).rounded(.up))
        }
    }

    /// Takes a token for `key`, or refuses with `429 rateLimited`, `Retry-After` and the message
    /// "too many `what`; retry after N s".
    func admit(_ key: String, nowMillis: Int64, tooMany what: String) throws(ServerError) {
        if let wait = take(key, nowMillis: nowMillis) {
            throw ServerError(
                .tooManyRequests, code: ErrorCode.rateLimited, message: "too many \(what); retry after \(wait) s",
                retryAfter: wait)
        }
    }
}
