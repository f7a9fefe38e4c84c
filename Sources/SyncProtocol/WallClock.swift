import Foundation

/// The system's wall clock in Unix milliseconds, the one place the real time is read. Components take a
/// `@Sendable () -> Int64` so tests can give them a different clock.
public enum WallClock {
    /// Milliseconds since 1970-01-01T00:00:00Z now.
    @Sendable public static func millis() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}
