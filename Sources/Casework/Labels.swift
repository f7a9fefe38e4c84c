/// English display labels for code values.
extension Discipline {
    /// `client manager`, `income consultant`, `account manager`.
    public var label: String {
        switch self {
        case .clientManager: "client manager"
        case .incomeConsultant: "income consultant"
        case .accountManager: "account manager"
        }
    }
}

extension Determinant {
    /// `attitude`, `self-efficacy`, … `practical barriers`.
    public var label: String {
        switch self {
        case .attitude: "attitude"
        case .selfEfficacy: "self-efficacy"
        case .socialPressure: "social pressure"
        case .skills: "skills"
        case .selfRegulation: "self-regulation"
        case .context: "context"
        case .practicalBarriers: "practical barriers"
        }
    }
}

extension DeterminantGroup {
    /// `wanting` or `being able`.
    public var label: String {
        switch self {
        case .wanting: "wanting"
        case .beingAble: "being able"
        }
    }
}

extension CoreBehaviour {
    /// `job search`, `compliance`, `employer connection`.
    public var label: String {
        switch self {
        case .jobSearch: "job search"
        case .compliance: "compliance"
        case .employerConnection: "employer connection"
        }
    }
}

extension ContactField {
    /// `phone`, `address`, `preferred contact moment`.
    public var label: String {
        switch self {
        case .phone: "phone"
        case .address: "address"
        case .contactMoment: "preferred contact moment"
        }
    }
}
