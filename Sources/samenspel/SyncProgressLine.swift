import Foundation
import Replica

/// The one-line progress of a long sync on a terminal: what is being done, how many changes were sent and
/// received, in how many pages, and the rate. Redrawn in place at most ten times a second; prints nothing
/// when standard error is not a terminal (a script or a log stays clean).
final class SyncProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private let enabled: Bool
    private let started = ContinuousClock.now
    private var lastDrawn: ContinuousClock.Instant?
    private var drawn = false

    init(enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.enabled = enabled
    }

    /// Redraws the line for `progress` (throttled).
    func update(_ progress: SyncProgress) {
        guard enabled else { return }
        lock.withLock {
            let now = ContinuousClock.now
            if let lastDrawn, now - lastDrawn < .milliseconds(100) { return }
            lastDrawn = now
            drawn = true
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + Self.describe(progress, after: now - started)).utf8))
        }
    }

    /// Clears the line before the summary is printed.
    func finish() {
        lock.withLock {
            guard drawn else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
        }
    }

    /// `pulling: sent 0, received 45,000 changes in 45 pages (16,402 changes/s)`.
    static func describe(_ progress: SyncProgress, after elapsed: Duration) -> String {
        let report = progress.report
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let moved = report.pushed + report.duplicates + report.pulled
        let rate = seconds > 0 ? Int(Double(moved) / seconds) : 0
        return "\(progress.phase.rawValue): sent \(grouped(report.pushed + report.duplicates)), "
            + "received \(grouped(report.pulled)) changes in \(grouped(report.pages)) page\(report.pages == 1 ? "" : "s")"
            + " (\(grouped(rate)) changes/s)"
    }

    /// `45000` as `45,000`.
    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }
}
