//! The tables, and the migrations that bring a database of any earlier version up to date.

/// The tables, one migration per version; each runs once, in order (`schema_version` says
/// how many ran). A new version is a new entry, never an edit.
pub(super) const MIGRATIONS: &[Migration] = &[
    Migration::Same(SCHEMA_V1),
    Migration::Each {
        sqlite: SCHEMA_V2,
        postgres: SCHEMA_V2_POSTGRES,
    },
];

/// A migration: the same SQL on both databases (written in SQLite's types), or each its own.
pub(super) enum Migration {
    Same(&'static str),
    Each {
        sqlite: &'static str,
        postgres: &'static str,
    },
}

impl Migration {
    pub(super) fn sqlite(&self) -> String {
        match self {
            Self::Same(sql) | Self::Each { sqlite: sql, .. } => (*sql).to_owned(),
        }
    }

    pub(super) fn postgres(&self) -> String {
        match self {
            Self::Same(sql) => to_postgres(sql),
            Self::Each { postgres, .. } => (*postgres).to_owned(),
        }
    }
}

pub(super) const SCHEMA_V1: &str = "
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS learners (
    name TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    joined_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    learner TEXT NOT NULL,
    lesson TEXT NOT NULL,
    seq INTEGER NOT NULL,
    line TEXT NOT NULL,
    hash TEXT NOT NULL,
    evidence TEXT NOT NULL,
    chained INTEGER NOT NULL,
    broken TEXT,
    received_ms INTEGER NOT NULL,
    UNIQUE (learner, lesson, seq)
);
CREATE TABLE IF NOT EXISTS chains (
    learner TEXT NOT NULL,
    lesson TEXT NOT NULL,
    last_seq INTEGER NOT NULL,
    last_hash TEXT NOT NULL,
    chained INTEGER NOT NULL,
    broken TEXT,
    PRIMARY KEY (learner, lesson)
);
";

/// Rows say what they are (before, a stand-in was told from an event by its text: a JSON
/// object with a `skipped` and a `lesson` string, and no `v`, whatever the order of its
/// keys); a class may have a roster; a learner of a roster may join from several machines,
/// each with its own token.
pub(super) const SCHEMA_V2: &str = r#"
ALTER TABLE events ADD COLUMN kind TEXT NOT NULL DEFAULT 'event';
UPDATE events SET kind = 'stand-in'
    WHERE json_valid(line) AND json_type(line, '$.skipped') = 'text'
    AND json_type(line, '$.lesson') = 'text' AND json_type(line, '$.v') IS NULL;
CREATE TABLE IF NOT EXISTS roster (name TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS learner_tokens (
    token_hash TEXT PRIMARY KEY,
    learner TEXT NOT NULL,
    joined_at TEXT NOT NULL
);
"#;

/// On PostgreSQL also the transaction that stored each row: a transaction that took its ids
/// first may end after one that took later ids, so ids alone cannot tell a reader what it
/// has seen (`pg_current_xact_id` is PostgreSQL 13's).
pub(super) const SCHEMA_V2_POSTGRES: &str = r#"
ALTER TABLE events ADD COLUMN kind TEXT NOT NULL DEFAULT 'event';
UPDATE events SET kind = 'stand-in'
    WHERE jsonb_typeof(line::jsonb -> 'skipped') = 'string'
    AND jsonb_typeof(line::jsonb -> 'lesson') = 'string' AND NOT (line::jsonb ? 'v');
CREATE TABLE IF NOT EXISTS roster (name TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS learner_tokens (
    token_hash TEXT PRIMARY KEY,
    learner TEXT NOT NULL,
    joined_at TEXT NOT NULL
);
ALTER TABLE events ADD COLUMN tx BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint);
CREATE INDEX IF NOT EXISTS events_by_tx ON events (tx, id);
"#;

/// A migration in PostgreSQL's types.
pub(super) fn to_postgres(migration: &str) -> String {
    migration
        .replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY")
        .replace("INTEGER", "BIGINT")
}
