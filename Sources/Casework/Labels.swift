/// The languages of user-facing labels: English (the default) and Dutch.
public enum Language: String, CaseIterable, Sendable, Codable {
    case en, nl
}

/// A vocabulary value with a label in each language, for pickers and views.
public protocol Labelled {
    /// The label in a language.
    func label(in language: Language) -> String
}

extension Discipline: Labelled {}
extension Determinant: Labelled {}
extension DeterminantGroup: Labelled {}
extension CoreBehaviour: Labelled {}
extension Valence: Labelled {}
extension InterventionStatus: Labelled {}
extension GoalStatus: Labelled {}
extension AgreementStatus: Labelled {}
extension Responsible: Labelled {}
extension ContactField: Labelled {}
extension VacancyStatus: Labelled {}
extension ReferralStatus: Labelled {}

extension Discipline {
    /// English label: `client manager`, `income consultant`, `account manager`.
    public var label: String { label(in: .en) }

    /// Label in a language (Dutch: klantmanager, inkomensconsulent, accountmanager).
    public func label(in language: Language) -> String {
        switch (self, language) {
        case (.clientManager, .en): "client manager"
        case (.incomeConsultant, .en): "income consultant"
        case (.accountManager, .en): "account manager"
        case (.clientManager, .nl): "klantmanager"
        case (.incomeConsultant, .nl): "inkomensconsulent"
        case (.accountManager, .nl): "accountmanager"
        }
    }
}

extension Determinant {
    /// English label: `attitude`, `self-efficacy`, … `practical barriers`.
    public var label: String { label(in: .en) }

    /// Label in a language (Dutch: houding, geloof in eigen kunnen, sociale druk, vaardigheden,
    /// zelfregulering, context, praktische belemmeringen).
    public func label(in language: Language) -> String {
        switch (self, language) {
        case (.attitude, .en): "attitude"
        case (.selfEfficacy, .en): "self-efficacy"
        case (.socialPressure, .en): "social pressure"
        case (.skills, .en): "skills"
        case (.selfRegulation, .en): "self-regulation"
        case (.context, .en): "context"
        case (.practicalBarriers, .en): "practical barriers"
        case (.attitude, .nl): "houding"
        case (.selfEfficacy, .nl): "geloof in eigen kunnen"
        case (.socialPressure, .nl): "sociale druk"
        case (.skills, .nl): "vaardigheden"
        case (.selfRegulation, .nl): "zelfregulering"
        case (.context, .nl): "context"
        case (.practicalBarriers, .nl): "praktische belemmeringen"
        }
    }
}

extension DeterminantGroup {
    /// English label: `wanting` or `being able`.
    public var label: String { label(in: .en) }

    /// Label in a language (Dutch: willen, kunnen).
    public func label(in language: Language) -> String {
        switch (self, language) {
        case (.wanting, .en): "wanting"
        case (.beingAble, .en): "being able"
        case (.wanting, .nl): "willen"
        case (.beingAble, .nl): "kunnen"
        }
    }
}

extension CoreBehaviour {
    /// English label: `job search`, `compliance`, `employer connection`.
    public var label: String { label(in: .en) }

    /// Label in a language (Dutch: werkzoekgedrag, naleving van wet- en regelgeving, verbinden naar werkgevers
    /// en vacatures — the article's words).
    public func label(in language: Language) -> String {
        switch (self, language) {
        case (.jobSearch, .en): "job search"
        case (.compliance, .en): "compliance"
        case (.employerConnection, .en): "employer connection"
        case (.jobSearch, .nl): "werkzoekgedrag"
        case (.compliance, .nl): "naleving van wet- en regelgeving"
        case (.employerConnection, .nl): "verbinden naar werkgevers en vacatures"
        }
    }
}

extension Valence {
    /// Label in a language (Dutch: ondersteunend, faciliterend, normerend, corrigerend).
    public func label(in language: Language) -> String {
        switch (self, language) {
        case (_, .en): rawValue
        case (.supportive, .nl): "ondersteunend"
        case (.facilitating, .nl): "faciliterend"
        case (.normative, .nl): "normerend"
        case (.corrective, .nl): "corrigerend"
        }
    }
}

extension InterventionStatus {
    /// Label in a language (Dutch: gepland, lopend, beëindigd).
    public func label(in language: Language) -> String {
        switch (self, language) {
        case (_, .en): rawValue
        case (.planned, .nl): "gepland"
        case (.active, .nl): "lopend"
        case (.ended, .nl): "beëindigd"
        }
    }
}

extension GoalStatus {
    /// Label in a language (Dutch: open, bereikt, vervallen).
    public func label(in language: Language) -> String {
        switch (self, language) {
        case (_, .en): rawValue
        case (.open, .nl): "open"
        case (.achieved, .nl): "bereikt"
        case (.dropped, .nl): "vervallen"
        }
    }
}

extension AgreementStatus {
    /// Label in a language (English: open, kept, not kept, lapsed; Dutch: open, nagekomen, niet nagekomen,
    /// vervallen).
    public func label(in language: Language) -> String {
        switch (self, language) {
        case (.open, _): "open"
        case (.kept, .en): "kept"
        case (.notKept, .en): "not kept"
        case (.lapsed, .en): "lapsed"
        case (.kept, .nl): "nagekomen"
        case (.notKept, .nl): "niet nagekomen"
        case (.lapsed, .nl): "vervallen"
        }
    }
}

extension VacancyStatus {
    /// Label in a language (Dutch: voorgesteld, gesolliciteerd, op gesprek, aangenomen, afgewezen, teruggetrokken).
    public func label(in language: Language) -> String {
        switch (self, language) {
        case (.proposed, .en): "proposed"
        case (.applied, .en): "applied"
        case (.interview, .en): "interview"
        case (.hired, .en): "hired"
        case (.rejected, .en): "rejected"
        case (.withdrawn, .en): "withdrawn"
        case (.proposed, .nl): "voorgesteld"
        case (.applied, .nl): "gesolliciteerd"
        case (.interview, .nl): "op gesprek"
        case (.hired, .nl): "aan het werk"
        case (.rejected, .nl): "afgewezen door de werkgever"
        case (.withdrawn, .nl): "teruggetrokken"
        }
    }
}

extension ReferralStatus {
    /// Label in a language (Dutch: open, aangenomen, afgewezen).
    public func label(in language: Language) -> String {
        switch (self, language) {
        case (.open, _): "open"
        case (.accepted, .en): "accepted"
        case (.declined, .en): "declined"
        case (.accepted, .nl): "aangenomen"
        case (.declined, .nl): "afgewezen"
        }
    }
}

extension Responsible {
    /// Label in a language: the client (de klant) or a discipline.
    public func label(in language: Language) -> String {
        switch self {
        case .client: language == .nl ? "de klant" : "the client"
        case .discipline(let discipline): discipline.label(in: language)
        }
    }
}

extension ContactField {
    /// English label: `phone number`, `address`, `preferred contact moment`.
    public var label: String { label(in: .en) }

    /// Label in a language (Dutch: telefoonnummer, adres, voorkeursmoment voor contact; each takes 'het').
    public func label(in language: Language) -> String {
        switch (self, language) {
        case (.phone, .en): "phone number"
        case (.address, .en): "address"
        case (.contactMoment, .en): "preferred contact moment"
        case (.phone, .nl): "telefoonnummer"
        case (.address, .nl): "adres"
        case (.contactMoment, .nl): "voorkeursmoment voor contact"
        }
    }
}

extension InterventionKind {
    /// Label in a language.
    public func label(in language: Language) -> String {
        language == .en ? label : dutchLabel
    }
}
