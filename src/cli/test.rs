//! `labrun test`: run lessons end to end without a learner; exit 1 when any step fails.

use std::io::Write;
use std::path::{Path, PathBuf};

use console::Style;

use crate::engine::{Reporter, StepResult, TestRun, Verdict, missing_tools};
use crate::exec::BlockRunner;
use crate::exec::{BlockRun, RunProgress};
use crate::lesson::Block;
use crate::lesson::Code;
use crate::lesson::yaml::{Node, Value};
use crate::style::Term;

use super::args::TestArgs;
use super::learner::{check_given_vars, interrupt, load_runnable};
use super::{CliError, exit};

/// One lesson's results, for the summary and `--junit`.
struct LessonResults {
    id: String,
    title: String,
    steps: Vec<StepResult>,
    /// Why the lesson could not run at all.
    error: Option<String>,
}

pub(super) fn run(args: &TestArgs) -> Result<u8, CliError> {
    let mut vars = match &args.vars_file {
        Some(path) => read_vars_file(path)?,
        None => Vec::new(),
    };
    vars.extend(args.vars.given.iter().cloned());
    super::learner::protect_secrets();
    let interrupt = interrupt();
    let term = Term::stdout();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut all = Vec::new();
    for path in &args.lessons {
        let lesson = load_runnable(path)?;
        // One vars file may serve several lessons: a name this one lacks is not an error. A
        // `--var` for the only lesson tested is checked as `start` checks it.
        check_given_vars(&lesson, &vars, false)?;
        if args.lessons.len() == 1 {
            check_given_vars(&lesson, &args.vars.given, true)?;
        }
        writeln!(
            out,
            "{}",
            term.paint(
                &Style::new().bold(),
                &format!("{} ({})", lesson.title, path.display())
            )
        )?;
        // Without them, every step would fail for a reason that is not the lesson's.
        let missing = missing_tools(&lesson.requires);
        if !missing.is_empty() {
            all.push(could_not_run(
                &mut out,
                term,
                &lesson,
                missing_message(&missing),
            )?);
            continue;
        }
        let scratch = tempdir_for(&lesson.id)?;
        let workspace = args.workspace.clone().unwrap_or_else(|| scratch.clone());
        let mut exec = BlockRunner::new();
        let mut reporter = Waiting { term };
        let run = TestRun {
            lesson: &lesson,
            exec: &mut exec,
            workspace: &workspace,
            vars: vars.clone(),
            interrupt: &interrupt,
            reporter: &mut reporter,
        };
        let mut printed = Ok(());
        let result = run.run(|step| {
            if printed.is_ok() {
                printed = print_step(&mut out, term, step);
            }
        });
        printed?;
        let _ = std::fs::remove_dir_all(&scratch);
        match result {
            Ok(steps) => all.push(LessonResults {
                id: lesson.id.clone(),
                title: lesson.title.clone(),
                steps,
                error: None,
            }),
            Err(error) => all.push(could_not_run(&mut out, term, &lesson, error.to_string())?),
        }
    }
    let steps: Vec<&StepResult> = all.iter().flat_map(|l| &l.steps).collect();
    let failures = steps
        .iter()
        .filter(|step| step.verdict != Verdict::Passed)
        .count();
    let errors = all.iter().filter(|l| l.error.is_some()).count();
    let passed = steps.len() - failures;
    let mut summary = format!("{passed} passed, {failures} failed");
    if errors > 0 {
        summary.push_str(&format!(", {errors} could not run"));
    }
    let style = if failures + errors > 0 {
        Style::new().red().bold()
    } else {
        Style::new().green().bold()
    };
    writeln!(out, "{}", term.paint(&style, &summary))?;
    if let Some(path) = &args.junit {
        write_junit(path, &all)?;
    }
    Ok(if failures + errors > 0 || interrupt.stop_requested() {
        exit::FAILED
    } else {
        exit::OK
    })
}

/// Says, while a polling block waits, that it does and for how long: a CI log is otherwise
/// silent for the whole budget.
struct Waiting {
    term: Term,
}

impl Reporter for Waiting {
    fn block_started(&mut self, _: &Block, _: &str) {}

    fn progress(&mut self, progress: &RunProgress) {
        // The first try, then every fifth: a line per try would flood the log.
        if let RunProgress::Waiting {
            attempt,
            remaining,
            last,
        } = progress
            && (*attempt == 1 || attempt % 5 == 0)
        {
            let left = remaining
                .map(|r| format!(", {}s left", r.as_secs()))
                .unwrap_or_default();
            let line = format!("              … waiting: try {attempt} not yet ({last}){left}");
            let _ = writeln!(
                std::io::stdout(),
                "{}",
                self.term.paint(&Style::new().dim(), &line)
            );
        }
    }

    fn block_finished(&mut self, _: &Block, _: &BlockRun) {}

    fn notice(&mut self, _: &str) {}
}

