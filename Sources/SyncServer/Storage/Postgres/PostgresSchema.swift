import Logging
import PostgresNIO
import SyncProtocol

/// The PostgreSQL schema, as append-only, versioned migrations in SQL. A shipped migration is never
/// edited: changes to the schema are new migrations. Applied in order, each in its own transaction, under
/// an advisory lock so that several instances starting at once do not race.
enum PostgresSchema {
    /// Every migration, oldest first: (version, statements).
    static let migrations: [(String, [String])] = [
        ("v1-directory-and-log", [
            """
            CREATE TABLE teams (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE professionals (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, discipline TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE memberships (
                professional_id TEXT NOT NULL REFERENCES professionals(id),
                team_id TEXT NOT NULL REFERENCES teams(id),
                PRIMARY KEY (professional_id, team_id))
            """,
            "CREATE INDEX memberships_by_team ON memberships(team_id)",
            """
            CREATE TABLE clients (
                id TEXT PRIMARY KEY, team_id TEXT NOT NULL REFERENCES teams(id), created_at BIGINT NOT NULL,
                erased_at BIGINT)
            """,
            "CREATE INDEX clients_by_team ON clients(team_id)",
            """
            CREATE TABLE client_digests (
                client_id TEXT NOT NULL, audience TEXT NOT NULL, change_count BIGINT NOT NULL, digest BIGINT NOT NULL,
                PRIMARY KEY (client_id, audience))
            """,
            """
            CREATE TABLE client_teams (
                client_id TEXT NOT NULL REFERENCES clients(id), team_id TEXT NOT NULL REFERENCES teams(id),
                from_hlc TEXT, to_hlc TEXT)
            """,
            "CREATE INDEX client_teams_by_client ON client_teams(client_id)",
            """
            CREATE TABLE scope_events (
                seq BIGINT PRIMARY KEY, client_id TEXT NOT NULL, from_team TEXT NOT NULL, to_team TEXT NOT NULL)
            """,
            "CREATE TABLE server_state (singleton INT PRIMARY KEY CHECK (singleton = 1), horizon BIGINT NOT NULL)",
            "INSERT INTO server_state (singleton, horizon) VALUES (1, 0)",
            """
            CREATE TABLE devices (
                id TEXT PRIMARY KEY, professional_id TEXT NOT NULL REFERENCES professionals(id), name TEXT,
                token_hash TEXT NOT NULL UNIQUE, enrolled_at BIGINT NOT NULL, last_seen_at BIGINT, revoked_at BIGINT,
                max_hlc TEXT)
            """,
            """
            CREATE TABLE enrollment_codes (
                code_hash TEXT PRIMARY KEY, professional_id TEXT NOT NULL REFERENCES professionals(id),
                created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT, device_id TEXT)
            """,
            "CREATE SEQUENCE change_positions",
            """
            CREATE TABLE changes (
                seq BIGINT PRIMARY KEY, id TEXT NOT NULL UNIQUE, client_id TEXT NOT NULL, entity_type TEXT NOT NULL,
                entity_id TEXT NOT NULL, operation TEXT NOT NULL, payload TEXT NOT NULL, hlc TEXT NOT NULL,
                author_id TEXT NOT NULL, author_discipline TEXT, device_id TEXT NOT NULL, received_at BIGINT NOT NULL,
                visible_to TEXT)
            """,
            "CREATE INDEX changes_by_client ON changes(client_id, seq)",
            "CREATE INDEX changes_by_entity ON changes(entity_id, seq)",
            """
            CREATE TABLE refused_changes (
                id TEXT PRIMARY KEY, code TEXT NOT NULL, message TEXT NOT NULL, refused_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE audit_log (
                seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, actor TEXT NOT NULL, device_id TEXT, action TEXT NOT NULL,
                client_ids TEXT NOT NULL, details TEXT NOT NULL, result TEXT NOT NULL, origin TEXT,
                previous_hash TEXT NOT NULL, hash TEXT NOT NULL)
            """,
            "CREATE INDEX audit_by_actor ON audit_log(actor)",
            """
            CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$
            """,
            """
            CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
            """,
        ]),
        ("v2-operations", [
            // The restore epoch (see the SQLite schema) and the server's hybrid logical clock.
            "ALTER TABLE server_state ADD COLUMN epoch TEXT NOT NULL DEFAULT ''",
            "UPDATE server_state SET epoch = md5(random()::text || clock_timestamp()::text)",
            "ALTER TABLE server_state ADD COLUMN server_hlc TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE server_state ADD COLUMN accepted_hlc TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE server_state ADD COLUMN journal_id TEXT",
            "ALTER TABLE server_state ADD COLUMN journal_entries BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE devices ADD COLUMN enrolled_seq BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE devices ADD COLUMN pulled_to BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE client_teams ADD COLUMN to_seq BIGINT",
            """
            UPDATE client_teams SET to_seq = (
                SELECT s.seq FROM scope_events s JOIN changes c ON c.seq = s.seq
                WHERE s.client_id = client_teams.client_id AND c.hlc = client_teams.to_hlc)
            WHERE to_hlc IS NOT NULL
            """,
            "CREATE TABLE erasure_teams (seq BIGINT NOT NULL, team_id TEXT NOT NULL, PRIMARY KEY (seq, team_id))",
            "CREATE INDEX erasure_teams_by_team ON erasure_teams(team_id, seq)",
            "DELETE FROM refused_changes WHERE code IN ('unknownEntity', 'unknownRevision')",
            // TRUNCATE bypasses row triggers: the audit log refuses it too.
            """
            CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()
            """,
        ]),
        ("v3-sealed-payloads", [
            // Set while payloads stored in plaintext by an earlier version may be left: sealed at start. (The
            // key store is not a migration of the log: ``keyStoreSchema``.)
            "ALTER TABLE server_state ADD COLUMN plaintext_payloads BOOLEAN NOT NULL DEFAULT true",
        ]),
    ]

