//! `--format html`: one self-contained page (inline CSS, no script, nothing fetched: a
//! Content-Security-Policy forbids it), readable in a browser and printable.
//!
//! Per lesson: a learner × step grid whose cells carry their status as `data-status`
//! (styled by it, and what tests read), with a symbol as text so it reads in black and white;
//! then the step figures with bars, and a line naming the hardest steps.

use std::io::{self, Write};

use crate::report::{LearnerRow, LessonInfo, StepStats, Summary};
use crate::style::{noun_for, plural};

use super::legend::{STATUSES, duration, fraction, meaning, moment, symbol, trust};

pub fn write(out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
    let complete = summary.learners.iter().filter(|row| row.complete).count();
    write!(out, "{HEAD}")?;
    writeln!(out, "<header>\n<h1>Progress report</h1>")?;
    let mut facts = vec![
        format!(
            "{} in {}",
            plural(summary.learners.len(), "learner"),
            plural(summary.lessons.len(), "lesson")
        ),
        format!("{complete} complete"),
    ];
    if let Some(last) = summary.last_activity() {
        facts.push(format!("activity up to {}", moment(last)));
    }
    writeln!(out, "<p class=\"facts\">{}</p>", escape(&facts.join(" · ")))?;
    legend(out)?;
    writeln!(out, "</header>")?;
    if summary.lessons.is_empty() {
        writeln!(out, "<p class=\"empty\">No progress found.</p>")?;
    }
    for lesson in &summary.lessons {
        section(out, summary, lesson)?;
    }
    writeln!(out, "</body>\n</html>")
}

fn legend(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<ul class=\"legend\" aria-label=\"Legend\">")?;
    for status in STATUSES {
        writeln!(
            out,
            "<li><span class=\"chip\" data-status=\"{}\">{}</span> <b>{}</b> {}</li>",
            status.as_str(),
            symbol(status),
            status.as_str(),
            meaning(status)
        )?;
    }
    writeln!(out, "</ul>")
}

fn section(out: &mut dyn Write, summary: &Summary, lesson: &LessonInfo) -> io::Result<()> {
    let rows: Vec<&LearnerRow> = summary.learners_of(&lesson.id).collect();
    let stats: Vec<&StepStats> = summary.steps_of(&lesson.id).collect();
    let complete = rows.iter().filter(|row| row.complete).count();
    writeln!(
        out,
        "<section class=\"lesson\" data-lesson=\"{id}\">\n<h2>{} <code>{id}</code></h2>",
        escape(&lesson.title),
        id = escape(&lesson.id),
    )?;
    let percent = (complete * 100).checked_div(rows.len()).unwrap_or(0);
    writeln!(
        out,
        "<p class=\"verdict\"><strong>{complete} of {}</strong> {} complete ({percent}%).</p>",
        rows.len(),
        noun_for(rows.len(), "learner"),
    )?;
    struggle(out, &stats)?;
    grid(out, lesson, &rows)?;
    figures(out, &stats)?;
    writeln!(out, "</section>")
}

/// One sentence naming the hardest steps, when there is anything to say.
fn struggle(out: &mut dyn Write, stats: &[&StepStats]) -> io::Result<()> {
    let mut notes = Vec::new();
    let top = |key: fn(&StepStats) -> u64| {
        stats
            .iter()
            .filter(|s| key(s) > 0)
            .max_by_key(|s| key(s))
            .map(|s| (s.step.as_str(), key(s)))
    };
    if let Some((step, n)) = top(|s| s.stuck as u64) {
        notes.push(format!(
            "most learners stuck at <code>{}</code> ({n})",
            escape(step)
        ));
    }
    if let Some((step, n)) = top(|s| u64::from(s.failed_attempts)) {
        notes.push(format!(
            "most failed checks at <code>{}</code> ({n})",
            escape(step)
        ));
    }
    if let Some((step, n)) = top(|s| s.median_seconds.unwrap_or(0)) {
        notes.push(format!(
            "slowest step <code>{}</code> (median {})",
            escape(step),
            duration(Some(n))
        ));
    }
    if !notes.is_empty() {
        writeln!(
            out,
            "<p class=\"struggle\">Where learners struggle: {}.</p>",
            notes.join("; ")
        )?;
    }
    Ok(())
}

