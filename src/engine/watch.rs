//! Watching a step: while the learner sits at a step's menu, its checks re-run quietly in the
//! background — every few seconds, and as soon as a file in the lesson's folder changes — so
//! the step is verified the moment the work is done, without a key press (rustlings' watch
//! mode).
//!
//! The watcher only *detects*: when every check passes it says so, and the session then runs
//! the checks for the record, as if the learner had chosen `check`. A quiet failure is written
//! nowhere. Each try runs every check once (no `retry=`/`interval=` polling inside a try:
//! the watch is the polling), with its own executor on a thread of its own, stopped (and its
//! running command killed) when the menu returns.
//!
//! A failed try reports its [`Outcome::headline`](crate::exec::Outcome::headline), the one line
//! that says why; the terminal UI shows it as `not yet: …` (`ui/terminal/watch_menu.rs`).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::exec::{Executor, RunContext};
use crate::lesson::Block;

use super::vars::Vars;

/// How often checks re-run when none says `interval=`.
pub(super) const DEFAULT_EVERY: Duration = Duration::from_secs(3);

/// Makes the watcher's own executor: it runs on another thread than the session's.
pub type ExecutorFactory = Box<dyn Fn() -> Box<dyn Executor + Send>>;

/// What the watcher tells the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchEvent {
    /// A quiet try failed: the first line of why.
    NotYet(String),
    /// Every check passed: time to check for the record.
    Passed,
}

/// What the checks need to run away from the session.
pub struct Snapshot {
    pub vars: Vars,
    pub env: Vec<(String, String)>,
    pub env_remove: Vec<String>,
    pub cwd: PathBuf,
    /// Folders whose changes trigger a try at once (not their subfolders).
    pub folders: Vec<PathBuf>,
}

/// A running watch; dropping it stops the watch.
pub struct Watch {
    events: Receiver<WatchEvent>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// Kept alive for as long as the watch: dropping it ends the file notifications.
    _files: Option<notify::RecommendedWatcher>,
    every: Duration,
}

impl Watch {
    /// Starts watching `checks` with an executor of its own.
    pub fn start(
        checks: Vec<Block>,
        snapshot: Snapshot,
        mut exec: Box<dyn Executor + Send>,
    ) -> Self {
        let every = checks
            .iter()
            .filter_map(|block| block.attrs.interval)
            .min()
            .unwrap_or(DEFAULT_EVERY);
        // One try is one run of each check: the watch itself is the polling.
        let checks: Vec<Block> = checks
            .into_iter()
            .map(|mut block| {
                block.attrs.retry = None;
                block.attrs.interval = None;
                block
            })
            .collect();
        let (events_tx, events) = mpsc::channel();
        let (changed_tx, changed) = mpsc::channel::<()>();
        let files = watch_files(&snapshot.folders, changed_tx);
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("watch".into())
            .spawn(move || {
                run(
                    &checks,
                    &snapshot,
                    exec.as_mut(),
                    &flag,
                    every,
                    &changed,
                    &events_tx,
                );
            })
            .ok();
        Self {
            events,
            stop,
            thread,
            _files: files,
            every,
        }
    }

    /// What happened since the last call, if anything.
    pub fn poll(&self) -> Option<WatchEvent> {
        self.events.try_recv().ok()
    }

    /// How often the checks re-run without a file change.
    pub fn every(&self) -> Duration {
        self.every
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Tells `changed` of every change in `folders`; `None` when the platform cannot (the timer
/// still runs the checks).
fn watch_files(folders: &[PathBuf], changed: Sender<()>) -> Option<notify::RecommendedWatcher> {
    use notify::{RecursiveMode, Watcher};
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|event| !event.kind.is_access()) {
            let _ = changed.send(());
        }
    })
    .ok()?;
    for folder in folders {
        // Not recursive: a cloned repository may hold more folders than the system lets one
        // process watch. Changes deeper down are seen at the next tick.
        let _ = watcher.watch(folder, RecursiveMode::NonRecursive);
    }
    Some(watcher)
}

fn run(
    checks: &[Block],
    snapshot: &Snapshot,
    exec: &mut dyn Executor,
    stop: &AtomicBool,
    every: Duration,
    changed: &Receiver<()>,
    events: &Sender<WatchEvent>,
) {
    let vars = &snapshot.vars;
    let lookup = |name: &str| vars.resolve(name);
    let context = RunContext {
        vars: &lookup,
        env: &snapshot.env,
        env_remove: &snapshot.env_remove,
        secrets: vars.secrets(),
        cwd: &snapshot.cwd,
        interrupt: stop,
    };
    let mut next = Instant::now() + every;
    loop {
        // Wait for the tick or a change, looking at the stop flag often.
        loop {
            if stop.load(Ordering::SeqCst) {
                return;
            }
            let left = next.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match changed.recv_timeout(left.min(Duration::from_millis(100))) {
                Ok(()) => {
                    // An editor writes a file in bursts: let it finish.
                    std::thread::sleep(Duration::from_millis(50));
                    while changed.try_recv().is_ok() {}
                    break;
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {}
            }
        }
        let mut failure = None;
        for block in checks {
            let run = exec.run(block, &context, &mut |_| {});
            if stop.load(Ordering::SeqCst) || run.interrupted {
                return;
            }
            if let Some(headline) = run.outcome.headline().filter(|_| !block.attrs.optional) {
                let headline = if headline.trim().is_empty() {
                    "not yet"
                } else {
                    headline
                };
                failure = Some(vars.secrets().mask(headline).into_owned());
                break;
            }
        }
        // What the checks did to the folder (a temporary file) is not the learner's change.
        while changed.try_recv().is_ok() {}
        let event = match failure {
            None => WatchEvent::Passed,
            Some(reason) => WatchEvent::NotYet(reason),
        };
        let passed = event == WatchEvent::Passed;
        if events.send(event).is_err() || passed {
            return;
        }
        next = Instant::now() + every;
    }
}
