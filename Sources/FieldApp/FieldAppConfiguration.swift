public import Casework
public import Foundation

/// Settings of the field worker's app.
public struct FieldAppConfiguration: Sendable {
    /// The loopback port; `0` picks a free one (the actual port is known once it listens).
    public var port: Int
    /// The language when the professional has not chosen one.
    public var language: Language
    /// Seconds between background syncs while the server answers.
    public var syncInterval: Double
    /// The time zone for displayed times.
    public var timeZone: TimeZone
    /// Force-field thresholds and windows for the journey.
    public var forceField: ForceFieldSettings
    /// The per-launch secret that opens the app once (in the printed URL); random by default.
    public var secret: String
    /// The per-launch token every form carries against cross-site request forgery; random by default.
    public var formToken: String
    /// How long a session lasts once the link opened it, in hours (a working day by default): it survives
    /// a closed browser, until it expires or the professional locks the app.
    public var sessionHours: Double
    /// The enrolled device's id: sessions are kept in the replica folder (hashed), bound to it, so they
    /// outlive a restart of the app on this enrollment; `nil` keeps them in memory only.
    public var sessionOwner: String?
    /// Minutes without use after which the replica locks itself (its keys leave memory) and the app asks
    /// for the passphrase again; 0 never.
    public var idleLockMinutes: Double

    /// Creates settings; the secret and form token are fresh random values (256 bits each) unless given.
    public init(
        port: Int = 8484, language: Language = .nl, syncInterval: Double = 30, timeZone: TimeZone = .current,
        forceField: ForceFieldSettings = .standard, secret: String? = nil, formToken: String? = nil,
        sessionHours: Double = 10, sessionOwner: String? = nil, idleLockMinutes: Double = 15
    ) {
        self.idleLockMinutes = idleLockMinutes
        self.sessionHours = sessionHours
        self.sessionOwner = sessionOwner
        self.port = port
        self.language = language
        self.syncInterval = syncInterval
        self.timeZone = timeZone
        self.forceField = forceField
        self.secret = secret ?? Self.randomToken()
        self.formToken = formToken ?? Self.randomToken()
    }

    /// 32 random bytes from the system's cryptographic generator, as 64 hex digits.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let value = generator.next() as UInt64
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}
