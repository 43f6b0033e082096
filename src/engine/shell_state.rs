//! The lesson's one shell session: the working directory and exported variables that earlier
//! blocks left behind, given to every later block as if all were typed in one terminal.
//!
//! Kept in the workspace as `.labrun/shell.json` (mode 0600, written through a temporary file
//! and a rename), so it survives a quit and resume. A variable whose value holds a secret is
//! kept in memory only: after a resume the block that set it runs again when it is needed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::exec::{Secrets, ShellChanges};

/// The folder of labrun's own files inside a workspace.
pub const STATE_DIR: &str = ".labrun";
const FILE: &str = "shell.json";
const VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct ShellState {
    /// Where the last block left the shell; `None`: the workspace.
    cwd: Option<PathBuf>,
    exports: BTreeMap<String, String>,
    unset: BTreeSet<String>,
}

/// The file's format.
#[derive(Serialize, Deserialize)]
struct Saved {
    /// The format version; a newer one is ignored (the state starts afresh).
    v: u32,
    /// The working directory, absolute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cwd: Option<PathBuf>,
    /// Variables exported by blocks, none holding a secret.
    #[serde(default)]
    exports: BTreeMap<String, String>,
    /// Inherited variables a block unset.
    #[serde(default)]
    unset: BTreeSet<String>,
}

impl ShellState {
    /// The state saved in `workspace`; a fresh one when there is none or it cannot be read
    /// (with the reason, to tell the learner).
    pub(super) fn load(workspace: &Path) -> (Self, Option<String>) {
        let path = workspace.join(STATE_DIR).join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return (Self::default(), None);
            }
            Err(error) => return (Self::default(), Some(unreadable(&path, &error))),
        };
        match serde_json::from_str::<Saved>(&text) {
            Ok(saved) if saved.v <= VERSION => (
                Self {
                    cwd: saved.cwd.filter(|cwd| cwd.is_absolute()),
                    exports: saved.exports,
                    unset: saved.unset,
                },
                None,
            ),
            Ok(_) => (
                Self::default(),
                Some(format!(
                    "`{}` was written by a newer labrun: the lesson's shell starts afresh",
                    path.display()
                )),
            ),
            Err(error) => (Self::default(), Some(unreadable(&path, &error))),
        }
    }

    /// Saves the state in `workspace`, leaving out every variable whose value holds a secret.
    pub(super) fn save(&self, workspace: &Path, secrets: &Secrets) -> Result<(), String> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let saved = Saved {
            v: VERSION,
            cwd: self.cwd.clone(),
            exports: self
                .exports
                .iter()
                .filter(|(name, value)| !holds_secret(name, value, secrets))
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect(),
            unset: self.unset.clone(),
        };
        let dir = workspace.join(STATE_DIR);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let path = dir.join(FILE);
        let temp = dir.join(format!("{FILE}.tmp"));
        let _ = std::fs::remove_file(&temp);
        let json = serde_json::to_string_pretty(&saved).map_err(|e| e.to_string())?;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temp)
            .map_err(|e| e.to_string())?;
        file.write_all(json.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| e.to_string())?;
        std::fs::rename(&temp, &path).map_err(|e| e.to_string())
    }

    /// Forgets the saved state (the lesson starts over).
    pub(super) fn remove(workspace: &Path) {
        let _ = std::fs::remove_file(workspace.join(STATE_DIR).join(FILE));
    }

    /// Takes in what a block changed, except variables that would run code before every later
    /// command unseen (`BASH_ENV`, `PROMPT_COMMAND`, `LD_PRELOAD`, ...): those stay with the
    /// block that set them. `PATH` and the like carry, as `source venv/bin/activate` needs.
    pub(super) fn apply(&mut self, changes: &ShellChanges) {
        self.cwd = Some(changes.cwd.clone());
        for (name, value) in changes.set.iter().filter(|(name, _)| !runs_code(name)) {
            self.unset.remove(name);
            self.exports.insert(name.clone(), value.clone());
        }
        for name in &changes.unset {
            self.exports.remove(name);
            self.unset.insert(name.clone());
        }
    }

    /// Where the next command starts: the last block's directory while it exists, else the
    /// workspace.
    pub(super) fn cwd(&self, workspace: &Path) -> PathBuf {
        self.cwd
            .clone()
            .filter(|cwd| cwd.is_dir())
            .unwrap_or_else(|| workspace.to_path_buf())
    }

    /// The directory a block left, when it is gone (removed since), to tell the learner.
    pub(super) fn lost_cwd(&self) -> Option<&Path> {
        self.cwd.as_deref().filter(|cwd| !cwd.is_dir())
    }

    /// `base` (the lesson's variables) with the exports on top: what the learner exported
    /// last wins, as in a terminal.
    pub(super) fn env(&self, base: Vec<(String, String)>) -> Vec<(String, String)> {
        let mut env = base;
        env.retain(|(name, _)| !self.unset.contains(name) && !self.exports.contains_key(name));
        env.extend(
            self.exports
                .iter()
                .map(|(name, value)| (name.clone(), value.clone())),
        );
        env
    }

    pub(super) fn unset(&self) -> Vec<String> {
        self.unset.iter().cloned().collect()
    }

    #[cfg(test)]
    pub(super) fn exported(&self, name: &str) -> Option<&str> {
        self.exports.get(name).map(String::as_str)
    }
}

