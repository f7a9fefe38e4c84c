public import Casework
public import ChangeLog
import Foundation
public import Logging
import NIOConcurrencyHelpers
import PostgresNIO
public import ServiceLifecycle
import SyncProtocol

/// The backend for organisations that outgrow one machine: several stateless server instances on one
/// PostgreSQL database.
///
/// The store is a `Service`: its connection pool runs while ``run()`` runs (in the server's service group,
/// or with ``withStore(url:logger:_:)`` for a command).
///
/// **No skipped change with several writers.** A sequence number taken inside a transaction becomes visible
/// at commit, and commits happen in any order: a puller could pass number 11 while 10 is still uncommitted,
/// and never see 10. Here every transaction that appends to the log first takes one transaction-scoped
/// advisory lock and holds it until it commits, so log positions are assigned *and* become visible in
/// order: whenever a position is visible, every lower position that will ever be visible already is.
/// (A rolled-back transaction leaves a gap, which nothing fills later.) Appends are serialised across
/// instances; reads are not.
public final class PostgresSyncStore: SyncStore, Service {
    let client: PostgresClient
    let logger: Logger
    let connections: ConnectionUse
    /// The key the audit log's hash chain is an HMAC under; without one, entries are chained by plain SHA-256.
    /// ``migrate()`` records in its file where the log from before the key ends.
    let auditKeys: AuditKeySource
    /// The key as its file holds it now (a rotation replaces the file).
    public var auditKey: AuditKey? { auditKeys.current }
    /// Audit entries of concurrent requests, written in shared transactions (`nil`: each in its own).
    let audits: GroupCommit<AuditEntry>?
    /// `host:port/database`, without credentials, for messages.
    public let target: String
    /// The master key and the client keys unwrapped so far.
    public let keyring: ClientKeyring
    /// Whether ``migrate()`` accepts a key store without keys for a log with sealed payloads (to put back its
    /// backup); refused otherwise.
    let keyStoreMayBeEmpty: Bool

    /// `host:port/database` of a PostgreSQL URL, without credentials, for messages.
    public static func target(of url: String) -> String {
        PostgresURL.redacted(url)
    }

    /// Creates a store for a database URL, `postgres://user:password@host:port/database`
    /// (`?sslmode=require` for TLS), opening at most `maxConnections` connections. The pool starts when
    /// ``run()`` runs; ``migrate()`` creates the schema. Payloads are sealed under client keys kept in the
    /// schema `samenspel_keys`, wrapped by `masterKey`: every instance on the database needs the same.
    /// Audit entries of concurrent requests share a
    /// transaction, at most `auditBatch` of them (1: each entry in a transaction of its own, as before).
    public init(
        url: String, maxConnections: Int = 20, logger: Logger, masterKey: MasterKey, auditKey: AuditKey? = nil,
        keyStoreMayBeEmpty: Bool = false, limits: SessionLimits = SessionLimits(), auditBatch: Int = 500
    ) throws {
        keyring = ClientKeyring(master: masterKey)
        self.keyStoreMayBeEmpty = keyStoreMayBeEmpty
        audits = auditBatch > 1 ? GroupCommit(maxBatch: auditBatch) : nil
        guard maxConnections >= 1 else {
            throw StoreError(code: .invalidInput, message: "the PostgreSQL pool needs at least one connection")
        }
        var configuration = try PostgresURL.configuration(from: url)
        configuration.options.maximumConnections = maxConnections
        configuration.options.additionalStartupParameters = limits.parameters
        // PostgresNIO logs every failed connection attempt at info level; the store reports unavailability.
        var poolLogger = logger
        poolLogger.logLevel = max(logger.logLevel, .notice)
        self.client = PostgresClient(configuration: configuration, backgroundLogger: poolLogger)
        self.target = Self.target(of: url)
        self.logger = logger
        self.connections = ConnectionUse(capacity: maxConnections)
        self.auditKeys = AuditKeySource(auditKey)
    }

