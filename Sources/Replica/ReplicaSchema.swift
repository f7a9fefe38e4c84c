import GRDB

/// The replica's SQLite schema, as append-only migrations in SQL.
///
/// - `changes`: every change this replica holds (the data); `local_seq` is the local arrival order.
/// - `outbox`: changes written here and not yet acknowledged by the server, pushed in `local_seq` order;
///   a write the server cannot place yet (`unknownEntity`, `unknownRevision`) waits there with the reason.
/// - `rejected`: changes the server refused, with its reason, kept until the professional acknowledges.
/// - `clients`, `entities`: projections maintained in the same transaction as the changes (`clients` also
///   keeps each client's change count and digest, compared with the server's to verify the replica).
/// - `enrollment`, `sync_state`, `professionals`: who this replica is, where sync stands (cursor, clock,
///   the offset of the local wall clock from the server's), the directory.
/// - `search_entries`, `search_index`: the offline full-text index (``SearchIndex``), a projection too.
///
/// From v4 the personal fields are sealed (``ReplicaVault``): change and refused-write payloads and client
/// names under the client's key, the device token and professionals' names under the device key; the search
/// index lives in memory only (``SearchIndex/attach(_:)``).
enum ReplicaSchema {
    /// The last migration; a replica that had every migration before it had its plaintext sealed by it.
    static let sealingMigration = "v4-encryption-at-rest"

