import Casework
import Replica

/// What is wrong with a submitted form, per field, in the professional's language.
struct FormErrors {
    struct Entry {
        /// The id of the field to jump to from the summary, if the error is about one field.
        var field: String?
        var message: String
    }

    var language: Language = .nl
    private(set) var list: [Entry] = []
    private(set) var byField: [String: String] = [:]

    var isEmpty: Bool { list.isEmpty }

    mutating func add(_ field: String?, nl: String, en: String) {
        let message = language == .nl ? nl : en
        list.append(Entry(field: field, message: message))
        if let field, byField[field] == nil { byField[field] = message }
    }

    /// A value of a vocabulary; `nil` when not given, an error when not one of its values (a tampered form).
    mutating func parse<Value: RawRepresentable>(_ text: String?, as type: Value.Type, field: String) -> Value?
    where Value.RawValue == String {
        guard let text else { return nil }
        guard let value = Value(rawValue: text) else {
            add(field, nl: "Kies een van de aangeboden waarden.", en: "Choose one of the values offered.")
            return nil
        }
        return value
    }

    /// Every value of a repeated field (checkboxes), each one of the vocabulary's.
    mutating func parseAll<Value: RawRepresentable>(_ texts: [String], as type: Value.Type, field: String) -> [Value]
    where Value.RawValue == String {
        let values = texts.compactMap(Value.init(rawValue:))
        if values.count != texts.count {
            add(field, nl: "Kies een van de aangeboden waarden.", en: "Choose one of the values offered.")
        }
        return values
    }

    /// The replica refused the write (its rules): the form shows why. A client or entity that is not in the
    /// replica is a 404 instead.
    mutating func refused(_ error: ReplicaError) throws {
        if let missing = AppError.missing(error) { throw missing }
        let reason = AppText(language).describe(error.code)
        add(nil, nl: "Niet opgeslagen. \(reason)", en: "Not saved. \(reason)")
    }
}
