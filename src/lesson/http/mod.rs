//! The body of an `http` block: requests in a subset of [Hurl](https://hurl.dev)'s format, so
//! that authors can run the same block with the real `hurl` tool.
//!
//! The accepted grammar, one construct per line. Leading and trailing whitespace is ignored
//! outside bodies; a line starting with `#` is a comment, and so is the end of a line from an
//! unquoted `#` (write `\#` for a literal one, as in Hurl).
//!
//! ```text
//! block    = entry*
//! entry    = request response?
//! request  = METHOD url                GET HEAD POST PUT DELETE CONNECT OPTIONS TRACE PATCH
//!            header*                   Name: value
//!            section*                  [QueryStringParams] or [Query]    name: value
//!                                      [FormParams] or [Form]            name: value
//!                                      [Options]   retry: 3
//!                                                  retry-interval: 2s    (bare number: ms)
//!                                                  timeout: 10s          (or max-time)
//!            body?
//! body     = JSON                      from `{` or `[` to the matching bracket, any lines
//!          | ```[json|xml|raw] ... ``` the lines between the fences (```text``` on one line)
//!          | `text`
//!          | text                      lines up to a blank or comment line: XML from `<`, a
//!                                      JSON value (`"text"`, `100`, `true`), else (labrun
//!                                      only) plain text; `BodyKind` says how each is sent
//! response = HTTP[/1.0|/1.1|/2|/3] STATUS      STATUS: 100..=599, or `*` for any
//!            header*                   Name: value, meaning `header "Name" == "value"`
//!            section*                  [Captures]  name: query filter*
//!                                      [Asserts]   query filter* [not] predicate
//!            body?                     JSON or ``` string, meaning `body == "..."`
//! ```
//!
//! Queries, filters and predicates are Hurl 8's: `asserts.rs` has their grammar.
//!
//! Strings take `\"`, `\\`, `\n`, `\t`, `\r`, `\b`, `\f` and `\u{hex}`. Hurl features that
//! labrun lacks (`[BasicAuth]`, `[Cookies]`, multipart, queries such as `xpath`, most
//! options) are reported as not supported rather than unknown, so authors see the block is
//! valid Hurl but not for labrun.
//!
//! A line with an error is left out of the model and parsing goes on with the next line, so a
//! block reports all its problems at once. Entries stay even when their request or `HTTP` line
//! is wrong, so that their captures still define variables and lint reports no cascade.

use std::time::Duration;

use serde::Serialize;

mod asserts;

pub use asserts::{
    Assert, Capture, Filter, MAX_JSONPATH_NESTING, Predicate, PredicateOp, PredicateValue, Query,
    encoding_known, jsonpath_is_singular, jsonpath_nesting,
};
use asserts::{assert, capture};

use super::diagnostic::{Code, Diagnostic, nearest};
use super::duration::parse_duration;
use super::span::Span;

/// One request of an `http` block, with what its response must satisfy.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HttpEntry {
    /// From the request line to the last line of the entry.
    pub span: Span,
    pub method: String,
    /// As written, escapes resolved; may contain `{{NAME}}` templates.
    pub url: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<KeyValue>,
    /// `[QueryStringParams]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<KeyValue>,
    /// `[FormParams]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub form: Vec<KeyValue>,
    /// What to send.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
    /// `None` for `HTTP *`, or without an `HTTP` line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub captures: Vec<Capture>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub asserts: Vec<Assert>,
    #[serde(skip_serializing_if = "HttpOptions::is_empty")]
    pub options: HttpOptions,
}

/// A request's body, and the kind of it that decides how Hurl sends it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Body {
    /// As written: JSON and XML whole, a ``` or `` ` `` string without its quotes (a `` ` ``
    /// string's escapes resolved).
    pub text: String,
    pub kind: BodyKind,
}

/// How a body is filled in and labelled, as Hurl does for each way of writing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// A JSON value written as it is (`{…}`, `[…]`, `"text"`, `100`, `true`): sent as
    /// `application/json`; a `{{NAME}}` inside a JSON string is escaped as JSON.
    Json,
    /// A ```` ```json ```` string: sent as `application/json`, `{{NAME}}` filled in as it is.
    JsonText,
    /// XML written as it is (from `<`): sent as `application/xml`, and as written, since
    /// Hurl fills no `{{NAME}}` in it.
    Xml,
    /// A ```` ```xml ```` string: sent as `application/xml`, `{{NAME}}` filled in.
    XmlText,
    /// A ```` ``` ```` or `` ` `` string, or lines of text: no content type.
    Text,
    /// A ```` ```raw ```` string: sent exactly as written, `{{…}}` included.
    Raw,
    /// `hex,…;`: bytes, `text` their hex digits.
    Hex,
    /// `base64,…;`: bytes, `text` their base64.
    Base64,
}

impl Body {
    /// The content type Hurl gives this body when no header names one.
    pub fn content_type(&self) -> Option<&'static str> {
        match self.kind {
            BodyKind::Json | BodyKind::JsonText => Some("application/json"),
            BodyKind::Xml | BodyKind::XmlText => Some("application/xml"),
            BodyKind::Text | BodyKind::Raw | BodyKind::Hex | BodyKind::Base64 => None,
        }
    }

    /// Whether `{{NAME}}` in the body is a variable to fill in.
    pub fn is_template(&self) -> bool {
        matches!(
            self.kind,
            BodyKind::Json | BodyKind::JsonText | BodyKind::XmlText | BodyKind::Text
        )
    }

    /// The bytes a `hex,…;` or `base64,…;` body stands for; `None` for a body of text.
    pub fn bytes(&self) -> Option<Vec<u8>> {
        match self.kind {
            BodyKind::Hex | BodyKind::Base64 => {
                asserts::decode_bytes(self.kind == BodyKind::Hex, &self.text)
            }
            _ => None,
        }
    }
}

/// A `name: value` line (header, query or form parameter), escapes resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KeyValue {
    pub name: String,
    pub value: String,
    pub span: Span,
}

/// `[Options]`. Durations serialize as milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HttpOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "millis")]
    pub retry_interval: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "millis")]
    pub timeout: Option<Duration>,
}

impl HttpOptions {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

fn millis<S: serde::Serializer>(value: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(d) => s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        None => s.serialize_none(),
    }
}

/// Hurl's template functions: `{{newUuid}}` is a new random UUID, `{{newDate}}` the time
/// now (RFC 3339, in microseconds), each time a request is made.
pub const HURL_FUNCTIONS: &[&str] = &["newUuid", "newDate"];

/// The methods of HTTP (RFC 9110, RFC 5789), WebDAV (RFC 4918, RFC 5323, RFC 3253) and the
/// registry's other common ones. Hurl sends any uppercase word; labrun takes a word none of
/// these names as a typo (`GTE`), and says which was meant.
const METHODS: &[&str] = &[
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "DELETE",
    "CONNECT",
    "OPTIONS",
    "TRACE",
    "PATCH",
    "LINK",
    "UNLINK",
    "PURGE",
    "LOCK",
    "UNLOCK",
    "PROPFIND",
    "PROPPATCH",
    "MKCOL",
    "COPY",
    "MOVE",
    "SEARCH",
    "REPORT",
    "QUERY",
    "VIEW",
];
const SECTIONS: &str = "QueryStringParams Query FormParams Form Options Captures Asserts";
const OPTIONS: &str = "retry retry-interval timeout max-time";
// What Hurl has and labrun lacks, to say "not supported" rather than suggest a typo fix: every
// option of hurl 8.0's `[Options]` section (hurl_core's `parser/option.rs`) but labrun's own.
// Only looked up once a word is known to be wrong, so a string is enough.
const HURL_OPTIONS: &str = "aws-sigv4 cacert cert compressed connect-to connect-timeout delay \
    digest header http1.0 http1.1 http2 http3 insecure ipv4 ipv6 key limit-rate location \
    location-trusted max-redirs negotiate netrc netrc-file netrc-optional ntlm output path-as-is \
    pinnedpubkey proxy repeat resolve skip unix-socket user variable verbose verbosity \
    very-verbose";
fn listed(list: &str, word: &str) -> bool {
    !word.is_empty() && list.split(' ').any(|w| w == word)
}

/// Parses the text of an `http` block. `base` is the byte offset of `text` in the lesson file,
/// so that every span is absolute in the file.
pub fn parse_http_block(text: &str, base: usize) -> (Vec<HttpEntry>, Vec<Diagnostic>) {
    let mut parser = Parser {
        text,
        base,
        ..Parser::default()
    };
    parser.run();
    let mut diags = parser.diags;
    for entry in &parser.entries {
        diags.extend(entry.asserts.iter().filter_map(asserts::hurl_difference));
    }
    (parser.entries, diags)
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum State {
    /// Before the first request: a line must be a request line.
    #[default]
    Start,
    /// After a line that should have been a request line: wait for one.
    Skip,
    Headers,
    Query,
    Form,
    Options,
    /// In a section already reported as wrong, whose lines would only repeat the error.
    Ignore,
    AfterBody,
    Response,
    Captures,
    Asserts,
}

/// One line: `t` is the line trimmed; offsets are into the block text.
#[derive(Debug, Clone, Copy)]
struct Line<'t> {
    start: usize,
    t: &'t str,
    t_off: usize,
    t_end: usize,
    next: usize,
}

#[derive(Default)]
struct Parser<'t> {
    text: &'t str,
    base: usize,
    pos: usize,
    /// End of the last line that belongs to the current entry.
    last_end: usize,
    state: State,
    entry: Option<HttpEntry>,
    responded: bool,
    /// Whether the request (or the response, once `responded`) has had its body.
    bodied: bool,
    entries: Vec<HttpEntry>,
    diags: Vec<Diagnostic>,
}

