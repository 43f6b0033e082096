use std::path::Path;

use super::*;
use crate::progress::for_each_record;
use crate::report::parse_since;

/// One log line of lesson `lab` at minute `minute` (plus `second`) of 2026-11-26 09:00 UTC.
fn line(minute: u32, second: u32, learner: &str, event: &str) -> String {
    format!(
        r#"{{"v":1,"ts":"2026-11-26T09:{minute:02}:{second:02}Z","learner":"{learner}","lesson":"lab","event":{event}}}"#
    )
}

fn started(steps: &[&str]) -> String {
    let steps: Vec<String> = steps.iter().map(|s| format!("\"{s}\"")).collect();
    format!(
        r#""session_started","title":"The Lab","lesson_hash":"h","steps":[{}]"#,
        steps.join(",")
    )
}

fn on(event: &str, step: &str) -> String {
    format!(r#""{event}","step":"{step}""#)
}

fn failed(step: &str) -> String {
    format!(
        r#""check_failed","step":"{step}","attempt":1,"reason":"no","evidence":{{"exit_code":1}}"#
    )
}

fn hint(step: &str) -> String {
    format!(r#""hint_shown","step":"{step}","hint":1"#)
}

/// A learner's log from `(minute, second, event)` triples.
fn log(learner: &str, events: &[(u32, u32, String)]) -> String {
    events
        .iter()
        .map(|(minute, second, event)| line(*minute, *second, learner, event) + "\n")
        .collect()
}

fn report_with(filter: Filter, logs: &[String]) -> Summary {
    let mut aggregate = Aggregate::new(filter);
    for text in logs {
        let mut warnings = Vec::new();
        for_each_record(
            text.as_bytes(),
            Path::new("test.jsonl"),
            &mut warnings,
            |r| aggregate.record(r),
        )
        .unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
    }
    aggregate.finish()
}

fn report(logs: &[String]) -> Summary {
    report_with(Filter::default(), logs)
}

fn statuses(row: &LearnerRow) -> Vec<(&str, &str)> {
    row.steps
        .iter()
        .map(|s| (&*s.id, s.status.as_str()))
        .collect()
}

fn row<'s>(summary: &'s Summary, learner: &str) -> &'s LearnerRow {
    summary
        .learners
        .iter()
        .find(|row| row.learner == learner)
        .unwrap_or_else(|| panic!("no row for {learner}: {summary:#?}"))
}

#[test]
fn every_status_rule_is_derived_from_the_events() {
    let s = |minute, event| (minute, 0, event);
    let summary = report(&[log(
        "ada",
        &[
            s(
                0,
                started(&["v", "s", "c", "k", "f", "p", "fv", "vf", "kv", "vc"]),
            ),
            s(1, on("step_verified", "v")),
            s(2, on("solution_shown", "s")),
            s(3, on("step_verified", "s")),
            s(4, on("step_confirmed", "c")),
            s(5, on("step_skipped", "k")),
            s(6, failed("f")),
            // A failed check, then a pass: verified.
            s(7, failed("fv")),
            s(8, on("step_verified", "fv")),
            // A failed check after verification does not undo it.
            s(9, on("step_verified", "vf")),
            s(10, failed("vf")),
            // Skipped, then done after all.
            s(11, on("step_skipped", "kv")),
            s(12, on("step_verified", "kv")),
            // Confirming a verified step keeps it verified.
            s(13, on("step_verified", "vc")),
            s(14, on("step_confirmed", "vc")),
        ],
    )]);
    let ada = row(&summary, "ada");
    assert_eq!(
        statuses(ada),
        [
            ("v", "verified"),
            ("s", "solved"),
            ("c", "confirmed"),
            ("k", "skipped"),
            ("f", "failed"),
            ("p", "pending"),
            ("fv", "verified"),
            ("vf", "verified"),
            ("kv", "verified"),
            ("vc", "verified"),
        ]
    );
    assert!(!ada.complete);
    assert_eq!((ada.verified, ada.self_reported, ada.skipped), (6, 1, 1));
}

#[test]
fn a_learner_is_complete_when_every_step_is_verified_solved_or_confirmed() {
    let done = |learner: &str, last: String| {
        log(
            learner,
            &[
                (0, 0, started(&["a", "b", "c"])),
                (1, 0, on("step_verified", "a")),
                (2, 0, on("solution_shown", "b")),
                (3, 0, on("step_verified", "b")),
                (4, 0, last),
            ],
        )
    };
    let summary = report(&[
        done("ada", on("step_confirmed", "c")),
        done("bob", on("step_skipped", "c")),
        done("cy", failed("c")),
    ]);
    assert!(row(&summary, "ada").complete);
    assert!(!row(&summary, "bob").complete, "a skipped step is not done");
    assert!(!row(&summary, "cy").complete);
    let incomplete: Vec<_> = summary.incomplete().map(|r| r.learner.as_str()).collect();
    assert_eq!(incomplete, ["bob", "cy"]);
}

#[test]
fn a_learner_with_no_step_is_not_complete() {
    let summary = report(&[log("ada", &[(0, 0, started(&[]))])]);
    assert!(!row(&summary, "ada").complete);
}

