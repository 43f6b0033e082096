//! [`HttpRunner`]: runs the entries of an `http` block in order, polling an entry until it
//! holds or its retries or the block's time budget run out, and turns the result into an
//! [`Outcome`] a learner can read.

use std::cell::Cell;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::{DATE, RETRY_AFTER};
use sha2::{Digest, Sha256};

use super::client::{self, Response};
use super::evaluate::{Examiner, Miss, clip};
use super::request::{Lookup, Prepared, prepare};
use crate::exec::{BlockRun, Outcome, RunContext, RunProgress, Secrets};
use crate::lesson::http::HttpEntry;
use crate::progress::Evidence;

/// How often a request in flight or a wait checks the interrupt flag.
const TICK: Duration = Duration::from_millis(50);
/// The longest `Retry-After` honoured: a server asking for more is asked again sooner.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);
/// How much of a response body a failure shows.
const BODY_CHARS: usize = 300;
const INTERRUPTED: &str = "interrupted";

/// Sends the requests of `http` blocks. It owns a single-threaded tokio runtime and a
/// reqwest client (with its connection pool), so that the rest of labrun stays synchronous:
/// [`HttpRunner::run`] blocks until the block is done, and must not be called from async code.
/// Make one per session: each holds its own pool of connections.
#[derive(Debug)]
pub struct HttpRunner {
    /// Always `Some` but in `drop`, which takes it to shut it down without waiting.
    runtime: Option<tokio::runtime::Runtime>,
    client: reqwest::Client,
}

/// The runner could not be set up; nothing was sent.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("cannot start the HTTP runtime")]
    Runtime(#[source] std::io::Error),
    #[error("cannot set up the HTTP client")]
    Client(#[source] reqwest::Error),
}

/// How long and how often a block may try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// For one request, redirects and body included, unless the entry's `[Options]` say.
    pub timeout: Duration,
    /// For the whole block, every retry and wait included: the block's `timeout=`.
    pub budget: Option<Duration>,
    /// Further attempts for an entry that fails, unless its `[Options]` say (`retry=`).
    pub retry: u32,
    /// The wait between attempts, unless the entry's `[Options]` say (`interval=`).
    pub interval: Duration,
    /// The largest response body read; a larger one fails the attempt.
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            budget: None,
            retry: 0,
            interval: Duration::from_secs(1),
            max_body: 10 * 1024 * 1024,
        }
    }
}

impl HttpRunner {
    pub fn new() -> Result<Self, HttpError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(HttpError::Runtime)?;
        // reqwest asks rustls for the process's provider. An error means one is installed
        // already, which does as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            // Redirects are followed by `client::send`, which knows what not to forward.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("labrun/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(HttpError::Client)?;
        Ok(Self {
            runtime: Some(runtime),
            client,
        })
    }

    /// Runs the entries in order, stopping at the first that fails. `context.vars` resolves
    /// `{{NAME}}`, after the captures of earlier entries (and of the same entry, in its
    /// asserts). Every text in the outcome and in `progress` is masked with
    /// `context.secrets`. Returns promptly, failed with the reason `interrupted`, once
    /// `context.interrupt` is set. `context.env` and `context.workspace` are not used.
    pub fn run(
        &self,
        entries: &[HttpEntry],
        context: &RunContext<'_>,
        limits: &Limits,
        progress: &mut dyn FnMut(RunProgress),
    ) -> BlockRun {
        let started = Instant::now();
        let run = Run {
            client: &self.client,
            vars: context.vars,
            secrets: context.secrets.clone(),
            limits,
            interrupt: context.interrupt,
            deadline: limits.budget.map(|budget| started + budget),
            captures: Vec::new(),
            evidence: Evidence::default(),
        };
        let (mut run, result) = match &self.runtime {
            Some(runtime) => runtime.block_on(run.entries(entries, progress)),
            None => (
                run,
                Err(End::Failed {
                    reason: "the HTTP runtime is shut down".into(),
                    headline: "the HTTP runtime is shut down".into(),
                }),
            ),
        };
        let millis = started.elapsed().as_millis();
        run.evidence.duration_ms = u64::try_from(millis).unwrap_or(u64::MAX);
        let evidence = run.evidence;
        let (outcome, interrupted) = match result {
            Ok(()) => (Outcome::Passed { evidence }, false),
            Err(End::Interrupted) => (Outcome::failed(INTERRUPTED.to_string(), evidence), true),
            Err(End::Failed { reason, headline }) => {
                let failed = Outcome::Failed {
                    reason: run.secrets.mask(&reason).into_owned(),
                    headline: run.secrets.mask(&headline).into_owned(),
                    evidence,
                };
                (failed, false)
            }
        };
        BlockRun {
            outcome,
            captures: run.captures,
            interrupted,
            shell: None,
        }
    }
}

