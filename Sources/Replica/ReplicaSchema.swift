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
enum ReplicaSchema {
    static var migrator: DatabaseMigrator {
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
            // A replica from before this version: index what it holds.
            try SearchIndex.reindexAll(db: db)
        }
        return migrator
    }
}
