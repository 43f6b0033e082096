//! Small value checks shared by the parsers.

use std::path::{Component, Path};

/// Checks a regular expression's syntax without compiling it: lint must stay cheap.
/// Patterns holding a `{{NAME}}` are checked at run time, after substitution.
pub(super) fn regex(pattern: &str) -> Result<(), String> {
    if pattern.contains("{{") {
        return Ok(());
    }
    // The syntax tree finds every syntax error; translating it further can only fail on
    // Unicode classes (`\p{..}`) and on turning Unicode off (`-u`), so only those pay for it.
    regex_syntax::ast::parse::Parser::new()
        .parse(pattern)
        .map_err(|error| first_line_of_regex_error(&error.to_string()))?;
    if pattern.contains("\\p") || pattern.contains("\\P") || pattern.contains("-u") {
        regex_syntax::Parser::new()
            .parse(pattern)
            .map_err(|error| first_line_of_regex_error(&error.to_string()))?;
    }
    Ok(())
}

/// regex-syntax renders errors over several lines with the pattern and a caret; lint has its
/// own caret, so keep only the reason.
fn first_line_of_regex_error(text: &str) -> String {
    text.lines()
        .rev()
        .find_map(|line| line.strip_prefix("error: "))
        .unwrap_or_else(|| text.lines().last().unwrap_or(text))
        .trim()
        .to_owned()
}

/// Environment variables a shell, the dynamic loader or a common interpreter acts on before
/// or around the command the learner approved: a lesson variable by one of these names would
/// be a way to run code unseen (`BASH_ENV` runs a file before every bash script). labrun never
/// exports a variable by these names, and lint refuses them.
pub fn is_reserved_env_name(name: &str) -> bool {
    const NAMES: &[&str] = &[
        "PATH",
        "BASH_ENV",
        "ENV",
        "PROMPT_COMMAND",
        "SHELLOPTS",
        "BASHOPTS",
        "IFS",
        "PS4",
        "CDPATH",
        "GLOBIGNORE",
        "HOME",
        "SHELL",
        "TMPDIR",
        "PYTHONPATH",
        "PYTHONSTARTUP",
        "PYTHONHOME",
        "NODE_OPTIONS",
        "NODE_PATH",
        "PERL5OPT",
        "PERL5LIB",
        "PERLLIB",
        "RUBYOPT",
        "RUBYLIB",
        "JAVA_TOOL_OPTIONS",
        "_JAVA_OPTIONS",
        "GIT_SSH_COMMAND",
        "GIT_EXEC_PATH",
        "LABRUN_OUTPUT",
        "LABRUN_SHELL_STATE",
    ];
    const PREFIXES: &[&str] = &["LD_", "DYLD_", "BASH_FUNC_", "LABRUN_"];
    NAMES.contains(&name) || PREFIXES.iter().any(|prefix| name.starts_with(prefix))
}

/// `[A-Za-z_][A-Za-z0-9_]*`: the names a `{{NAME}}` reference may use.
pub fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'A'..=b'Z' | b'a'..=b'z' | b'_'))
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// A `file=` path must stay inside the lesson workspace: relative, and never climbing above
/// its start. (Symlinks are resolved when the file is written.)
pub(super) fn workspace_path(path: &str) -> Result<(), String> {
    if path.contains("{{") {
        return Ok(());
    }
    if path.is_empty() {
        return Err("`file=` needs a path".into());
    }
    if path.starts_with('~')
        || path.starts_with('/')
        || path.starts_with('\\')
        || path.get(1..2) == Some(":")
    {
        return Err(format!(
            "`file={path}` is absolute and would leave the lesson workspace"
        ));
    }
    let mut depth = 0usize;
    for component in Path::new(path).components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir if depth > 0 => depth -= 1,
            _ => return Err(format!("`file={path}` leaves the lesson workspace")),
        }
    }
    if depth == 0 {
        return Err(format!(
            "`file={path}` names the workspace itself, not a file in it"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_reports_the_reason_only() {
        assert_eq!(regex("a(b").unwrap_err(), "unclosed group");
        assert!(regex("^ok$").is_ok());
        assert!(regex("{{pattern}}(").is_ok());
        assert!(regex(r"\p{Greek}+").is_ok());
        assert!(
            regex(r"\p{NoSuchClass}").unwrap_err().contains("Unicode"),
            "{:?}",
            regex(r"\p{NoSuchClass}")
        );
    }

    #[test]
    fn identifiers_start_with_a_letter_or_underscore() {
        assert!(is_identifier("region"));
        assert!(is_identifier("_X1"));
        assert!(!is_identifier("1x"));
        assert!(!is_identifier(".Repository"));
        assert!(!is_identifier("a-b"));
        assert!(!is_identifier(""));
    }

    #[test]
    fn workspace_paths_cannot_escape() {
        assert!(workspace_path("app/config.yaml").is_ok());
        assert!(workspace_path("a/../b.txt").is_ok());
        assert!(workspace_path("./b.txt").is_ok());
        for bad in [
            "/etc/passwd",
            "../x",
            "a/../../x",
            "~/.bashrc",
            "C:\\x",
            ".",
            "a/..",
        ] {
            assert!(workspace_path(bad).is_err(), "{bad}");
        }
    }
}
