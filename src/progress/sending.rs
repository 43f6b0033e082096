//! Sending progress to a class server (`labrun serve`): in the background while a session
//! runs, and whatever is pending at the next chance (`labrun sync`).
//!
//! The local log stays the source of truth: what the server has is remembered beside it
//! (`.LEARNER.sent`: the server's address, how many lines and bytes of the log it has
//! acknowledged, and where the last of them starts and its hash, so a log replaced or cut
//! underneath is noticed and sent again whole), and a failed send only leaves lines pending. The learner's token, which
//! the server issues on first contact and binds to the learner's name, is kept in
//! `PROGRESS_DIR/.class/` (0600), one file per server and learner, so every lesson of the
//! learner uses the same one.
//!
//! Lines go as they are in the log, in order, with the line of the log the batch starts at
//! (`?from=N`): the server follows the chain. A line that is no event (blank, torn by a
//! crash), that names another learner, that is over [`LINE_LIMIT`], or that the server
//! refused (its answer names the line) goes as a stand-in holding only its hash, so the
//! chain stays whole and one bad line never holds the rest of the log back.

use std::io::{BufRead, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::event::Record;

/// How much of a log goes in one request: far below the server's limit.
const BATCH_BYTES: usize = 1024 * 1024;
const BATCH_LINES: usize = 5_000;
/// The longest line sent as it is; a longer one goes as a stand-in.
pub(super) const LINE_LIMIT: usize = 512 * 1024;
/// How long one request may take.
const REQUEST_TIME: Duration = Duration::from_secs(15);
/// How often the background sender looks at the log.
const LOOK_EVERY: Duration = Duration::from_millis(200);

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("cannot reach the class server at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the class server at {url} refused: {message}")]
    Refused {
        url: String,
        status: u16,
        message: String,
        /// The lines of the batch the refusal is about (the first first), when it names them.
        lines: Vec<u64>,
    },
    #[error(
        "joining the class at {url} needs its class code: set LABRUN_CLASS_CODE to the code your instructor gave"
    )]
    NoClassCode { url: String },
    #[error("cannot use `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot start the sender: {0}")]
    Runtime(std::io::Error),
}

impl SendError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// A class server, as a learner's labrun talks to it.
pub struct ClassServer {
    url: String,
    class_code: Option<String>,
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
    /// Lines the server refused, by log: their place and hash (a log replaced since has other
    /// lines there). They go as stand-ins from then on.
    refused: std::sync::Mutex<std::collections::HashMap<PathBuf, Vec<(u64, String)>>>,
}

