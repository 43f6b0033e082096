//! Tutorials written for other tools, read as lessons: their markup is turned into what it
//! means in labrun's Markdown, or stripped when it means nothing here, before parsing.
//!
//! What is understood, by the tool it comes from:
//!
//! | tool | markup | becomes |
//! | --- | --- | --- |
//! | kramdown (IBM Cloud docs, Jekyll) | `{: pre}` after a code block | the block is a shell command |
//! | kramdown (the Carpentries) | `{: .output}`, `{: .error}` after a code block | the block is output |
//! | | `{: .language-bash}` after a code block | its language, when it had none |
//! | | other `{: ...}` attribute lists | nothing |
//! | IBM Cloud docs | `{{site.data.keyword.NAME}}` | the product's name |
//! | | a blank line right after the opening `---` | front matter still |
//! | Hugo | `{{< note >}}` ... `{{< /note >}}` (also caution, warning) | a callout |
//! | | `{{< tab name="X" >}}` | **X** above the tab's text |
//! | | `{{< glossary_tooltip text="X" ... >}}` | X |
//! | | any other `{{< ... >}}` or `{{% ... %}}` | nothing |
//! | Liquid (Jekyll) | `{% highlight sh %}` ... `{% endhighlight %}` | a fenced block |
//! | | other `{% ... %}` tags, `{{ site.* }}`, `{{ x \| filter }}` | nothing (a filter's quoted argument stays) |
//! | MkDocs | `!!! tip "Title"`, `??? note`, `???+ warning` and their indented body | a callout |
//! | | `=== "Tab"` and its indented body | **Tab** above the tab's text |
//! | Docusaurus | `:::note` ... `:::` | a callout |
//! | Cloud Shell | `<walkthrough-*>` tags | their text only |
//! | Angular docs | `<docs-step title="X">` | a step `## X` |
//! | | `<docs-code language="ts">` ... `</docs-code>` | a fenced block |
//! | | `<docs-callout title="X">` ... `</docs-callout>` | a callout |
//! | | `<docs-code header="X" path="..."/>` (a file of the docs' repository) | *X* |
//! | | `<docs-pill title="X"/>` | a list item X |
//! | | other `<docs-*>` tags on a line of their own | nothing |
//! | | `[text](walkthrough://...)` | text |
//! | Killercoda | a block closed by ```` ```{{exec}} ```` | a shell command |
//! | | `` `cmd`{{exec}} ``, `{{copy}}` | `` `cmd` `` |
//! | runme, pandoc, MkDocs | `sh {"name":"x"}`, `{ .sh }`, `yaml{2,5}` | the language alone |
//! | MkDocs Material | `{ .sh .no-copy }` | `output`: not a command |
//! | any, in a tutorial not written for labrun | a bare or `txt` fence of commands or a `$ ` transcript | `sh` or `console` |
//! | any | no `##` heading, but `###` (or several `#`) | steps at that level |
//!
//! Nothing inside a fenced code block is touched but its fences. Every line stays a line:
//! what is stripped leaves an empty one, so a diagnostic's line number is the file's.

use std::borrow::Cow;

/// `text` with other tools' markup understood or stripped; borrowed when there is none.
#[cfg(test)]
pub fn normalize(text: &str) -> Cow<'_, str> {
    normalize_with_placeholders(text).0
}

