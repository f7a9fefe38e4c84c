import Casework
import Foundation
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

    @Test(arguments: [
        ("31-12-2026", "2026-12-31"), ("1-2-2027", "2027-02-01"), ("01/02/2027", "2027-02-01"), ("29.02.2028", "2028-02-29"),
        ("2026-12-31", "2026-12-31"), ("2027-1-5", "2027-01-05"), (" 15-01-2027 ", "2027-01-15"),
    ])
    func typedDates_inDutchOrderOrISO(_ typed: String, _ expected: String) throws {
        #expect(try CalendarDate.parse(typed: typed).text == expected)
    }

    @Test func typedDates_thatDoNotExist_sayWhy_inBothLanguages() {
        #expect(throws: DateInputProblem.noSuchDay(typed: "31-02-2027", month: 2, year: 2027, daysInMonth: 28)) {
            try CalendarDate.parse(typed: "31-02-2027")
        }
        do {
            _ = try CalendarDate.parse(typed: "29-02-2027")
            Issue.record("29-02-2027 is not a day")
        } catch {
            #expect(error.message(in: .nl) == "29-02-2027 bestaat niet: februari 2027 heeft 28 dagen.")
            #expect(error.message(in: .en) == "29-02-2027 does not exist: February 2027 has 28 days.")
        }
        #expect(throws: DateInputProblem.noSuchDay(typed: "2027-13-01", month: 13, year: 2027, daysInMonth: nil)) {
            try CalendarDate.parse(typed: "2027-13-01")
        }
        #expect(throws: DateInputProblem.noSuchDay(typed: "31-04-2027", month: 4, year: 2027, daysInMonth: 30)) {
            try CalendarDate.parse(typed: "31-04-2027")
        }
        for nonsense in ["", "morgen", "31-12", "31-12-26", "2026-12-31-1", "١٢-٠١-٢٠٢٧", "31-12-2026T", "-1-12-2026", "01-01-0001", "9999-12-31"] {
            #expect(throws: DateInputProblem.notADate(nonsense.trimmingCharacters(in: .whitespaces))) {
                try CalendarDate.parse(typed: nonsense)
            }
        }
    }
}
