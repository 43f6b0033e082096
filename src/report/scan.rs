//! Finding the progress logs under the paths given to `labrun report`, and streaming them
//! through an [`Aggregate`] one line at a time.

use std::collections::HashSet;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use crate::progress::{LogError, Warning, for_each_record};

use super::aggregate::Aggregate;
use super::filter::Filter;

/// How many unreadable lines of one file are named; the rest are only counted, so a file
/// that is not a log at all does not bury the report in warnings.
const WARNINGS_SHOWN_PER_FILE: usize = 5;

/// The unreadable lines of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileWarnings {
    pub path: PathBuf,
    /// The first few, each with its line number.
    pub shown: Vec<Warning>,
    /// How many more were skipped.
    pub more: usize,
}

/// The log files under `paths`: a file is read whatever its name; a folder is searched
/// recursively for `*.jsonl`, skipping hidden entries below it. Sorted per folder, without
/// duplicates (the same file named twice would count its events twice).
pub fn log_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LogError> {
    let mut found = Vec::new();
    for path in paths {
        let metadata = std::fs::metadata(path).map_err(|source| io(path, source))?;
        if metadata.is_dir() {
            walk(path, &mut found)?;
        } else {
            found.push((path.clone(), identity(path, &metadata)));
        }
    }
    let mut seen = HashSet::new();
    found.retain(|(_, identity)| seen.insert(identity.clone()));
    Ok(found.into_iter().map(|(path, _)| path).collect())
}

/// What tells two paths to one file apart from two files: the device and inode on Unix,
/// where asking costs nothing more (a report may list ten thousand logs); the canonical
/// path elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Identity {
    #[cfg_attr(not(unix), allow(dead_code))]
    Inode(u64, u64),
    #[cfg_attr(unix, allow(dead_code))]
    Path(PathBuf),
}

#[cfg(unix)]
fn identity(_path: &Path, metadata: &std::fs::Metadata) -> Identity {
    use std::os::unix::fs::MetadataExt;
    Identity::Inode(metadata.dev(), metadata.ino())
}

#[cfg(not(unix))]
fn identity(path: &Path, _metadata: &std::fs::Metadata) -> Identity {
    Identity::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
}

fn walk(dir: &Path, found: &mut Vec<(PathBuf, Identity)>) -> Result<(), LogError> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|source| io(dir, source))? {
        let entry = entry.map_err(|source| io(dir, source))?;
        if entry.file_name().as_encoded_bytes().starts_with(b".") {
            continue;
        }
        // The entry's own type, from the folder listing: a link to a folder is not followed,
        // so a link loop cannot make the walk endless.
        let kind = entry
            .file_type()
            .map_err(|source| io(&entry.path(), source))?;
        entries.push((entry.path(), kind));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, kind) in entries {
        if kind.is_dir() {
            walk(&path, found)?;
        } else if path.extension().is_some_and(|ext| ext == "jsonl")
            && let Ok(metadata) = std::fs::metadata(&path)
            && metadata.is_file()
        {
            let identity = identity(&path, &metadata);
            found.push((path, identity));
        }
    }
    Ok(())
}

