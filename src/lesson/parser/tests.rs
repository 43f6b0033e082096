use super::*;
use crate::lesson::model::Role;
use crate::lesson::span::LineIndex;

/// (line, column, code) of every diagnostic, for compact assertions.
fn positions(text: &str) -> Vec<(usize, usize, &'static str)> {
    let parsed = parse_file(text, 0, 0);
    let index = LineIndex::new(text);
    parsed
        .diagnostics
        .iter()
        .map(|d| {
            let at = index.line_col(text, d.span.start);
            (at.line, at.column, d.code.as_str())
        })
        .collect()
}

#[test]
fn plain_markdown_becomes_confirm_only_steps() {
    let text = "# Tutorial\n\nIntro.\n\n## Install\n\n```sh\nmake install\n```\n\n## Use it\n\nRun `tool`.\n";
    let parsed = parse_file(text, 0, 0);
    assert_eq!(parsed.title.as_deref(), Some("Tutorial"));
    let ids: Vec<&str> = parsed.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["install", "use-it"]);
    assert_eq!(parsed.steps[0].blocks.len(), 1);
    assert_eq!(parsed.steps[0].blocks[0].role, None);
    assert_eq!(parsed.steps[0].blocks[0].code, "make install\n");
    assert!(!parsed.steps[1].has_checks());
    assert!(parsed.diagnostics.is_empty());
}

#[test]
fn explicit_ids_override_the_slug() {
    let parsed = parse_file("## Log in! {#login}\n\n## Log in!\n", 0, 0);
    assert_eq!(parsed.steps[0].id, "login");
    assert_eq!(parsed.steps[0].title, "Log in!");
    assert_eq!(parsed.steps[1].id, "log-in");
}

#[test]
fn slugs_follow_github() {
    assert_eq!(slug("Set up the `CLI` (v2)"), "set-up-the-cli-v2");
    assert_eq!(slug("  Étape  numéro 1 "), "étape-numéro-1");
    assert_eq!(slug("snake_case stays"), "snake_case-stays");
    assert_eq!(slug("!!!"), "");
}

#[test]
fn steps_without_slug_get_a_numbered_id() {
    let parsed = parse_file("## !!!\n", 0, 0);
    assert_eq!(parsed.steps[0].id, "step-1");
}

#[test]
fn headings_with_variables_keep_their_braces() {
    let parsed = parse_file("## Push to {{registry}}\n", 0, 0);
    assert_eq!(parsed.steps[0].title, "Push to {{registry}}");
    assert_eq!(parsed.var_refs.len(), 1);
}

#[test]
fn blocks_keep_role_code_and_spans() {
    let text = "## S\n\n```bash {check timeout=5s}\ntest -f x\n```\n";
    let parsed = parse_file(text, 0, 0);
    let block = parsed.steps[0]
        .blocks
        .first()
        .unwrap_or_else(|| panic!("{:#?}", parsed.steps));
    assert_eq!(block.role, Some(Role::Check));
    assert_eq!(block.lang, "bash");
    assert_eq!(&text[block.info_span.range()], "bash {check timeout=5s}");
    assert_eq!(&text[block.code_span.range()], "test -f x\n");
    assert_eq!(block.code, "test -f x\n");
    assert!(text[block.span.range()].starts_with("```bash"));
    assert!(text[block.span.range()].trim_end().ends_with("```"));
}

#[test]
fn blocks_nested_in_lists_belong_to_the_step() {
    let text = "## S\n\n1. First:\n\n   ```bash {run}\n   echo hi\n   ```\n\n2. Then check:\n\n   ```bash {check}\n   true\n   ```\n";
    let parsed = parse_file(text, 0, 0);
    let roles: Vec<_> = parsed.steps[0].blocks.iter().map(|b| b.role).collect();
    assert_eq!(roles, [Some(Role::Run), Some(Role::Check)]);
    assert_eq!(parsed.steps[0].blocks[0].code, "echo hi\n");
    // The list is one piece of Markdown; its blocks are found by offset when rendered.
    assert!(matches!(
        parsed.steps[0].content[..],
        [Content::Markdown { .. }]
    ));
}

