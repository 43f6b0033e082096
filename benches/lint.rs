//! `cargo bench --bench lint`: lint throughput against the bare pulldown-cmark parse.
//!
//! Generates a corpus of at least 20 MiB of realistic lessons (deterministically, from a
//! fixed seed: see `lint/corpus/`), writes it to `benches/corpus/` (gitignored) so local
//! images exist and the CLI can lint it, then times in one process, in alternating order:
//!
//! - (a) the bare parse: `markdown::parser(text).into_offset_iter()` consumed, per file;
//! - (b) lint: `lesson::from_sources` per lesson (parse, model, every lint rule);
//! - (c) the default (non-offset) pulldown-cmark iterator, for reference;
//! - (d) the YAML alone (front matter and quiz bodies) through granit-parser's event stream,
//!   for reference: the floor for reading that YAML with the parser lint uses.
//!
//! The target of the issue is (b) ≤ 2 × (a). See `benches/README.md` for the knobs
//! (`LABRUN_BENCH_*` environment variables) and the latest figures.

#![allow(clippy::disallowed_macros)] // a benchmark prints its figures

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use labrun::lesson::{self, Severity, Source, markdown};

#[path = "lint/corpus/mod.rs"]
mod corpus;

const SEED: u64 = 0x1AB_2024_5EED;
const TARGET_RATIO: f64 = 2.0;

struct Config {
    min_mib: usize,
    warmup: usize,
    rounds: usize,
    /// Run only one measurement, for a profiler: `lint`, `parse`, `parse-plain` or `yaml`.
    only: Option<String>,
    cli: bool,
    enforce: bool,
}

impl Config {
    fn from_env() -> Self {
        let number = |name: &str, default: usize| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let flag = |name: &str, default: bool| match std::env::var(name) {
            Ok(v) => !matches!(v.as_str(), "0" | "false" | "no" | ""),
            Err(_) => default,
        };
        Self {
            min_mib: number("LABRUN_BENCH_MIB", 20),
            warmup: number("LABRUN_BENCH_WARMUP", 5),
            rounds: number("LABRUN_BENCH_ROUNDS", 10).max(1),
            only: std::env::var("LABRUN_BENCH_ONLY")
                .ok()
                .filter(|v| !v.is_empty()),
            cli: flag("LABRUN_BENCH_CLI", true),
            enforce: flag("LABRUN_BENCH_ENFORCE", false),
        }
    }
}

/// One lesson as `from_sources` takes it.
struct Input {
    path: PathBuf,
    sources: Vec<Source>,
    expected: corpus::Expected,
    /// The YAML texts of its front matter and quizzes, for measurement (d).
    yaml: Vec<String>,
}