fn print_step(out: &mut dyn Write, term: Term, step: &StepResult) -> std::io::Result<()> {
    let (word, style) = match &step.verdict {
        Verdict::Passed => ("ok", Style::new().green()),
        Verdict::Failed { .. } => ("FAIL", Style::new().red().bold()),
    };
    let time = format!("{:.1}s", step.duration.as_secs_f64());
    writeln!(
        out,
        "  {:<11} {:<30} {}",
        term.paint(&style, word),
        step.id,
        term.paint(&Style::new().dim(), &time)
    )?;
    match &step.verdict {
        Verdict::Failed { reason } => {
            for line in crate::text::TerminalText::lines(reason).as_str().lines() {
                writeln!(out, "              {line}")?;
            }
        }
        Verdict::Passed => {}
    }
    Ok(())
}

/// A lesson that could not run, and why: printed, and kept for the summary and `--junit`.
fn could_not_run(
    out: &mut impl Write,
    term: Term,
    lesson: &crate::lesson::Lesson,
    error: String,
) -> std::io::Result<LessonResults> {
    writeln!(
        out,
        "  {} {error}",
        term.paint(&Style::new().red().bold(), "error")
    )?;
    Ok(LessonResults {
        id: lesson.id.clone(),
        title: lesson.title.clone(),
        steps: Vec::new(),
        error: Some(error),
    })
}

/// Which required tools are not on `PATH`, with how to get each.
fn missing_message(missing: &[&crate::lesson::ToolRequirement]) -> String {
    let tools: Vec<String> = missing
        .iter()
        .map(|tool| match &tool.hint {
            Some(hint) => format!("`{}` ({hint})", tool.name),
            None => format!("`{}`", tool.name),
        })
        .collect();
    let verb = if tools.len() == 1 { "is" } else { "are" };
    format!(
        "not run: {} {verb} required but not on PATH",
        tools.join(", ")
    )
}

/// `NAME=value` lines, or a YAML mapping of names to values.
fn read_vars_file(path: &Path) -> Result<Vec<(String, String)>, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Usage(format!("cannot read `{}`: {e}", path.display())))?;
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .collect();
    if !lines.is_empty()
        && lines.iter().all(|l| {
            l.split_once('=')
                .is_some_and(|(name, _)| crate::lesson::is_identifier(name.trim()))
        })
    {
        return Ok(lines
            .iter()
            .filter_map(|l| l.split_once('='))
            .map(|(name, value)| (name.trim().to_owned(), value.to_owned()))
            .collect());
    }
    let neither = |why: &str| {
        CliError::Usage(format!(
            "`{}` is neither NAME=value lines nor a YAML mapping: {why}",
            path.display()
        ))
    };
    let root = Node::parse(&text, 0, Code::YamlSyntax).map_err(|d| neither(&d.message))?;
    if root.is_null() {
        return Ok(Vec::new());
    }
    if !matches!(root.value, Value::Map(_)) {
        return Err(neither("it is not a mapping of names to values"));
    }
    root.entries()
        .iter()
        .map(|entry| match &entry.value.value {
            Value::Text { .. } if entry.value.is_null() => {
                Ok((entry.key.name.clone(), String::new()))
            }
            Value::Text { text, .. } => Ok((entry.key.name.clone(), text.clone())),
            _ => Err(neither(&format!(
                "`{}` is not a single value",
                entry.key.name
            ))),
        })
        .collect()
}

fn tempdir_for(lesson: &str) -> Result<PathBuf, CliError> {
    let dir = std::env::temp_dir().join(format!("labrun-test-{lesson}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// One test suite per lesson, one test case per step.
fn write_junit(path: &Path, lessons: &[LessonResults]) -> Result<(), CliError> {
    use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};
    let mut report = Report::new("labrun test");
    for lesson in lessons {
        let mut suite = TestSuite::new(lesson.id.as_str());
        suite.add_property(Property::new("title", lesson.title.as_str()));
        suite.set_time(lesson.steps.iter().map(|s| s.duration).sum());
        if let Some(error) = &lesson.error {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status.set_message(error.as_str());
            let mut case = TestCase::new("(lesson)", status);
            case.set_classname(lesson.id.as_str());
            suite.add_test_case(case);
        }
        for step in &lesson.steps {
            let status = match &step.verdict {
                Verdict::Failed { reason } => {
                    // `WHAT failed:` alone says too little: the reason's first line joins it.
                    let mut lines = reason.lines();
                    let first = lines.next().unwrap_or("failed");
                    let message = match lines.next() {
                        Some(next) if first.ends_with(':') => format!("{first} {next}"),
                        _ => first.to_owned(),
                    };
                    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    status.set_message(message).set_description(reason.as_str());
                    status
                }
                Verdict::Passed => TestCaseStatus::success(),
            };
            let mut case = TestCase::new(step.id.as_str(), status);
            case.set_classname(lesson.id.as_str())
                .set_time(step.duration);
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    let xml = report
        .to_string()
        .map_err(|e| CliError::Usage(format!("cannot write `{}`: {e}", path.display())))?;
    std::fs::write(path, xml)
        .map_err(|e| CliError::Usage(format!("cannot write `{}`: {e}", path.display())))
}
