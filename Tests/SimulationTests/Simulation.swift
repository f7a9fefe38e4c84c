import Casework
import ChangeLog
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import Replica
import SQLiteSupport
import SamenspelTestSupport
import Synchronization
import SyncProtocol
import SyncServer

/// One randomised history: a real server store, six replicas (one professional on two laptops), random
/// writes of every kind, random syncs through a faulty transport, replica crashes, server restarts, clients
/// moving between teams, skewed clocks on the laptops and on the administrator's host, backups and restores
/// of the server (with the operations journal replayed), and erasures of clients that some replicas held
/// earlier. ``run()`` ends with a quiet round and returns every broken invariant (empty when the history
/// converged).
actor Simulation {
    struct Device {
        let name: String
        let professional: Professional
        let teamId: String
        let directory: String
        let clock: SkewedClock
        let transport: FaultyTransport
        var replica: Replica
        /// Writes made here: change ids of revisions, and entity ids of creations.
        var revisions: [String] = []
        var creations: [String] = []
    }

    let seed: UInt64
    let steps: Int
    var random: SeededGenerator
    let folder: TemporaryDirectory
    let logger: Logger
    let server: SimulatedServer
    var store: any SyncStore { server.store }
    var teams: [TeamRecord] = []
    var clientTeams: [String: String] = [:]
    var devices: [Device] = []
    /// The administrator's host clock (sometimes days off) and the operations journal beside the database.
    let adminClock = SkewedClock(skew: 0)
    let journal: OperationsJournal
    /// The latest backup of the server, if one was taken.
    var backup: String?
    /// Clients erased, and the texts written about each client (to find in files after an erasure).
    var erased: Set<String> = []
    var texts: [String: [String]] = [:]
    /// The client of every write made (entity ids of creations, change ids of revisions).
    var about: [String: String] = [:]
    /// Writes made before the latest restore of the server.
    var beforeRestore: Set<String> = []
    /// Writes their author's replica removed with their client when the client left its caseload (it may
    /// come back later: these copies are gone all the same).
    var evicted: Set<String> = []
    var trace: [String] = []
    var remaining = 0
    /// Where the history is: set-up, a step, or the final quiet round (for a failure message).
    private(set) var stage = "set-up"
    /// What happened, counted over the history (to show the faults really occurred).
    var counts: [String: Int] = [:]

    init(seed: UInt64, steps: Int, backend: SimulatedServer.Backend = .sqlite) async throws {
        self.seed = seed
        self.steps = steps
        random = SeededGenerator(seed: seed)
        folder = try TemporaryDirectory("sim")
        journal = OperationsJournal(path: folder.appending("journal.jsonl"))
        var logger = Logger(label: "sim")
        logger.logLevel = .critical
        self.logger = logger
        server = try await SimulatedServer(backend, folder: folder, logger: logger)
    }

    var admin: Administration { Administration(store: store, journal: journal, wallMillis: adminClock.now) }

    /// Runs the history and returns the invariants it broke.
    func run() async throws -> [String] {
        do {
            let problems = try await runHistory()
            await server.close()
            folder.remove()
            return problems
        } catch {
            await server.close()
            folder.remove()
            throw error
        }
    }

    private func runHistory() async throws -> [String] {
        try await setUpDirectory()
        remaining = steps
        var first = true
        while remaining > 0 {
            let app = try await SyncServer.makeApplication(store: store, configuration: .init(), logger: logger)
            let enrollFirst = first
            let restore = try await app.test(.router) { client in
                try await self.epoch(client: client, enrollFirst: enrollFirst)
            }
            first = false
            if remaining > 0 {
                if restore, let backup {
                    try await restoreServer(from: backup)
                } else {
                    try await server.restart()  // a restarted server process
                    trace.append("server restarted")
                    counts["server restarts", default: 0] += 1
                }
            }
        }
        stage = "the final quiet round"
        let app = try await SyncServer.makeApplication(store: store, configuration: .init(), logger: logger)
        return try await app.test(.router) { client in try await self.quietRoundAndCheck(client: client) }
    }

    private func setUpDirectory() async throws {
        teams = [try await admin.createTeam(name: "A"), try await admin.createTeam(name: "B")]
        for (index, name) in ["Jaap", "Fatima", "Kees"].enumerated() {
            let team = teams[index == 2 ? 1 : 0].id
            let client = try await admin.createClient(name: name, teamId: team)
            clientTeams[client] = team
            texts[client] = [name]
        }
    }

    /// Runs steps until the server stops; returns whether it is to be restored from the backup.
    private func epoch(client: any TestClientProtocol, enrollFirst: Bool) async throws -> Bool {
        let base = RouterTransport(client: client)
        if enrollFirst { try await enrollDevices(base) }
        for index in devices.indices { devices[index].transport.connect(base) }
        while remaining > 0 {
            remaining -= 1
            stage = "step \(steps - remaining) of \(steps)"
            switch try await step() {
            case .next: continue
            case .restart: return false
            case .restore: return true
            }
        }
        return false
    }

    /// What `samenspel admin restore` does: the backup replaces the database, which gets a new restore epoch,
    /// and the operations journal redoes what the backup lacks (moves, erasures).
    private func restoreServer(from backup: String) async throws {
        for device in devices { device.transport.dropDelayed() }
        // Writes accepted before now that their author no longer holds — it removed the client when the
        // client moved out of its caseload, even if the client came back since — may be gone from the restored server, and no replica can send
        // them again: colleagues may hold copies, but only an author may push a write. That is the limit of
        // restoring from a backup (Deploy/README.md, Protocol/README.md property 25); the check below allows
        // for exactly that case.
        beforeRestore.formUnion(about.keys)
        // Read from the replicas themselves, not from sync reports: a sync that removed a client and then
        // failed on a later page reports nothing, but the copies are gone all the same.
        for device in devices {
            let held = Set(try await device.replica.clients().map(\.id))
            evicted.formUnion((device.creations + device.revisions).filter { !held.contains(about[$0] ?? "") })
        }
        try await server.restore(from: backup, at: adminClock.now())
        _ = try await store.renewEpoch()
        let replay = try await admin.reapply(journal)
        if !replay.failed.isEmpty { trace.append("restore could not redo: \(replay.failed)") }
        trace.append("server restored from its backup, \(replay.reapplied.count) operation(s) redone")
        counts["server restores", default: 0] += 1
        counts["operations redone after a restore", default: 0] += replay.reapplied.count
    }

    private func enrollDevices(_ base: RouterTransport) async throws {
        let day: Int64 = 86_400_000
        let people: [(String, Discipline, Int, [Int64])] = [
            ("Sanne", .clientManager, 0, [0, 3 * day]),  // two laptops, one three days fast
            ("Ahmed", .incomeConsultant, 0, [-2 * day]),  // two days slow
            ("Petra", .accountManager, 0, [7 * 60_000]),
            ("Olaf", .clientManager, 1, [0]),
            ("Ilse", .incomeConsultant, 1, [-40_000]),
        ]
        for (name, discipline, team, skews) in people {
            let professional = try await admin.createProfessional(name: name, discipline: discipline, teamIds: [teams[team].id])
            for (index, skew) in skews.enumerated() {
                let code = try await admin.issueEnrollmentCode(professionalId: professional.id)
                let transport = FaultyTransport(seed: random.next())
                transport.connect(base)
                let clock = SkewedClock(skew: skew)
                let directory = folder.appending("\(name)-\(index)")
                let replica = try await Replica.enroll(
                    in: directory, serverURL: "http://127.0.0.1:9", code: code, passphrase: TestPassphrase.text, cost: .lowest, transport: transport, wallMillis: clock.now)
                devices.append(Device(
                    name: "\(name)-\(index)", professional: professional, teamId: teams[team].id, directory: directory,
                    clock: clock, transport: transport, replica: replica))
            }
        }
    }

    enum Next { case next, restart, restore }

    /// One random action; says whether the server goes on, restarts, or is restored from its backup.
    private func step() async throws -> Next {
        let roll = Double.random(in: 0..<1, using: &random)
        let index = Int.random(in: 0..<devices.count, using: &random)
        switch roll {
        case ..<0.40:
            await write(on: index)
        case ..<0.70:
            await sync(index, faulty: Bool.random(using: &random))
        case ..<0.76:
            trace.append("\(devices[index].name) crashes and restarts")
            counts["replica crashes", default: 0] += 1
            devices[index].replica = try Replica(directory: devices[index].directory, passphrase: TestPassphrase.text, wallMillis: devices[index].clock.now)
        case ..<0.79:
            return .restart
        case ..<0.83:
            guard let client = clientTeams.keys.sorted().randomElement(using: &random) else { return .next }
            let target = teams.first { $0.id != clientTeams[client] }!.id
            trace.append("client \(client.suffix(4)) moves to team \(target == teams[0].id ? "A" : "B")")
            try await admin.moveClient(client, toTeam: target)
            counts["client moves", default: 0] += 1
            clientTeams[client] = target
        case ..<0.86:
            trace.append("delayed requests arrive")
            await devices[index].transport.deliverDelayed()
        case ..<0.88:
            let file = folder.appending("backup-\(steps - remaining).\(server.backend == .sqlite ? "sqlite" : "dump")")
            try await server.backup(to: file)
            backup = file
            trace.append("server backed up")
            counts["backups", default: 0] += 1
        case ..<0.90:
            guard backup != nil else { return .next }
            return .restore
        case ..<0.91:
            // Erase a client, keeping at least one to write about.
            guard clientTeams.count > 1, let client = clientTeams.keys.sorted().randomElement(using: &random) else {
                return .next
            }
            trace.append("client \(client.suffix(4)) is erased")
            _ = try await admin.eraseClient(client, reason: "AVG request")
            clientTeams[client] = nil
            erased.insert(client)
            counts["client erasures", default: 0] += 1
        case ..<0.93:
            // The administrator's host clock goes days fast, or slow, or right again.
            let day: Int64 = 86_400_000
            let skew = [-2 * day, 0, 0, 10 * day].randomElement(using: &random)!
            adminClock.advance(by: skew - (adminClock.now() - WallClock.millis()))
            trace.append("the administrator's clock is now \(skew / day) day(s) off")
            counts["admin clock skews", default: 0] += 1
        default:
            let millis = Int64.random(in: 1...3_600_000, using: &random)
            devices[index].clock.advance(by: millis)
        }
        return .next
    }

    private func sync(_ index: Int, faulty: Bool) async {
        let device = devices[index]
        device.transport.setFaults(
            faulty ? .init(drop: 0.1, loseResponse: 0.15, duplicate: 0.1, delay: 0.1, busy: 0.05) : .none)
        do {
            let report = try await device.replica.sync(using: device.transport)
            counts["syncs", default: 0] += 1
            if ProcessInfo.processInfo.environment["SAMENSPEL_SIM_DEBUG"] != nil { print("SYNC \(device.name): \(report)") }
            counts["changes pushed", default: 0] += report.pushed
            counts["writes rejected", default: 0] += report.rejected.count
            counts["writes re-stamped", default: 0] += report.restamped
            counts["clients removed", default: 0] += report.removedClients.count
            counts["clients repaired", default: 0] += report.repairedClients.count
            if !report.repairedClients.isEmpty, ProcessInfo.processInfo.environment["SAMENSPEL_SIM_DEBUG"] != nil {
                print("REPAIR seed \(seed) \(device.name)\n" + trace.suffix(12).joined(separator: "\n"))
            }
            trace.append("\(device.name) syncs: pushed \(report.pushed), pulled \(report.pulled), rejected \(report.rejected.count)"
                + report.rejected.map { " [\($0.change.id.suffix(6)) \($0.code)]" }.joined()
                + (report.duplicates > 0 ? ", \(report.duplicates) duplicate(s)" : "")
                + (report.waiting > 0 ? ", \(report.waiting) waiting" : "")
                + (report.serverRestored ? ", found the server restored" : "")
                + (report.removedClients.isEmpty ? "" : ", removed \(report.removedClients.map { $0.suffix(4) })"))
        } catch {
            trace.append("\(device.name) sync fails: \(error)")
            counts["failed syncs", default: 0] += 1
            if Bool.random(using: &random) {
                // Killed in the middle of the sync: a new process opens the same files.
                devices[index].replica = (try? Replica(directory: device.directory, passphrase: TestPassphrase.text, wallMillis: device.clock.now)) ?? device.replica
            }
        }
    }

    /// Every kind of write a replica can make; ``write(on:)`` picks one at random.
    enum WriteKind: String, CaseIterable {
        case noteAdd = "note.add", noteRevise = "note.revise", assessment = "assessment.record"
        case interventionStart = "intervention.start", interventionUpdate = "intervention.update"
        case contact = "client.setContact", goalAdd = "goal.add", goalUpdate = "goal.update"
        case agreementAdd = "agreement.add", agreementUpdate = "agreement.update"
        case signalAcknowledge = "signal.acknowledge"
        case clientView = "selfAssessment.record", referralAdd = "referral.add", referralAnswer = "referral.answer"
        case vacancyAdd = "vacancy.add", vacancyUpdate = "vacancy.update"

        /// Every kind, the revising ones three times: they need an entity to revise and are skipped without
        /// one, so drawn as often as creations they would be rare in a 60-step history (twice was not enough:
        /// a shard of 50 histories once wrote no `goal.update`, which the coverage check rightly failed).
        static let weighted: [WriteKind] = allCases + revising + revising
        static let revising: [WriteKind] = [
            .noteRevise, .interventionUpdate, .goalUpdate, .agreementUpdate, .vacancyUpdate, .signalAcknowledge,
        ]
    }

    /// One random write of a random kind. Creations are about a random client of the replica; updates and
    /// acknowledgements pick among every entity (or signal) the replica shows, so they happen often enough.
    private func write(on index: Int) async {
        let device = devices[index]
        let replica = device.replica
        var kind = WriteKind.weighted.randomElement(using: &random)!
        do {
            var journeys: [ClientJourney] = []
            for id in try await replica.clients().map(\.id).sorted() {
                journeys.append(try await replica.journey(clientId: id))
            }
            guard var client = journeys.randomElement(using: &random)?.client.id else { return }
            func pick<T>(_ items: (ClientJourney) -> [T]) -> (String, T)? {
                journeys.flatMap { journey in items(journey).map { (journey.client.id, $0) } }.randomElement(using: &random)
            }
            let mine = device.professional
            // Only one discipline may answer a referral, so a device holding one addressed to it answers it a
            // third of the time, whatever kind was drawn: otherwise answers (and concurrent ones) would be rare.
            if journeys.contains(where: { $0.referrals.contains { $0.to == mine.discipline } }),
                Int.random(in: 0..<3, using: &random) == 0
            {
                kind = .referralAnswer
            } else if journeys.contains(where: { !$0.forceField.signals.isEmpty }), Int.random(in: 0..<8, using: &random) == 0 {
                kind = .signalAcknowledge  // likewise: acknowledgements need a signal that fires now
            }
            let written = (devices[index].creations.count, devices[index].revisions.count)
            defer {
                // The client each new write is about (writes about erased clients are gone by design).
                for id in devices[index].creations.dropFirst(written.0) + devices[index].revisions.dropFirst(written.1) {
                    about[id] = client
                }
            }
            let determinant = Determinant.allCases.randomElement(using: &random)!
            let number = Int.random(in: 0..<1_000_000, using: &random)
            switch kind {
            case .noteAdd:
                let text = "note \(number) by \(device.name)\nsecond line"
                texts[client, default: []].append("note \(number) by \(device.name)")
                let visibility: NoteVisibility = Int.random(in: 0..<4, using: &random) == 0 ? .discipline : .team
                devices[index].creations.append(try await replica.addNote(
                    clientId: client,
                    NoteContent(text: text, behaviour: mine.discipline.focus, determinants: [determinant], visibility: visibility)))
            case .noteRevise:
                guard let (about, note) = pick({ $0.notes.filter { $0.by.id == mine.id } }) else { return }
                client = about
                devices[index].revisions.append(try await replica.reviseNote(noteId: note.id, text: "revised by \(device.name)"))
            case .assessment:
                let score: AssessmentScore = Bool.random(using: &random) ? .known(Int.random(in: 1...5, using: &random)) : .unknown
                devices[index].creations.append(try await replica.recordAssessment(
                    clientId: client, Assessment(determinant: determinant, score: score)))
            case .interventionStart:
                // Corrective interventions half the time: they raise force-field signals to acknowledge.
                let corrective = InterventionCatalogue.kinds.filter { $0.valence == .corrective }
                let entry = (Bool.random(using: &random) && !corrective.isEmpty ? corrective : InterventionCatalogue.kinds)
                    .randomElement(using: &random)!
                devices[index].creations.append(try await replica.startIntervention(
                    clientId: client,
                    InterventionPlan(kind: entry.code, valence: entry.valence, targets: entry.targets, behaviour: entry.behaviour)))
            case .interventionUpdate:
                guard let (about, intervention) = pick({ $0.interventions.filter { $0.discipline == mine.discipline } })
                else { return }
                client = about
                let status = InterventionStatus.allCases.randomElement(using: &random)!
                devices[index].revisions.append(try await replica.updateIntervention(
                    interventionId: intervention.id, status: status, targets: [determinant]))
            case .contact:
                let field = ContactField.allCases.randomElement(using: &random)!
                let value = Bool.random(using: &random) ? "\(field.rawValue) from \(device.name)" : nil
                devices[index].revisions.append(try await replica.setContact(clientId: client, field, to: value))
            case .goalAdd:
                let due = Bool.random(using: &random) ? CalendarDate("2026-0\(Int.random(in: 1...9, using: &random))-15") : nil
                devices[index].creations.append(try await replica.addGoal(
                    clientId: client,
                    SubGoal(
                        title: "goal \(number) by \(device.name)", behaviour: CoreBehaviour.allCases.randomElement(using: &random)!,
                        targets: [determinant], owner: Int.random(in: 0..<4, using: &random) == 0 ? .client : .discipline(mine.discipline),
                        due: due)))
            case .goalUpdate:
                // The plan is shared: any professional with the client may update any sub-goal.
                guard let (about, goal) = pick(\.plan.subGoals) else { return }
                client = about
                let status = GoalStatus.allCases.randomElement(using: &random)!
                let title = Bool.random(using: &random) ? "goal \(number) retitled by \(device.name)" : nil
                devices[index].revisions.append(try await replica.updateGoal(goalId: goal.id) { goal in
                    goal.status = status
                    if let title { goal.title = title }
                    goal.targets = Array(Set(goal.targets + [determinant])).sorted()
                })
            case .agreementAdd:
                texts[client, default: []].append("agreement \(number) by \(device.name)")
                let responsible: Responsible = Bool.random(using: &random) ? .client : .discipline(mine.discipline)
                devices[index].creations.append(try await replica.addAgreement(
                    clientId: client,
                    Agreement(
                        text: "agreement \(number) by \(device.name)", responsible: responsible,
                        due: CalendarDate("2026-1\(Int.random(in: 0...2, using: &random))-01"), behaviour: mine.discipline.focus)))
            case .agreementUpdate:
                guard let (about, agreement) = pick(\.plan.agreements) else { return }
                client = about
                let status = AgreementStatus.allCases.randomElement(using: &random)!
                let clearDue = Int.random(in: 0..<4, using: &random) == 0
                devices[index].revisions.append(try await replica.updateAgreement(agreementId: agreement.id) { agreement in
                    agreement.status = status
                    if clearDue { agreement.due = nil }
                })
            case .clientView:
                let score: AssessmentScore = Bool.random(using: &random) ? .known(Int.random(in: 1...5, using: &random)) : .unknown
                texts[client, default: []].append("own words \(number)")
                devices[index].creations.append(try await replica.recordClientView(
                    clientId: client, Assessment(determinant: determinant, score: score, explanation: "own words \(number)")))
            case .referralAdd:
                let to = Discipline.allCases.filter { $0 != mine.discipline }.randomElement(using: &random)!
                texts[client, default: []].append("referral \(number) by \(device.name)")
                devices[index].creations.append(try await replica.addReferral(
                    clientId: client, Referral(to: to, reason: "referral \(number) by \(device.name)")))
            case .referralAnswer:
                // Only the discipline referred to answers; two of its devices may answer at once (a conflict).
                guard let (about, referral) = pick({ $0.referrals.filter { $0.to == mine.discipline } }) else { return }
                client = about
                let answer = Bool.random(using: &random)
                    ? ReferralAnswer(status: .accepted) : ReferralAnswer(status: .declined, reason: "declined by \(device.name)")
                devices[index].revisions.append(try await replica.answerReferral(referralId: referral.id, answer))
            case .vacancyAdd:
                texts[client, default: []].append("employer \(number) of \(device.name)")
                devices[index].creations.append(try await replica.addVacancy(
                    clientId: client,
                    Vacancy(employer: "employer \(number) of \(device.name)", title: "order picker",
                            status: VacancyStatus.allCases.randomElement(using: &random)!)))
            case .vacancyUpdate:
                // Any professional with the client updates a vacancy, so concurrent updates conflict.
                guard let (about, vacancy) = pick(\.vacancies) else { return }
                client = about
                let status = VacancyStatus.allCases.randomElement(using: &random)!
                devices[index].revisions.append(try await replica.updateVacancy(vacancyId: vacancy.id) { $0.status = status })
            case .signalAcknowledge:
                // A signal this replica shows now (the replica refuses keys its journeys do not have).
                guard let (about, signal) = pick(\.forceField.signals) else { return }
                client = about
                devices[index].creations.append(try await replica.acknowledgeSignal(
                    clientId: client, key: signal.key, reason: "seen by \(device.name) (\(number))"))
            }
            counts["writes \(kind.rawValue)", default: 0] += 1
            trace.append("\(device.name) writes \(kind.rawValue) about \(client.suffix(4))")
        } catch {
            trace.append("\(device.name) write \(kind.rawValue) refused locally: \(error)")
        }
    }

    /// No more faults: delayed requests arrive, every replica syncs until quiet, then the invariants.
    private func quietRoundAndCheck(client: any TestClientProtocol) async throws -> [String] {
        let base = RouterTransport(client: client)
        for device in devices {
            device.transport.connect(base)
            device.transport.setFaults(.none)
            await device.transport.deliverDelayed()
        }
        var problems: [String] = []
        for round in 0..<3 {
            for device in devices {
                do {
                    let report = try await device.replica.sync(using: device.transport)
                    if ProcessInfo.processInfo.environment["SAMENSPEL_SIM_DEBUG"] != nil {
                        print("QUIET \(round) \(device.name): \(report)")
                    }
                } catch {
                    problems.append("round \(round): \(device.name) cannot sync without faults: \(error)")
                }
            }
        }
        problems += try await checkInvariants()
        counts["faults injected", default: 0] += devices.map(\.transport.injectedFaults).reduce(0, +)
        return problems
    }

    private func checkInvariants() async throws -> [String] {
        var problems: [String] = []
        let stored = try await server.loggedChanges()
        let logged = stored.map(\.change)
        var audience: [String: String] = [:]
        for (change, only) in stored { if let only { audience[change.id] = only } }
        var directory: [String: Professional] = [:]
        for record in try await store.professionals() { directory[record.professional.id] = record.professional }
        let onServer = Set(logged.map(\.id))
        if onServer.count != logged.count { problems.append("the server stored a change twice") }
        // Read a month on as well: the time-based signals (open referrals, old assessments) must agree too.
        let later = CalendarTime.startOfDay(millis: (logged.map(\.hlc.wallMillis).max() ?? 0) + 30 * 86_400_000)
        for (client, team) in clientTeams.sorted(by: { $0.key < $1.key }) {
            for device in devices {
                // What this device's discipline may read: everything but other disciplines' restricted notes.
                let visible = logged.filter { audience[$0.id].map { $0 == device.professional.discipline.rawValue } ?? true }
                let expected = JourneyProjection.project(clientId: client, changes: visible, directory: directory)
                    .canonicalJSON()
                let journey = try? await device.replica.journey(clientId: client)
                if device.teamId == team {
                    if journey?.canonicalJSON() != expected {
                        problems.append("\(device.name) shows a journey of \(client.suffix(4)) unlike the server's")
                    }
                    let read = try? await device.replica.journey(clientId: client, readAt: later)
                    let readExpected = JourneyProjection.project(
                        clientId: client, changes: visible, directory: directory, readAt: later)
                    if read?.canonicalJSON() != readExpected.canonicalJSON() {
                        problems.append("\(device.name) shows a journey of \(client.suffix(4)) read a month on unlike the server's")
                    }
                    // Search finds what the replica holds, with the words of the current versions only.
                    let found = Set((try? await device.replica.search("by", clientId: client, limit: 1000))?.hits.map(\.entityId) ?? [])
                    if found != Self.searchable(word: "by", in: visible.filter { $0.clientId == client }) {
                        problems.append("\(device.name) finds other writings about \(client.suffix(4)) than it holds")
                    }
                } else if journey != nil {
                    problems.append("\(device.name) still holds \(client.suffix(4)), which its team no longer has")
                }
            }
        }
        // Erased clients: only the tombstone on the server, nothing on any replica, no text in any file.
        for client in erased.sorted() {
            if logged.contains(where: { $0.clientId == client && $0.operation != "erase" }) {
                problems.append("the server holds changes of erased client \(client.suffix(4))")
            }
            for device in devices {
                if (try? await device.replica.journey(clientId: client)) != nil {
                    problems.append("\(device.name) still shows erased client \(client.suffix(4))")
                }
                let kept = try await device.replica.status().rejected.filter { $0.change.clientId == client }
                if kept.contains(where: { $0.change.payload != .object([:]) }) {
                    problems.append("\(device.name) keeps the content of a refused write about erased client \(client.suffix(4))")
                }
            }
            // The live files: the replicas', the server's data and the journal. (Backups, and the database a
            // restore put aside, hold what they held until they are deleted — as Deploy/README.md says.)
            var bytes = try Self.bytes(of: devices.map(\.directory))
            bytes.append(FileManager.default.contents(atPath: journal.path) ?? Data())
            for text in texts[client] ?? [] {
                if bytes.range(of: Data(text.utf8)) != nil {
                    problems.append("'\(text)' about erased client \(client.suffix(4)) is still in a file")
                }
                if try await server.holds(text) {
                    problems.append("'\(text)' about erased client \(client.suffix(4)) is still on the server")
                }
            }
        }
        for device in devices {
            let status = try await device.replica.status()
            if status.pendingChanges != 0 { problems.append("\(device.name) still has \(status.pendingChanges) pending") }
            for refused in status.rejected where refused.code == ErrorCode.clockAhead {
                problems.append("\(device.name) could not place \(refused.change.id.suffix(6)): its clock was dragged ahead")
            }
            let rejected = status.rejected.map(\.change)
            let rejectedIds = Set(rejected.map(\.id))
            for change in rejected where onServer.contains(change.id) {
                let reason = status.rejected.first { $0.change.id == change.id }!
                problems.append("\(device.name) lists stored change \(change.id.suffix(6)) (\(change.entityType).\(change.operation) about \(change.clientId.suffix(4)), hlc \(change.hlc)) as rejected: \(reason.code)")
            }
            // Gone by design: writes about erased clients, and writes from before a restore about a client
            // that has left the author's caseload (see restoreServer(from:)).
            func excused(_ id: String) -> Bool {
                let client = about[id] ?? ""
                return erased.contains(client)
                    || (beforeRestore.contains(id) && (clientTeams[client] != device.teamId || evicted.contains(id)))
            }
            for id in device.revisions where !onServer.contains(id) && !rejectedIds.contains(id) && !excused(id) {
                problems.append("\(device.name) lost revision \(id)")
            }
            let created = Set(logged.filter { $0.deviceId == status.identity.deviceId }.map(\.entityId))
                .union(rejected.map(\.entityId))
            for id in device.creations where !created.contains(id) && !excused(id) {
                problems.append("\(device.name) lost the creation of \(id)")
            }
        }
        return problems
    }

    /// The entities among `changes` whose current words (``CaseEvent/searchText(creation:heads:)``) have a word
    /// starting with `word`: what a replica holding exactly these changes must find.
    static func searchable(word: String, in changes: [Change]) -> Set<String> {
        var found: Set<String> = []
        for (entityId, revisions) in Dictionary(grouping: changes, by: \.entityId) {
            let events = Dictionary(uniqueKeysWithValues: revisions.map { ($0.id, (try? CaseEvent.decode($0)) ?? nil) })
            guard let creation = revisions.sorted(by: Change.displayOrder).first(where: { events[$0.id]??.createsEntity ?? false }),
                let creationEvent = events[creation.id] ?? nil
            else { continue }
            let heads = RevisionMerge.heads(
                of: revisions.map { Revision(id: $0.id, hlc: $0.hlc, supersedes: events[$0.id]??.supersedes ?? []) })
            let text = CaseEvent.searchText(creation: creationEvent, heads: heads.compactMap { events[$0.id] ?? nil }) ?? ""
            let words = text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            if words.contains(where: { $0.hasPrefix(word) }) { found.insert(entityId) }
        }
        return found
    }

    /// Every byte of the files in `folders` (databases with their write-ahead and shared-memory files).
    static func bytes(of folders: [String]) throws -> Data {
        var data = Data()
        for folder in folders {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
                data.append(FileManager.default.contents(atPath: folder + "/" + name) ?? Data())
            }
        }
        return data
    }

    /// The last actions, for a failure message.
    func recentTrace(_ count: Int) -> String {
        trace.suffix(count).joined(separator: "\n")
    }
}