#[test]
fn intro_setup_and_cleanup_are_lesson_blocks() {
    let text =
        "# T\n\n```bash {setup}\nmkdir -p x\n```\n\n```bash {cleanup}\nrm -rf x\n```\n\n## S\n";
    let parsed = parse_file(text, 0, 0);
    let roles: Vec<_> = parsed.intro_blocks.iter().map(|b| b.role).collect();
    assert_eq!(roles, [Some(Role::Setup), Some(Role::Cleanup)]);
    assert!(parsed.diagnostics.is_empty());
}

#[test]
fn checks_before_the_first_step_are_errors() {
    let text = "# T\n\n```bash {check}\ntrue\n```\n\n```quiz\nquestion: q\nchoices: [a]\nanswer: a\n```\n\n## S\n";
    assert_eq!(
        positions(text),
        [(3, 1, "block-outside-step"), (7, 1, "block-outside-step")]
    );
}

#[test]
fn front_matter_is_parsed_and_its_errors_are_positioned() {
    let text = "---\ntitle: T\nsumary: s\nvars:\n  region:\n    promt: Region?\n---\n# T\n\n## S\n";
    let parsed = parse_file(text, 0, 0);
    assert_eq!(parsed.front_matter.title.as_deref(), Some("T"));
    assert_eq!(parsed.front_matter.vars.len(), 1, "known keys still count");
    assert_eq!(
        positions(text),
        [(3, 1, "unknown-key"), (6, 5, "unknown-key")]
    );
    let messages: Vec<_> = parsed
        .diagnostics
        .iter()
        .map(|d| (d.message.as_str(), d.help.as_deref()))
        .collect();
    assert_eq!(
        messages,
        [
            ("unknown key `sumary`", Some("did you mean `summary`?")),
            (
                "unknown key `promt` in variable `region`",
                Some("did you mean `prompt`?")
            ),
        ]
    );
}

#[test]
fn front_matter_syntax_errors_are_reported_once() {
    let text = "---\ntitle: [unclosed\n---\n## S\n";
    let parsed = parse_file(text, 0, 0);
    assert_eq!(parsed.diagnostics.len(), 1);
    assert_eq!(parsed.diagnostics[0].code, Code::YamlSyntax);
    assert!(parsed.diagnostics[0].span.start >= 4, "inside the YAML");
}

#[test]
fn front_matter_type_errors_are_reported() {
    let text = "---\nvars:\n  x:\n    secret: maybe\n---\n## S\n";
    let parsed = parse_file(text, 0, 0);
    assert_eq!(parsed.diagnostics.len(), 1, "{:#?}", parsed.diagnostics);
    assert_eq!(parsed.diagnostics[0].code, Code::InvalidFrontMatter);
}

#[test]
fn callouts_are_recognised() {
    let text = "## S\n\n> [!WARNING]\n> This deletes things.\n\n> plain quote\n";
    let parsed = parse_file(text, 0, 0);
    let content = &parsed.steps[0].content;
    assert!(matches!(
        content[0],
        Content::Callout {
            kind: CalloutKind::Warning,
            ..
        }
    ));
    assert!(matches!(content[1], Content::Markdown { .. }));
}

#[test]
fn hints_are_collected_in_order_with_their_body() {
    let text = "## S\n\n<details><summary>Hint</summary>\n\nTry `ls`.\n\n</details>\n\n<details>\n<summary><b>Hint 2</b></summary>\n\nRun it.\n\n</details>\n\n<details><summary>Why?</summary>\n\nBecause.\n\n</details>\n";
    let parsed = parse_file(text, 0, 0);
    let step = &parsed.steps[0];
    assert_eq!(step.hints.len(), 2);
    assert_eq!(step.hints[0].summary, "Hint");
    assert_eq!(step.hints[1].summary, "Hint 2");
    assert_eq!(text[step.hints[0].body.range()].trim(), "Try `ls`.");
    assert_eq!(text[step.hints[1].body.range()].trim(), "Run it.");
    assert!(matches!(&step.content[2], Content::Details { summary, .. } if summary == "Why?"));
    assert!(parsed.diagnostics.is_empty());
}

