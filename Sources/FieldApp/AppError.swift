import HTTPTypes
import Replica
import SyncProtocol

/// A request the app answers with an error page: a status, a heading and a message, both in the
/// professional's language (keys of ``AppText``). Never carries note text or another client's data.
struct AppError: Error {
    let status: HTTPResponse.Status
    let headingKey: String
    let messageKey: String
    /// Whether the page offers a link back to the caseload (not when the visitor has no access).
    let showHome: Bool
    /// A message to show instead of the one under `messageKey` (a replica error's own words).
    var detail: String? = nil

    static let notFound = AppError(status: .notFound, headingKey: "notFound", messageKey: "notFoundText", showHome: true)
    static let noAccess = AppError(status: .forbidden, headingKey: "forbidden", messageKey: "forbiddenText", showHome: false)
    static let badForm = AppError(status: .forbidden, headingKey: "forbidden", messageKey: "csrfText", showHome: true)
    static let locked = AppError(status: .ok, headingKey: "lockedTitle", messageKey: "lockedText", showHome: false)
    static let linkUsed = AppError(status: .forbidden, headingKey: "forbidden", messageKey: "linkUsedText", showHome: false)
    static let `internal` = AppError(
        status: .internalServerError, headingKey: "errorTitle", messageKey: "internalText", showHome: true)
    static let wiped = AppError(status: .gone, headingKey: "forbidden", messageKey: "bannerWiped", showHome: false)
    static let badHost = AppError(status: .misdirectedRequest, headingKey: "forbidden", messageKey: "forbiddenText", showHome: false)
}

extension AppError {
    /// ``notFound`` when the replica refused because what the request names is not in it (a client, an
    /// entity, a signal); `nil` for other refusals.
    static func missing(_ error: ReplicaError) -> AppError? {
        [ReplicaError.unknownClient, ReplicaError.unknownEntity, ReplicaError.unknownSignal].contains(error.code) ? .notFound : nil
    }
}
