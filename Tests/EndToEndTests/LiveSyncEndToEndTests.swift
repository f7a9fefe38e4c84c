import Casework
import ChangeLog
import Foundation
import NIOConcurrencyHelpers
import Replica
import SamenspelTestSupport
import SyncProtocol
import SyncServer
import Testing

/// Live sync over real loopback HTTP: the server's event stream pokes the devices a committed change is for,
/// and a watching replica pulls at once instead of at its next interval.
@Suite struct LiveSyncEndToEndTests {
    /// A device's event stream, counting its pokes.
    final class Listener: Sendable {
        let pokes = NIOLockedValueBox(0)
        let ended = NIOLockedValueBox(false)
        /// The code of the error the stream ended with, if any.
        let endCode = NIOLockedValueBox<String?>(nil)
        let task: Task<Void, Never>

        init(_ transport: HTTPSyncTransport, token: String) {
            let pokes = self.pokes
            let ended = self.ended
            let endCode = self.endCode
            task = Task {
                do {
                    try await transport.events(token: token) { pokes.withLockedValue { $0 += 1 } }
                } catch {
                    endCode.withLockedValue { $0 = (error as? ReplicaError)?.code.rawValue ?? "\(type(of: error))" }
                }
                ended.withLockedValue { $0 = true }
            }
        }

        var count: Int { pokes.withLockedValue { $0 } }
        var isEnded: Bool { ended.withLockedValue { $0 } }
    }

    /// Enrolls a device over HTTP and returns its token.
    static func token(for professional: Professional, admin: Administration, transport: HTTPSyncTransport) async throws -> String {
        let code = try await admin.issueEnrollmentCode(professionalId: professional.id)
        return try await transport.enroll(EnrollRequest(code: code, deviceName: "listener")).token
    }

    @Test func aColleaguesWrite_reachesAWatchingReplica_withoutWaitingForItsInterval() async throws {
        let setup = try await SyncRobustnessTests.Setup()
        let client = setup.office.client
        let sanne = try await setup.laptop(try await setup.professional("Sanne", .clientManager), "sanne")
        let ahmed = try await setup.laptop(try await setup.professional("Ahmed", .incomeConsultant), "ahmed")
        for replica in [sanne, ahmed] { try await replica.sync() }
        // An hour between syncs: only a poke brings the note.
        let background = BackgroundSync(replica: ahmed, interval: 3600, live: true)
        let run = Task { await background.run() }
        defer { run.cancel() }
        try await eventually(within: 20) {
            let state = await background.state
            return state.live && state.progress == nil && state.lastSuccessAt != nil
        }
        _ = try await sanne.addNote(clientId: client, NoteContent(text: "Belde over de vacature"))
        try await sanne.sync()
        try await eventually(within: 20) {
            try await ahmed.journey(clientId: client).notes.contains { $0.current.text == "Belde over de vacature" }
        }
        await setup.finish()
    }

