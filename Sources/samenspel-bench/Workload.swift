import AsyncHTTPClient
import Casework
import ChangeLog
import Foundation
import NIOCore
@_spi(Benchmarks) import Replica
import SyncProtocol
import SyncServer
import Synchronization

/// How big each figure's workload is. `full` is the size the targets are stated for; `tiny` checks in CI
/// that the benchmark still builds and works, in seconds.
struct Sizes: Sendable {
    var localWrites: Int
    var push: Int
    var pull: Int
    var bigLog: Int
    var smallLog: Int
    var incremental: Int
    var devices: Int
    var perDevice: Int
    var journeyEntries: Int
    /// Notes in the replica that offline search searches.
    var searchNotes: Int
    var repeats: Int
    var clients: Int
    /// Requests with a forged token and a gzip bomb (and as many with the same bytes sent plain).
    var hostile: Int
    /// Laptops of the fleet (in teams of ten), the syncs a second they make in all, for how long, and how
    /// long each step of the saturation search lasts, up to which rate.
    var fleetDevices = 2_000
    var fleetRate = 200.0
    var fleetSeconds = 60.0
    var fleetStepSeconds = 10.0
    var fleetMaxRate = 3_000.0

    static let full = Sizes(
        localWrites: 2_000, push: 100_000, pull: 100_000, bigLog: 1_000_000, smallLog: 1_000, incremental: 100,
        devices: 200, perDevice: 50, journeyEntries: 5_000, searchNotes: 50_000, repeats: 15, clients: 100, hostile: 1_000)
    static let tiny = Sizes(
        localWrites: 50, push: 2_000, pull: 2_000, bigLog: 5_000, smallLog: 500, incremental: 20, devices: 8,
        perDevice: 5, journeyEntries: 200, searchNotes: 2_000, repeats: 3, clients: 10, hostile: 50,
        fleetDevices: 40, fleetRate: 20, fleetSeconds: 3, fleetStepSeconds: 2, fleetMaxRate: 30)
}

/// Realistic case-note text: about 500 bytes of Dutch words in varying order (so compression sees text
/// like the real thing, not one repeated phrase), from a seeded generator.
struct NoteText {
    private var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    private static let words = """
        huisbezoek gesprek klant afspraak sollicitatie vacature werkgever coaching schulden inkomen uitkering
        motivatie vertrouwen kinderopvang vervoer taalcursus training netwerk werkervaring re-integratie
        begeleiding planning doelen voortgang zorgen gezondheid budget betalingsregeling bijstand toeslag
        brief formulier bellen volgende week besproken toegezegd lastig positief onzeker gemotiveerd contact
        """.split(whereSeparator: \.isWhitespace).map(String.init)

    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func make(bytes: Int = 500) -> String {
        var text = "Huisbezoek \(next() % 1000): "
        while text.utf8.count < bytes {
            text += Self.words[Int(next() % UInt64(Self.words.count))]
            text += next() % 9 == 0 ? ". " : " "
        }
        return text
    }

    /// A mix of events like a journey's: mostly notes, then assessments, some interventions.
    mutating func event(_ index: Int) -> CaseEvent {
        let determinant = Determinant.allCases[Int(next() % 7)]
        switch index % 20 {
        case 0..<12:
            return .noteAdded(NoteContent(text: make(), behaviour: .jobSearch, determinants: [determinant]))
        case 12..<17:
            return .assessmentRecorded(
                Assessment(determinant: determinant, score: .known(Int(next() % 5) + 1), behaviour: .jobSearch))
        default:
            let kind = InterventionCatalogue.kinds[Int(next() % UInt64(InterventionCatalogue.kinds.count))]
            return .interventionStarted(
                InterventionPlan(kind: kind.code, valence: kind.valence, targets: kind.targets, behaviour: kind.behaviour))
        }
    }
}

/// A server child with its office: one team, professionals of the three disciplines, clients, and the
/// store opened beside the server for administration and direct loading.
final class Office: @unchecked Sendable {
    private(set) var server: ServerProcess
    let store: any SyncStore
    let admin: Administration
    let backend: BenchBackend
    let team: String
    let clients: [String]
    let directory: String
    private var clientsHTTP: [HTTPClient] = []
    /// On PostgreSQL: the office's own database and its running pool.
    private let postgres: (database: BenchDatabase, store: RunningPostgresStore)?
    /// Whether the server seals payloads (`false`: the encryption figure's baseline).
    let sealed: Bool

