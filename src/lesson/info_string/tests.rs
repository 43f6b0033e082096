use std::time::Duration;

use super::*;

fn parse(info: &str) -> (Info, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    // A base offset, so tests prove spans are absolute in the file.
    let info_parsed = parse_info_string(info, 100, &mut diags);
    (info_parsed, diags)
}

fn one_error(info: &str) -> (Code, String, Span) {
    let (_, diags) = parse(info);
    assert_eq!(diags.len(), 1, "{info}: {diags:#?}");
    (diags[0].code, diags[0].message.clone(), diags[0].span)
}

#[test]
fn language_alone_has_no_role() {
    let (info, diags) = parse("bash");
    assert_eq!(info.lang, "bash");
    assert_eq!(info.role, None);
    assert!(diags.is_empty());
}

#[test]
fn empty_info_string_is_fine() {
    let (info, diags) = parse("");
    assert_eq!(info, Info::default());
    assert!(diags.is_empty());
}

#[test]
fn every_role_is_recognised() {
    for role in Role::ALL {
        let (info, diags) = parse(&format!("sh {{{}}}", role.as_str()));
        assert_eq!(info.role, Some(role));
        assert!(diags.is_empty());
    }
}

#[test]
fn attributes_and_flags_are_parsed() {
    let (info, diags) = parse(
        r#"bash {check timeout=1m30s retry=3 interval=500ms expect="ready \"now\"" exit=2 capture=OUT shell=sh optional interactive raw}"#,
    );
    assert!(diags.is_empty(), "{diags:#?}");
    let attrs = info.attrs;
    assert_eq!(attrs.timeout, Some(Duration::from_secs(90)));
    assert_eq!(attrs.retry, Some(3));
    assert_eq!(attrs.interval, Some(Duration::from_millis(500)));
    assert_eq!(attrs.expect.as_deref(), Some(r#"ready "now""#));
    assert_eq!(attrs.exit, Some(2));
    assert_eq!(attrs.capture.as_deref(), Some("OUT"));
    assert_eq!(attrs.shell, Shell::Sh);
    assert!(attrs.optional && attrs.interactive && attrs.raw);
}

#[test]
fn braces_without_language_work() {
    let (info, diags) = parse("{run}");
    assert_eq!(info.lang, "");
    assert_eq!(info.role, Some(Role::Run));
    assert!(diags.is_empty());
}

#[test]
fn words_outside_braces_are_ignored_like_github_does() {
    let (info, diags) = parse(r#"js title="app.js""#);
    assert_eq!(info.lang, "js");
    assert_eq!(info.role, None);
    assert!(diags.is_empty());
}

#[test]
fn file_attribute_keeps_its_path() {
    let (info, diags) = parse("yaml {file=k8s/deploy.yaml}");
    assert!(diags.is_empty());
    assert_eq!(info.attrs.file.as_deref(), Some("k8s/deploy.yaml"));
}

#[test]
fn unknown_role_points_at_the_word_and_suggests_the_nearest() {
    let (_, diags) = parse("bash {chek}");
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, Code::UnknownRole);
    assert_eq!(diags[0].span, Span::new(106, 110));
    assert_eq!(diags[0].help.as_deref(), Some("did you mean `check`?"));
    assert!(
        diags[0]
            .message
            .starts_with("unknown role or flag `chek` (expected one of run, check")
    );
}

#[test]
fn unknown_attribute_suggests_a_known_key() {
    let (_, diags) = parse("bash {run timout=3s}");
    assert_eq!(diags[0].code, Code::UnknownAttribute);
    assert_eq!(diags[0].span, Span::new(110, 116));
    assert_eq!(diags[0].help.as_deref(), Some("did you mean `timeout`?"));
}

#[test]
fn errors_point_at_the_offending_value() {
    let cases: &[(&str, Code, &str, Span)] = &[
        (
            "bash {run timeout=3x}",
            Code::BadDuration,
            "bad duration: unknown unit `x` in `3x` (use ms, s, m or h)",
            Span::new(118, 120),
        ),
        (
            "bash {run timeout=30}",
            Code::BadDuration,
            "bad duration: missing unit in `30` (use ms, s, m or h)",
            Span::new(118, 120),
        ),
        (
            "bash {check interval=0s}",
            Code::BadDuration,
            "`interval` must be longer than zero",
            Span::new(121, 123),
        ),
        (
            "bash {check retry=many}",
            Code::InvalidAttribute,
            "`retry` must be a whole number of retries, not `many`",
            Span::new(118, 122),
        ),
        (
            "bash {check exit=300}",
            Code::InvalidAttribute,
            "`exit` must be an exit code from 0 to 255, not `300`",
            Span::new(117, 120),
        ),
        (
            "bash {check expect=\"a(b\"}",
            Code::BadRegex,
            "bad regex: unclosed group",
            Span::new(119, 124),
        ),
        (
            "bash {run capture=my-var}",
            Code::InvalidAttribute,
            "`capture` needs a variable name (letters, digits, `_`), not `my-var`",
            Span::new(118, 124),
        ),
        (
            "txt {file=../etc/x}",
            Code::FileOutsideWorkspace,
            "`file=../etc/x` leaves the lesson workspace",
            Span::new(110, 118),
        ),
        (
            "txt {file=/etc/x}",
            Code::FileOutsideWorkspace,
            "`file=/etc/x` is absolute and would leave the lesson workspace",
            Span::new(110, 116),
        ),
        (
            "bash {run shell=zsh}",
            Code::InvalidAttribute,
            "unknown shell `zsh` (expected bash or sh)",
            Span::new(116, 119),
        ),
    ];
    for (info, code, message, span) in cases {
        let (got_code, got_message, got_span) = one_error(info);
        assert_eq!(
            (got_code, got_message.as_str(), got_span),
            (*code, *message, *span),
            "{info}"
        );
    }
}

#[test]
fn structural_mistakes_are_reported() {
    let cases: &[(&str, &str, Span)] = &[
        (
            "bash {run",
            "unclosed `{` in the info string",
            Span::new(105, 106),
        ),
        (
            "bash {run timeout}",
            "`timeout` needs a value, as in `timeout=30s`",
            Span::new(110, 117),
        ),
        (
            "bash {check optional=yes}",
            "`optional` is a flag and takes no value",
            Span::new(112, 120),
        ),
        (
            "bash {run retry=1 retry=2}",
            "duplicate attribute `retry`",
            Span::new(118, 123),
        ),
        (
            "bash {run check}",
            "a block has one role, but `check` follows `run`",
            Span::new(110, 115),
        ),
        (
            "bash {run} extra",
            "unexpected `extra` after the attribute list",
            Span::new(111, 116),
        ),
        (
            "bash {check expect=\"open}",
            "unterminated quoted value for `expect`",
            Span::new(119, 125),
        ),
        (
            "bash {run=1}",
            "the role `run` takes no value",
            Span::new(106, 109),
        ),
        (
            "bash {=x}",
            "unexpected `=` in the attribute list",
            Span::new(106, 107),
        ),
    ];
    for (info, message, span) in cases {
        let (_, diags) = parse(info);
        let found = diags.iter().find(|d| d.message == *message);
        let Some(diag) = found else {
            panic!("{info}: no `{message}` in {diags:#?}")
        };
        assert_eq!(diag.span, *span, "{info}");
        assert_eq!(diag.code, Code::InvalidAttribute, "{info}");
    }
}

#[test]
fn all_problems_of_one_info_string_are_collected() {
    let (info, diags) = parse("bash {chek timeout=3x capture=1 retry=-1}");
    let codes: Vec<Code> = diags.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        [
            Code::UnknownRole,
            Code::BadDuration,
            Code::InvalidAttribute,
            Code::InvalidAttribute
        ]
    );
    assert_eq!(info.role, None);
}

#[test]
fn odd_inputs_never_panic() {
    for info in [
        "{",
        "}",
        "{{",
        "{\"",
        "{a=\"\\",
        "{ä=ö}",
        "bash {run expect=\"é\\\"\"}",
        "{=}",
        "{ }",
        "{\t}",
        "x{y",
    ] {
        let _ = parse(info);
    }
}

#[test]
fn an_unterminated_quote_is_reported_once() {
    let (_, diags) = parse("bash {check expect=\"status: ok timeout=5s}");
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].message, "unterminated quoted value for `expect`");
}

