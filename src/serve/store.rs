//! Where the class server keeps what it receives: embedded SQLite by default, PostgreSQL
//! when several servers share one database. Every query is written once, with `$1` style
//! parameters (SQLite reads them as named parameters, numbered in order), and run on either.
//!
//! Tables:
//! - `settings`: the hashes of the instructor token and the class code;
//! - `learners`: each learner's name and the hash of their token;
//! - `events`: every progress-log line as received, with its place in the learner's log
//!   (`seq`), its SHA-256, where it came from (`live`, `late`, `imported`), whether it was
//!   chained, and why the chain broke there if it did; `(learner, lesson, seq)` is unique, so
//!   a retried batch never doubles an event;
//! - `chains`: per learner and lesson, the last line received and whether the chain broke.

use std::collections::HashMap;
use std::path::Path;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::{Executor, Row};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database `{url}`: {source}")]
    Open { url: String, source: sqlx::Error },
    #[error("the database failed: {0}")]
    Query(#[from] sqlx::Error),
    #[error("the database `{0}` is neither sqlite:// nor postgres://")]
    Scheme(String),
    #[error(
        "the database was made by a newer labrun (its tables are version {found}, this labrun knows {known}): upgrade labrun"
    )]
    Newer { found: i64, known: i64 },
}

/// The database, of either kind.
pub enum Store {
    /// One process writes: an in-process lock orders the writes, as SQLite allows one writer.
    Sqlite {
        pool: SqlitePool,
        writer: tokio::sync::Mutex<()>,
    },
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the pool of whichever database `$store` is.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            Store::Sqlite { pool: $pool, .. } => $body,
            Store::Postgres($pool) => $body,
        }
    };
}

/// One line for the store: a progress-log event, or the stand-in for a line of the
/// learner's log that is no event (its hash keeps the chain whole).
#[derive(Debug, Clone)]
pub struct Line {
    pub learner: String,
    pub lesson: String,
    /// Its place in the learner's log, from 1.
    pub seq: i64,
    /// The line as received.
    pub text: String,
    /// SHA-256 of the line as it is in the learner's log, hex.
    pub hash: String,
    /// Whether it is an event (not the stand-in for a line that is none).
    pub event: bool,
    /// Whether the line carried `seq` and `prev` (logs from before chaining do not).
    pub chained: bool,
    /// The `prev` it carried.
    pub prev: Option<String>,
    /// Where it came from: `live` (received while its session ran), `late`, `imported`.
    pub evidence: &'static str,
}

/// What storing a batch did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Stored {
    /// Lines stored.
    pub stored: usize,
    /// Lines already stored (a retry), skipped.
    pub duplicates: usize,
}

/// An event as stored, for the class's live state.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub id: i64,
    pub learner: String,
    pub lesson: String,
    pub text: String,
    pub evidence: String,
    pub chained: bool,
    pub broken: Option<String>,
}

/// The tables, one migration per version, in SQLite's types; each runs once, in order
/// (`schema_version` says how many ran). A new version is a new entry, never an edit.
const MIGRATIONS: &[&str] = &[SCHEMA_V1];

const SCHEMA_V1: &str = "
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

/// A migration in PostgreSQL's types.
fn to_postgres(migration: &str) -> String {
    migration
        .replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY")
        .replace("INTEGER", "BIGINT")
}