impl ClassServer {
    /// `url` as `--report-to` gives it; `class_code` from `LABRUN_CLASS_CODE`.
    pub fn new(url: &str, class_code: Option<String>) -> Result<Self, SendError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(SendError::Runtime)?;
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(concat!("labrun/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(5))
            .timeout(REQUEST_TIME)
            .build()
            .map_err(|error| SendError::Unreachable {
                url: url.to_owned(),
                reason: error.to_string(),
            })?;
        Ok(Self {
            url: url.trim_end_matches('/').to_owned(),
            class_code: class_code.filter(|code| !code.is_empty()),
            client,
            runtime,
            refused: std::sync::Mutex::default(),
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Sends a request and reads its JSON answer; an error status becomes `Refused` with the
    /// server's `error` message.
    pub fn call<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, SendError> {
        let url = self.url.clone();
        self.runtime.block_on(async move {
            let unreachable = |error: reqwest::Error| SendError::Unreachable {
                url: url.clone(),
                reason: without_url(error),
            };
            let response = request.send().await.map_err(unreachable)?;
            let status = response.status();
            let bytes = response.bytes().await.map_err(unreachable)?;
            if !status.is_success() {
                let value = serde_json::from_slice::<serde_json::Value>(&bytes).ok();
                let message = value
                    .as_ref()
                    .and_then(|value| value["error"].as_str().map(str::to_owned))
                    .unwrap_or_else(|| format!("HTTP {status}"));
                return Err(SendError::Refused {
                    url,
                    status: status.as_u16(),
                    message,
                    lines: value.map(|value| refused_lines(&value)).unwrap_or_default(),
                });
            }
            serde_json::from_slice(&bytes).map_err(|error| SendError::Refused {
                url,
                status: status.as_u16(),
                message: format!("an answer that is not the JSON expected: {error}"),
                lines: Vec::new(),
            })
        })
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The learner's token for this server: kept from an earlier join, else joined now.
    fn token(&self, progress_dir: &Path, learner: &str) -> Result<String, SendError> {
        let path = token_path(progress_dir, &self.url, learner);
        if let Ok(token) = std::fs::read_to_string(&path)
            && !token.trim().is_empty()
        {
            return Ok(token.trim().to_owned());
        }
        let code = self
            .class_code
            .clone()
            .ok_or_else(|| SendError::NoClassCode {
                url: self.url.clone(),
            })?;
        #[derive(Deserialize)]
        struct Joined {
            token: String,
        }
        let request = self
            .client
            .post(format!("{}/api/v1/join", self.url))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(serde_json::json!({ "class_code": code, "learner": learner }).to_string());
        let joined: Result<Joined, _> = self.call(request);
        match joined {
            Ok(joined) => {
                write_private(&path, &joined.token)?;
                Ok(joined.token)
            }
            // Another session of this learner joined a moment ago.
            Err(SendError::Refused { status: 409, .. })
                if std::fs::read_to_string(&path).is_ok_and(|t| !t.trim().is_empty()) =>
            {
                Ok(std::fs::read_to_string(&path)
                    .unwrap_or_default()
                    .trim()
                    .to_owned())
            }
            Err(error) => Err(error),
        }
    }

    /// Sends what the server does not have yet of the log at `log` (of `learner`, lesson
    /// `lesson`): how many lines went, and which the server refused. Stops at the first
    /// failure, keeping what was acknowledged.
    pub fn send_pending(
        &self,
        log: &Path,
        learner: &str,
        lesson: &str,
        by: SentBy,
    ) -> Result<Delivery, SendError> {
        let progress_dir = log
            .parent()
            .and_then(Path::parent)
            .unwrap_or(Path::new("."));
        let token = self.token(progress_dir, learner)?;
        let sent_path = sent_path(log);
        let mut sent = Sent::read(&sent_path)
            .filter(|sent| sent.url == self.url)
            .unwrap_or_else(|| Sent::none(&self.url));
        let mut delivery = Delivery::default();
        if !sent.still_in(log) {
            // The log was replaced or cut since: the server gets it again whole (and shows
            // the chain broken where it differs from what it has).
            delivery.replaced = sent.lines > 0;
            sent = Sent::none(&self.url);
        }
        // Lines of this log the server refused, by place: sent as stand-ins.
        let mut refused = self
            .refused
            .lock()
            .map(|refused| refused.get(log).cloned().unwrap_or_default())
            .unwrap_or_default();
        if delivery.replaced {
            refused.clear();
            if let Ok(mut all) = self.refused.lock() {
                all.remove(log);
            }
        }
        loop {
            let batch = batch(log, &sent, learner, lesson, &refused)?;
            if batch.lines == 0 {
                return Ok(delivery);
            }
            let request = self
                .client
                .post(format!(
                    "{}/api/v1/events?from={}",
                    self.url,
                    sent.lines + 1
                ))
                .bearer_auth(&token)
                .header(reqwest::header::CONTENT_TYPE, "application/x-ndjson")
                .header("x-labrun-sent-by", by.as_str())
                .body(batch.body);
            let answer: Result<serde_json::Value, _> = self.call(request);
            match &answer {
                Err(SendError::Refused { status: 401, .. }) => {
                    // The server forgot the token (a new database): join again next time,
                    // and send the whole log, as it has none of it.
                    let _ = std::fs::remove_file(token_path(progress_dir, &self.url, learner));
                    let _ = Sent::none(&self.url).write(&sent_path);
                }
                Err(SendError::Refused {
                    status: 400 | 403 | 413,
                    message,
                    lines,
                    ..
                }) => {
                    // Every line it names, set aside at once: they go as stand-ins.
                    let mut new = 0;
                    for &line in lines.iter().filter(|&&l| l >= 1 && l <= batch.lines) {
                        let place = sent.lines + line;
                        let hash = batch.hashes[(line - 1) as usize].clone();
                        if !refused.contains(&(place, hash.clone())) {
                            refused.push((place, hash));
                            new += 1;
                        }
                    }
                    if new > 0 {
                        if let Ok(mut all) = self.refused.lock() {
                            all.insert(log.to_path_buf(), refused.clone());
                        }
                        let first = sent.lines + lines[0];
                        delivery.refused.push(if new == 1 {
                            format!("line {first}: {message}")
                        } else {
                            format!("{new} lines from line {first}: {message}")
                        });
                        continue;
                    }
                }
                _ => {}
            }
            answer?;
            sent.lines += batch.lines;
            sent.bytes += batch.bytes;
            sent.last = batch.last;
            sent.write(&sent_path)?;
            delivery.lines += batch.lines as usize;
        }
    }
}

/// What [`ClassServer::send_pending`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Lines the server acknowledged.
    pub lines: usize,
    /// Lines it refused, `line N: why`: they went as stand-ins, which it does not count.
    pub refused: Vec<String>,
    /// Whether the log was not the one sent before (replaced or cut), so went again whole.
    pub replaced: bool,
}

/// The lines a refusal names: `"lines"`, else `"line"`.
fn refused_lines(answer: &serde_json::Value) -> Vec<u64> {
    let listed: Vec<u64> = answer["lines"]
        .as_array()
        .map(|lines| lines.iter().filter_map(serde_json::Value::as_u64).collect())
        .unwrap_or_default();
    if listed.is_empty() {
        answer["line"].as_u64().into_iter().collect()
    } else {
        listed
    }
}

/// Who sends: the session while it runs (its events are `live` on the server), or
/// `labrun sync` afterwards (`late`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentBy {
    Session,
    Sync,
}

impl SentBy {
    fn as_str(self) -> &'static str {
        match self {
            Self::Session => "session",
            Self::Sync => "sync",
        }
    }
}

/// A reqwest error's text without the URL (already said), which may hold a token.
fn without_url(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(inner) = source {
        text = format!("{text}: {inner}");
        source = inner.source();
    }
    text
}

/// What the server has acknowledged of a log.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Sent {
    url: String,
    lines: u64,
    bytes: u64,
    /// The last line acknowledged: where it starts and its SHA-256 (hex). A file written
    /// before it was kept has none, and is trusted as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last: Option<LastLine>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct LastLine {
    start: u64,
    sha256: String,
}

impl Sent {
    fn none(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            lines: 0,
            bytes: 0,
            last: None,
        }
    }

