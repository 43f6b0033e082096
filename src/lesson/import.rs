//! `labrun import`: a Killercoda or Katacoda scenario (`index.json`) or an Instruqt track
//! (`track.yml` and its challenge folders) made into a lesson folder.
//!
//! The lesson has one numbered part per step: the scenario's intro (its background script
//! as the lesson's `setup`), each step's text with its `verify` or `check` script as a
//! `check` and its `solve` script as a `solve`, and the finish text. The steps' Markdown is
//! kept as written (labrun reads `{{exec}}` and the rest: see `dialects`), with its headings
//! moved below the step's own. What labrun cannot carry over is listed, never dropped
//! silently: a backend image, assets written to absolute paths, foreground scripts, terminal
//! targets. A script that touches anything outside the workspace is never made one that runs
//! unseen: it becomes a command the learner sees and runs.

mod instruqt;
pub(super) mod killercoda;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// A scenario or track that cannot be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("`{0}` holds no `index.json` (Killercoda, Katacoda) nor `track.yml` (Instruqt)")]
    Unknown(PathBuf),
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{path}` is not valid {what}: {reason}")]
    Invalid {
        path: PathBuf,
        what: &'static str,
        reason: String,
    },
}

/// The lesson made of a scenario: its files by name, and what could not be carried over.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Imported {
    /// What the scenario is: "Killercoda scenario", "Instruqt track".
    pub kind: &'static str,
    pub title: String,
    /// File name (numbered parts) and Markdown.
    pub files: Vec<(String, String)>,
    /// One line per thing left out or changed, for the person importing.
    pub left_out: Vec<String>,
}

/// Reads the scenario or track at `dir`.
pub fn import(dir: &Path) -> Result<Imported, ImportError> {
    if dir.join("index.json").is_file() {
        killercoda::import(dir)
    } else if dir.join("track.yml").is_file() {
        instruqt::import(dir)
    } else {
        Err(ImportError::Unknown(dir.to_path_buf()))
    }
}

/// The text of `dir/name`.
fn read(dir: &Path, name: &str) -> Result<String, ImportError> {
    let path = dir.join(name);
    std::fs::read(&path)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .map_err(|source| ImportError::Io { path, source })
}

/// One part of the lesson being written.
#[derive(Default)]
struct Part {
    text: String,
}

impl Part {
    fn line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
    }

    fn blank(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with("\n\n") {
            self.text.push('\n');
        }
    }

    /// Markdown of the scenario, its headings below the step's own `##`.
    fn markdown(&mut self, text: &str) {
        self.blank();
        self.text.push_str(&demote_headings(text.trim()));
        self.text.push('\n');
    }

    /// A script as a fenced block with `info`, in a fence longer than any in the script.
    fn script(&mut self, info: &str, script: &str) {
        let longest = script
            .lines()
            .map(|line| line.trim_start().chars().take_while(|&c| c == '`').count())
            .max()
            .unwrap_or(0);
        let fence = "`".repeat(longest.max(2) + 1);
        self.blank();
        self.line(&format!("{fence}{info}"));
        self.text.push_str(script.trim_end());
        self.text.push('\n');
        self.line(&fence);
    }

    /// A setup script: run unseen when it keeps to the workspace, else shown to the learner
    /// to run.
    fn setup(&mut self, script: &str, what: &str, left_out: &mut Vec<String>) {
        if stays_in_workspace(script) {
            self.script("bash {setup}", script);
        } else {
            self.blank();
            self.line(&format!(
                "The scenario prepared the machine with this {what}; it reaches outside the \
                 lesson's folder, so it is yours to read and run:"
            ));
            self.script("bash", script);
            left_out.push(format!(
                "{what}: reaches outside the workspace, so it is a command the learner runs, not a setup"
            ));
        }
    }
}

/// Headings of imported text one level below a step (`#`, `##` → `###`), outside code.
fn demote_headings(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut fence: Option<(char, usize)> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        let first = trimmed.chars().next().unwrap_or(' ');
        let run = trimmed.chars().take_while(|&c| c == first).count();
        if matches!(first, '`' | '~') && run >= 3 {
            fence = match fence {
                // Killercoda closes a block it runs with ```{{exec}}.
                Some((c, len))
                    if c == first
                        && run >= len
                        && (trimmed.len() == run || trimmed[run..].starts_with("{{")) =>
                {
                    None
                }
                Some(open) => Some(open),
                None => Some((first, run)),
            };
            out.push_str(line);
            continue;
        }
        let hashes = line.chars().take_while(|&c| c == '#').count();
        // Katacoda's renderer took a no-break space after the hashes as a space; Markdown
        // does not, and would show the hashes.
        let line = match line[hashes..].strip_prefix('\u{a0}') {
            Some(rest) if fence.is_none() && hashes > 0 => {
                Cow::Owned(format!("{} {rest}", &line[..hashes]))
            }
            _ => Cow::Borrowed(line),
        };
        if fence.is_none() && (1..3).contains(&hashes) && line[hashes..].starts_with([' ', '\t']) {
            out.push_str(&"#".repeat(3 - hashes));
        }
        out.push_str(&line);
    }
    out
}

/// Whether a script keeps to the folder it runs in: no absolute path (but `/dev/null` and
/// `/tmp`), no home folder, no way up, no package manager or service manager.
fn stays_in_workspace(script: &str) -> bool {
    const OUTSIDE: &[&str] = &[
        "~",
        "$HOME",
        "cd ..",
        "../",
        "sudo",
        "apt",
        "yum",
        "dnf",
        "apk ",
        "systemctl",
        "service ",
        "docker",
        "kubectl",
        "helm ",
        "curl",
        "wget",
        "pip ",
        "npm ",
        "snap ",
        "mount",
    ];
    if OUTSIDE.iter().any(|word| script.contains(word)) {
        return false;
    }
    let mut rest = script;
    while let Some(at) = rest.find('/') {
        let before = rest[..at].chars().last();
        let path_start = before.is_none_or(|c| c.is_whitespace() || "\"'=>(:".contains(c));
        let after = &rest[at..];
        if path_start
            && !after.starts_with("/dev/null")
            && !after.starts_with("/tmp")
            && !after.starts_with("/bin/")
            && !after.starts_with("/usr/bin/")
        {
            return false;
        }
        rest = &rest[at + 1..];
    }
    true
}

/// A file name for part `number` titled `title`: `03-install-opentofu.md`.
fn part_name(number: usize, title: &str) -> String {
    let slug = super::slug(title);
    let slug = if slug.is_empty() {
        "step".to_owned()
    } else {
        slug.chars().take(40).collect()
    };
    format!("{number:02}-{slug}.md")
}

/// A YAML double-quoted string.
fn yaml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

/// The first part: front matter, title, intro.
fn intro_part(id: &str, title: &str, summary: Option<&str>) -> Part {
    let mut part = Part::default();
    part.line("---");
    part.line(&format!("id: {id}"));
    part.line(&format!("title: {}", yaml_string(title)));
    if let Some(summary) = summary.map(str::trim).filter(|s| !s.is_empty()) {
        part.line(&format!("summary: {}", yaml_string(summary)));
    }
    part.line("---");
    part.blank();
    part.line(&format!("# {title}"));
    part
}

/// A lesson id from a folder's name.
fn lesson_id(dir: &Path) -> String {
    dir.canonicalize()
        .ok()
        .and_then(|dir| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .and_then(|name| super::load::id_from_name(&name))
        .unwrap_or_else(|| "imported".to_owned())
}

#[cfg(test)]
mod tests;
