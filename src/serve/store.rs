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
//!   a retried batch never doubles an event. Its `kind` says what a row is (see [`Kind`]): an
//!   event, the stand-in for a line of the log that is none, or, at `seq` 0, the notice of a
//!   break found with no new line to hold it (a line sent again with other content). On
//!   PostgreSQL `tx` is the id of the transaction that stored the row: a reader takes a row only
//!   once every transaction that could come before it has ended (see [`Store::events_after`]);
//! - `chains`: per learner and lesson, the last line received and whether the chain broke;
//! - `roster`: the names of a class with a roster (`serve --roster`): only they join, each
//!   with their own code (see `super::roster`).

use std::path::Path;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::{Executor, Row};

mod append;
mod rows;
mod schema;
#[cfg(test)]
mod tests;

use append::{append_postgres, append_sqlite};
use rows::RowAccess;
use schema::{MIGRATIONS, Migration};

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
pub(super) enum Store {
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
pub(super) struct Line {
    pub learner: String,
    pub lesson: String,
    /// Its place in the learner's log, from 1.
    pub seq: i64,
    /// The line as received.
    pub text: String,
    /// SHA-256 of the line as it is in the learner's log, hex.
    pub hash: String,
    /// An event, or the stand-in for a line of the log that is none.
    pub kind: Kind,
    /// Whether the line carried `seq` and `prev` (logs from before chaining do not).
    pub chained: bool,
    /// The `prev` it carried.
    pub prev: Option<String>,
    /// Where it came from: `live` (received while its session ran), `late`, `imported`.
    pub evidence: &'static str,
}

/// What a row of `events` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A progress event, as the learner's log has it.
    Event,
    /// A line of the log that is no event (blank, torn by a crash, refused): only its hash,
    /// which keeps the chain whole.
    StandIn,
    /// At `seq` 0: the chain broke with no new line to show it (a line sent again with other
    /// content is not stored). Only the first break of a chain is kept, so there is one at
    /// most.
    Break,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Event => "event",
            Self::StandIn => "stand-in",
            Self::Break => "break",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "event" => Self::Event,
            "break" => Self::Break,
            _ => Self::StandIn,
        }
    }
}

/// Where a reader of `events` is: the last row read, by the transaction that stored it and
/// its id (on SQLite, which writes one transaction at a time, both are the id).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Cursor {
    pub tx: i64,
    pub id: i64,
}

/// What storing a batch did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub(super) struct Stored {
    /// Lines stored.
    pub stored: usize,
    /// Lines already stored (a retry), skipped.
    pub duplicates: usize,
}

/// An event as stored, for the class's live state.
#[derive(Debug, Clone)]
pub(super) struct StoredEvent {
    /// Where a reader is once it has read this row.
    pub cursor: Cursor,
    pub kind: Kind,
    pub learner: String,
    pub lesson: String,
    pub text: String,
    pub evidence: String,
    pub chained: bool,
    pub broken: Option<String>,
}

