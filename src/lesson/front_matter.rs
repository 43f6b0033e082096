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

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_saphyr::Spanned;

use super::diagnostic::{Code, Diagnostic};
use super::span::Span;

// Unknown keys are found by `unknown_keys`, which reports them all; the typed structs
// skip them, so the rest of the front matter still counts.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FrontMatter {
    pub id: Option<Scalar>,
    pub title: Option<Scalar>,
    pub summary: Option<Scalar>,
    pub duration: Option<Scalar>,
    pub version: Option<Scalar>,
    #[serde(default)]
    pub requires: Requires,
    #[serde(default)]
    pub vars: SpannedMap<RawVar>,
}

/// The keys `labrun` knows, for suggestions.
pub const KEYS: &[&str] = &[
    "id", "title", "summary", "duration", "version", "requires", "vars",
];
pub const VAR_KEYS: &[&str] = &[
    "description",
    "prompt",
    "default",
    "choices",
    "pattern",
    "secret",
    "env",
    "value",
];

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Requires {
    #[serde(default)]
    pub tools: Vec<ToolEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ToolEntry {
    Name(String),
    Full {
        name: String,
        #[serde(default)]
        hint: Option<String>,
    },
}

/// A program that must be on `PATH` before the lesson starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToolRequirement {
    pub name: String,
    /// How to install it, shown when it is missing.
    pub hint: Option<String>,
}

impl From<ToolEntry> for ToolRequirement {
    fn from(entry: ToolEntry) -> Self {
        match entry {
            ToolEntry::Name(name) => Self { name, hint: None },
            ToolEntry::Full { name, hint } => Self { name, hint },
        }
    }
}

/// A YAML scalar kept as text: `version: 1` and `version: "1"` mean the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;
        impl Visitor<'_> for ScalarVisitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_owned()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        deserializer.deserialize_any(ScalarVisitor)
    }
}

/// A variable as written in the front matter.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawVar {
    pub description: Option<String>,
    pub prompt: Option<String>,
    pub default: Option<Scalar>,
    #[serde(default)]
    pub choices: Vec<Scalar>,
    pub pattern: Option<Spanned<String>>,
    #[serde(default)]
    pub secret: bool,
    pub env: Option<String>,
    pub value: Option<Scalar>,
}

/// A declared variable of the lesson.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VarSpec {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    pub secret: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
    /// A fixed or templated value: the variable is computed, never asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The name in the front matter.
    #[serde(skip)]
    pub span: Span,
    #[serde(skip)]
    pub file: usize,
}

/// A YAML mapping whose order and key positions are kept.
#[derive(Debug, Clone)]
pub struct SpannedMap<V>(pub Vec<(Spanned<String>, V)>);

impl<V> Default for SpannedMap<V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for SpannedMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = SpannedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of names to settings")
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(SpannedMap::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(SpannedMap(entries))
            }
        }
        deserializer.deserialize_map(MapVisitor(std::marker::PhantomData))
    }
}

/// Parses the YAML between the `---` lines; `base` is its byte offset in the file.
pub fn parse_front_matter(yaml: &str, base: usize, diags: &mut Vec<Diagnostic>) -> FrontMatter {
    if yaml.trim().is_empty() {
        return FrontMatter::default();
    }
    let keys = match serde_saphyr::from_str::<KeyTree>(yaml) {
        Ok(keys) => keys,
        Err(error) => {
            diags.push(yaml_diagnostic(&error, yaml, base, Code::YamlSyntax));
            return FrontMatter::default();
        }
    };
    unknown_keys(&keys, yaml, base, diags);
    serde_saphyr::from_str::<FrontMatter>(yaml).unwrap_or_else(|error| {
        diags.push(yaml_diagnostic(
            &error,
            yaml,
            base,
            Code::InvalidFrontMatter,
        ));
        FrontMatter::default()
    })
}

/// The keys of a YAML document and where they are, values ignored.
#[derive(Debug, Default)]
struct KeyTree {
    keys: Vec<(Spanned<String>, KeyTree)>,
    items: Vec<KeyTree>,
}