#[test]
fn a_hint_on_one_line_is_a_hint() {
    let text = "## S\n\n<details><summary>Hint</summary>Look at the logs.</details>\n";
    let parsed = parse_file(text, 0, 0);
    assert_eq!(parsed.steps[0].hints.len(), 1);
    assert_eq!(
        &text[parsed.steps[0].hints[0].body.range()],
        "Look at the logs."
    );
}

#[test]
fn solve_blocks_inside_details_belong_to_the_step() {
    let text = "## S\n\n<details><summary>Solution</summary>\n\n```bash {solve}\ntouch x\n```\n\n```bash\nls\n```\n\n</details>\n\n```bash {check}\ntest -f x\n```\n";
    let parsed = parse_file(text, 0, 0);
    let roles: Vec<_> = parsed.steps[0].blocks.iter().map(|b| b.role).collect();
    assert_eq!(
        roles,
        [Some(Role::Solve), Some(Role::Check)],
        "the plain block stays in the details text"
    );
}

#[test]
fn unclosed_hint_is_reported_at_its_opening() {
    let text = "## S\n\n<details><summary>Hint</summary>\n\nText.\n\n## Next\n";
    assert_eq!(positions(text), [(3, 1, "unclosed-hint")]);
    let parsed = parse_file(text, 0, 0);
    assert_eq!(parsed.steps.len(), 2);
    assert_eq!(parsed.steps[0].hints.len(), 1, "what was there is kept");
}

#[test]
fn quizzes_are_parsed() {
    let text = "## S\n\n```quiz\nquestion: Pick\nchoices: [a, b, c]\nanswer: [a, c]\nexplain: Both.\n```\n";
    let parsed = parse_file(text, 0, 0);
    let quiz = &parsed.steps[0].quizzes[0];
    assert_eq!(quiz.question, "Pick");
    assert_eq!(quiz.answers, ["a", "c"]);
    assert!(quiz.is_multiple_answer());
    assert!(parsed.steps[0].has_checks());
    assert!(parsed.diagnostics.is_empty());
}

#[test]
fn quiz_mistakes_point_into_the_yaml() {
    let text = "## S\n\n```quiz\nquestion: Pick\nchoices: [a, b]\nanswer: z\n```\n\n```quiz\nquestion: Q\nchoice: [a]\n```\n\n```quiz\nchoices: [a]\nanswer: a\n```\n";
    assert_eq!(
        positions(text),
        [
            (6, 9, "quiz-answer-not-a-choice"),
            (11, 1, "unknown-key"),
            (14, 1, "malformed-quiz")
        ]
    );
    let parsed = parse_file(text, 0, 0);
    assert_eq!(
        parsed.diagnostics[1].help.as_deref(),
        Some("did you mean `choices`?")
    );
}

#[test]
fn free_text_quiz_needs_a_valid_pattern() {
    let text = "## S\n\n```quiz\nquestion: Region?\nanswer_pattern: \"^us-(south\"\n```\n";
    assert_eq!(positions(text), [(5, 17, "bad-regex")]);
}

#[test]
fn images_are_collected_anywhere() {
    let text = "## S ![icon](i.png)\n\n- item ![diagram](img/d.png)\n\n![photo](https://x/y.png)\n";
    let parsed = parse_file(text, 0, 0);
    let urls: Vec<_> = parsed.images.iter().map(|i| i.url.as_str()).collect();
    assert_eq!(urls, ["i.png", "img/d.png", "https://x/y.png"]);
}

#[test]
fn variable_references_skip_raw_blocks_and_escapes() {
    let text = "## S\n\nUse {{a}} and \\{{b}}.\n\n```yaml {raw}\n{{c}}\n```\n\n```bash {run}\necho {{d}} {{ .E }}\n```\n";
    let parsed = parse_file(text, 0, 0);
    let names: Vec<_> = parsed.var_refs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["a", "d"]);
}

