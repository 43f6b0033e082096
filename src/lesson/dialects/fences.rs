//! Code fences and info strings in other tools' forms (Liquid, Angular docs, Killercoda,
//! runme, pandoc), and where a tutorial's steps are.

use super::*;

/// The "marker" of a code block opened by Liquid's `{% highlight %}`, which
/// `{% endhighlight %}` closes.
pub(super) const LIQUID_FENCE: &str = "{% endhighlight %}";

/// The "marker" of a code block opened by Angular docs' `<docs-code>`.
pub(super) const DOCS_CODE_FENCE: &str = "</docs-code>";

/// Tags a shell block may print (a heredoc of HTML): not placeholders.
pub(super) const HTML_TAGS: &[&str] = &[
    "html", "head", "body", "div", "span", "p", "a", "b", "i", "em", "strong", "br", "hr", "ul",
    "ol", "li", "table", "tr", "td", "th", "pre", "code", "img", "meta", "link", "script", "style",
    "title", "form", "input", "button", "label", "select", "option", "h1", "h2", "h3", "h4", "h5",
    "h6", "nav", "main", "section", "header", "footer", "svg", "xml", "eof",
];

/// The text of a line without its line ending, and the ending.
pub(super) fn split_end(line: &str) -> (&str, &str) {
    let text = line_text(line);
    (text, &line[text.len()..])
}

pub(super) fn line_text(line: &str) -> &str {
    line.strip_suffix("\r\n")
        .or_else(|| line.strip_suffix('\n'))
        .unwrap_or(line)
}

/// The fence that opens a code block at the start of `line` (already without its indent).
pub(super) fn fence_marker(line: &str) -> Option<&str> {
    let c = line.chars().next().filter(|&c| c == '`' || c == '~')?;
    let len = line.chars().take_while(|&x| x == c).count();
    (len >= 3 && !(c == '`' && line[len..].contains('`') && !is_killercoda_action(&line[len..])))
        .then(|| &line[..len])
}

/// A fence's info string, with another tool's attributes left out: runme's JSON
/// (`sh {"name":"x"}`), pandoc's classes (`{ .sh .no-copy }`), line highlights
/// (`yaml{2,5}`). labrun's own `{run ...}` is kept.
pub(super) fn info_string(info: &str) -> String {
    let Some(open) = info.find('{') else {
        return info.to_owned();
    };
    let inside = info[open + 1..].trim_start();
    let lang = info[..open].trim();
    let foreign = inside.starts_with('"')
        || inside.starts_with('.')
        || inside.starts_with(|c: char| c.is_ascii_digit());
    if !foreign {
        return info.to_owned();
    }
    if inside
        .split_whitespace()
        .any(|class| class.trim_end_matches('}') == ".no-copy")
    {
        // MkDocs Material: what is shown, not to copy (a folder tree, output).
        return "output".to_owned();
    }
    if lang.is_empty() && inside.starts_with('.') {
        // Pandoc: the first class is the language.
        let class = inside[1..]
            .split(|c: char| c.is_whitespace() || c == '}' || c == '.')
            .next()
            .unwrap_or("");
        return class.to_owned();
    }
    lang.to_owned()
}

/// Killercoda's and Katacoda's action after a command: `{{exec}}`, `{{execute T2}}`,
/// `{{exec interrupt}}`, `{{copy}}`, `{{open}}`, or none (`{{}}`).
pub(super) fn is_killercoda_action(text: &str) -> bool {
    let text = text.trim();
    text.starts_with("{{") && text.ends_with("}}") && text.len() >= 4 && {
        let inner = text[2..text.len() - 2].trim();
        inner.is_empty()
            || ["exec", "execute", "copy", "open"]
                .iter()
                .any(|word| inner == *word || inner.starts_with(&format!("{word} ")))
    }
}

/// Whether a kramdown attribute list marks a command: IBM Cloud docs write `{: pre}` under
/// a command, `{: codeblock}` under a file's text.
pub(super) fn is_command_mark(list: &str) -> bool {
    list.trim_start_matches("{:")
        .trim_end_matches('}')
        .split_whitespace()
        .any(|word| word == "pre")
}

/// Whether a line shows the file was written for labrun: a fence with a block role, a quiz,
/// or front matter `vars:` or `requires:`.
pub(super) fn is_labrun_marker(line: &str) -> bool {
    let line = line.trim();
    ["{run", "{check", "{setup", "{solve", "{cleanup", "{file="]
        .iter()
        .any(|role| line.starts_with("```") && line.contains(role))
        || line == "```quiz"
        || line == "vars:"
        || line == "requires:"
}

/// Which heading level makes the steps when a text has no `##` outside code: `###` when
/// there are some, else every `#` after the first when there are several.
pub(super) fn steps_level(lines: &[&str]) -> Option<Lift> {
    let mut fence: Option<String> = None;
    let (mut h1, mut h2, mut h3) = (0, 0, 0);
    for line in lines {
        let trimmed = line.trim_start();
        if let Some(open) = &fence {
            if trimmed.trim_end().starts_with(open.as_str()) {
                fence = None;
            }
            continue;
        }
        if let Some(marker) = fence_marker(trimmed) {
            fence = Some(marker.to_owned());
            continue;
        }
        if trimmed.starts_with("<docs-step") {
            h2 += 1;
            continue;
        }
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if hashes == 0 || !line[hashes..].starts_with([' ', '\t']) {
            continue;
        }
        match hashes {
            1 => h1 += 1,
            2 => h2 += 1,
            3 => h3 += 1,
            _ => {}
        }
    }
    match (h1, h2, h3) {
        (_, 0, 1..) => Some(Lift::Level3),
        (2.., 0, 0) => Some(Lift::SecondH1),
        _ => None,
    }
}

/// The first line of what a MkDocs admonition (`!!! tip "Title"`, `??? note`, `???+`) or
/// content tab (`=== "Tab"`) becomes, and whether its body is a quote (an admonition) or
/// plain text (a tab).
pub(super) fn indented_block_head(line: &str) -> Option<(bool, String)> {
    for (mark, quote) in [
        ("!!!", true),
        ("???+", true),
        ("???", true),
        ("===+", false),
        ("===", false),
    ] {
        let Some(rest) = line.strip_prefix(mark).filter(|rest| rest.starts_with(' ')) else {
            continue;
        };
        let (kind, title) = admonition(rest.trim());
        // `:material-apple:` and other icons of MkDocs Material stand before a tab's name.
        let title = title.map(|title| without_icons(&title));
        return Some(if quote {
            (true, callout_head(&kind, title.as_deref()))
        } else {
            (false, format!("**{}**", title.unwrap_or(kind)))
        });
    }
    None
}
