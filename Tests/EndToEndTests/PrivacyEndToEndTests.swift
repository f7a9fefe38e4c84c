import Casework
import ChangeLog
import Foundation
import Logging
import Replica
import SamenspelTestSupport
import SyncProtocol
import SyncServer
import Testing

/// Need-to-know, remote wipe, erasure and TLS, with a real server and real replicas over loopback.
@Suite struct PrivacyEndToEndTests {
    @Test func aRevokedLaptop_wipesItsReplica_andSaysWhy() async throws {
        let setup = try await SyncRobustnessTests.Setup()
        let sanne = try await setup.professional("Sanne", .clientManager)
        let laptop = try await setup.laptop(sanne, "laptop")
        try await laptop.sync()
        _ = try await laptop.addNote(clientId: setup.office.client, NoteContent(text: "Gesprek over schulden"))
        let device = try await laptop.identity().deviceId
        try await setup.office.admin.revokeDevice(device)
        await #expect { try await laptop.sync() } throws: { ($0 as? ReplicaError)?.code == ReplicaError.wiped }
        let folder = setup.office.folder.appending("laptop")
        let left = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(left == ["samenspel-replica.wiped"])
        #expect(try SyncRobustnessTests.bytes(of: folder).range(of: Data("schulden".utf8)) == nil)
        #expect { try Replica(directory: folder, passphrase: TestPassphrase.text) } throws: { error in
            guard let error = error as? ReplicaError else { return false }
            return error.code == ReplicaError.wiped && error.message.contains("revoked")
        }
        await setup.finish()
    }

    @Test func erasure_reachesEveryReplica_andLeavesNoText_evenOfUnsentWrites() async throws {
        let setup = try await SyncRobustnessTests.Setup()
        let client = setup.office.client
        let sanne = try await setup.laptop(try await setup.professional("Sanne", .clientManager), "sanne")
        let ahmed = try await setup.laptop(try await setup.professional("Ahmed", .incomeConsultant), "ahmed")
        for replica in [sanne, ahmed] { try await replica.sync() }
        let synced = "Jaap vertelt over zijn schulden bij de energieleverancier"
        _ = try await sanne.addNote(clientId: client, NoteContent(text: synced))
        try await sanne.sync()
        try await ahmed.sync()
        let unsent = "Nog niet verstuurde notitie over zijn gezondheid"
        _ = try await ahmed.addNote(clientId: client, NoteContent(text: unsent))

        #expect(try await setup.office.admin.eraseClient(client, reason: "verzoek klant") >= 2)
        // Ahmed's laptop pushes first: the unsent note is refused (the client is gone), then the pull removes him.
        let report = try await ahmed.sync()
        #expect(report.rejected.count == 1)
        #expect(report.removedClients == [client])
        try await sanne.sync()
        for (replica, name) in [(sanne, "sanne"), (ahmed, "ahmed")] {
            #expect(try await replica.clients().isEmpty)
            let files = try SyncRobustnessTests.bytes(of: setup.office.folder.appending(name))
            #expect(files.range(of: Data(synced.utf8)) == nil, "\(name)")
            #expect(files.range(of: Data(unsent.utf8)) == nil, "\(name)")
        }
        let refused = try #require(try await ahmed.status().rejected.first)
        #expect(refused.change.payload == .object([:]), "kept as a fact, without its text")
        #expect(refused.code == ErrorCode.clientErased && refused.message.contains("erased"), "it says why: \(refused.message)")
        let server = try SyncRobustnessTests.bytes(of: setup.office.folder.appending("server"))
        #expect(server.range(of: Data(synced.utf8)) == nil)
        await setup.finish()
    }

    @Test func erasure_reachesALaptopThatLostTheClientEarlier_andLeavesNoTextOfItsRefusedWrites() async throws {
        let setup = try await SyncRobustnessTests.Setup()
        let client = setup.office.client
        let sanne = try await setup.laptop(try await setup.professional("Sanne", .clientManager), "sanne")
        let olaf = try await setup.laptop(try await setup.professional("Olaf", .clientManager, team: setup.otherTeam.id), "olaf")
        for replica in [sanne, olaf] { try await replica.sync() }
        // Sanne writes at a home visit, offline; meanwhile Jaap moves to team Zuid.
        try await setup.office.admin.moveClient(client, toTeam: setup.otherTeam.id)
        let refusedText = "Na de verhuizing geschreven: schulden bij de woningcorporatie"
        _ = try await sanne.addNote(clientId: client, NoteContent(text: refusedText))
        let report = try await sanne.sync()
        #expect(report.rejected.count == 1 && report.removedClients == [client])
        #expect(try await sanne.status().rejected.first?.change.payload["text"] == .string(refusedText),
                "her refused write is kept for her, with its text")
        #expect(try SyncRobustnessTests.bytes(of: setup.office.folder.appending("sanne")).range(of: Data(refusedText.utf8)) == nil,
                "sealed in her files")
        try await olaf.sync()
        // Jaap asks to be erased. Sanne's laptop no longer holds him, but it still holds that text.
        _ = try await setup.office.admin.eraseClient(client, reason: "verzoek klant")
        try await sanne.sync()
        try await olaf.sync()
        let files = try SyncRobustnessTests.bytes(of: setup.office.folder.appending("sanne"))
        #expect(files.range(of: Data(refusedText.utf8)) == nil)
        #expect(files.range(of: Data("Jaap".utf8)) == nil)
        let refused = try #require(try await sanne.status().rejected.first)
        #expect(refused.change.payload == .object([:]) && refused.code == ErrorCode.clientErased)
        #expect(try SyncRobustnessTests.bytes(of: setup.office.folder.appending("olaf")).range(of: Data("Jaap".utf8)) == nil)
        let server = try SyncRobustnessTests.bytes(of: setup.office.folder.appending("server"))
        #expect(server.range(of: Data(refusedText.utf8)) == nil && server.range(of: Data("Jaap".utf8)) == nil)
        await setup.finish()
    }

    @Test func disciplineNotes_stayWithTheDiscipline_andSameDisciplineReplicasAgree() async throws {
        let setup = try await SyncRobustnessTests.Setup()
        let client = setup.office.client
        let ahmed = try await setup.laptop(try await setup.professional("Ahmed", .incomeConsultant), "ahmed")
        let ilse = try await setup.laptop(try await setup.professional("Ilse", .incomeConsultant), "ilse")
        let sanne = try await setup.laptop(try await setup.professional("Sanne", .clientManager), "sanne")
        try await ahmed.sync()
        let secret = "Inkomen: 12 uur per week via uitzendbureau"
        _ = try await ahmed.addNote(clientId: client, NoteContent(text: secret, visibility: .discipline))
        _ = try await ahmed.addNote(clientId: client, NoteContent(text: "Afspraak gemaakt"))
        for replica in [ahmed, ilse, sanne, ahmed, ilse, sanne] { try await replica.sync() }
        let sanneJourney = try await sanne.journey(clientId: client)
        #expect(sanneJourney.notes.map(\.current.text) == ["Afspraak gemaakt"])
        #expect(try SyncRobustnessTests.bytes(of: setup.office.folder.appending("sanne")).range(of: Data(secret.utf8)) == nil)
        let ahmedJourney = try await ahmed.journey(clientId: client)
        #expect(ahmedJourney.notes.first?.visibility == .discipline)
        #expect(try await ilse.journey(clientId: client).canonicalJSON() == ahmedJourney.canonicalJSON())
        // Verification does not mistake the hidden note for a difference to repair.
        #expect(try await sanne.sync().repairedClients.isEmpty)
        await setup.finish()
    }

    @Test func replicaFiles_areReadableByTheUserOnly() async throws {
        let setup = try await SyncRobustnessTests.Setup()
        let laptop = try await setup.laptop(try await setup.professional("Sanne", .clientManager), "laptop")
        try await laptop.sync()
        let folder = setup.office.folder.appending("laptop")
        let folderMode = try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int
        #expect(folderMode == 0o700)
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            let mode = try FileManager.default.attributesOfItem(atPath: folder + "/" + name)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(name)")
        }
        await setup.finish()
    }

    @Test func serverDataFiles_areReadableByTheServerAccountOnly_whateverTheUmask() throws {
        let folder = try TemporaryDirectory("server-modes")
        defer { folder.remove() }
        let data = folder.appending("data")
        let old = umask(0)  // the most permissive umask: every mode below is the store's own doing
        defer { umask(old) }
        let store = try SQLiteSyncStore(directory: data)
        _ = store
        #expect(try FileManager.default.attributesOfItem(atPath: data)[.posixPermissions] as? Int == 0o700)
        let names = try FileManager.default.contentsOfDirectory(atPath: data)
        #expect(names.contains(SQLiteSyncStore.fileName + "-wal"), "\(names)")
        for name in names {
            #expect(try FileManager.default.attributesOfItem(atPath: data + "/" + name)[.posixPermissions] as? Int == 0o600, "\(name)")
        }
    }

    @Test func plainHTTPToAnotherHost_isRefused_unlessInsecure() async throws {
        let folder = try TemporaryDirectory("insecure")
        defer { folder.remove() }
        await #expect {
            try await Replica.enroll(in: folder.appending("a"), serverURL: "http://samenspel.gemeente.example:8080", code: "x", passphrase: TestPassphrase.text, cost: .lowest)
        } throws: { ($0 as? ReplicaError)?.code == ReplicaError.insecureServer }
        #expect(!FileManager.default.fileExists(atPath: folder.appending("a")))
        // A name that only looks like a loopback address is resolved by DNS: it may be anywhere.
        for lookalike in ["http://127.evil.example", "http://127.0.0.1.evil.example:80", "http://1270.0.0.1"] {
            await #expect {
                try await Replica.enroll(in: folder.appending("c"), serverURL: lookalike, code: "x", passphrase: TestPassphrase.text, cost: .lowest)
            } throws: { ($0 as? ReplicaError)?.code == ReplicaError.insecureServer }
        }
        #expect(try HTTPSyncTransport.normalize("http://127.0.0.2:8080/", insecure: false) == "http://127.0.0.2:8080")
        #expect(try HTTPSyncTransport.normalize("http://[::1]:8080", insecure: false) == "http://[::1]:8080")
        // With --insecure the URL is accepted (and the failure is about reaching it).
        await #expect {
            try await Replica.enroll(in: folder.appending("b"), serverURL: "http://192.0.2.1:9", code: "x", passphrase: TestPassphrase.text, cost: .lowest, insecure: true)
        } throws: { ($0 as? ReplicaError)?.code == ReplicaError.serverUnreachable }
    }

    @Test func https_withTheMunicipalCA_works_andWithoutItIsRefused() async throws {
        let folder = try TemporaryDirectory("tls")
        defer { folder.remove() }
        let pki = try TestPKI(in: folder)
        let store = try SQLiteSyncStore(directory: folder.appending("server"))
        let admin = Administration(store: store)
        let team = try await admin.createTeam(name: "Noord")
        let sanne = try await admin.createProfessional(name: "Sanne", discipline: .clientManager, teamIds: [team.id])
        _ = try await admin.createClient(name: "Jaap", teamId: team.id)
        var logger = Logger(label: "tls")
        logger.logLevel = .critical
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.tls = .init(certificatePath: pki.certificate, keyPath: pki.key)
        let server = try await RunningServer.start(store: store, configuration: configuration, logger: logger)
        #expect(server.baseURL.hasPrefix("https://"))
        let url = server.baseURL.replacingOccurrences(of: "127.0.0.1", with: "localhost")

        let untrusting = try await admin.issueEnrollmentCode(professionalId: sanne.id)
        await #expect {
            try await Replica.enroll(in: folder.appending("untrusting"), serverURL: url, code: untrusting, passphrase: TestPassphrase.text, cost: .lowest)
        } throws: { error in
            guard let error = error as? ReplicaError else { return false }
            return error.code == ReplicaError.serverUnreachable && error.message.contains("certificate")
        }
        let code = try await admin.issueEnrollmentCode(professionalId: sanne.id)
        let replica = try await Replica.enroll(
            in: folder.appending("trusting"), serverURL: url, code: code, passphrase: TestPassphrase.text, cost: .lowest, caPEM: try String(contentsOfFile: pki.authority, encoding: .utf8))
        let report = try await replica.sync()
        #expect(report.pulled == 1)

        // Modern TLS only: 1.0 and 1.1 and suites without forward secrecy are refused; HSTS on every answer.
        let port = String(server.port)
        func handshake(_ arguments: [String]) async throws -> (status: Int32, output: String) {
            try await runExternal(
                "/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:" + port, "-servername", "localhost"] + arguments)
        }
        for old in [["-tls1", "-cipher", "DEFAULT@SECLEVEL=0"], ["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"],
                    ["-tls1_2", "-cipher", "AES128-SHA256"], ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA"]]
        {
            let result = try await handshake(old)
            #expect(result.status != 0 && !result.output.contains("BEGIN CERTIFICATE"), "\(old) was accepted")
        }
        for modern in [["-tls1_2"], ["-tls1_3"]] {
            let result = try await handshake(modern)
            #expect(result.status == 0 && result.output.contains("BEGIN CERTIFICATE"), "\(modern): \(result.output.suffix(300))")
        }
        let text = try await runExternal(
            "/usr/bin/curl", ["-sS", "-D", "-", "-o", "/dev/null", "--cacert", pki.authority, url + "/health"]).output
        #expect(text.lowercased().contains("strict-transport-security: max-age=31536000"), "\(text)")
        await server.stop()
    }
}

/// A throwaway certificate authority and a server certificate for `localhost`, made with openssl.
struct TestPKI {
    let authority: String
    let certificate: String
    let key: String

    init(in folder: TemporaryDirectory) throws {
        authority = folder.appending("ca.pem")
        certificate = folder.appending("server.pem")
        key = folder.appending("server.key")
        let caKey = folder.appending("ca.key")
        let request = folder.appending("server.csr")
        let extensions = folder.appending("ext.cnf")
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(toFile: extensions, atomically: true, encoding: .utf8)
        try Self.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", authority,
                          "-days", "2", "-subj", "/CN=Samenspel Test Municipal CA"])
        try Self.openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", request, "-subj", "/CN=localhost"])
        try Self.openssl(["x509", "-req", "-in", request, "-CA", authority, "-CAkey", caKey, "-CAcreateserial",
                          "-out", certificate, "-days", "2", "-extfile", extensions])
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ReplicaError(code: ErrorCode("openssl"), message: "openssl \(arguments.first ?? "") failed")
        }
    }
}