    @Test func pokes_goToTheDevicesTheChangeIsFor_only() async throws {
        let setup = try await SyncRobustnessTests.Setup()
        let admin = setup.office.admin
        let client = setup.office.client
        let transport = try HTTPSyncTransport(baseURL: setup.server.baseURL)
        let writer = try await setup.laptop(try await setup.professional("Ahmed", .incomeConsultant), "ahmed")
        try await writer.sync()
        let sameTeam = Listener(transport, token: try await Self.token(
            for: try await setup.professional("Sanne", .clientManager), admin: admin, transport: transport))
        let colleague = Listener(transport, token: try await Self.token(
            for: try await setup.professional("Ilse", .incomeConsultant), admin: admin, transport: transport))
        let otherTeam = Listener(transport, token: try await Self.token(
            for: try await setup.professional("Olaf", .clientManager, team: setup.otherTeam.id), admin: admin,
            transport: transport))
        defer { for listener in [sameTeam, colleague, otherTeam] { listener.task.cancel() } }
        // Every stream starts with a poke: what was committed while the device was away is pulled.
        try await eventually(within: 20) { [sameTeam, colleague, otherTeam].allSatisfy { $0.count == 1 } }

        _ = try await writer.addNote(clientId: client, NoteContent(text: "Voor iedereen in het team"))
        try await writer.sync()
        try await eventually(within: 20) { sameTeam.count == 2 && colleague.count == 2 }
        // Only the income consultants may read this one: the client manager is not poked for it.
        _ = try await writer.addNote(clientId: client, NoteContent(text: "Inkomen", visibility: .discipline))
        try await writer.sync()
        try await eventually(within: 20) { colleague.count == 3 }
        // Seconds later nothing else arrived: the other team and the other discipline were left alone.
        try await Task.sleep(for: .seconds(2))
        #expect(sameTeam.count == 2 && otherTeam.count == 1)

        // A move changes whose caseload the client is in: every device pulls.
        try await admin.moveClient(client, toTeam: setup.otherTeam.id)
        try await eventually(within: 20) { otherTeam.count == 2 && sameTeam.count == 3 }
        await setup.finish()
    }

    @Test func aDevice_holdsAtMostTwoStreams_andAStreamNeedsAValidToken() async throws {
        let setup = try await SyncRobustnessTests.Setup()
        let transport = try HTTPSyncTransport(baseURL: setup.server.baseURL)
        let token = try await Self.token(
            for: try await setup.professional("Sanne", .clientManager), admin: setup.office.admin, transport: transport)
        let first = Listener(transport, token: token)
        try await eventually(within: 20) { first.count == 1 }
        let second = Listener(transport, token: token)
        try await eventually(within: 20) { second.count == 1 }
        let third = Listener(transport, token: token)
        defer { for listener in [first, second, third] { listener.task.cancel() } }
        try await eventually(within: 20) { third.count == 1 && first.isEnded }
        #expect(!second.isEnded && !third.isEnded, "the oldest stream is closed, the newer ones stay")
        #expect(
            first.endCode.withLockedValue { $0 } == ReplicaError.streamSuperseded.rawValue,
            "the closed stream is told why, so its replica waits instead of closing another in turn")

        await #expect { try await transport.events(token: "sst_not-a-token") {} } throws: {
            ($0 as? ReplicaError)?.httpStatus == 401
        }
        await setup.finish()
    }

    @Test func aRevokedDevicesStream_endsAndIsNotPokedAgain() async throws {
        let setup = try await SyncRobustnessTests.Setup()
        let client = setup.office.client
        let transport = try HTTPSyncTransport(baseURL: setup.server.baseURL)
        let code = try await setup.office.admin.issueEnrollmentCode(
            professionalId: try await setup.professional("Gestolen", .clientManager).id)
        let enrolled = try await transport.enroll(EnrollRequest(code: code, deviceName: "gestolen laptop"))
        let listener = Listener(transport, token: enrolled.token)
        defer { listener.task.cancel() }
        try await eventually(within: 20) { listener.count == 1 }
        try await setup.office.admin.revokeDevice(enrolled.deviceId)
        // Within the revocation check (5 s by default), not at the stream's end ten minutes later.
        try await eventually(within: 15) { listener.isEnded }
        let pokes = listener.count
        let sanne = try await setup.laptop(try await setup.professional("Sanne", .clientManager), "sanne")
        try await sanne.sync()
        _ = try await sanne.addNote(clientId: client, NoteContent(text: "Na de intrekking geschreven"))
        try await sanne.sync()
        try await Task.sleep(for: .seconds(1.5))
        #expect(listener.count == pokes, "a revoked device learns nothing of its team's activity")
        await #expect { try await transport.events(token: enrolled.token) {} } throws: {
            ($0 as? ReplicaError)?.code == ErrorCode.deviceRevoked
        }
        await setup.finish()
    }
}
