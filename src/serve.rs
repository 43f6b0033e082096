//! `labrun serve`: the class server. Learners' sessions send their progress-log lines as they
//! are written; the server stores them as received (`store`), folds them into the class's
//! report as they arrive (`class`), answers the instructor's reports and streams changes to
//! the live dashboard (`api`, `dashboard`).
//!
//! What it trusts: a learner's token writes only that learner's events; each learner's
//! chain is followed as lines arrive (`store/append.rs`), so an edited, removed or
//! reordered line shows as `integrity: broken`; and what arrived while the session ran is
//! `evidence: live`, whatever a file says later.

mod api;
mod class;
mod dashboard;
mod roster;
mod store;
mod tokens;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};

pub use api::{EVENTS_LIMIT, IMPORT_LIMIT};
pub use store::redact;

/// How `labrun serve` runs.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: String,
    /// `sqlite://PATH` or `postgres://...`.
    pub database: String,
    /// From `LABRUN_INSTRUCTOR_TOKEN` and `LABRUN_CLASS_CODE`, when set.
    pub instructor_token: Option<String>,
    pub class_code: Option<String>,
    /// A roster file to make the class's roster (see `roster`).
    pub roster: Option<std::path::PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Roster(#[from] roster::RosterError),
    #[error("cannot listen on `{address}`: {source}")]
    Listen {
        address: String,
        source: std::io::Error,
    },
    #[error("cannot make a token: {0}")]
    Random(getrandom::Error),
    #[error("cannot start: {0}")]
    Runtime(std::io::Error),
}

/// How long a client may take to send its request's headers: a client that sends a byte a
/// second is cut off, and takes no more of the server than its socket meanwhile.
const HEADER_TIME: Duration = Duration::from_secs(10);
/// How often a server looks for events another server stored in the same database.
const POLL: Duration = Duration::from_millis(500);

/// Runs the server until Ctrl-C. `say` gets the lines a person (or a script) reads on
/// stdout: first `listening on http://HOST:PORT`.
pub fn run(config: Config, mut say: impl FnMut(&str)) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    // A bad roster is refused before anything is opened.
    let roster = config.roster.as_deref().map(roster::read).transpose()?;
    runtime.block_on(async move {
        let store = store::Store::open(&config.database).await?;
        if let Some(names) = &roster {
            store.set_roster(names).await?;
        }
        let listener = tokio::net::TcpListener::bind(&config.listen)
            .await
            .map_err(|source| ServeError::Listen {
                address: config.listen.clone(),
                source,
            })?;
        let address = listener.local_addr().map_err(|source| ServeError::Listen {
            address: config.listen.clone(),
            source,
        })?;
        say(&format!("listening on http://{address}"));
        let (instructor_hash, instructor) =
            secret(&store, "instructor_token", config.instructor_token, false).await?;
        let (class_code_hash, class_code) =
            secret(&store, "class_code", config.class_code, true).await?;
        say(&format!(
            "database: {} ({})",
            store::redact(&config.database),
            store.kind()
        ));
        let names = store.roster().await?;
        match &class_code {
            _ if !names.is_empty() => say(
                "class code: not taken: this class has a roster, and each learner joins with their own code (below)",
            ),
            Some(code) => say(&format!(
                "class code: {code}   (learners: LABRUN_REPORT_TO=http://{address} LABRUN_CLASS_CODE={code} labrun start LESSON)"
            )),
            None => say("class code: the one printed when this database was made (set LABRUN_CLASS_CODE to choose one)"),
        }
        match &instructor {
            Some(token) => {
                say(&format!("instructor token: {token}"));
                say(&format!("dashboard: http://{address}/#token={token}"));
            }
            None => say(&format!(
                "instructor token: the one printed when this database was made (set LABRUN_INSTRUCTOR_TOKEN to choose one); dashboard: http://{address}/"
            )),
        }
        let roster_key = match store.setting("roster_key").await? {
            Some(key) => key,
            None => {
                let fresh = tokens::generate().map_err(ServeError::Random)?;
                store.setting_or_insert("roster_key", &fresh).await?
            }
        };
        if !names.is_empty() {
            say(&format!(
                "roster: {} learners; each joins with their own code, as LABRUN_CLASS_CODE (the class code is not taken):",
                names.len()
            ));
            for name in &names {
                say(&format!("  {name}  {}", roster::code(&roster_key, name)));
            }
        }
        let (server, queue) =
            api::Server::new(store, instructor_hash, class_code_hash, roster_key);
        let server = Arc::new(server);
        tokio::spawn(api::write_batches(Arc::clone(&server), queue));
        server.class.catch_up(&server.store).await?;
        let poller = Arc::clone(&server);
        tokio::spawn(async move {
            use futures_util::FutureExt;
            loop {
                tokio::time::sleep(POLL).await;
                // A bug while folding must not stop the polling for good.
                let caught = std::panic::AssertUnwindSafe(poller.class.catch_up(&poller.store))
                    .catch_unwind()
                    .await;
                if caught.is_err() {
                    crate::note!("folding the class's events failed (a bug in labrun); trying again");
                }
            }
        });
        serve(listener, api::router(server)).await;
        Ok(())
    })
}

/// The tokens a server checks: from the environment (stored hashed), else the stored hash,
/// else a new one, stored hashed and returned to be printed once.
async fn secret(
    store: &store::Store,
    key: &str,
    given: Option<String>,
    code: bool,
) -> Result<(String, Option<String>), ServeError> {
    if let Some(given) = given.filter(|given| !given.is_empty()) {
        let hash = tokens::hash(&given);
        store.set_setting(key, &hash).await?;
        return Ok((hash, Some(given)));
    }
    if let Some(hash) = store.setting(key).await? {
        return Ok((hash, None));
    }
    let fresh = if code {
        tokens::generate_code()
    } else {
        tokens::generate()
    }
    .map_err(ServeError::Random)?;
    let hash = store.setting_or_insert(key, &tokens::hash(&fresh)).await?;
    // Another server made one first: that one stands, and it printed it.
    let shown = (hash == tokens::hash(&fresh)).then_some(fresh);
    Ok((hash, shown))
}

/// Accepts connections until Ctrl-C, each served on its own task with a deadline for its
/// headers.
async fn serve(listener: tokio::net::TcpListener, router: axum::Router) {
    let shutdown = tokio::signal::ctrl_c();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer): (tokio::net::TcpStream, SocketAddr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors, say: wait a little rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => return,
        };
        let router = router.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
                // Who is asking: joins are rate-limited per address.
                request.extensions_mut().insert(api::Peer(peer.ip()));
                let mut router = router.clone();
                tower_service::Service::call(&mut router, request)
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIME)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The default database: `class.sqlite` in labrun's data folder.
pub fn default_database() -> String {
    let progress = crate::progress::default_dir();
    let data = progress
        .parent()
        .map_or(progress.clone(), |dir| dir.to_path_buf());
    format!("sqlite://{}", data.join("class.sqlite").display())
}