/// A variable the shell or the loader runs code from, before or around every command.
fn runs_code(name: &str) -> bool {
    matches!(
        name,
        "BASH_ENV"
            | "ENV"
            | "PROMPT_COMMAND"
            | "SHELLOPTS"
            | "BASHOPTS"
            | "PS4"
            | "LD_PRELOAD"
            | "LD_AUDIT"
            | "DYLD_INSERT_LIBRARIES"
    ) || name.starts_with("BASH_FUNC_")
        || name.starts_with("LABRUN_")
}

fn holds_secret(name: &str, value: &str, secrets: &Secrets) -> bool {
    secrets.is_secret_name(name) || secrets.mask(value) != value
}

fn unreadable(path: &Path, error: &dyn std::fmt::Display) -> String {
    format!(
        "cannot read `{}` ({error}): the lesson's shell starts afresh",
        path.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(cwd: &str, set: &[(&str, &str)], unset: &[&str]) -> ShellChanges {
        ShellChanges {
            cwd: cwd.into(),
            set: set
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            unset: unset.iter().map(|n| (*n).to_owned()).collect(),
        }
    }

    #[test]
    fn exports_override_lesson_variables_and_unset_removes_them() {
        let mut state = ShellState::default();
        state.apply(&changes("/", &[("region", "eu-de")], &["EDITOR"]));
        let env = state.env(vec![
            ("region".into(), "us-south".into()),
            ("EDITOR".into(), "vi".into()),
        ]);
        assert_eq!(env, [("region".to_owned(), "eu-de".to_owned())]);
        assert_eq!(state.unset(), ["EDITOR"]);
        state.apply(&changes("/", &[("EDITOR", "nano")], &["region"]));
        assert_eq!(state.unset(), ["region"]);
        assert_eq!(state.exported("EDITOR"), Some("nano"));
    }

    #[test]
    fn variables_that_run_code_before_every_command_do_not_carry() {
        let mut state = ShellState::default();
        state.apply(&changes(
            "/",
            &[
                ("BASH_ENV", "/tmp/evil.sh"),
                ("PROMPT_COMMAND", "touch x"),
                ("BASH_FUNC_ls%%", "() { :; }"),
                ("PATH", "/venv/bin:/usr/bin"),
            ],
            &[],
        ));
        let names: Vec<String> = state.env(Vec::new()).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["PATH"]);
    }

    #[test]
    fn a_saved_state_comes_back_without_secrets_and_private_to_the_learner() {
        use std::os::unix::fs::PermissionsExt;
        let workspace = tempfile::tempdir().unwrap();
        let mut state = ShellState::default();
        state.apply(&changes(
            workspace.path().to_str().unwrap(),
            &[
                ("PROJECT", "demo"),
                ("AUTH", "Bearer s3cr3t"),
                ("token", "x"),
            ],
            &[],
        ));
        let mut secrets = Secrets::new();
        secrets.add("s3cr3t");
        secrets.add_name("token");
        state.save(workspace.path(), &secrets).unwrap();
        let file = workspace.path().join(".labrun/shell.json");
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            !text.contains("s3cr3t") && !text.contains("token"),
            "{text}"
        );
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let (loaded, problem) = ShellState::load(workspace.path());
        assert_eq!(problem, None);
        assert_eq!(loaded.exported("PROJECT"), Some("demo"));
        assert_eq!(loaded.exported("AUTH"), None);
        assert_eq!(loaded.cwd(Path::new("/elsewhere")), workspace.path());
    }

    #[test]
    fn a_gone_directory_or_a_broken_file_falls_back_to_the_workspace() {
        let workspace = tempfile::tempdir().unwrap();
        let mut state = ShellState::default();
        state.apply(&changes("/no/such/dir", &[], &[]));
        assert_eq!(state.cwd(workspace.path()), workspace.path());
        assert_eq!(state.lost_cwd(), Some(Path::new("/no/such/dir")));
        std::fs::create_dir(workspace.path().join(STATE_DIR)).unwrap();
        std::fs::write(workspace.path().join(".labrun/shell.json"), "{oops").unwrap();
        let (loaded, problem) = ShellState::load(workspace.path());
        assert_eq!(loaded, ShellState::default());
        assert!(problem.unwrap().contains("starts afresh"));
    }
}
