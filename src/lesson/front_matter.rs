//! The optional YAML front matter of a lesson file.
//!
//! ```yaml
//! id: iks-security          # default: the file stem
//! title: Securing IKS
//! summary: One line for `labrun list`
//! duration: 45m
//! version: 1
//! requires:
//!   tools:
//!     - kubectl                                  # name only
//!     - { name: ibmcloud, hint: "curl -fsSL https://clis.cloud.ibm.com/install/linux | sh" }
//! vars:
//!   region:
//!     description: The IBM Cloud region
//!     prompt: Which region?
//!     default: us-south
//!     choices: [us-south, eu-de]
//!     pattern: "^[a-z]+-[a-z]+$"
//!     env: IBMCLOUD_REGION
//!   api_key: { secret: true, env: IBMCLOUD_API_KEY, prompt: "API key" }
//!   registry: { value: "{{region}}.icr.io" }
//! ```
//!
//! Unknown keys are errors, never silently ignored: every one is reported, and the keys that
//! are known still take effect. A YAML syntax error stops the front matter there.

use super::diagnostic::{Code, Diagnostic};
use super::span::Span;
use super::yaml::{Entry, Key, Node, Reader, Value, report_duplicates, report_unknown};

/// The front matter as written: what each key gave, before the lesson's parts are joined.
#[derive(Debug, Clone, Default)]
pub(super) struct FrontMatter {
    pub id: Option<String>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub duration: Option<String>,
    pub version: Option<String>,
    /// `watch: false`: no background checks at this lesson's steps.
    pub watch: Option<bool>,
    pub tools: Vec<ToolRequirement>,
    /// In order; a variable given twice is here twice (and reported).
    pub vars: Vec<(Key, RawVar)>,
}

/// The keys `labrun` knows, for suggestions.
pub(super) const KEYS: &[&str] = &[
    "id", "title", "summary", "duration", "version", "watch", "requires", "vars",
];
/// Keys other tools put in front matter that are near a key of labrun's: theirs, not typos.
const FOREIGN_KEYS: &[&str] = &[
    "tags",
    "type",
    "date",
    "draft",
    "slug",
    "weight",
    "layout",
    "aliases",
    "authors",
    "author",
    "toc",
    "menu",
    "notes",
    "level",
    "owner",
    "teaser",
    "series",
    "image",
    "icon",
    "order",
    "status",
    "section",
    "sidebar",
    "nav_order",
    "parent",
    "keywords",
    "linktitle",
    "subtitle",
    "reviewers",
    "redirect_from",
    "permalink",
    "categories",
    "description",
    "timelimit",
];

pub(super) const VAR_KEYS: &[&str] = &[
    "description",
    "prompt",
    "default",
    "choices",
    "pattern",
    "pattern_hint",
    "secret",
    "env",
    "value",
];

/// A program that must be on `PATH` before the lesson starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolRequirement {
    pub name: String,
    /// How to install it, shown when it is missing.
    pub hint: Option<String>,
}

/// A variable as written in the front matter.
#[derive(Debug, Clone, Default)]
pub(super) struct RawVar {
    pub description: Option<String>,
    pub prompt: Option<String>,
    pub default: Option<String>,
    /// Where `default` is.
    pub default_span: Option<Span>,
    pub choices: Vec<String>,
    /// The regex and where it is.
    pub pattern: Option<(String, Span)>,
    pub pattern_hint: Option<String>,
    pub secret: bool,
    pub env: Option<String>,
    pub value: Option<String>,
    /// Where `value` is.
    pub value_span: Option<Span>,
}

/// A declared variable of the lesson.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VarSpec {
    pub name: String,
    pub description: Option<String>,
    pub prompt: Option<String>,
    pub default: Option<String>,
    pub choices: Vec<String>,
    pub pattern: Option<String>,
    /// What `pattern` accepts, in words, shown when an answer does not match.
    pub pattern_hint: Option<String>,
    pub secret: bool,
    pub env: Option<String>,
    /// A fixed or templated value: the variable is computed, never asked.
    pub value: Option<String>,
    /// The name in the front matter.
    pub span: Span,
    pub file: usize,
}