/// [`normalize`], and the placeholders of its commands: in a tutorial not written for
/// labrun, `<cluster-name>` in a shell block is a value the learner must give, so it becomes
/// `{{cluster_name}}`; each is returned as (variable name, the placeholder as written).
pub fn normalize_with_placeholders(text: &str) -> (Cow<'_, str>, Vec<(String, String)>) {
    if !may_have_markup(text) {
        return (Cow::Borrowed(text), Vec::new());
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = Normalizer::default();
    out.run(&lines);
    let normalized = out.lines.concat();
    let placeholders = std::mem::take(&mut out.placeholders);
    if normalized == text {
        (Cow::Borrowed(text), placeholders)
    } else {
        (Cow::Owned(normalized), placeholders)
    }
}

/// The index of the line closing the front matter: a first line `---`, YAML (a `key:` line
/// at least), a line `---` or `...`.
fn front_matter_end(lines: &[&str]) -> Option<usize> {
    if lines.first().map(|line| line_text(line).trim_end()) != Some("---") {
        return None;
    }
    let mut keys = false;
    for (index, line) in lines.iter().enumerate().skip(1).take(200) {
        let text = line_text(line).trim_end();
        if matches!(text, "---" | "...") {
            return keys.then_some(index);
        }
        keys |= text
            .split_once(':')
            .is_some_and(|(key, _)| !key.is_empty() && !key.starts_with([' ', '#', '-']));
    }
    None
}

/// A quick look for anything [`normalize`] would change: one pass over the text, without
/// allocating, as most lessons have nothing to change and lint reads thousands of them.
fn may_have_markup(text: &str) -> bool {
    // Literals only, none at a line's start: the regex crate finds any of them in one pass.
    const LITERALS: &[&str] = &[
        "{:",
        "{{<",
        "{{%",
        "{%",
        "{{site.",
        "{{ site.",
        "{{page.",
        "{{ page.",
        "{{ include.",
        "{{ layout.",
        "relative_url",
        "absolute_url",
        ":::",
        "walkthrough",
        "{{exec",
        "{{execute",
        "{{copy",
        "{{open",
        "{{}}",
    ];
    static MARKS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        let alternation: Vec<String> = LITERALS.iter().map(|mark| regex::escape(mark)).collect();
        regex::Regex::new(&alternation.join("|")).expect("a valid pattern")
    });
    if text.starts_with("---\n\n") || text.starts_with("---\r\n\r\n") || MARKS.is_match(text) {
        return true;
    }
    // Steps from other heading levels, in a text without `##`.
    let has_steps = text.starts_with("## ") || text.contains("\n## ");
    if !has_steps && (text.contains("\n### ") || text.matches("\n# ").nth(1).is_some()) {
        return true;
    }
    let mut labrun = false;
    let mut foreign_fence = false;
    for line in text.lines() {
        let line = line.trim_start();
        if !(line.starts_with("```") || line.starts_with("~~~")) {
            // MkDocs admonitions and tabs open a line.
            if ["!!! ", "??? ", "???+ ", "=== \"", "===+ \""]
                .iter()
                .any(|mark| line.starts_with(mark))
            {
                return true;
            }
            labrun |= line == "vars:" || line == "requires:";
            continue;
        }
        labrun |= is_labrun_marker(line);
        let info = line.trim_start_matches(['`', '~']);
        // Another tool's attributes, or a closing fence with text after it.
        foreign_fence |= info.contains('{') && info.trim_end() != info_string(info).trim_end();
    }
    foreign_fence || (!labrun && text.contains('<'))
}

/// An open block of another tool whose body lines get a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Open {
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
struct Normalizer {
    lines: Vec<String>,
    /// The opening fence of the code block we are in: its marker, and its index in `lines`.
    fence: Option<(String, usize)>,
    /// The index of the opening line of the last code block that ended.
    last_block: Option<usize>,
    open: Option<Open>,
    /// Heading levels to lift by one (`###` → `##`), when the text has no `##`.
    lift: Option<Lift>,
    seen_title: bool,
    /// The text was not written for labrun: its placeholders are asked.
    foreign: bool,
    placeholders: Vec<(String, String)>,
}

/// How headings become steps in a text with no `##` heading.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lift {
    /// `###` headings are the steps.
    Level3,
    /// Every `#` after the first is a step.
    SecondH1,
}