impl Store {
    /// Opens (creating it when it is a SQLite file) the database at `url` and brings its
    /// tables up to date.
    pub(super) async fn open(url: &str) -> Result<Self, StoreError> {
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

    /// On SQLite, the lock that orders writes: one writer at a time (a write between
    /// another transaction's read and its write would fail it). None on PostgreSQL.
    async fn one_writer(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self {
            Store::Sqlite { writer, .. } => Some(writer.lock().await),
            Store::Postgres(_) => None,
        }
    }

    pub(super) fn kind(&self) -> &'static str {
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
                run_migrations!(tx, None::<&str>, Migration::sqlite)
            }
            Store::Postgres(pool) => {
                // Several servers may start at once on one database.
                let mut tx = pool.begin().await?;
                run_migrations!(
                    tx,
                    Some("SELECT pg_advisory_xact_lock(7474)"),
                    Migration::postgres
                )
            }
        };
        if found > known {
            return Err(StoreError::Newer { found, known });
        }
        Ok(())
    }

    pub(super) async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let sql = "SELECT value FROM settings WHERE key = $1";
        Ok(on_pool!(self, pool => sqlx::query(sql)
            .bind(key)
            .fetch_optional(pool)
            .await?
            .map(|row| row.get::<String, _>(0))))
    }

    /// Sets `key` unless it is set; the value it has after.
    pub(super) async fn setting_or_insert(
        &self,
        key: &str,
        value: &str,
    ) -> Result<String, StoreError> {
        let sql = "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING";
        on_pool!(self, pool => {
            sqlx::query(sql).bind(key).bind(value).execute(pool).await?;
        });
        Ok(self.setting(key).await?.unwrap_or_default())
    }

    pub(super) async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let sql = "INSERT INTO settings (key, value) VALUES ($1, $2) \
                   ON CONFLICT (key) DO UPDATE SET value = excluded.value";
        on_pool!(self, pool => {
            sqlx::query(sql).bind(key).bind(value).execute(pool).await?;
        });
        Ok(())
    }

    /// Binds a learner's name to a token; false when the name is taken.
    pub(super) async fn join(&self, learner: &str, token_hash: &str) -> Result<bool, StoreError> {
        let sql = "INSERT INTO learners (name, token_hash, joined_at) VALUES ($1, $2, $3) \
                   ON CONFLICT (name) DO NOTHING";
        let now = jiff::Timestamp::now().to_string();
        let _write = self.one_writer().await;
        let done = on_pool!(self, pool => sqlx::query(sql)
            .bind(learner)
            .bind(token_hash)
            .bind(&now)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(done == 1)
    }

    /// One more token for a learner of a roster, who proved their name with their own code:
    /// each of their machines has its own, and all of them work.
    pub(super) async fn rejoin(&self, learner: &str, token_hash: &str) -> Result<(), StoreError> {
        let sql = "INSERT INTO learner_tokens (token_hash, learner, joined_at) VALUES ($2, $1, $3)";
        let now = jiff::Timestamp::now().to_string();
        let _write = self.one_writer().await;
        on_pool!(self, pool => {
            sqlx::query(sql)
                .bind(learner)
                .bind(token_hash)
                .bind(&now)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The class's roster: the only names that may join, when it has one.
    pub(super) async fn roster(&self) -> Result<Vec<String>, StoreError> {
        let sql = "SELECT name FROM roster ORDER BY name";
        Ok(on_pool!(self, pool => sqlx::query(sql)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|row| row.get::<String, _>(0))
            .collect()))
    }

    /// Whether the class has a roster, and whether `name` is on it.
    pub(super) async fn on_roster(&self, name: &str) -> Result<(bool, bool), StoreError> {
        let sql =
            "SELECT (SELECT COUNT(*) FROM roster), (SELECT COUNT(*) FROM roster WHERE name = $1)";
        let (all, this) = on_pool!(self, pool => {
            let row = sqlx::query(sql).bind(name).fetch_one(pool).await?;
            (row.get::<i64, _>(0), row.get::<i64, _>(1))
        });
        Ok((all > 0, this > 0))
    }

    /// Makes `names` the class's roster (none: anyone with the class code joins). A roster
    /// that changes revokes every learner token: whoever joined before it (a classmate under
    /// someone's name included) joins again, with their own code. Learners' labrun does so by
    /// itself at its next send.
    pub(super) async fn set_roster(&self, names: &[String]) -> Result<(), StoreError> {
        let mut wanted = names.to_vec();
        wanted.sort();
        wanted.dedup();
        if self.roster().await? == wanted {
            return Ok(());
        }
        let _write = self.one_writer().await;
        macro_rules! replace {
            ($tx:ident) => {{
                $tx.execute("DELETE FROM roster").await?;
                $tx.execute("DELETE FROM learner_tokens").await?;
                $tx.execute("DELETE FROM learners").await?;
                for name in names {
                    sqlx::query(
                        "INSERT INTO roster (name) VALUES ($1) ON CONFLICT (name) DO NOTHING",
                    )
                    .bind(name)
                    .execute(&mut *$tx)
                    .await?;
                }
                $tx.commit().await?;
            }};
        }
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            replace!(tx)
        });
        Ok(())
    }

    /// The learner a token hash belongs to.
    pub(super) async fn learner_of(&self, token_hash: &str) -> Result<Option<String>, StoreError> {
        let sql = "SELECT name FROM learners WHERE token_hash = $1 \
                   UNION SELECT learner FROM learner_tokens WHERE token_hash = $1";
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
    pub(super) async fn append(&self, lines: &[Line]) -> Result<Stored, StoreError> {
        let stored = self.append_batches(&[lines]).await?;
        Ok(stored.into_iter().next().unwrap_or_default())
    }

    /// [`append`](Self::append) for several batches in one transaction (one commit to disk
    /// for many learners' batches): what each one did.
    pub(super) async fn append_batches(
        &self,
        batches: &[&[Line]],
    ) -> Result<Vec<Stored>, StoreError> {
        let now = jiff::Timestamp::now().as_millisecond();
        let mut stored = Vec::with_capacity(batches.len());
        // A failed transaction is rolled back before the error goes up: dropped, it would
        // be rolled back only when its connection is next used, and on SQLite it would hold
        // the write lock until then, so the retry of each batch alone would wait it out and
        // fail "database is locked".
        macro_rules! in_transaction {
            ($pool:ident, $append:ident) => {{
                let mut tx = $pool.begin().await?;
                let mut result = Ok(());
                for lines in batches {
                    match $append(&mut tx, lines, now).await {
                        Ok(one) => stored.push(one),
                        Err(error) => {
                            result = Err(error);
                            break;
                        }
                    }
                }
                match result {
                    Ok(()) => tx.commit().await?,
                    Err(error) => {
                        let _ = tx.rollback().await;
                        return Err(error.into());
                    }
                }
            }};
        }
        match self {
            Store::Sqlite { pool, writer } => {
                let _write = writer.lock().await;
                in_transaction!(pool, append_sqlite);
            }
            Store::Postgres(pool) => in_transaction!(pool, append_postgres),
        }
        Ok(stored)
    }

    /// Rows stored after `cursor`, at most `limit`, in the order a reader must take them.
    ///
    /// SQLite writes one transaction at a time, so its ids appear in order. On PostgreSQL a
    /// transaction that took its ids first may commit after one that took later ids, so rows
    /// come in the order of the transactions that stored them, and only those of transactions
    /// older than every transaction still running: no row can appear later behind the cursor.
    /// A long transaction (a big import) holds the others' rows back until it ends; none is
    /// ever skipped.
    pub(super) async fn events_after(
        &self,
        cursor: Cursor,
        limit: i64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        // Rows of `COLUMNS` and the transaction (NULL on SQLite), of either database.
        fn read<R: RowAccess>(rows: Vec<R>) -> Vec<StoredEvent> {
            let read = |row: &R| {
                let id = row.int(0);
                StoredEvent {
                    cursor: Cursor {
                        tx: row.optional_int(8).unwrap_or(id),
                        id,
                    },
                    kind: Kind::parse(&row.text(7)),
                    learner: row.text(1),
                    lesson: row.text(2),
                    text: row.text(3),
                    evidence: row.text(4),
                    chained: row.int(5) != 0,
                    broken: row.optional_text(6),
                }
            };
            rows.iter().map(read).collect()
        }
        const COLUMNS: &str = "SELECT id, learner, lesson, line, evidence, chained, broken, kind";
        Ok(match self {
            Store::Sqlite { pool, .. } => read(
                sqlx::query(&format!(
                    "{COLUMNS}, NULL FROM events WHERE id > $1 ORDER BY id LIMIT $2"
                ))
                .bind(cursor.id)
                .bind(limit)
                .fetch_all(pool)
                .await?,
            ),
            Store::Postgres(pool) => read(
                sqlx::query(&format!(
                    "{COLUMNS}, tx FROM events \
                     WHERE (tx, id) > ($1, $2) \
                     AND tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint \
                     ORDER BY tx, id LIMIT $3"
                ))
                .bind(cursor.tx)
                .bind(cursor.id)
                .bind(limit)
                .fetch_all(pool)
                .await?,
            ),
        })
    }
}

/// A SQLite database in a folder of its own, and a runtime to use it from a test: the folder
/// goes when the first value is dropped.
#[cfg(test)]
pub(super) fn scratch() -> (tempfile::TempDir, String, tokio::runtime::Runtime) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("class.sqlite").display());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    (dir, url, runtime)
}

/// A database URL without its passwords, for messages: the one after the user name, and
/// any query parameter whose name says password (`?password=`, `&sslpassword=`).
pub fn redact(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let mut redacted = match (base.find("://"), base.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &base[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &base[..scheme + 3], &base[at..]),
                None => base.to_owned(),
            }
        }
        _ => base.to_owned(),
    };
    if let Some(query) = query {
        let parameters: Vec<String> = query
            .split('&')
            .map(|parameter| match parameter.split_once('=') {
                Some((name, _)) if name.to_ascii_lowercase().contains("password") => {
                    format!("{name}=***")
                }
                _ => parameter.to_owned(),
            })
            .collect();
        redacted.push('?');
        redacted.push_str(&parameters.join("&"));
    }
    redacted
}