fn grid(out: &mut dyn Write, lesson: &LessonInfo, rows: &[&LearnerRow]) -> io::Result<()> {
    writeln!(
        out,
        "<h3>Learners × steps</h3>\n<div class=\"scroll\">\n<table class=\"grid\">\n<thead>\n<tr>\
         <th class=\"name\" scope=\"col\">Learner</th><th scope=\"col\">Done</th>"
    )?;
    for (index, step) in lesson.steps.iter().enumerate() {
        writeln!(
            out,
            "<th class=\"step\" scope=\"col\" title=\"{step}\"><span>{} {step}</span></th>",
            index + 1,
            step = escape(step)
        )?;
    }
    writeln!(
        out,
        "<th scope=\"col\">Active</th><th scope=\"col\">Hints</th><th scope=\"col\">Last activity (UTC)</th>\
         <th scope=\"col\">Log</th></tr>\n</thead>\n<tbody>"
    )?;
    for row in rows {
        let (done_class, done_mark) = if row.complete {
            ("yes", "✓")
        } else {
            ("no", "✗")
        };
        writeln!(
            out,
            "<tr data-learner=\"{learner}\" data-complete=\"{}\"><th class=\"name\" scope=\"row\">{learner}</th>\
             <td class=\"done {done_class}\">{done_mark} {}/{}</td>",
            row.complete,
            row.done(),
            row.steps.len(),
            learner = escape(&row.learner),
        )?;
        for step in &row.steps {
            writeln!(
                out,
                "<td data-step=\"{id}\" data-status=\"{status}\" title=\"{id}: {status}{}\">{}</td>",
                cell_detail(step.failed_attempts, step.hints, step.seconds),
                symbol(step.status),
                id = escape(&step.id),
                status = step.status.as_str(),
            )?;
        }
        writeln!(
            out,
            "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"when\">{}</td>\
             <td class=\"trust{}\" data-integrity=\"{}\" data-evidence=\"{}\" title=\"{}\">{}</td></tr>",
            duration(Some(row.active_seconds)),
            row.hints,
            row.last_activity.strftime("%Y-%m-%d %H:%M"),
            if row.is_doubtful() { " doubtful" } else { "" },
            row.integrity.as_str(),
            row.evidence.as_str(),
            escape(&row.doubt().unwrap_or_default()),
            escape(&trust(row)),
        )?;
    }
    writeln!(out, "</tbody>\n</table>\n</div>")
}

