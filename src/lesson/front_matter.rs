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

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_saphyr::Spanned;
use std::fmt;

use super::diagnostic::{Code, Diagnostic};
use super::span::Span;
use super::yaml::{KeyTree, Scalar, Yaml, entry_lines, report_duplicates, report_unknown};

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
        // `any`, so an empty value (`vars:` with nothing under it) is an empty map.
        deserializer.deserialize_any(MapVisitor(std::marker::PhantomData))
    }
}

/// Parses the YAML between the `---` lines; `base` is its byte offset in the file.
pub fn parse_front_matter(yaml: &str, base: usize, diags: &mut Vec<Diagnostic>) -> FrontMatter {
    if yaml.trim().is_empty() {
        return FrontMatter::default();
    }
    let yaml = Yaml::new(yaml, base);
    let keys = match yaml.keys() {
        Ok(keys) => keys,
        Err(diag) => {
            diags.push(diag);
            return FrontMatter::default();
        }
    };
    check_keys(&yaml, &keys, diags);
    // Entries that may be dropped when a value has the wrong type: each variable, then
    // each top-level key.
    let end = keys.last_line().max(yaml.text.lines().count());
    let mut entries = Vec::new();
    if let Some(vars) = keys.get("vars") {
        entries.extend(entry_lines(&vars.keys, end_of(&keys, "vars", end)));
    }
    entries.extend(entry_lines(&keys.keys, end));
    let mut front: FrontMatter = yaml.typed(&keys, &entries, Code::InvalidFrontMatter, diags);
    // A variable whose settings were dropped is still declared, so its uses are not
    // reported again as undefined.
    if let Some(vars) = keys.get("vars") {
        for (name, _) in &vars.keys {
            if !front
                .vars
                .0
                .iter()
                .any(|(known, _)| known.value == name.value)
            {
                front.vars.0.push((name.clone(), RawVar::default()));
            }
        }
    }
    front
}

/// The last line of the top-level entry `name`.
fn end_of(keys: &KeyTree, name: &str, end: usize) -> usize {
    let lines = entry_lines(&keys.keys, end);
    keys.keys
        .iter()
        .zip(lines)
        .rev()
        .find(|((key, _), _)| key.value == name)
        .map_or(end, |(_, range)| range.last)
}

/// Unknown and duplicate keys, at every level labrun reads.
fn check_keys(yaml: &Yaml, keys: &KeyTree, diags: &mut Vec<Diagnostic>) {
    report_unknown(yaml, keys, KEYS, "", diags);
    report_duplicates(yaml, keys, Code::InvalidFrontMatter, "key", diags);
    if let Some(requires) = keys.get("requires") {
        report_unknown(yaml, requires, &["tools"], " under `requires`", diags);
        for tool in requires.get("tools").map_or(&[][..], |tools| &tools.items) {
            report_unknown(yaml, tool, &["name", "hint"], " in a tool", diags);
        }
    }
    if let Some(vars) = keys.get("vars") {
        report_duplicates(yaml, vars, Code::DuplicateVariable, "variable", diags);
        for (name, var) in &vars.keys {
            report_unknown(
                yaml,
                var,
                VAR_KEYS,
                &format!(" in variable `{}`", name.value),
                diags,
            );
        }
    }
}
