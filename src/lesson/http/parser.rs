//! The line-by-line reader: a state machine over the block's lines (request, headers,
//! sections, body, response), which builds the entries and collects every diagnostic.

use super::*;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum State {
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

/// One line of the block; offsets are into the block text.
#[derive(Debug, Clone, Copy)]
pub(super) struct Line<'t> {
    /// Where the line starts.
    pub(super) start: usize,
    /// The line without its leading and trailing whitespace.
    pub(super) trimmed: &'t str,
    /// Where `trimmed` starts and ends.
    pub(super) trimmed_start: usize,
    pub(super) trimmed_end: usize,
    /// Where the next line starts (past the newline).
    pub(super) next: usize,
}

#[derive(Default)]
pub(super) struct Parser<'t> {
    pub(super) text: &'t str,
    pub(super) base: usize,
    pub(super) pos: usize,
    /// End of the last line that belongs to the current entry.
    pub(super) last_end: usize,
    pub(super) state: State,
    pub(super) entry: Option<HttpEntry>,
    pub(super) responded: bool,
    /// Whether the request (or the response, once `responded`) has had its body.
    pub(super) bodied: bool,
    pub(super) entries: Vec<HttpEntry>,
    pub(super) diags: Vec<Diagnostic>,
}

impl<'t> Parser<'t> {
    pub(super) fn line_at(&self, pos: usize) -> Option<Line<'t>> {
        let rest = self.text.get(pos..).filter(|rest| !rest.is_empty())?;
        let (raw, next) = match rest.find('\n') {
            Some(i) => (&rest[..i], pos + i + 1),
            None => (rest, self.text.len()),
        };
        let trimmed_start = pos + raw.len() - raw.trim_start().len();
        let trimmed = raw.trim();
        Some(Line {
            start: pos,
            trimmed,
            trimmed_start,
            trimmed_end: trimmed_start + trimmed.len(),
            next,
        })
    }

    pub(super) fn next_line(&mut self) -> Option<Line<'t>> {
        let line = self.line_at(self.pos)?;
        self.pos = line.next;
        Some(line)
    }

    pub(super) fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.base + start, self.base + end)
    }

    pub(super) fn run(&mut self) {
        while let Some(line) = self.next_line() {
            let t = line.trimmed;
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            self.last_end = line.trimmed_end;
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
                    self.diags.push(malformed(
                        self.span(line.trimmed_start, line.trimmed_end),
                        message,
                    ));
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

    pub(super) fn finish_entry(&mut self) {
        self.entries.extend(self.entry.take());
    }

    pub(super) fn request_line(&mut self, line: Line<'t>) {
        self.finish_entry();
        let Some((method, rest)) = request_parts(line.trimmed) else {
            return;
        };
        let (url, url_len) = value_string(rest);
        let span = self.span(line.trimmed_start, line.trimmed_start + method.len());
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
        let span = self.span(line.trimmed_start, line.trimmed_end);
        let method = method.to_string();
        self.entry = Some(HttpEntry {
            span,
            method,
            url,
            ..HttpEntry::default()
        });
        (self.responded, self.bodied, self.state) = (false, false, State::Headers);
    }

    pub(super) fn response_line(&mut self, line: Line<'t>) {
        if self.entry.is_none() {
            if self.state == State::Start {
                self.state = State::Skip;
                let message = "`HTTP` response line without a request before it";
                self.diags.push(malformed(
                    self.span(line.trimmed_start, line.trimmed_end),
                    message,
                ));
            }
            return;
        }
        let mut cur = Cursor::new(line.trimmed, self.base + line.trimmed_start);
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
                    let at = Span::new(version_span.start, self.base + line.trimmed_end);
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

    pub(super) fn section(&mut self, line: Line<'t>, (name, closed): (&str, bool)) {
        let span = self.span(
            line.trimmed_start,
            line.trimmed_start + name.len() + 1 + usize::from(closed),
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
    pub(super) fn in_entry(&mut self, line: Line<'t>) -> Result<(), Diagnostic> {
        let abs = self.base + line.trimmed_start;
        let line_span = self.span(line.trimmed_start, line.trimmed_end);
        match self.state {
            State::Headers => match key_value(line.trimmed, abs) {
                Some((kv, ..)) => self.push(|e| e.headers.push(kv)),
                None => self.request_body(line),
            },
            State::Query | State::Form | State::Options => match key_value(line.trimmed, abs) {
                Some((kv, ..)) if self.state == State::Query => self.push(|e| e.query.push(kv)),
                Some((kv, ..)) if self.state == State::Form => self.push(|e| e.form.push(kv)),
                Some((kv, key, value)) => self.option(&kv, key, value),
                None if starts_body(line.trimmed) => self.request_body(line),
                None => Err(malformed(line_span, "expected `name: value`")),
            },
            State::Response => match key_value(line.trimmed, abs) {
                Some((kv, ..)) => {
                    let assert = implicit(Query::Header(kv.name), kv.value, kv.span);
                    self.push(|e| e.asserts.push(assert))
                }
                None if starts_body(line.trimmed) || starts_bytes(line.trimmed) => {
                    self.response_body(line)
                }
                None if line.trimmed.starts_with("file,") => {
                    let span = self.span(line.trimmed_start, line.trimmed_start + "file,".len());
                    let message = "`file,` bodies are not supported by labrun";
                    let help = "compare the body's bytes under `[Asserts]`: `sha256 == hex,...;`";
                    Err(malformed(span, message).with_help(help))
                }
                None => Err(
                    malformed(line_span, "expected a response header `Name: value`")
                        .with_help("or a `[Captures]` or `[Asserts]` section"),
                ),
            },
            State::Captures | State::Asserts if starts_body(line.trimmed) => {
                self.response_body(line)
            }
            State::Captures => {
                capture(line.trimmed, abs).and_then(|c| self.push(|e| e.captures.push(c)))
            }
            State::Asserts => {
                assert(line.trimmed, abs).and_then(|a| self.push(|e| e.asserts.push(a)))
            }
            State::AfterBody => {
                self.state = State::Ignore;
                let help =
                    "a text body ends at a blank or comment line; a ``` string can be longer";
                Err(malformed(line_span, "unexpected line after the body").with_help(help))
            }
            State::Ignore | State::Start | State::Skip => Ok(()),
        }
    }

    pub(super) fn push(&mut self, add: impl FnOnce(&mut HttpEntry)) -> Result<(), Diagnostic> {
        if let Some(entry) = &mut self.entry {
            add(entry);
        }
        Ok(())
    }

    pub(super) fn request_body(&mut self, line: Line<'t>) -> Result<(), Diagnostic> {
        let (body, _) = self.body(line);
        self.push(|e| e.body = body)
    }

    pub(super) fn response_body(&mut self, line: Line<'t>) -> Result<(), Diagnostic> {
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

    pub(super) fn option(
        &mut self,
        kv: &KeyValue,
        key: Span,
        value: Span,
    ) -> Result<(), Diagnostic> {
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
    pub(super) fn body(&mut self, line: Line<'t>) -> (Option<Body>, Span) {
        let t = line.trimmed;
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
                    let span = self.span(line.trimmed_start, line.trimmed_start + 1);
                    self.diags.push(malformed(span, "unclosed `` ` `` string"));
                    (None, line.trimmed_end)
                }
            }
        } else if t.starts_with(['{', '[']) {
            let (body, end) = self.json(line);
            (body.map(text(BodyKind::Json)), end)
        } else {
            self.text_body(line)
        };
        (self.last_end, self.bodied, self.state) = (end, true, State::AfterBody);
        (body, self.span(line.trimmed_start, end))
    }

    /// A string between `fence`-long quotes on one line, `len` bytes of content.
    pub(super) fn one_line(
        &mut self,
        line: Line<'t>,
        fence: usize,
        len: usize,
    ) -> (Option<String>, usize) {
        let end = line.trimmed_start + fence + len + fence;
        self.trailing(line, fence + len + fence);
        (
            line.trimmed.get(fence..fence + len).map(str::to_string),
            end,
        )
    }

    pub(super) fn multiline(&mut self, line: Line<'t>, rest: &str) -> (Option<Body>, usize) {
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
            let hint_off = line.trimmed_start + 3 + rest.len() - rest.trim_start().len();
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
            if next.trimmed == "```" {
                let body = kind.and_then(|kind| {
                    let text = self.text.get(content..next.start)?.to_string();
                    Some(Body { text, kind })
                });
                return (body, next.trimmed_end);
            }
        }
        let span = self.span(line.trimmed_start, line.trimmed_start + 3);
        let diag = malformed(span, "unclosed ``` string");
        self.diags.push(diag.with_help("end it with a ``` line"));
        (None, self.text.trim_end().len().max(line.trimmed_end))
    }

    pub(super) fn json(&mut self, first: Line<'t>) -> (Option<String>, usize) {
        let mut depth = 0i64;
        let mut line = first;
        loop {
            // JSON strings cannot span lines, so quotes restart on each line: a stray quote then
            // cannot hide the closing bracket from the rest of the block.
            let (mut in_string, mut escaped) = (false, false);
            for (i, b) in line.trimmed.bytes().enumerate() {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' if in_string => escaped = true,
                    b'"' => in_string = !in_string,
                    b'{' | b'[' if !in_string => depth += 1,
                    b'}' | b']' if !in_string => {
                        depth -= 1;
                        if depth <= 0 {
                            self.trailing(line, i + 1);
                            let end = line.trimmed_start + i + 1;
                            return (
                                self.text.get(first.trimmed_start..end).map(str::to_string),
                                end,
                            );
                        }
                    }
                    _ => {}
                }
            }
            match self.line_at(self.pos) {
                Some(next)
                    if !is_response_line(next.trimmed) && !starts_known_request(next.trimmed) =>
                {
                    self.pos = next.next;
                    line = next;
                }
                _ => break,
            }
        }
        let close = if first.trimmed.starts_with('{') {
            "}"
        } else {
            "]"
        };
        let span = self.span(first.trimmed_start, first.trimmed_start + 1);
        let diag = malformed(span, "unclosed JSON body");
        self.diags
            .push(diag.with_help(format!("end it with `{close}`")));
        (None, line.trimmed_end)
    }

    pub(super) fn text_body(&mut self, first: Line<'t>) -> (Option<Body>, usize) {
        let mut end = first.trimmed_end;
        while let Some(next) = self.line_at(self.pos) {
            let t = next.trimmed;
            if is_blank_or_comment(t)
                || is_response_line(t)
                || starts_known_request(t)
                || section_header(t).is_some()
            {
                break;
            }
            self.pos = next.next;
            end = next.trimmed_end;
        }
        if first.trimmed.starts_with("file,") {
            let span = self.span(first.trimmed_start, first.trimmed_start + "file,".len());
            let message = "`file,` bodies are not supported by labrun";
            let help = "write the body in the block: a ``` string, JSON, or `base64,…;`";
            self.diags.push(malformed(span, message).with_help(help));
            return (None, end);
        }
        let bytes = [("hex,", BodyKind::Hex), ("base64,", BodyKind::Base64)];
        if let Some((prefix, kind)) = bytes
            .into_iter()
            .find(|(p, _)| first.trimmed.starts_with(p))
        {
            return (self.bytes_body(first, end, prefix, kind), end);
        }
        let body = self.text.get(first.trimmed_start..end).map(|text| {
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
    pub(super) fn bytes_body(
        &mut self,
        first: Line<'t>,
        end: usize,
        prefix: &str,
        kind: BodyKind,
    ) -> Option<Body> {
        let whole = self.text.get(first.trimmed_start..end)?;
        let encoded = &whole[prefix.len()..];
        let Some(close) = encoded.find(';') else {
            let span = self.span(first.trimmed_start, end);
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
        if value::decode_bytes(kind == BodyKind::Hex, &text).is_none() {
            let span = self.span(
                first.trimmed_start,
                first.trimmed_start + prefix.len() + close + 1,
            );
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
    pub(super) fn trailing(&mut self, line: Line<'t>, at: usize) {
        let rest = line.trimmed.get(at..).unwrap_or("");
        if !is_blank_or_comment(rest) {
            let span = self.span(line.trimmed_end - rest.trim_start().len(), line.trimmed_end);
            let diag = malformed(span, "unexpected text after the body");
            self.diags.push(diag);
        }
    }
}
