//! Bugs found in lint output, each kept as the assertion that now holds, so they stay fixed.

use super::*;

fn codes(path: &str) -> Vec<String> {
    positions(path)
        .into_iter()
        .filter_map(|p| p.split(' ').nth(1).map(str::to_owned))
        .collect()
}

fn helps(path: &str) -> Vec<String> {
    lint_fixture(path, &["--format", "json"])
        .json()
        .iter()
        .map(|d| d["help"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn yaml_syntax_errors_point_at_the_offending_token() {
    assert_eq!(
        positions("yaml-syntax-unclosed-quote.md"),
        ["yaml-syntax-unclosed-quote.md:3:8 yaml-syntax"]
    );
    assert_eq!(
        positions("yaml-syntax-bad-indentation.md"),
        ["yaml-syntax-bad-indentation.md:5:11 yaml-syntax"]
    );
    assert_eq!(
        positions("quiz-yaml-syntax-error.md"),
        ["quiz-yaml-syntax-error.md:11:25 malformed-quiz"]
    );
}

#[test]
fn crlf_front_matter_and_quiz_positions_match_lf() {
    let found = positions("crlf-line-endings.md");
    for expected in [
        "crlf-line-endings.md:3:1 unknown-key",
        "crlf-line-endings.md:25:9 quiz-answer-not-a-choice",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected} not in {found:#?}"
        );
    }
}

#[test]
fn human_output_columns_count_characters_like_json() {
    let stdout = lint_fixture("non-ascii-before-error.md", &[]).stdout;
    assert!(
        stdout.contains("non-ascii-before-error.md:15:56]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("non-ascii-before-error.md:21:46]"),
        "{stdout}"
    );
}

#[test]
fn backslash_escapes_in_info_strings_keep_positions() {
    assert_eq!(
        positions("backslash-escape-in-info-string.md"),
        ["backslash-escape-in-info-string.md:13:49 bad-duration"]
    );
}

#[test]
fn an_unterminated_quote_is_reported_once() {
    assert_eq!(codes("unterminated-quote.md"), ["invalid-attribute"]);
}

#[test]
fn a_bad_front_matter_value_does_not_undeclare_the_variables() {
    assert_eq!(codes("wrong-type-in-variable.md"), ["invalid-front-matter"]);
    assert!(!codes("duplicate-variable-in-one-file.md").contains(&"undefined-variable".to_owned()));
}

#[test]
fn a_variable_declared_twice_in_one_file_is_a_duplicate_variable() {
    assert_eq!(
        codes("duplicate-variable-in-one-file.md"),
        ["duplicate-variable"]
    );
}

#[test]
fn an_unknown_quiz_key_does_not_hide_other_problems() {
    assert_eq!(
        codes("quiz-unknown-key.md"),
        ["quiz-answer-not-a-choice", "unknown-key", "unknown-key"]
    );
}

#[test]
fn quiz_choices_keep_their_text() {
    assert_eq!(positions("quiz-yes-no-choices.md"), Vec::<String>::new());
}

#[test]
fn front_matter_after_a_bom_is_still_front_matter() {
    assert_eq!(
        positions("front-matter-after-bom.md"),
        ["front-matter-after-bom.md:3:1 unknown-key"]
    );
}

#[test]
fn suggestions_ignore_case_on_both_sides() {
    assert_eq!(
        helps("undefined-variable-wrong-case.md"),
        ["did you mean `IMAGE_DIGEST`?"]
    );
    assert_eq!(
        helps("quiz-answer-not-a-choice.md")[0],
        "did you mean `WARN`?"
    );
}

#[test]
fn percent_encoded_image_paths_are_decoded() {
    assert_eq!(positions("image-with-encoded-space"), Vec::<String>::new());
}

#[test]
fn missing_image_help_names_a_folder() {
    let output = Test::new()
        .file("lesson.md", "# T\n\n## S\n\n![diagram](diagram.png)\n")
        .args(["lint", "--format", "json", "lesson.md"])
        .run()
        .status(0);
    let help = output.json()[0]["help"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!help.contains("``"), "{help}");
}

#[test]
fn one_unreadable_lesson_does_not_stop_the_others() {
    let test = Test::new().file("b-broken.md", "# T\n\n## S\n\n```bash {chek}\ntrue\n```\n");
    std::fs::write(test.path().join("a-latin1.md"), b"# Caf\xe9\n\n## S\n").expect("write");
    let output = test.args(["lint", "--format", "json", "."]).run().status(3);
    let json = output.json();
    assert!(
        json.as_array()
            .expect("an array")
            .iter()
            .any(|d| d["code"] == "unknown-role"),
        "{json:#}"
    );
}

#[test]
fn deny_warnings_renders_warnings_as_errors() {
    let stdout = lint_fixture("unverifiable-step.md", &["--deny-warnings"]).stdout;
    assert!(!stdout.contains("warning["), "{stdout}");
}
