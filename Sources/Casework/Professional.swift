/// A professional as other professionals see them: id, name and discipline.
public struct Professional: Hashable, Sendable, Codable {
    /// Professional id (lowercase UUID).
    public let id: String
    /// Display name.
    public let name: String
    /// Discipline.
    public let discipline: Discipline

    /// Creates a professional.
    public init(id: String, name: String, discipline: Discipline) {
        self.id = id
        self.name = name
        self.discipline = discipline
    }
}
