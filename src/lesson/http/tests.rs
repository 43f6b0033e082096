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
    let text = "# login\nPOST /login\nHTTP 200\n\n# then\nGET /me\nHTTP/2 401\n  \nDELETE /me\n";
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
    let entry = &ok("POST /x\r\nA: b\r\n{\r\n}\r\nHTTP 200\r\n[Asserts]\r\nstatus == 200\r\n")[0];
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
    let message = "bad duration for `retry-interval`: unknown unit `x` in `5x` (use ms, s, m or h)";
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
