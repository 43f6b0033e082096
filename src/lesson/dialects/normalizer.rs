//! The pass over a tutorial's lines: fences, open blocks of other tools (admonitions, tabs,
//! callouts), headings lifted to steps, and placeholders found in commands.

use super::*;

/// An open block of another tool whose body lines get a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Open {
    /// Indented bodies (MkDocs admonitions and tabs, nested): for each level, whether it is
    /// a quote (an admonition) or not (a tab).
    Indented { levels: Vec<bool> },
    /// A Docusaurus admonition or a pandoc div, up to its closing line of colons; `depth`
    /// counts the divs opened inside it.
    Colons { depth: usize },
    /// A Hugo callout shortcode, up to its closing shortcode.
    Shortcode { name: String },
    /// An Angular docs callout (`<docs-callout>`), up to its closing tag.
    Element,
}

#[derive(Default)]
pub(super) struct Normalizer {
    pub(super) lines: Vec<String>,
    /// The opening fence of the code block we are in: its marker, and its index in `lines`.
    pub(super) fence: Option<(String, usize)>,
    /// The index of the opening line of the last code block that ended.
    pub(super) last_block: Option<usize>,
    pub(super) open: Option<Open>,
    /// Heading levels to lift by one (`###` → `##`), when the text has no `##`.
    pub(super) lift: Option<Lift>,
    pub(super) seen_title: bool,
    /// The text was not written for labrun: its placeholders are asked.
    pub(super) foreign: bool,
    pub(super) placeholders: Vec<(String, String)>,
}

/// How headings become steps in a text with no `##` heading.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Lift {
    /// `###` headings are the steps.
    Level3,
    /// Every `#` after the first is a step.
    SecondH1,
}

impl Normalizer {
    pub(super) fn run(&mut self, lines: &[&str]) {
        // A file written for labrun says where its steps are: its `##` headings, or none.
        self.foreign = !lines.iter().any(|line| is_labrun_marker(line));
        self.lift = if self.foreign {
            steps_level(lines)
        } else {
            None
        };
        let front_matter = front_matter_end(lines);
        for (index, raw) in lines.iter().enumerate() {
            let (text, end) = split_end(raw);
            let mut line = match front_matter {
                // Front matter is YAML, not Markdown. IBM docs leave a blank line after the
                // opening `---`: a YAML comment there keeps the line and lets Markdown see
                // the front matter.
                Some(last) if index == 1 && text.trim().is_empty() && last > 1 => "#".to_owned(),
                Some(last) if index <= last => text.to_owned(),
                _ => self.line(text),
            };
            line.push_str(end);
            self.lines.push(line);
        }
    }

    /// A line inside a code block, or one that opens a block (its info string in labrun's
    /// form); `None` for any other line.
    pub(super) fn fence_line(&mut self, line: &str) -> Option<String> {
        if let Some((marker, open_at)) = self.fence.clone() {
            return Some(self.in_fence(line, &marker, open_at));
        }
        let trimmed = line.trim_start();
        let fence = fence_marker(trimmed)?;
        let indent = &line[..line.len() - trimmed.len()];
        self.fence = Some((fence.to_owned(), self.lines.len()));
        Some(format!(
            "{indent}{fence}{}",
            info_string(&trimmed[fence.len()..])
        ))
    }

    /// One line, without its line ending.
    pub(super) fn line(&mut self, line: &str) -> String {
        if let Some(text) = self.in_open_block(line) {
            return text;
        }
        if let Some(text) = self.fence_line(line) {
            return text;
        }
        if let Some(text) = self.block_markup(line) {
            return text;
        }
        self.inline(line).into_owned()
    }

    /// A line inside a fenced block: only its closing fence is looked at.
    pub(super) fn in_fence(&mut self, line: &str, marker: &str, open_at: usize) -> String {
        let line = &self.placeholders_in(line, open_at);
        let trimmed = line.trim();
        if marker == DOCS_CODE_FENCE {
            if trimmed == "</docs-code>" {
                self.close_fence(open_at);
                let indent = &line[..line.len() - line.trim_start().len()];
                return format!("{indent}```");
            }
            return line.to_owned();
        }
        if marker == LIQUID_FENCE {
            if whole_liquid_tag(trimmed) == Some("endhighlight") {
                self.close_fence(open_at);
                return "```".to_owned();
            }
            return line.to_owned();
        }
        let Some(rest) = trimmed.strip_prefix(marker) else {
            return line.to_owned();
        };
        let rest = rest.trim_start_matches(marker.chars().next().unwrap_or('`'));
        if rest.is_empty() {
            self.close_fence(open_at);
            // CommonMark lets a tab follow a closing fence; pulldown-cmark does not.
            return line.trim_end().to_owned();
        }
        // Killercoda closes a block it runs with ```{{exec}}: a closing fence with text
        // after it, which Markdown would read as text inside the block.
        if is_killercoda_action(rest) {
            self.close_fence(open_at);
            if rest.starts_with("{{exec") {
                self.make_shell(open_at);
            }
            let indent = &line[..line.len() - line.trim_start().len()];
            return format!("{indent}{marker}");
        }
        line.to_owned()
    }