    /// Limits set on every connection of the pool, so that nothing holds the log lock for long.
    public struct SessionLimits: Sendable {
        /// `lock_timeout`: a push that waits longer for the log lock (normally held for milliseconds) gives
        /// up with `unavailable` (503, retried by the laptop) instead of queueing behind a stuck writer.
        public var lockTimeoutSeconds: Int
        /// `statement_timeout`: no statement of a request runs longer (a page read, an erasure).
        public var statementTimeoutSeconds: Int
        /// `idle_in_transaction_session_timeout`: a connection left idle inside a transaction (a hung
        /// instance) is closed by PostgreSQL, releasing the locks it held.
        public var idleInTransactionSeconds: Int

        /// Creates limits: by default 10 s to wait for a lock, 60 s per statement, 60 s idle in a transaction.
        public init(lockTimeoutSeconds: Int = 10, statementTimeoutSeconds: Int = 60, idleInTransactionSeconds: Int = 60) {
            self.lockTimeoutSeconds = lockTimeoutSeconds
            self.statementTimeoutSeconds = statementTimeoutSeconds
            self.idleInTransactionSeconds = idleInTransactionSeconds
        }

        var parameters: [(String, String)] {
            [
                // The push checks under the log lock what was appended since it read its facts: each statement
                // must see what committed before it (not a snapshot from the transaction's start).
                ("default_transaction_isolation", "read committed"),
                ("lock_timeout", "\(lockTimeoutSeconds)s"), ("statement_timeout", "\(statementTimeoutSeconds)s"),
                ("idle_in_transaction_session_timeout", "\(idleInTransactionSeconds)s"),
            ]
        }
    }

    /// Runs the connection pool until cancelled.
    public func run() async {
        await client.run()
    }

    /// Runs the connection pool in a task of its own and returns it once that task has started, so that the
    /// caller leases connections only after ``run()`` was called (before, PostgresNIO warns). Cancel the task
    /// to stop the pool.
    public func runInBackground() async -> Task<Void, Never> {
        let (started, signal) = AsyncStream<Void>.makeStream()
        let pool = Task {
            signal.finish()
            await run()
        }
        for await _ in started {}
        return pool
    }

    /// Applies the schema migrations this build knows and the database lacks.
    public func migrate() async throws {
        try await connected { connection in try await PostgresSchema.migrate(on: connection, logger: self.logger) }
        do {
            try await checkKeyStore()
        } catch {
            let master = keyring.master
            // A master key file made just now for a key store made under another is a wrong path, not a start.
            if master.created, case .file(let path) = master.source { try? FileManager.default.removeItem(atPath: path) }
            throw error
        }
        if let key = auditKey, key.created {
            let keyed = try await connected { connection in
                try await connection.query(PostgresQuery(unsafeSQL: AuditChain.keyedLogQuery), logger: self.logger)
                    .decode(Bool.self).first(where: { _ in true }) ?? false
            }
            if keyed { throw key.discardCreated(reason: "the audit log in \(target) is chained under a key") }
        }
        if let key = auditKey, key.legacyUntil == nil {
            let last = try await connected { connection in
                try await connection.query("SELECT coalesce(max(seq), 0) FROM audit_log", logger: self.logger)
                    .decode(Int64.self).first(where: { _ in true }) ?? 0
            }
            let recorded = key.recordingLegacyBoundary(last)
            auditKeys.replace(with: recorded)
        }
    }