fn io(path: &Path, source: std::io::Error) -> LogError {
    LogError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Streams every line of `files` into an [`Aggregate`] with this filter. An unreadable line
/// is skipped and reported through `warn` (once per file that has any, in file order), and
/// so is a line written by a newer labrun; an unreadable file ends the scan with an error.
///
/// Many files are read on several threads, each folding a contiguous run of files into an
/// aggregate of its own, merged in file order afterwards. That gives the same result as one
/// thread as long as each learner's lesson sits in one run of files; when one does not (the
/// same learner and lesson in two files far apart), the files are read again on one thread.
pub fn scan(
    files: &[PathBuf],
    filter: &Filter,
    warn: impl FnMut(FileWarnings),
) -> Result<Aggregate, LogError> {
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(MAX_WORKERS)
        .min(files.len() / FILES_PER_WORKER);
    scan_on(workers, files, filter, warn)
}

fn scan_on(
    workers: usize,
    files: &[PathBuf],
    filter: &Filter,
    mut warn: impl FnMut(FileWarnings),
) -> Result<Aggregate, LogError> {
    if workers <= 1 {
        let mut aggregate = Aggregate::new(filter.clone());
        read(files, &mut aggregate, &mut warn)?;
        return Ok(aggregate);
    }
    let chunk = files.len().div_ceil(workers);
    let runs: Vec<Run> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|files| {
                scope.spawn(move || {
                    let mut aggregate = Aggregate::new(filter.clone());
                    let mut warnings = Vec::new();
                    let error = read(files, &mut aggregate, &mut |w| warnings.push(w)).err();
                    Run {
                        aggregate,
                        warnings,
                        error,
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut merged: Option<Aggregate> = None;
    let mut apart = false;
    for run in runs {
        run.warnings.into_iter().for_each(&mut warn);
        if let Some(error) = run.error {
            return Err(error);
        }
        match &mut merged {
            None => merged = Some(run.aggregate),
            Some(merged) => apart |= merged.merge(run.aggregate).is_err(),
        }
    }
    if apart {
        // The warnings were given already.
        let mut aggregate = Aggregate::new(filter.clone());
        read(files, &mut aggregate, &mut |_| {})?;
        return Ok(aggregate);
    }
    Ok(merged.unwrap_or_else(|| Aggregate::new(filter.clone())))
}

/// At most this many threads read logs: reading is cheap, the fold is the work.
const MAX_WORKERS: usize = 8;
/// A thread is worth starting for this many files.
const FILES_PER_WORKER: usize = 64;

/// What one thread of [`scan`] read.
struct Run {
    aggregate: Aggregate,
    warnings: Vec<FileWarnings>,
    error: Option<LogError>,
}

fn read(
    files: &[PathBuf],
    aggregate: &mut Aggregate,
    warn: &mut dyn FnMut(FileWarnings),
) -> Result<(), LogError> {
    let mut warnings = Vec::new();
    for path in files {
        let file = File::open(path).map_err(|source| io(path, source))?;
        let reader = BufReader::with_capacity(64 * 1024, file);
        let mut lessons: Vec<String> = Vec::new();
        let scan = for_each_record(reader, path, &mut warnings, |record| {
            if !lessons.contains(&record.lesson) {
                lessons.push(record.lesson.clone());
            }
            aggregate.record(record);
        })?;
        aggregate.checked_log(path, &scan, &lessons);
        if !warnings.is_empty() {
            let more = warnings.len().saturating_sub(WARNINGS_SHOWN_PER_FILE) + scan.more_warnings;
            warnings.truncate(WARNINGS_SHOWN_PER_FILE);
            warn(FileWarnings {
                path: path.clone(),
                shown: std::mem::take(&mut warnings),
                more,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, path: &str, text: &str) -> PathBuf {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(&full, text).unwrap();
        full
    }

    #[test]
    fn folders_are_searched_for_jsonl_files_skipping_hidden_ones_and_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let b = write(root, "welcome/bob.jsonl", "");
        let a = write(root, "welcome/ada.jsonl", "");
        let deep = write(root, "z/deeper/still/cy.jsonl", "");
        write(root, "welcome/notes.txt", "");
        write(root, "welcome/.hidden.jsonl", "");
        write(root, ".git/objects/x.jsonl", "");
        let named = write(root, "export.log", "");
        let found = log_files(&[root.to_path_buf(), named.clone(), a.clone()]).unwrap();
        assert_eq!(found, [a, b, deep, named]);
    }

    #[test]
    fn a_missing_path_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let error = log_files(&[missing]).unwrap_err();
        assert!(error.to_string().contains("nope"), "{error}");
    }

    #[test]
    fn bad_lines_are_counted_past_the_first_few_and_good_ones_still_count() {
        let dir = tempfile::tempdir().unwrap();
        let good = r#"{"v":1,"ts":"2026-11-26T09:00:00Z","learner":"ada","lesson":"l","event":"session_started","title":"L","lesson_hash":"h","steps":["a"]}"#;
        let mut text = format!("{good}\n");
        for _ in 0..7 {
            text.push_str("not json\n");
        }
        text.push_str(&good.replace(
            "session_started\",\"title\":\"L\",\"lesson_hash\":\"h\",\"steps\":[\"a\"]",
            "step_confirmed\",\"step\":\"a\"",
        ));
        text.push('\n');
        let path = write(dir.path(), "l/ada.jsonl", &text);
        let mut warnings = Vec::new();
        let aggregate = scan(std::slice::from_ref(&path), &Filter::default(), |w| {
            warnings.push(w)
        })
        .unwrap();
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].shown.len(), WARNINGS_SHOWN_PER_FILE);
        assert_eq!(warnings[0].more, 2);
        assert_eq!(warnings[0].shown[0].line, 2);
        let summary = aggregate.finish();
        assert!(summary.learners[0].complete, "{summary:?}");
    }

    /// `count` logs of one step each, one learner per log; with `split`, learner 0's last
    /// event is in a log of its own after the others instead of in the first.
    fn logs(dir: &Path, count: usize, split: bool) -> Vec<PathBuf> {
        let line = |learner: usize, second: usize, event: &str| {
            format!(
                r#"{{"v":1,"ts":"2026-11-26T09:00:{second:02}Z","learner":"l{learner:03}","lesson":"lab","event":{event}}}"#
            ) + "\n"
        };
        let started = r#""session_started","title":"Lab","lesson_hash":"h","steps":["a"]"#;
        let entered = r#""step_entered","step":"a""#;
        let verified = r#""step_verified","step":"a""#;
        let mut paths = Vec::new();
        for n in 0..count {
            let mut text = line(n, 0, started) + &line(n, 1, entered);
            if !(split && n == 0) {
                text += &line(n, 1 + n % 50, verified);
            }
            paths.push(write(dir, &format!("logs/{n:03}.jsonl"), &text));
        }
        if split {
            // Learner 0's last event, in a second log of theirs read by another thread.
            let text = line(0, 59, verified);
            paths.push(write(dir, "logs/later/000.jsonl", &text));
        }
        paths
    }

    fn summary_on(workers: usize, files: &[PathBuf]) -> crate::report::Summary {
        scan_on(workers, files, &Filter::default(), |_| {})
            .unwrap()
            .finish()
    }

    #[test]
    fn threads_give_the_same_report_as_one_pass() {
        let dir = tempfile::tempdir().unwrap();
        let files = logs(dir.path(), 150, false);
        let one = summary_on(1, &files);
        assert_eq!(one.learners.len(), 150);
        assert_eq!(summary_on(2, &files), one);
        assert_eq!(summary_on(3, &files), one);
    }

    #[test]
    fn a_learner_split_across_threads_is_read_again_in_one_pass() {
        let dir = tempfile::tempdir().unwrap();
        let files = logs(dir.path(), 150, true);
        let one = summary_on(1, &files);
        let first = &one.learners[0];
        assert_eq!(first.learner, "l000");
        assert!(first.complete, "{first:?}");
        assert_eq!(first.steps[0].seconds, Some(58));
        assert_eq!(summary_on(2, &files), one);
    }

    #[test]
    fn warnings_keep_file_order_and_an_error_still_gives_earlier_warnings() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = logs(dir.path(), 140, false);
        let broken = |n: usize| files[n].clone();
        for n in [3, 70, 139] {
            std::fs::write(broken(n), "garbage\n").unwrap();
        }
        let mut seen = Vec::new();
        scan_on(2, &files, &Filter::default(), |w| seen.push(w.path)).unwrap();
        assert_eq!(seen, [broken(3), broken(70), broken(139)]);

        files.push(dir.path().join("logs/missing.jsonl"));
        let mut seen = Vec::new();
        let error = scan_on(2, &files, &Filter::default(), |w| seen.push(w.path)).unwrap_err();
        assert!(error.to_string().contains("missing.jsonl"), "{error}");
        assert_eq!(seen.len(), 3);
    }
}
