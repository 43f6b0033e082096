//! Which lines of a shell block start a command, for any lesson: the lines after a `\`
//! continuation and the body of a here-document do not. The preview shown before a block runs
//! (`ui/terminal/terminal_ui.rs`, `ui/plain.rs`) puts its `$` only where a command starts.

/// For each line of shell code, whether a command starts on it: not a line that continues
/// the one before it (after a trailing `\`), nor the body or the end of a here-document
/// (`<<EOF`, `<<-'EOF'`). A preview marks only those lines with a prompt.
pub fn command_starts(code: &str) -> Vec<bool> {
    let mut starts = Vec::new();
    let mut continued = false;
    let mut heredoc: Option<String> = None;
    for line in code.lines() {
        if let Some(delimiter) = &heredoc {
            starts.push(false);
            if line.trim_start_matches('\t') == delimiter {
                heredoc = None;
            }
            continue;
        }
        starts.push(!continued);
        continued = line.trim_end().ends_with('\\');
        heredoc = heredoc_delimiter(line);
    }
    starts
}

/// The word that ends a here-document opened on `line`; not a here-string (`<<<`), nor a
/// shift (`$((1 << 2))`): a delimiter starts with a letter, `_` or a quote.
fn heredoc_delimiter(line: &str) -> Option<String> {
    let at = line.find("<<")?;
    let rest = &line[at + 2..];
    if rest.starts_with('<') {
        return None;
    }
    let rest = rest.strip_prefix('-').unwrap_or(rest).trim_start();
    if !rest.starts_with(|c: char| c.is_alphabetic() || matches!(c, '_' | '\'' | '"')) {
        return None;
    }
    let word: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ';' | '|' | '&' | ')' | '>'))
        .collect();
    let word = word.trim_matches(['\'', '"']);
    (!word.is_empty()).then(|| word.to_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_command_starts_on_each_line_but_continuations_and_here_documents() {
        let code = "echo one\n\
                    kubectl apply -f - <<'EOF'\n\
                    kind: Pod\n\
                    EOF\n\
                    skopeo copy \\\n  --sign-by me \\\n  a b\n\
                    cat <<<\"here string\"\n\
                    echo $((1 << 2))\n\
                    echo two";
        assert_eq!(
            super::command_starts(code),
            [
                true, true, false, false, true, false, false, true, true, true
            ]
        );
        let tabs = "cat <<-END\n\tbody\n\tEND\necho after";
        assert_eq!(super::command_starts(tabs), [true, false, false, true]);
    }
}
