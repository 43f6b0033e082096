//! [`Store::append`](super::Store::append) inside its transaction: each line checked against
//! its learner's chain (what came before, by place and hash), stored with why the chain broke
//! if it did, and the chains brought up to date. One body, compiled for each database by
//! `append_in!`: sqlx gives each its own connection and row types.

use std::collections::HashMap;

use sqlx::Row;

use super::{Kind, Line, Stored};

/// The chain of one learner's lesson as the store has it.
#[derive(Debug, Clone, Default)]
pub(super) struct ChainRow {
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

impl ChainRow {
    /// Why `line` breaks the chain it arrives in, or `None`: a line missing before it, a line
    /// that comes again or too late, an event without `seq` among chained ones, or a `prev`
    /// that is not the hash of the line before. The rule `progress::Chain` applies to a log
    /// file, applied here to lines as they reach the server.
    fn why_broken(&self, line: &Line) -> Option<String> {
        // Places come checked from the API; saturating, a bad one breaks a chain, not the
        // server.
        let expected = self.last_seq.saturating_add(1);
        if line.seq > expected {
            Some(format!(
                "line {} came after line {}: {} missing",
                line.seq,
                self.last_seq,
                if line.seq - expected == 1 {
                    format!("line {expected} is")
                } else {
                    format!("lines {expected} to {} are", line.seq.saturating_sub(1))
                }
            ))
        } else if line.seq < expected {
            Some(format!(
                "line {} came after line {}",
                line.seq, self.last_seq
            ))
        } else if line.kind == Kind::Event && !line.chained && self.chained {
            Some(format!(
                "line {} is an event with no `seq` among chained ones",
                line.seq
            ))
        } else if line.chained && line.seq > 1 && line.prev.as_deref() != Some(&self.last_hash) {
            Some(format!(
                "line {}'s `prev` does not match line {}",
                line.seq, self.last_seq
            ))
        } else {
            None
        }
    }
}

/// Rows of `events` inserted by one statement: well below both databases' limits on
/// parameters.
pub(super) const ROWS_PER_INSERT: usize = 400;

/// One row of `events` waiting to be inserted.
pub(super) struct NewEvent<'l> {
    line: &'l Line,
    broken: Option<String>,
}

/// [`Store::append`](super::Store::append) inside its transaction: one body, compiled for each database.
macro_rules! append_in {
    ($name:ident, $db:ty, $lock:expr, $numbered:expr) => {
        pub(super) async fn $name(
            tx: &mut sqlx::Transaction<'_, $db>,
            lines: &[Line],
            now: i64,
        ) -> Result<Stored, sqlx::Error> {
            let mut chains: HashMap<(String, String), ChainRow> = HashMap::new();
            let mut stored = Stored::default();
            let mut pending: Vec<NewEvent<'_>> = Vec::with_capacity(ROWS_PER_INSERT);
            let mut notices: Vec<Line> = Vec::new();
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
                    "INSERT INTO events (learner, lesson, seq, line, hash, evidence, chained, broken, received_ms, kind) VALUES ",
                );
                for index in 0..rows.len() {
                    let first = index * 10;
                    if index > 0 {
                        sql.push(',');
                    }
                    sql.push('(');
                    for column in 1..=10 {
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
                        .bind(now)
                        .bind(row.line.kind.as_str());
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
                        let why = format!("line {} was sent again with other content", line.seq);
                        // The line is not stored: a row of its own tells readers of the break.
                        notices.push(Line {
                            seq: 0,
                            text: String::new(),
                            hash: String::new(),
                            kind: Kind::Break,
                            chained: false,
                            prev: None,
                            ..line.clone()
                        });
                        chain.broken = Some(why);
                        chain.known = false;
                    }
                    stored.duplicates += 1;
                    continue;
                }
                let why = chain.why_broken(line);
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
            for notice in &notices {
                let broken = chains
                    .get(&(notice.learner.clone(), notice.lesson.clone()))
                    .and_then(|chain| chain.broken.clone());
                insert(&mut **tx, &[NewEvent { line: notice, broken }], now).await?;
            }
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
