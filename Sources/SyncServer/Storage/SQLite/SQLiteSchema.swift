import GRDB

/// The server's SQLite schema, as append-only migrations in SQL. A shipped migration is never edited:
/// changes to the schema are new migrations.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-directory-and-log") { db in
            try db.execute(
                sql: """
                    CREATE TABLE teams (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE TABLE professionals (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        discipline TEXT NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE TABLE memberships (
                        professional_id TEXT NOT NULL REFERENCES professionals(id),
                        team_id TEXT NOT NULL REFERENCES teams(id),
                        PRIMARY KEY (professional_id, team_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX memberships_by_team ON memberships(team_id);
                    CREATE TABLE clients (
                        id TEXT PRIMARY KEY NOT NULL,
                        team_id TEXT NOT NULL REFERENCES teams(id),
                        created_at INTEGER NOT NULL,
                        erased_at INTEGER
                    );
                    CREATE INDEX clients_by_team ON clients(team_id);
                    -- Per client and audience ('' = everyone with the client, else one discipline): how many
                    -- changes, and the XOR of their id hashes, to verify replicas.
                    CREATE TABLE client_digests (
                        client_id TEXT NOT NULL,
                        audience TEXT NOT NULL,
                        change_count INTEGER NOT NULL,
                        digest INTEGER NOT NULL,
                        PRIMARY KEY (client_id, audience)
                    ) WITHOUT ROWID;
                    -- Which team had a client when (hybrid logical clock bounds; NULL = open), for pushes
                    -- of changes written offline before a move.
                    CREATE TABLE client_teams (
                        client_id TEXT NOT NULL REFERENCES clients(id),
                        team_id TEXT NOT NULL REFERENCES teams(id),
                        from_hlc TEXT,
                        to_hlc TEXT
                    );
                    CREATE INDEX client_teams_by_client ON client_teams(client_id);
                    -- Moves of clients between teams, at the log position of their client.move change.
                    CREATE TABLE scope_events (
                        seq INTEGER PRIMARY KEY NOT NULL,
                        client_id TEXT NOT NULL,
                        from_team TEXT NOT NULL,
                        to_team TEXT NOT NULL
                    );
                    -- Changes refused for good: a late replay of the same change gets the same answer.
                    CREATE TABLE refused_changes (
                        id TEXT PRIMARY KEY NOT NULL,
                        code TEXT NOT NULL,
                        message TEXT NOT NULL,
                        refused_at INTEGER NOT NULL
                    );
                    -- Cursors before the horizon are no longer served incrementally (cursorExpired).
                    CREATE TABLE server_state (
                        singleton INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
                        horizon INTEGER NOT NULL
                    );
                    INSERT INTO server_state (singleton, horizon) VALUES (1, 0);
                    -- Append-only, hash-chained audit log: no content, only ids, counts and codes.
                    CREATE TABLE audit_log (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        at INTEGER NOT NULL,
                        actor TEXT NOT NULL,
                        device_id TEXT,
                        action TEXT NOT NULL,
                        client_ids TEXT NOT NULL,
                        details TEXT NOT NULL,
                        result TEXT NOT NULL,
                        origin TEXT,
                        previous_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    );
                    CREATE INDEX audit_by_actor ON audit_log(actor);
                    CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    CREATE TABLE devices (
                        id TEXT PRIMARY KEY NOT NULL,
                        professional_id TEXT NOT NULL REFERENCES professionals(id),
                        name TEXT,
                        token_hash TEXT NOT NULL UNIQUE,
                        enrolled_at INTEGER NOT NULL,
                        last_seen_at INTEGER,
                        revoked_at INTEGER,
                        max_hlc TEXT
                    );
                    CREATE TABLE enrollment_codes (
                        code_hash TEXT PRIMARY KEY NOT NULL,
                        professional_id TEXT NOT NULL REFERENCES professionals(id),
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        used_at INTEGER,
                        device_id TEXT
                    );
                    CREATE TABLE changes (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        client_id TEXT NOT NULL,
                        entity_type TEXT NOT NULL,
                        entity_id TEXT NOT NULL,
                        operation TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        hlc TEXT NOT NULL,
                        author_id TEXT NOT NULL,
                        author_discipline TEXT,
                        device_id TEXT NOT NULL,
                        received_at INTEGER NOT NULL,
                        visible_to TEXT
                    );
                    CREATE INDEX changes_by_client ON changes(client_id, seq);
                    CREATE INDEX changes_by_entity ON changes(entity_id, seq);
                    CREATE INDEX changes_by_hlc ON changes(hlc);
                    """)
        }
        migrator.registerMigration("v2-operations") { db in
            try db.execute(
                sql: """
                    -- The restore epoch: a random id that changes whenever this database stops continuing the history
                    -- replicas saw (a backup copy gets its own; a restore makes a new one). Replicas that see it
                    -- change push again everything they wrote and pull from the start.
                    ALTER TABLE server_state ADD COLUMN epoch TEXT NOT NULL DEFAULT '';
                    UPDATE server_state SET epoch = lower(hex(randomblob(16)));
                    -- The server's hybrid logical clock: the last timestamp of a server-side write (registration,
                    -- move, erasure) or of a change the server accepted.
                    ALTER TABLE server_state ADD COLUMN server_hlc TEXT NOT NULL DEFAULT '';
                    -- The newest timestamp of a change the server accepted from a device (bounded by its clock).
                    ALTER TABLE server_state ADD COLUMN accepted_hlc TEXT NOT NULL DEFAULT '';
                    -- The operations journal this database records to, and how many entries it had (so that a
                    -- restore can tell whether a journal covers everything done since the backup).
                    ALTER TABLE server_state ADD COLUMN journal_id TEXT;
                    ALTER TABLE server_state ADD COLUMN journal_entries INTEGER NOT NULL DEFAULT 0;
                    -- Log positions a device could know: the end of the log when it enrolled, and the furthest
                    -- position it has been sent. They decide whether it may still write about a client it lost.
                    ALTER TABLE devices ADD COLUMN enrolled_seq INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE devices ADD COLUMN pulled_to INTEGER NOT NULL DEFAULT 0;
                    -- The log position of the change that ended a team's hold on a client.
                    ALTER TABLE client_teams ADD COLUMN to_seq INTEGER;
                    UPDATE client_teams SET to_seq = (
                        SELECT s.seq FROM scope_events s JOIN changes c ON c.seq = s.seq
                        WHERE s.client_id = client_teams.client_id AND c.hlc = client_teams.to_hlc)
                    WHERE to_hlc IS NOT NULL;
                    -- Every team that ever held an erased client: their devices are told of the erasure too.
                    CREATE TABLE erasure_teams (
                        seq INTEGER NOT NULL,
                        team_id TEXT NOT NULL,
                        PRIMARY KEY (seq, team_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX erasure_teams_by_team ON erasure_teams(team_id, seq);
                    -- Refusals that depend on what the server holds are no longer final (a restored server
                    -- learns the entity again): forget those remembered by earlier versions.
                    DELETE FROM refused_changes WHERE code IN ('unknownEntity', 'unknownRevision');
                    """)
        }
        migrator.registerMigration("v3-sealed-payloads") { db in
            try db.execute(
                sql: """
                    -- Payloads are sealed under their client's key (the key store, a file of its own). Set while
                    -- payloads stored in plaintext by an earlier version may be left: the store seals them at open.
                    ALTER TABLE server_state ADD COLUMN plaintext_payloads INTEGER NOT NULL DEFAULT 1;
                    """)
        }
        return migrator
    }
}