impl Drop for HttpRunner {
    /// A DNS lookup runs on a blocking thread that cannot be cancelled; dropping the runtime
    /// the usual way would wait for it, delaying an exit after Ctrl-C.
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// One run of a block.
struct Run<'a> {
    client: &'a reqwest::Client,
    vars: &'a dyn Fn(&str) -> Option<String>,
    /// The session's secrets, and values captured into secret variables during this run.
    secrets: Secrets,
    limits: &'a Limits,
    interrupt: &'a AtomicBool,
    /// When the block's time budget runs out.
    deadline: Option<Instant>,
    captures: Vec<(String, String)>,
    evidence: Evidence,
}

/// Why an attempt failed.
struct Failure {
    /// Lines of the reason: each assert that failed, or the transport error.
    lines: Vec<String>,
    /// The short form for [`RunProgress::Waiting`].
    last: String,
    /// Retrying cannot help: the block itself is wrong.
    fatal: bool,
    /// The response, when there was one: the reason shows its status and body.
    response: Option<Response>,
}

impl Failure {
    fn transport(message: String) -> Self {
        Self {
            lines: vec![message.clone()],
            last: message,
            fatal: false,
            response: None,
        }
    }

    /// The block itself is wrong: retrying cannot help.
    fn in_block(message: String) -> Self {
        Self {
            fatal: true,
            ..Self::transport(message)
        }
    }

    /// `Retry-After` on a 429 or 503.
    fn retry_after(&self) -> Option<Duration> {
        let response = self.response.as_ref()?;
        if !matches!(response.status.as_u16(), 429 | 503) {
            return None;
        }
        let header = |name| response.headers.get(name)?.to_str().ok();
        retry_after(header(RETRY_AFTER)?, header(DATE), jiff::Timestamp::now())
    }
}

/// How long a `Retry-After` value asks to wait (RFC 9110, section 10.2.3): a number of
/// seconds, or an HTTP date. A date is measured from the response's own `Date` when it has
/// one, so that a clock that is off on either side does not change the wait; a date already
/// past means no wait. `None` when the value is neither.
fn retry_after(value: &str, date: Option<&str>, now: jiff::Timestamp) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse().ok().map(Duration::from_secs);
    }
    let at = http_date(value)?;
    let sent = date.and_then(|date| http_date(date.trim())).unwrap_or(now);
    let wait = at.duration_since(sent);
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

/// An HTTP date in any of the three forms RFC 9110 (section 5.6.7) has recipients accept:
/// `Sun, 06 Nov 1994 08:49:37 GMT`, the obsolete `Sunday, 06-Nov-94 08:49:37 GMT` and
/// asctime's `Sun Nov  6 08:49:37 1994`.
fn http_date(text: &str) -> Option<jiff::Timestamp> {
    if let Ok(at) = jiff::fmt::rfc2822::DateTimeParser::new().parse_timestamp(text) {
        return Some(at);
    }
    let civil = |format: &str| jiff::civil::DateTime::strptime(format, text).ok();
    civil("%A, %d-%b-%y %H:%M:%S GMT")
        .or_else(|| civil("%a %b %e %H:%M:%S %Y"))
        .and_then(|at| at.to_zoned_datetime(jiff::tz::TimeZone::UTC).ok())
        .map(|at| at.timestamp())
}

/// How a block ends when it does not pass.
enum End {
    Interrupted,
    /// With the reason and its headline, not yet masked.
    Failed {
        reason: String,
        headline: String,
    },
}

/// Why [`guard`] let go of a future before it completed.
enum Cut {
    Interrupted,
    Deadline,
}

/// The learner (or a signal) asked to stop.
struct Interrupted;

impl From<Interrupted> for End {
    fn from(_: Interrupted) -> Self {
        Self::Interrupted
    }
}