impl<'t> Parser<'t> {
    fn line_at(&self, pos: usize) -> Option<Line<'t>> {
        let rest = self.text.get(pos..).filter(|rest| !rest.is_empty())?;
        let (raw, next) = match rest.find('\n') {
            Some(i) => (&rest[..i], pos + i + 1),
            None => (rest, self.text.len()),
        };
        let t_off = pos + raw.len() - raw.trim_start().len();
        let t = raw.trim();
        Some(Line {
            start: pos,
            t,
            t_off,
            t_end: t_off + t.len(),
            next,
        })
    }

    fn next_line(&mut self) -> Option<Line<'t>> {
        let line = self.line_at(self.pos)?;
        self.pos = line.next;
        Some(line)
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.base + start, self.base + end)
    }

    fn run(&mut self) {
        while let Some(line) = self.next_line() {
            let t = line.t;
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            self.last_end = line.t_end;
            if is_response_line(t) {
                self.response_line(line);
            } else if let Some(section) = section_header(t) {
                self.section(line, section);
            } else if matches!(self.state, State::Start | State::Skip) {
                if at_request(t) {
                    self.request_line(line);
                } else if self.state == State::Start {
                    self.state = State::Skip;
                    let message = "expected a request line such as `GET https://example.org`";
                    self.diags
                        .push(malformed(self.span(line.t_off, line.t_end), message));
                }
            } else if starts_entry(t) {
                self.request_line(line);
            } else if let Err(diag) = self.in_entry(line) {
                self.diags.push(diag);
            }
            let end = self.base + self.last_end;
            if let Some(entry) = &mut self.entry {
                entry.span.end = end;
            }
        }
        self.finish_entry();
    }

    fn finish_entry(&mut self) {
        self.entries.extend(self.entry.take());
    }

    fn request_line(&mut self, line: Line<'t>) {
        self.finish_entry();
        let Some((method, rest)) = request_parts(line.t) else {
            return;
        };
        let (url, url_len) = value_string(rest);
        let span = self.span(line.t_off, line.t_off + method.len());
        let problem = if METHODS.contains(&method) && url_len == 0 {
            Some(malformed(span, format!("`{method}` needs a URL")))
        } else if method == "CONNECT" {
            let message = "labrun sends `CONNECT` with the host and port as its target, as \
                           RFC 9110 (9.3.6) says; hurl 8 sends the URL's path, so a server \
                           may answer the two differently";
            let help = "CONNECT opens a tunnel through a proxy; to check an ordinary route, \
                        use the method it answers";
            Some(Diagnostic::new(Code::HurlDifference, span, message).with_help(help))
        } else if METHODS.contains(&method) {
            None
        } else if known_method(method) {
            let message = format!("HTTP method `{method}` must be uppercase");
            let help = format!("write `{}`", method.to_ascii_uppercase());
            Some(Diagnostic::new(Code::BadHttpMethod, span, message).with_help(help))
        } else {
            let message = format!("unknown HTTP method `{method}`");
            Some(suggest(
                Diagnostic::new(Code::BadHttpMethod, span, message),
                method,
                METHODS.iter().copied(),
            ))
        };
        self.diags.extend(problem);
        let span = self.span(line.t_off, line.t_end);
        let method = method.to_string();
        self.entry = Some(HttpEntry {
            span,
            method,
            url,
            ..HttpEntry::default()
        });
        (self.responded, self.bodied, self.state) = (false, false, State::Headers);
    }

    fn response_line(&mut self, line: Line<'t>) {
        if self.entry.is_none() {
            if self.state == State::Start {
                self.state = State::Skip;
                let message = "`HTTP` response line without a request before it";
                self.diags
                    .push(malformed(self.span(line.t_off, line.t_end), message));
            }
            return;
        }
        let mut cur = Cursor::new(line.t, self.base + line.t_off);
        let (version, version_span) = cur.word();
        match parse_status(&mut cur, version, version_span) {
            Err(diag) => self.diags.push(diag),
            Ok(_) if self.responded => {
                let diag = malformed(version_span, "second `HTTP` line for one request");
                self.diags
                    .push(diag.with_help("start a new request with `METHOD URL` first"));
            }
            Ok(status) => {
                if let Some(code) = status.filter(|code| (300..400).contains(code)) {
                    let message = format!(
                        "labrun follows redirects (as `hurl --location` does): this entry gets the final \
                         response, never a {code}, so it passes in hurl and fails in labrun"
                    );
                    let help = "expect the status of the page the redirect leads to, or test \
                                the redirect with `curl -sI` in a shell check";
                    let at = Span::new(version_span.start, self.base + line.t_end);
                    self.diags
                        .push(Diagnostic::new(Code::HurlDifference, at, message).with_help(help));
                }
                if let Some(entry) = &mut self.entry {
                    entry.status = status;
                }
            }
        }
        (self.responded, self.bodied, self.state) = (true, false, State::Response);
    }

    fn section(&mut self, line: Line<'t>, (name, closed): (&str, bool)) {
        let span = self.span(
            line.t_off,
            line.t_off + name.len() + 1 + usize::from(closed),
        );
        if !closed {
            self.state = State::Ignore;
            let diag = malformed(span, format!("unclosed section header `[{name}`"));
            return self.diags.push(diag.with_help("end it with `]`"));
        }
        if self.entry.is_none() {
            if self.state == State::Start {
                self.state = State::Skip;
                let message = format!("section `[{name}]` outside of a request");
                self.diags.push(malformed(span, message));
            }
            return;
        }
        let (next, in_request) = match name {
            "QueryStringParams" | "Query" => (State::Query, true),
            "FormParams" | "Form" => (State::Form, true),
            "Options" => (State::Options, true),
            "Captures" => (State::Captures, false),
            "Asserts" => (State::Asserts, false),
            _ => {
                self.state = State::Ignore;
                return self.diags.push(unknown_section(name, span));
            }
        };
        let misplaced = match (in_request, self.responded) {
            (true, true) => Some("belongs to the request, before the `HTTP` line"),
            (false, false) => Some("must come after an `HTTP` response line"),
            _ if self.bodied => Some("must come before the body"),
            _ => None,
        };
        self.state = next;
        if let Some(why) = misplaced {
            self.state = State::Ignore;
            self.diags
                .push(malformed(span, format!("section `[{name}]` {why}")));
        }
    }

    /// A line of an entry other than a request, `HTTP` or section line.
    fn in_entry(&mut self, line: Line<'t>) -> Result<(), Diagnostic> {
        let abs = self.base + line.t_off;
        let line_span = self.span(line.t_off, line.t_end);
        match self.state {
            State::Headers => match key_value(line.t, abs) {
                Some((kv, ..)) => self.push(|e| e.headers.push(kv)),
                None => self.request_body(line),
            },
            State::Query | State::Form | State::Options => match key_value(line.t, abs) {
                Some((kv, ..)) if self.state == State::Query => self.push(|e| e.query.push(kv)),
                Some((kv, ..)) if self.state == State::Form => self.push(|e| e.form.push(kv)),
                Some((kv, key, value)) => self.option(&kv, key, value),
                None if starts_body(line.t) => self.request_body(line),
                None => Err(malformed(line_span, "expected `name: value`")),
            },
            State::Response => match key_value(line.t, abs) {
                Some((kv, ..)) => {
                    let assert = implicit(Query::Header(kv.name), kv.value, kv.span);
                    self.push(|e| e.asserts.push(assert))
                }
                None if starts_body(line.t) || starts_bytes(line.t) => self.response_body(line),
                None if line.t.starts_with("file,") => {
                    let span = self.span(line.t_off, line.t_off + "file,".len());
                    let message = "`file,` bodies are not supported by labrun";
                    let help = "compare the body's bytes under `[Asserts]`: `sha256 == hex,...;`";
                    Err(malformed(span, message).with_help(help))
                }
                None => Err(
                    malformed(line_span, "expected a response header `Name: value`")
                        .with_help("or a `[Captures]` or `[Asserts]` section"),
                ),
            },
            State::Captures | State::Asserts if starts_body(line.t) => self.response_body(line),
            State::Captures => capture(line.t, abs).and_then(|c| self.push(|e| e.captures.push(c))),
            State::Asserts => assert(line.t, abs).and_then(|a| self.push(|e| e.asserts.push(a))),
            State::AfterBody => {
                self.state = State::Ignore;
                let help =
                    "a text body ends at a blank or comment line; a ``` string can be longer";
                Err(malformed(line_span, "unexpected line after the body").with_help(help))
            }
            State::Ignore | State::Start | State::Skip => Ok(()),
        }
    }

    fn push(&mut self, add: impl FnOnce(&mut HttpEntry)) -> Result<(), Diagnostic> {
        if let Some(entry) = &mut self.entry {
            add(entry);
        }
        Ok(())
    }

    fn request_body(&mut self, line: Line<'t>) -> Result<(), Diagnostic> {
        let (body, _) = self.body(line);
        self.push(|e| e.body = body)
    }

    fn response_body(&mut self, line: Line<'t>) -> Result<(), Diagnostic> {
        match self.body(line) {
            (
                Some(
                    body @ Body {
                        kind: BodyKind::Hex | BodyKind::Base64,
                        ..
                    },
                ),
                span,
            ) => {
                // `hex,…;` in a response means `bytes == hex,…;`, as in Hurl.
                let mut assert = implicit(Query::Bytes, String::new(), span);
                assert.predicate.value = body.bytes().map(PredicateValue::Bytes);
                self.push(|e| e.asserts.push(assert))
            }
            (Some(Body { text: body, .. }), span) => {
                if body.trim_start().starts_with(['{', '[']) {
                    let message = "labrun compares a response's JSON body as JSON (any spacing, \
                                   any key order); hurl 8 compares the text as written, so it \
                                   passes there only if the server writes exactly this text";
                    let help = "to mean the same in both, assert the fields that matter: \
                                `jsonpath \"$.name\" == \"...\"` under `[Asserts]`";
                    self.diags
                        .push(Diagnostic::new(Code::HurlDifference, span, message).with_help(help));
                }
                self.push(|e| e.asserts.push(implicit(Query::Body, body, span)))
            }
            (None, _) => Ok(()),
        }
    }

    fn option(&mut self, kv: &KeyValue, key: Span, value: Span) -> Result<(), Diagnostic> {
        let (name, text) = (kv.name.as_str(), kv.value.as_str());
        let duration = || {
            // Hurl reads a bare `retry-interval` as milliseconds; so does labrun, to mean the same.
            let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
            let parsed = match digits && name == "retry-interval" {
                true => text
                    .parse()
                    .map(Duration::from_millis)
                    .map_err(|_| too_large(text)),
                false => parse_duration(text),
            };
            let message = match parsed {
                Ok(duration) if !duration.is_zero() => return Ok(Some(duration)),
                Ok(_) => format!("`{name}` must be longer than zero"),
                Err(why) => format!("bad duration for `{name}`: {why}"),
            };
            Err(Diagnostic::new(Code::BadDuration, value, message))
        };
        let Some(entry) = &mut self.entry else {
            return Ok(());
        };
        let options = &mut entry.options;
        match name {
            "retry" => options.retry = Some(retry(text, value)?),
            "retry-interval" => options.retry_interval = duration()?,
            "timeout" | "max-time" => options.timeout = duration()?,
            _ if listed(HURL_OPTIONS, name) => {
                let message = format!("option `{name}` is not supported by labrun");
                return Err(Diagnostic::new(Code::UnknownKey, key, message));
            }
            _ => {
                let message = format!("unknown option `{name}`");
                let diag = Diagnostic::new(Code::UnknownKey, key, message);
                return Err(diag.with_suggestion(name, OPTIONS.split(' ')));
            }
        }
        Ok(())
    }

    /// Reads a body starting at `line`, with its further lines; returns it and its span.
    fn body(&mut self, line: Line<'t>) -> (Option<Body>, Span) {
        let t = line.t;
        let text = |kind| move |text| Body { text, kind };
        let (body, end) = if let Some(rest) = t.strip_prefix("```") {
            self.multiline(line, rest)
        } else if let Some(rest) = t.strip_prefix('`') {
            match backtick_end(rest) {
                Some(close) => {
                    // A `...` string reads escapes (`\n`, `\``), as in Hurl; a ```...``` one
                    // does not.
                    let (body, end) = self.one_line(line, 1, close);
                    (
                        body.map(|body| unescape(&body)).map(text(BodyKind::Text)),
                        end,
                    )
                }
                None => {
                    let span = self.span(line.t_off, line.t_off + 1);
                    self.diags.push(malformed(span, "unclosed `` ` `` string"));
                    (None, line.t_end)
                }
            }
        } else if t.starts_with(['{', '[']) {
            let (body, end) = self.json(line);
            (body.map(text(BodyKind::Json)), end)
        } else {
            self.text_body(line)
        };
        (self.last_end, self.bodied, self.state) = (end, true, State::AfterBody);
        (body, self.span(line.t_off, end))
    }

    /// A string between `fence`-long quotes on one line, `len` bytes of content.
    fn one_line(&mut self, line: Line<'t>, fence: usize, len: usize) -> (Option<String>, usize) {
        let end = line.t_off + fence + len + fence;
        self.trailing(line, fence + len + fence);
        (line.t.get(fence..fence + len).map(str::to_string), end)
    }

    fn multiline(&mut self, line: Line<'t>, rest: &str) -> (Option<Body>, usize) {
        if let Some(close) = rest.find("```") {
            let (body, end) = self.one_line(line, 3, close);
            let text = |text| Body {
                text,
                kind: BodyKind::Text,
            };
            return (body.map(text), end);
        }
        let hint = rest.split('#').next().unwrap_or("").trim();
        let kind = match hint {
            "" => Some(BodyKind::Text),
            "json" => Some(BodyKind::JsonText),
            "xml" => Some(BodyKind::XmlText),
            "raw" => Some(BodyKind::Raw),
            _ => None,
        };
        if kind.is_none() {
            let hint_off = line.t_off + 3 + rest.len() - rest.trim_start().len();
            let message = match hint {
                "graphql" => format!("```{hint} strings are not supported by labrun"),
                _ => format!("unknown ``` string type `{hint}`"),
            };
            let span = self.span(hint_off, hint_off + hint.len());
            let diag = malformed(span, message);
            self.diags
                .push(diag.with_help("write ``` alone, or ```json, ```xml or ```raw"));
        }
        let content = self.pos;
        while let Some(next) = self.next_line() {
            if next.t == "```" {
                let body = kind.and_then(|kind| {
                    let text = self.text.get(content..next.start)?.to_string();
                    Some(Body { text, kind })
                });
                return (body, next.t_end);
            }
        }
        let span = self.span(line.t_off, line.t_off + 3);
        let diag = malformed(span, "unclosed ``` string");
        self.diags.push(diag.with_help("end it with a ``` line"));
        (None, self.text.trim_end().len().max(line.t_end))
    }

    fn json(&mut self, first: Line<'t>) -> (Option<String>, usize) {
        let mut depth = 0i64;
        let mut line = first;
        loop {
            // JSON strings cannot span lines, so quotes restart on each line: a stray quote then
            // cannot hide the closing bracket from the rest of the block.
            let (mut in_string, mut escaped) = (false, false);
            for (i, b) in line.t.bytes().enumerate() {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' if in_string => escaped = true,
                    b'"' => in_string = !in_string,
                    b'{' | b'[' if !in_string => depth += 1,
                    b'}' | b']' if !in_string => {
                        depth -= 1;
                        if depth <= 0 {
                            self.trailing(line, i + 1);
                            let end = line.t_off + i + 1;
                            return (self.text.get(first.t_off..end).map(str::to_string), end);
                        }
                    }
                    _ => {}
                }
            }
            match self.line_at(self.pos) {
                Some(next) if !is_response_line(next.t) && !starts_known_request(next.t) => {
                    self.pos = next.next;
                    line = next;
                }
                _ => break,
            }
        }
        let close = if first.t.starts_with('{') { "}" } else { "]" };
        let span = self.span(first.t_off, first.t_off + 1);
        let diag = malformed(span, "unclosed JSON body");
        self.diags
            .push(diag.with_help(format!("end it with `{close}`")));
        (None, line.t_end)
    }

    fn text_body(&mut self, first: Line<'t>) -> (Option<Body>, usize) {
        let mut end = first.t_end;
        while let Some(next) = self.line_at(self.pos) {
            let t = next.t;
            if is_blank_or_comment(t)
                || is_response_line(t)
                || starts_known_request(t)
                || section_header(t).is_some()
            {
                break;
            }
            self.pos = next.next;
            end = next.t_end;
        }
        if first.t.starts_with("file,") {
            let span = self.span(first.t_off, first.t_off + "file,".len());
            let message = "`file,` bodies are not supported by labrun";
            let help = "write the body in the block: a ``` string, JSON, or `base64,…;`";
            self.diags.push(malformed(span, message).with_help(help));
            return (None, end);
        }
        let bytes = [("hex,", BodyKind::Hex), ("base64,", BodyKind::Base64)];
        if let Some((prefix, kind)) = bytes.into_iter().find(|(p, _)| first.t.starts_with(p)) {
            return (self.bytes_body(first, end, prefix, kind), end);
        }
        let body = self.text.get(first.t_off..end).map(|text| {
            // As Hurl reads a body: XML from `<`, a JSON value (`"text"`, `100`, `true`) as JSON.
            let kind = if text.starts_with('<') {
                BodyKind::Xml
            } else if serde_json::from_str::<serde_json::Value>(text).is_ok() {
                BodyKind::Json
            } else {
                BodyKind::Text
            };
            Body {
                text: text.to_string(),
                kind,
            }
        });
        (body, end)
    }

    /// A `hex,…;` or `base64,…;` body from `first` to `end`, checked: its bytes may span
    /// lines, and only a comment may follow the `;`.
    fn bytes_body(
        &mut self,
        first: Line<'t>,
        end: usize,
        prefix: &str,
        kind: BodyKind,
    ) -> Option<Body> {
        let whole = self.text.get(first.t_off..end)?;
        let encoded = &whole[prefix.len()..];
        let Some(close) = encoded.find(';') else {
            let span = self.span(first.t_off, end);
            let diag = malformed(span, "unterminated bytes: end them with `;`");
            self.diags.push(diag);
            return None;
        };
        let after = &encoded[close + 1..];
        if !after.trim().is_empty() && !after.trim_start().starts_with('#') {
            let at = end - after.trim_start().len();
            let diag = malformed(self.span(at, end), "unexpected text after the body");
            self.diags.push(diag);
        }
        let text: String = encoded[..close].split_whitespace().collect();
        if asserts::decode_bytes(kind == BodyKind::Hex, &text).is_none() {
            let span = self.span(first.t_off, first.t_off + prefix.len() + close + 1);
            let what = if kind == BodyKind::Hex {
                "hex"
            } else {
                "base64"
            };
            self.diags
                .push(malformed(span, format!("invalid {what} bytes")));
            return None;
        }
        Some(Body { text, kind })
    }

    /// Reports text after the end of a body on its last line, `at` bytes into it.
    fn trailing(&mut self, line: Line<'t>, at: usize) {
        let rest = line.t.get(at..).unwrap_or("");
        if !is_blank_or_comment(rest) {
            let span = self.span(line.t_end - rest.trim_start().len(), line.t_end);
            let diag = malformed(span, "unexpected text after the body");
            self.diags.push(diag);
        }
    }
}