    /// Runs `body` with a migrated store whose pool runs meanwhile, then stops the pool.
    public static func withStore<T: Sendable>(
        url: String, maxConnections: Int = 4, logger: Logger, masterKey: MasterKey, auditKey: AuditKey? = nil,
        keyStoreMayBeEmpty: Bool = false, _ body: @Sendable (PostgresSyncStore) async throws -> T
    ) async throws -> T {
        let store = try PostgresSyncStore(
            url: url, maxConnections: maxConnections, logger: logger, masterKey: masterKey, auditKey: auditKey,
            keyStoreMayBeEmpty: keyStoreMayBeEmpty)
        let pool = await store.runInBackground()
        let result: Result<T, any Error>
        do {
            try await store.migrate()
            result = .success(try await body(store))
        } catch {
            result = .failure(error)
        }
        // The pool closes its connections before the command goes on (or the process ends).
        pool.cancel()
        await pool.value
        return try result.get()
    }

    public func status(activeSince: Int64) async throws -> StoreStatus {
        let (applied, active) = try await connected { connection in
            var applied: Set<String> = []
            for try await version in try await connection.query(
                "SELECT version FROM schema_migrations", logger: self.logger
            ).decode(String.self) {
                applied.insert(version)
            }
            let active = try await connection.query(
                "SELECT count(*) FROM devices WHERE revoked_at IS NULL AND last_seen_at >= \(activeSince)",
                logger: self.logger
            ).decode(Int64.self).first(where: { _ in true }) ?? 0
            return (applied, Int(active))
        }
        return StoreStatus(
            backend: "postgresql", missingMigrations: PostgresSchema.migrations.map(\.0).filter { !applied.contains($0) },
            activeDevices: active, connectionsInUse: connections.current, connectionsMax: connections.capacity,
            logLockWaits: connections.lockWaits)
    }

    // MARK: - Directory

    public func createTeam(_ team: TeamRecord) async throws {
        _ = try await connected { connection in
            try await connection.query(
                "INSERT INTO teams (id, name, created_at) VALUES (\(team.id), \(team.name), \(team.createdAt))",
                logger: self.logger)
        }
    }

    public func createProfessional(_ professional: Professional, teamIds: [String], createdAt: Int64) async throws {
        try await transaction { connection in
            for teamId in Set(teamIds) where try await !Self.exists(connection, "teams", teamId, logger: self.logger) {
                throw StoreError(code: .notFound, message: "no team with id \(teamId)")
            }
            try await connection.query(
                """
                INSERT INTO professionals (id, name, discipline, created_at)
                VALUES (\(professional.id), \(professional.name), \(professional.discipline.rawValue), \(createdAt))
                """, logger: self.logger)
            for teamId in Set(teamIds) {
                try await connection.query(
                    "INSERT INTO memberships (professional_id, team_id) VALUES (\(professional.id), \(teamId))",
                    logger: self.logger)
            }
        }
    }

    public func registerClient(_ client: ClientRecord, registration: Change) async throws {
        try await createClientKeys([client.id])
        try await transaction { connection in
            guard try await Self.exists(connection, "teams", client.teamId, logger: self.logger) else {
                throw StoreError(code: .notFound, message: "no team with id \(client.teamId)")
            }
            try await self.lockLog(connection)
            try await connection.query(
                "INSERT INTO clients (id, team_id, created_at) VALUES (\(client.id), \(client.teamId), \(client.createdAt))",
                logger: self.logger)
            try await connection.query(
                "INSERT INTO client_teams (client_id, team_id, from_hlc, to_hlc) VALUES (\(client.id), \(client.teamId), NULL, NULL)",
                logger: self.logger)
            try await self.insert([registration], receivedAt: client.createdAt, visibleTo: { _ in nil }, connection)
        }
    }