fn main() {
    let config = Config::from_env();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus_dir = root.join("benches").join("corpus");

    let started = Instant::now();
    let generated = corpus::generate(SEED, config.min_mib * 1024 * 1024);
    let generation = started.elapsed();
    // In-process lint reads no file but the local images; a profile run writes only those.
    let images_only = config.only.is_some();
    write_corpus(&corpus_dir, &generated, images_only).unwrap_or_else(|error| {
        panic!(
            "cannot write the corpus to {}: {error}",
            corpus_dir.display()
        )
    });
    let inputs: Vec<Input> = generated
        .lessons
        .iter()
        .map(|lesson| Input {
            path: corpus_dir.join(&lesson.path),
            sources: lesson
                .parts
                .iter()
                .map(|(path, text)| Source {
                    path: corpus_dir.join(path),
                    text: Arc::from(text.as_str()),
                })
                .collect(),
            expected: lesson.expected,
            yaml: lesson
                .parts
                .iter()
                .flat_map(|(_, text)| yaml_texts(text))
                .collect(),
        })
        .collect();
    let bytes = generated.bytes;

    if let Some(only) = &config.only {
        profile_mode(only, &inputs, bytes, config.rounds);
        return;
    }

    println!("labrun lint benchmark (seed {SEED:#x})");
    describe_corpus(&inputs, bytes, generation, &corpus_dir);
    validate(&inputs);

    let measurements: [(&str, Measure); 4] = [
        ("(a) bare parse, offset iter", bare_parse_offset),
        ("(b) lint (from_sources)", lint),
        ("(c) bare parse, default iter", bare_parse_plain),
        ("(d) YAML only, granit events", yaml_only),
    ];
    let mut times: [Vec<Duration>; 4] = Default::default();
    for round in 0..config.warmup + config.rounds {
        // Rotate the order each round, so no measurement always runs after the same one.
        for k in 0..measurements.len() {
            let which = (round + k) % measurements.len();
            let start = Instant::now();
            let work = std::hint::black_box((measurements[which].1)(&inputs));
            let elapsed = start.elapsed();
            std::hint::black_box(work);
            if round >= config.warmup {
                times[which].push(elapsed);
            }
        }
    }

    println!();
    println!(
        "timing: {} warm-up + {} measured rounds, order rotated each round; {:.2} MB ({:.2} MiB) per run",
        config.warmup,
        config.rounds,
        mb(bytes),
        bytes as f64 / (1024.0 * 1024.0)
    );
    println!(
        "{:<32} {:>10} {:>10} {:>10} {:>10}",
        "", "median", "min", "max", "MB/s"
    );
    for (i, (name, _)) in measurements.iter().enumerate() {
        let stats = Stats::of(&times[i]);
        println!(
            "{:<32} {:>7.1} ms {:>7.1} ms {:>7.1} ms {:>10.1}",
            name,
            ms(stats.median),
            ms(stats.min),
            ms(stats.max),
            mb(bytes) / stats.median.as_secs_f64()
        );
    }
    println!("per-run times (ms):");
    for (i, (name, _)) in measurements.iter().enumerate() {
        let runs: Vec<String> = times[i].iter().map(|t| format!("{:.1}", ms(*t))).collect();
        println!("  {:<30} {}", name, runs.join(" "));
    }

    let parse = Stats::of(&times[0]);
    let linted = Stats::of(&times[1]);
    let plain = Stats::of(&times[2]);
    let yaml = Stats::of(&times[3]);
    let ratio = linted.median.as_secs_f64() / parse.median.as_secs_f64();
    let ratio_min = linted.min.as_secs_f64() / parse.min.as_secs_f64();
    let mut paired: Vec<f64> = times[1]
        .iter()
        .zip(&times[0])
        .map(|(l, p)| l.as_secs_f64() / p.as_secs_f64())
        .collect();
    paired.sort_by(f64::total_cmp);
    let paired_median = paired[paired.len() / 2];
    println!();
    println!(
        "ratio lint / bare parse: {ratio:.2}x (medians), {ratio_min:.2}x (minimums), {paired_median:.2}x (median of per-round ratios)"
    );
    println!(
        "offset iter / default iter: {:.2}x",
        parse.median.as_secs_f64() / plain.median.as_secs_f64()
    );
    let yaml_bytes: usize = inputs.iter().flat_map(|i| &i.yaml).map(String::len).sum();
    println!(
        "YAML only ({:.2} MB, {:.1}% of the corpus) / bare parse: {:.2}x",
        mb(yaml_bytes),
        100.0 * yaml_bytes as f64 / bytes as f64,
        yaml.median.as_secs_f64() / parse.median.as_secs_f64()
    );
    let verdict = if ratio <= TARGET_RATIO {
        "met"
    } else {
        "NOT met"
    };
    println!("target lint ≤ {TARGET_RATIO}x bare parse: {verdict}");

    if config.cli {
        cli(root, &corpus_dir, bytes, linted.median);
    }
    if config.enforce && ratio > TARGET_RATIO {
        std::process::exit(1);
    }
}

type Measure = fn(&[Input]) -> usize;

/// (a) What any consumer of the Markdown pays: every event with its byte range.
fn bare_parse_offset(inputs: &[Input]) -> usize {
    let mut events = 0;
    for input in inputs {
        for source in &input.sources {
            events += markdown::parser(&source.text).into_offset_iter().count();
        }
    }
    events
}

/// (c) The same parse without byte ranges.
fn bare_parse_plain(inputs: &[Input]) -> usize {
    let mut events = 0;
    for input in inputs {
        for source in &input.sources {
            events += markdown::parser(&source.text).count();
        }
    }
    events
}

/// (b) The whole of lint for each lesson, as `labrun lint` runs it after reading the files.
fn lint(inputs: &[Input]) -> usize {
    let mut diagnostics = 0;
    for input in inputs {
        let loaded = lesson::from_sources(input.path.clone(), input.sources.clone());
        diagnostics += loaded.diagnostics.len();
    }
    diagnostics
}

/// (d) Every granit-parser event of each YAML text (front matter, quiz), counted.
fn yaml_only(inputs: &[Input]) -> usize {
    let mut events = 0;
    for input in inputs {
        for yaml in &input.yaml {
            events += granit_parser::Parser::new_from_str(yaml)
                .take_while(Result::is_ok)
                .count();
        }
    }
    events
}

