//! Snapshot tests of every renderer, into a buffer with a fixed width.
//!
//! `fixtures/tour.md` holds every kind of content; the snapshots in `snapshots/` are the
//! reviewed output. After a deliberate change, run `INSTA_UPDATE=always cargo test` and
//! review the diff of the `.snap` files.

use std::path::PathBuf;
use std::sync::Arc;

use insta::{assert_json_snapshot, assert_snapshot};

use crate::lesson::{Lesson, Source, from_sources};
use crate::style::Term;

use super::{ListEntry, ShowOptions, commands, list};
use crate::ui::show_json::view;

const TOUR: &str = include_str!("fixtures/tour.md");
const COLOR: Term = Term {
    color: true,
    links: true,
    width: 80,
};

/// Hints and solutions shown, as `labrun show --hints --solutions` shows them.
const REVEALED: ShowOptions = ShowOptions {
    hints: true,
    solutions: true,
    session: false,
};

fn parse(files: &[(&str, &str)]) -> Lesson {
    let sources = files
        .iter()
        .map(|(path, text)| Source {
            path: PathBuf::from(path),
            text: Arc::from(*text),
        })
        .collect();
    let path = if files.len() == 1 {
        PathBuf::from(files[0].0)
    } else {
        PathBuf::from("lessons/folder")
    };
    from_sources(path, sources).lesson
}

fn show(lesson: &Lesson, term: Term, options: ShowOptions) -> String {
    let mut out = Vec::new();
    super::lesson(&mut out, lesson, term, options).expect("writing to a Vec");
    String::from_utf8(out).unwrap()
}

/// The part of `output` from the line that starts with `from` up to the one with `to`.
fn section<'o>(output: &'o str, from: &str, to: Option<&str>) -> &'o str {
    let start = output.find(from).expect("section start");
    let end = to.and_then(|to| output.find(to)).unwrap_or(output.len());
    output[start..end].trim_end()
}

fn plain(text: &str) -> String {
    show(
        &parse(&[("lesson.md", text)]),
        Term::plain(80),
        ShowOptions::default(),
    )
}

#[test]
fn every_kind_of_content_renders_as_plain_text() {
    let tour = parse(&[("lessons/tour.md", TOUR)]);
    assert_snapshot!(show(&tour, Term::plain(80), ShowOptions::default()));
}

#[test]
fn hints_details_and_solutions_are_revealed_on_request() {
    let tour = parse(&[("lessons/tour.md", TOUR)]);
    let output = show(&tour, Term::plain(80), REVEALED);
    let blocks_step = section(&output, "Step 2/3", Some("Step 3/3"));
    assert_snapshot!(blocks_step);
}

#[test]
fn plain_output_has_no_escape_codes() {
    let tour = parse(&[("lessons/tour.md", TOUR)]);
    let output = show(&tour, Term::plain(80), REVEALED);
    assert!(!output.contains('\x1b'), "{output}");
    assert!(
        output.contains("link (https://example.com)"),
        "a link's target is shown when it cannot be clicked"
    );
}

#[test]
fn colour_output_styles_text_and_makes_links_clickable() {
    let tour = parse(&[("lessons/tour.md", TOUR)]);
    let output = show(&tour, COLOR, ShowOptions::default());
    assert!(output.contains("\x1b[1m"), "bold is used");
    assert!(
        output.contains("\x1b]8;;https://example.com\x1b\\\x1b[34m\x1b[4m"),
        "OSC 8 link around the link's painted text:\n{output:?}"
    );
    assert!(
        !output.contains('\u{241B}'),
        "no escape code of labrun's own is shown as text:\n{output:?}"
    );
    assert!(
        !output.contains("link (https://example.com)"),
        "a clickable link does not repeat its target"
    );
    // Magenta and bold, in whichever order console writes them.
    assert!(
        output.contains("\x1b[35m\x1b[1m{{region}}\x1b[0m"),
        "variables stand out:\n{output:?}"
    );
}