    /// Whether what was acknowledged is still the start of the log: the last line sent is
    /// where it was, as it was.
    fn still_in(&self, log: &Path) -> bool {
        if self.lines == 0 {
            return true;
        }
        let Ok(mut file) = std::fs::File::open(log) else {
            return false;
        };
        if file.metadata().map_or(0, |meta| meta.len()) < self.bytes {
            return false;
        }
        let Some(last) = &self.last else {
            return true;
        };
        if file.seek(SeekFrom::Start(last.start)).is_err() {
            return false;
        }
        let mut reader = std::io::BufReader::new(file.take(self.bytes.saturating_sub(last.start)));
        match read_line(&mut reader) {
            Ok(Some(line)) => line.sha256 == last.sha256,
            _ => false,
        }
    }

    fn read(path: &Path) -> Option<Self> {
        serde_json::from_slice(&std::fs::read(path).ok()?).ok()
    }

    fn write(&self, path: &Path) -> Result<(), SendError> {
        let text = serde_json::to_string(self).unwrap_or_default();
        write_atomically(path, &text)
    }
}

/// `.LEARNER.sent` beside `LEARNER.jsonl`: hidden, so reports and lesson lists skip it.
pub fn sent_path(log: &Path) -> PathBuf {
    let name = log
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    log.with_file_name(format!(".{name}.sent"))
}