    /// The migrations; `createKeyring` gives a replica without keys its device key (inside v4).
    static func migrator(createKeyring: @escaping @Sendable (Database) throws -> Void) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-replica") { db in
            try db.execute(
                sql: """
                    CREATE TABLE enrollment (
                        singleton INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
                        server_url TEXT NOT NULL,
                        device_id TEXT NOT NULL,
                        token TEXT NOT NULL,
                        professional_id TEXT NOT NULL,
                        professional_name TEXT NOT NULL,
                        discipline TEXT NOT NULL,
                        enrolled_at INTEGER NOT NULL,
                        insecure INTEGER NOT NULL DEFAULT 0,
                        ca_pem TEXT
                    );
                    CREATE TABLE sync_state (
                        singleton INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
                        cursor TEXT,
                        hlc TEXT NOT NULL,
                        last_sync_at INTEGER,
                        clock_offset INTEGER NOT NULL DEFAULT 0,
                        last_verified_at INTEGER
                    );
                    CREATE TABLE changes (
                        local_seq INTEGER PRIMARY KEY AUTOINCREMENT,
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
                        recorded_at INTEGER NOT NULL
                    );
                    CREATE INDEX changes_by_client ON changes(client_id);
                    CREATE INDEX changes_by_entity ON changes(entity_id);
                    CREATE TABLE outbox (
                        change_id TEXT PRIMARY KEY NOT NULL REFERENCES changes(id) ON DELETE CASCADE
                    );
                    CREATE TABLE rejected (
                        id TEXT PRIMARY KEY NOT NULL,
                        client_id TEXT NOT NULL,
                        entity_type TEXT NOT NULL,
                        entity_id TEXT NOT NULL,
                        operation TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        hlc TEXT NOT NULL,
                        author_id TEXT NOT NULL,
                        author_discipline TEXT,
                        device_id TEXT NOT NULL,
                        code TEXT NOT NULL,
                        message TEXT NOT NULL,
                        rejected_at INTEGER NOT NULL
                    );
                    CREATE TABLE professionals (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        discipline TEXT NOT NULL
                    );
                    CREATE TABLE clients (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT,
                        team_id TEXT,
                        last_activity_hlc TEXT NOT NULL,
                        change_count INTEGER NOT NULL,
                        digest INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE TABLE entities (
                        id TEXT PRIMARY KEY NOT NULL,
                        client_id TEXT NOT NULL,
                        entity_type TEXT NOT NULL,
                        author_id TEXT NOT NULL,
                        author_discipline TEXT,
                        head_ids TEXT NOT NULL,
                        current_change_id TEXT NOT NULL,
                        revision_count INTEGER NOT NULL
                    );
                    CREATE INDEX entities_by_client ON entities(client_id);
                    """)
        }
        migrator.registerMigration("v2-restore-and-waiting-writes") { db in
            try db.execute(
                sql: """
                    -- The server's restore epoch last seen: when it changes, the server's history went back.
                    ALTER TABLE sync_state ADD COLUMN server_epoch TEXT;
                    -- A pending write the server could not place yet (it lacks the entity or revision the write
                    -- builds on, e.g. after a restore): why, until it is accepted.
                    ALTER TABLE outbox ADD COLUMN waiting_code TEXT;
                    ALTER TABLE outbox ADD COLUMN waiting_message TEXT;
                    -- Clients erased (AVG art. 17) while this replica held them, or once held them: anything
                    -- about them that arrives later (a push result of a sync running at the same time) is kept
                    -- without content.
                    CREATE TABLE erased_clients (id TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
                    -- Removed content may still be in the write-ahead log: the checkpoint that empties it is owed.
                    ALTER TABLE sync_state ADD COLUMN scrub_owed INTEGER NOT NULL DEFAULT 0;
                    """)
        }
        migrator.registerMigration("v3-search") { db in
            try db.execute(
                sql: """
                    -- Offline search (SearchIndex): one row per entity with words (a note, an agreement, …);
                    -- `search_entries` maps the full-text row to it. The row id orders by when the entity was last
                    -- written, newest last (SearchIndex.rowid).
                    -- Words are matched without regard to case or diacritics, and by their start.
                    CREATE TABLE search_entries (
                        rowid INTEGER PRIMARY KEY,
                        entity_id TEXT NOT NULL UNIQUE,
                        client_id TEXT NOT NULL,
                        current_hlc TEXT NOT NULL
                    );
                    CREATE INDEX search_entries_by_client ON search_entries(client_id);
                    -- Entities written since the index last caught up (SearchIndex.catchUp).
                    CREATE TABLE search_stale (
                        entity_id TEXT PRIMARY KEY NOT NULL,
                        client_id TEXT NOT NULL
                    ) WITHOUT ROWID;
                    -- `client` holds the client's id as one token (SearchIndex.clientToken), to search one file.
                    CREATE VIRTUAL TABLE search_index USING fts5(
                        text, client, tokenize = 'unicode61 remove_diacritics 2');
                    """)
            // These tables are dropped by v4, which always follows: the index is built in memory at open.
        }
        migrator.registerMigration(sealingMigration) { db in
            try db.execute(sql: ReplicaVault.schema)
            try createKeyring(db)
            try ReplicaVault.ensureClientKeys(
                try String.fetchAll(
                    db, sql: "SELECT client_id FROM changes UNION SELECT client_id FROM rejected UNION SELECT id FROM clients"),
                db: db)
            try db.execute(
                sql: """
                    UPDATE changes SET payload = \(ReplicaVault.sealed("payload", client: "client_id"));
                    UPDATE rejected SET payload = \(ReplicaVault.sealed("payload", client: "client_id")) WHERE payload <> '{}';
                    UPDATE clients SET name = \(ReplicaVault.sealed("name", client: "id"));
                    UPDATE enrollment SET token = samenspel_seal_device(token),
                        professional_name = samenspel_seal_device(professional_name);
                    UPDATE professionals SET name = samenspel_seal_device(name);
                    UPDATE rejected SET message = \(ReplicaVault.sealed("message", client: "client_id"));
                    UPDATE outbox SET waiting_message = samenspel_seal_device(waiting_message);
                    -- The replaced plaintext leaves the file (VACUUM) and its log at the next open, or later
                    -- while another program keeps the log busy (Replica.rewriteFilesIfOwed).
                    ALTER TABLE sync_state ADD COLUMN rewrite_owed INTEGER NOT NULL DEFAULT 0;
                    UPDATE sync_state SET rewrite_owed = 1;
                    -- The index moves to memory (SearchIndex.attach); its words leave the file.
                    DROP TABLE main.search_index;
                    DROP TABLE main.search_entries;
                    DROP TABLE main.search_stale;
                    """)
        }
        return migrator
    }
}
