//! Killercoda and Katacoda scenarios: `index.json` naming the intro, the steps and the
//! finish, each a Markdown file with scripts beside it.

use std::path::Path;

use serde_json::Value;

use super::{ImportError, Imported, Part, intro_part, lesson_id, part_name, read};

pub(super) fn import(dir: &Path) -> Result<Imported, ImportError> {
    let raw = read(dir, "index.json")?;
    let index: Value = serde_json::from_str(&without_trailing_commas(&raw)).map_err(|error| {
        ImportError::Invalid {
            path: dir.join("index.json"),
            what: "JSON",
            reason: error.to_string(),
        }
    })?;
    let kind = "Killercoda or Katacoda scenario";
    let text = |value: &Value, key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    let title = text(&index, "title").unwrap_or_else(|| lesson_id(dir));
    let details = index.get("details").cloned().unwrap_or(Value::Null);
    let mut left_out = Vec::new();
    let mut files = Vec::new();
    let file = |name: &str, left_out: &mut Vec<String>| -> Option<String> {
        match read(dir, name) {
            Ok(text) => Some(text),
            Err(_) => {
                left_out.push(format!("`{name}` is named in index.json but missing"));
                None
            }
        }
    };

    // The intro: the lesson's title, its text, and its background script as the setup.
    let mut intro = intro_part(
        &lesson_id(dir),
        &title,
        text(&index, "description").as_deref(),
    );
    if let Some(page) = details.get("intro") {
        if let Some(markdown) = text(page, "text").and_then(|name| file(&name, &mut left_out)) {
            intro.markdown(&file_snippets(&markdown));
        }
        for key in ["background", "courseData"] {
            if let Some(script) = text(page, key).and_then(|name| file(&name, &mut left_out)) {
                intro.setup(&script, "intro's background script", &mut left_out);
            }
        }
        foreground(page, "the intro", &mut left_out);
    }
    files.push((part_name(0, "intro"), intro.text));

    let mut ids = std::collections::HashSet::new();
    let steps = details
        .get("steps")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (index, step) in steps.iter().enumerate() {
        let number = index + 1;
        let title = text(step, "title").unwrap_or_else(|| format!("Step {number}"));
        let mut part = Part::default();
        part.line(&format!("## {title}{}", unique_id(&title, &mut ids)));
        if let Some(markdown) = text(step, "text").and_then(|name| file(&name, &mut left_out)) {
            part.markdown(&file_snippets(&markdown));
        }
        for key in ["background", "courseData"] {
            if let Some(script) = text(step, key).and_then(|name| file(&name, &mut left_out)) {
                part.setup(
                    &script,
                    &format!("step {number}'s background script"),
                    &mut left_out,
                );
            }
        }
        if let Some(script) = text(step, "verify").and_then(|name| file(&name, &mut left_out)) {
            if !super::stays_in_workspace(&script) {
                left_out.push(format!(
                    "step {number}'s verify script looks outside the workspace: it checks this machine, not the scenario's"
                ));
            }
            part.script("bash {check}", &script);
        }
        foreground(step, &format!("step {number}"), &mut left_out);
        files.push((part_name(number, &title), part.text));
    }

    if let Some(page) = details.get("finish") {
        let mut part = Part::default();
        part.line(&format!("## Finish{}", unique_id("Finish", &mut ids)));
        if let Some(markdown) = text(page, "text").and_then(|name| file(&name, &mut left_out)) {
            part.markdown(&file_snippets(&markdown));
        }
        files.push((part_name(steps.len() + 1, "finish"), part.text));
    }

    if let Some(image) = index.pointer("/backend/imageid").and_then(Value::as_str) {
        left_out.push(format!(
            "the scenario ran on the `{image}` image; the lesson runs on this machine, which needs what it installed"
        ));
    }
    for (host, assets) in details
        .get("assets")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for asset in assets.as_array().into_iter().flatten() {
            left_out.push(format!(
                "asset `{}` for `{host}` (copied to `{}`) is not copied: it is written outside the workspace",
                text(asset, "file").unwrap_or_default(),
                text(asset, "target").unwrap_or_default()
            ));
        }
    }
    if dir_mentions(dir, &["{{execute T", "{{execute HOST"]) {
        left_out.push(
            "commands sent to another terminal or host (`{{execute T2}}`) run in the one terminal here"
                .to_owned(),
        );
    }
    Ok(Imported {
        kind,
        title,
        files,
        left_out,
    })
}