/// The front matter and quiz bodies of a generated file (the generator writes both plainly:
/// `---` lines at the top, quizzes fenced with three backticks).
fn yaml_texts(text: &str) -> Vec<String> {
    let mut texts = Vec::new();
    if let Some(rest) = text.strip_prefix("---\n")
        && let Some(end) = rest.find("\n---\n")
    {
        texts.push(rest[..=end].to_owned());
    }
    let mut pos = 0;
    while let Some(found) = text[pos..].find("```quiz\n") {
        let start = pos + found + "```quiz\n".len();
        let end = text[start..].find("```").map_or(text.len(), |i| start + i);
        texts.push(text[start..end].to_owned());
        pos = end;
    }
    texts
}

/// Runs one measurement `rounds` times and nothing else, so a profile shows only it.
fn profile_mode(only: &str, inputs: &[Input], bytes: usize, rounds: usize) {
    let measure: Measure = match only {
        "lint" => lint,
        "parse" => bare_parse_offset,
        "parse-plain" => bare_parse_plain,
        "yaml" => yaml_only,
        other => {
            panic!("LABRUN_BENCH_ONLY must be lint, parse, parse-plain or yaml, not `{other}`")
        }
    };
    for _ in 0..rounds {
        let start = Instant::now();
        let work = std::hint::black_box(measure(inputs));
        let elapsed = start.elapsed();
        println!(
            "{only}: {:.1} ms ({:.1} MB/s), result {work}",
            ms(elapsed),
            mb(bytes) / elapsed.as_secs_f64()
        );
    }
}

// ---------------------------------------------------------------------------------------

fn write_corpus(dir: &Path, corpus: &corpus::Corpus, images_only: bool) -> std::io::Result<()> {
    if dir.exists() && !images_only {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir.join("img"))?;
    for image in &corpus.images {
        std::fs::write(
            dir.join(image),
            b"placeholder image for the lint benchmark\n",
        )?;
    }
    if images_only {
        return Ok(());
    }
    for lesson in &corpus.lessons {
        for (path, text) in &lesson.parts {
            let path = dir.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, text)?;
        }
    }
    Ok(())
}

fn describe_corpus(inputs: &[Input], bytes: usize, generation: Duration, dir: &Path) {
    let folders: Vec<&Input> = inputs
        .iter()
        .filter(|input| input.sources.len() > 1)
        .collect();
    let files: usize = inputs.iter().map(|input| input.sources.len()).sum();
    let mut sizes: Vec<usize> = inputs
        .iter()
        .flat_map(|i| i.sources.iter().map(|s| s.text.len()))
        .collect();
    sizes.sort_unstable();
    let pct = |p: usize| sizes[(sizes.len() - 1) * p / 100] as f64 / 1024.0;
    let mut expected = corpus::Expected::default();
    for input in inputs {
        expected.add(&input.expected);
    }
    println!(
        "corpus: {} lessons ({} single-file, {} folder lessons of 2–4 parts), {} files, {:.2} MB ({:.2} MiB), generated in {:.0} ms, written to {}",
        inputs.len(),
        inputs.len() - folders.len(),
        folders.len(),
        files,
        mb(bytes),
        bytes as f64 / (1024.0 * 1024.0),
        ms(generation),
        dir.display()
    );
    println!(
        "  file size KiB: min {:.1}, p10 {:.1}, median {:.1}, p90 {:.1}, max {:.1}",
        pct(0),
        pct(10),
        pct(50),
        pct(90),
        pct(100)
    );
    println!(
        "  generated: {} steps, {} blocks with a role ({} of them HTTP), {} quizzes, {} hints, {} images ({} local)",
        expected.steps,
        expected.role_blocks,
        expected.http_blocks,
        expected.quizzes,
        expected.hints,
        expected.images,
        expected.local_images
    );
}

