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
pub const MAX_LINE: i64 = 1 << 40;
/// Rate buckets kept before the full ones (idle long enough to have refilled) are dropped.
const RATES_KEPT: usize = 10_000;
/// How long a request body may take to arrive.
const BODY_TIME: Duration = Duration::from_secs(30);
/// An event a session sends within this time of writing it was received while the session
/// ran (`live`); later, or sent by `labrun sync`, it is `late`.
const LIVE_WINDOW_SECONDS: i64 = 120;
/// The header that says who sends a batch: `session` for a running session.
pub const SENT_BY: &str = "x-labrun-sent-by";
/// Requests a token may make in a burst, and per second after.
const BURST: f64 = 120.0;
const PER_SECOND: f64 = 60.0;
/// Joins one address may make in a burst, and per second after.
const JOIN_BURST: f64 = 2_000.0;
const JOIN_PER_SECOND: f64 = 200.0;

/// What every handler shares.
pub struct Server {
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
    pub fn new(
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
pub struct Write {
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
pub async fn write_batches(server: Arc<Server>, mut queue: tokio::sync::mpsc::Receiver<Write>) {
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

pub fn router(server: Arc<Server>) -> axum::Router {
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
pub struct ApiError {
    status: StatusCode,
    message: String,
    /// The line of the batch it is about, from 1: a learner's labrun sends that line as a
    /// stand-in next time, so one refused line never holds the rest of a log back.
    line: Option<usize>,
    /// Every bad line of the batch, when there are several.
    lines: Vec<usize>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
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
pub struct Peer(pub std::net::IpAddr);

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

#[derive(Deserialize)]
struct FromLine {
    from: Option<i64>,
}

/// A line of a learner's log that is no event (blank, torn by a crash, refused) stands in a
/// batch as `{"skipped": "<its SHA-256>", "lesson": "<the log's lesson>"}`: the chain goes
/// through it. Nothing else may be in it: it is never read as an event.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StandIn {
    skipped: String,
    lesson: String,
}

async fn events(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    Query(from): Query<FromLine>,
    body: Body,
) -> Result<Json<EventsStored>, ApiError> {
    let learner = server.learner(&headers).await?;
    let first = from
        .from
        .filter(|first| (1..=MAX_LINE).contains(first))
        .ok_or_else(|| {
            ApiError::bad(format!(
                "give `?from=N`, 1 to {MAX_LINE}: the line of the learner's log the batch starts at"
            ))
        })?;
    let unavailable = || ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping");
    // Room in the queue before the body is read: what the body takes, and the lines made of
    // it, about twice more (the body's announced length, else the most a batch may be).
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<usize>().ok())
        .unwrap_or(EVENTS_LIMIT)
        .clamp(1, EVENTS_LIMIT);
    let room = u32::try_from(announced * ROOM_PER_BODY_BYTE).unwrap_or(u32::MAX);
    let room = Arc::clone(&server.queued)
        .acquire_many_owned(room)
        .await
        .map_err(|_| unavailable())?;
    let text = read_body(body, EVENTS_LIMIT).await?;
    // Sent by a running session, or afterwards by `labrun sync`.
    let during_session = headers
        .get(SENT_BY)
        .is_some_and(|value| value.as_bytes() == b"session");
    let lines = batch(&text, &learner, first, during_session)?;
    let (reply, answer) = tokio::sync::oneshot::channel();
    drop(text);
    server
        .writes
        .send(Write {
            lines,
            _room: room,
            reply,
        })
        .await
        .map_err(|_| unavailable())?;
    let (stored, version) = answer
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the server failed to store this batch: try again later",
            )
        })?
        .map_err(|error| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, error))?;
    Ok(Json(EventsStored { stored, version }))
}

/// What a batch of events did, and the class's version that holds them: a dashboard's
/// stream announces it (`change`, with the version as its data).
#[derive(Serialize)]
struct EventsStored {
    #[serde(flatten)]
    stored: Stored,
    version: u64,
}