impl Run<'_> {
    async fn entries(
        mut self,
        entries: &[HttpEntry],
        progress: &mut dyn FnMut(RunProgress),
    ) -> (Self, Result<(), End>) {
        for (index, entry) in entries.iter().enumerate() {
            let place = match entries.len() {
                1 => String::new(),
                n => format!(" (request {} of {n})", index + 1),
            };
            if let Err(end) = self.entry(entry, &place, progress).await {
                return (self, Err(end));
            }
        }
        (self, Ok(()))
    }

    /// Runs one entry until it passes, fails for good, or is interrupted.
    async fn entry(
        &mut self,
        entry: &HttpEntry,
        place: &str,
        progress: &mut dyn FnMut(RunProgress),
    ) -> Result<(), End> {
        let retry = entry.options.retry.unwrap_or(self.limits.retry);
        let interval = entry.options.retry_interval.unwrap_or(self.limits.interval);
        let started = Instant::now();
        let mut attempt = 0u32;
        loop {
            attempt = attempt.saturating_add(1);
            self.evidence.attempts = self.evidence.attempts.max(attempt);
            if self.interrupt.load(Ordering::Relaxed) {
                return Err(End::Interrupted);
            }
            let request = {
                let lookup = |name: &str| self.lookup(name);
                prepare(entry, &lookup, &self.secrets)
            };
            let request = match request {
                Ok(request) => request,
                Err(problem) => {
                    let first = format!("{} {}{place}", entry.method, entry.url);
                    let failure = Failure::in_block(problem);
                    return Err(self.failed(first, &failure, None));
                }
            };
            let first = format!(
                "{} {}{place}",
                request.method,
                self.mask(&request.shown_url)
            );
            progress(RunProgress::Request {
                method: request.method.to_string(),
                url: self.mask(&request.shown_url),
            });
            let failure = match self.attempt(entry, &request).await? {
                Ok(captured) => {
                    for (name, value) in &captured {
                        if self.secrets.is_secret_name(name) {
                            self.secrets.add(value);
                        }
                    }
                    self.captures.extend(captured);
                    return Ok(());
                }
                Err(failure) => failure,
            };
            let gave_up = |why: Option<String>| {
                let tries = format!(
                    "gave up after {attempt} attempts in {}",
                    duration(started.elapsed())
                );
                match (attempt, why) {
                    (1, why) => why,
                    (_, None) => Some(tries),
                    (_, Some(why)) => Some(format!("{tries}: {why}")),
                }
            };
            if failure.fatal || attempt > retry {
                return Err(self.failed(first, &failure, gave_up(None)));
            }
            let mut wait = interval;
            let left = self
                .deadline
                .map(|d| d.saturating_duration_since(Instant::now()));
            if let Some(after) = failure.retry_after()
                && after <= MAX_RETRY_AFTER
                && left.is_none_or(|left| after < left)
            {
                wait = wait.max(after);
            }
            if let (Some(left), Some(budget)) = (left, self.limits.budget)
                && wait >= left
            {
                let why = format!("the time budget of {} ran out", duration(budget));
                return Err(self.failed(first, &failure, gave_up(Some(why))));
            }
            progress(RunProgress::Waiting {
                attempt,
                remaining: left,
                last: self.mask(&failure.last),
            });
            pause(wait, self.interrupt).await?;
        }
    }

    /// Sends the request once and checks the response. Only an interrupt stops it early: a
    /// timeout is a failure like any other.
    async fn attempt(
        &mut self,
        entry: &HttpEntry,
        request: &Prepared,
    ) -> Result<Result<Vec<(String, String)>, Failure>, Interrupted> {
        let timeout = entry.options.timeout.unwrap_or(self.limits.timeout);
        let mut until = Instant::now() + timeout;
        let mut cut_by_budget = false;
        if let Some(deadline) = self.deadline.filter(|&deadline| deadline < until) {
            (until, cut_by_budget) = (deadline, true);
        }
        let status_seen = Cell::new(None);
        let sent = client::send(self.client, request, self.limits.max_body, &status_seen);
        let response = match guard(sent, until, self.interrupt).await {
            Err(Cut::Interrupted) => return Err(Interrupted),
            Err(Cut::Deadline) => {
                let within = match (cut_by_budget, self.limits.budget) {
                    (true, Some(budget)) => {
                        format!("before the time budget of {} ran out", duration(budget))
                    }
                    _ => format!("within {}", duration(timeout)),
                };
                let message = match status_seen.get() {
                    None => format!("no response {within}"),
                    Some(status) => format!(
                        "status {} came, but not the whole body {within}",
                        status.as_u16()
                    ),
                };
                return Ok(Err(Failure::transport(message)));
            }
            Ok(Err(message)) => return Ok(Err(Failure::transport(message))),
            Ok(Ok(response)) => response,
        };
        self.evidence.http_status = Some(response.status.as_u16());
        self.evidence.body_sha256 = Some(sha256_hex(&response.body));
        let checked = {
            let lookup = |name: &str| self.lookup(name);
            examine(entry, &response, &lookup, &self.secrets)
        };
        Ok(checked.map_err(|misses| Failure {
            lines: misses.iter().map(|m| m.line.clone()).collect(),
            last: misses.first().map(|m| m.short.clone()).unwrap_or_default(),
            fatal: misses.iter().any(|m| m.fatal),
            response: Some(response),
        }))
    }

    /// Earlier captures first (the latest of a name wins), then Hurl's template functions
    /// (their names are Hurl's, as in Hurl), then the lesson's variables.
    fn lookup(&self, name: &str) -> Option<String> {
        find(&self.captures, name)
            .or_else(|| hurl_function(name))
            .or_else(|| (self.vars)(name))
    }

    fn mask(&self, text: &str) -> String {
        self.secrets.mask(text).into_owned()
    }

    /// The reason a learner reads: which request, what failed, the response, the attempts.
    /// The block fails for `failure`, headed by the failure's short form.
    fn failed(&self, first: String, failure: &Failure, end: Option<String>) -> End {
        End::Failed {
            reason: self.reason(first, failure, end),
            headline: failure.last.clone(),
        }
    }

    fn reason(&self, first: String, failure: &Failure, end: Option<String>) -> String {
        let mut lines = vec![first];
        lines.extend(failure.lines.iter().map(|line| self.mask(line)));
        if let Some(response) = &failure.response {
            let mut seen = format!("response: status {}", response.status.as_u16());
            if let Some(url) = &response.redirected_to {
                seen.push_str(&format!(" (redirected to {})", self.mask(url.as_str())));
            }
            seen.push_str(&format!(
                ", body: {}",
                body_start(&response.body, &self.secrets)
            ));
            lines.push(seen);
        }
        lines.extend(end);
        lines.join("\n")
    }
}