    public func moveClient(_ clientId: String, toTeam teamId: String, change: Change) async throws {
        try await transaction { connection in
            try await self.lockLog(connection)
            guard
                let (current, erasedAt) = try await connection.query(
                    "SELECT team_id, erased_at FROM clients WHERE id = \(clientId)", logger: self.logger
                ).decode((String, Int64?).self).first(where: { _ in true })
            else { throw StoreError(code: .notFound, message: "no client with id \(clientId)") }
            guard erasedAt == nil else { throw StoreError.erased(clientId) }
            guard try await Self.exists(connection, "teams", teamId, logger: self.logger) else {
                throw StoreError(code: .notFound, message: "no team with id \(teamId)")
            }
            guard current != teamId else {
                throw StoreError(code: .invalidInput, message: "the client is already in team \(teamId)")
            }
            let hlc = change.hlc.description
            let seq = try await self.insert([change], receivedAt: change.hlc.wallMillis, visibleTo: { _ in nil }, connection)[0]
            try await connection.query(
                """
                UPDATE client_teams SET to_hlc = \(hlc), to_seq = \(seq) WHERE client_id = \(clientId) AND to_hlc IS NULL
                """, logger: self.logger)
            try await connection.query(
                "INSERT INTO client_teams (client_id, team_id, from_hlc, to_hlc) VALUES (\(clientId), \(teamId), \(hlc), NULL)",
                logger: self.logger)
            try await connection.query("UPDATE clients SET team_id = \(teamId) WHERE id = \(clientId)", logger: self.logger)
            try await connection.query(
                """
                INSERT INTO scope_events (seq, client_id, from_team, to_team)
                VALUES (\(seq), \(clientId), \(current), \(teamId))
                """, logger: self.logger)
        }
    }

    public func teams() async throws -> [TeamRecord] {
        try await connected { connection in
            var teams: [TeamRecord] = []
            for try await (id, name, createdAt) in try await connection.query(
                "SELECT id, name, created_at FROM teams ORDER BY name COLLATE \"C\", id", logger: self.logger
            ).decode((String, String, Int64).self) {
                teams.append(TeamRecord(id: id, name: name, createdAt: createdAt))
            }
            return teams
        }
    }

    public func professionals() async throws -> [ProfessionalRecord] {
        try await connected { connection in
            var records: [ProfessionalRecord] = []
            for try await (id, name, discipline, teams) in try await connection.query(
                """
                SELECT p.id, p.name, p.discipline, coalesce(string_agg(m.team_id, ',' ORDER BY m.team_id), '')
                FROM professionals p LEFT JOIN memberships m ON m.professional_id = p.id
                GROUP BY p.id ORDER BY p.name COLLATE "C", p.id
                """, logger: self.logger
            ).decode((String, String, String, String).self) {
                records.append(ProfessionalRecord(
                    professional: try Self.professional(id, name, discipline),
                    teamIds: teams.split(separator: ",").map(String.init)))
            }
            return records
        }
    }

    public func clients() async throws -> [ClientRecord] {
        try await connected { connection in
            typealias ClientRow = (String, String, Int64, Int64?, String?, String?)
            var rows: [ClientRow] = []
            for try await row in try await connection.query(
                """
                SELECT c.id, c.team_id, c.created_at, c.erased_at, r.id, r.payload FROM clients c
                LEFT JOIN changes r ON r.client_id = c.id AND r.entity_type = 'client' AND r.operation = 'register'
                ORDER BY c.created_at, c.id
                """, logger: self.logger
            ).decode(ClientRow.self) {
                rows.append(row)
            }
            let registrations = rows.compactMap { row in
                row.4.flatMap { id in row.5.map { (id: id, clientId: row.0, payload: $0) } }
            }
            // A client whose key was destroyed (erased, in a log restored from before the erasure, until it is
            // done again) has no readable name.
            let keys = try await self.clientKeys(
                registrations.filter { ClientKeyring.isSealed($0.payload) }.map(\.clientId), connection, skippingUnusable: true)
            // (Nor one whose key the key store lacks or cannot open: `admin keys status` lists those.)
            let readable = registrations.filter { !ClientKeyring.isSealed($0.payload) || (keys[$0.clientId] ?? nil) != nil }
            var names = Dictionary(uniqueKeysWithValues: zip(
                readable.map(\.clientId),
                try await self.openedPayloads(readable, connection).map { CaseworkRules.registeredName(payloadText: $0) }))
            return rows.map { id, team, createdAt, erasedAt, _, _ in
                ClientRecord(id: id, teamId: team, createdAt: createdAt, erasedAt: erasedAt, name: names.removeValue(forKey: id) ?? nil)
            }
        }
    }