#[test]
fn colour_without_link_support_still_shows_the_target() {
    let tour = parse(&[("lessons/tour.md", TOUR)]);
    let output = show(
        &tour,
        Term {
            links: false,
            ..COLOR
        },
        ShowOptions::default(),
    );
    assert!(!output.contains("\x1b]8;;"));
    assert!(output.contains("(https://example.com)"));
}

#[test]
fn a_code_block_nested_in_a_list_gets_its_role_badge() {
    let output = plain(
        "# T\n\n## S\n\n1. Run:\n\n   ```bash {run}\n   echo hi\n   ```\n\n2. Check:\n   ```sh {check}\n   test -f x\n   ```\n",
    );
    assert_snapshot!(output, @r"
    T
    ═
    id lesson · 1 step

    Step 1/1 · S  #s
    ────────────────
    verified by 1 check

    1. Run:

         ▶ run  bash
         │ echo hi

    2. Check:

         ✔ check  sh
         │ test -f x
    ");
}

#[test]
fn every_callout_kind_has_its_icon_and_title() {
    let kinds = ["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"];
    let text: String = kinds
        .iter()
        .map(|kind| format!("> [!{kind}]\n> Text of {kind}.\n\n"))
        .collect();
    let output = plain(&format!("# T\n\n## S\n\n{text}"));
    for (icon, title) in [
        ("ℹ", "Note"),
        ("💡", "Tip"),
        ("❗", "Important"),
        ("⚠", "Warning"),
        ("🛑", "Caution"),
    ] {
        assert!(
            output.contains(&format!("│ {icon} {title}\n")),
            "{title} in:\n{output}"
        );
    }
    assert!(
        !output.contains("[!"),
        "the alert marker is not shown:\n{output}"
    );
}

#[test]
fn hints_are_numbered_and_stay_hidden_by_default() {
    let output = plain(
        "# T\n\n## S\n\n<details><summary>Hint</summary>\n\nSECRET ONE\n\n</details>\n\n\
         <details><summary>Hint 2: think</summary>\n\nSECRET TWO\n\n</details>\n",
    );
    assert!(
        output.contains("▸ Hint 1 of 2 (hidden · `--hints` reveals it)"),
        "{output}"
    );
    assert!(output.contains("▸ Hint 2 of 2: think (hidden"), "{output}");
    assert!(!output.contains("SECRET"), "{output}");
}

#[test]
fn a_quiz_shows_its_question_and_choices_but_never_the_answer() {
    let tour = parse(&[("lessons/tour.md", TOUR)]);
    let output = show(&tour, Term::plain(80), REVEALED);
    let quiz_step = section(&output, "Step 3/3", None);
    assert!(
        !quiz_step.contains("Only checks verify"),
        "the explanation gives the answer away"
    );
    assert!(
        !quiz_step.contains("^(run|check)$"),
        "the pattern gives the answer away"
    );
    assert_snapshot!(quiz_step);
}

#[test]
fn a_solution_is_hidden_unless_asked_for() {
    let tour = parse(&[("lessons/tour.md", TOUR)]);
    let hidden = show(&tour, Term::plain(80), ShowOptions::default());
    assert!(!hidden.contains("echo the answer"));
    assert!(!hidden.contains("echo hidden in details"));
    assert!(hidden.contains("🔑 solve (hidden)  solution available"));
    let shown = show(
        &tour,
        Term::plain(80),
        ShowOptions {
            hints: false,
            solutions: true,
            session: false,
        },
    );
    assert!(shown.contains("│ echo the answer"));
    assert!(
        shown.contains("│ echo hidden in details"),
        "a solve block in a collapsed section is still listed"
    );
}

#[test]
fn a_folder_lesson_shows_each_part_with_its_title() {
    let lesson = parse(&[
        (
            "lessons/folder/01-registry.md",
            "---\nid: lab\ntitle: The lab\n---\n# Registry\n\nPart one intro.\n\n## Push {#push}\n\nPush it.\n\n```bash {run}\ndocker push x\n```\n\n```bash {check}\ntrue\n```\n",
        ),
        (
            "lessons/folder/02-scan.md",
            "# Scanning\n\n## Scan {#scan}\n\nScan it.\n",
        ),
    ]);
    assert_snapshot!(show(&lesson, Term::plain(80), ShowOptions::default()));
}

#[test]
fn commands_lists_every_block_that_can_run_or_write() {
    let tour = parse(&[("lessons/tour.md", TOUR)]);
    let mut out = Vec::new();
    commands(&mut out, &tour, Term::plain(80)).unwrap();
    let output = String::from_utf8(out).unwrap();
    assert!(
        !output.contains("{\"not\": \"run\"}"),
        "a json block is not a command"
    );
    assert_snapshot!(output);
}

#[test]
fn commands_of_a_folder_lesson_name_each_file() {
    let lesson = parse(&[
        (
            "lessons/folder/01-a.md",
            "# A\n\n```bash {setup}\nmake setup\n```\n\n## One\n\n```bash {run}\necho 1\n```\n",
        ),
        (
            "lessons/folder/02-b.md",
            "# B\n\n## Two\n\n```http {check}\nGET https://example.com/health\nHTTP 200\n```\n",
        ),
    ]);
    let mut out = Vec::new();
    commands(&mut out, &lesson, Term::plain(80)).unwrap();
    let output = String::from_utf8(out).unwrap();
    assert!(
        output.contains("Before the first step · lessons/folder/01-a.md"),
        "{output}"
    );
    assert!(output.contains("lessons/folder/02-b.md:5"), "{output}");
    assert!(
        output.contains("│ GET https://example.com/health"),
        "{output}"
    );
    assert!(
        output.ends_with("2 commands, 1 HTTP request, 0 files written in 2 steps\n"),
        "{output}"
    );
}

#[test]
fn json_gives_lines_and_never_a_secret_default() {
    let tour = parse(&[("lessons/tour.md", TOUR)]);
    let json = serde_json::to_string(&view(&tour, 0, 0)).unwrap();
    assert!(!json.contains("s3cr3t-default"), "{json}");
    assert_json_snapshot!(view(&tour, 1, 2));
}

fn entry(id: &str, steps: Option<usize>, errors: usize, warnings: usize) -> ListEntry {
    ListEntry {
        id: id.into(),
        title: steps.map(|_| format!("The {id} lesson")),
        path: format!("lessons/{id}.md"),
        steps,
        duration: steps.map(|_| "10m".into()),
        summary: None,
        errors,
        warnings,
        status: if steps.is_some() {
            ListEntry::status_of(errors, warnings)
        } else {
            "unreadable: not UTF-8 text".into()
        },
    }
}

#[test]
fn list_aligns_columns_and_states_each_lessons_health() {
    let entries = [
        entry("welcome", Some(5), 0, 0),
        entry("iks", Some(12), 0, 2),
        entry("broken", Some(1), 3, 1),
        entry("bin", None, 0, 0),
    ];
    let mut out = Vec::new();
    list(&mut out, &entries, Term::plain(80)).unwrap();
    assert_snapshot!(String::from_utf8(out).unwrap());
}

#[test]
fn list_colours_the_status_only_on_a_colour_terminal() {
    let entries = [
        entry("welcome", Some(5), 0, 0),
        entry("broken", Some(1), 3, 0),
    ];
    let mut out = Vec::new();
    list(&mut out, &entries, COLOR).unwrap();
    let output = String::from_utf8(out).unwrap();
    assert!(output.contains("\x1b[32mok"), "{output:?}");
    assert!(output.contains("\x1b[31m3 errors"), "{output:?}");
}

/// Odd input must render something and never panic.
#[test]
fn odd_lessons_render_without_panicking() {
    let cases = [
        "",
        "no heading at all",
        "# Only a title",
        "## Step with no title lesson\n```bash {run}\nunclosed fence",
        "# T\n\n## S\n\n<details><summary>Hint</summary>\n\nnever closed\n",
        "# T\n\n## S\n\n</details>\n\n</details>",
        "# T\r\n\r\n## S\r\n\r\n- a\r\n  - b\r\n\r\n```bash {check}\r\ntrue\r\n```\r\n",
        "# T\n\n## S\n\n> - > - > 1. deep\n>    ```bash {run}\n>    echo deep\n>    ```\n",
        "# T\n\n## S\n\n```quiz\nquestion: [unclosed\n```\n\n```quiz\nnot: a quiz\n```\n",
        "# T\n\n## S\n\n| a |\n| - |\n| x | extra | cells |\n\n![](x.png) ![alt]() [](#) <img src=\"a.png\" alt=\"A\"> <!-- c",
        "# T\n\n## S\n\n\tindented code\n\n---\nnot: metadata\n---\n",
        "# T\n\n## \u{1F600}\u{0301}\n\n日本語の文章がとても長い場合には折り返しが必要になりますがスペースがありません日本語の文章がとても長い場合には",
        "# T\n\n## S\n\n```bash {run}\n```\n\n```http {check}\nnot http\n```\n\n```bash {file=x}\n```",
    ];
    for text in cases {
        let lesson = parse(&[("odd.md", text)]);
        for width in [20, 80] {
            let term = Term { width, ..COLOR };
            let options = REVEALED;
            let output = show(&lesson, term, options);
            assert!(!output.is_empty(), "{text:?}");
            let _ = show(&lesson, Term::plain(width), ShowOptions::default());
            let mut out = Vec::new();
            commands(&mut out, &lesson, term).unwrap();
            serde_json::to_string(&view(&lesson, 0, 0)).unwrap();
        }
    }
}

#[test]
fn text_wraps_to_the_terminal_width() {
    let output = plain(&format!("# T\n\n## S\n\n{}\n", "word ".repeat(40)));
    assert!(
        output
            .lines()
            .all(|line| console::measure_text_width(line) <= 80),
        "{output}"
    );
    let narrow = show(
        &parse(&[("a.md", "# T\n\n## S\n\nsome words that wrap\n")]),
        Term::plain(20),
        ShowOptions::default(),
    );
    assert!(
        narrow.contains("some words that wrap"),
        "a text that fits is one line:\n{narrow}"
    );
}

#[test]
fn reference_links_defined_in_another_step_still_resolve() {
    let output = plain(
        "# T\n\n## One\n\nSee [the docs][docs].\n\n## Two\n\n[docs]: https://docs.example.com\n",
    );
    assert!(
        output.contains("See the docs (https://docs.example.com)."),
        "{output}"
    );
}

#[test]
fn relative_links_are_shown_with_their_path_and_not_made_clickable() {
    let lesson = parse(&[(
        "a.md",
        "# T\n\n## S\n\nThen read [the next lesson](next.md) or [the site](https://x.dev).\n",
    )]);
    let output = show(&lesson, COLOR, ShowOptions::default());
    assert!(!output.contains("\x1b]8;;next.md"), "{output:?}");
    assert!(output.contains("(next.md)"), "{output:?}");
    assert!(output.contains("\x1b]8;;https://x.dev\x1b\\"), "{output:?}");
    assert!(!output.contains("(https://x.dev)"), "{output:?}");
}

#[test]
fn a_table_too_wide_for_the_terminal_wraps_its_cells_within_their_columns() {
    let long = "the test app, public on node port 30080, and a policy that closes every node \
                port of the public workers";
    let text = format!(
        "# T\n\n## S\n\n| part | what stays | undo it with |\n| --- | --- | --- |\n\
         | 6 | {long} | `kubectl delete namespace calico-demo` |\n"
    );
    let lesson = parse(&[("t.md", &text)]);
    let output = show(&lesson, Term::plain(60), ShowOptions::default());
    let rows: Vec<&str> = output.lines().filter(|line| line.contains('│')).collect();
    assert!(
        rows.len() > 3,
        "the long cell wraps onto more lines:\n{output}"
    );
    for line in output.lines() {
        assert!(
            console::measure_text_width(line) <= 60,
            "a line wider than the terminal: {line:?}\n{output}"
        );
    }
    // Every row keeps its columns: the separators line up.
    let columns: Vec<Vec<usize>> = rows
        .iter()
        .map(|line| {
            line.match_indices('│')
                .map(|(at, _)| line[..at].chars().count())
                .collect()
        })
        .collect();
    assert!(
        columns.windows(2).all(|pair| pair[0] == pair[1]),
        "{output}"
    );
}
