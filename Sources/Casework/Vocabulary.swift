/// The three disciplines of a Work and Income department (DOMAIN.md).
public enum Discipline: String, CaseIterable, Codable, Sendable, Comparable {
    /// Klantmanager: supports the client in finding work; influences job-search behaviour.
    case clientManager
    /// Inkomensconsulent: checks benefit entitlement; influences compliance.
    case incomeConsultant
    /// Accountmanager: connects the client with employers and vacancies.
    case accountManager

    /// The core behaviour this discipline mainly wants to influence.
    public var focus: CoreBehaviour {
        switch self {
        case .clientManager: .jobSearch
        case .incomeConsultant: .compliance
        case .accountManager: .employerConnection
        }
    }

    /// Orders disciplines as DOMAIN.md lists them.
    public static func < (lhs: Discipline, rhs: Discipline) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The two groups of determinants in the integrative behaviour model.
public enum DeterminantGroup: String, CaseIterable, Codable, Sendable {
    /// Willen: what drives the intention to behave.
    case wanting
    /// Kunnen: what is needed to perform and keep up the behaviour.
    case beingAble
}

/// The seven determinants of behaviour in the integrative behaviour model (Blonk 2018).
public enum Determinant: String, CaseIterable, Codable, Sendable, Comparable {
    case attitude
    case selfEfficacy
    case socialPressure
    case skills
    case selfRegulation
    case context
    case practicalBarriers

    /// Whether the determinant belongs to wanting or being able.
    public var group: DeterminantGroup {
        switch self {
        case .attitude, .selfEfficacy, .socialPressure: .wanting
        case .skills, .selfRegulation, .context, .practicalBarriers: .beingAble
        }
    }

    /// Orders determinants as the model lists them (wanting first).
    public static func < (lhs: Determinant, rhs: Determinant) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The three core behaviours that together serve durable labour participation.
public enum CoreBehaviour: String, CaseIterable, Codable, Sendable, Comparable {
    /// Werkzoekgedrag.
    case jobSearch
    /// Naleving van wet- en regelgeving.
    case compliance
    /// Verbinden naar werkgevers en vacatures.
    case employerConnection

    /// Orders behaviours as DOMAIN.md lists them.
    public static func < (lhs: CoreBehaviour, rhs: CoreBehaviour) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The direction in which an intervention works on the client (the force field).
public enum Valence: String, CaseIterable, Codable, Sendable {
    /// Strengthens wanting: encouragement, coaching, confidence.
    case supportive
    /// Strengthens being able: training, removing barriers, practical help.
    case facilitating
    /// Sets a norm or expectation: agreements, announcing consequences.
    case normative
    /// Corrects behaviour: a sanction (maatregel) or its announcement.
    case corrective
}

/// The life cycle of an intervention.
public enum InterventionStatus: String, CaseIterable, Codable, Sendable {
    case planned
    case active
    case ended
}

/// A determinant score: 1 (least favourable) to 5 (most favourable for the behaviour), or unknown.
///
/// For `practicalBarriers`, 5 means no barriers. On the wire a known score is a number and unknown is the
/// string `"unknown"`.
public enum AssessmentScore: Hashable, Sendable {
    case known(Int)
    case unknown

    /// The valid range of known scores.
    public static let range = 1...5

    /// Parses `1`…`5` or `unknown`; returns `nil` for anything else.
    public init?(_ text: String) {
        if text == "unknown" {
            self = .unknown
        } else if let value = Int(text), Self.range.contains(value) {
            self = .known(value)
        } else {
            return nil
        }
    }

    /// The known score, or `nil` for unknown.
    public var known: Int? {
        if case .known(let value) = self { return value }
        return nil
    }

    /// `1`…`5` or `unknown`.
    public var text: String {
        switch self {
        case .known(let value): String(value)
        case .unknown: "unknown"
        }
    }
}

extension AssessmentScore: Codable {
    /// Decodes a number 1…5 or the string `"unknown"`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self), Self.range.contains(value) {
            self = .known(value)
        } else if let text = try? container.decode(String.self), text == "unknown" {
            self = .unknown
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "score must be 1…5 or \"unknown\"")
        }
    }

    /// Encodes a number or `"unknown"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .known(let value): try container.encode(value)
        case .unknown: try container.encode("unknown")
        }
    }
}
