//! `$LABRUN_OUTPUT`: variables a script sets by writing `NAME=value` lines to a file, as with
//! GitHub Actions' `$GITHUB_OUTPUT`.
//!
//! Grammar, as GitHub Actions reads it (one entry per line, empty lines skipped):
//! ```text
//! NAME=value              value: the rest of the line, possibly empty
//! NAME<<DELIMITER         value: the lines up to one that is exactly DELIMITER,
//! line 1                  joined with "\n" (no final newline)
//! line 2
//! DELIMITER
//! ```
//! Whichever of `=` and `<<` comes first decides the form. Lines may end in `\r\n`.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::error::ShellError;
use super::output::MAX_CAPTURE;

/// The variable that names the file.
pub const OUTPUT_VAR: &str = "LABRUN_OUTPUT";

/// Creates the file, or empties it (only what this run writes counts), and returns its
/// absolute path, which is what the command is given: it runs in another directory.
pub(super) fn prepare(path: &Path) -> Result<PathBuf, ShellError> {
    private_empty_file(path).map_err(|cause| ShellError::OutputFile {
        path: path.to_owned(),
        cause,
    })
}

/// Creates `path` empty (or empties it), readable by the learner only since what a command
/// writes there may hold a secret; its absolute path.
pub(super) fn private_empty_file(path: &Path) -> std::io::Result<PathBuf> {
    use std::os::unix::fs::OpenOptionsExt;
    let absolute = std::path::absolute(path)?;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&absolute)?;
    Ok(absolute)
}

/// The variables the command wrote, and a message for each line that could not be read.
pub(super) fn read(path: &Path) -> (Vec<(String, String)>, Vec<String>) {
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path)
        .and_then(|file| file.take(MAX_CAPTURE as u64 + 1).read_to_end(&mut bytes));
    match read {
        Ok(_) => {}
        // The script removed it: it set nothing.
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return (Vec::new(), Vec::new());
        }
        Err(error) => {
            return (
                Vec::new(),
                vec![format!("cannot read `${OUTPUT_VAR}`: {error}")],
            );
        }
    }
    let mut problems = Vec::new();
    if bytes.len() > MAX_CAPTURE {
        bytes.truncate(MAX_CAPTURE);
        // Drop the last, cut line: a wrong value would be worse than none.
        let end = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        bytes.truncate(end);
        problems.push(format!(
            "`${OUTPUT_VAR}` is larger than {} MiB: only its first MiB was read",
            MAX_CAPTURE / (1024 * 1024)
        ));
    }
    let (outputs, mut errors) = parse(&String::from_utf8_lossy(&bytes));
    problems.append(&mut errors);
    (outputs, problems)
}