    /// The key store: each client's data key wrapped by the master key (NULL once destroyed by an erasure),
    /// in a schema of its own so that the change log's dump holds no key. Created apart from the log's
    /// migrations, whenever it is missing: a log restored from a dump without it (`pg_dump
    /// --exclude-schema=samenspel_keys`) has the log's migrations but not the key store.
    static let keyStoreSchema = [
        "CREATE SCHEMA IF NOT EXISTS samenspel_keys",
        """
        CREATE TABLE IF NOT EXISTS samenspel_keys.client_keys (
            client_id TEXT PRIMARY KEY, generation INT NOT NULL, wrapped BYTEA, created_at BIGINT NOT NULL,
            destroyed_at BIGINT)
        """,
    ]

    /// Advisory lock keys: migrations, the change log (positions are taken and committed in order), the audit chain.
    static let migrationLock: Int64 = 0x53_414D_0001
    static let logLock: Int64 = 0x53_414D_0002
    static let auditLock: Int64 = 0x53_414D_0003

    /// Takes an advisory lock with `function` (`pg_advisory_lock`, `pg_advisory_xact_lock`). The answer is
    /// read to its end: a SELECT's error (such as `lock_timeout`) comes with its rows, and unread it would
    /// surface only as "transaction aborted" at the next statement, or not at all outside a transaction.
    static func takeLock(_ function: String, _ key: Int64, _ connection: PostgresConnection, logger: Logger) async throws {
        for try await _ in try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT \(function)($1)", binds: try binds(key)), logger: logger)
        {}
    }

    private static func binds(_ key: Int64) throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(key)
        return bindings
    }

    /// Applies the migrations not applied yet.
    static func migrate(on connection: PostgresConnection, logger: Logger) async throws {
        // An instance starting while another migrates waits for it, however long: without the lock it would
        // migrate at the same time. The session's `lock_timeout` comes back afterwards.
        try await connection.query("SET lock_timeout = 0", logger: logger)
        try await takeLock("pg_advisory_lock", migrationLock, connection, logger: logger)
        try await connection.query("RESET lock_timeout", logger: logger)
        do {
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)",
                logger: logger)
            var applied: Set<String> = []
            for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger)
                .decode(String.self)
            {
                applied.insert(version)
            }
            for statement in keyStoreSchema {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            for (version, statements) in migrations where !applied.contains(version) {
                try await connection.withTransaction(logger: logger) { connection in
                    for statement in statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    let now = WallClock.millis()
                    try await connection.query(
                        "INSERT INTO schema_migrations (version, applied_at) VALUES (\(version), \(now))", logger: logger)
                }
                logger.info("applied migration", metadata: ["postgres.migration": "\(version)"])
            }
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
            throw error
        }
        try await connection.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
    }
}
