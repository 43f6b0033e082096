use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::*;
use crate::lesson::http::parse_http_block;

const DOC: &str = r#"{"status": "OK", "n": 3, "f": 2.5, "flag": true, "nothing": null,
    "name": "bluebird", "tags": ["a", "b"], "empty": [],
    "items": [{"id": 1, "ok": true}, {"id": 2, "ok": false}]}"#;

fn response(body: &[u8]) -> Response {
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("content-type", "application/json"),
        ("x-multi", "first"),
        ("x-multi", "second"),
    ] {
        headers.append(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    Response {
        status: StatusCode::OK,
        headers,
        body: body.to_vec(),
        redirected_to: None,
        elapsed: std::time::Duration::from_millis(12),
    }
}

fn vars(name: &str) -> Option<String> {
    Some(
        match name {
            "three" => "3",
            "ok" => "OK",
            "field" => "status",
            "prefix" => "blue",
            "bad_regex" => "(",
            _ => return None,
        }
        .to_string(),
    )
}

fn entry(text: &str) -> HttpEntry {
    let (mut entries, diags) = parse_http_block(text, 0);
    let errors: Vec<_> = diags
        .iter()
        .filter(|diag| diag.severity == crate::lesson::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{text}: {errors:?}");
    entries.remove(0)
}

use crate::lesson::http::HttpEntry;

fn check_on(body: &[u8], line: &str) -> Result<(), Miss> {
    let entry = entry(&format!("GET http://x\nHTTP *\n[Asserts]\n{line}\n"));
    let response = response(body);
    let secrets = Secrets::new();
    Examiner::new(&response, &secrets).check(&entry.asserts[0], &vars)
}

fn check(line: &str) -> Result<(), Miss> {
    check_on(DOC.as_bytes(), line)
}

#[test]
fn each_predicate_passes_and_fails_as_hurl_has_it() {
    let cases = [
        (r#"jsonpath "$.status" == "OK""#, true),
        (r#"jsonpath "$.status" == "FAIL""#, false),
        (r#"jsonpath "$.n" == 3"#, true),
        (r#"jsonpath "$.n" == 3.0"#, true),
        (r#"jsonpath "$.n" == "3""#, false),
        (r#"jsonpath "$.n" != 4"#, true),
        (r#"jsonpath "$.n" != 3"#, false),
        (r#"jsonpath "$.f" > 2"#, true),
        (r#"jsonpath "$.f" < 2"#, false),
        (r#"jsonpath "$.f" >= 2.5"#, true),
        (r#"jsonpath "$.f" <= 2.4"#, false),
        (r#"jsonpath "$.name" < "c""#, true),
        (r#"jsonpath "$.name" > "c""#, false),
        (r#"jsonpath "$.name" contains "blue""#, true),
        (r#"jsonpath "$.name" contains "red""#, false),
        (r#"jsonpath "$.tags" contains "a""#, true),
        (r#"jsonpath "$.tags" contains "z""#, false),
        (r#"jsonpath "$.name" startsWith "blue""#, true),
        (r#"jsonpath "$.name" startsWith "bird""#, false),
        (r#"jsonpath "$.name" endsWith "bird""#, true),
        (r#"jsonpath "$.name" endsWith "blue""#, false),
        (r#"jsonpath "$.name" matches /^blue.*d$/"#, true),
        (r#"jsonpath "$.name" matches "^x""#, false),
        (r#"jsonpath "$.flag" == true"#, true),
        (r#"jsonpath "$.flag" == false"#, false),
        (r#"jsonpath "$.nothing" == null"#, true),
        (r#"jsonpath "$.nothing" exists"#, true),
        (r#"jsonpath "$.status" exists"#, true),
        (r#"jsonpath "$.missing" exists"#, false),
        (r#"jsonpath "$.missing" not exists"#, true),
        (r#"jsonpath "$.status" not exists"#, false),
        (r#"jsonpath "$.status" not == "FAIL""#, true),
        (r#"jsonpath "$.status" not == "OK""#, false),
        (r#"jsonpath "$.name" not contains "red""#, true),
        (r#"jsonpath "$.name" not contains "blue""#, false),
        // Nothing fails every predicate, unless `not` comes first.
        (r#"jsonpath "$.missing" not == "x""#, true),
        (r#"jsonpath "$.missing" != "x""#, false),
        // Kinds that cannot be ordered fail, `not` or not.
        (r#"jsonpath "$.n" < "4""#, false),
        (r#"jsonpath "$.n" not < "4""#, false),
        (r#"jsonpath "$.n" not startsWith "x""#, false),
        (r#"jsonpath "$.tags" count == 2"#, true),
        (r#"jsonpath "$.tags" count == 3"#, false),
        (r#"jsonpath "$.tags" count not == 3"#, true),
        (r#"jsonpath "$.tags" count not == 2"#, false),
        (r#"jsonpath "$.tags" count > 1"#, true),
        (r#"jsonpath "$.empty" count == 0"#, true),
        (r#"jsonpath "$.items[*]" count == 2"#, true),
        (r#"jsonpath "$.items[?@.ok == true]" count == 1"#, true),
        (r#"jsonpath "$.items[?@.id > 5]" count == 0"#, true),
        (r#"jsonpath "$.status" count == 1"#, false),
        // One node selected is that node; several, the list of them.
        (r#"jsonpath "$.items[?@.ok == true].id" == 1"#, true),
        (r#"jsonpath "$.items[*].id" includes 2"#, true),
        (r#"jsonpath "$.items[*].id" == 1"#, false),
        (r#"header "Content-Type" == "application/json""#, true),
        (r#"header "content-type" contains "json""#, true),
        (r#"header "content-type" contains "xml""#, false),
        // A header that comes twice is the list of its values.
        (r#"header "X-Multi" == "first""#, false),
        (r#"header "X-Multi" includes "second""#, true),
        (r#"header "X-Multi" count == 2"#, true),
        // Filters, then the predicate.
        (
            r#"jsonpath "$.name" replace "bird" "bell" == "bluebell""#,
            true,
        ),
        (r#"jsonpath "$.tags" nth 1 == "b""#, true),
        (r#"jsonpath "$.tags" nth 2 exists"#, false),
        (r#"jsonpath "$.n" toString == "3""#, true),
        (r#"jsonpath "$.n" isInteger"#, true),
        (r#"jsonpath "$.f" isInteger"#, false),
        (r#"jsonpath "$.empty" isEmpty"#, true),
        (r#"jsonpath "$.tags" isEmpty"#, false),
        (r#"header "X-Nope" exists"#, false),
        (r#"header "X-Nope" not exists"#, true),
        ("status == 200", true),
        ("status < 300", true),
        ("status == 201", false),
        (r#"body contains "bluebird""#, true),
        (r#"body startsWith "{""#, true),
        (r#"body == "nope""#, false),
        (r#"jsonpath "$.n" == {{three}}"#, true),
        (r#"jsonpath "$.n" > {{three}}"#, false),
        (r#"jsonpath "$.status" == "{{ok}}""#, true),
        (r#"jsonpath "$.{{field}}" == "OK""#, true),
        (r#"jsonpath "$.name" matches "^{{prefix}}""#, true),
    ];
    let mut wrong = Vec::new();
    for (line, passes) in cases {
        let result = check(line);
        if result.is_ok() != passes {
            wrong.push(format!(
                "{line}: expected to {}, got {result:?}",
                if passes { "pass" } else { "fail" }
            ));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn a_failure_says_what_was_expected_and_what_came() {
    let cases = [
        (
            r#"jsonpath "$.status" == "FAIL""#,
            r#"jsonpath "$.status": expected == "FAIL", got "OK""#,
            r#"jsonpath "$.status" was "OK", expected == "FAIL""#,
        ),
        (
            r#"jsonpath "$.missing" == 1"#,
            r#"jsonpath "$.missing": expected == 1, got nothing (no such path)"#,
            r#"jsonpath "$.missing" was nothing (no such path), expected == 1"#,
        ),
        (
            r#"jsonpath "$.tags" count == 3"#,
            r#"jsonpath "$.tags": expected count == 3, got 2"#,
            r#"jsonpath "$.tags" was 2, expected count == 3"#,
        ),
        (
            r#"jsonpath "$.n" < "4""#,
            r#"jsonpath "$.n": expected < "4", got 3, which is an integer"#,
            r#"jsonpath "$.n" was 3, which is an integer, expected < "4""#,
        ),
        (
            r#"jsonpath "$.status" count == 1"#,
            r#"jsonpath "$.status": `count`: takes a list or bytes, not string"#,
            r#"jsonpath "$.status": `count`: takes a list or bytes, not string"#,
        ),
        (
            r#"header "X-Nope" exists"#,
            r#"header "X-Nope": expected exists, got nothing (no such header)"#,
            r#"header "X-Nope" was nothing (no such header), expected exists"#,
        ),
        (
            r#"jsonpath "$.name" not matches /^blue/"#,
            r#"jsonpath "$.name": expected not matches /^blue/, got "bluebird""#,
            r#"jsonpath "$.name" was "bluebird", expected not matches /^blue/"#,
        ),
    ];
    for (line, reason, short) in cases {
        let miss = check(line).unwrap_err();
        assert_eq!(miss.line, reason);
        assert_eq!(miss.short, short);
        assert!(!miss.fatal);
    }
}

#[test]
fn count_after_a_filter_counts_the_nodes_it_selects() {
    // RFC 9535: one node, or none; Hurl 8.0 fails both (lint warns).
    assert_eq!(
        check(r#"jsonpath "$.items[?@.ok == true]" count == 1"#),
        Ok(())
    );
    assert_eq!(check(r#"jsonpath "$.items[?@.id > 5]" count == 0"#), Ok(()));
    let miss = check(r#"jsonpath "$.items[?@.ok == true]" count == 2"#).unwrap_err();
    assert_eq!(
        miss.line,
        r#"jsonpath "$.items[?@.ok == true]": expected count == 2, got 1"#
    );
}

#[test]
fn a_body_that_is_not_json_or_not_utf8_is_named_as_such() {
    let miss = check_on(b"<html>", r#"jsonpath "$.a" exists"#).unwrap_err();
    assert_eq!(
        miss.line,
        r#"jsonpath "$.a": response is not JSON: expected value at line 1 column 1"#
    );
    let miss = check_on(b"", r#"jsonpath "$.a" exists"#).unwrap_err();
    assert_eq!(
        miss.line,
        r#"jsonpath "$.a": response is not JSON: the body is empty"#
    );
    let miss = check_on(b"ok\xff", r#"body contains "ok""#).unwrap_err();
    assert_eq!(
        miss.line,
        "body: response body is not valid UTF-8 (invalid byte at offset 2)"
    );
    assert!(check_on(b"ok\xff", "status == 200").is_ok());
}

#[test]
fn a_block_that_is_wrong_once_filled_in_fails_for_good() {
    let miss = check(r#"jsonpath "$.name" matches "{{bad_regex}}""#).unwrap_err();
    assert!(miss.fatal, "{miss:?}");
    assert!(
        miss.line.starts_with(r#"jsonpath "$.name": invalid regex"#),
        "{}",
        miss.line
    );
    let miss = check(r#"jsonpath "$.{{unknown}}" exists"#).unwrap_err();
    assert!(miss.fatal);
    assert_eq!(
        miss.line,
        r#"jsonpath "$.{{unknown}}": variable `unknown` has no value (in the JSONPath)"#
    );
}

#[test]
fn a_json_body_in_the_response_section_is_compared_as_json() {
    let entry = entry("GET http://x\nHTTP 200\n{\"b\": [1, 2], \"a\": 1.0}\n");
    let secrets = Secrets::new();
    let same = response(br#"{"a":1,"b":[1,2]}"#);
    assert_eq!(
        Examiner::new(&same, &secrets).check(&entry.asserts[0], &vars),
        Ok(())
    );
    let other = response(br#"{"a":1,"b":[2,1]}"#);
    let miss = Examiner::new(&other, &secrets)
        .check(&entry.asserts[0], &vars)
        .unwrap_err();
    assert_eq!(
        miss.line,
        r#"body: expected == {"a":1.0,"b":[1,2]}, got {"a":1,"b":[2,1]}"#
    );
}

#[test]
fn captures_take_strings_raw_and_other_values_as_json() {
    let entry = entry(
        "GET http://x\nHTTP 200\n[Captures]\n\
         s: jsonpath \"$.status\"\n\
         n: jsonpath \"$.n\"\n\
         list: jsonpath \"$.tags\"\n\
         obj: jsonpath \"$.items[0]\"\n\
         ids: jsonpath \"$.items[*].id\"\n\
         h: header \"X-Multi\"\n\
         code: status\n\
         missing: jsonpath \"$.missing\"\n",
    );
    let response = response(DOC.as_bytes());
    let secrets = Secrets::new();
    let examiner = Examiner::new(&response, &secrets);
    let got: Vec<_> = entry
        .captures
        .iter()
        .map(|c| examiner.capture(c, &vars).map_err(|m| m.line))
        .collect();
    assert_eq!(
        got,
        [
            Ok("OK".to_string()),
            Ok("3".to_string()),
            Ok(r#"["a","b"]"#.to_string()),
            Ok(r#"{"id":1,"ok":true}"#.to_string()),
            Ok("[1,2]".to_string()),
            // A header that comes twice is the list of its values.
            Ok(r#"["first","second"]"#.to_string()),
            Ok("200".to_string()),
            Err(
                r#"capture `missing`: jsonpath "$.missing" found nothing (no such path)"#
                    .to_string()
            ),
        ]
    );
}

#[test]
fn secrets_are_masked_in_the_values_shown() {
    let entry = entry("GET http://x\nHTTP *\n[Asserts]\njsonpath \"$.token\" == \"x\"\n");
    let response = response(br#"{"token": "Bearer hunter2"}"#);
    let mut secrets = Secrets::new();
    secrets.add("hunter2");
    let miss = Examiner::new(&response, &secrets)
        .check(&entry.asserts[0], &vars)
        .unwrap_err();
    assert_eq!(
        miss.line,
        r#"jsonpath "$.token": expected == "x", got "Bearer ••••""#
    );
}

#[test]
fn a_response_sections_header_holds_when_one_of_its_values_is_written() {
    let response = response(DOC.as_bytes());
    let secrets = Secrets::new();
    let examiner = Examiner::new(&response, &secrets);
    let implicit = |line: &str| {
        let entry = entry(&format!("GET http://x\nHTTP *\n{line}\n"));
        examiner.check(&entry.asserts[0], &vars)
    };
    assert_eq!(implicit("X-Multi: second"), Ok(()));
    assert_eq!(implicit("X-Multi: first"), Ok(()));
    assert!(implicit("X-Multi: third").is_err());
    // An `[Asserts]` line compares the whole list, as Hurl does.
    assert!(check(r#"header "X-Multi" == "second""#).is_err());
}

#[test]
fn a_body_is_read_in_the_charset_its_content_type_names() {
    let mut latin1 = response(b"<p>caf\xe9</p>");
    latin1.headers.insert(
        HeaderName::from_static("content-type"),
        HeaderValue::from_static("text/html; charset=latin1"),
    );
    let secrets = Secrets::new();
    let check = |response: &Response, line: &str| {
        let entry = entry(&format!("GET http://x\nHTTP *\n[Asserts]\n{line}\n"));
        Examiner::new(response, &secrets).check(&entry.asserts[0], &vars)
    };
    assert_eq!(check(&latin1, r#"body == "<p>café</p>""#), Ok(()));
    // Without a charset the body is UTF-8, which these bytes are not.
    let plain = response(b"<p>caf\xe9</p>");
    let miss = check(&plain, r#"body == "<p>café</p>""#).unwrap_err();
    assert!(miss.line.contains("not valid UTF-8"), "{}", miss.line);
    let mut other = response(b"x");
    other.headers.insert(
        HeaderName::from_static("content-type"),
        HeaderValue::from_static("text/plain; charset=gb2312"),
    );
    let miss = check(&other, r#"body == "x""#).unwrap_err();
    assert!(
        miss.line.contains("`gb2312` is not supported by labrun"),
        "{}",
        miss.line
    );
}

#[test]
fn a_variable_query_on_a_word_that_is_no_variable_finds_nothing() {
    // Lesson lookups give a word that is no variable back as written.
    let as_written = |name: &str| Some(format!("{{{{{name}}}}}"));
    let response = response(DOC.as_bytes());
    let secrets = Secrets::new();
    let examiner = Examiner::new(&response, &secrets);
    let check = |line: &str| {
        let entry = entry(&format!("GET http://x\nHTTP *\n[Asserts]\n{line}\n"));
        examiner.check(&entry.asserts[0], &as_written)
    };
    assert_eq!(check(r#"variable "undefined" not exists"#), Ok(()));
    assert!(check(r#"variable "undefined" exists"#).is_err());
}