impl<'de> Deserialize<'de> for KeyTree {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TreeVisitor;
        impl<'de> Visitor<'de> for TreeVisitor {
            type Value = KeyTree;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyTree, A::Error> {
                let mut tree = KeyTree::default();
                while let Some(entry) = map.next_entry()? {
                    tree.keys.push(entry);
                }
                Ok(tree)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<KeyTree, A::Error> {
                let mut tree = KeyTree::default();
                while let Some(item) = seq.next_element()? {
                    tree.items.push(item);
                }
                Ok(tree)
            }
            fn visit_bool<E>(self, _: bool) -> Result<KeyTree, E> {
                Ok(KeyTree::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<KeyTree, E> {
                Ok(KeyTree::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<KeyTree, E> {
                Ok(KeyTree::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<KeyTree, E> {
                Ok(KeyTree::default())
            }
            fn visit_str<E>(self, _: &str) -> Result<KeyTree, E> {
                Ok(KeyTree::default())
            }
            fn visit_unit<E>(self) -> Result<KeyTree, E> {
                Ok(KeyTree::default())
            }
        }
        deserializer.deserialize_any(TreeVisitor)
    }
}

fn unknown_keys(tree: &KeyTree, yaml: &str, base: usize, diags: &mut Vec<Diagnostic>) {
    let mut report = |key: &Spanned<String>, known: &[&str], place: &str| {
        if known.contains(&key.value.as_str()) {
            return;
        }
        let span = super::quiz::located(&key.referenced, yaml, base)
            .map_or(Span::new(base, base), |span| span.sub(0, key.value.len()));
        diags.push(
            Diagnostic::new(
                Code::UnknownKey,
                span,
                format!("unknown key `{}`{place}", key.value),
            )
            .with_suggestion(&key.value, known.iter().copied())
            .with_help_unless_set(format!("expected one of {}", known.join(", "))),
        );
    };
    for (key, value) in &tree.keys {
        report(key, KEYS, "");
        match key.value.as_str() {
            "requires" => {
                for (key, tools) in &value.keys {
                    report(key, &["tools"], " under `requires`");
                    for tool in &tools.items {
                        for (key, _) in &tool.keys {
                            report(key, &["name", "hint"], " in a tool");
                        }
                    }
                }
            }
            "vars" => {
                for (name, var) in &value.keys {
                    let place = format!(" in variable `{}`", name.value);
                    for (key, _) in &var.keys {
                        report(key, VAR_KEYS, &place);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Turns a YAML error into a diagnostic at its position. `code` says what kind of problem the
/// caller's pass can find: syntax (any YAML is accepted) or shape (typed deserialization).
pub(crate) fn yaml_diagnostic(
    error: &serde_saphyr::Error,
    yaml: &str,
    base: usize,
    code: Code,
) -> Diagnostic {
    let offset = error
        .location()
        .and_then(|location| location.span().byte_offset())
        .map_or(0, |offset| {
            usize::try_from(offset).unwrap_or(0).min(yaml.len())
        });
    let message = plain_message(error);
    let token_len = yaml[offset..]
        .find(|c: char| c == ':' || c == '\n')
        .unwrap_or(yaml.len() - offset)
        .max(1);
    let span = Span::new(
        base + offset,
        base + offset + token_len.min(yaml.len() - offset),
    );
    if let Some(field) = unknown_field(&message) {
        return Diagnostic::new(Code::UnknownKey, span, format!("unknown key `{field}`"));
    }
    Diagnostic::new(code, span, message)
}

fn plain_message(error: &serde_saphyr::Error) -> String {
    let options = serde_saphyr::render_options! { snippets: serde_saphyr::SnippetMode::Off };
    let rendered = error.render_with_options(options);
    let first_line = rendered.lines().next().unwrap_or("invalid YAML");
    let message = match first_line.rfind(" at line ") {
        Some(at) => &first_line[..at],
        None => first_line,
    };
    let message = message.trim().trim_end_matches('.');
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "invalid YAML".into(),
    }
}

fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.split("unknown field `").nth(1)?;
    rest.split('`').next()
}