/// Checks the status, then evaluates the captures and the asserts (which see the captures).
fn examine(
    entry: &HttpEntry,
    response: &Response,
    lookup: &Lookup<'_>,
    secrets: &Secrets,
) -> Result<Vec<(String, String)>, Vec<Miss>> {
    let got = response.status.as_u16();
    if let Some(want) = entry.status.filter(|&want| want != got) {
        return Err(vec![Miss {
            line: format!("status: expected {want}, got {got}"),
            short: format!("status {got}"),
            fatal: false,
        }]);
    }
    let examiner = Examiner::new(response, secrets);
    let mut captured: Vec<(String, String)> = Vec::new();
    let mut misses = Vec::new();
    for capture in &entry.captures {
        let value = {
            let lookup = |name: &str| find(&captured, name).or_else(|| lookup(name));
            examiner.capture(capture, &lookup)
        };
        match value {
            Ok(value) => captured.push((capture.name.clone(), value)),
            Err(miss) => misses.push(miss),
        }
    }
    let lookup = |name: &str| find(&captured, name).or_else(|| lookup(name));
    misses.extend(
        entry
            .asserts
            .iter()
            .filter_map(|assert| examiner.check(assert, &lookup).err()),
    );
    if misses.is_empty() {
        Ok(captured)
    } else {
        Err(misses)
    }
}

fn find(captures: &[(String, String)], name: &str) -> Option<String> {
    captures
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, value)| value.clone())
}

/// Runs `future` until it completes, `until` passes or `interrupt` is set, checking every
/// [`TICK`].
async fn guard<F: Future>(
    future: F,
    until: Instant,
    interrupt: &AtomicBool,
) -> Result<F::Output, Cut> {
    let mut future = std::pin::pin!(future);
    loop {
        if interrupt.load(Ordering::Relaxed) {
            return Err(Cut::Interrupted);
        }
        let now = Instant::now();
        if now >= until {
            return Err(Cut::Deadline);
        }
        let slice = (until - now).min(TICK);
        if let Ok(output) = tokio::time::timeout(slice, future.as_mut()).await {
            return Ok(output);
        }
    }
}

/// Waits `wait`, or until `interrupt` is set.
async fn pause(wait: Duration, interrupt: &AtomicBool) -> Result<(), Interrupted> {
    let until = Instant::now() + wait;
    match guard(std::future::pending::<()>(), until, interrupt).await {
        Err(Cut::Interrupted) => Err(Interrupted),
        _ => Ok(()),
    }
}

/// The start of a body for a failure reason: masked, whitespace runs made one space, cut.
fn body_start(body: &[u8], secrets: &Secrets) -> String {
    if body.is_empty() {
        return "(empty)".to_string();
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return format!("({}, not UTF-8 text)", client::bytes(body.len()));
    };
    let masked = secrets.mask(text);
    let flat = masked.split_whitespace().collect::<Vec<_>>().join(" ");
    clip(&flat, BODY_CHARS)
}