    // MARK: - Enrollment and devices

    public func saveEnrollmentCode(hash: String, professionalId: String, createdAt: Int64, expiresAt: Int64) async throws {
        try await transaction { connection in
            guard try await Self.exists(connection, "professionals", professionalId, logger: self.logger) else {
                throw StoreError(code: .notFound, message: "no professional with id \(professionalId)")
            }
            try await connection.query(
                """
                INSERT INTO enrollment_codes (code_hash, professional_id, created_at, expires_at)
                VALUES (\(hash), \(professionalId), \(createdAt), \(expiresAt))
                """, logger: self.logger)
        }
    }

    public func redeemEnrollmentCode(hash: String, device: NewDevice, now: Int64) async throws -> Professional? {
        try await transaction { connection -> Professional? in
            // The row lock makes a code usable once, also when two instances receive it at the same moment.
            let rows = try await connection.query(
                """
                SELECT p.id, p.name, p.discipline FROM enrollment_codes c JOIN professionals p ON p.id = c.professional_id
                WHERE c.code_hash = \(hash) AND c.used_at IS NULL AND c.expires_at > \(now) FOR UPDATE OF c
                """, logger: self.logger)
            guard let (id, name, discipline) = try await rows.decode((String, String, String).self).first(where: { _ in true })
            else { return nil }
            let professional = try Self.professional(id, name, discipline)
            try await connection.query(
                "UPDATE enrollment_codes SET used_at = \(now), device_id = \(device.id) WHERE code_hash = \(hash)",
                logger: self.logger)
            try await self.addDevice(device, professionalId: professional.id, enrolledAt: now, lastSeenAt: now, connection)
            return professional
        }
    }

    public func restoreDevice(_ device: NewDevice, professionalId: String, enrolledAt: Int64, codeHash: String?)
        async throws -> Bool
    {
        try await transaction { connection -> Bool in
            guard try await !Self.exists(connection, "devices", device.id, logger: self.logger) else { return false }
            guard try await Self.exists(connection, "professionals", professionalId, logger: self.logger) else {
                throw StoreError(code: .notFound, message: "no professional with id \(professionalId)")
            }
            try await self.addDevice(device, professionalId: professionalId, enrolledAt: enrolledAt, lastSeenAt: nil, connection)
            // A code spent after the backup stays spent.
            try await connection.query(
                """
                UPDATE enrollment_codes SET used_at = \(enrolledAt), device_id = \(device.id)
                WHERE code_hash = \(codeHash) AND used_at IS NULL
                """, logger: self.logger)
            return true
        }
    }

    /// Creates a device that has seen the log up to its current end. The log lock makes that end exact: no
    /// move or erasure can commit between reading it and the device's creation.
    private func addDevice(
        _ device: NewDevice, professionalId: String, enrolledAt: Int64, lastSeenAt: Int64?, _ connection: PostgresConnection
    ) async throws {
        try await lockLog(connection)
        let end = try await Self.logEnd(connection, logger: logger)
        try await connection.query(
            """
            INSERT INTO devices (id, professional_id, name, token_hash, enrolled_at, last_seen_at, enrolled_seq)
            VALUES (\(device.id), \(professionalId), \(device.name), \(device.tokenHash), \(enrolledAt), \(lastSeenAt), \(end))
            """, logger: logger)
    }

