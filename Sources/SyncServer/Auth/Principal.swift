public import Casework

/// The authenticated caller of a sync request: a device of a professional.
public struct Principal: Hashable, Sendable {
    /// The device the token belongs to.
    public let deviceId: String
    /// The professional the device belongs to.
    public let professional: Professional
    /// The teams the professional is a member of; their clients are the caseload.
    public let teamIds: Set<String>

    /// Creates a principal.
    public init(deviceId: String, professional: Professional, teamIds: Set<String>) {
        self.deviceId = deviceId
        self.professional = professional
        self.teamIds = teamIds
    }
}