/// Lints every lesson once and shows that lint built the whole model and found (almost)
/// nothing: a corpus full of errors would measure the error paths instead.
fn validate(inputs: &[Input]) {
    let mut by_code: BTreeMap<&'static str, (Severity, usize)> = BTreeMap::new();
    let mut samples = Vec::new();
    let mut mismatches = Vec::new();
    let (mut steps, mut per_file_steps, mut blocks, mut var_refs, mut vars) =
        (0, Vec::new(), 0, 0, 0);
    for input in inputs {
        let loaded = lesson::from_sources(input.path.clone(), input.sources.clone());
        let model = &loaded.lesson;
        let role_blocks = model
            .steps
            .iter()
            .flat_map(|step| &step.blocks)
            .chain(model.lesson_blocks())
            .filter(|block| block.role.is_some())
            .count();
        let http_blocks = model
            .steps
            .iter()
            .flat_map(|step| &step.blocks)
            .filter(|block| block.role.is_some() && block.is_http())
            .count();
        let found = corpus::Expected {
            steps: model.steps.len(),
            role_blocks,
            http_blocks,
            quizzes: model.steps.iter().map(|s| s.quizzes.len()).sum(),
            hints: model.steps.iter().map(|s| s.hints.len()).sum(),
            images: input.expected.images,
            local_images: input.expected.local_images,
        };
        if found != input.expected {
            mismatches.push((input.path.clone(), input.expected, found));
        }
        steps += model.steps.len();
        for file in 0..model.sources.len() {
            per_file_steps.push(model.steps.iter().filter(|step| step.file == file).count());
        }
        blocks += model.steps.iter().map(|s| s.blocks.len()).sum::<usize>()
            + model.lesson_blocks().count();
        var_refs += model.var_refs.len();
        vars += model.vars.len();
        for diag in &loaded.diagnostics {
            by_code
                .entry(diag.code.as_str())
                .or_insert((diag.severity, 0))
                .1 += 1;
            if samples.len() < 8 {
                let source = &model.sources[diag.file];
                let at = source.line_index().line_col(&source.text, diag.span.start);
                samples.push(format!(
                    "{}:{}:{}: {} [{}] {}",
                    source.path.display(),
                    at.line,
                    at.column,
                    diag.severity.as_str(),
                    diag.code,
                    diag.message
                ));
            }
        }
    }
    per_file_steps.sort_unstable();
    println!(
        "  lint model: {} steps ({}–{} per file), {} blocks ({} without a role), {} declared vars, {} `{{{{var}}}}` references",
        steps,
        per_file_steps[0],
        per_file_steps[per_file_steps.len() - 1],
        blocks,
        blocks - inputs.iter().map(|i| i.expected.role_blocks).sum::<usize>(),
        vars,
        var_refs
    );
    if mismatches.is_empty() {
        println!(
            "  model matches the generator for every lesson (steps, role blocks, HTTP blocks, quizzes, hints)"
        );
    } else {
        println!(
            "  MODEL MISMATCH in {} lessons, first ones:",
            mismatches.len()
        );
        for (path, expected, found) in mismatches.iter().take(3) {
            println!(
                "    {}: expected {expected:?}, found {found:?}",
                path.display()
            );
        }
    }
    let errors: usize = by_code
        .values()
        .filter(|(s, _)| *s == Severity::Error)
        .map(|(_, n)| n)
        .sum();
    let warnings: usize = by_code
        .values()
        .filter(|(s, _)| *s == Severity::Warning)
        .map(|(_, n)| n)
        .sum();
    println!("  diagnostics: {errors} errors, {warnings} warnings");
    for (code, (severity, count)) in &by_code {
        println!("    {:<28} {:<8} {}", code, severity.as_str(), count);
    }
    for sample in &samples {
        println!("    e.g. {sample}");
    }
}

/// The end-to-end command line on the written corpus, against a one-lesson baseline that
/// is mostly process start-up.
fn cli(root: &Path, corpus_dir: &Path, bytes: usize, in_process: Duration) {
    let exe = env!("CARGO_BIN_EXE_labrun");
    let run = |path: &Path| -> (Duration, String) {
        let start = Instant::now();
        let output = Command::new(exe)
            .args([
                "lint".as_ref(),
                path.as_os_str(),
                "--format".as_ref(),
                "json".as_ref(),
            ])
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .expect("run labrun");
        (
            start.elapsed(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    let baseline_lesson = root.join("lessons").join("welcome.md");
    let mut corpus_times = Vec::new();
    let mut baseline_times = Vec::new();
    let mut reported = 0;
    for _ in 0..3 {
        let (time, stdout) = run(corpus_dir);
        reported = stdout.matches("\"code\":").count();
        corpus_times.push(time);
        baseline_times.push(run(&baseline_lesson).0);
    }
    let corpus_time = Stats::of(&corpus_times).median;
    let baseline = Stats::of(&baseline_times).median;
    let net = corpus_time.saturating_sub(baseline);
    println!();
    println!(
        "end to end: `{} lint {} --format json > /dev/null` (median of 3)",
        exe,
        corpus_dir.display()
    );
    println!(
        "  corpus {:.1} ms, baseline (welcome.md) {:.1} ms, net {:.1} ms = {:.1} MB/s; in-process lint {:.1} ms; {} diagnostics reported",
        ms(corpus_time),
        ms(baseline),
        ms(net),
        mb(bytes) / net.as_secs_f64(),
        ms(in_process),
        reported
    );
}

struct Stats {
    median: Duration,
    min: Duration,
    max: Duration,
}

impl Stats {
    fn of(times: &[Duration]) -> Self {
        let mut sorted = times.to_vec();
        sorted.sort_unstable();
        let n = sorted.len();
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        };
        Self {
            median,
            min: sorted[0],
            max: sorted[n - 1],
        }
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1_000_000.0
}
