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
    /// Every kind the catalogue knows, in display order: Protocol/intervention-catalogue.json, which the
    /// CatalogueCodegen build plugin turns into ``published`` — the code has no copy of its own.
    public static let kinds: [InterventionKind] = published

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
