//! The class as it stands: every stored event folded into a report's [`Aggregate`], kept up
//! to date from the store as events arrive, so a report of ten thousand learners is made
//! from memory; and a signal the dashboards' streams wait on.
//!
//! The store is the truth: a server that starts reads every event once, and one of several
//! servers on a PostgreSQL database learns of the events the others stored by polling
//! ([`Class::catch_up`] on a timer).

use std::collections::HashMap;

use tokio::sync::{Mutex, watch};

use crate::progress::{Integrity, Record};
use crate::report::{Aggregate, Filter, Provenance, Summary};

use super::store::{Cursor, Kind, Store, StoreError, StoredEvent};

pub(super) struct Class {
    live: Mutex<Live>,
    /// Bumped after every change: what the dashboards' streams wait on.
    changed: watch::Sender<u64>,
}

struct Live {
    aggregate: Aggregate,
    /// The last stored row folded in.
    cursor: Cursor,
    /// The first break of each learner's lesson, by learner and lesson: a break may come
    /// before the learner's first event (on a stand-in), and holds for every event after.
    breaks: HashMap<(String, String), String>,
    version: u64,
}

/// How many rows are read from the store at once.
const PAGE: i64 = 20_000;

impl Class {
    pub(super) fn new() -> Self {
        Self {
            live: Mutex::new(Live {
                aggregate: Aggregate::new(Filter::default()),
                cursor: Cursor::default(),
                breaks: HashMap::new(),
                version: 0,
            }),
            changed: watch::channel(0).0,
        }
    }

    /// Folds in every row stored since the last call; the class's version after (what
    /// the dashboards' streams announce).
    pub(super) async fn catch_up(&self, store: &Store) -> Result<u64, StoreError> {
        let mut live = self.live.lock().await;
        let live = &mut *live;
        let mut total = 0;
        loop {
            let rows = store.events_after(live.cursor, PAGE).await?;
            let short = (rows.len() as i64) < PAGE;
            for row in rows {
                let cursor = row.cursor;
                live.fold(row);
                live.cursor = live.cursor.max(cursor);
                total += 1;
            }
            if short {
                break;
            }
        }
        if total > 0 {
            live.version += 1;
            self.changed.send_replace(live.version);
        }
        Ok(live.version)
    }

    /// The report, as `labrun report` would make it of the same logs.
    pub(super) async fn summary(&self, filter: &Filter) -> Summary {
        self.live.lock().await.aggregate.summary(filter)
    }

    /// A receiver that sees a new value after every change.
    pub(super) fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }
}

impl Default for Class {
    fn default() -> Self {
        Self::new()
    }
}

impl Live {
    /// One stored row into the aggregate: an event, with what the store knows of its chain
    /// and where it came from; a stand-in or a break notice only tells of the chain.
    fn fold(&mut self, row: StoredEvent) {
        let key = (row.learner.clone(), row.lesson.clone());
        if let Some(why) = row.broken.clone() {
            self.breaks.entry(key.clone()).or_insert(why);
        }
        let broken = self.breaks.get(&key).cloned();
        let evidence = match row.evidence.as_str() {
            "live" => Provenance::Live,
            "late" => Provenance::Late,
            _ => Provenance::Imported,
        };
        let integrity = if broken.is_some() {
            Integrity::Broken
        } else if row.chained {
            Integrity::Ok
        } else {
            Integrity::Unchained
        };
        if row.kind != Kind::Event {
            // A learner with events already shows the break now; one with none yet, at
            // their first event.
            if broken.is_some() {
                self.aggregate
                    .received(&key.0, &key.1, evidence, Integrity::Broken, broken);
            }
            return;
        }
        let Ok(record) = serde_json::from_str::<Record>(&row.text) else {
            return;
        };
        // The store took it from this learner's token, for this lesson.
        if record.learner != row.learner || record.lesson != row.lesson {
            return;
        }
        self.aggregate.record(record);
        self.aggregate
            .received(&key.0, &key.1, evidence, integrity, broken);
    }
}