fn retry(text: &str, span: Span) -> Result<u32, Diagnostic> {
    match text.parse::<i64>() {
        Ok(n) if n < 0 => {
            let help = "Hurl's `-1` retries forever; labrun needs a count, e.g. `retry: 10`";
            Err(malformed(span, "`retry` cannot be negative").with_help(help))
        }
        Ok(n) => Ok(u32::try_from(n).unwrap_or(u32::MAX)),
        Err(_) => {
            let message = format!("`retry` must be a whole number of retries, not `{text}`");
            Err(malformed(span, message))
        }
    }
}

fn too_large(text: &str) -> String {
    format!("number too large in `{text}`")
}

fn malformed(span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::MalformedHttp, span, message)
}

/// Adds "did you mean" from a list that differs from `name` in case too (`GTE`, `asserts`).
fn suggest<'a>(
    diag: Diagnostic,
    name: &str,
    list: impl Iterator<Item = &'a str> + Clone,
) -> Diagnostic {
    let lower: Vec<String> = list.clone().map(str::to_ascii_lowercase).collect();
    let mut list = list;
    let best = nearest(name, lower.iter().map(String::as_str))
        .and_then(|best| list.find(|n| n.eq_ignore_ascii_case(best)));
    match best {
        Some(best) => diag.with_help(format!("did you mean `{best}`?")),
        None => diag,
    }
}

fn unknown_section(name: &str, span: Span) -> Diagnostic {
    let help = match name {
        "BasicAuth" => "send an `Authorization: Basic ...` header instead",
        "Cookies" => "send a `Cookie: name=value` header instead",
        "MultipartFormData" | "Multipart" => "write the body, with its `Content-Type` header",
        _ => {
            let message = format!("unknown section `[{name}]`");
            let diag = Diagnostic::new(Code::UnknownKey, span, message);
            return suggest(diag, name, SECTIONS.split(' '));
        }
    };
    let message = format!("section `[{name}]` is not supported by labrun");
    malformed(span, message).with_help(help)
}

/// `query == "value"`, as Hurl reads a response header or body.
fn implicit(query: Query, value: String, span: Span) -> Assert {
    let predicate = Predicate {
        not: false,
        op: PredicateOp::Eq,
        value: Some(PredicateValue::String(value)),
    };
    Assert {
        query,
        filters: Vec::new(),
        predicate,
        span,
        implicit: true,
    }
}

