/// A kind of intervention the catalogue knows, with its usual valence, targets and core behaviour.
public struct InterventionKind: Hashable, Sendable {
    /// Code value, e.g. `applicationTraining`.
    public let code: String
    /// The valence this kind usually has.
    public let valence: Valence
    /// The determinants this kind usually targets.
    public let targets: [Determinant]
    /// The core behaviour this kind usually serves.
    public let behaviour: CoreBehaviour
    /// English label.
    public let label: String
    /// Dutch label.
    public let dutchLabel: String
}

/// The built-in catalogue of intervention kinds.
///
/// The kind of an intervention is free text: professionals may record kinds outside the catalogue (a code
/// of letters, digits, `-` or `_`, at most 64 characters). The catalogue gives the usual kinds a label and
/// the defaults the CLI suggests.
public enum InterventionCatalogue {
    /// Every kind the catalogue knows, in display order.
    public static let kinds: [InterventionKind] = [
        .init(code: "applicationTraining", valence: .facilitating, targets: [.skills], behaviour: .jobSearch,
              label: "application training", dutchLabel: "sollicitatietraining"),
        .init(code: "selfEfficacyCoaching", valence: .supportive, targets: [.selfEfficacy, .attitude],
              behaviour: .jobSearch, label: "self-efficacy coaching", dutchLabel: "coaching op geloof in eigen kunnen"),
        .init(code: "motivationalInterview", valence: .supportive, targets: [.attitude], behaviour: .jobSearch,
              label: "motivational interview", dutchLabel: "motiverend gesprek"),
        .init(code: "socialNetworkSupport", valence: .supportive, targets: [.socialPressure], behaviour: .jobSearch,
              label: "social network support", dutchLabel: "steun uit het netwerk"),
        .init(code: "selfRegulationCoaching", valence: .facilitating, targets: [.selfRegulation],
              behaviour: .jobSearch, label: "self-regulation coaching", dutchLabel: "coaching op zelfregulering"),
        .init(code: "agreementReminder", valence: .normative, targets: [.socialPressure], behaviour: .compliance,
              label: "agreement reminder", dutchLabel: "herinnering aan afspraken"),
        .init(code: "complianceExplanation", valence: .supportive, targets: [.attitude, .skills],
              behaviour: .compliance, label: "explanation of rules", dutchLabel: "uitleg over de regels"),
        .init(code: "sanctionAnnouncement", valence: .corrective, targets: [.socialPressure], behaviour: .compliance,
              label: "sanction announcement", dutchLabel: "aankondiging van een maatregel"),
        .init(code: "sanction", valence: .corrective, targets: [.socialPressure], behaviour: .compliance,
              label: "sanction", dutchLabel: "maatregel"),
        .init(code: "debtCounselling", valence: .facilitating, targets: [.context], behaviour: .compliance,
              label: "debt counselling", dutchLabel: "schuldhulpverlening"),
        .init(code: "barrierRemoval", valence: .facilitating, targets: [.practicalBarriers, .context],
              behaviour: .employerConnection, label: "barrier removal", dutchLabel: "wegnemen van belemmeringen"),
        .init(code: "vacancyMatch", valence: .facilitating, targets: [.skills], behaviour: .employerConnection,
              label: "vacancy match", dutchLabel: "vacaturematch"),
        .init(code: "jobCoaching", valence: .supportive, targets: [.selfEfficacy, .selfRegulation],
              behaviour: .employerConnection, label: "job coaching and aftercare", dutchLabel: "jobcoaching en nazorg"),
    ]

    /// The label of a kind in a language: the catalogue's, or the code itself for a free kind.
    public static func label(of code: String, in language: Language = .en) -> String {
        kind(code)?.label(in: language) ?? code
    }

    /// The catalogue entry for a code, if the catalogue knows it.
    public static func kind(_ code: String) -> InterventionKind? {
        kinds.first { $0.code == code }
    }

    /// Whether `code` is an acceptable kind: a catalogue code or a free code of 1–64 letters, digits, `-`, `_`.
    public static func isValidCode(_ code: String) -> Bool {
        guard (1...64).contains(code.unicodeScalars.count) else { return false }
        return code.unicodeScalars.allSatisfy { scalar in
            (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
                || scalar == "-" || scalar == "_"
        }
    }
}
