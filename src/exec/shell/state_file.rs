//! What a command leaves behind for the next one: its working directory and the variables it
//! exported or unset, so a lesson's blocks behave as if typed into one terminal
//! (`git clone … && cd repo`, then `make` in the next block; `export PROJECT=…`, then
//! `echo $PROJECT`).
//!
//! The script is run after a one-line prelude that sets an `EXIT` trap. As the shell exits —
//! at the end of the script, at `exit N` or on an error under `set -e` — the trap writes
//! `$PWD` and the environment (`env -0`) to the file named by `$LABRUN_SHELL_STATE`, then
//! exits with the script's own status. The prelude shares the script's first line, so the
//! shell's messages keep the script's line numbers. A script that `exec`s another program,
//! replaces the trap, or is killed leaves nothing, and the state stays as it was.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::error::ShellError;
use super::output::MAX_CAPTURE;
use super::output_file::OUTPUT_VAR;

/// The variable that names the file.
pub const STATE_VAR: &str = "LABRUN_SHELL_STATE";

/// Put before the script, on its first line.
pub(super) const PRELUDE: &str = "trap '__labrun_status=$?; { printf \"%s\\0\" \"$PWD\"; env -0; } \
     >\"$LABRUN_SHELL_STATE\" 2>/dev/null || :; exit \"$__labrun_status\"' EXIT; ";

/// Variables the shell keeps up by itself, or labrun's own: never part of the state.
const SHELL_OWN: [&str; 6] = ["PWD", "OLDPWD", "SHLVL", "_", STATE_VAR, OUTPUT_VAR];

/// How the shell's state changed during one command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShellChanges {
    /// Where the shell was when it exited (absolute).
    pub cwd: PathBuf,
    /// Variables exported with a new value, or newly exported.
    pub set: Vec<(String, String)>,
    /// Variables the command was given and unset.
    pub unset: Vec<String>,
}

/// Creates the file empty and returns its absolute path.
pub(super) fn prepare(path: &Path) -> Result<PathBuf, ShellError> {
    super::output_file::private_empty_file(path).map_err(|cause| ShellError::StateFile {
        path: path.to_owned(),
        cause,
    })
}

/// What changed, from the file the trap wrote and the environment the command was `given`.
/// `None` when the trap did not run (nothing to learn).
pub(super) fn read(path: &Path, given: &BTreeMap<OsString, OsString>) -> Option<ShellChanges> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_CAPTURE as u64).read_to_end(&mut bytes))
        .ok()?;
    let _ = std::fs::remove_file(path);
    parse(&bytes, given)
}

/// Parses `PWD\0NAME=value\0...` (see the module docs).
pub(super) fn parse(bytes: &[u8], given: &BTreeMap<OsString, OsString>) -> Option<ShellChanges> {
    use std::os::unix::ffi::OsStrExt;
    let mut fields = bytes.split(|&b| b == 0);
    let cwd = fields.next().filter(|cwd| cwd.starts_with(b"/"))?;
    // A file cut short (a full disk, the size limit) would read as variables unset.
    if bytes.last() != Some(&0) {
        return None;
    }
    let mut after: BTreeMap<&[u8], &[u8]> = BTreeMap::new();
    for entry in fields.filter(|field| !field.is_empty()) {
        let Some(equals) = entry.iter().position(|&b| b == b'=') else {
            continue;
        };
        after.insert(&entry[..equals], &entry[equals + 1..]);
    }
    let own = |name: &[u8]| SHELL_OWN.iter().any(|own| own.as_bytes() == name);
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let set = after
        .iter()
        .filter(|(name, value)| {
            !own(name)
                && given
                    .get(std::ffi::OsStr::from_bytes(name))
                    .map(|v| v.as_bytes())
                    != Some(**value)
        })
        .map(|(name, value)| (text(name), text(value)))
        .collect();
    let unset = given
        .keys()
        .map(|name| name.as_bytes())
        .filter(|name| !own(name) && !after.contains_key(name))
        .map(text)
        .collect();
    Some(ShellChanges {
        cwd: PathBuf::from(std::ffi::OsStr::from_bytes(cwd)),
        set,
        unset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn given(pairs: &[(&str, &str)]) -> BTreeMap<OsString, OsString> {
        pairs
            .iter()
            .map(|(name, value)| (OsString::from(name), OsString::from(value)))
            .collect()
    }

    #[test]
    fn new_changed_and_removed_variables_are_told_apart_from_unchanged_ones() {
        let given = given(&[
            ("HOME", "/root"),
            ("KEEP", "1"),
            ("GONE", "x"),
            ("PWD", "/a"),
        ]);
        let bytes = b"/tmp/repo\0HOME=/root\0KEEP=2\0NEW=a=b\0PWD=/tmp/repo\0SHLVL=1\0";
        let changes = parse(bytes, &given).unwrap();
        assert_eq!(changes.cwd, Path::new("/tmp/repo"));
        assert_eq!(
            changes.set,
            [("KEEP".into(), "2".into()), ("NEW".into(), "a=b".into())]
        );
        assert_eq!(changes.unset, ["GONE"]);
    }

    #[test]
    fn a_file_the_trap_did_not_finish_says_nothing() {
        let given = given(&[("A", "1")]);
        assert_eq!(parse(b"", &given), None);
        assert_eq!(parse(b"/tmp\0A=1", &given), None, "cut short");
        assert_eq!(parse(b"relative\0A=1\0", &given), None);
        assert!(parse(b"/tmp\0A=1\0", &given).is_some());
    }

    #[test]
    fn values_may_hold_newlines() {
        let changes = parse(b"/\0CERT=line 1\nline 2\0", &given(&[])).unwrap();
        assert_eq!(changes.set, [("CERT".into(), "line 1\nline 2".into())]);
    }
}