fn is_blank_or_comment(s: &str) -> bool {
    let s = s.trim_start();
    s.is_empty() || s.starts_with('#')
}

fn is_response_line(t: &str) -> bool {
    let rest = t.strip_prefix("HTTP");
    rest.is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '/']))
}

/// `METHOD rest` when the first word is meant as a method: all uppercase, or a known method in
/// lowercase (reported as such). `rest` may be empty.
fn request_parts(t: &str) -> Option<(&str, &str)> {
    let n = t.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (method, rest) = t.split_at(n);
    let upper = method.bytes().all(|b| b.is_ascii_uppercase());
    let lower = || method.bytes().all(|b| b.is_ascii_lowercase()) && known_method(method);
    let separated = rest.is_empty() || rest.starts_with([' ', '\t']);
    (n > 0 && separated && (upper || lower())).then(|| (method, rest.trim_start()))
}

/// Whether `word` is a method in any case, without allocating: most lines start with a word.
fn known_method(word: &str) -> bool {
    METHODS.iter().any(|m| m.eq_ignore_ascii_case(word))
}

/// Whether a line where a request must start is one, rather than something malformed.
fn at_request(t: &str) -> bool {
    request_parts(t).is_some_and(|(method, rest)| !rest.is_empty() || known_method(method))
}

/// Whether a line inside an entry starts the next one: a known method, or a method-like word
/// before what can only be a URL (so that `GTE /x` is reported rather than taken as a body).
fn starts_entry(t: &str) -> bool {
    request_parts(t).is_some_and(|(method, rest)| {
        let url_like = rest.starts_with(['/', '{']) || rest.contains("://");
        !rest.is_empty() && (METHODS.contains(&method) || url_like)
    })
}

/// Stricter than [`starts_entry`], to end a body, whose lines can be anything.
fn starts_known_request(t: &str) -> bool {
    request_parts(t).is_some_and(|(method, rest)| !rest.is_empty() && METHODS.contains(&method))
}

fn starts_body(t: &str) -> bool {
    t.starts_with(['{', '[', '`', '<'])
}

fn starts_bytes(t: &str) -> bool {
    t.starts_with("hex,") || t.starts_with("base64,")
}

/// `[Name]`, or `[Name` alone (unclosed: `false`), possibly followed by a comment.
fn section_header(t: &str) -> Option<(&str, bool)> {
    let inner = t.strip_prefix('[')?;
    let n = inner.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let (name, after) = inner.split_at(n);
    // `[true]` or `[1]` is a JSON body.
    if !name.starts_with(|c: char| c.is_ascii_alphabetic())
        || matches!(name, "true" | "false" | "null")
    {
        return None;
    }
    match after.strip_prefix(']') {
        Some(rest) if is_blank_or_comment(rest) => Some((name, true)),
        None if is_blank_or_comment(after) => Some((name, false)),
        _ => None,
    }
}

/// Finds the colon of `name: value`, where the name is a Hurl key-string (letters, digits,
/// `_-.[]@$`, escapes, templates). Returns the end of the name and the colon's position.
fn split_key(t: &str) -> Option<(usize, usize)> {
    let bytes = t.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'{' && bytes.get(i + 1) == Some(&b'{') {
            i += t.get(i..)?.find("}}")? + 2;
        } else if t.get(i..)?.starts_with("\\u{") {
            // `\u{5b}`: the escape runs to its brace.
            i += t.get(i..)?.find('}')? + 1;
        } else if b == b'\\' {
            i += 1 + t.get(i + 1..)?.chars().next().map_or(0, char::len_utf8);
        } else if b.is_ascii_alphanumeric() || b"_-.[]@$".contains(&b) {
            i += 1;
        } else {
            break;
        }
    }
    let key_end = i;
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    (key_end > 0 && bytes.get(i) == Some(&b':')).then_some((key_end, i))
}

/// A `name: value` line at absolute offset `abs`, and the spans of its name and of its value.
fn key_value(t: &str, abs: usize) -> Option<(KeyValue, Span, Span)> {
    let (key_end, colon) = split_key(t)?;
    let after = t.get(colon + 1..)?;
    let value_off = colon + 1 + after.len() - after.trim_start().len();
    let (value, value_len) = value_string(after.trim_start());
    let kv = KeyValue {
        name: unescape(t.get(..key_end)?),
        value,
        span: Span::new(abs, abs + t.len()),
    };
    let value_span = Span::new(abs + value_off, abs + value_off + value_len);
    Some((kv, Span::new(abs, abs + key_end), value_span))
}

/// An unquoted value: up to an unescaped `#`, without trailing space, escapes resolved.
/// Returns it and the length of its raw text.
fn value_string(s: &str) -> (String, usize) {
    let bytes = s.as_bytes();
    let mut end = s.len();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            // One byte is enough to skip: `#` and `\` never occur inside a UTF-8 sequence.
            b'\\' => i += 2,
            b'#' => {
                end = i;
                break;
            }
            _ => i += 1,
        }
    }
    let raw = s.get(..end).unwrap_or(s).trim_end();
    (unescape(raw), raw.len())
}

/// Resolves Hurl's escapes in unquoted text; an unknown escape is kept as written.
/// Where the `` `...` `` string that `rest` follows its opening backtick with ends: the first
/// backtick not escaped by a `\`.
fn backtick_end(rest: &str) -> Option<usize> {
    let mut escaped = false;
    for (at, c) in rest.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '`' => return Some(at),
            _ => {}
        }
    }
    None
}

fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        let mut look = chars.clone();
        let escaped = look.next().filter(|_| c == '\\');
        match escaped.and_then(|e| escaped_char(e, &mut look)) {
            Some(e) => {
                out.push(e);
                chars = look;
            }
            None => out.push(c),
        }
    }
    out
}

/// The character for `\` then `e` (and, for `\u{hex}`, the rest of the escape from `rest`).
fn escaped_char(e: char, rest: &mut std::str::Chars<'_>) -> Option<char> {
    Some(match e {
        '"' | '\\' | '#' | ':' | '/' | '`' => e,
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'u' if rest.next()? == '{' => {
            let mut code = 0u32;
            loop {
                match rest.next()? {
                    '}' => break char::from_u32(code)?,
                    c => code = code.checked_mul(16)?.checked_add(c.to_digit(16)?)?,
                }
            }
        }
        _ => return None,
    })
}

/// A position in one trimmed line, which starts at absolute offset `abs`.
struct Cursor<'a> {
    s: &'a str,
    i: usize,
    abs: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str, abs: usize) -> Self {
        Self { s, i: 0, abs }
    }

    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.abs + start, self.abs + end)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    /// At the end of the line's content: its end, or a comment.
    fn done(&self) -> bool {
        matches!(self.peek(), None | Some(b'#'))
    }

    /// The bytes up to the next space (or `#`, when `stop_at_hash`).
    fn take(&mut self, stop_at_hash: bool) -> (&'a str, Span) {
        let start = self.i;
        while let Some(b) = self.peek() {
            if b == b' ' || b == b'\t' || (stop_at_hash && b == b'#') {
                break;
            }
            self.i += 1;
        }
        let taken = self.s.get(start..self.i).unwrap_or("");
        (taken, self.span(start, self.i))
    }

    fn word(&mut self) -> (&'a str, Span) {
        self.take(false)
    }

    /// A `"..."` string at the cursor: its value and the span of what is between the quotes.
    fn quoted(&mut self) -> Result<(String, Span), Diagnostic> {
        let open = self.i;
        let body = self.s.get(open + 1..).unwrap_or("");
        let mut out = String::new();
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            let at = open + 1 + body.len() - chars.as_str().len() - c.len_utf8();
            match c {
                '"' => {
                    self.i = at + 1;
                    return Ok((out, self.span(open + 1, at)));
                }
                '\\' => {
                    let Some(e) = chars.next() else { break };
                    let Some(e) = escaped_char(e, &mut chars) else {
                        let span = self.span(at, at + 1 + e.len_utf8());
                        return Err(malformed(span, format!("invalid escape `\\{e}` in string")));
                    };
                    out.push(e);
                }
                c => out.push(c),
            }
        }
        let span = self.span(open, self.s.len());
        Err(malformed(span, "unterminated string"))
    }
}

