//! Finding the lessons under the paths given to `lint` and `list`.

use std::path::{Path, PathBuf};

use crate::lesson::{is_markdown, markdown_files};

use super::CliError;

/// The lessons under `paths`, in order, without duplicates.
///
/// A file is a lesson. A folder with Markdown files and no sub-folder holding Markdown is a
/// folder lesson (its files are the parts). Any other folder is a collection: each Markdown
/// file in it is a lesson, and each sub-folder is looked at by the same rule.
pub fn lessons(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut found = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(CliError::NotFound(path.clone()));
        }
        if path.is_dir() {
            walk(path, &mut found)?;
        } else {
            found.push(path.clone());
        }
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|path| seen.insert(path.clone()));
    Ok(found)
}

/// The lessons in the folder `dir`, which is a collection even when it holds no sub-folder:
/// each Markdown file in it is a lesson, and each sub-folder is looked at by the rule of
/// [`lessons`]. What `labrun list DIR` means by "the lessons in DIR".
pub fn lessons_in(dir: &Path) -> Result<Vec<PathBuf>, CliError> {
    if !dir.exists() {
        return Err(CliError::NotFound(dir.to_path_buf()));
    }
    if !dir.is_dir() {
        return Ok(vec![dir.to_path_buf()]);
    }
    let mut found = markdown_files(dir)?;
    for subdir in lesson_subdirs(dir)? {
        walk(&subdir, &mut found)?;
    }
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), CliError> {
    let subdirs = lesson_subdirs(dir)?;
    let files = markdown_files(dir)?;
    if subdirs.is_empty() {
        if !files.is_empty() {
            found.push(dir.to_path_buf());
        }
        return Ok(());
    }
    found.extend(files);
    for subdir in subdirs {
        walk(&subdir, found)?;
    }
    Ok(())
}

/// Sub-folders that hold Markdown somewhere below them, sorted; hidden ones are skipped.
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
        if path.is_dir() && !hidden && holds_markdown(&path) {
            subdirs.push(path);
        }
    }
    subdirs.sort();
    Ok(subdirs)
}

fn holds_markdown(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let path = entry.path();
        (path.is_file() && is_markdown(&path)) || (path.is_dir() && holds_markdown(&path))
    })
}
