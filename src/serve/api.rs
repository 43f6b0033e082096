//! The HTTP API (v1) and the dashboard's routes.
//!
//! | route | who | what |
//! | --- | --- | --- |
//! | `POST /api/v1/join` | anyone with the class code (with a roster: their own code) | a learner token bound to a name |
//! | `POST /api/v1/events?from=N` | a learner | lines of their log, from line `N` |
//! | `POST /api/v1/import` | the instructor | whole log files collected by hand |
//! | `GET /api/v1/report` | the instructor | the JSON of `labrun report --format json` |
//! | `GET /api/v1/stream` | the instructor (`?token=`: a browser's stream sets no header) | server-sent events: `change` after each |
//! | `GET /` | anyone (its data needs the instructor token) | the live dashboard |
//!
//! Errors are JSON, `{"error": "..."}`: 400 for a batch that cannot be read (naming its first
//! bad line, also as `"line": N`; nothing of it is stored), 401 for a missing or wrong token,
//! 403 for a line of another learner, 409 for a name already taken, 413 over the size limit,
//! 408 for a body that does not arrive in time, 429 over the rate limit, 503 when the
//! database fails (what failed goes to the server's log, not to the client).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::progress::{FORMAT_VERSION, Record, check_lesson_id};
use crate::report::{Filter, parse_since};
use crate::serve::store::Kind;

use super::class::Class;
use super::store::{Line, Store, StoreError, Stored};
use super::{roster, tokens};

mod ingest;
mod read;
#[cfg(test)]
mod tests;

use ingest::{events, import};
use read::{report, stream};

/// The largest batch of a learner's events, and of an import request.
pub const EVENTS_LIMIT: usize = 4 * 1024 * 1024;
pub const IMPORT_LIMIT: usize = 64 * 1024 * 1024;
/// The most bytes of learners' batches being read or waiting to be stored at once, counted
/// [`ROOM_PER_BODY_BYTE`] to a byte of body: memory stays bounded whatever the number of
/// learners (a batch beyond waits for room before its body is read).
const QUEUED_BYTES: usize = 512 * 1024 * 1024;
const ROOM_PER_BODY_BYTE: usize = 3;
/// The last line a log may have: far beyond any real log, far below where arithmetic on a
/// place could overflow.
pub(super) const MAX_LINE: i64 = 1 << 40;
/// Rate buckets kept before the full ones (idle long enough to have refilled) are dropped.
const RATES_KEPT: usize = 10_000;
/// How long a request body may take to arrive.
const BODY_TIME: Duration = Duration::from_secs(30);
/// An event a session sends within this time of writing it was received while the session
/// ran (`live`); later, or sent by `labrun sync`, it is `late`.
const LIVE_WINDOW_SECONDS: i64 = 120;
/// The header that says who sends a batch: `session` for a running session.
pub(super) const SENT_BY: &str = "x-labrun-sent-by";
/// Requests a token may make in a burst, and per second after.
const BURST: f64 = 120.0;
const PER_SECOND: f64 = 60.0;
/// Joins one address may make in a burst, and per second after.
const JOIN_BURST: f64 = 2_000.0;
const JOIN_PER_SECOND: f64 = 200.0;

/// What every handler shares.
pub(super) struct Server {
    pub store: Store,
    pub class: Class,
    /// Learners' batches on their way to the store (see [`write_batches`]).
    writes: tokio::sync::mpsc::Sender<Write>,
    /// Room for batches waiting to be stored, in bytes (see [`QUEUED_BYTES`]).
    queued: Arc<tokio::sync::Semaphore>,
    /// Hashes of the instructor token and the class code.
    pub instructor_hash: String,
    pub class_code_hash: String,
    /// The key a roster's codes are derived from.
    roster_key: String,
    rates: std::sync::Mutex<HashMap<String, Bucket>>,
}

impl Server {
    /// The server, and the queue of learners' batches that [`write_batches`] drains.
    pub(super) fn new(
        store: Store,
        instructor_hash: String,
        class_code_hash: String,
        roster_key: String,
    ) -> (Self, tokio::sync::mpsc::Receiver<Write>) {
        let (writes, queue) = tokio::sync::mpsc::channel(WRITE_QUEUE);
        let server = Self {
            store,
            class: Class::new(),
            writes,
            queued: Arc::new(tokio::sync::Semaphore::new(QUEUED_BYTES)),
            instructor_hash,
            class_code_hash,
            roster_key,
            rates: std::sync::Mutex::new(HashMap::new()),
        };
        (server, queue)
    }
}

/// A learner's batch waiting to be stored, and who waits for the answer.
pub(super) struct Write {
    lines: Vec<Line>,
    /// Its room in the queue, given back once it is stored.
    _room: tokio::sync::OwnedSemaphorePermit,
    /// What the batch did, and the class's version that holds it.
    reply: tokio::sync::oneshot::Sender<Result<(Stored, u64), String>>,
}

/// Batches queued at most, and stored in one transaction at most.
const WRITE_QUEUE: usize = 4096;
const BATCHES_PER_COMMIT: usize = 512;