    public func authenticate(tokenHash: String, now: Int64) async throws -> Authentication? {
        try await connected { connection in
            let rows = try await connection.query(
                """
                SELECT d.id, d.last_seen_at, d.revoked_at, p.id, p.name, p.discipline
                FROM devices d JOIN professionals p ON p.id = d.professional_id WHERE d.token_hash = \(tokenHash)
                """, logger: self.logger)
            guard
                let (deviceId, lastSeen, revoked, id, name, discipline) = try await rows.decode(
                    (String, Int64?, Int64?, String, String, String).self
                ).first(where: { _ in true })
            else { return nil }
            if revoked != nil { return .revoked(deviceId: deviceId) }
            let professional = try Self.professional(id, name, discipline)
            var teams: Set<String> = []
            for try await team in try await connection.query(
                "SELECT team_id FROM memberships WHERE professional_id = \(professional.id)", logger: self.logger
            ).decode(String.self) {
                teams.insert(team)
            }
            if (lastSeen ?? 0) < now - 60_000 {
                try await connection.query("UPDATE devices SET last_seen_at = \(now) WHERE id = \(deviceId)", logger: self.logger)
            }
            return .valid(Principal(deviceId: deviceId, professional: professional, teamIds: teams))
        }
    }

    public func devices() async throws -> [DeviceRecord] {
        try await connected { connection in
            var devices: [DeviceRecord] = []
            for try await (deviceId, deviceName, enrolled, seen, revoked, id, name, discipline) in try await connection.query(
                """
                SELECT d.id, d.name, d.enrolled_at, d.last_seen_at, d.revoked_at, p.id, p.name, p.discipline
                FROM devices d JOIN professionals p ON p.id = d.professional_id ORDER BY d.enrolled_at, d.id
                """, logger: self.logger
            ).decode((String, String?, Int64, Int64?, Int64?, String, String, String).self) {
                devices.append(DeviceRecord(
                    id: deviceId, professional: try Self.professional(id, name, discipline), name: deviceName,
                    enrolledAt: enrolled, lastSeenAt: seen, revokedAt: revoked))
            }
            return devices
        }
    }

    public func revokeDevice(_ deviceId: String, at: Int64) async throws -> Bool {
        try await transaction { connection -> Bool in
            let rows = try await connection.query(
                "SELECT revoked_at FROM devices WHERE id = \(deviceId) FOR UPDATE", logger: self.logger)
            guard let revoked = try await rows.decode(Int64?.self).first(where: { _ in true }) else { return false }
            guard revoked == nil else {
                throw StoreError(code: .invalidInput, message: "device \(deviceId) was revoked before")
            }
            try await connection.query("UPDATE devices SET revoked_at = \(at) WHERE id = \(deviceId)", logger: self.logger)
            return true
        }
    }

    // MARK: - Helpers

    /// Takes the log's advisory lock until the transaction ends (see the type's documentation).
    /// Takes the log lock for the rest of the transaction, counting how long it waited.
    func lockLog(_ connection: PostgresConnection) async throws {
        let started = ContinuousClock.now
        try await PostgresSchema.takeLock("pg_advisory_xact_lock", PostgresSchema.logLock, connection, logger: logger)
        connections.lockWaited(ContinuousClock.now - started)
    }