fn parse_status(cur: &mut Cursor<'_>, version: &str, at: Span) -> Result<Option<u16>, Diagnostic> {
    if !matches!(
        version,
        "HTTP" | "HTTP/1.0" | "HTTP/1.1" | "HTTP/2" | "HTTP/3" | "HTTP/*"
    ) {
        let message = format!("unknown HTTP version `{version}`");
        return Err(malformed(at, message).with_help("use `HTTP`, `HTTP/1.1` or `HTTP/2`"));
    }
    cur.skip_ws();
    if cur.done() {
        let help = "add one, e.g. `HTTP 200`, or `HTTP *` for any status";
        return Err(malformed(at, format!("missing status after `{version}`")).with_help(help));
    }
    let (text, span) = cur.take(true);
    let status = if text == "*" {
        None
    } else if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed(span, format!("invalid status `{text}`")));
    } else {
        match text.parse::<u16>() {
            Ok(code) if (100..=599).contains(&code) => Some(code),
            _ => {
                let message = format!("status `{text}` is not between 100 and 599");
                return Err(malformed(span, message));
            }
        }
    };
    cur.skip_ws();
    if !cur.done() {
        let (extra, span) = cur.take(true);
        let help = "Hurl does not accept a reason phrase after the status";
        let message = format!("unexpected `{extra}` after the status");
        return Err(malformed(span, message).with_help(help));
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing `parse_http_block`: nested filters took the JSONPath parser seconds
    /// (it is exponential in the nesting); now refused at once.
    #[test]
    fn a_jsonpath_nested_too_deep_is_refused_before_it_is_parsed() {
        let nested = |depth: usize| format!("$.a{}{}", "[?@.b".repeat(depth), "]".repeat(depth));
        let text = format!(
            "GET http://x/\nHTTP 200\n[Asserts]\njsonpath \"{}\" exists\n",
            nested(9)
        );
        let diag = one_error(&text);
        assert_eq!(diag.code, Code::BadJsonPath);
        assert_eq!(
            diag.message,
            "invalid JSONPath: brackets nested 9 deep (labrun reads at most 8)"
        );
        // At the limit it is read as before.
        let text = text.replace(&nested(9), &nested(8));
        ok(&text);
        // The input the fuzzer found (565 bytes that took 12 s), byte for byte.
        let found = "GET {{kp_s\nHTTP 20s\n[Asserts]\njsonpath \"$.ererusroceq[?@.naqtcoccur1[?@.\
                     naqusroceq[?@ts]\njsonpath \"$.ererusroceq[?@.naqtcoccur1[?@.naqusroceq[?@.n\
                     aqtceq[?@.naqtcocsur1[?@.naqusroceq[?@.naqtcourc0s[?@.natceq[?@.naqtcocsur1[\
                     ?@.naqusroceq[?@.tceq[?@.naqtcocsur1[?@.naqusroceq[?@.naqtcourc0s[?@.natceq[\
                     ?@.naqtcocsur1[?@.naqusroceq[?@.naqtcourc1s[?@.naqte \"ssserts]\njson0aprp}i\
                     .[}\nHTTqte \"ssserts]\njson\nPOST https://ap}i.[}\nHLLLLLLLLLLLL6ath \"$.en\
                     aqtcourc1s[?@.naqte \"ssserts]\njson0aprp}i.[}\nHTTqte \"ssserts]\njson\nPOS\
                     T https://ap}i.[}\nHLLLLLLLLLLLL6ath \"$.erusrocLLLLLeq";
        let started = std::time::Instant::now();
        let (_, diags) = parse(found);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        assert!(
            diags
                .iter()
                .any(|d| d.message.starts_with("invalid JSONPath: brackets nested")),
            "{diags:#?}"
        );
    }

    #[test]
    fn quotes_do_not_hide_brackets_from_the_nesting_limit() {
        assert_eq!(jsonpath_nesting("$['a[b'][0]"), 2);
        assert_eq!(jsonpath_nesting("$.a[?@.b[?@.c]][0]"), 2);
        assert_eq!(jsonpath_nesting("$]]]["), 1);
    }

    /// Blocks start somewhere in their lesson: every span must include this.
    const BASE: usize = 1000;

    fn parse(text: &str) -> (Vec<HttpEntry>, Vec<Diagnostic>) {
        parse_http_block(text, BASE)
    }

    fn ok(text: &str) -> Vec<HttpEntry> {
        let (entries, diags) = parse(text);
        assert!(diags.is_empty(), "unexpected diagnostics: {diags:#?}");
        entries
    }

    fn one_error(text: &str) -> Diagnostic {
        let (_, diags) = parse(text);
        assert_eq!(diags.len(), 1, "expected one diagnostic: {diags:#?}");
        diags.into_iter().next().unwrap()
    }

    /// The absolute span of the `nth` (0-based) occurrence of `needle` in `text`.
    fn at_nth(text: &str, needle: &str, nth: usize) -> Span {
        let start = text.match_indices(needle).nth(nth).unwrap().0;
        Span::new(BASE + start, BASE + start + needle.len())
    }

    fn at(text: &str, needle: &str) -> Span {
        at_nth(text, needle, 0)
    }

    fn assert_error(text: &str, code: Code, needle: &str, message: &str, help: Option<&str>) {
        let diag = one_error(text);
        assert_eq!(
            (diag.code, diag.message.as_str(), diag.help.as_deref()),
            (code, message, help),
            "{text}"
        );
        assert_eq!(diag.span, at(text, needle), "{text}");
    }

    fn eq(value: PredicateValue) -> Predicate {
        Predicate {
            not: false,
            op: PredicateOp::Eq,
            value: Some(value),
        }
    }

    fn string(text: &str) -> PredicateValue {
        PredicateValue::String(text.to_string())
    }

    fn number(text: &str) -> PredicateValue {
        PredicateValue::Number(text.parse().unwrap())
    }

    fn kv(name: &str, value: &str, span: Span) -> KeyValue {
        KeyValue {
            name: name.into(),
            value: value.into(),
            span,
        }
    }

    #[test]
    fn a_request_with_headers_and_a_status_parses() {
        let text = "GET https://example.org/api?x=1\nAccept: application/json\nHTTP 200\n";
        let entries = ok(text);
        assert_eq!(
            entries,
            [HttpEntry {
                span: Span::new(BASE, BASE + 65),
                method: "GET".into(),
                url: "https://example.org/api?x=1".into(),
                headers: vec![kv(
                    "Accept",
                    "application/json",
                    at(text, "Accept: application/json")
                )],
                status: Some(200),
                ..HttpEntry::default()
            }]
        );
    }

    #[test]
    fn every_method_is_accepted() {
        // CONNECT is accepted too, with a warning (below).
        for method in METHODS.iter().filter(|m| **m != "CONNECT") {
            let entries = ok(&format!("{method} /x"));
            assert_eq!(entries[0].method, *method);
        }
    }

    #[test]
    fn several_entries_each_get_their_own_span_and_response() {
        let text =
            "# login\nPOST /login\nHTTP 200\n\n# then\nGET /me\nHTTP/2 401\n  \nDELETE /me\n";
        let entries = ok(text);
        let summary: Vec<_> = entries
            .iter()
            .map(|e| (e.method.as_str(), e.url.as_str(), e.status, e.span))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "POST",
                    "/login",
                    Some(200),
                    at(text, "POST /login\nHTTP 200")
                ),
                ("GET", "/me", Some(401), at(text, "GET /me\nHTTP/2 401")),
                ("DELETE", "/me", None, at(text, "DELETE /me")),
            ]
        );
    }

    #[test]
    fn every_http_version_and_any_status_are_accepted() {
        for line in [
            "HTTP 204",
            "HTTP/1.0 204",
            "HTTP/1.1 204",
            "HTTP/2 204",
            "HTTP/3 204",
        ] {
            assert_eq!(ok(&format!("GET /\n{line}"))[0].status, Some(204), "{line}");
        }
        assert_eq!(ok("GET /\nHTTP *")[0].status, None);
        assert_eq!(ok("GET /\nHTTP/* 200")[0].status, Some(200));
    }

    #[test]
    fn query_and_form_sections_and_their_short_names_collect_parameters() {
        let text = "POST /s\n[QueryStringParams]\nq: rust lang\n[Query]\npage: 2\n\
                    [FormParams]\nuser: {{USER}}\n[Form]\nempty:\n";
        let entry = &ok(text)[0];
        assert_eq!(
            entry.query,
            [
                kv("q", "rust lang", at(text, "q: rust lang")),
                kv("page", "2", at(text, "page: 2"))
            ]
        );
        assert_eq!(
            entry.form,
            [
                kv("user", "{{USER}}", at(text, "user: {{USER}}")),
                kv("empty", "", at(text, "empty:"))
            ]
        );
    }

    #[test]
    fn options_set_retry_interval_and_timeout() {
        let text = "GET /\n[Options]\nretry: 5\nretry-interval: 250\ntimeout: 1m30s\n";
        let options = &ok(text)[0].options;
        let expected = HttpOptions {
            retry: Some(5),
            retry_interval: Some(Duration::from_millis(250)),
            timeout: Some(Duration::from_secs(90)),
        };
        assert_eq!(*options, expected);
        let options = &ok("GET /\n[Options]\nretry-interval: 2s\nmax-time: 500ms")[0].options;
        assert_eq!(options.retry_interval, Some(Duration::from_secs(2)));
        assert_eq!(options.timeout, Some(Duration::from_millis(500)));
    }

    #[test]
    fn a_json_body_runs_to_its_matching_bracket_across_blank_lines_and_templates() {
        let json = "{\n  \"id\": {{ID}},\n\n  \"tags\": [\"}\", \"\\\"]\"]\n}";
        let text = format!("POST /items\nContent-Type: application/json\n{json}\nHTTP 201\n");
        let entry = &ok(&text)[0];
        assert_eq!(entry.body.as_ref().map(|b| b.text.as_str()), Some(json));
        assert_eq!(entry.status, Some(201));
        let entry = &ok("PUT /list\n[1, 2]\nHTTP 200")[0];
        assert_eq!(entry.body.as_ref().map(|b| b.text.as_str()), Some("[1, 2]"));
        assert_eq!(
            ok("PUT /flags\n[true]\n")[0]
                .body
                .as_ref()
                .map(|b| b.text.as_str()),
            Some("[true]")
        );
    }

    #[test]
    fn a_multiline_string_body_is_what_lies_between_its_fences() {
        let text = "POST /csv\n```\na,b\n\n1,2\n```\nHTTP 200\n";
        assert_eq!(
            ok(text)[0].body.as_ref().map(|b| b.text.as_str()),
            Some("a,b\n\n1,2\n")
        );
        assert_eq!(
            ok("POST /\n```json\n{}\n```")[0]
                .body
                .as_ref()
                .map(|b| b.text.as_str()),
            Some("{}\n")
        );
        assert_eq!(
            ok("POST /\n```one line```")[0]
                .body
                .as_ref()
                .map(|b| b.text.as_str()),
            Some("one line")
        );
        assert_eq!(
            ok("POST /\n``````")[0]
                .body
                .as_ref()
                .map(|b| b.text.as_str()),
            Some("")
        );
        assert_eq!(
            ok("POST /\n`quoted text`\nHTTP 200")[0]
                .body
                .as_ref()
                .map(|b| b.text.as_str()),
            Some("quoted text")
        );
    }

    #[test]
    fn a_text_body_ends_at_a_blank_line_and_text_after_it_is_reported() {
        let text = "POST /echo\nhello\nworld\n\nstray\nmore\nHTTP 200\n";
        let (entries, diags) = parse(text);
        assert_eq!(
            entries[0].body.as_ref().map(|b| b.text.as_str()),
            Some("hello\nworld")
        );
        assert_eq!(entries[0].status, Some(200));
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert_eq!(diags[0].message, "unexpected line after the body");
        assert_eq!(diags[0].span, at(text, "stray"));
    }

    #[test]
    fn captures_take_each_kind_of_query() {
        let text = "POST /login\nHTTP 200\n[Captures]\ntoken: jsonpath \"$.token\"\n\
                    loc: header \"Location\"\ncode: status\nraw: body # all of it\n";
        let captures = &ok(text)[0].captures;
        let found: Vec<_> = captures
            .iter()
            .map(|c| (c.name.as_str(), &c.query))
            .collect();
        assert_eq!(
            found,
            [
                ("token", &Query::JsonPath("$.token".into())),
                ("loc", &Query::Header("Location".into())),
                ("code", &Query::Status),
                ("raw", &Query::Body),
            ]
        );
        assert_eq!(captures[0].span, at(text, "token: jsonpath \"$.token\""));
    }

    #[test]
    fn every_predicate_parses_in_symbol_and_word_spelling() {
        use PredicateOp as Op;
        let cases = [
            ("== 1", "equals 1", Op::Eq),
            ("!= 1", "notEquals 1", Op::Ne),
            ("< 1", "lessThan 1", Op::Lt),
            ("<= 1", "lessThanOrEquals 1", Op::Le),
            ("> 1", "greaterThan 1", Op::Gt),
            (">= 1", "greaterThanOrEquals 1", Op::Ge),
            ("contains \"a\"", "contains \"a\"", Op::Contains),
            ("startsWith \"a\"", "startsWith \"a\"", Op::StartsWith),
            ("endsWith \"a\"", "endsWith \"a\"", Op::EndsWith),
            ("matches \"^a\"", "matches /^a/", Op::Matches),
            ("exists", "exists", Op::Exists),
        ];
        for (symbol, word, op) in cases {
            for predicate in [symbol, word] {
                let text = format!("GET /\nHTTP 200\n[Asserts]\njsonpath \"$.a\" {predicate}");
                let assert = &ok(&text)[0].asserts[0];
                assert_eq!(assert.predicate.op, op, "{predicate}");
                assert_eq!(
                    assert.predicate.value.is_none(),
                    op == Op::Exists,
                    "{predicate}"
                );
            }
        }
    }

    #[test]
    fn values_are_strings_numbers_booleans_null_regexes_and_templates() {
        let cases = [
            (r#""a \"q\" \\ \n \u{e9}""#, string("a \"q\" \\ \n é")),
            ("42", number("42")),
            ("-1.5", number("-1.5")),
            ("1e3", number("1e3")),
            ("true", PredicateValue::Bool(true)),
            ("false", PredicateValue::Bool(false)),
            ("null", PredicateValue::Null),
            ("{{EXPECTED}}", string("{{EXPECTED}}")),
            (
                "\"ünïcode # not a comment\"",
                string("ünïcode # not a comment"),
            ),
        ];
        for (written, value) in cases {
            let text = format!("GET /\nHTTP 200\n[Asserts]\njsonpath \"$.a\" == {written} # c");
            assert_eq!(ok(&text)[0].asserts[0].predicate, eq(value), "{written}");
        }
        let text = "GET /\nHTTP 200\n[Asserts]\nbody matches /a\\/b\\d+/";
        let value = ok(text)[0].asserts[0].predicate.value.clone();
        assert_eq!(value, Some(PredicateValue::Regex("a/b\\d+".into())));
    }

    #[test]
    fn count_and_not_come_before_the_predicate() {
        let text = "GET /\nHTTP 200\n[Asserts]\njsonpath \"$.items\" count == 2\n\
                    header \"X-Debug\" not exists\njsonpath \"$.tags\" count not == 0\n";
        let asserts = &ok(text)[0].asserts;
        let flags: Vec<_> = asserts
            .iter()
            .map(|a| (a.counts(), a.predicate.not))
            .collect();
        assert_eq!(flags, [(true, false), (false, true), (true, true)]);
        assert_eq!(asserts[0].span, at(text, "jsonpath \"$.items\" count == 2"));
        assert_eq!(asserts[1].query, Query::Header("X-Debug".into()));
    }

    #[test]
    fn response_headers_and_bodies_are_implicit_asserts() {
        let text =
            "GET /\nHTTP 200\nContent-Type: text/plain\n[Asserts]\nstatus == 200\n```\nhi\n```\n";
        let asserts = &ok(text)[0].asserts;
        assert_eq!(asserts.len(), 3);
        assert_eq!(asserts[0].query, Query::Header("Content-Type".into()));
        assert_eq!(asserts[0].predicate, eq(string("text/plain")));
        assert_eq!(
            (&asserts[2].query, &asserts[2].predicate),
            (&Query::Body, &eq(string("hi\n")))
        );
        assert_eq!(asserts[2].span, at(text, "```\nhi\n```"));
        // A `...` body reads escapes, as Hurl does; a ```...``` one does not.
        let one = &ok("GET /\nHTTP 200\n`Hi \\`you\\`!\\n`")[0].asserts[0];
        assert_eq!(one.predicate, eq(string("Hi `you`!\n")));
        let raw = &ok("GET /\nHTTP 200\n```Hi\\n```")[0].asserts[0];
        assert_eq!(raw.predicate, eq(string("Hi\\n")));
        // A JSON body is read as JSON by labrun, as text by hurl: a warning says so.
        let (entries, diags) = parse("GET /\nHTTP 200\n{\"ok\": true}");
        assert_eq!(
            entries[0].asserts[0].predicate,
            eq(string("{\"ok\": true}"))
        );
        let codes: Vec<_> = diags.iter().map(|diag| diag.code).collect();
        assert_eq!(codes, [Code::HurlDifference]);
    }

    #[test]
    fn comments_end_unquoted_values_unless_escaped() {
        let text = "  # intro\nGET http://x/a\\#b # the page\n  X-Tag: one # two\n# end\n";
        let entry = &ok(text)[0];
        assert_eq!(entry.url, "http://x/a#b");
        assert_eq!(entry.headers[0].name, "X-Tag");
        assert_eq!(entry.headers[0].value, "one");
        assert_eq!(
            entry.span,
            at(text, "GET http://x/a\\#b # the page\n  X-Tag: one # two")
        );
    }

    #[test]
    fn a_key_may_hold_escapes_as_in_hurl() {
        let text = "POST /\n[Form]\nvalues\\u{5b}0\\u{5d}: 0\na\\:b: 1\n";
        let names: Vec<_> = ok(text)[0].form.iter().map(|kv| kv.name.clone()).collect();
        assert_eq!(names, ["values[0]", "a:b"]);
    }

    #[test]
    fn connect_is_sent_but_warned_about() {
        let (entries, diags) = parse("CONNECT http://x/tunnel\nHTTP 200\n");
        assert_eq!(entries[0].method, "CONNECT");
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::HurlDifference]);
    }

    #[test]
    fn crlf_line_endings_are_accepted() {
        let entry =
            &ok("POST /x\r\nA: b\r\n{\r\n}\r\nHTTP 200\r\n[Asserts]\r\nstatus == 200\r\n")[0];
        assert_eq!(entry.headers[0].value, "b");
        assert_eq!(entry.body.as_ref().map(|b| b.text.as_str()), Some("{\r\n}"));
        assert_eq!(entry.asserts.len(), 1);
    }

    #[test]
    fn unknown_method_points_at_the_method() {
        let diag = one_error("GTE /x\nHTTP 200");
        assert_eq!(diag.code, Code::BadHttpMethod);
        assert_eq!(diag.span, Span::new(BASE, BASE + 3));
        assert_eq!(diag.message, "unknown HTTP method `GTE`");
        assert_eq!(diag.help.as_deref(), Some("did you mean `GET`?"));
        // Methods of WebDAV and the registry are methods, as in Hurl.
        for method in ["LINK", "PURGE", "PROPFIND", "MKCOL"] {
            assert_eq!(
                ok(&format!("{method} http://x/a\nHTTP 200\n"))[0].method,
                method
            );
        }
        let text = "GET /a\n\nPSOT http://x/b\n";
        assert_error(
            text,
            Code::BadHttpMethod,
            "PSOT",
            "unknown HTTP method `PSOT`",
            Some("did you mean `POST`?"),
        );
    }

    #[test]
    fn a_lowercase_method_must_be_uppercase() {
        let text = "post /x";
        assert_error(
            text,
            Code::BadHttpMethod,
            "post",
            "HTTP method `post` must be uppercase",
            Some("write `POST`"),
        );
    }

    #[test]
    fn a_request_needs_a_url() {
        assert_error(
            "GET # nothing",
            Code::MalformedHttp,
            "GET",
            "`GET` needs a URL",
            None,
        );
    }

    #[test]
    fn an_entry_with_a_bad_method_keeps_its_captures() {
        let text = "GTE /x\nHTTP 200\n[Captures]\nid: status\n";
        let (entries, diags) = parse(text);
        assert_eq!(diags.len(), 1);
        assert_eq!(entries[0].captures[0].name, "id");
    }

    #[test]
    fn a_line_that_is_not_a_request_is_reported_once_until_the_next_request() {
        let text = "Content-Type: x\n{\"a\": 1}\nHTTP 200\n[Asserts]\nGET /ok\nHTTP 200\n";
        let (entries, diags) = parse(text);
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert_eq!(diags[0].code, Code::MalformedHttp);
        assert_eq!(
            diags[0].message,
            "expected a request line such as `GET https://example.org`"
        );
        assert_eq!(diags[0].span, Span::new(BASE, BASE + 15));
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].url, "/ok");
        let text = "HTTP 200\n";
        let message = "`HTTP` response line without a request before it";
        assert_error(text, Code::MalformedHttp, "HTTP 200", message, None);
    }

    #[test]
    fn bad_status_lines_point_at_the_offending_part() {
        let text = "GET /\nHTTP 700";
        assert_error(
            text,
            Code::MalformedHttp,
            "700",
            "status `700` is not between 100 and 599",
            None,
        );
        let text = "GET /\nHTTP 99999999";
        assert_error(
            text,
            Code::MalformedHttp,
            "99999999",
            "status `99999999` is not between 100 and 599",
            None,
        );
        assert_error(
            "GET /\nHTTP ok",
            Code::MalformedHttp,
            "ok",
            "invalid status `ok`",
            None,
        );
        let help = Some("add one, e.g. `HTTP 200`, or `HTTP *` for any status");
        assert_error(
            "GET /\nHTTP/1.1",
            Code::MalformedHttp,
            "HTTP/1.1",
            "missing status after `HTTP/1.1`",
            help,
        );
        let help = Some("use `HTTP`, `HTTP/1.1` or `HTTP/2`");
        assert_error(
            "GET /\nHTTP/1.2 200",
            Code::MalformedHttp,
            "HTTP/1.2",
            "unknown HTTP version `HTTP/1.2`",
            help,
        );
        let help = Some("Hurl does not accept a reason phrase after the status");
        assert_error(
            "GET /\nHTTP/1.1 200 OK",
            Code::MalformedHttp,
            "OK",
            "unexpected `OK` after the status",
            help,
        );
        let help = Some("start a new request with `METHOD URL` first");
        let text = "GET /\nHTTP 200\nHTTP 201";
        let diag = one_error(text);
        assert_eq!(
            (diag.message.as_str(), diag.help.as_deref()),
            ("second `HTTP` line for one request", help)
        );
        assert_eq!(diag.span, at_nth(text, "HTTP", 1));
    }

    #[test]
    fn unknown_section_is_an_unknown_key_with_a_suggestion() {
        let text = "GET /\nHTTP 200\n[Asertss]\nstatus == 200\nnot even an assert\n";
        assert_error(
            text,
            Code::UnknownKey,
            "[Asertss]",
            "unknown section `[Asertss]`",
            Some("did you mean `Asserts`?"),
        );
        assert_error(
            "GET /\n[querystringparams]",
            Code::UnknownKey,
            "[querystringparams]",
            "unknown section `[querystringparams]`",
            Some("did you mean `QueryStringParams`?"),
        );
    }

    #[test]
    fn hurl_sections_labrun_lacks_are_reported_with_a_way_out() {
        let text = "GET /\n[BasicAuth]\nbob: secret\n";
        let help = Some("send an `Authorization: Basic ...` header instead");
        assert_error(
            text,
            Code::MalformedHttp,
            "[BasicAuth]",
            "section `[BasicAuth]` is not supported by labrun",
            help,
        );
        let text = "GET /\n[Cookies]\na: b\n[Query]\nq: 1";
        let (entries, diags) = parse(text);
        assert_eq!(
            diags[0].help.as_deref(),
            Some("send a `Cookie: name=value` header instead")
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(entries[0].query.len(), 1);
    }

    #[test]
    fn sections_out_of_place_are_reported_and_skipped() {
        let text = "GET /\n[Asserts]\nstatus == 200\nHTTP 200\n";
        assert_error(
            text,
            Code::MalformedHttp,
            "[Asserts]",
            "section `[Asserts]` must come after an `HTTP` response line",
            None,
        );
        let text = "GET /\nHTTP 200\n[Options]\nretry: 1\n";
        assert_error(
            text,
            Code::MalformedHttp,
            "[Options]",
            "section `[Options]` belongs to the request, before the `HTTP` line",
            None,
        );
        let text = "POST /\n{}\n[Form]\na: b\nHTTP 200";
        assert_error(
            text,
            Code::MalformedHttp,
            "[Form]",
            "section `[Form]` must come before the body",
            None,
        );
        let text = "[Query]\na: b\nGET /";
        assert_error(
            text,
            Code::MalformedHttp,
            "[Query]",
            "section `[Query]` outside of a request",
            None,
        );
    }

    #[test]
    fn an_unclosed_section_header_is_reported() {
        let text = "GET /\nHTTP 200\n[Asserts # oops\nstatus == 200";
        assert_error(
            text,
            Code::MalformedHttp,
            "[Asserts",
            "unclosed section header `[Asserts`",
            Some("end it with `]`"),
        );
    }

    #[test]
    fn unknown_or_unsupported_options_point_at_the_name() {
        let text = "GET /\n[Options]\nretyr: 3\n";
        assert_error(
            text,
            Code::UnknownKey,
            "retyr",
            "unknown option `retyr`",
            Some("did you mean `retry`?"),
        );
        let text = "GET /\n[Options]\ninsecure: true\n";
        assert_error(
            text,
            Code::UnknownKey,
            "insecure",
            "option `insecure` is not supported by labrun",
            None,
        );
    }

    #[test]
    fn bad_option_values_point_at_the_value() {
        let help = Some("Hurl's `-1` retries forever; labrun needs a count, e.g. `retry: 10`");
        let text = "GET /\n[Options]\nretry: -1";
        assert_error(
            text,
            Code::MalformedHttp,
            "-1",
            "`retry` cannot be negative",
            help,
        );
        let text = "GET /\n[Options]\nretry: {{N}}";
        let message = "`retry` must be a whole number of retries, not `{{N}}`";
        assert_error(text, Code::MalformedHttp, "{{N}}", message, None);
        let text = "GET /\n[Options]\ntimeout: 30 # seconds?";
        let message = "bad duration for `timeout`: missing unit in `30` (use ms, s, m or h)";
        assert_error(text, Code::BadDuration, "30", message, None);
        let text = "GET /\n[Options]\nretry-interval: 5x";
        let message =
            "bad duration for `retry-interval`: unknown unit `x` in `5x` (use ms, s, m or h)";
        assert_error(text, Code::BadDuration, "5x", message, None);
        let text = "GET /\n[Options]\nretry-interval: 99999999999999999999";
        let message = "bad duration for `retry-interval`: \
                       number too large in `99999999999999999999`";
        assert_error(
            text,
            Code::BadDuration,
            "99999999999999999999",
            message,
            None,
        );
        let text = "GET /\n[Options]\nmax-time: 0s";
        assert_error(
            text,
            Code::BadDuration,
            "0s",
            "`max-time` must be longer than zero",
            None,
        );
        let text = "GET /\n[Options]\nretry-interval: 0";
        let message = "`retry-interval` must be longer than zero";
        assert_error(text, Code::BadDuration, "0", message, None);
    }

    #[test]
    fn a_bad_jsonpath_points_at_the_expression() {
        let text = "GET /\nHTTP 200\n[Asserts]\njsonpath \"$.items[\" count == 1\n";
        assert_error(
            text,
            Code::BadJsonPath,
            "$.items[",
            "invalid JSONPath: parser error at `[`",
            None,
        );
        let text = "GET /\nHTTP 200\n[Captures]\nx: jsonpath \"$..\"\n";
        let message = "invalid JSONPath: must start with lowercase alpha or '_' at the end";
        assert_error(text, Code::BadJsonPath, "$..", message, None);
        ok("GET /\nHTTP 200\n[Asserts]\njsonpath \"$.{{FIELD}}[\" exists");
    }

    #[test]
    fn a_bad_regex_points_at_the_value() {
        let text = "GET /\nHTTP 200\n[Asserts]\nbody matches /a(b/\n";
        assert_error(
            text,
            Code::BadRegex,
            "/a(b/",
            "invalid regex: unclosed group",
            None,
        );
        let text = "GET /\nHTTP 200\n[Asserts]\nheader \"X\" not matches \"[z-a]\"\n";
        let message = "invalid regex: invalid character class range, the start must be <= the end";
        assert_error(text, Code::BadRegex, "\"[z-a]\"", message, None);
        ok("GET /\nHTTP 200\n[Asserts]\nbody matches \"{{PATTERN}}(\"");
    }

    #[test]
    fn predicate_errors_point_at_the_op_or_the_value() {
        let cases = [
            (
                "status = 200",
                "=",
                "unknown predicate `=`",
                Some("did you mean `==`?"),
            ),
            (
                "body contain \"x\"",
                "contain",
                "unknown predicate `contain`",
                Some("did you mean `contains`?"),
            ),
            (
                "body isStrin",
                "isStrin",
                "unknown predicate `isStrin`",
                Some("did you mean `isString`?"),
            ),
            ("status ==200", "==", "expected a space after `==`", None),
            ("status ==", "==", "`==` needs a value", None),
            (
                "body not",
                "body not",
                "missing predicate",
                Some("add one, e.g. `== 200` or `exists`"),
            ),
            (
                "header \"X\" exists \"y\"",
                "\"y\"",
                "`exists` takes no value",
                None,
            ),
            (
                "body startsWith 3",
                "3",
                "`startsWith` needs a string or bytes",
                None,
            ),
            (
                "body == [1, 2]",
                "[1,",
                "a list or an object is no predicate value in Hurl: compare its items, or its `count`",
                None,
            ),
            (
                "status == /2../",
                "/2../",
                "`==` needs a value, not a regex (use `matches`)",
                None,
            ),
            (
                "status < true",
                "true",
                "`<` needs a number or a string",
                None,
            ),
            (
                "body matches 1",
                "1",
                "`matches` needs a regex or a string",
                None,
            ),
            (
                "status == 200 OK",
                "OK",
                "unexpected `OK` after the predicate",
                None,
            ),
            (
                "status == ok",
                "ok",
                "invalid value `ok`",
                Some("quote strings: `\"ok\"`"),
            ),
            ("status == 2x", "2x", "invalid number `2x`", None),
            (
                "body xpath \"//p\" == 1",
                "xpath",
                "filter `xpath` is not supported by labrun",
                None,
            ),
            (
                "body nth x == 1",
                "x",
                "`nth` needs an integer, not `x`",
                None,
            ),
        ];
        for (line, needle, message, help) in cases {
            let text = format!("GET /\nHTTP 200\n[Asserts]\n{line}\n");
            let start = text.find("[Asserts]\n").unwrap() + 10;
            let diag = one_error(&text);
            assert_eq!(
                (diag.code, diag.message.as_str(), diag.help.as_deref()),
                (Code::MalformedHttp, message, help),
                "{line}"
            );
            let offset = start + line.find(needle).unwrap();
            assert_eq!(
                diag.span,
                Span::new(BASE + offset, BASE + offset + needle.len()),
                "{line}"
            );
        }
    }

    #[test]
    fn query_errors_point_at_the_query() {
        let cases = [
            (
                "jsonpth \"$.a\" exists",
                "jsonpth",
                "unknown query `jsonpth`",
                Some("did you mean `jsonpath`?"),
            ),
            (
                "xpath \"//a\" exists",
                "xpath",
                "query `xpath` is not supported by labrun",
                None,
            ),
            (
                "jsonpath $.a exists",
                "jsonpath",
                "`jsonpath` needs a quoted argument, e.g. `jsonpath \"...\"`",
                None,
            ),
            (
                "header \"X exists",
                "\"X exists",
                "unterminated string",
                None,
            ),
            (
                "header \"\\q\" exists",
                "\\q",
                "invalid escape `\\q` in string",
                None,
            ),
            (
                "body == \"\\u{110000}\"",
                "\\u",
                "invalid escape `\\u` in string",
                None,
            ),
            ("body matches /abc", "/abc", "unterminated regex", None),
            ("body == {{X", "{{X", "unclosed `{{` template", None),
        ];
        for (line, needle, message, help) in cases {
            let text = format!("GET /\nHTTP 200\n[Asserts]\n{line}\n");
            let diag = one_error(&text);
            assert_eq!(
                (diag.code, diag.message.as_str(), diag.help.as_deref()),
                (Code::MalformedHttp, message, help),
                "{line}"
            );
            assert_eq!(diag.span, at(&text, needle), "{line}");
        }
    }

    #[test]
    fn capture_errors_point_at_the_name_or_the_extra_word() {
        let text = "GET /\nHTTP 200\n[Captures]\nmy-id: jsonpath \"$.id\"\n";
        let help = Some("use letters, digits and `_`, not starting with a digit");
        let message = "capture name `my-id` is not a valid variable name";
        assert_error(text, Code::InvalidVariable, "my-id", message, help);
        let text = "GET /\nHTTP 200\n[Captures]\nn: body xpath \"//p\"\n";
        assert_error(
            text,
            Code::MalformedHttp,
            "xpath",
            "filter `xpath` is not supported by labrun",
            None,
        );
        let text = "GET /\nHTTP 200\n[Captures]\nn: jsonpath \"$.items\" count words\n";
        assert_error(
            text,
            Code::MalformedHttp,
            "words",
            "unexpected `words` after the query",
            None,
        );
        let text = "GET /\nHTTP 200\n[Captures]\njust words\n";
        assert_error(
            text,
            Code::MalformedHttp,
            "just words",
            "expected a capture `name: query`",
            None,
        );
    }

    #[test]
    fn unclosed_bodies_point_at_their_opening() {
        let text = "POST /\n{\"a\": [1,\nHTTP 200\n[Asserts]\nstatus == 200";
        let (entries, diags) = parse(text);
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert_eq!(
            (diags[0].message.as_str(), diags[0].span),
            ("unclosed JSON body", at(text, "{"))
        );
        assert_eq!(diags[0].help.as_deref(), Some("end it with `}`"));
        assert_eq!(entries[0].asserts.len(), 1, "the response is still read");
        let text = "POST /\n```\nnever closed\nHTTP 200";
        assert_error(
            text,
            Code::MalformedHttp,
            "```",
            "unclosed ``` string",
            Some("end it with a ``` line"),
        );
        let text = "POST /\n{\"a\": 1} trailing";
        assert_error(
            text,
            Code::MalformedHttp,
            "trailing",
            "unexpected text after the body",
            None,
        );
    }

    #[test]
    fn a_body_has_the_kind_hurl_reads_it_as() {
        let kinds = [
            ("{\"a\": 1}", BodyKind::Json),
            ("[1]", BodyKind::Json),
            ("\"Hello\"", BodyKind::Json),
            ("-1.5e3", BodyKind::Json),
            ("true", BodyKind::Json),
            ("<a>1</a>", BodyKind::Xml),
            ("a=1&b=2", BodyKind::Text),
            ("`{\"a\": 1}`", BodyKind::Text),
            ("```\n{\"a\": 1}\n```", BodyKind::Text),
            ("```json\n{\"a\": 1}\n```", BodyKind::JsonText),
            ("```xml\n<a/>\n```", BodyKind::XmlText),
            ("```raw\n{{a}}\n```", BodyKind::Raw),
        ];
        for (body, kind) in kinds {
            let entries = ok(&format!("POST /\n{body}\nHTTP 200"));
            assert_eq!(
                entries[0].body.as_ref().map(|b| b.kind),
                Some(kind),
                "{body}"
            );
        }
    }

    #[test]
    fn a_triple_quoted_value_is_refused() {
        for text in ["body == ```a```\n", "body == ```\nline\n```\n"] {
            let (_, diags) = parse(&format!("GET /\nHTTP 200\n[Asserts]\n{text}"));
            let message = "a ``` string as an expected value is not supported by labrun";
            assert_eq!(diags[0].message, message, "{text}");
        }
    }

    #[test]
    fn bytes_bodies_are_sent_and_compared_as_bytes() {
        let entry = &ok("POST /\nbase64,aGk=; # hi\nHTTP 200\nhex,00 ff;")[0];
        let body = entry.body.as_ref().unwrap();
        assert_eq!(
            (body.kind, body.bytes()),
            (BodyKind::Base64, Some(b"hi".to_vec()))
        );
        assert_eq!(entry.asserts[0].query, Query::Bytes);
        let wanted = Some(PredicateValue::Bytes(vec![0, 255]));
        assert_eq!(entry.asserts[0].predicate.value, wanted);
        assert_error(
            "POST /\nhex,0g;",
            Code::MalformedHttp,
            "hex,0g;",
            "invalid hex bytes",
            None,
        );
        let (_, diags) = parse("POST /\nbase64,aGk=\nHTTP 200");
        assert_eq!(diags[0].message, "unterminated bytes: end them with `;`");
    }

    #[test]
    fn hurl_body_kinds_labrun_lacks_are_reported() {
        let text = "GET /\nHTTP 200\nfile,data.bin;";
        assert_error(
            text,
            Code::MalformedHttp,
            "file,",
            "`file,` bodies are not supported by labrun",
            Some("compare the body's bytes under `[Asserts]`: `sha256 == hex,...;`"),
        );
        let text = "POST /\nfile,data.bin;";
        assert_error(
            text,
            Code::MalformedHttp,
            "file,",
            "`file,` bodies are not supported by labrun",
            Some("write the body in the block: a ``` string, JSON, or `base64,…;`"),
        );
        let text = "POST /\n```graphql\n{ a }\n```";
        assert_error(
            text,
            Code::MalformedHttp,
            "graphql",
            "```graphql strings are not supported by labrun",
            Some("write ``` alone, or ```json, ```xml or ```raw"),
        );
    }

    #[test]
    fn all_errors_of_a_block_are_reported_without_cascading() {
        let text = "GTE /a\nHTTP 200\n[Asserts]\nstatus = 1\nstatus == 1\nbody contains /2/\n\n\
                    POST /b\n[Options]\nretry: x\n[Nope]\nignored: line\nHTTP 999\n";
        let (entries, diags) = parse(text);
        let contains_2 = at(text, "body contains /2/");
        let found: Vec<_> = diags.iter().map(|d| (d.code, d.span)).collect();
        assert_eq!(
            found,
            [
                (Code::BadHttpMethod, at(text, "GTE")),
                (Code::MalformedHttp, at(text, "=")),
                (
                    Code::MalformedHttp,
                    Span::new(contains_2.end - 3, contains_2.end)
                ),
                (Code::MalformedHttp, at(text, "x")),
                (Code::UnknownKey, at(text, "[Nope]")),
                (Code::MalformedHttp, at(text, "999")),
            ]
        );
        assert_eq!(entries.len(), 2);
        assert_eq!(
            entries[0].asserts.len(),
            1,
            "the good assert between two bad ones stays"
        );
    }

    #[test]
    fn spans_are_absolute_in_the_lesson() {
        let (_, diags) = parse_http_block("GET /\n[Nope]", 7);
        assert_eq!(diags[0].span, Span::new(13, 19));
        let (entries, _) = parse_http_block("\nGET /\n", 7);
        assert_eq!(entries[0].span, Span::new(8, 13));
    }

    #[test]
    fn empty_and_comment_only_blocks_have_no_entries() {
        for text in ["", "\n\n", "# only\n  # comments\n", "   "] {
            assert_eq!(ok(text), []);
        }
    }

    #[test]
    fn the_model_serializes_to_json_with_durations_in_milliseconds() {
        let text = "GET /\n[Options]\ntimeout: 2s\nHTTP 200\n[Asserts]\nbody matches /x/\n";
        let json = serde_json::to_value(&ok(text)[0]).unwrap();
        assert_eq!(json["options"], serde_json::json!({ "timeout": 2000 }));
        assert_eq!(json["asserts"][0]["query"], "body");
        assert_eq!(json["asserts"][0]["predicate"]["op"], "matches");
        assert_eq!(
            json["asserts"][0]["predicate"]["value"],
            serde_json::json!({ "regex": "x" })
        );
        assert!(json.get("headers").is_none());
    }

    #[test]
    fn odd_inputs_never_panic_and_spans_stay_in_bounds() {
        let odd = [
            "",
            "#",
            "\n",
            "\r\n\r",
            "GET",
            "GET ",
            "HTTP",
            "HTTP/",
            "[",
            "[A",
            "[]",
            "{",
            "}",
            "`",
            "```",
            "\"",
            "\\",
            "é",
            "GET é\né: ü\nHTTP 200\n[Asserts]\nheader \"é\" == \"\\u{1F600}\"",
            "GET /\nX\\",
            "GET /\nX\\é: 1",
            "GET /\n{{",
            "GET /\n{{a}}: b",
            "GET /\nHTTP 200\n[Asserts]\nbody == \"\\",
            "GET /\nHTTP 200\n[Asserts]\nbody == \"\\u{",
            "GET /\nHTTP 200\n[Asserts]\nbody == \"\\u{FFFFFFFFFFFF}\"",
            "GET /\nHTTP 200\n[Asserts]\nbody matches /\\",
            "GET /\nHTTP 200\n[Asserts]\nstatus == -",
            "GET /\nHTTP 200\n[Asserts]\nstatus == --1",
            "GET /\nHTTP 200\n[Captures]\n: status",
            "GET /\nHTTP 200\n[Asserts]\njsonpath \"\" exists",
            "GET /\nHTTP 200\n[Asserts]\njsonpath \"é\" exists",
            "GET /\n[Options]\nretry: 99999999999999999999",
            "POST /\n[\n",
            "POST /\n`é",
            "GET /\n```\n```\n```",
            "\u{feff}GET /",
            "GET\t/x\tHTTP 200",
            "GET /\nHTTP\t200\n[Asserts]\nstatus\t==\t200",
            "POST /\n{\"a\":\"\\\"}\nHTTP 200",
            "GET /\n\u{a0}X: y\u{a0}",
            "GET /\nHTTP 200\n[Asserts]\n\"",
        ];
        let sample = "POST http://x/{{A}} # c\nH: v\n[Options]\nretry: 2\n{\n \"a\": \"é\\\"\",\n \"b\": [1]\n}\n\
                      HTTP/1.1 201\nX: y\n[Captures]\nid: jsonpath \"$.id\"\n[Asserts]\njsonpath \"$.n\" count not >= 2 # x\n\
                      body matches /a\\/b/\n```\nü\n```\nGET /z\n";
        let mut inputs: Vec<String> = odd.iter().map(|s| s.to_string()).collect();
        // Every truncation of a full block, as a file cut mid-line would give.
        inputs.extend(sample.char_indices().map(|(i, _)| sample[..i].to_string()));
        for text in &inputs {
            let (entries, diags) = parse(text);
            let spans = diags
                .iter()
                .map(|d| d.span)
                .chain(entries.iter().map(|e| e.span));
            for span in spans {
                assert!(
                    span.start >= BASE && span.start <= span.end && span.end <= BASE + text.len(),
                    "{text:?}: {span:?}"
                );
            }
        }
    }
}