    /// A line of a shell block with its `<placeholder>`s made variables, in a tutorial not
    /// written for labrun.
    pub(super) fn placeholders_in(&mut self, line: &str, open_at: usize) -> String {
        if !self.foreign || !line.contains('<') || line.contains("</") {
            return line.to_owned();
        }
        let lang = self
            .lines
            .get(open_at)
            .map(|opening| {
                opening
                    .trim_start()
                    .trim_start_matches(['`', '~'])
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        if !matches!(
            lang.as_str(),
            "sh" | "bash" | "shell" | "zsh" | "console" | "shell-session"
        ) {
            return line.to_owned();
        }
        let mut out = String::new();
        let mut rest = line;
        while let Some(start) = rest.find('<') {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let len = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                .count();
            let word = &after[..len];
            let is_placeholder = len > 1
                && after[len..].starts_with('>')
                && word.starts_with(|c: char| c.is_ascii_alphabetic())
                && !HTML_TAGS.contains(&word.to_ascii_lowercase().as_str());
            if is_placeholder {
                let name = word.replace('-', "_");
                if !self.placeholders.iter().any(|(known, _)| *known == name) {
                    self.placeholders.push((name.clone(), format!("<{word}>")));
                }
                out.push_str(&format!("{{{{{name}}}}}"));
                rest = &after[len + 1..];
            } else {
                out.push('<');
                rest = after;
            }
        }
        out.push_str(rest);
        out
    }

    pub(super) fn close_fence(&mut self, open_at: usize) {
        self.fence = None;
        self.last_block = Some(open_at);
        if self.foreign {
            // A bare or `txt` fence holding commands, or a transcript, is what the learner
            // runs: its language says so.
            // The body as Markdown reads it: without the opening fence's indent.
            let indent = self.lines[open_at].len() - self.lines[open_at].trim_start().len();
            let body: String = self.lines[open_at + 1..]
                .iter()
                .map(|line| {
                    let spaces = line.len() - line.trim_start_matches(' ').len();
                    &line[spaces.min(indent)..]
                })
                .collect();
            if let Some(lang) = crate::lesson::commands::language_of_plain(&body) {
                self.set_language(open_at, lang);
            }
        }
    }

    /// Gives the fenced block opened at line `open_at` the language `sh` when it has none,
    /// or a plain-text one: another tool marks it as a command to run.
    pub(super) fn make_shell(&mut self, open_at: usize) {
        self.set_language(open_at, "sh");
    }

    /// Gives the fenced block opened at line `open_at` the language `language`, whatever it
    /// had: another tool says what it is.
    pub(super) fn replace_language(&mut self, open_at: usize, language: &str) {
        if let Some((indent, fence, _, end)) = self.opening(open_at) {
            self.lines[open_at] = format!("{indent}{fence}{language}{end}");
        }
    }

    /// The opening fence at line `open_at`, in parts: its indent, its fence, its info
    /// string (trimmed) and its line ending.
    pub(super) fn opening(&self, open_at: usize) -> Option<(String, String, String, String)> {
        let (text, end) = split_end(self.lines.get(open_at)?);
        let trimmed = text.trim_start();
        let fence = fence_marker(trimmed)?;
        Some((
            text[..text.len() - trimmed.len()].to_owned(),
            fence.to_owned(),
            trimmed[fence.len()..].trim().to_owned(),
            end.to_owned(),
        ))
    }

    /// Gives the fenced block opened at line `open_at` the language `lang` when it has none,
    /// or a plain-text one, and makes the `<placeholder>`s of its lines so far variables.
    pub(super) fn set_language(&mut self, open_at: usize, language: &str) {
        let Some((indent, fence, info, end)) = self.opening(open_at) else {
            return;
        };
        let lang = info.split_whitespace().next().unwrap_or("");
        if matches!(lang, "" | "txt" | "text" | "plain" | "plaintext" | "none") {
            let rest = info[lang.len()..].trim_start();
            let rest = if rest.is_empty() {
                String::new()
            } else {
                format!(" {rest}")
            };
            self.lines[open_at] = format!("{indent}{fence}{language}{rest}{end}");
            for index in open_at + 1..self.lines.len() {
                let line = std::mem::take(&mut self.lines[index]);
                self.lines[index] = self.placeholders_in(&line, open_at);
            }
        }
    }

    /// Lines of a tool's block construct (admonitions, tabs, shortcodes on a line of their
    /// own, attribute lists); `None` for an ordinary line.
    pub(super) fn block_markup(&mut self, line: &str) -> Option<String> {
        let trimmed = line.trim();
        // kramdown attribute list on a line of its own.
        if trimmed.starts_with("{:") && trimmed.ends_with('}') {
            if let Some(open_at) = self.last_block {
                if is_command_mark(trimmed) {
                    self.make_shell(open_at);
                }
                // The Carpentries mark a block's kind with a class under it.
                let classes = || trimmed[2..trimmed.len() - 1].split_whitespace();
                if classes().any(|class| matches!(class, ".output" | ".error")) {
                    self.replace_language(open_at, "output");
                } else if let Some(lang) =
                    classes().find_map(|class| class.strip_prefix(".language-"))
                {
                    self.set_language(open_at, lang);
                }
            }
            self.heading_id(trimmed);
            return Some(String::new());
        }
        if let Some(heading) = self.heading(line) {
            return Some(heading);
        }
        // MkDocs admonitions (`!!!`, `???`, `???+`) and content tabs (`===`, `===+`).
        if let Some((quote, head)) = indented_block_head(line) {
            self.open = Some(Open::Indented {
                levels: vec![quote],
            });
            return Some(head);
        }
        // Docusaurus admonitions (`:::note Title` ... `:::`) and pandoc divs
        // (`:::::: challenge` ... `::::::`).
        if let Some(kind) = colon_fence(trimmed) {
            self.open = Some(Open::Colons { depth: 0 });
            return Some(div_head(kind));
        }
        // Angular docs' elements on a line of their own.
        if self.foreign
            && let Some(tag) = whole_docs_element(trimmed)
        {
            let indent = &line[..line.len() - line.trim_start().len()];
            return Some(format!("{indent}{}", self.docs_element(&tag, trimmed)));
        }
        // Hugo shortcodes on a line of their own.
        if let Some(code) = whole_shortcode(trimmed) {
            let name = code.name.clone();
            if !code.closing
                && matches!(
                    name.as_str(),
                    "note" | "caution" | "warning" | "alert" | "tip" | "important"
                )
            {
                self.open = Some(Open::Shortcode { name: name.clone() });
                return Some(callout_head(&name, None));
            }
            if !code.closing && name == "tab" {
                return Some(
                    code.param("name")
                        .map(|tab| format!("**{tab}**"))
                        .unwrap_or_default(),
                );
            }
            return Some(String::new());
        }
        // Liquid block tags on a line of their own.
        if let Some(tag) = whole_liquid_tag(trimmed) {
            let mut words = tag.split_whitespace();
            return Some(match words.next() {
                Some("highlight") => {
                    self.fence = Some((LIQUID_FENCE.to_owned(), self.lines.len()));
                    format!("```{}", words.next().unwrap_or(""))
                }
                _ => String::new(),
            });
        }
        None
    }

    /// What an Angular docs element on a line of its own becomes: `<docs-step title="X">`
    /// a step, `<docs-code language="ts">` a code block up to `</docs-code>`,
    /// `<docs-callout title="X">` a callout; the rest (`<docs-workflow>`, a `<docs-code>`
    /// naming a file of the docs' own repository) nothing.
    pub(super) fn docs_element(&mut self, tag: &Shortcode, line: &str) -> String {
        if tag.closing {
            return String::new();
        }
        let self_closing = line.ends_with("/>") || line.contains("</docs-");
        match tag.name.as_str() {
            "step" => format!("## {}", tag.param("title").unwrap_or_default()),
            "code" if !self_closing => {
                self.fence = Some((DOCS_CODE_FENCE.to_owned(), self.lines.len()));
                format!("```{}", tag.param("language").unwrap_or_default())
            }
            "callout" if !self_closing => {
                self.open = Some(Open::Element);
                let kind = if tag.params.contains("critical") {
                    "warning"
                } else if tag.params.contains("important") {
                    "important"
                } else {
                    "note"
                };
                callout_head(kind, tag.param("title").as_deref())
            }
            // Code from a file of the docs' own repository: what the learner writes is named.
            "code" => tag
                .param("header")
                .map(|header| format!("*{header}*"))
                .unwrap_or_default(),
            // A link to another page of the docs, shown by its title.
            "pill" => tag
                .param("title")
                .map(|title| format!("- {title}"))
                .unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// `{: #id}` under a heading names its step: the heading gets `{#id}`.
    pub(super) fn heading_id(&mut self, list: &str) {
        let Some(id) = list
            .trim_start_matches("{:")
            .trim_end_matches('}')
            .split_whitespace()
            .find_map(|word| word.strip_prefix('#'))
            .filter(|id| !id.is_empty())
        else {
            return;
        };
        let Some(previous) = self.lines.last_mut() else {
            return;
        };
        let (text, end) = split_end(previous);
        if text.starts_with("##") && !text.contains("{#") {
            *previous = format!("{} {{#{id}}}{end}", text.trim_end());
        }
    }

    /// The body of an open admonition, tab or callout shortcode; `None` when the line is
    /// not part of one (and the block is closed).
    pub(super) fn in_open_block(&mut self, line: &str) -> Option<String> {
        let open = self.open.clone()?;
        match open {
            Open::Indented { mut levels } => {
                let quotes = |levels: &[bool]| {
                    levels
                        .iter()
                        .filter(|&&quote| quote)
                        .map(|_| "> ")
                        .collect::<String>()
                };
                if line.trim().is_empty() {
                    self.open = Some(Open::Indented {
                        levels: levels.clone(),
                    });
                    return Some(quotes(&levels).trim_end().to_owned());
                }
                let mut body = line;
                let mut covered = 0;
                while covered < levels.len() {
                    match body
                        .strip_prefix("    ")
                        .or_else(|| body.strip_prefix('\t'))
                    {
                        Some(rest) => {
                            body = rest;
                            covered += 1;
                        }
                        None => break,
                    }
                }
                if covered == 0 {
                    self.open = None;
                    return None;
                }
                levels.truncate(covered);
                let prefix = quotes(&levels);
                if self.fence.is_none()
                    && let Some((quote, head)) = indented_block_head(body)
                {
                    levels.push(quote);
                    self.open = Some(Open::Indented { levels });
                    return Some(format!("{prefix}{head}").trim_end().to_owned());
                }
                self.open = Some(Open::Indented { levels });
                let body = self.nested_line(body);
                Some(format!("{prefix}{body}"))
            }
            Open::Colons { depth } => {
                let trimmed = line.trim();
                if self.fence.is_none() && is_colon_close(trimmed) {
                    if depth == 0 {
                        self.open = None;
                        return Some(String::new());
                    }
                    self.open = Some(Open::Colons { depth: depth - 1 });
                    return Some(">".to_owned());
                }
                if self.fence.is_none()
                    && let Some(kind) = colon_fence(trimmed)
                {
                    self.open = Some(Open::Colons { depth: depth + 1 });
                    return Some(format!(">{}", &div_head(kind)[1..]));
                }
                let body = self.nested_line(line);
                Some(format!("> {body}"))
            }
            Open::Shortcode { name } => {
                if whole_shortcode(line.trim())
                    .is_some_and(|code| code.closing && code.name == name)
                {
                    self.open = None;
                    return Some(String::new());
                }
                let body = self.nested_line(line);
                Some(format!("> {body}"))
            }
            Open::Element => {
                if self.fence.is_none()
                    && whole_docs_element(line.trim())
                        .is_some_and(|tag| tag.closing && tag.name == "callout")
                {
                    self.open = None;
                    return Some(String::new());
                }
                let body = self.nested_line(line);
                Some(format!("> {body}").trim_end().to_owned())
            }
        }
    }

    /// A line inside an open block: fences and inline markup handled, no nested block.
    pub(super) fn nested_line(&mut self, line: &str) -> String {
        if let Some(text) = self.fence_line(line) {
            return text;
        }
        self.inline(line).into_owned()
    }

    /// A heading lifted to a step, when the text has no `##` heading.
    pub(super) fn heading(&mut self, line: &str) -> Option<String> {
        let lift = self.lift?;
        if !line.starts_with('#') {
            return None;
        }
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if !line[hashes..].starts_with([' ', '\t']) {
            return None;
        }
        match (lift, hashes) {
            (Lift::Level3, 3) => Some(format!("##{}", &self.inline(&line[3..]))),
            (Lift::SecondH1, 1) if self.seen_title => {
                Some(format!("##{}", &self.inline(&line[1..])))
            }
            (Lift::SecondH1, 1) => {
                self.seen_title = true;
                None
            }
            _ => None,
        }
    }

    /// Markup within a line.
    pub(super) fn inline<'l>(&self, line: &'l str) -> Cow<'l, str> {
        let mut line = Cow::Borrowed(line);
        if line.contains("{:") {
            line = Cow::Owned(strip_attribute_lists(&line));
        }
        if line.contains("{{site.data.keyword.") {
            line = Cow::Owned(keywords(&line));
        }
        if line.contains("{{<") || line.contains("{{%") {
            line = Cow::Owned(shortcodes(&line));
        }
        if line.contains("{%") || line.contains("{{ ") {
            line = Cow::Owned(liquid(&line));
        }
        if line.contains("walkthrough") {
            line = Cow::Owned(walkthrough(&line));
        }
        if line.contains("{{exec") || line.contains("{{copy") {
            line = Cow::Owned(killercoda_inline(&line));
        }
        line
    }
}
