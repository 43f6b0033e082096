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

mod fences;
mod markup;
mod normalizer;

use fences::*;
use markup::*;
use normalizer::*;

/// `text` with other tools' markup understood or stripped; borrowed when there is none.
#[cfg(test)]
pub(super) fn normalize(text: &str) -> Cow<'_, str> {
    normalize_with_placeholders(text).0
}

/// The text with other tools' markup understood or stripped, and the placeholders of its
/// commands: in a tutorial not written for labrun, `<cluster-name>` in a shell block is a
/// value the learner must give, so it becomes `{{cluster_name}}`; each is returned as
/// (variable name, the placeholder as written).
pub(super) fn normalize_with_placeholders(text: &str) -> (Cow<'_, str>, Vec<(String, String)>) {
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

/// A quick look for anything [`normalize_with_placeholders`] would change: one pass over the text, without
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

#[cfg(test)]
mod tests;
