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
              label: "application training"),
        .init(code: "selfEfficacyCoaching", valence: .supportive, targets: [.selfEfficacy, .attitude],
              behaviour: .jobSearch, label: "self-efficacy coaching"),
        .init(code: "motivationalInterview", valence: .supportive, targets: [.attitude], behaviour: .jobSearch,
              label: "motivational interview"),
        .init(code: "socialNetworkSupport", valence: .supportive, targets: [.socialPressure], behaviour: .jobSearch,
              label: "social network support"),
        .init(code: "selfRegulationCoaching", valence: .facilitating, targets: [.selfRegulation],
              behaviour: .jobSearch, label: "self-regulation coaching"),
        .init(code: "agreementReminder", valence: .normative, targets: [.socialPressure], behaviour: .compliance,
              label: "agreement reminder"),
        .init(code: "complianceExplanation", valence: .supportive, targets: [.attitude, .skills],
              behaviour: .compliance, label: "explanation of rules"),
        .init(code: "sanctionAnnouncement", valence: .corrective, targets: [.socialPressure], behaviour: .compliance,
              label: "sanction announcement"),
        .init(code: "sanction", valence: .corrective, targets: [.socialPressure], behaviour: .compliance,
              label: "sanction"),
        .init(code: "debtCounselling", valence: .facilitating, targets: [.context], behaviour: .compliance,
              label: "debt counselling"),
        .init(code: "barrierRemoval", valence: .facilitating, targets: [.practicalBarriers, .context],
              behaviour: .employerConnection, label: "barrier removal"),
        .init(code: "vacancyMatch", valence: .facilitating, targets: [.skills], behaviour: .employerConnection,
              label: "vacancy match"),
        .init(code: "jobCoaching", valence: .supportive, targets: [.selfEfficacy, .selfRegulation],
              behaviour: .employerConnection, label: "job coaching and aftercare"),
    ]

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
