public import Casework
public import ChangeLog
import Foundation
import GRDB
import SQLiteSupport

/// The embedded default backend: one SQLite file (WAL) in the server's data folder.
///
/// The log position is the `changes.seq` rowid. SQLite has one writer at a time, so positions become
/// visible in the order they are assigned, and a pull never passes a position whose change commits later.
public final class SQLiteSyncStore: SyncStore {
    /// The file name of the database inside the data folder.
    public static let fileName = "samenspel-server.sqlite"

    let pool: DatabasePool

    /// Opens (creating and migrating if needed) the store in `directory`.
    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        pool = try DatabaseFile.openPool(at: directory + "/" + Self.fileName, label: "samenspel.server")
        try SQLiteSchema.migrator.migrate(pool)
    }

    public func createTeam(_ team: TeamRecord) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO teams (id, name, created_at) VALUES (?, ?, ?)",
                arguments: [team.id, team.name, team.createdAt])
        }
    }

    public func createProfessional(_ professional: Professional, teamIds: [String], createdAt: Int64) async throws {
        try await pool.write { db in
            for teamId in teamIds where try !Self.exists(db, table: "teams", id: teamId) {
                throw StoreError(code: "notFound", message: "no team with id \(teamId)")
            }
            try db.execute(
                sql: "INSERT INTO professionals (id, name, discipline, created_at) VALUES (?, ?, ?, ?)",
                arguments: [professional.id, professional.name, professional.discipline.rawValue, createdAt])
            for teamId in Set(teamIds) {
                try db.execute(
                    sql: "INSERT INTO memberships (professional_id, team_id) VALUES (?, ?)",
                    arguments: [professional.id, teamId])
            }
        }
    }

    public func registerClient(_ client: ClientRecord, registration: Change) async throws {
        try await pool.write { db in
            guard try Self.exists(db, table: "teams", id: client.teamId) else {
                throw StoreError(code: "notFound", message: "no team with id \(client.teamId)")
            }
            try db.execute(
                sql: "INSERT INTO clients (id, team_id, created_at) VALUES (?, ?, ?)",
                arguments: [client.id, client.teamId, client.createdAt])
            try Self.insert(registration, receivedAt: client.createdAt, db: db)
        }
    }

    public func teams() async throws -> [TeamRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, created_at FROM teams ORDER BY name, id").map {
                TeamRecord(id: $0["id"], name: $0["name"], createdAt: $0["created_at"])
            }
        }
    }

    public func professionals() async throws -> [ProfessionalRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.id, p.name, p.discipline, group_concat(m.team_id) AS teams
                    FROM professionals p LEFT JOIN memberships m ON m.professional_id = p.id
                    GROUP BY p.id ORDER BY p.name, p.id
                    """
            ).map { row in
                let teams: String? = row["teams"]
                return ProfessionalRecord(
                    professional: try Self.professional(row),
                    teamIds: (teams ?? "").split(separator: ",").map(String.init).sorted())
            }
        }
    }

    public func clients() async throws -> [ClientRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, team_id, created_at FROM clients ORDER BY created_at, id").map {
                ClientRecord(id: $0["id"], teamId: $0["team_id"], createdAt: $0["created_at"])
            }
        }
    }

    public func saveEnrollmentCode(hash: String, professionalId: String, createdAt: Int64, expiresAt: Int64)
        async throws
    {
        try await pool.write { db in
            guard try Self.exists(db, table: "professionals", id: professionalId) else {
                throw StoreError(code: "notFound", message: "no professional with id \(professionalId)")
            }
            try db.execute(
                sql: """
                    INSERT INTO enrollment_codes (code_hash, professional_id, created_at, expires_at)
                    VALUES (?, ?, ?, ?)
                    """,
                arguments: [hash, professionalId, createdAt, expiresAt])
        }
    }

    public func redeemEnrollmentCode(hash: String, device: NewDevice, now: Int64) async throws -> Professional? {
        try await pool.write { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT p.id, p.name, p.discipline FROM enrollment_codes c
                        JOIN professionals p ON p.id = c.professional_id
                        WHERE c.code_hash = ? AND c.used_at IS NULL AND c.expires_at > ?
                        """,
                    arguments: [hash, now])
            else { return nil }
            let professional = try Self.professional(row)
            try db.execute(
                sql: "UPDATE enrollment_codes SET used_at = ?, device_id = ? WHERE code_hash = ?",
                arguments: [now, device.id, hash])
            try db.execute(
                sql: """
                    INSERT INTO devices (id, professional_id, name, token_hash, enrolled_at, last_seen_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [device.id, professional.id, device.name, device.tokenHash, now, now])
            return professional
        }
    }

    public func principal(tokenHash: String, now: Int64) async throws -> Principal? {
        let found = try await pool.read { db -> (Principal, Int64?)? in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT d.id AS device_id, d.last_seen_at, p.id, p.name, p.discipline
                        FROM devices d JOIN professionals p ON p.id = d.professional_id
                        WHERE d.token_hash = ? AND d.revoked_at IS NULL
                        """,
                    arguments: [tokenHash])
            else { return nil }
            let professional = try Self.professional(row)
            let teams = try String.fetchAll(
                db, sql: "SELECT team_id FROM memberships WHERE professional_id = ?", arguments: [professional.id])
            return (Principal(deviceId: row["device_id"], professional: professional, teamIds: Set(teams)),
                    row["last_seen_at"])
        }
        guard let (principal, lastSeen) = found else { return nil }
        if (lastSeen ?? 0) < now - 60_000 {
            // At most one write a minute per device, so authentication stays a read on the hot path.
            try await pool.write { db in
                try db.execute(
                    sql: "UPDATE devices SET last_seen_at = ? WHERE id = ?", arguments: [now, principal.deviceId])
            }
        }
        return principal
    }

    public func push(_ changes: [Change], receivedAt: Int64, planner: @Sendable (PushFacts) -> PushPlan)
        async throws -> PushPlan
    {
        try await pool.write { db in
            let plan = planner(try Self.facts(for: changes, db: db))
            for change in plan.accepted {
                try Self.insert(change, receivedAt: receivedAt, db: db)
            }
            return plan
        }
    }

    public func pull(for principal: Principal, after position: Int64, limit: Int) async throws -> StoredPage {
        try await pool.read { db in
            let end = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'changes'") ?? 0
            guard position <= end else {
                throw StoreError(code: "invalidCursor", message: "the cursor is beyond the end of this server's log")
            }
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT seq, \(ChangeRow.columns) FROM changes
                        WHERE seq > ? AND client_id IN (
                            SELECT c.id FROM clients c JOIN memberships m ON m.team_id = c.team_id
                            WHERE m.professional_id = ?)
                        ORDER BY seq LIMIT ?
                        """),
                arguments: [position, principal.professional.id, limit + 1])
            let page = rows.prefix(limit)
            let last: Int64 = page.last?["seq"] ?? position
            let changes = try page.map(ChangeRow.decode).filter { $0.deviceId != principal.deviceId }
            let authorIds = Set(changes.map(\.authorId))
            let professionals = try Self.professionals(ids: authorIds, db: db)
            return StoredPage(
                changes: changes, position: last, hasMore: rows.count > limit, professionals: professionals)
        }
    }

    public func latestTimestamp() async throws -> HLCTimestamp {
        try await pool.read { db in
            let text = try String.fetchOne(db, sql: "SELECT max(hlc) FROM changes")
            return text.flatMap { HLCTimestamp($0) } ?? .zero
        }
    }

    // MARK: - Helpers

    private static func insert(_ change: Change, receivedAt: Int64, db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT INTO changes (\(ChangeRow.columns), received_at) VALUES (\(ChangeRow.placeholders), ?)"
        ).execute(arguments: ChangeRow.arguments(change) + [receivedAt])
    }

    private static func facts(for changes: [Change], db: Database) throws -> PushFacts {
        var facts = PushFacts(existing: [:], entities: [:], clientTeams: [:])
        let ids = Array(Set(changes.map(\.id)))
        for row in try Row.fetchAll(
            db, sql: "SELECT \(ChangeRow.columns) FROM changes WHERE id IN \(list(ids.count))",
            arguments: StatementArguments(ids))
        {
            let change = try ChangeRow.decode(row)
            facts.existing[change.id] = change
        }
        let entityIds = Array(Set(changes.map(\.entityId)))
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT id, entity_id, entity_type, client_id, author_id, author_discipline FROM changes
                WHERE entity_id IN \(list(entityIds.count)) ORDER BY seq
                """,
            arguments: StatementArguments(entityIds))
        {
            let entityId: String = row["entity_id"]
            let revision = Change(
                id: row["id"], clientId: row["client_id"], entityType: row["entity_type"], entityId: entityId,
                operation: "", payload: .null, hlc: .zero, authorId: row["author_id"],
                authorDiscipline: row["author_discipline"], deviceId: "")
            facts.entities[entityId] = EntityFacts.after(revision, applyingTo: facts.entities[entityId])
        }
        let clientIds = Array(Set(changes.map(\.clientId)))
        for row in try Row.fetchAll(
            db, sql: "SELECT id, team_id FROM clients WHERE id IN \(list(clientIds.count))",
            arguments: StatementArguments(clientIds))
        {
            facts.clientTeams[row["id"]] = row["team_id"]
        }
        return facts
    }

    private static func professionals(ids: Set<String>, db: Database) throws -> [Professional] {
        guard !ids.isEmpty else { return [] }
        return try Row.fetchAll(
            db, sql: "SELECT id, name, discipline FROM professionals WHERE id IN \(list(ids.count)) ORDER BY id",
            arguments: StatementArguments(Array(ids))
        ).map(professional)
    }

    private static func professional(_ row: Row) throws -> Professional {
        let raw: String = row["discipline"]
        guard let discipline = Discipline(rawValue: raw) else {
            throw StoreError(code: "corrupt", message: "stored professional has an unknown discipline")
        }
        return Professional(id: row["id"], name: row["name"], discipline: discipline)
    }

    private static func exists(_ db: Database, table: String, id: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table) WHERE id = ?)", arguments: [id]) ?? false
    }

    /// `(?, ?, …)` with `count` placeholders (`(NULL)` for none, which matches nothing).
    private static func list(_ count: Int) -> String {
        count == 0 ? "(NULL)" : "(" + Array(repeating: "?", count: count).joined(separator: ", ") + ")"
    }
}