impl Store {
    /// Opens (creating it when it is a SQLite file) the database at `url` and brings its
    /// tables up to date.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let open = |source| StoreError::Open {
            url: redact(url),
            source,
        };
        let store = if let Some(path) = url.strip_prefix("sqlite://") {
            if let Some(parent) = Path::new(path).parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent).map_err(|error| open(sqlx::Error::Io(error)))?;
            }
            let options = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // An acknowledged event is on disk: the learner's side forgets it was pending.
                .synchronous(sqlx::sqlite::SqliteSynchronous::Full)
                .busy_timeout(std::time::Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options)
                .await
                .map_err(open)?;
            Store::Sqlite {
                pool,
                writer: tokio::sync::Mutex::new(()),
            }
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .connect(url)
                .await
                .map_err(open)?;
            Store::Postgres(pool)
        } else {
            return Err(StoreError::Scheme(redact(url)));
        };
        store.migrate().await?;
        Ok(store)
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Store::Sqlite { .. } => "SQLite",
            Store::Postgres(_) => "PostgreSQL",
        }
    }

    /// Brings the tables to [`MIGRATIONS`]'s last version, each migration once, in one
    /// transaction (on PostgreSQL under a lock: several servers may start at once).
    async fn migrate(&self) -> Result<(), StoreError> {
        const VERSION: &str = "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)";
        const CURRENT: &str = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        let known = MIGRATIONS.len() as i64;
        // One body for both databases: `$tx`, the lock it takes first, and how a migration
        // reads in its SQL.
        macro_rules! run_migrations {
            ($tx:ident, $lock:expr, $sql:expr) => {{
                if let Some(lock) = $lock {
                    $tx.execute(lock).await?;
                }
                $tx.execute(VERSION).await?;
                let found: i64 = sqlx::query_scalar(CURRENT).fetch_one(&mut *$tx).await?;
                for (index, migration) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize)
                {
                    $tx.execute($sql(migration).as_str()).await?;
                    sqlx::query("INSERT INTO schema_version (version) VALUES ($1)")
                        .bind(index as i64 + 1)
                        .execute(&mut *$tx)
                        .await?;
                }
                $tx.commit().await?;
                found
            }};
        }
        let found = match self {
            Store::Sqlite { pool, writer } => {
                let _write = writer.lock().await;
                let mut tx = pool.begin().await?;
                run_migrations!(tx, None::<&str>, |m: &str| m.to_owned())
            }
            Store::Postgres(pool) => {
                // Several servers may start at once on one database.
                let mut tx = pool.begin().await?;
                run_migrations!(tx, Some("SELECT pg_advisory_xact_lock(7474)"), to_postgres)
            }
        };
        if found > known {
            return Err(StoreError::Newer { found, known });
        }
        Ok(())
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let sql = "SELECT value FROM settings WHERE key = $1";
        Ok(on_pool!(self, pool => sqlx::query(sql)
            .bind(key)
            .fetch_optional(pool)
            .await?
            .map(|row| row.get::<String, _>(0))))
    }

    /// Sets `key` unless it is set; the value it has after.
    pub async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String, StoreError> {
        let sql = "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING";
        on_pool!(self, pool => {
            sqlx::query(sql).bind(key).bind(value).execute(pool).await?;
        });
        Ok(self.setting(key).await?.unwrap_or_default())
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let sql = "INSERT INTO settings (key, value) VALUES ($1, $2) \
                   ON CONFLICT (key) DO UPDATE SET value = excluded.value";
        on_pool!(self, pool => {
            sqlx::query(sql).bind(key).bind(value).execute(pool).await?;
        });
        Ok(())
    }

    /// Binds a learner's name to a token; false when the name is taken.
    pub async fn join(&self, learner: &str, token_hash: &str) -> Result<bool, StoreError> {
        let sql = "INSERT INTO learners (name, token_hash, joined_at) VALUES ($1, $2, $3) \
                   ON CONFLICT (name) DO NOTHING";
        let now = jiff::Timestamp::now().to_string();
        // SQLite: one writer at a time (a write between another transaction's read and its
        // write would fail it).
        let _write = match self {
            Store::Sqlite { writer, .. } => Some(writer.lock().await),
            Store::Postgres(_) => None,
        };
        let done = on_pool!(self, pool => sqlx::query(sql)
            .bind(learner)
            .bind(token_hash)
            .bind(&now)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(done == 1)
    }

    /// The learner a token hash belongs to.
    pub async fn learner_of(&self, token_hash: &str) -> Result<Option<String>, StoreError> {
        let sql = "SELECT name FROM learners WHERE token_hash = $1";
        Ok(on_pool!(self, pool => sqlx::query(sql)
            .bind(token_hash)
            .fetch_optional(pool)
            .await?
            .map(|row| row.get::<String, _>(0))))
    }

    /// Stores `lines` (in the order of each learner's log) in one transaction, following each
    /// learner's chain: a line already stored is skipped, a line that does not follow the
    /// last one received marks the chain broken there, a line sent again with other content
    /// is not stored and marks it broken too.
    pub async fn append(&self, lines: &[Line]) -> Result<Stored, StoreError> {
        let stored = self.append_batches(&[lines]).await?;
        Ok(stored.into_iter().next().unwrap_or_default())
    }

    /// [`append`](Self::append) for several batches in one transaction (one commit to disk
    /// for many learners' batches): what each one did.
    pub async fn append_batches(&self, batches: &[&[Line]]) -> Result<Vec<Stored>, StoreError> {
        let now = jiff::Timestamp::now().as_millisecond();
        let mut stored = Vec::with_capacity(batches.len());
        match self {
            Store::Sqlite { pool, writer } => {
                let _write = writer.lock().await;
                let mut tx = pool.begin().await?;
                for lines in batches {
                    stored.push(append_sqlite(&mut tx, lines, now).await?);
                }
                tx.commit().await?;
            }
            Store::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                for lines in batches {
                    stored.push(append_postgres(&mut tx, lines, now).await?);
                }
                tx.commit().await?;
            }
        }
        Ok(stored)
    }

    /// Events stored after `id`, oldest first, at most `limit`; and, on PostgreSQL, those of
    /// the ids in `missing`: there a transaction that took its ids first may commit after one
    /// that took later ids, so ids skipped over are looked for again a while. (SQLite writes
    /// one transaction at a time: its ids appear in order.)
    pub async fn events_after(
        &self,
        id: i64,
        missing: &[i64],
        limit: i64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        const COLUMNS: &str =
            "SELECT id, learner, lesson, line, evidence, chained, broken FROM events";
        let read = |row: &dyn RowAccess| StoredEvent {
            id: row.int(0),
            learner: row.text(1),
            lesson: row.text(2),
            text: row.text(3),
            evidence: row.text(4),
            chained: row.int(5) != 0,
            broken: row.optional_text(6),
        };
        Ok(match self {
            Store::Sqlite { pool, .. } => {
                sqlx::query(&format!("{COLUMNS} WHERE id > $1 ORDER BY id LIMIT $2"))
                    .bind(id)
                    .bind(limit)
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(|row| read(row))
                    .collect()
            }
            Store::Postgres(pool) => sqlx::query(&format!(
                "{COLUMNS} WHERE id > $1 OR id = ANY($2) ORDER BY id LIMIT $3"
            ))
            .bind(id)
            .bind(missing)
            .bind(limit)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|row| read(row))
            .collect(),
        })
    }
}