#[test]
fn a_second_title_is_a_warning_and_is_kept_as_text() {
    let text = "# One\n\n## S\n\n# Two\n";
    assert_eq!(positions(text), [(5, 1, "extra-title")]);
}

#[test]
fn file_blocks_with_a_role_are_errors() {
    let text = "## S\n\n```yaml {run file=a.yaml}\nx: 1\n```\n";
    assert_eq!(positions(text), [(3, 4, "invalid-attribute")]);
}

#[test]
fn empty_role_blocks_are_warned_about() {
    let text = "## S\n\n```bash {check}\n```\n";
    assert_eq!(positions(text), [(3, 1, "empty-block")]);
}

#[test]
fn step_bodies_end_at_the_next_step() {
    let text = "## A\n\none\n\n## B\n\ntwo\n";
    let parsed = parse_file(text, 0, 0);
    assert_eq!(text[parsed.steps[0].body.range()].trim(), "one");
    assert_eq!(text[parsed.steps[1].body.range()].trim(), "two");
}

#[test]
fn crlf_files_parse_with_right_positions() {
    let text = "# T\r\n\r\n## S\r\n\r\n```bash {chek}\r\ntrue\r\n```\r\n";
    assert_eq!(positions(text), [(5, 10, "unknown-role")]);
}

#[test]
fn odd_documents_never_panic() {
    let cases = [
        "",
        "---",
        "---\n---",
        "---\n: :\n---\n",
        "```",
        "```{",
        "## ",
        "<details>",
        "</details>",
        "<details><summary>Hint",
        "## S\n<details><summary>Hint</summary>\n</details></details>",
        "```quiz\n```",
        "## S\n```quiz\n- a\n```",
        "## S\n```http {check}\nGET\n```",
        "> [!NOTE]\n> ```bash {run}\n> x\n> ```",
        "\u{feff}# BOM\n## S",
        "## S\n\n- ```bash {check}\n  x\n  ```",
    ];
    for text in cases {
        let _ = parse_file(text, 0, 0);
    }
}

#[test]
fn info_strings_are_read_as_written_so_escapes_keep_positions() {
    let text = "## S\n\n```bash {check expect=\"^v1\\.2\\.[0-9]+$\" timeout=5x}\ntrue\n```\n";
    assert_eq!(positions(text), [(3, 49, "bad-duration")]);
    let parsed = parse_file(text, 0, 0);
    assert_eq!(
        parsed.steps[0].blocks[0].attrs.expect.as_deref(),
        Some("^v1\\.2\\.[0-9]+$")
    );
}

#[test]
fn crlf_front_matter_and_quizzes_point_at_the_right_line() {
    let text = "---\r\ntitle: T\r\ntitel: x\r\n---\r\n## S\r\n\r\n```quiz\r\nquestion: Q\r\nchoices: [A, B]\r\nanswer: W\r\n```\r\n";
    assert_eq!(
        positions(text),
        [(3, 1, "unknown-key"), (10, 9, "quiz-answer-not-a-choice")]
    );
}

#[test]
fn yaml_syntax_errors_point_at_the_problem_not_the_start() {
    let text = "---\ntitle: T\nsummary: \"unclosed\nvars: {}\n---\n## S\n";
    let found = positions(text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].2, "yaml-syntax");
    assert!(found[0].0 >= 3, "{found:?}");
}

#[test]
fn yaml_scalars_keep_their_text() {
    let text = "---\ntitle: Yes\nversion: 1.10\n---\n## S\n\n```quiz\nquestion: Sure?\nchoices: [yes, no]\nanswer: yes\n```\n";
    let parsed = parse_file(text, 0, 0);
    assert!(parsed.diagnostics.is_empty(), "{:#?}", parsed.diagnostics);
    assert_eq!(parsed.front_matter.title.as_deref(), Some("Yes"));
    assert_eq!(parsed.front_matter.version.as_deref(), Some("1.10"));
    assert_eq!(parsed.steps[0].quizzes[0].choices, ["yes", "no"]);
}