/// The server a log was last sent to, if any: where `labrun sync` sends it by default.
pub fn sent_to(log: &Path) -> Option<String> {
    Sent::read(&sent_path(log)).map(|sent| sent.url)
}

fn token_path(progress_dir: &Path, url: &str, learner: &str) -> PathBuf {
    let server = crate::text::hex(&Sha256::digest(url.as_bytes())[..8]);
    let file = super::log::learner_log(&progress_dir.join(".class").join(server), learner);
    file.with_extension("token")
}

/// One batch of a log: its body, how many lines and bytes of the log it takes, and its last
/// line.
struct Batch {
    body: String,
    lines: u64,
    bytes: u64,
    last: Option<LastLine>,
    /// Each line's SHA-256, in order.
    hashes: Vec<String>,
}

/// The next batch of complete lines after what `sent` has: each as it is, or as a stand-in
/// when the server would refuse it (no event, another learner, a newer format, a `seq` that
/// is not its place, a lesson id no server keeps), it is over [`LINE_LIMIT`], or the server
/// refused it before (`refused`).
fn batch(
    log: &Path,
    sent: &Sent,
    learner: &str,
    lesson: &str,
    refused: &[(u64, String)],
) -> Result<Batch, SendError> {
    let mut file = std::fs::File::open(log).map_err(|e| SendError::io(log, e))?;
    file.seek(SeekFrom::Start(sent.bytes))
        .map_err(|e| SendError::io(log, e))?;
    let mut reader = std::io::BufReader::new(file);
    let mut batch = Batch {
        body: String::new(),
        lines: 0,
        bytes: 0,
        last: None,
        hashes: Vec::new(),
    };
    while batch.lines < BATCH_LINES as u64 && batch.body.len() < BATCH_BYTES {
        // Only whole lines: the last one may be being written.
        let Some(line) = read_line(&mut reader).map_err(|e| SendError::io(log, e))? else {
            break;
        };
        let place = sent.lines + batch.lines + 1;
        let event = line
            .text
            .as_deref()
            .filter(|_| !refused.contains(&(place, line.sha256.clone())))
            .filter(|text| {
                serde_json::from_str::<Record>(text).is_ok_and(|record| {
                    record.learner == learner
                        && record.seq.is_none_or(|seq| seq == place)
                        && super::check_lesson_id(&record.lesson).is_ok()
                })
            });
        match event {
            Some(text) => batch.body.push_str(text),
            None => batch.body.push_str(
                &serde_json::json!({ "skipped": line.sha256, "lesson": lesson }).to_string(),
            ),
        }
        batch.body.push('\n');
        batch.hashes.push(line.sha256.clone());
        batch.last = Some(LastLine {
            start: sent.bytes + batch.bytes,
            sha256: line.sha256,
        });
        batch.lines += 1;
        batch.bytes += line.bytes;
    }
    Ok(batch)
}

/// One line of a log, read whole whatever its length.
struct LogLine {
    /// Its text, when it is UTF-8 and within [`LINE_LIMIT`].
    text: Option<String>,
    /// SHA-256 of its bytes (without the line feed), hex.
    sha256: String,
    /// Bytes it takes in the log, with the line feed.
    bytes: u64,
}