/// Parses the file's text; see the module docs for the grammar.
pub(super) fn parse(text: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut outputs = Vec::new();
    let mut errors = Vec::new();
    let mut lines = text.lines().enumerate().map(|(i, line)| (i + 1, line));
    while let Some((number, line)) = lines.next() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        let equals = line.find('=');
        let heredoc = line.find("<<");
        match (equals, heredoc) {
            (Some(equals), heredoc) if heredoc.is_none_or(|heredoc| equals < heredoc) => {
                let (name, value) = (&line[..equals], &line[equals + 1..]);
                if name.is_empty() {
                    errors.push(format!(
                        "`${OUTPUT_VAR}` line {number}: missing a name before `=`"
                    ));
                } else {
                    outputs.push((name.to_owned(), value.to_owned()));
                }
            }
            (_, Some(heredoc)) => {
                let (name, delimiter) = (&line[..heredoc], &line[heredoc + 2..]);
                if delimiter.is_empty() {
                    errors.push(format!(
                        "`${OUTPUT_VAR}` line {number}: missing a delimiter after `<<`"
                    ));
                    continue;
                }
                let mut value: Vec<&str> = Vec::new();
                let mut closed = false;
                for (_, body) in lines.by_ref() {
                    let body = body.strip_suffix('\r').unwrap_or(body);
                    if body == delimiter {
                        closed = true;
                        break;
                    }
                    value.push(body);
                }
                if !closed {
                    errors.push(format!(
                        "`${OUTPUT_VAR}` line {number}: `{name}<<{delimiter}` is never closed by \
                         a line `{delimiter}`"
                    ));
                } else if name.is_empty() {
                    // The body was skipped all the same, so its lines are not reported too.
                    errors.push(format!(
                        "`${OUTPUT_VAR}` line {number}: missing a name before `<<`"
                    ));
                } else {
                    outputs.push((name.to_owned(), value.join("\n")));
                }
            }
            _ => errors.push(format!(
                "`${OUTPUT_VAR}` line {number}: expected `NAME=value` or `NAME<<DELIMITER`, \
                 found `{line}`"
            )),
        }
    }
    (outputs, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Pairs<'a> = &'a [(&'a str, &'a str)];

    fn pairs(items: Pairs) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn well_formed_files_give_their_variables_in_order() {
        let cases: &[(&str, Pairs)] = &[
            ("", &[]),
            ("name=ada\n", &[("name", "ada")]),
            ("name=ada", &[("name", "ada")]),
            ("empty=\n", &[("empty", "")]),
            ("url=http://x/?a=b\n", &[("url", "http://x/?a=b")]),
            ("a=1\r\n\r\nb=2\n", &[("a", "1"), ("b", "2")]),
            ("a=1\na=2\n", &[("a", "1"), ("a", "2")]),
            ("eq=x<<y\n", &[("eq", "x<<y")]),
            (
                "notes<<EOF\none\n\ntwo\nEOF\nafter=yes\n",
                &[("notes", "one\n\ntwo"), ("after", "yes")],
            ),
            ("empty<<EOF\nEOF\n", &[("empty", "")]),
            ("crlf<<END\r\nx\r\nEND\r\n", &[("crlf", "x")]),
            ("doc<<EOF\nk=v\nEOF\n", &[("doc", "k=v")]),
            ("hd<<A=B\nx\nA=B\n", &[("hd", "x")]),
        ];
        for (text, expected) in cases {
            let (outputs, errors) = parse(text);
            assert_eq!(outputs, pairs(expected), "{text:?}");
            assert!(errors.is_empty(), "{text:?}: {errors:?}");
        }
    }

    #[test]
    fn bad_lines_are_reported_and_good_ones_kept() {
        let cases: &[(&str, Pairs, &str)] = &[
            (
                "ok=1\njust words\n",
                &[("ok", "1")],
                "`$LABRUN_OUTPUT` line 2: expected `NAME=value` or `NAME<<DELIMITER`, found `just words`",
            ),
            (
                "=value\n",
                &[],
                "`$LABRUN_OUTPUT` line 1: missing a name before `=`",
            ),
            (
                "<<EOF\nx\nEOF\n",
                &[],
                "`$LABRUN_OUTPUT` line 1: missing a name before `<<`",
            ),
            (
                "x<<\ny=1\n",
                &[("y", "1")],
                "`$LABRUN_OUTPUT` line 1: missing a delimiter after `<<`",
            ),
            (
                "a=1\nnotes<<EOF\nnever closed\n",
                &[("a", "1")],
                "`$LABRUN_OUTPUT` line 2: `notes<<EOF` is never closed by a line `EOF`",
            ),
        ];
        for (text, expected, error) in cases {
            let (outputs, errors) = parse(text);
            assert_eq!(outputs, pairs(expected), "{text:?}");
            assert_eq!(errors, vec![(*error).to_owned()], "{text:?}");
        }
    }

    #[test]
    fn an_oversized_file_is_read_up_to_the_bound_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let mut text = "big=".to_owned() + &"x".repeat(MAX_CAPTURE) + "\n";
        text.insert_str(0, "first=1\n");
        std::fs::write(&path, text).unwrap();
        let (outputs, errors) = read(&path);
        assert_eq!(outputs, pairs(&[("first", "1")]));
        assert_eq!(
            errors,
            ["`$LABRUN_OUTPUT` is larger than 1 MiB: only its first MiB was read"]
        );
    }

    #[test]
    fn a_file_the_script_removed_sets_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (outputs, errors) = read(&dir.path().join("gone"));
        assert!(outputs.is_empty());
        assert!(errors.is_empty());
        let (_, errors) = read(dir.path());
        assert_eq!(errors.len(), 1, "a directory is not readable as a file");
    }
}
