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

use super::store::{Store, StoreError, StoredEvent};

pub struct Class {
    live: Mutex<Live>,
    /// Bumped after every change: what the dashboards' streams wait on.
    changed: watch::Sender<u64>,
}

struct Live {
    aggregate: Aggregate,
    /// The last stored event folded in.
    last_id: i64,
    /// Ids skipped over (with when): on PostgreSQL their events may still appear, when the
    /// transaction that took them commits.
    missing: HashMap<i64, i64>,
    version: u64,
}

/// How long an id skipped over is looked for, in milliseconds: far longer than any
/// transaction of the store.
const LOOKBACK_MS: i64 = 60_000;
/// The most skipped ids looked for at once.
const MAX_MISSING: usize = 10_000;

/// How many events are read from the store at once.
const PAGE: i64 = 20_000;

impl Class {
    pub fn new() -> Self {
        Self {
            live: Mutex::new(Live {
                aggregate: Aggregate::new(Filter::default()),
                last_id: 0,
                missing: HashMap::new(),
                version: 0,
            }),
            changed: watch::channel(0).0,
        }
    }

    /// Folds in every event stored since the last call; the class's version after (what
    /// the dashboards' streams announce).
    pub async fn catch_up(&self, store: &Store) -> Result<u64, StoreError> {
        let mut live = self.live.lock().await;
        let live = &mut *live;
        let now = jiff::Timestamp::now().as_millisecond();
        live.missing.retain(|_, since| *since > now - LOOKBACK_MS);
        let mut total = 0;
        loop {
            let missing: Vec<i64> = live.missing.keys().copied().collect();
            let events = store.events_after(live.last_id, &missing, PAGE).await?;
            let short = (events.len() as i64) < PAGE;
            for event in events {
                if live.missing.remove(&event.id).is_none() {
                    if event.id <= live.last_id {
                        continue;
                    }
                    // Ids between the last one and this one are not there (yet).
                    for gap in (live.last_id + 1..event.id).take(MAX_MISSING) {
                        if live.missing.len() < MAX_MISSING {
                            live.missing.insert(gap, now);
                        }
                    }
                    live.last_id = event.id;
                }
                total += 1;
                fold(&mut live.aggregate, event);
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
    pub async fn summary(&self, filter: &Filter) -> Summary {
        self.live.lock().await.aggregate.summary(filter)
    }

    /// A receiver that sees a new value after every change.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }
}

impl Default for Class {
    fn default() -> Self {
        Self::new()
    }
}

/// One stored line into the aggregate: its event, and what the store knows of its chain and
/// where it came from. A stand-in for a line of the learner's log that is no event only
/// kept the chain whole.
fn fold(aggregate: &mut Aggregate, event: StoredEvent) {
    let Ok(record) = serde_json::from_str::<Record>(&event.text) else {
        return;
    };
    // The store took it from this learner's token, for this lesson.
    if record.learner != event.learner || record.lesson != event.lesson {
        return;
    }
    let evidence = match event.evidence.as_str() {
        "live" => Provenance::Live,
        "late" => Provenance::Late,
        _ => Provenance::Imported,
    };
    let integrity = if event.broken.is_some() {
        Integrity::Broken
    } else if event.chained {
        Integrity::Ok
    } else {
        Integrity::Unchained
    };
    let (learner, lesson) = (record.learner.clone(), record.lesson.clone());
    aggregate.record(record);
    aggregate.received(&learner, &lesson, evidence, integrity, event.broken);
}
