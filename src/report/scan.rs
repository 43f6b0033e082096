//! Finding the progress logs under the paths given to `labrun report`, and streaming them
//! through an [`Aggregate`] one line at a time.

use std::collections::HashSet;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use crate::progress::{LogError, Warning, for_each_record};

use super::aggregate::Aggregate;

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
            found.push(path.clone());
        }
    }
    let mut seen = HashSet::new();
    found.retain(|path| seen.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone())));
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), LogError> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|source| io(dir, source))? {
        let entry = entry.map_err(|source| io(dir, source))?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        entries.push(entry.path());
    }
    entries.sort();
    for path in entries {
        // `metadata` follows links to files; links to folders are not followed, so a link
        // loop cannot make the walk endless.
        let link = std::fs::symlink_metadata(&path).map_err(|source| io(&path, source))?;
        if link.is_dir() {
            walk(&path, found)?;
        } else if path.extension().is_some_and(|ext| ext == "jsonl")
            && std::fs::metadata(&path).is_ok_and(|meta| meta.is_file())
        {
            found.push(path);
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

/// Streams every line of `files` into `aggregate`. An unreadable line is skipped and
/// reported through `warn` (once per file that has any); an unreadable file, or a line
/// written by a newer labrun, ends the scan with an error.
pub fn scan(
    files: &[PathBuf],
    aggregate: &mut Aggregate,
    mut warn: impl FnMut(FileWarnings),
) -> Result<(), LogError> {
    let mut warnings = Vec::new();
    for path in files {
        let file = File::open(path).map_err(|source| io(path, source))?;
        let reader = BufReader::with_capacity(64 * 1024, file);
        for_each_record(reader, path, &mut warnings, |record| {
            aggregate.record(record);
        })?;
        if !warnings.is_empty() {
            let more = warnings.len().saturating_sub(WARNINGS_SHOWN_PER_FILE);
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
    use crate::report::Filter;

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
        let mut aggregate = Aggregate::new(Filter::default());
        let mut warnings = Vec::new();
        scan(std::slice::from_ref(&path), &mut aggregate, |w| {
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
}