#[test]
fn step_and_lesson_resets_send_steps_back_to_pending() {
    let summary = report(&[
        log(
            "ada",
            &[
                (0, 0, started(&["a", "b"])),
                (1, 0, on("step_verified", "a")),
                (2, 0, on("step_verified", "b")),
                (3, 0, on("step_reset", "a")),
            ],
        ),
        log(
            "bob",
            &[
                (0, 0, started(&["a", "b"])),
                (1, 0, on("step_verified", "a")),
                (2, 0, on("step_confirmed", "b")),
                (3, 0, r#""lesson_reset""#.to_owned()),
                (4, 0, on("step_verified", "b")),
            ],
        ),
        log(
            "cy",
            &[
                (0, 0, started(&["a", "b"])),
                (1, 0, on("solution_shown", "a")),
                (2, 0, on("step_reset", "a")),
                // The reset forgot the solution: this is a real verification.
                (3, 0, on("step_verified", "a")),
                (4, 0, on("step_verified", "b")),
            ],
        ),
    ]);
    assert_eq!(
        statuses(row(&summary, "ada")),
        [("a", "pending"), ("b", "verified")]
    );
    assert_eq!(
        statuses(row(&summary, "bob")),
        [("a", "pending"), ("b", "verified")]
    );
    assert_eq!(
        statuses(row(&summary, "cy")),
        [("a", "verified"), ("b", "verified")]
    );
    assert!(row(&summary, "cy").complete);
}

#[test]
fn several_sessions_add_up_and_the_newest_session_names_the_steps() {
    let summary = report(&[
        log(
            "ada",
            &[
                (0, 0, started(&["a", "old"])),
                (0, 10, on("step_entered", "a")),
                (0, 40, on("step_verified", "a")),
                (1, 0, on("step_verified", "old")),
                (1, 10, r#""session_ended","reason":"quit""#.to_owned()),
                // The lesson changed: a new step `new`, `old` is gone.
                (
                    30,
                    0,
                    started(&["a", "new"]).replace("The Lab", "The Lab, 2nd ed."),
                ),
                (30, 20, on("step_entered", "new")),
                (31, 20, on("step_verified", "new")),
            ],
        ),
        // Bob only ever saw the first version: he has not done `new`.
        log(
            "bob",
            &[
                (5, 0, started(&["a", "old"])),
                (5, 30, on("step_verified", "a")),
                (6, 0, on("step_verified", "old")),
            ],
        ),
    ]);
    assert_eq!(summary.lessons.len(), 1);
    assert_eq!(summary.lessons[0].title, "The Lab, 2nd ed.");
    assert_eq!(summary.lessons[0].steps, ["a", "new"]);
    let ada = row(&summary, "ada");
    assert!(ada.complete);
    // 70 s in the first session, 80 s in the second: the half hour away is not counted.
    assert_eq!(ada.active_seconds, 70 + 80);
    assert_eq!(ada.started.to_string(), "2026-11-26T09:00:00Z");
    assert_eq!(ada.last_activity.to_string(), "2026-11-26T09:31:20Z");
    assert_eq!(
        statuses(row(&summary, "bob")),
        [("a", "verified"), ("new", "pending")]
    );
    assert!(!row(&summary, "bob").complete);
}

#[test]
fn step_figures_show_where_learners_struggle() {
    let summary = report(&[
        log(
            "ada",
            &[
                (0, 0, started(&["a", "b"])),
                (1, 0, on("step_entered", "a")),
                (1, 30, failed("a")),
                (1, 40, hint("a")),
                (2, 0, on("step_verified", "a")),
                (2, 0, on("step_entered", "b")),
                (2, 10, failed("b")),
            ],
        ),
        log(
            "bob",
            &[
                (0, 0, started(&["a", "b"])),
                (0, 0, on("step_entered", "a")),
                (0, 20, failed("a")),
                (0, 30, failed("a")),
                (0, 40, hint("a")),
                (0, 50, hint("a")),
                (2, 0, on("step_verified", "a")),
                (3, 0, on("step_skipped", "b")),
            ],
        ),
        log(
            "cy",
            &[
                (0, 0, started(&["a", "b"])),
                (0, 0, on("step_entered", "a")),
                (0, 10, on("solution_shown", "a")),
                (0, 50, on("step_verified", "a")),
            ],
        ),
    ]);
    let [a, b] = [&summary.steps[0], &summary.steps[1]];
    assert_eq!((a.step.as_str(), b.step.as_str()), ("a", "b"));
    assert_eq!((a.learners, a.completed), (3, 3));
    // ada 60 s, bob 120 s, cy 50 s.
    assert_eq!(a.median_seconds, Some(60));
    assert_eq!(
        (a.failed_attempts, a.hints, a.stuck, a.skipped),
        (3, 3, 0, 0)
    );
    assert_eq!((b.completed, b.median_seconds), (0, None));
    assert_eq!((b.failed_attempts, b.stuck, b.skipped), (1, 1, 1));
    assert_eq!(row(&summary, "bob").hints, 2);
    let per_step: Vec<_> = row(&summary, "bob")
        .steps
        .iter()
        .map(|s| (s.failed_attempts, s.hints, s.seconds))
        .collect();
    assert_eq!(per_step, [(2, 2, Some(120)), (0, 0, None)]);
}

#[test]
fn lessons_are_keyed_by_the_record_and_a_classmates_line_in_a_log_is_refused() {
    // Ada's log holds two lessons, interleaved, and a line naming bob: whoever wrote it, it
    // cannot speak for bob (nor be ada's).
    let other = line(0, 0, "ada", &started(&["x"])).replace("\"lab\"", "\"other\"");
    let forged = line(0, 30, "bob", &on("step_verified", "a"));
    let text = format!(
        "{}\n{other}\n{forged}\n{}\n",
        line(0, 0, "ada", &started(&["a"])),
        line(1, 0, "ada", &on("step_verified", "a")),
    );
    let mut aggregate = Aggregate::new(Filter::default());
    let mut warnings = Vec::new();
    for_each_record(
        text.as_bytes(),
        Path::new("ada.jsonl"),
        &mut warnings,
        |r| aggregate.record(r),
    )
    .unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].line, 3);
    assert!(
        warnings[0]
            .message
            .contains("names learner `bob`, but this log is `ada`'s"),
        "{}",
        warnings[0].message
    );
    let summary = aggregate.finish();
    let lessons: Vec<_> = summary.lessons.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(lessons, ["lab", "other"]);
    assert!(row(&summary, "ada").complete);
    assert!(summary.learners.iter().all(|row| row.learner == "ada"));
}