/// The most bad lines a refusal names (`"lines"`).
const BAD_LINES_NAMED: usize = 1_000;

/// The lines of a learner's batch, checked whole before anything is stored. A refusal names
/// its first bad line (its message, `"line"`) and every bad line (`"lines"`), so a sender
/// sets them all aside at once.
fn batch(
    text: &str,
    learner: &str,
    first: i64,
    during_session: bool,
) -> Result<Vec<Line>, ApiError> {
    let now = jiff::Timestamp::now();
    let mut lines = Vec::new();
    let body = text.strip_suffix('\n').unwrap_or(text);
    if body.is_empty() {
        return Ok(lines);
    }
    let mut refusal: Option<ApiError> = None;
    let mut bad = Vec::new();
    for (index, raw) in body.split('\n').enumerate() {
        let (number, seq) = (index + 1, first + index as i64);
        match one_line(raw, number, seq, learner, during_session, now) {
            Ok(line) => lines.push(line),
            Err(error) => {
                if bad.len() < BAD_LINES_NAMED {
                    bad.push(number);
                }
                refusal.get_or_insert(error);
            }
        }
    }
    match refusal {
        Some(mut error) => {
            error.lines = bad;
            Err(error)
        }
        None => Ok(lines),
    }
}

/// One line of a learner's batch, at line `number` of the batch and `seq` of the log.
fn one_line(
    raw: &str,
    number: usize,
    seq: i64,
    learner: &str,
    during_session: bool,
    now: jiff::Timestamp,
) -> Result<Line, ApiError> {
    if let Ok(stand_in) = serde_json::from_str::<StandIn>(raw) {
        if stand_in.skipped.len() != 64 || !stand_in.skipped.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(
                ApiError::bad(format!("line {number}: `skipped` is no SHA-256")).at_line(number),
            );
        }
        check_lesson_id(&stand_in.lesson)
            .map_err(|why| ApiError::bad(format!("line {number}: {why}")).at_line(number))?;
        return Ok(Line {
            learner: learner.to_owned(),
            lesson: stand_in.lesson,
            seq,
            text: raw.to_owned(),
            hash: stand_in.skipped.to_ascii_lowercase(),
            kind: Kind::StandIn,
            chained: false,
            prev: None,
            evidence: if during_session { "live" } else { "late" },
        });
    }
    let record: Record = serde_json::from_str(raw).map_err(|error| {
        ApiError::bad(format!(
            "line {number}: not a progress event ({error}); nothing of the batch was stored"
        ))
        .at_line(number)
    })?;
    if record.v > FORMAT_VERSION {
        return Err(ApiError::bad(format!(
            "line {number}: written by a newer labrun (format v{}); this server reads v{FORMAT_VERSION}",
            record.v
        ))
        .at_line(number));
    }
    if record.learner != learner {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "line {number} names learner `{}`: this token writes only `{learner}`'s events",
                record.learner
            ),
        )
        .at_line(number));
    }
    check_lesson_id(&record.lesson)
        .map_err(|why| ApiError::bad(format!("line {number}: {why}")).at_line(number))?;
    if let Some(written) = record.seq
        && i64::try_from(written).ok() != Some(seq)
    {
        return Err(ApiError::bad(format!(
            "line {number}: its `seq` is {written}, but the batch puts it at line {seq} of the log"
        ))
        .at_line(number));
    }
    // Live: sent by the session itself, soon after it was written.
    let late = !during_session || now.as_second() - record.ts.as_second() > LIVE_WINDOW_SECONDS;
    Ok(Line {
        learner: learner.to_owned(),
        lesson: record.lesson.clone(),
        seq,
        text: raw.to_owned(),
        hash: hex(&Sha256::digest(raw.as_bytes())),
        kind: Kind::Event,
        chained: record.seq.is_some(),
        prev: record.prev.clone(),
        evidence: if late { "late" } else { "live" },
    })
}

use crate::text::hex;

/// One collected log file, in an import request.
#[derive(Deserialize)]
struct ImportedFile {
    path: String,
    text: String,
}