    init(directory: String, clients count: Int, backend: BenchBackend = .sqlite, sealed: Bool = true) async throws {
        self.directory = directory
        self.backend = backend
        self.sealed = sealed
        try FileManager.default.createDirectory(atPath: directory + "/server", withIntermediateDirectories: true)
        switch backend {
        case .sqlite:
            store = try SQLiteSyncStore(directory: directory + "/server")
            postgres = nil
        case .postgresql(let url):
            let database = try await BenchDatabase.create(on: url, logger: .bench)
            let running = try await RunningPostgresStore(url: database.url, logger: .bench)
            store = running.store
            postgres = (database, running)
        }
        if !sealed { store.keyring.storeUnsealedForBenchmarks() }
        admin = Administration(store: store)
        team = try await admin.createTeam(name: "Werk en Inkomen").id
        var clients: [String] = []
        for index in 0..<count { clients.append(try await admin.createClient(name: "Klant \(index)", teamId: team)) }
        self.clients = clients
        server = try Self.startServer(directory: directory, postgres: postgres?.database, sealed: sealed)
        Self.open.withLock { $0.append(self) }
    }

    private static func startServer(directory: String, postgres: BenchDatabase?, sealed: Bool) throws -> ServerProcess {
        if let postgres { return try ServerProcess(postgres: postgres.url, sealed: sealed) }
        return try ServerProcess(directory: directory + "/server", sealed: sealed)
    }

    /// Another server instance on the office's PostgreSQL database; the caller stops it.
    func anotherInstance() throws -> ServerProcess {
        guard let postgres else { throw BenchError("an office on SQLite has one server") }
        return try ServerProcess(postgres: postgres.database.url, sealed: sealed)
    }

    /// Restarts the server process (fresh memory figures).
    func restartServer() throws -> ServerProcess {
        server.stop()
        server = try Self.startServer(directory: directory, postgres: postgres?.database, sealed: sealed)
        return server
    }

    /// A new professional's laptop, enrolled with its own HTTP client (as a real laptop has), not synced.
    func enroll(
        _ name: String, discipline: Discipline = .clientManager, team: String? = nil, server: ServerProcess? = nil
    ) async throws -> Laptop {
        let professional = try await admin.createProfessional(
            name: name, discipline: discipline, teamIds: [team ?? self.team])
        return try await enroll(professional, server: server)
    }

    /// Another team with its own clients.
    func addTeam(_ name: String, clients count: Int) async throws -> (team: String, clients: [String]) {
        let team = try await admin.createTeam(name: name).id
        var clients: [String] = []
        for index in 0..<count { clients.append(try await admin.createClient(name: "\(name) klant \(index)", teamId: team)) }
        return (team, clients)
    }

    /// Another laptop of an existing professional.
    func enroll(_ professional: Professional, server: ServerProcess? = nil) async throws -> Laptop {
        let code = try await admin.issueEnrollmentCode(professionalId: professional.id)
        let client = try HTTPSyncTransport.makeClient(trusting: nil)
        clientsHTTP.append(client)
        let baseURL = (server ?? self.server).baseURL
        let transport = try HTTPSyncTransport(baseURL: baseURL, client: client)
        let folder = directory + "/laptop-" + UUID().uuidString.prefix(8)
        let replica = try await Replica.enroll(
            in: folder, serverURL: baseURL, code: code, passphrase: "bench passphrase", cost: .lowest,
            transport: transport)
        return Laptop(replica: replica, transport: transport, professional: professional, directory: folder)
    }

    /// Loads `count` notes into the server's log directly (no HTTP), as pushes of `laptop`'s device.
    func load(_ count: Int, as laptop: Laptop, batch: Int = 1_000) async throws {
        var done = 0
        while done < count {
            let size = min(batch, count - done)
            try await storeDirectly(try await notes(size, as: laptop, seed: UInt64(count + done)), as: laptop)
            done += size
        }
    }