/// The next line, or `None` at the end of what is complete (a last line with no line feed
/// may be being written). A line over [`LINE_LIMIT`] is hashed as it is read, not held.
fn read_line(reader: &mut impl BufRead) -> std::io::Result<Option<LogLine>> {
    let mut hasher = Sha256::new();
    let mut kept: Option<Vec<u8>> = Some(Vec::new());
    let mut bytes = 0u64;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(None);
        }
        let (part, done) = match available.iter().position(|&b| b == b'\n') {
            Some(end) => (&available[..end], true),
            None => (available, false),
        };
        hasher.update(part);
        if let Some(text) = &mut kept {
            if text.len() + part.len() > LINE_LIMIT {
                kept = None;
            } else {
                text.extend_from_slice(part);
            }
        }
        let used = part.len() + usize::from(done);
        bytes += used as u64;
        reader.consume(used);
        if done {
            // The hash the chain's `prev` names.
            let sha256 = super::chain::line_hash(hasher);
            return Ok(Some(LogLine {
                text: kept.and_then(|bytes| String::from_utf8(bytes).ok()),
                sha256,
                bytes,
            }));
        }
    }
}

fn write_private(path: &Path, text: &str) -> Result<(), SendError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| SendError::io(parent, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o700));
        }
    }
    write_atomically(path, text)
}

/// Writes `text` to a file beside `path` (0600), then renames it over `path`: a crash
/// leaves the old file or the new one, never half of one.
fn write_atomically(path: &Path, text: &str) -> Result<(), SendError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(|e| SendError::io(dir, e))?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| SendError::io(path, e))?;
    file.as_file()
        .sync_data()
        .map_err(|e| SendError::io(path, e))?;
    file.persist(path)
        .map_err(|error| SendError::io(path, error.error))?;
    Ok(())
}

/// Sends a session's log in the background: it looks at the log a few times a second and
/// sends what is new. It never holds the session up: a server that cannot be reached only
/// leaves lines pending, tried again with a growing pause.
pub struct Background {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<Option<SendError>>>,
}

impl Background {
    pub fn start(
        url: String,
        class_code: Option<String>,
        log: PathBuf,
        learner: String,
        lesson: String,
    ) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let handle = std::thread::Builder::new()
            .name("labrun-sender".into())
            .spawn(move || {
                let server = match ClassServer::new(&url, class_code) {
                    Ok(server) => server,
                    Err(error) => return Some(error),
                };
                let mut last_error = None;
                let mut pause = Duration::ZERO;
                let mut next_try = Instant::now();
                let mut sent_len = 0u64;
                loop {
                    let stopping_now = stopping.load(Ordering::Relaxed);
                    let len = std::fs::metadata(&log).map_or(0, |meta| meta.len());
                    // At the end, one last try, unless the server could not be reached:
                    // a session with a server down ends as an offline one does.
                    let due = if stopping_now {
                        last_error.is_none()
                    } else {
                        Instant::now() >= next_try
                    };
                    if len != sent_len && due {
                        match server.send_pending(&log, &learner, &lesson, SentBy::Session) {
                            Ok(_) => {
                                sent_len = len;
                                last_error = None;
                                pause = Duration::ZERO;
                            }
                            Err(error) => {
                                last_error = Some(error);
                                pause = (pause * 2)
                                    .clamp(Duration::from_secs(1), Duration::from_secs(30));
                                next_try = Instant::now() + pause;
                            }
                        }
                    }
                    if stopping_now {
                        return last_error;
                    }
                    std::thread::sleep(LOOK_EVERY);
                }
            })
            .ok();
        Self { stop, handle }
    }

    /// Ends the sender after one last try; the error of the last try, if it failed. Waits
    /// at most `limit`: what is not sent by then stays pending for `labrun sync`.
    pub fn finish(mut self, limit: Duration) -> Result<(), SendError> {
        self.stop.store(true, Ordering::Relaxed);
        let Some(handle) = self.handle.take() else {
            return Ok(());
        };
        let deadline = Instant::now() + limit;
        while !handle.is_finished() {
            if Instant::now() >= deadline {
                return Err(SendError::Unreachable {
                    url: String::new(),
                    reason: "still sending when the session ended".into(),
                });
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        match handle.join() {
            Ok(Some(error)) => Err(error),
            _ => Ok(()),
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
