import Casework
public import Foundation

extension TimeZone {
    /// `29-11-2026 10:09` for Unix milliseconds, as this zone's clock shows it.
    public func dutchDateTime(millis: Int64) -> String {
        CalendarTime.dutchDateTime(millis: millis, offsetSeconds: offsetSeconds(at: millis))
    }

    /// `2026-11-29`: the calendar day of Unix milliseconds on this zone's clock.
    public func day(millis: Int64) -> String {
        String(CalendarTime.iso8601(millis: millis + Int64(offsetSeconds(at: millis)) * 1000).prefix(10))
    }

    private func offsetSeconds(at millis: Int64) -> Int {
        secondsFromGMT(for: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}
