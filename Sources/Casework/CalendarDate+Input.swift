/// Why a typed date was not taken; ``message(in:)`` says it in the professional's language.
public enum DateInputProblem: Error, Equatable, Sendable {
    /// The text is not a date in either accepted form.
    case notADate(String)
    /// Day, month and year in an accepted form, but no such day (`31-02-2027`): how many days the month has
    /// (or `nil` for a month above 12).
    case noSuchDay(typed: String, month: Int, year: Int, daysInMonth: Int?)

    /// `31-02-2027 bestaat niet: februari 2027 heeft 28 dagen.`
    public func message(in language: Language) -> String {
        let dutch = language == .nl
        switch self {
        case .notADate(let text):
            return dutch
                ? "'\(text)' is geen geldige datum. Vul dag-maand-jaar in, bijvoorbeeld 31-12-2026."
                : "'\(text)' is not a date: give day-month-year, for example 31-12-2026, or 2026-12-31."
        case .noSuchDay(let typed, let month, let year, let days):
            guard let days else {
                return dutch ? "\(typed) bestaat niet: een jaar heeft 12 maanden." : "\(typed) does not exist: a year has 12 months."
            }
            let name = (dutch ? Self.dutchMonths : Self.englishMonths)[month - 1]
            return dutch
                ? "\(typed) bestaat niet: \(name) \(year) heeft \(days) dagen."
                : "\(typed) does not exist: \(name) \(year) has \(days) days."
        }
    }

    private static let dutchMonths = [
        "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
        "november", "december",
    ]
    private static let englishMonths = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]
}

extension CalendarDate {
    /// A date as people type it: day-month-year (`31-12-2026`, `1-2-2027`, with `-`, `/` or `.`), or ISO
    /// year-month-day (`2026-12-31`), years 1900–2999. Throws ``DateInputProblem/noSuchDay(typed:month:year:daysInMonth:)``
    /// for a day the calendar does not have, so the professional hears what is wrong, not the format again.
    public static func parse(typed text: String) throws(DateInputProblem) -> CalendarDate {
        let trimmed = text.trimmingSpaces
        let parts = trimmed.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." })
        guard parts.count == 3, parts.allSatisfy({ (1...4).contains($0.count) && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { throw .notADate(trimmed) }
        let numbers = parts.map { Int($0)! }
        let (year, month, day): (Int, Int, Int)
        if parts[0].count == 4, parts[1].count <= 2, parts[2].count <= 2 {
            (year, month, day) = (numbers[0], numbers[1], numbers[2])
        } else if parts[2].count == 4, parts[0].count <= 2, parts[1].count <= 2 {
            (year, month, day) = (numbers[2], numbers[1], numbers[0])
        } else {
            throw .notADate(trimmed)
        }
        // A four-digit year nobody means in casework (0001, 9999) is a typo, not a date.
        guard (1900...2999).contains(year) else { throw .notADate(trimmed) }
        guard (1...12).contains(month) else {
            throw .noSuchDay(typed: trimmed, month: month, year: year, daysInMonth: nil)
        }
        let days = daysIn(month: month, year: year)
        guard (1...days).contains(day) else {
            throw .noSuchDay(typed: trimmed, month: month, year: year, daysInMonth: days)
        }
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        guard let date = CalendarDate("\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))") else { throw .notADate(trimmed) }
        return date
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (Foundation-free).
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