/// Reading a row of either database.
trait RowAccess {
    fn int(&self, index: usize) -> i64;
    fn text(&self, index: usize) -> String;
    fn optional_text(&self, index: usize) -> Option<String>;
}

macro_rules! row_access {
    ($row:ty) => {
        impl RowAccess for $row {
            fn int(&self, index: usize) -> i64 {
                self.get(index)
            }
            fn text(&self, index: usize) -> String {
                self.get(index)
            }
            fn optional_text(&self, index: usize) -> Option<String> {
                self.get(index)
            }
        }
    };
}

row_access!(sqlx::sqlite::SqliteRow);
row_access!(sqlx::postgres::PgRow);

/// The chain of one learner's lesson as the store has it.
#[derive(Debug, Clone, Default)]
struct ChainRow {
    last_seq: i64,
    last_hash: String,
    /// Whether a chained event was received.
    chained: bool,
    broken: Option<String>,
    known: bool,
    /// The last line stored before this batch: only a line at or before it may be stored
    /// already.
    stored_up_to: i64,
    /// The lines of this batch, by place, with their hashes.
    batch: HashMap<i64, String>,
}

/// Rows of `events` inserted by one statement: well below both databases' limits on
/// parameters.
const ROWS_PER_INSERT: usize = 400;

/// One row of `events` waiting to be inserted.
struct NewEvent<'l> {
    line: &'l Line,
    broken: Option<String>,
}

