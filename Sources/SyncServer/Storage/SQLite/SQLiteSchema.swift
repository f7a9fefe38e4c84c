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
                        created_at INTEGER NOT NULL
                    );
                    CREATE INDEX clients_by_team ON clients(team_id);
                    CREATE TABLE devices (
                        id TEXT PRIMARY KEY NOT NULL,
                        professional_id TEXT NOT NULL REFERENCES professionals(id),
                        name TEXT,
                        token_hash TEXT NOT NULL UNIQUE,
                        enrolled_at INTEGER NOT NULL,
                        last_seen_at INTEGER,
                        revoked_at INTEGER
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
                        received_at INTEGER NOT NULL
                    );
                    CREATE INDEX changes_by_client ON changes(client_id, seq);
                    CREATE INDEX changes_by_entity ON changes(entity_id, seq);
                    CREATE INDEX changes_by_hlc ON changes(hlc);
                    """)
        }
        return migrator
    }
}