/// Stores learners' batches as they come, all those waiting in one transaction: with a
/// thousand learners sending at once, one commit to disk serves many of them. If the
/// transaction fails, each batch is tried alone, so one bad batch fails only itself. A group
/// whose storing panics (a bug) fails its own requests with a 500 and the writer goes on.
pub(super) async fn write_batches(
    server: Arc<Server>,
    mut queue: tokio::sync::mpsc::Receiver<Write>,
) {
    use futures_util::FutureExt;
    while let Some(first) = queue.recv().await {
        let mut group = vec![first];
        while group.len() < BATCHES_PER_COMMIT {
            match queue.try_recv() {
                Ok(write) => group.push(write),
                Err(_) => break,
            }
        }
        let stored = std::panic::AssertUnwindSafe(write_group(&server, group)).catch_unwind();
        if stored.await.is_err() {
            crate::note!("a batch of learners' events could not be stored (a bug in labrun)");
        }
    }
}

/// Stores one group of batches and answers each one's request.
async fn write_group(server: &Server, group: Vec<Write>) {
    let batches: Vec<&[Line]> = group.iter().map(|write| write.lines.as_slice()).collect();
    let stored = match server.store.append_batches(&batches).await {
        Ok(stored) => stored.into_iter().map(Ok).collect(),
        Err(_) => {
            let mut alone = Vec::with_capacity(group.len());
            for write in &group {
                alone.push(
                    server
                        .store
                        .append(&write.lines)
                        .await
                        .map_err(|error| hidden(&error)),
                );
            }
            alone
        }
    };
    // One fold into the class's report for the whole group.
    let version = server
        .class
        .catch_up(&server.store)
        .await
        .map_err(|error| hidden(&error));
    for (write, stored) in group.into_iter().zip(stored) {
        let answer = match (&version, stored) {
            (Ok(version), Ok(stored)) => Ok((stored, *version)),
            (Err(error), _) => Err(error.clone()),
            (_, Err(error)) => Err(error),
        };
        let _ = write.reply.send(answer);
    }
}

pub(super) fn router(server: Arc<Server>) -> axum::Router {
    axum::Router::new()
        .route("/", get(super::dashboard::page))
        .route("/dashboard.js", get(super::dashboard::script))
        .route("/api/v1/join", post(join))
        .route("/api/v1/events", post(events))
        .route("/api/v1/import", post(import))
        .route("/api/v1/report", get(report))
        .route("/api/v1/stream", get(stream))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "no such route") })
        .with_state(server)
}

/// An error as the API answers it.
#[derive(Debug)]
pub(super) struct ApiError {
    status: StatusCode,
    message: String,
    /// The line of the batch it is about, from 1: a learner's labrun sends that line as a
    /// stand-in next time, so one refused line never holds the rest of a log back.
    line: Option<usize>,
    /// Every bad line of the batch, when there are several.
    lines: Vec<usize>,
}

impl ApiError {
    pub(super) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            line: None,
            lines: Vec::new(),
        }
    }

    fn bad(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// About line `number` of a batch.
    fn at_line(mut self, number: usize) -> Self {
        self.line = Some(number);
        self
    }
}

/// What a client is told of a database error: that it failed, not how (its text may name
/// tables, hosts or users); the server's log has the rest.
fn hidden(error: &StoreError) -> String {
    crate::note!("{error}");
    "the database failed: try again later (the server's log says why)".to_owned()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = match self.line {
            Some(line) => {
                serde_json::json!({ "error": self.message, "line": line, "lines": self.lines })
            }
            None => serde_json::json!({ "error": self.message }),
        };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, hidden(&error))
    }
}

/// A token bucket per token: a client that floods is slowed, the others are not.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
    burst: f64,
    per_second: f64,
}

impl Bucket {
    /// Whether it would be full by `now`: the same as no bucket.
    fn full_at(&self, now: Instant) -> bool {
        self.tokens + now.duration_since(self.at).as_secs_f64() * self.per_second >= self.burst
    }
}

impl Server {
    fn rate(&self, token_hash: &str) -> Result<(), ApiError> {
        self.take(token_hash, BURST, PER_SECOND)
    }

    /// Joins from one address: a whole class may join at once.
    fn rate_joins(&self, address: &str) -> Result<(), ApiError> {
        self.take(&format!("join {address}"), JOIN_BURST, JOIN_PER_SECOND)
    }

    /// [`rate_joins`](Self::rate_joins) by where a request came from: an IPv6 client is
    /// counted by its /64 network, the block one machine is given, so rotating through
    /// its addresses gains nothing.
    fn rate_joins_from(&self, peer: Option<std::net::IpAddr>) -> Result<(), ApiError> {
        let address = match peer.map(|ip| ip.to_canonical()) {
            Some(std::net::IpAddr::V6(ip)) => {
                let [a, b, c, d, ..] = ip.segments();
                format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
            }
            Some(ip) => ip.to_string(),
            None => String::new(),
        };
        self.rate_joins(&address)
    }

