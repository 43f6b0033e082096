//! Finding the lessons under the paths given to `lint` and `list`.
//!
//! A file is a lesson. A folder is a *folder lesson* when its Markdown files are numbered
//! parts (`1-registry.md`, `02-va.md`; a `README.md` beside them is the folder's landing page
//! on GitHub, not a part) and no sub-folder holds lessons, or when it is a Killercoda or
//! Katacoda scenario (an `index.json` naming its pages). Any other folder is a collection:
//! each Markdown file in it is a lesson, and each sub-folder is looked at by the same rule.

use std::path::{Path, PathBuf};

use crate::lesson::{is_folder_lesson, is_markdown, markdown_files, scenario_pages};

use super::CliError;

/// The lessons under `paths`, in order, without duplicates.
pub(super) fn lessons(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut found = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(CliError::NotFound(path.clone()));
        }
        if path.is_dir() {
            walk(path, &mut found, &mut Visited::default(), 0)?;
        } else {
            found.push(path.clone());
        }
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|path| seen.insert(path.clone()));
    Ok(found)
}

/// The lessons in the folder `dir` (what `labrun list DIR` shows).
pub(super) fn lessons_in(dir: &Path) -> Result<Vec<PathBuf>, CliError> {
    lessons(std::slice::from_ref(&dir.to_path_buf()))
}

/// How deep folders are searched for lessons; folders deeper than this are not looked in.
const MAX_DEPTH: usize = 32;

/// Folders already searched, by device and inode: a link to a parent folder (`ln -s . loop`)
/// is searched once, not for ever.
#[derive(Default)]
struct Visited(std::collections::HashSet<(u64, u64)>);

impl Visited {
    /// False when `dir` was searched already (or cannot be looked at).
    fn first_time(&mut self, dir: &Path) -> bool {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(dir).is_ok_and(|meta| self.0.insert((meta.dev(), meta.ino())))
    }
}

fn walk(
    dir: &Path,
    found: &mut Vec<PathBuf>,
    visited: &mut Visited,
    depth: usize,
) -> Result<(), CliError> {
    if depth > MAX_DEPTH || !visited.first_time(dir) {
        return Ok(());
    }
    // A scenario's steps are in folders of their own, and its `index.json` orders them.
    if scenario_pages(dir).is_some() {
        found.push(dir.to_path_buf());
        return Ok(());
    }
    let subdirs = lesson_subdirs(dir)?;
    if subdirs.is_empty() && is_folder_lesson(dir) {
        found.push(dir.to_path_buf());
        return Ok(());
    }
    found.extend(markdown_files(dir)?);
    for subdir in subdirs {
        walk(&subdir, found, visited, depth + 1)?;
    }
    Ok(())
}

fn lesson_subdirs(dir: &Path) -> Result<Vec<PathBuf>, CliError> {
    let io = |source| {
        CliError::Load(crate::lesson::LoadError::Io {
            path: dir.to_path_buf(),
            source,
        })
    };
    let mut subdirs = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let hidden = path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with('.'));
        if path.is_dir() && !hidden && holds_markdown(&path, &mut Visited::default(), 0) {
            subdirs.push(path);
        }
    }
    subdirs.sort();
    Ok(subdirs)
}

fn holds_markdown(dir: &Path, visited: &mut Visited, depth: usize) -> bool {
    if depth > MAX_DEPTH || !visited.first_time(dir) {
        return false;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let path = entry.path();
        (path.is_file() && is_markdown(&path))
            || (path.is_dir() && holds_markdown(&path, visited, depth + 1))
    })
}