    /// Appends changes in their order (the log lock must be held) and adds them to their clients' digests, in
    /// four statements whatever their number: positions are drawn from the sequence in one query, the rows
    /// go in as arrays (payloads sealed), and each client's digest is updated once. Returns the positions, in
    /// order.
    @discardableResult
    func insert(
        _ changes: [Change], receivedAt: Int64, visibleTo: (Change) -> String?, _ connection: PostgresConnection
    ) async throws -> [Int64] {
        guard !changes.isEmpty else { return [] }
        let payloads = try await storedPayloads(changes, connection)
        // Drawn in one query, handed out in ascending order: the log's order is the order of `changes`.
        var seqs: [Int64] = []
        for try await seq in try await connection.query(
            "SELECT nextval('change_positions') FROM generate_series(1, \(changes.count))", logger: logger
        ).decode(Int64.self) {
            seqs.append(seq)
        }
        seqs.sort()
        // NULL travels as '' (no id, type or discipline is empty).
        let audiences = changes.map { visibleTo($0) ?? "" }
        try await connection.query(
            """
            INSERT INTO changes (seq, id, client_id, entity_type, entity_id, operation, payload, hlc, author_id,
                author_discipline, device_id, received_at, visible_to)
            SELECT seq, id, client_id, entity_type, entity_id, operation, payload, hlc, author_id,
                NULLIF(author_discipline, ''), device_id, \(receivedAt), NULLIF(visible_to, '')
            FROM unnest(\(seqs)::bigint[], \(changes.map(\.id))::text[], \(changes.map(\.clientId))::text[],
                \(changes.map(\.entityType))::text[], \(changes.map(\.entityId))::text[], \(changes.map(\.operation))::text[],
                \(payloads)::text[], \(changes.map(\.hlc.description))::text[],
                \(changes.map(\.authorId))::text[], \(changes.map { $0.authorDiscipline ?? "" })::text[],
                \(changes.map(\.deviceId))::text[], \(audiences)::text[])
                AS batch(seq, id, client_id, entity_type, entity_id, operation, payload, hlc, author_id,
                    author_discipline, device_id, visible_to)
            """, logger: logger)
        // One digest update per client and audience: the count and the XOR of the changes' hashes.
        struct Key: Hashable { let client: String, audience: String }
        var digests: [Key: (count: Int64, digest: Int64)] = [:]
        for (change, audience) in zip(changes, audiences) {
            let key = Key(client: change.clientId, audience: audience)
            let known = digests[key] ?? (0, 0)
            digests[key] = (known.count + 1, known.digest ^ ChangeSetDigest.storedHash(of: change.id))
        }
        let keys = Array(digests.keys)
        try await connection.query(
            """
            INSERT INTO client_digests (client_id, audience, change_count, digest)
            SELECT * FROM unnest(\(keys.map(\.client))::text[], \(keys.map(\.audience))::text[],
                \(keys.map { digests[$0]!.count })::bigint[], \(keys.map { digests[$0]!.digest })::bigint[])
            ON CONFLICT (client_id, audience) DO UPDATE
            SET change_count = client_digests.change_count + excluded.change_count,
                digest = client_digests.digest # excluded.digest
            """, logger: logger)
        return seqs
    }

    static func exists(_ connection: PostgresConnection, _ table: String, _ id: String, logger: Logger) async throws -> Bool {
        let query = PostgresQuery(unsafeSQL: "SELECT 1 FROM \(table) WHERE id = $1", binds: try Self.binds([id]))
        return try await connection.query(query, logger: logger).decode(Int.self).first(where: { _ in true }) != nil
    }

    static func binds(_ values: [String]) throws -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values { bindings.append(value) }
        return bindings
    }

    static func professional(_ id: String, _ name: String, _ discipline: String) throws -> Professional {
        guard let discipline = Discipline(rawValue: discipline) else {
            throw StoreError(code: .corrupt, message: "stored professional has an unknown discipline")
        }
        return Professional(id: id, name: name, discipline: discipline)
    }
}

/// Reads `postgres://user:password@host:port/database?sslmode=…` into a client configuration.
enum PostgresURL {
    /// `host:port/database` of a URL, without user or password.
    static func redacted(_ url: String) -> String {
        guard let components = URLComponents(string: url) else { return "(unparsable URL)" }
        return "\(components.host ?? "?"):\(components.port ?? 5432)\(components.path)"
    }

    static func configuration(from url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty
        else {
            throw StoreError(code: .invalidInput, message: "the PostgreSQL URL must look like postgres://user:password@host:5432/database")
        }
        let database = String(components.path.drop { $0 == "/" })
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS
        switch mode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw StoreError(code: .invalidInput, message: "unknown sslmode \(mode)")
        }
        let configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: database.isEmpty ? nil : database, tls: tls)
        return configuration
    }
}