    fn take(&self, key: &str, burst: f64, per_second: f64) -> Result<(), ApiError> {
        let mut rates = self
            .rates
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let now = Instant::now();
        if rates.len() >= RATES_KEPT && !rates.contains_key(key) {
            // A bucket idle long enough to be full again is the same as none.
            rates.retain(|_, bucket| !bucket.full_at(now));
            if rates.len() >= RATES_KEPT * 10 {
                // More clients busy at once than any class: new ones wait.
                return Err(ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too many clients at once: try again in a moment",
                ));
            }
        }
        let bucket = rates.entry(key.to_owned()).or_insert(Bucket {
            tokens: burst,
            at: now,
            burst,
            per_second,
        });
        let refill = now.duration_since(bucket.at).as_secs_f64() * per_second;
        bucket.tokens = (bucket.tokens + refill).min(burst);
        bucket.at = now;
        if bucket.tokens < 1.0 {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too many requests for this token: slow down",
            ));
        }
        bucket.tokens -= 1.0;
        Ok(())
    }

    /// The instructor, by `Authorization: Bearer`, or by `?token=` where `query` is given
    /// (only the stream: a browser's event stream cannot set headers, and a token in a URL
    /// ends up in logs).
    fn instructor(&self, headers: &HeaderMap, query: Option<&str>) -> Result<(), ApiError> {
        let token = bearer(headers).or(query).ok_or_else(|| {
            ApiError::new(StatusCode::UNAUTHORIZED, "this needs the instructor token")
        })?;
        if !tokens::matches(token, &self.instructor_hash) {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "wrong instructor token",
            ));
        }
        self.rate(&self.instructor_hash)
    }

    /// The learner whose token the request carries.
    async fn learner(&self, headers: &HeaderMap) -> Result<String, ApiError> {
        let token = bearer(headers)
            .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "this needs a learner token"))?;
        let hash = tokens::hash(token);
        let learner = self
            .store
            .learner_of(&hash)
            .await?
            .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "unknown learner token"))?;
        self.rate(&hash)?;
        Ok(learner)
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|token| !token.is_empty())
}

/// The body as text, within `limit` bytes and [`BODY_TIME`].
async fn read_body(body: Body, limit: usize) -> Result<String, ApiError> {
    let bytes = match tokio::time::timeout(BODY_TIME, axum::body::to_bytes(body, limit)).await {
        Err(_) => {
            return Err(ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "the request body took too long to arrive",
            ));
        }
        Ok(Err(error)) => {
            let too_large = std::error::Error::source(&error)
                .is_some_and(|source| source.to_string().contains("length limit"))
                || error.to_string().contains("length limit");
            return Err(if too_large {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("the body is over {limit} bytes: send it in smaller batches"),
                )
            } else {
                ApiError::bad(format!("the body could not be read: {error}"))
            });
        }
        Ok(Ok(bytes)) => bytes,
    };
    String::from_utf8(bytes.to_vec()).map_err(|_| ApiError::bad("the body is not UTF-8"))
}

#[derive(Deserialize)]
struct JoinRequest {
    class_code: String,
    learner: String,
}

#[derive(Serialize)]
struct Joined {
    learner: String,
    token: String,
}

/// The address a request came from.
#[derive(Debug, Clone, Copy)]
pub(super) struct Peer(pub std::net::IpAddr);

async fn join(
    State(server): State<Arc<Server>>,
    peer: Option<axum::Extension<Peer>>,
    body: Body,
) -> Result<Json<Joined>, ApiError> {
    // Guessing class codes is slowed per address; a classroom behind one address joins
    // well within the limit.
    server.rate_joins_from(peer.map(|peer| peer.0.0))?;
    let text = read_body(body, 4096).await?;
    let request: JoinRequest = serde_json::from_str(&text).map_err(|error| {
        ApiError::bad(format!("expected {{\"class_code\", \"learner\"}}: {error}"))
    })?;
    let learner = request.learner;
    roster::check_name(&learner).map_err(ApiError::bad)?;
    let token = tokens::generate()
        .map_err(|error| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))?;
    let (roster, on_roster) = server.store.on_roster(&learner).await?;
    if !roster {
        if !tokens::matches(&request.class_code, &server.class_code_hash) {
            return Err(ApiError::new(StatusCode::UNAUTHORIZED, "wrong class code"));
        }
        if !server.store.join(&learner, &tokens::hash(&token)).await? {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                format!(
                    "`{learner}` has joined this class already: go on from the machine that joined, join under another name (--learner), or ask your instructor for a class with a roster, where each name joins with its own code"
                ),
            ));
        }
        return Ok(Json(Joined { learner, token }));
    }
    // A roster: the name is proven by its own code; joining again (another machine)
    // replaces the token.
    if !on_roster || !roster::matches(&server.roster_key, &learner, &request.class_code) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            format!(
                "this class has a roster: `{learner}` with this code is not on it; set LABRUN_CLASS_CODE to the code your instructor gave you, and --learner to the name it was given for"
            ),
        ));
    }
    server.store.rejoin(&learner, &tokens::hash(&token)).await?;
    Ok(Json(Joined { learner, token }))
}