impl Normalizer {
    fn run(&mut self, lines: &[&str]) {
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

    /// One line, without its line ending.
    fn line(&mut self, line: &str) -> String {
        if let Some(text) = self.in_open_block(line) {
            return text;
        }
        if let Some((marker, open_at)) = self.fence.clone() {
            return self.in_fence(line, &marker, open_at);
        }
        let trimmed = line.trim_start();
        if let Some(fence) = fence_marker(trimmed) {
            let indent = &line[..line.len() - trimmed.len()];
            self.fence = Some((fence.to_owned(), self.lines.len()));
            return format!("{indent}{fence}{}", info_string(&trimmed[fence.len()..]));
        }
        if let Some(text) = self.block_markup(line) {
            return text;
        }
        self.inline(line).into_owned()
    }

    /// A line inside a fenced block: only its closing fence is looked at.
    fn in_fence(&mut self, line: &str, marker: &str, open_at: usize) -> String {
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
    fn placeholders_in(&mut self, line: &str, open_at: usize) -> String {
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

    fn close_fence(&mut self, open_at: usize) {
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
            if let Some(lang) = super::commands::language_of_plain(&body) {
                self.set_language(open_at, lang);
            }
        }
    }

    /// Gives the fenced block opened at line `open_at` the language `sh` when it has none,
    /// or a plain-text one: another tool marks it as a command to run.
    fn make_shell(&mut self, open_at: usize) {
        self.set_language(open_at, "sh");
    }

    /// Gives the fenced block opened at line `open_at` the language `language`, whatever it
    /// had: another tool says what it is.
    fn replace_language(&mut self, open_at: usize, language: &str) {
        if let Some((indent, fence, _, end)) = self.opening(open_at) {
            self.lines[open_at] = format!("{indent}{fence}{language}{end}");
        }
    }

    /// The opening fence at line `open_at`, in parts: its indent, its fence, its info
    /// string (trimmed) and its line ending.
    fn opening(&self, open_at: usize) -> Option<(String, String, String, String)> {
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
    fn set_language(&mut self, open_at: usize, language: &str) {
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
    fn block_markup(&mut self, line: &str) -> Option<String> {
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
    fn docs_element(&mut self, tag: &Shortcode, line: &str) -> String {
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
    fn heading_id(&mut self, list: &str) {
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
    fn in_open_block(&mut self, line: &str) -> Option<String> {
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
    fn nested_line(&mut self, line: &str) -> String {
        if let Some((marker, open_at)) = self.fence.clone() {
            return self.in_fence(line, &marker, open_at);
        }
        let trimmed = line.trim_start();
        if let Some(fence) = fence_marker(trimmed) {
            let indent = &line[..line.len() - trimmed.len()];
            self.fence = Some((fence.to_owned(), self.lines.len()));
            return format!("{indent}{fence}{}", info_string(&trimmed[fence.len()..]));
        }
        self.inline(line).into_owned()
    }

    /// A heading lifted to a step, when the text has no `##` heading.
    fn heading(&mut self, line: &str) -> Option<String> {
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
    fn inline<'l>(&self, line: &'l str) -> Cow<'l, str> {
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

/// The "marker" of a code block opened by Liquid's `{% highlight %}`, which
/// `{% endhighlight %}` closes.
const LIQUID_FENCE: &str = "{% endhighlight %}";

/// The "marker" of a code block opened by Angular docs' `<docs-code>`.
const DOCS_CODE_FENCE: &str = "</docs-code>";

/// Tags a shell block may print (a heredoc of HTML): not placeholders.
const HTML_TAGS: &[&str] = &[
    "html", "head", "body", "div", "span", "p", "a", "b", "i", "em", "strong", "br", "hr", "ul",
    "ol", "li", "table", "tr", "td", "th", "pre", "code", "img", "meta", "link", "script", "style",
    "title", "form", "input", "button", "label", "select", "option", "h1", "h2", "h3", "h4", "h5",
    "h6", "nav", "main", "section", "header", "footer", "svg", "xml", "eof",
];

/// The text of a line without its line ending, and the ending.
fn split_end(line: &str) -> (&str, &str) {
    let text = line_text(line);
    (text, &line[text.len()..])
}

fn line_text(line: &str) -> &str {
    line.strip_suffix("\r\n")
        .or_else(|| line.strip_suffix('\n'))
        .unwrap_or(line)
}

/// The fence that opens a code block at the start of `line` (already without its indent).
fn fence_marker(line: &str) -> Option<&str> {
    let c = line.chars().next().filter(|&c| c == '`' || c == '~')?;
    let len = line.chars().take_while(|&x| x == c).count();
    (len >= 3 && !(c == '`' && line[len..].contains('`') && !is_killercoda_action(&line[len..])))
        .then(|| &line[..len])
}

/// A fence's info string, with another tool's attributes left out: runme's JSON
/// (`sh {"name":"x"}`), pandoc's classes (`{ .sh .no-copy }`), line highlights
/// (`yaml{2,5}`). labrun's own `{run ...}` is kept.
fn info_string(info: &str) -> String {
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
fn is_killercoda_action(text: &str) -> bool {
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
fn is_command_mark(list: &str) -> bool {
    list.trim_start_matches("{:")
        .trim_end_matches('}')
        .split_whitespace()
        .any(|word| word == "pre")
}

/// Whether a line shows the file was written for labrun: a fence with a block role, a quiz,
/// or front matter `vars:` or `requires:`.
fn is_labrun_marker(line: &str) -> bool {
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
fn steps_level(lines: &[&str]) -> Option<Lift> {
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
fn indented_block_head(line: &str) -> Option<(bool, String)> {
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

/// `text` without MkDocs Material's `:icon-name:` shortcodes.
fn without_icons(text: &str) -> String {
    text.split_whitespace()
        .filter(|word| !(word.len() > 2 && word.starts_with(':') && word.ends_with(':')))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The kind and title after the colons that open a Docusaurus admonition (`:::note`,
/// `:::tip Title`) or a pandoc div (`:::::: challenge`, `::: {.callout}`).
fn colon_fence(line: &str) -> Option<&str> {
    let colons = line.chars().take_while(|&c| c == ':').count();
    if colons < 3 {
        return None;
    }
    let rest = line[colons..].trim().trim_end_matches(':').trim();
    let rest = rest
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim()
        .trim_start_matches('.');
    rest.chars()
        .next()
        .is_some_and(char::is_alphabetic)
        .then_some(rest)
}

/// A line of colons alone: the end of a div or an admonition.
fn is_colon_close(line: &str) -> bool {
    line.len() >= 3 && line.chars().all(|c| c == ':')
}

/// The first line of a callout for a div or admonition: GitHub's kinds as they are, any
/// other word (`challenge`, `objectives`) as a bold title.
fn div_head(rest: &str) -> String {
    let (kind, title) = admonition(rest);
    let github = [
        "note",
        "tip",
        "info",
        "important",
        "warning",
        "caution",
        "danger",
        "hint",
        "attention",
    ];
    match title {
        Some(title) => callout_head(&kind, Some(&title)),
        None if github.contains(&kind.as_str()) => callout_head(&kind, None),
        None => {
            let mut chars = kind.chars();
            let word: String = chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default();
            format!("> **{word}**")
        }
    }
}

/// `kind "Title"` of an admonition: its kind, and its title when quoted.
fn admonition(rest: &str) -> (String, Option<String>) {
    let (kind, title) = match rest.find('"') {
        Some(quote) => (
            rest[..quote].trim(),
            Some(rest[quote..].trim().trim_matches('"').to_owned()),
        ),
        None => {
            let mut words = rest.splitn(2, char::is_whitespace);
            let kind = words.next().unwrap_or("note");
            let title = words
                .next()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned);
            (kind, title)
        }
    };
    let kind = kind
        .split_whitespace()
        .next()
        .unwrap_or("note")
        .to_ascii_lowercase();
    (kind, title.filter(|title| !title.is_empty()))
}

/// The first line of a callout for an admonition of `kind`: GitHub's five kinds, or the
/// title in bold when there is one (a callout's first line holds nothing else).
fn callout_head(kind: &str, title: Option<&str>) -> String {
    if let Some(title) = title {
        return format!("> **{title}**");
    }
    let github = match kind {
        "tip" | "hint" | "success" | "check" | "done" | "example" => "TIP",
        "important" | "info" | "todo" | "question" | "help" | "faq" | "abstract" | "summary" => {
            "IMPORTANT"
        }
        "warning" | "attention" | "caution" | "failure" | "fail" | "missing" | "bug" => "WARNING",
        "danger" | "error" | "alert" => "CAUTION",
        _ => "NOTE",
    };
    format!("> [!{github}]")
}

/// A Hugo shortcode: `{{< name key="value" >}}`, `{{% /name %}}`.
struct Shortcode {
    name: String,
    closing: bool,
    params: String,
}

impl Shortcode {
    fn param(&self, key: &str) -> Option<String> {
        let at = self.params.find(&format!("{key}=\""))? + key.len() + 2;
        let end = self.params[at..].find('"')? + at;
        Some(self.params[at..end].to_owned())
    }
}

/// The shortcode that is the whole of `text`.
fn whole_shortcode(text: &str) -> Option<Shortcode> {
    let inner = text
        .strip_prefix("{{<")
        .and_then(|t| t.strip_suffix(">}}"))
        .or_else(|| text.strip_prefix("{{%").and_then(|t| t.strip_suffix("%}}")))?;
    if inner.contains("}}") {
        return None;
    }
    let inner = inner.trim();
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, inner),
    };
    let name_end = inner.find(char::is_whitespace).unwrap_or(inner.len());
    Some(Shortcode {
        name: inner[..name_end].to_owned(),
        closing,
        params: inner[name_end..].to_owned(),
    })
}

/// The Angular docs element (`<docs-step title="X">`, `</docs-step>`,
/// `<docs-code path="x"/>`) that opens `text` and takes its whole first tag; its name
/// without `docs-`.
fn whole_docs_element(text: &str) -> Option<Shortcode> {
    let (closing, rest) = match text.strip_prefix("</docs-") {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix("<docs-")?),
    };
    let end = rest.find('>')?;
    let inner = rest[..end].trim_end_matches('/');
    let name_end = inner.find(char::is_whitespace).unwrap_or(inner.len());
    let name = &inner[..name_end];
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '-')).then(|| {
        Shortcode {
            name: name.to_owned(),
            closing,
            params: inner[name_end..].to_owned(),
        }
    })
}

/// The Liquid tag that is the whole of `text`: `{% raw %}` gives `raw`.
fn whole_liquid_tag(text: &str) -> Option<&str> {
    let inner = text.strip_prefix("{%")?.strip_suffix("%}")?;
    (!inner.contains("%}")).then(|| inner.trim().trim_matches('-').trim())
}

/// Each `{{< ... >}}` and `{{% ... %}}` in a line: a glossary tooltip becomes its text,
/// any other shortcode nothing.
fn shortcodes(line: &str) -> String {
    let keep_text = |code: &str| match whole_shortcode(code) {
        Some(code) if !code.closing => code.param("text").unwrap_or_default(),
        _ => String::new(),
    };
    let line = replace_spans(line, "{{<", ">}}", keep_text);
    replace_spans(&line, "{{%", "%}}", keep_text)
}

/// `line` with each span from `open` to the next `close` replaced by what `replace` makes of
/// it (delimiters included); an `open` never closed, and what follows it, stay as written.
fn replace_spans(line: &str, open: &str, close: &str, replace: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find(open) {
        let Some(len) = rest[start + open.len()..].find(close) else {
            break;
        };
        let end = start + open.len() + len + close.len();
        out.push_str(&rest[..start]);
        out.push_str(&replace(&rest[start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Each Liquid tag (`{% include x %}`) and output naming the site or a filter
/// (`{{ site.baseurl }}`, `{{ "/a" | relative_url }}`) in a line: gone, but for a filter's
/// quoted argument, which stays.
fn liquid(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    loop {
        let tag = rest.find("{%");
        let output = rest.find("{{ ");
        let (start, close) = match (tag, output) {
            (Some(t), Some(o)) if o < t => (o, "}}"),
            (Some(t), _) => (t, "%}"),
            (None, Some(o)) => (o, "}}"),
            (None, None) => break,
        };
        let Some(len) = rest[start..].find(close) else {
            break;
        };
        let end = start + len + close.len();
        let inner = &rest[start + 2..end - 2];
        out.push_str(&rest[..start]);
        if close == "}}" {
            let inner = inner.trim();
            let is_liquid = inner.contains('|')
                || ["site.", "page.", "include.", "layout."]
                    .iter()
                    .any(|prefix| inner.starts_with(prefix));
            if !is_liquid {
                // A template of another kind (Go, Jinja): text.
                out.push_str(&rest[start..end]);
            } else if let Some(quoted) = inner
                .split('|')
                .next()
                .map(str::trim)
                .filter(|v| v.len() >= 2 && (v.starts_with('"') || v.starts_with('\'')))
            {
                out.push_str(&quoted[1..quoted.len() - 1]);
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `{: ...}` attribute lists at the end of a line (`## Title {: #id}`, `text{: .note}`).
fn strip_attribute_lists(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find("{:") {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push_str(rest[..start].trim_end_matches(' '));
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// IBM Cloud docs' product names, `{{site.data.keyword.NAME}}`: the names of the products
/// the IKS lessons use, as the published topics on cloud.ibm.com/docs show them (`_notm`
/// is the same name without a trademark sign); any other becomes its key.
fn keywords(line: &str) -> String {
    const NAMES: &[(&str, &str)] = &[
        ("cloud_notm", "IBM Cloud"),
        ("cloud", "IBM Cloud"),
        ("registrylong", "IBM Cloud Container Registry"),
        ("registrylong_notm", "IBM Cloud Container Registry"),
        ("registryshort", "Container Registry"),
        ("registryshort_notm", "Container Registry"),
        ("containerlong", "IBM Cloud Kubernetes Service"),
        ("containerlong_notm", "IBM Cloud Kubernetes Service"),
        ("containershort", "IBM Cloud Kubernetes Service"),
        ("containershort_notm", "IBM Cloud Kubernetes Service"),
        ("keymanagementservicelong", "IBM Key Protect for IBM Cloud"),
        (
            "keymanagementservicelong_notm",
            "IBM Key Protect for IBM Cloud",
        ),
        ("keymanagementserviceshort", "Key Protect"),
        ("va_full", "Vulnerability Advisor"),
        ("va_short", "Vulnerability Advisor"),
        ("iamlong", "IBM Cloud Identity and Access Management"),
        ("iamshort", "IAM"),
        ("openshiftlong", "Red Hat OpenShift on IBM Cloud"),
        ("openshiftlong_notm", "Red Hat OpenShift on IBM Cloud"),
        ("openshiftshort", "Red Hat OpenShift"),
        ("codeenginefull", "IBM Cloud Code Engine"),
        ("codeengineshort", "Code Engine"),
    ];
    replace_spans(line, "{{site.data.keyword.", "}}", |tag| {
        let key = &tag["{{site.data.keyword.".len()..tag.len() - 2];
        match NAMES.iter().find(|(name, _)| *name == key) {
            Some((_, product)) => (*product).to_owned(),
            // The docs' shared definitions, included at the top of a topic: nothing to read.
            None if key.starts_with("attribute-definition") => String::new(),
            None => key.to_owned(),
        }
    })
}

/// Cloud Shell's `<walkthrough-...>` tags (their text stays) and `walkthrough://` links
/// (their text stays).
fn walkthrough(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    loop {
        let tag = rest
            .find("<walkthrough-")
            .or_else(|| rest.find("</walkthrough-"));
        let tag = [rest.find("<walkthrough-"), rest.find("</walkthrough-")]
            .into_iter()
            .flatten()
            .min()
            .or(tag);
        let link = rest.find("](walkthrough://");
        match (tag, link) {
            (Some(t), l) if l.is_none_or(|l| t < l) => {
                let Some(len) = rest[t..].find('>') else {
                    break;
                };
                out.push_str(&rest[..t]);
                rest = &rest[t + len + 1..];
            }
            (_, Some(l)) => {
                // `[text](walkthrough://...)`: the text, without its brackets.
                let Some(open) = rest[..l].rfind('[') else {
                    out.push_str(&rest[..l + 2]);
                    rest = &rest[l + 2..];
                    continue;
                };
                let Some(len) = rest[l..].find(')') else {
                    break;
                };
                out.push_str(&rest[..open]);
                out.push_str(&rest[open + 1..l]);
                rest = &rest[l + len + 1..];
            }
            _ => break,
        }
    }
    out.push_str(rest);
    out
}

/// Killercoda's `` `cmd`{{exec}} `` and `{{copy}}` after inline code: the code alone.
fn killercoda_inline(line: &str) -> String {
    replace_spans(line, "`{{", "}}", |span| {
        if is_killercoda_action(&span[1..]) {
            "`".to_owned()
        } else {
            span.to_owned()
        }
    })
}

#[cfg(test)]
mod tests;