    /// `count` new notes by `laptop`'s professional and device, spread over the office's clients, as the
    /// laptop would have written them.
    func notes(_ count: Int, as laptop: Laptop, seed: UInt64) async throws -> [Change] {
        let identity = try await laptop.replica.identity()
        var text = NoteText(seed: seed)
        var clock = HybridLogicalClock()
        return (0..<count).map { index -> Change in
            let wall = WallClock.millis()
            let event = CaseEvent.noteAdded(NoteContent(text: text.make(), behaviour: .jobSearch))
            return Change(
                id: Identifier.make(wallMillis: wall), clientId: clients[index % clients.count],
                entityType: event.entityType, entityId: Identifier.make(wallMillis: wall),
                operation: event.operation, payload: event.payload, hlc: clock.tick(wallMillis: wall),
                authorId: identity.professional.id, authorDiscipline: identity.professional.discipline.rawValue,
                deviceId: identity.deviceId)
        }
    }

    /// Stores changes as the server's push route does (planner and audit), without HTTP.
    func storeDirectly(_ changes: [Change], as laptop: Laptop) async throws {
        let identity = try await laptop.replica.identity()
        let principal = Principal(deviceId: identity.deviceId, professional: laptop.professional, teamIds: [team])
        let wall = WallClock.millis()
        let plan = try await store.push(
            changes, from: identity.deviceId, receivedAt: wall,
            planner: { facts in
                PushPlanner.plan(changes, by: principal, facts: facts, wallMillis: wall, maxDriftMillis: 600_000)
            },
            audit: { plan in
                AuditEntry(
                    at: wall, actor: principal.professional.id, deviceId: principal.deviceId, action: "push",
                    clientIds: changes.map(\.clientId),
                    details: ["received": String(changes.count), "accepted": String(plan.accepted.count)])
            })
        guard plan.accepted.count == changes.count else {
            throw BenchError("the store refused \(changes.count - plan.accepted.count) of \(changes.count) changes")
        }
    }

    /// Seconds the server spent answering `method` `route`, from its Prometheus histogram.
    func serverSeconds(_ method: String, _ route: String, server: ServerProcess? = nil) async throws -> Double {
        try await metric("samenspel_http_request_duration_seconds_sum{", server: server) { line in
            line.contains("method=\"\(method)\"") && line.contains("route=\"\(route)\"")
        }
    }

    /// The value of the first line of the server's `/metrics` that starts with `prefix` and passes `matching`
    /// (0 when there is none).
    func metric(
        _ prefix: String, server: ServerProcess? = nil, matching: (Substring) -> Bool = { _ in true }
    ) async throws -> Double {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }
        let response = try await client.execute(
            HTTPClientRequest(url: (server ?? self.server).baseURL + "/metrics"), timeout: .seconds(10))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 22))
        for line in text.split(separator: "\n") where line.hasPrefix(prefix) && matching(line) {
            return Double(line.split(separator: " ").last ?? "") ?? 0
        }
        return 0
    }

    /// Every office not yet closed: ``closeAll()`` closes them after each figure, however it ended.
    private static let open = Mutex<[Office]>([])

    /// Stops the server, the laptops' HTTP clients and, on PostgreSQL, drops the office's database.
    func close() async throws {
        server.stop()
        for client in clientsHTTP { try await client.shutdown() }
        clientsHTTP = []
        if let postgres {
            postgres.store.close()
            await postgres.database.drop(logger: .bench)
        }
    }

    /// Closes every office opened since the last call.
    static func closeAll() async {
        for office in open.withLock({ offices in defer { offices = [] }; return offices }) {
            try? await office.close()
        }
    }
}

/// An enrolled replica with its own HTTP connection.
struct Laptop: Sendable {
    let replica: Replica
    let transport: HTTPSyncTransport
    let professional: Professional
    /// The replica's folder.
    let directory: String

    @discardableResult
    func sync() async throws -> SyncReport { try await replica.sync(using: transport) }

    /// Records `count` writes (the journey mix, or notes only) on the clients given, in transactions of 1,000.
    func write(_ count: Int, on clients: [String], notesOnly: Bool = true, seed: UInt64 = 1) async throws {
        var text = NoteText(seed: seed)
        var done = 0
        while done < count {
            let size = min(1_000, count - done)
            let client = clients[(done / 1_000) % clients.count]
            let events = (0..<size).map { index in
                notesOnly ? CaseEvent.noteAdded(NoteContent(text: text.make(), behaviour: .jobSearch)) : text.event(done + index)
            }
            _ = try await replica.recordBulk(clientId: client, events)
            done += size
        }
    }
}