#[derive(Serialize, Default)]
struct ImportResult {
    files: usize,
    stored: usize,
    duplicates: usize,
    /// Lines skipped, `PATH:LINE: why`; the first hundred.
    warnings: Vec<String>,
    more_warnings: usize,
}

async fn import(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<ImportResult>, ApiError> {
    server.instructor(&headers, None)?;
    let text = read_body(body, IMPORT_LIMIT).await?;
    let mut result = ImportResult::default();
    let mut lines = Vec::new();
    for (index, raw) in text
        .lines()
        .enumerate()
        .filter(|(_, raw)| !raw.trim().is_empty())
    {
        let file: ImportedFile = serde_json::from_str(raw).map_err(|error| {
            ApiError::bad(format!(
                "line {}: expected {{\"path\", \"text\"}} ({error}); nothing was stored",
                index + 1
            ))
        })?;
        let mut warnings = Vec::new();
        lines.extend(log_file(&file.text, &mut warnings));
        for warning in warnings {
            if result.warnings.len() < 100 {
                result.warnings.push(format!("{}:{warning}", file.path));
            } else {
                result.more_warnings += 1;
            }
        }
        result.files += 1;
    }
    let stored = server.store.append(&lines).await?;
    result.stored = stored.stored;
    result.duplicates = stored.duplicates;
    server.class.catch_up(&server.store).await?;
    Ok(Json(result))
}

/// The lines of a whole log file, as `labrun report` reads one: the learner its first event
/// names owns it; a line naming anyone else, or of a newer format, is skipped with a
/// warning (`LINE: why`); a line that is no event only keeps the chain whole.
fn log_file(text: &str, warnings: &mut Vec<String>) -> Vec<Line> {
    let records: Vec<(&str, Option<Record>)> = text
        .split_inclusive('\n')
        .map(|line| {
            let raw = line.strip_suffix('\n').unwrap_or(line);
            (raw, serde_json::from_str::<Record>(raw).ok())
        })
        .collect();
    let Some(owner) = records
        .iter()
        .find_map(|(_, record)| record.as_ref().filter(|r| r.v <= FORMAT_VERSION))
        .map(|record| (record.learner.clone(), record.lesson.clone()))
    else {
        if !text.trim().is_empty() {
            warnings.push("1: no progress event in the file; skipped".into());
        }
        return Vec::new();
    };
    if let Err(why) = roster::check_name(&owner.0).and_then(|()| check_lesson_id(&owner.1)) {
        warnings.push(format!("1: {why}; the file is skipped"));
        return Vec::new();
    }
    let mut lines = Vec::new();
    for (index, (raw, record)) in records.into_iter().enumerate() {
        let seq = index as i64 + 1;
        let hash = hex(&Sha256::digest(raw.as_bytes()));
        let stand_in = |lesson: &str| Line {
            learner: owner.0.clone(),
            lesson: lesson.to_owned(),
            seq,
            text: serde_json::json!({ "skipped": hash, "lesson": lesson }).to_string(),
            hash: hash.clone(),
            kind: Kind::StandIn,
            chained: false,
            prev: None,
            evidence: "imported",
        };
        match record {
            Some(record) if record.v > FORMAT_VERSION => {
                warnings.push(format!("{seq}: written by a newer labrun; skipped"));
                lines.push(stand_in(&owner.1));
            }
            Some(record) if check_lesson_id(&record.lesson).is_err() => {
                warnings.push(format!(
                    "{seq}: its lesson id is empty, too long or holds control characters; skipped"
                ));
                lines.push(stand_in(&owner.1));
            }
            Some(record) if record.learner != owner.0 => {
                warnings.push(format!(
                    "{seq}: names learner `{}`, but this log is `{}`'s; skipped",
                    record.learner, owner.0
                ));
                lines.push(stand_in(&record.lesson));
            }
            Some(record) => lines.push(Line {
                learner: owner.0.clone(),
                lesson: record.lesson.clone(),
                seq,
                text: raw.to_owned(),
                hash,
                kind: Kind::Event,
                chained: record.seq.is_some(),
                prev: record.prev.clone(),
                evidence: "imported",
            }),
            None => {
                if !raw.trim().is_empty() {
                    warnings.push(format!("{seq}: not a progress event; skipped"));
                }
                lines.push(stand_in(&owner.1));
            }
        }
    }
    lines
}

#[derive(Deserialize, Default)]
struct ReportQuery {
    /// Comma-separated lesson ids.
    lesson: Option<String>,
    /// Comma-separated learner names.
    learner: Option<String>,
    since: Option<String>,
}

/// The stream's query: the instructor token (a browser's event stream sets no header).
#[derive(Deserialize, Default)]
struct StreamQuery {
    token: Option<String>,
}

fn list(text: Option<&String>) -> Vec<String> {
    text.map(|text| {
        text.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

async fn report(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    Query(query): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    server.instructor(&headers, None)?;
    let since = query
        .since
        .as_deref()
        .map(parse_since)
        .transpose()
        .map_err(ApiError::bad)?;
    let filter = Filter {
        lessons: list(query.lesson.as_ref()),
        learners: list(query.learner.as_ref()),
        since,
    };
    // Events stored by another server on the same database count too.
    server.class.catch_up(&server.store).await?;
    let summary = server.class.summary(&filter).await;
    let mut out = Vec::new();
    crate::text::write_json_compact(&mut out, &summary)
        .map_err(|error| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], out).into_response())
}

async fn stream(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    Query(query): Query<StreamQuery>,
) -> Result<impl IntoResponse, ApiError> {
    server.instructor(&headers, query.token.as_deref())?;
    let changes = server.class.subscribe();
    let events = futures_util::stream::unfold(changes, |mut changes| async move {
        changes.changed().await.ok()?;
        let version = *changes.borrow_and_update();
        let event = Event::default().event("change").data(version.to_string());
        Some((Ok::<_, std::convert::Infallible>(event), changes))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_buckets_of_clients_gone_quiet_are_dropped_so_memory_stays_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("class.sqlite").display());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let store = runtime.block_on(Store::open(&url)).unwrap();
        let (server, _queue) = Server::new(store, String::new(), String::new(), String::new());
        let count = || server.rates.lock().unwrap().len();
        // Joins from ever new addresses.
        for address in 0..RATES_KEPT {
            server
                .rate_joins(&format!("10.1.{}.{}", address / 256, address % 256))
                .unwrap();
        }
        assert_eq!(count(), RATES_KEPT);
        // Each bucket is full again within 5 ms: the next new client drops them all.
        std::thread::sleep(Duration::from_millis(20));
        server.rate_joins("10.2.0.1").unwrap();
        assert_eq!(count(), 1);
        // A bucket in use is kept: one token drained stays drained.
        for _ in 0..BURST as usize {
            server.rate("busy").unwrap();
        }
        assert!(server.rate("busy").is_err());
        for address in 0..RATES_KEPT {
            server
                .rate_joins(&format!("10.0.{}.{}", address / 256, address % 256))
                .unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
        server.rate_joins("10.255.255.255").unwrap();
        // (It has refilled a token or two meanwhile, far from its burst.)
        let rates = server.rates.lock().unwrap();
        assert!(rates.len() <= RATES_KEPT, "{}", rates.len());
        assert!(
            rates["busy"].tokens < 10.0,
            "the flooding token was forgotten"
        );
        drop(rates);
        // IPv6 clients count by their /64: rotating addresses within it gains nothing.
        for host in 0..JOIN_BURST as u32 {
            server
                .rate_joins_from(Some(format!("2001:db8:0:7::{host:x}").parse().unwrap()))
                .unwrap();
        }
        assert!(
            server
                .rate_joins_from(Some("2001:db8:0:7::ffff:ffff".parse().unwrap()))
                .is_err()
        );
        assert!(
            server
                .rate_joins_from(Some("2001:db8:0:8::1".parse().unwrap()))
                .is_ok()
        );
    }
}