impl VarSpec {
    /// Whether `value` is one this variable accepts: one of its `choices`, matching its
    /// `pattern`; the error says why not, in words a learner reads (a secret never echoed).
    pub fn validate(&self, value: &str) -> Result<(), String> {
        if !self.choices.is_empty() && !self.choices.iter().any(|choice| choice == value) {
            return Err(format!(
                "`{}` must be one of: {}",
                self.name,
                self.choices.join(", ")
            ));
        }
        if let Some(pattern) = &self.pattern {
            match regex::Regex::new(pattern) {
                Ok(regex) if !regex.is_match(value) => {
                    let shown = if self.secret {
                        crate::text::MASK
                    } else {
                        value
                    };
                    // Words first: a learner reads the hint, or the description, before a regex.
                    return Err(match (&self.pattern_hint, &self.description) {
                        (Some(hint), _) => format!("`{shown}` is not accepted: {hint}"),
                        (None, Some(description)) => format!(
                            "`{shown}` is not accepted for {} (it must match `{pattern}`)",
                            description.trim_end_matches('.')
                        ),
                        (None, None) => format!(
                            "`{shown}` does not match the pattern `{pattern}` of `{}`",
                            self.name
                        ),
                    });
                }
                Ok(_) => {}
                Err(error) => {
                    return Err(format!(
                        "the lesson's pattern for `{}` is invalid: {error}",
                        self.name
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Parses the YAML between the `---` lines; `base` is its byte offset in the file.
pub(super) fn parse_front_matter(
    yaml: &str,
    base: usize,
    diags: &mut Vec<Diagnostic>,
) -> FrontMatter {
    if yaml.trim().is_empty() {
        return FrontMatter::default();
    }
    let root = match Node::parse(yaml, base, Code::YamlSyntax) {
        Ok(root) => root,
        Err(diag) => {
            diags.push(diag);
            return FrontMatter::default();
        }
    };
    check_keys(&root, diags);
    let mut read = Reader::new(Code::InvalidFrontMatter, diags);
    if !root.is_null() {
        read.map(Some(&root), "the front matter");
    }
    let mut text = |name: &str| read.text(root.get(name), &format!("`{name}`"));
    let (id, title, summary) = (text("id"), text("title"), text("summary"));
    let (duration, version) = (text("duration"), text("version"));
    let watch = read.flag(root.get("watch"), "`watch`");
    if let (Some(id), Some(node)) = (&id, root.get("id"))
        && !is_valid_id(id)
    {
        read.diags.push(
            Diagnostic::new(
                Code::InvalidFrontMatter,
                node.span,
                format!("`id` must be letters, digits, `-`, `_` or `.`, not `{id}`"),
            )
            .with_help("the id names the lesson's progress logs and workspace: write it like `iks-security`"),
        );
    }
    if let (Some(duration), Some(node)) = (&duration, root.get("duration"))
        && !reads_as_time(duration)
    {
        read.diags.push(
            Diagnostic::new(
                Code::UnclearDuration,
                node.span,
                format!("`duration` should read as a time, not `{duration}`"),
            )
            .with_help("write how long the lesson takes, like `45m`, `1 hour` or `30-45 min`"),
        );
    }
    let requires = root.get("requires");
    read.map(requires, "`requires`");
    let tools = read
        .list(requires.and_then(|r| r.get("tools")), "`requires.tools`")
        .iter()
        .filter_map(|tool| read_tool(&mut read, tool))
        .collect();
    let vars = read
        .map(root.get("vars"), "`vars`")
        .iter()
        .map(|entry| (entry.key.clone(), read_var(&mut read, entry)))
        .collect();
    FrontMatter {
        id,
        title,
        summary,
        duration,
        version,
        watch,
        tools,
        vars,
    }
}

/// A lesson id: a name for files and logs, with no separator or space in it.
fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Whether a lesson's `duration` names a time: a number with a unit of time.
fn reads_as_time(duration: &str) -> bool {
    static TIME: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    TIME.get_or_init(|| {
        regex::Regex::new(
            r"(?i)\d\s*(ms|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)\b",
        )
        .expect("a valid regex")
    })
    .is_match(duration)
}

/// A tool: its name alone, or `{ name, hint }`.
fn read_tool(read: &mut Reader, tool: &Node) -> Option<ToolRequirement> {
    if !matches!(tool.value, Value::Map(_)) {
        let name = read.text(Some(tool), "a tool")?;
        return Some(ToolRequirement { name, hint: None });
    }
    let hint = read.text(tool.get("hint"), "a tool's `hint`");
    let Some(name) = read.text(tool.get("name"), "a tool's `name`") else {
        read.diags.push(
            Diagnostic::new(Code::InvalidFrontMatter, tool.span, "a tool needs a `name`")
                .with_help(
                    "write `- { name: kubectl, hint: \"how to install it\" }`, or just `- kubectl`",
                ),
        );
        return None;
    };
    Some(ToolRequirement { name, hint })
}

/// A variable's settings; a setting of the wrong kind is reported and left out.
fn read_var(read: &mut Reader, entry: &Entry) -> RawVar {
    let var = &entry.value;
    let name = &entry.key.name;
    read.map(Some(var), &format!("variable `{name}`"));
    let what = |key: &str| format!("`{key}` of variable `{name}`");
    let pattern_node = var.get("pattern");
    let pattern = read
        .text(pattern_node, &what("pattern"))
        .zip(pattern_node.map(|node| node.span));
    RawVar {
        description: read.text(var.get("description"), &what("description")),
        prompt: read.text(var.get("prompt"), &what("prompt")),
        default: read.text(var.get("default"), &what("default")),
        default_span: var.get("default").map(|node| node.span),
        choices: read.texts(var.get("choices"), &what("choices")),
        pattern,
        pattern_hint: read.text(var.get("pattern_hint"), &what("pattern_hint")),
        secret: read
            .flag(var.get("secret"), &what("secret"))
            .unwrap_or(false),
        env: read.text(var.get("env"), &what("env")),
        value: read.text(var.get("value"), &what("value")),
        value_span: var.get("value").map(|node| node.span),
    }
}

/// Unknown and duplicate keys, at every level labrun reads.
fn check_keys(root: &Node, diags: &mut Vec<Diagnostic>) {
    // Keys of other tools (Hugo, Jekyll, Docusaurus, Instruqt, runme) are theirs: only a
    // near miss of labrun's own is reported (an error in a lesson written for labrun, a
    // warning elsewhere: see `load`).
    for entry in root.entries() {
        let name = entry.key.name.as_str();
        if KEYS.contains(&name) || FOREIGN_KEYS.contains(&name) {
            continue;
        }
        if super::nearest(name, KEYS.iter().copied()).is_some() {
            diags.push(
                Diagnostic::new(
                    Code::UnknownKey,
                    entry.key.span,
                    format!("unknown key `{name}`"),
                )
                .with_suggestion(name, KEYS.iter().copied()),
            );
        }
    }
    report_duplicates(root, Code::InvalidFrontMatter, "key", diags);
    if let Some(requires) = root.get("requires") {
        report_unknown(requires, &["tools"], " under `requires`", diags);
        report_duplicates(requires, Code::InvalidFrontMatter, "key", diags);
        for tool in requires.get("tools").map_or(&[][..], Node::items) {
            report_unknown(tool, &["name", "hint"], " in a tool", diags);
            report_duplicates(tool, Code::InvalidFrontMatter, "key", diags);
        }
    }
    if let Some(vars) = root.get("vars") {
        report_duplicates(vars, Code::DuplicateVariable, "variable", diags);
        for entry in vars.entries() {
            report_unknown(
                &entry.value,
                VAR_KEYS,
                &format!(" in variable `{}`", entry.key.name),
                diags,
            );
            report_duplicates(&entry.value, Code::InvalidFrontMatter, "key", diags);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_checks_choices_and_pattern() {
        let mut region = VarSpec {
            name: "region".into(),
            ..VarSpec::default()
        };
        region.choices = vec!["us-south".into(), "eu-de".into()];
        assert!(region.validate("eu-de").is_ok());
        assert_eq!(
            region.validate("mars").unwrap_err(),
            "`region` must be one of: us-south, eu-de"
        );
        let mut name = VarSpec {
            name: "name".into(),
            ..VarSpec::default()
        };
        name.pattern = Some("^[a-z]+$".into());
        assert!(name.validate("ada").is_ok());
        assert!(
            name.validate("Ada!")
                .unwrap_err()
                .contains("does not match")
        );
        name.pattern_hint = Some("lowercase letters only".into());
        assert_eq!(
            name.validate("Ada!").unwrap_err(),
            "`Ada!` is not accepted: lowercase letters only"
        );
        name.secret = true;
        assert!(
            !name.validate("Ada!").unwrap_err().contains("Ada!"),
            "a secret is never echoed"
        );
    }
}
