//! `--format junit`: JUnit XML for CI dashboards.
//!
//! One `<testsuite>` per lesson and one `<testcase>` per learner (`classname` the lesson,
//! `name` the learner, `time` the active seconds): the question a CI job asks is "who has
//! not finished", and GitLab, Jenkins and GitHub test reporters list failed test cases by
//! name, so a learner who has not completed is one failure whose message says how far they
//! got and whose text lists each step's status. Every test case also carries the step
//! statuses in `<system-out>`, as evidence for the ones that pass.

use std::io::{self, Write};
use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use crate::report::{LearnerRow, Summary};

pub fn write(out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
    let mut report = Report::new("labrun report");
    for lesson in &summary.lessons {
        let mut suite = TestSuite::new(lesson.id.as_str());
        suite.add_property(Property::new("title", lesson.title.as_str()));
        let rows: Vec<&LearnerRow> = summary.learners_of(&lesson.id).collect();
        suite.set_time(Duration::from_secs(
            rows.iter().map(|row| row.active_seconds).sum(),
        ));
        suite.add_test_cases(rows.into_iter().map(testcase));
        report.add_test_suite(suite);
    }
    report.serialize(out).map_err(io::Error::other)
}

fn testcase(row: &LearnerRow) -> TestCase {
    let statuses: String = row
        .steps
        .iter()
        .map(|step| format!("{}: {}\n", step.id, step.status.as_str()))
        .collect();
    let failure = |kind: &str, message: String| {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status
            .set_type(kind)
            .set_message(message)
            .set_description(statuses.as_str());
        status
    };
    let status = if let Some(doubt) = row.doubt() {
        // A completion that cannot be taken as it stands is no pass.
        failure("doubtful", doubt)
    } else if !row.complete {
        let open: Vec<String> = row
            .steps
            .iter()
            .filter(|step| !step.status.is_complete())
            .map(|step| format!("{} ({})", step.id, step.status.as_str()))
            .collect();
        failure(
            "incomplete",
            format!(
                "{} of {} steps not complete: {}",
                open.len(),
                row.steps.len(),
                open.join(", ")
            ),
        )
    } else {
        TestCaseStatus::success()
    };
    let mut case = TestCase::new(row.learner.as_str(), status);
    case.set_classname(row.lesson.as_str())
        .set_time(Duration::from_secs(row.active_seconds))
        .set_system_out(statuses.as_str());
    case
}