#[test]
fn a_lesson_without_session_started_uses_the_steps_its_events_name() {
    let summary = report(&[
        log("bob", &[(0, 0, on("step_verified", "b"))]),
        log(
            "ada",
            &[
                (0, 0, on("step_verified", "a")),
                (1, 0, on("step_skipped", "b")),
            ],
        ),
    ]);
    assert_eq!(summary.lessons[0].title, "lab");
    assert_eq!(summary.lessons[0].steps, ["a", "b"]);
    assert_eq!(
        statuses(row(&summary, "bob")),
        [("a", "pending"), ("b", "verified")]
    );
}

#[test]
fn filters_keep_only_the_lessons_learners_and_recent_activity_asked_for() {
    let logs = [
        log("ada", &[(0, 0, started(&["a"]))]),
        log("bob", &[(10, 0, started(&["a"]))]),
        line(20, 0, "cy", &started(&["x"])).replace("\"lab\"", "\"other\""),
    ];
    let names = |summary: &Summary| -> Vec<String> {
        summary
            .learners
            .iter()
            .map(|r| format!("{}/{}", r.lesson, r.learner))
            .collect()
    };
    let all = report(&logs);
    assert_eq!(names(&all), ["lab/ada", "lab/bob", "other/cy"]);

    let lesson = report_with(
        Filter {
            lessons: vec!["other".into()],
            ..Filter::default()
        },
        &logs,
    );
    assert_eq!(names(&lesson), ["other/cy"]);
    assert_eq!(lesson.lessons.len(), 1);
    assert!(lesson.steps.iter().all(|s| s.lesson == "other"));

    let learner = report_with(
        Filter {
            learners: vec!["bob".into(), "cy".into()],
            ..Filter::default()
        },
        &logs,
    );
    assert_eq!(names(&learner), ["lab/bob", "other/cy"]);

    let since = report_with(
        Filter {
            since: Some(parse_since("2026-11-26T09:05:00Z").unwrap()),
            ..Filter::default()
        },
        &logs,
    );
    assert_eq!(names(&since), ["lab/bob", "other/cy"]);
    assert_eq!(since.steps[0].learners, 1, "step figures follow the filter");

    let nobody = report_with(
        Filter {
            since: Some(parse_since("2026-11-27").unwrap()),
            ..Filter::default()
        },
        &logs,
    );
    assert!(nobody.lessons.is_empty() && nobody.steps.is_empty());
}

#[test]
fn since_still_counts_what_was_done_before_the_date() {
    let summary = report_with(
        Filter {
            since: Some(parse_since("2026-11-26T09:30:00Z").unwrap()),
            ..Filter::default()
        },
        &[log(
            "ada",
            &[
                (0, 0, started(&["a", "b"])),
                (1, 0, on("step_verified", "a")),
                (40, 0, on("step_verified", "b")),
            ],
        )],
    );
    assert!(row(&summary, "ada").complete);
}

#[test]
fn variable_values_never_reach_the_summary() {
    let summary = report(&[log(
        "ada",
        &[
            (0, 0, started(&["a"])),
            (
                0,
                1,
                r#""var_set","name":"region","value":"eu-de-secret-ish""#.to_owned(),
            ),
        ],
    )]);
    let json = serde_json::to_string(&summary).unwrap();
    assert!(!json.contains("eu-de-secret-ish"), "{json}");
    assert!(!format!("{summary:?}").contains("eu-de-secret-ish"));
}