/// The tooltip's figures beyond the status.
fn cell_detail(failed: u32, hints: u32, seconds: Option<u64>) -> String {
    let mut parts = Vec::new();
    if let Some(seconds) = seconds {
        parts.push(format!("in {}", duration(Some(seconds))));
    }
    if failed > 0 {
        parts.push(plural(failed as usize, "failed check"));
    }
    if hints > 0 {
        parts.push(plural(hints as usize, "hint"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

fn figures(out: &mut dyn Write, stats: &[&StepStats]) -> io::Result<()> {
    let most = |key: fn(&StepStats) -> u32| stats.iter().map(|s| key(s)).max().unwrap_or(0);
    let (most_failed, most_hints) = (most(|s| s.failed_attempts), most(|s| s.hints));
    writeln!(
        out,
        "<h3>Steps</h3>\n<table class=\"figures\">\n<thead><tr><th scope=\"col\">#</th>\
         <th scope=\"col\">Step</th><th scope=\"col\">Completed</th><th scope=\"col\">Median time</th>\
         <th scope=\"col\">Failed checks</th><th scope=\"col\">Hints</th><th scope=\"col\">Stuck</th>\
         <th scope=\"col\">Skipped</th></tr></thead>\n<tbody>"
    )?;
    for (index, s) in stats.iter().enumerate() {
        writeln!(
            out,
            "<tr data-step=\"{step}\"><td class=\"num\">{}</td><th scope=\"row\"><code>{step}</code></th>\
             {}<td class=\"num\">{}</td>{}{}<td class=\"num{}\">{}</td><td class=\"num\">{}</td></tr>",
            index + 1,
            bar(
                "done",
                s.completed as u64,
                s.learners as u64,
                &fraction(s.completed, s.learners)
            ),
            duration(s.median_seconds),
            bar(
                "fail",
                u64::from(s.failed_attempts),
                u64::from(most_failed),
                &s.failed_attempts.to_string()
            ),
            bar(
                "hint",
                u64::from(s.hints),
                u64::from(most_hints),
                &s.hints.to_string()
            ),
            if s.stuck > 0 { " stuck" } else { "" },
            s.stuck,
            s.skipped,
            step = escape(&s.step),
        )?;
    }
    writeln!(out, "</tbody>\n</table>")
}

/// A figure with a bar behind it, `value` out of `max`.
fn bar(kind: &str, value: u64, max: u64, label: &str) -> String {
    let percent = (value * 100).checked_div(max).unwrap_or(0);
    format!(
        "<td class=\"bar {kind}\"><span class=\"fill\" style=\"width:{percent}%\"></span><span class=\"label\">{}</span></td>",
        escape(label)
    )
}

/// Text safe in HTML content and in quoted attribute values, its control characters made
/// visible first: they are parse errors in HTML, and the page may be read as text.
fn escape(text: &str) -> String {
    crate::text::html_escape(crate::text::TerminalText::lines(text).as_str())
}

/// Everything up to `<body>`: the only styles the page needs, and a policy that lets the
/// browser fetch nothing at all.
const HEAD: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="generator" content="labrun report">
<title>Progress report</title>
<style>
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --head: #f6f8fa;
  --verified: #1a7f37; --solved: #4ac26b; --confirmed: #0969da; --skipped: #d4a72c;
  --failed: #cf222e; --pending: #eff2f5; }
* { box-sizing: border-box; }
body { margin: 24px; color: var(--fg); background: #fff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 4px; padding-top: 16px; border-top: 2px solid var(--line); }
h2 code { font-size: 14px; color: var(--muted); font-weight: normal; }
h3 { font-size: 15px; margin: 20px 0 8px; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
.facts, .verdict { margin: 0 0 8px; color: var(--muted); }
.verdict strong { color: var(--fg); font-size: 16px; }
.struggle { margin: 8px 0; padding: 8px 12px; background: #fff8c5; border-left: 4px solid var(--skipped); border-radius: 4px; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 6px 18px; padding: 0; margin: 8px 0 0; color: var(--muted); font-size: 12.5px; }
.legend b { color: var(--fg); font-weight: 600; }
.chip { display: inline-block; width: 20px; height: 20px; line-height: 20px; text-align: center; border-radius: 4px; font-weight: 700; }
table { border-collapse: collapse; }
th, td { padding: 4px 8px; border: 1px solid var(--line); }
thead th { background: var(--head); font-weight: 600; text-align: left; vertical-align: bottom; }
.scroll { overflow-x: auto; max-width: 100%; }
.grid td, .grid th { padding: 4px 6px; }
.grid td[data-status] { width: 24px; min-width: 24px; padding: 0; height: 26px; text-align: center; font-weight: 700; box-shadow: inset 0 0 0 1px #fff; }
.grid th.step { padding: 6px 2px; width: 24px; min-width: 24px; max-width: 24px; }
.grid th.step span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; display: inline-block; max-height: 160px; overflow: hidden; text-overflow: ellipsis; font-weight: 500; font-size: 12.5px; }
.grid th.name { position: sticky; left: 0; background: #fff; white-space: nowrap; max-width: 220px; overflow: hidden; text-overflow: ellipsis; text-align: left; font-weight: 600; }
.grid thead th.name { background: var(--head); }
.grid tbody tr:hover th.name { background: #f6f8fa; }
.done { white-space: nowrap; font-weight: 600; }
.done.yes { color: var(--verified); }
.done.no { color: var(--failed); }
.trust { white-space: nowrap; }
.trust.doubtful { color: var(--failed); font-weight: 600; }
[data-status="verified"] { background: var(--verified); color: #fff; }
[data-status="solved"] { background: var(--solved); color: #0b3d1a; }
[data-status="confirmed"] { background: var(--confirmed); color: #fff; }
[data-status="skipped"] { background: var(--skipped); color: #3b2e00; }
[data-status="failed"] { background: var(--failed); color: #fff; }
[data-status="pending"] { background: var(--pending); color: #8c959f; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.when { white-space: nowrap; color: var(--muted); }
.figures td.bar { position: relative; min-width: 130px; padding: 0; }
.figures .fill { position: absolute; left: 0; top: 0; bottom: 0; opacity: .28; }
.figures .done .fill { background: var(--verified); }
.figures .fail .fill { background: var(--failed); }
.figures .hint .fill { background: var(--skipped); }
.figures .label { position: relative; display: block; padding: 4px 8px; text-align: right; font-variant-numeric: tabular-nums; }
.figures th[scope="row"] { text-align: left; font-weight: normal; }
td.stuck { color: var(--failed); font-weight: 700; }
.empty { color: var(--muted); }
@media print {
  @page { size: landscape; margin: 10mm; }
  body { margin: 0; font-size: 11px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .scroll { overflow: visible; }
  thead { display: table-header-group; }
  tr, .struggle { break-inside: avoid; }
  section.lesson { break-before: page; }
  section.lesson:first-of-type { break-before: auto; }
  .grid th.name { position: static; }
}
</style>
</head>
<body>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_inject_markup() {
        assert_eq!(
            escape(r#"<script>alert("x")</script>&'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#x27;"
        );
    }

    #[test]
    fn the_page_fetches_nothing() {
        assert!(HEAD.contains("default-src 'none'"));
        for remote in ["http:", "https:", "//", "@import", "url("] {
            assert!(!HEAD.replace("http-equiv", "").contains(remote), "{remote}");
        }
    }

    #[test]
    fn bars_are_proportional_and_survive_a_zero_maximum() {
        assert!(bar("fail", 3, 4, "3").contains("width:75%"));
        assert!(bar("fail", 0, 0, "0").contains("width:0%"));
    }

    #[test]
    fn cell_tooltips_name_only_the_figures_there_are() {
        assert_eq!(cell_detail(0, 0, None), "");
        assert_eq!(
            cell_detail(2, 1, Some(65)),
            " (in 1m 05s, 2 failed checks, 1 hint)"
        );
    }

    #[test]
    fn every_status_has_a_colour_rule() {
        for status in STATUSES {
            let rule = format!("[data-status=\"{}\"]", status.as_str());
            assert!(HEAD.contains(&rule), "{rule}");
        }
    }
}