#[test]
fn one_bad_value_in_the_front_matter_keeps_the_other_variables() {
    let text = "---\nvars:\n  a:\n    secret: maybe\n  b:\n    prompt: B?\n---\n## S {{a}} {{b}}\n";
    let parsed = parse_file(text, 0, 0);
    assert_eq!(parsed.diagnostics.len(), 1, "{:#?}", parsed.diagnostics);
    let names: Vec<_> = parsed
        .front_matter
        .vars
        .iter()
        .map(|(name, _)| name.name.as_str())
        .collect();
    assert_eq!(names, ["a", "b"], "the bad one is still declared");
}

#[test]
fn a_variable_declared_twice_in_one_file_is_a_duplicate() {
    let text = "---\nvars:\n  a: { prompt: A }\n  a: { prompt: B }\n---\n## S\n";
    assert_eq!(positions(text), [(4, 3, "duplicate-variable")]);
}

#[test]
fn all_problems_of_a_quiz_are_reported() {
    let text = "## S\n\n```quiz\nquestion: Q\nchoices: [OK, WARN]\nanswer: WRAN\nexplian: x\nhint: y\n```\n";
    let found: Vec<_> = positions(text)
        .into_iter()
        .map(|(_, _, code)| code)
        .collect();
    assert_eq!(
        found,
        ["unknown-key", "unknown-key", "quiz-answer-not-a-choice"]
    );
}

#[test]
fn required_tools_are_names_or_name_and_hint_and_a_bad_one_is_reported_alone() {
    let text = "---\nrequires:\n  tools:\n    - kubectl\n    - { name: ibmcloud, hint: get it }\n    - { hint: no name }\n    - [a, list]\n---\n## S\n";
    let parsed = parse_file(text, 0, 0);
    let tools: Vec<(&str, Option<&str>)> = parsed
        .front_matter
        .tools
        .iter()
        .map(|t| (t.name.as_str(), t.hint.as_deref()))
        .collect();
    assert_eq!(tools, [("kubectl", None), ("ibmcloud", Some("get it"))]);
    let messages: Vec<&str> = parsed
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        ["a tool needs a `name`", "a tool must be text, not a list"],
        "{:#?}",
        parsed.diagnostics
    );
}

#[test]
fn front_matter_of_the_wrong_shape_is_reported_where_it_is() {
    for (yaml, message) in [
        (
            "just text",
            "the front matter must be a mapping, not `just text`",
        ),
        ("vars: [a, b]", "`vars` must be a mapping, not a list"),
        (
            "vars:\n  region: us-south",
            "variable `region` must be a mapping, not `us-south`",
        ),
        (
            "requires: kubectl",
            "`requires` must be a mapping, not `kubectl`",
        ),
        ("title: [a]", "`title` must be text, not a list"),
    ] {
        let text = format!("---\n{yaml}\n---\n## S\n");
        let parsed = parse_file(&text, 0, 0);
        assert_eq!(
            parsed.diagnostics.len(),
            1,
            "{yaml}: {:#?}",
            parsed.diagnostics
        );
        let diagnostic = &parsed.diagnostics[0];
        assert_eq!(diagnostic.message, message);
        assert_eq!(diagnostic.code, Code::InvalidFrontMatter);
        assert!(diagnostic.span.start >= 4 && diagnostic.span.end <= 4 + yaml.len());
    }
}