/// A foreground script typed into the learner's terminal: not carried.
fn foreground(page: &Value, place: &str, left_out: &mut Vec<String>) {
    if let Some(name) = page.get("foreground").and_then(Value::as_str) {
        left_out.push(format!(
            "{place}'s foreground script `{name}` (typed into the learner's terminal) is not carried over"
        ));
    }
}

/// ` {#id}` for a title whose slug another step has already, else nothing.
fn unique_id(title: &str, ids: &mut std::collections::HashSet<String>) -> String {
    let slug = crate::lesson::slug(title);
    if ids.insert(slug.clone()) {
        return String::new();
    }
    let mut number = 2;
    while !ids.insert(format!("{slug}-{number}")) {
        number += 1;
    }
    format!(" {{#{slug}-{number}}}")
}

/// Whether any Markdown file of the scenario holds any of `texts`.
fn dir_mentions(dir: &Path, texts: &[&str]) -> bool {
    walk_markdown(dir, 0)
        .iter()
        .any(|content| texts.iter().any(|text| content.contains(text)))
}

fn walk_markdown(dir: &Path, depth: usize) -> Vec<String> {
    let mut found = Vec::new();
    if depth > 4 {
        return found;
    }
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk_markdown(&path, depth + 1));
        } else if path.extension().is_some_and(|ext| ext == "md") {
            found.extend(std::fs::read_to_string(&path).ok());
        }
    }
    found
}

/// `text` without commas before `}` or `]` (outside strings): index.json files in the wild
/// have them, and JSON does not allow them.
pub(in crate::lesson) fn without_trailing_commas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}' | ']')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Katacoda's snippets for its editor, `<pre class="file" data-filename="app.yaml"
/// data-target="replace">...</pre>` (or `append`), made into what the learner runs here: a
/// command that writes or appends the text to that file. A snippet with no file name (or
/// for the clipboard) becomes a plain code block.
pub(super) fn file_snippets(markdown: &str) -> String {
    const OPEN: &str = "<pre class=\"file\"";
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(start) = rest.find(OPEN) {
        let Some(tag_end) = rest[start..].find('>').map(|at| start + at) else {
            break;
        };
        let Some(close) = rest[tag_end..].find("</pre>").map(|at| tag_end + at) else {
            break;
        };
        out.push_str(&rest[..start]);
        let tag = &rest[start..tag_end];
        let attribute = |name: &str| {
            let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
            let end = tag[at..].find('"')? + at;
            Some(tag[at..end].to_owned())
        };
        let content =
            crate::lesson::markdown::decode_entities(rest[tag_end + 1..close].trim_matches('\n'));
        let target = attribute("data-target").unwrap_or_else(|| "replace".into());
        let file = attribute("data-filename").filter(|name| {
            !name.is_empty()
                && !name.starts_with('/')
                && !name.split('/').any(|part| part == "..")
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c))
        });
        let block = match file {
            Some(file) if target != "clipboard" => {
                let (verb, redirect) = if target.contains("append") {
                    ("Add to", ">>")
                } else {
                    ("Write", ">")
                };
                let mut end = "EOF".to_owned();
                while content.lines().any(|line| line == end) {
                    end.push('_');
                }
                format!(
                    "\n\n{verb} `{file}`:\n\n```sh\ncat {redirect} {file} <<'{end}'\n{content}\n{end}\n```\n\n"
                )
            }
            _ => format!("\n\n```\n{content}\n```\n\n"),
        };
        out.push_str(&block);
        rest = &rest[close + "</pre>".len()..];
    }
    out.push_str(rest);
    out
}