fn sha256_hex(bytes: &[u8]) -> String {
    crate::text::hex(&Sha256::digest(bytes))
}

/// `250ms`, `5s`, `2.5s`.
fn duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{}ms", d.as_millis())
    } else if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(Duration::from_millis(250)), "250ms");
        assert_eq!(duration(Duration::from_secs(5)), "5s");
        assert_eq!(duration(Duration::from_millis(2500)), "2.5s");
    }

    #[test]
    fn a_body_is_shown_masked_flattened_and_cut() {
        let mut secrets = Secrets::new();
        secrets.add("hunter2");
        assert_eq!(body_start(b"", &secrets), "(empty)");
        assert_eq!(
            body_start(&[0xff, 0xfe], &secrets),
            "(2 bytes, not UTF-8 text)"
        );
        assert_eq!(
            body_start(b"{\n  \"key\": \"hunter2\"\n}", &secrets),
            "{ \"key\": \"••••\" }"
        );
        // The secret straddles the cut: masked before cutting, nothing of it shows.
        let long = format!("{}hunter2", "a".repeat(BODY_CHARS - 3));
        let shown = body_start(long.as_bytes(), &secrets);
        assert!(!shown.contains("hun"), "{shown}");
        assert!(shown.ends_with('…'), "{shown}");
    }

    #[test]
    fn retry_after_is_seconds_or_an_http_date() {
        let now: jiff::Timestamp = "2026-11-26T12:00:00Z".parse().unwrap();
        let secs = |s| Some(Duration::from_secs(s));
        assert_eq!(retry_after("120", None, now), secs(120));
        assert_eq!(retry_after(" 0 ", None, now), secs(0));
        // An HTTP date, against the clock here when the response has no Date.
        let date = "Thu, 26 Nov 2026 12:00:30 GMT";
        assert_eq!(retry_after(date, None, now), secs(30));
        // Against the response's Date when it has one: a clock an hour off does not matter.
        let sent = Some("Thu, 26 Nov 2026 13:00:10 GMT");
        assert_eq!(
            retry_after("Thu, 26 Nov 2026 13:00:25 GMT", sent, now),
            secs(15)
        );
        // A date already past: no wait.
        let past = "Thu, 26 Nov 2026 11:59:00 GMT";
        assert_eq!(retry_after(past, None, now), secs(0));
        // A garbled Date falls back to the clock here.
        assert_eq!(retry_after(date, Some("yesterday"), now), secs(30));
        // The two obsolete forms a recipient must still accept.
        assert_eq!(
            retry_after("Thursday, 26-Nov-26 12:00:30 GMT", None, now),
            secs(30)
        );
        assert_eq!(retry_after("Thu Nov 26 12:00:30 2026", None, now), secs(30));
        for garbage in [
            "",
            "soon",
            "-5",
            "+30",
            "1.5",
            "Thu, 99 Nov 2026 12:00:30 GMT",
        ] {
            assert_eq!(retry_after(garbage, None, now), None, "{garbage:?}");
        }
    }

    #[test]
    fn the_body_hash_is_lowercase_hex_sha256() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

/// The value of one of Hurl's template functions (`crate::lesson::http::HURL_FUNCTIONS`):
/// `newUuid`, a random (version 4) UUID; `newDate`, the time now in RFC 3339 with
/// microseconds, in UTC.
fn hurl_function(name: &str) -> Option<String> {
    match name {
        "newUuid" => {
            let mut bytes = [0u8; 16];
            getrandom::getrandom(&mut bytes).ok()?;
            bytes[6] = (bytes[6] & 0x0f) | 0x40;
            bytes[8] = (bytes[8] & 0x3f) | 0x80;
            let hex = crate::text::hex(&bytes);
            Some(format!(
                "{}-{}-{}-{}-{}",
                &hex[0..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..32]
            ))
        }
        // As `toString` writes a date.
        "newDate" => super::value::Value::Date(jiff::Timestamp::now()).render(),
        _ => None,
    }
}

#[cfg(test)]
mod function_tests {
    use super::hurl_function;

    #[test]
    fn hurl_functions_give_a_fresh_uuid_and_the_time_now() {
        let (a, b) = (
            hurl_function("newUuid").unwrap(),
            hurl_function("newUuid").unwrap(),
        );
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4", "{a}");
        let date = hurl_function("newDate").unwrap();
        assert!(date.parse::<jiff::Timestamp>().is_ok(), "{date}");
        assert_eq!(hurl_function("newThing"), None);
    }
}