#[test]
fn an_unquoted_value_with_braces_asks_for_quotes_and_the_list_still_closes() {
    let (info, diags) = parse(r"bash {check expect=^\d{3}$ timeout=5s}");
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(
        diags[0].message,
        "the value of `expect` holds braces, so it must be quoted"
    );
    assert_eq!(
        diags[0].help.as_deref(),
        Some(r#"write `expect="^\d{3}$"`"#)
    );
    assert_eq!(diags[0].span, Span::new(119, 126));
    assert_eq!(
        info.attrs.timeout,
        Some(Duration::from_secs(5)),
        "later attributes still count"
    );
}

#[test]
fn backslashes_in_quoted_values_are_kept_for_regexes() {
    let (info, diags) = parse(r#"bash {check expect="^v1\.2\.[0-9]+$"}"#);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(info.attrs.expect.as_deref(), Some(r"^v1\.2\.[0-9]+$"));
}

#[test]
fn a_value_may_be_single_quoted() {
    let mut diags = Vec::new();
    let info = parse_info_string("bash {check expect='^ok$' exit=0}", 0, &mut diags);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(info.attrs.expect.as_deref(), Some("^ok$"));
    let info = parse_info_string(r"bash {check expect='it\'s \\ ok'}", 0, &mut diags);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(info.attrs.expect.as_deref(), Some(r"it's \ ok"));
    parse_info_string("bash {check expect='open}", 0, &mut diags);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].help.as_deref(), Some("close the value with `'`"));
}

#[test]
fn attributes_separated_by_commas_get_a_help_that_says_so() {
    let mut diags = Vec::new();
    parse_info_string("bash {run,timeout=5s}", 0, &mut diags);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(
        diags[0].help.as_deref(),
        Some("separate attributes with spaces, not commas: `{run timeout=5s}`")
    );
}
