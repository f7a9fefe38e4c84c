import Foundation
import Hummingbird
import HummingbirdTesting
import SyncProtocol
import SyncServer
import Testing

@Suite struct EnrollmentRouteTests {
    @Test(arguments: Backend.all) func health_answersWithTheProtocolVersions(_ backend: Backend) async throws {
        try await ServerFixture(backend).test { api in
            let response = try await api.raw(.get, "/health")
            #expect(response.status == .ok)
            #expect(try api.decode(HealthResponse.self, response) == HealthResponse(status: "ok", protocolVersions: [1]))
        }
    }

    @Test(arguments: Backend.all) func enroll_givesATokenForTheProfessional_andTheCodeWorksOnce(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let code = try await api.admin.issueEnrollmentCode(professionalId: fixture.sanne.id)
            let first = try await api.send(.post, "/v1/enroll", EnrollRequest(code: code))
            #expect(first.status == .ok)
            let enrolled = try api.decode(EnrollResponse.self, first)
            #expect(enrolled.professional == fixture.sanne)
            #expect(enrolled.token.count >= 40)
            let replay = try await api.send(.post, "/v1/enroll", EnrollRequest(code: code))
            #expect(replay.status == .unauthorized)
            #expect(try api.errorCode(replay) == ErrorCode.invalidEnrollmentCode)
        }
    }

    @Test(arguments: Backend.all) func enrollmentCode_isAcceptedInLowerCaseAndWithoutDashes(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let code = try await api.admin.issueEnrollmentCode(professionalId: fixture.ahmed.id)
            let typed = code.lowercased().replacingOccurrences(of: "-", with: " ")
            let response = try await api.send(.post, "/v1/enroll", EnrollRequest(code: typed))
            #expect(response.status == .ok)
        }
    }

    @Test(arguments: Backend.all) func expiredOrUnknownCodes_areRefusedAlike(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let expired = try await api.admin.issueEnrollmentCode(professionalId: fixture.sanne.id, validForMillis: -1)
            for code in [expired, "AAAA-BBBB-CCCC-DDDD", ""] {
                let response = try await api.send(.post, "/v1/enroll", EnrollRequest(code: code))
                #expect(response.status == .unauthorized)
                #expect(try api.errorCode(response) == ErrorCode.invalidEnrollmentCode)
            }
        }
    }

    /// The database file itself is searched, so this one is about the SQLite backend.
    @Test func deviceToken_isStoredOnlyAsAHash() async throws {
        let fixture = try await ServerFixture(.sqlite)
        try await fixture.test { api in
            let token = try await api.enroll(fixture.sanne).token
            #expect(!token.isEmpty)
            let data = try Data(contentsOf: URL(fileURLWithPath: fixture.folder.appending(SQLiteSyncStore.fileName)))
            let wal = (try? Data(contentsOf: URL(fileURLWithPath: fixture.folder.appending(SQLiteSyncStore.fileName + "-wal"))))
                ?? Data()
            #expect(data.range(of: Data(token.utf8)) == nil)
            #expect(wal.range(of: Data(token.utf8)) == nil)
        }
    }

    @Test(arguments: Backend.all) func missingOrWrongToken_isUnauthorized_withTheErrorBody(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            for token in [nil, "sst_not-a-real-token", ""] as [String?] {
                let push = try await api.raw(.post, "/v1/push", body: #"{"changes":[]}"#, token: token)
                #expect(push.status == .unauthorized)
                #expect(try api.errorCode(push) == ErrorCode.unauthorized)
                #expect(push.headers[.wwwAuthenticate] == "Bearer")
                let pull = try await api.raw(.get, "/v1/changes", token: token)
                #expect(pull.status == .unauthorized)
            }
        }
    }

    @Test(arguments: Backend.all) func malformedRequests_getMachineReadableErrors(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let device = try await api.enroll(fixture.sanne)
            let cases: [(String, String?, HTTPResponse.Status, ErrorCode)] = [
                ("{not json", "application/json", .badRequest, ErrorCode.invalidRequest),
                (#"{"changes": 5}"#, "application/json", .badRequest, ErrorCode.invalidRequest),
                (#"{"chonges": []}"#, "application/json", .badRequest, ErrorCode.invalidRequest),
                (#"{"changes": []}"#, "text/plain", .unsupportedMediaType, ErrorCode.unsupportedMediaType),
                (#"{"changes": []}"#, nil, .unsupportedMediaType, ErrorCode.unsupportedMediaType),
            ]
            for (body, contentType, status, code) in cases {
                let response = try await api.raw(.post, "/v1/push", body: body, token: device.token, contentType: contentType)
                #expect(response.status == status, "\(body)")
                #expect(try api.errorCode(response) == code)
            }
            let unknown = try await api.raw(.get, "/v1/nothing-here")
            #expect(unknown.status == .notFound)
            #expect(try api.errorCode(unknown) == ErrorCode.notFound)
        }
    }

    @Test(arguments: Backend.all) func bodyOverTheLimit_is413(_ backend: Backend) async throws {
        let fixture = try await ServerFixture(backend)
        try await fixture.test { api in
            let device = try await api.enroll(fixture.sanne)
            let huge = #"{"changes": [], "padding": ""# + String(repeating: "x", count: ProtocolLimits.maxRequestBytes) + #""}"#
            let response = try await api.raw(.post, "/v1/push", body: huge, token: device.token)
            #expect(response.status == .contentTooLarge)
            #expect(try api.errorCode(response) == ErrorCode.payloadTooLarge)
        }
    }
}