/// [`Store::append`] inside its transaction: one body, compiled for each database.
macro_rules! append_in {
    ($name:ident, $db:ty, $lock:expr, $numbered:expr) => {
        async fn $name(
            tx: &mut sqlx::Transaction<'_, $db>,
            lines: &[Line],
            now: i64,
        ) -> Result<Stored, sqlx::Error> {
    let mut chains: HashMap<(String, String), ChainRow> = HashMap::new();
    let mut stored = Stored::default();
    let mut pending: Vec<NewEvent<'_>> = Vec::with_capacity(ROWS_PER_INSERT);
    /// Inserts rows of `events` in one statement.
    async fn insert(
        connection: &mut <$db as sqlx::Database>::Connection,
        rows: &[NewEvent<'_>],
        now: i64,
    ) -> Result<(), sqlx::Error> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut sql = String::from(
            "INSERT INTO events (learner, lesson, seq, line, hash, evidence, chained, broken, received_ms) VALUES ",
        );
        for index in 0..rows.len() {
            let first = index * 9;
            if index > 0 {
                sql.push(',');
            }
            sql.push('(');
            for column in 1..=9 {
                if column > 1 {
                    sql.push(',');
                }
                // SQLite finds a named parameter by a scan of every name: thousands of `$N`
                // in one statement cost the square of their number; `?` costs nothing.
                if $numbered {
                    sql.push_str(&format!("${}", first + column));
                } else {
                    sql.push('?');
                }
            }
            sql.push(')');
        }
        let mut query = sqlx::query(&sql);
        for row in rows {
            query = query
                .bind(row.line.learner.as_str())
                .bind(row.line.lesson.as_str())
                .bind(row.line.seq)
                .bind(row.line.text.as_str())
                .bind(row.line.hash.as_str())
                .bind(row.line.evidence)
                .bind(i64::from(row.line.chained))
                .bind(row.broken.as_deref())
                .bind(now);
        }
        query.execute(&mut *connection).await?;
        Ok(())
    }
    for line in lines {
        let key = (line.learner.clone(), line.lesson.clone());
        if !chains.contains_key(&key) {
            // One writer at a time per learner and lesson, whichever server it talks to.
            if let Some(lock) = $lock {
                sqlx::query(lock)
                    .bind(format!("{}\n{}", line.learner, line.lesson))
                    .execute(&mut **tx)
                    .await?;
            }
            let row = sqlx::query(
                "SELECT last_seq, last_hash, chained, broken FROM chains WHERE learner = $1 AND lesson = $2",
            )
            .bind(line.learner.as_str())
            .bind(line.lesson.as_str())
            .fetch_optional(&mut **tx)
            .await?;
            let chain = row.map_or_else(ChainRow::default, |row| ChainRow {
                last_seq: row.get(0),
                last_hash: row.get(1),
                chained: row.get::<i64, _>(2) != 0,
                broken: row.get(3),
                known: true,
                stored_up_to: row.get(0),
                batch: HashMap::new(),
            });
            chains.insert(key.clone(), chain);
        }
        let chain = chains.get_mut(&key).expect("inserted above");
        let existing = match chain.batch.get(&line.seq) {
            Some(hash) => Some(hash.clone()),
            None if line.seq <= chain.stored_up_to => sqlx::query(
                "SELECT hash FROM events WHERE learner = $1 AND lesson = $2 AND seq = $3",
            )
            .bind(line.learner.as_str())
            .bind(line.lesson.as_str())
            .bind(line.seq)
            .fetch_optional(&mut **tx)
            .await?
            .map(|row| row.get::<String, _>(0)),
            None => None,
        };
        if let Some(hash) = existing {
            if hash != line.hash && chain.broken.is_none() {
                chain.broken = Some(format!(
                    "line {} was sent again with other content",
                    line.seq
                ));
                chain.known = false;
            }
            stored.duplicates += 1;
            continue;
        }
        let expected = chain.last_seq + 1;
        let why = if line.seq > expected {
            Some(format!(
                "line {} came after line {}: {} missing",
                line.seq,
                chain.last_seq,
                if line.seq - expected == 1 {
                    format!("line {expected} is")
                } else {
                    format!("lines {expected} to {} are", line.seq - 1)
                }
            ))
        } else if line.seq < expected {
            Some(format!(
                "line {} came after line {}",
                line.seq, chain.last_seq
            ))
        } else if line.event && !line.chained && chain.chained {
            Some(format!("line {} is an event with no `seq` among chained ones", line.seq))
        } else if line.chained && line.seq > 1 && line.prev.as_deref() != Some(&chain.last_hash) {
            Some(format!(
                "line {}'s `prev` does not match line {}",
                line.seq, chain.last_seq
            ))
        } else {
            None
        };
        let first_break = if chain.broken.is_none() { why } else { None };
        chain.batch.insert(line.seq, line.hash.clone());
        pending.push(NewEvent {
            line,
            broken: first_break.clone(),
        });
        if pending.len() == ROWS_PER_INSERT {
            insert(&mut **tx, &pending, now).await?;
            pending.clear();
        }
        stored.stored += 1;
        if line.seq >= chain.last_seq {
            chain.last_seq = line.seq;
            chain.last_hash = line.hash.clone();
        }
        chain.chained |= line.chained;
        if chain.broken.is_none() {
            chain.broken = first_break;
        }
        chain.known = false;
    }
    insert(&mut **tx, &pending, now).await?;
    for ((learner, lesson), chain) in chains {
        if chain.known {
            continue;
        }
        sqlx::query(
            "INSERT INTO chains (learner, lesson, last_seq, last_hash, chained, broken) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (learner, lesson) DO UPDATE SET last_seq = excluded.last_seq, \
             last_hash = excluded.last_hash, chained = excluded.chained, broken = excluded.broken",
        )
        .bind(learner)
        .bind(lesson)
        .bind(chain.last_seq)
        .bind(chain.last_hash)
        .bind(i64::from(chain.chained))
        .bind(chain.broken)
        .execute(&mut **tx)
        .await?;
    }
    Ok(stored)
}
    };
}

// SQLite has one writer: the in-process lock in `Store::append` orders the writes.
append_in!(append_sqlite, sqlx::Sqlite, None::<&str>, false);
append_in!(
    append_postgres,
    sqlx::Postgres,
    Some("SELECT pg_advisory_xact_lock(hashtextextended($1, 7474))"),
    true
);

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