#[test]
fn a_fence_left_open_is_reported_at_its_opening_and_a_nested_fence_is_not() {
    let unclosed = |text: &str| -> Vec<(usize, String)> {
        parse_file(text, 0, 0)
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::UnclosedFence)
            .map(|d| (d.span.start, d.message.clone()))
            .collect()
    };
    // Runs on into the next block, whose fence closes it.
    let swallowing = "## A\n\n```bash {run}\ntouch a\n\n## B\n\n```bash {check}\ntest -f a\n```\n";
    assert_eq!(
        unclosed(swallowing),
        [(
            6,
            "this code block is never closed: it swallows everything up to the fence on line 8"
                .to_owned()
        )]
    );
    // Runs to the end of the file.
    let open = "## A\n\n```bash {check}\ntest -f a\n\n## B\n\nMore.\n";
    assert_eq!(unclosed(open).len(), 1);
    assert!(unclosed(open)[0].1.contains("the rest of the file"));
    // Closed, at the end of the file, in a list, or quoted: fine.
    for fine in [
        "## A\n\n```bash {check}\ntest -f a\n```",
        "## A\n\n```bash {check}\ntest -f a\n```\n",
        "## A\n\n- item\n\n  ```bash {check}\n  test -f a\n  ```\n",
        "## A\n\n> ```text\n> quoted\n> ```\n",
        // A Markdown example: the longer fence holds the shorter ones.
        "## A\n\n````markdown\n```bash {check}\ntest -f a\n```\n````\n",
        "## A\n\n~~~markdown\n```bash {run}\necho\n~~~\n",
        // Fence-like lines that are content: quoted, or indented past the opening.
        "## A\n\n```markdown\n> ```js\n> console.log(1)\n> ```\n```\n",
        "## A\n\n```python\ndef f():\n    \"\"\"\n    ```python\n    f()\n    ```\n    \"\"\"\n```\n",
        "## A\r\n\r\n```bash {check}\r\ntest -f a\r\n```\r\n",
    ] {
        assert_eq!(unclosed(fine), [], "{fine:?}");
    }
    // In a list item, and quoted: the container's fence lines count.
    let in_list = "## A\n\n1. Run:\n\n   ```bash {run}\n   touch a\n\n   ```bash {check}\n   test -f a\n   ```\n";
    assert_eq!(unclosed(in_list).len(), 1, "{in_list:?}");
    // A closing fence indented 4 columns past the opening is content: the block runs on.
    let over_indented = "## A\n\n```bash {check}\ntest -f a\n    ```\n";
    assert_eq!(unclosed(over_indented).len(), 1);
}

#[test]
fn an_unclosed_fence_is_underlined_without_its_line_break_and_its_help_names_its_fence() {
    let text = "## A\r\n\r\n~~~~bash {check}\r\ntest -f a\r\n";
    let parsed = parse_file(text, 0, 0);
    let diagnostic = parsed
        .diagnostics
        .iter()
        .find(|d| d.code == Code::UnclosedFence)
        .expect("reported");
    assert_eq!(&text[diagnostic.span.range()], "~~~~bash {check}");
    assert_eq!(
        diagnostic.help.as_deref(),
        Some("end it with a line of ~~~~, indented as its opening line")
    );
}

#[test]
fn front_matter_left_open_is_reported_and_closed_or_absent_front_matter_is_not() {
    let unclosed = |text: &str| {
        parse_file(text, 0, 0)
            .diagnostics
            .iter()
            .any(|d| d.message == "the front matter is never closed")
    };
    assert!(unclosed("---\nid: x\n\n# T\n\n## S\n"));
    assert!(unclosed("\u{feff}---\nid: x\n# T\n"));
    for fine in [
        "---\nid: x\n---\n# T\n",
        "# T\n\n---\n\n## S\n",
        "---\n---\n# T\n",
        "---\n\n# T\n",
        "---\n# T\n",
        "",
    ] {
        assert!(!unclosed(fine), "{fine:?}");
    }
}

#[test]
fn a_lesson_id_is_a_file_name_and_a_duration_reads_as_a_time() {
    let codes = |yaml: &str| -> Vec<Code> {
        parse_file(&format!("---\n{yaml}\n---\n# T\n"), 0, 0)
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect()
    };
    for id in ["iks-security", "café-français", "v1.2_lab"] {
        assert_eq!(codes(&format!("id: {id}")), [], "{id}");
    }
    for id in ["Helm Intro!", "../evil", ".hidden", "a/b"] {
        assert_eq!(
            codes(&format!("id: \"{id}\"")),
            [Code::InvalidFrontMatter],
            "{id}"
        );
    }
    for duration in [
        "45m",
        "1h30m",
        "1 hour",
        "30-45 min",
        "90 Minutes",
        "about 2 hours",
    ] {
        assert_eq!(codes(&format!("duration: {duration}")), [], "{duration}");
    }
    for duration in ["soon", "a while", "45", "quick"] {
        assert_eq!(
            codes(&format!("duration: {duration}")),
            [Code::UnclearDuration],
            "{duration}"
        );
    }
}

