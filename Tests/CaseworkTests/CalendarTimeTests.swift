import Casework
import Testing

@Suite struct CalendarTimeTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(1_764_412_171_123), "2025-11-29T10:29:31.123Z"),
        (Int64(1_709_164_800_000), "2024-02-29T00:00:00.000Z"),
        (Int64(-1), "1969-12-31T23:59:59.999Z"),
        (Int64(253_402_300_799_999), "9999-12-31T23:59:59.999Z"),
    ])
    func iso8601_matchesKnownInstants_andParsesBack(_ millis: Int64, _ text: String) {
        #expect(CalendarTime.iso8601(millis: millis) == text)
        if millis >= 0 { #expect(CalendarTime.millis(fromISO8601: text) == millis) }
    }

    @Test func millisFromISO8601_rejectsOtherText() {
        #expect(CalendarTime.millis(fromISO8601: "2025-11-29T10:29:31Z") == nil)
        #expect(CalendarTime.millis(fromISO8601: "2025-13-29T10:29:31.000Z") == nil)
    }

    @Test func dutchDateTime_showsDayMonthYearInTheGivenOffset() {
        #expect(CalendarTime.dutchDateTime(millis: 1_764_412_171_123, offsetSeconds: 3600) == "29-11-2025 11:29")
        #expect(CalendarTime.dutchDateTime(millis: 1_764_460_800_000 - 1, offsetSeconds: 3600) == "30-11-2025 00:59")
    }
}
