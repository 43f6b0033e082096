//! Instruqt tracks: `track.yml`, and one folder per challenge (`01-install`, in that order)
//! holding `assignment.md` and its `setup-HOST`, `check-HOST`, `solve-HOST` and
//! `cleanup-HOST` scripts.

use std::path::Path;

use super::{ImportError, Imported, Part, intro_part, lesson_id, part_name, read};
use crate::lesson::Code;
use crate::lesson::yaml::{Node, Value};

/// How a check tells the learner why it failed, on Instruqt; here, on stderr.
const FAIL_MESSAGE: &str = "fail-message() { echo \"$*\" >&2; }";

pub(super) fn import(dir: &Path) -> Result<Imported, ImportError> {
    let track = yaml(dir, "track.yml", &read(dir, "track.yml")?)?;
    let title = text(track.get("title")).unwrap_or_else(|| lesson_id(dir));
    let mut left_out = Vec::new();
    let mut files = Vec::new();

    let mut intro = intro_part(
        &lesson_id(dir),
        &title,
        text(track.get("teaser")).as_deref(),
    );
    if let Some(description) = text(track.get("description")) {
        intro.markdown(&description);
    }
    let mut track_scripts: Vec<String> = names_in(&dir.join("track_scripts"));
    track_scripts.sort();
    for name in track_scripts
        .iter()
        .filter(|name| name.starts_with("setup-"))
    {
        let script = read(&dir.join("track_scripts"), name)?;
        intro.setup(&script, &format!("track script `{name}`"), &mut left_out);
    }
    files.push((part_name(0, "intro"), intro.text));

    if let Ok(config) = read(dir, "config.yml") {
        let config = yaml(dir, "config.yml", &config)?;
        for (key, what) in [
            ("containers", "container"),
            ("virtualmachines", "virtual machine"),
            ("gcp_projects", "Google Cloud project"),
            ("aws_accounts", "AWS account"),
            ("azure_subscriptions", "Azure subscription"),
        ] {
            for machine in config.get(key).map(Node::items).unwrap_or_default() {
                left_out.push(format!(
                    "the track ran on the {what} `{}`; the lesson runs on this machine",
                    text(machine.get("name")).unwrap_or_default()
                ));
            }
        }
    }

    let mut challenges: Vec<String> = names_in(dir)
        .into_iter()
        .filter(|name| dir.join(name).join("assignment.md").is_file())
        .collect();
    challenges.sort();
    for (index, name) in challenges.iter().enumerate() {
        let folder = dir.join(name);
        let number = index + 1;
        let assignment = read(&folder, "assignment.md")?;
        let (front, body) = split_front_matter(&assignment);
        let front = match front {
            Some(front) => yaml(&folder, "assignment.md", front)?,
            None => Node::parse("", 0, Code::YamlSyntax).map_err(|diag| invalid(&folder, diag))?,
        };
        let title = text(front.get("title")).unwrap_or_else(|| name.clone());
        let mut part = Part::default();
        part.line(&format!("## {title}"));
        if let Some(teaser) = text(front.get("teaser")) {
            part.markdown(&format!("*{}*", teaser.trim()));
        }
        for note in front.get("notes").map(Node::items).unwrap_or_default() {
            if let Some(contents) = text(note.get("contents")) {
                part.markdown(&contents);
            }
        }
        part.markdown(body);
        for tab in front.get("tabs").map(Node::items).unwrap_or_default() {
            if text(tab.get("type")).as_deref() == Some("website") {
                left_out.push(format!(
                    "challenge {number}'s website tab `{}` ({}) is not carried over",
                    text(tab.get("title")).unwrap_or_default(),
                    text(tab.get("url")).unwrap_or_default()
                ));
            }
        }
        let mut scripts = names_in(&folder);
        scripts.sort();
        for script_name in &scripts {
            let Some((role, host)) = script_name.split_once('-') else {
                if ["setup", "check", "solve", "cleanup"].contains(&script_name.as_str()) {
                    left_out.push(format!(
                        "challenge {number}'s `{script_name}` names no host; it is not carried over"
                    ));
                }
                continue;
            };
            let script = read(&folder, script_name)?;
            match role {
                "setup" => part.setup(
                    &script,
                    &format!("challenge {number}'s setup for `{host}`"),
                    &mut left_out,
                ),
                "check" => {
                    if !super::stays_in_workspace(&script) {
                        left_out.push(format!(
                            "challenge {number}'s check for `{host}` looks outside the workspace: it checks this machine, not the track's"
                        ));
                    }
                    let script = with_fail_message(&script);
                    part.script("bash {check}", &script);
                }
                "solve" => part.script("bash {solve}", &script),
                "cleanup" => left_out.push(format!(
                    "challenge {number}'s cleanup for `{host}` is not carried over (labrun cleans up when the lesson is reset)"
                )),
                _ => {}
            }
        }
        files.push((part_name(number, &title), part.text));
    }
    Ok(Imported {
        kind: "Instruqt track",
        title,
        files,
        left_out,
    })
}

/// A check script with Instruqt's `fail-message` defined after its `#!` line.
fn with_fail_message(script: &str) -> String {
    if !script.contains("fail-message") {
        return script.to_owned();
    }
    match script.split_once('\n') {
        Some((first, rest)) if first.starts_with("#!") => {
            format!("{first}\n{FAIL_MESSAGE}\n{rest}")
        }
        _ => format!("{FAIL_MESSAGE}\n{script}"),
    }
}

fn yaml(dir: &Path, name: &str, text: &str) -> Result<Node, ImportError> {
    Node::parse(text, 0, Code::YamlSyntax).map_err(|diag| ImportError::Invalid {
        path: dir.join(name),
        what: "YAML",
        reason: diag.message,
    })
}

fn invalid(dir: &Path, diag: crate::lesson::Diagnostic) -> ImportError {
    ImportError::Invalid {
        path: dir.join("assignment.md"),
        what: "YAML",
        reason: diag.message,
    }
}

fn text(node: Option<&Node>) -> Option<String> {
    match &node?.value {
        Value::Text { text, .. } if !text.trim().is_empty() => Some(text.clone()),
        _ => None,
    }
}

/// The front matter of a Markdown file, and the rest.
fn split_front_matter(text: &str) -> (Option<&str>, &str) {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return (None, text);
    };
    let mut at = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return (Some(&rest[..at]), &rest[at + line.len()..]);
        }
        at += line.len();
    }
    (None, text)
}

/// The names of the entries of `dir`.
fn names_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect()
}