#[test]
fn problems_in_a_quiz_or_http_block_inside_a_list_point_into_the_file() {
    let text = "## A\n\n1. Answer:\n\n   ```quiz\n   question: Q?\n   choices: [a, b]\n   answer: c\n   bogus: 1\n   ```\n\n2. Call:\n\n   ```http {check}\n   GET http://x/\n   Accept: text/plain\n   HTTP 200\n   [Asserts]\n   jsonpath \"$[\" == 1\n   ```\n";
    let parsed = parse_file(text, 0, 0);
    let at = |code: Code| {
        let d = parsed
            .diagnostics
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("no {code:?}: {:#?}", parsed.diagnostics));
        &text[d.span.range()]
    };
    assert_eq!(at(Code::UnknownKey), "bogus");
    assert_eq!(at(Code::QuizAnswerNotAChoice), "c");
    assert_eq!(at(Code::BadJsonPath), "$[");
    // The entry itself too: its spans are the file's.
    let block = parsed.steps[0]
        .blocks
        .first()
        .unwrap_or_else(|| panic!("{:#?}", parsed.steps));
    let entry = block.http.first().unwrap_or_else(|| panic!("{block:#?}"));
    assert!(
        text[entry.span.range()].starts_with("GET http://x/"),
        "{:?}",
        entry.span
    );
    assert_eq!(&text[entry.headers[0].span.range()], "Accept: text/plain");
}

#[test]
fn titles_that_share_a_slug_are_numbered_as_github_does_and_the_same_title_twice_is_not() {
    let ids = |text: &str| -> Vec<String> {
        parse_file(text, 0, 0)
            .steps
            .iter()
            .map(|step| step.id.clone())
            .collect()
    };
    assert_eq!(
        ids("## Use it!\n\n## Use it?\n\n## Use it.\n"),
        ["use-it", "use-it-1", "use-it-2"]
    );
    assert_eq!(ids("## Use it\n\n## Use it\n"), ["use-it", "use-it"]);
}

#[test]
fn a_quiz_with_both_answer_kinds_and_no_choices_is_one_mistake() {
    let text = "## Q\n\n```quiz\nquestion: Q?\nanswer: a\nanswer_pattern: \"a\"\n```\n";
    let messages: Vec<String> = parse_file(text, 0, 0)
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(messages, ["quiz has both `answer` and `answer_pattern`"]);
}

#[test]
fn thousands_of_titles_sharing_a_slug_get_distinct_numbered_ids() {
    let mut text = String::from("# T\n\n");
    for i in 0..3000 {
        text.push_str(&format!("## Use it{}\n\nText.\n\n", "!".repeat(i + 1)));
    }
    text.push_str("## Use it-5\n\nA title whose own slug is taken by a number.\n");
    let parsed = parse_file(&text, 0, 0);
    let ids: std::collections::HashSet<&str> =
        parsed.steps.iter().map(|step| step.id.as_str()).collect();
    assert_eq!(ids.len(), parsed.steps.len(), "every id is distinct");
    assert_eq!(parsed.steps[0].id, "use-it");
    assert_eq!(parsed.steps[1].id, "use-it-1");
    assert_eq!(parsed.steps[2999].id, "use-it-2999");
}

#[test]
fn a_transcript_offers_its_commands_without_prompts_or_output() {
    let text = "# T\n\n## Run\n\n```console\n$ docker run \\\n    -p 80:80 web\nUnable to find image\nubuntu@pi:~$ sudo k0s status\nVersion: v1\n(venv) $ pip list\n```\n\n```console\nno prompt here\n```\n";
    let parsed = parse_file(text, 0, 0);
    let codes: Vec<&str> = parsed.steps[0]
        .blocks
        .iter()
        .map(|b| b.code.as_str())
        .collect();
    assert_eq!(
        codes,
        [
            "docker run \\\n    -p 80:80 web\nsudo k0s status\npip list\n",
            "no prompt here\n"
        ]
    );
}
