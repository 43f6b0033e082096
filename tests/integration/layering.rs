//! The modules build on one another in the order `src/lib.rs` gives: a module's code (tests
//! aside) names none of the modules after it, so the lesson format and the progress log's
//! schema are defined by themselves, not by the code that runs or shows them.

use std::path::{Path, PathBuf};

/// Bottom to top, as `src/lib.rs` lists them.
const LAYERS: &[&str] = &[
    "text", "style", "lesson", "progress", "exec", "engine", "ui", "report", "serve", "cli",
];

/// The code files of module `name`: `src/NAME.rs` and everything under `src/NAME/`, but test
/// files (`tests.rs`, a `tests/` folder) and the fixtures beside them.
fn code_files(name: &str) -> Vec<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![src.join(format!("{name}.rs"))];
    let mut folders = vec![src.join(name)];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for path in entries.flatten().map(|entry| entry.path()) {
            let file_name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if path.is_dir() && file_name != "tests" && file_name != "fixtures" {
                folders.push(path);
            } else if file_name.ends_with(".rs") && file_name != "tests.rs" {
                files.push(path);
            }
        }
    }
    files.retain(|path| path.exists());
    files
}

/// The text of a file up to its inline test module, if it has one.
fn without_tests(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests {")
        .map_or(text, |at| &text[..at])
}

#[test]
fn no_module_names_a_module_above_it() {
    let mut upward = Vec::new();
    for (level, name) in LAYERS.iter().enumerate() {
        let files = code_files(name);
        assert!(!files.is_empty(), "no code for module `{name}`");
        for path in files {
            let text = std::fs::read_to_string(&path).expect("read a source file");
            for above in &LAYERS[level + 1..] {
                let named = format!("crate::{above}::");
                let named_alone = format!("crate::{above};");
                for (number, line) in without_tests(&text).lines().enumerate() {
                    if line.contains(&named) || line.contains(&named_alone) {
                        upward.push(format!(
                            "{}:{}: {name} names {above}",
                            path.display(),
                            number + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(
        upward.is_empty(),
        "modules name modules above them:\n{}",
        upward.join("\n")
    );
}

/// Within `ui`, the typesetting engine (`ui/typeset/`) sits below the lesson views
/// (`ui/render/`) and the two interfaces: it knows Markdown and terminals, and asks the view
/// how to draw a lesson's block rather than naming it.
#[test]
fn the_typesetting_engine_names_no_view_and_no_session() {
    let above = [
        "crate::ui::render",
        "crate::ui::plain",
        "crate::ui::terminal",
        "crate::ui::show_json",
        "crate::engine",
        "super::super::",
    ];
    let mut upward = Vec::new();
    let files = code_files("ui/typeset");
    assert!(files.len() > 1, "no code for `ui/typeset`");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read a source file");
        for (number, line) in without_tests(&text).lines().enumerate() {
            if let Some(name) = above.iter().find(|name| line.contains(*name)) {
                upward.push(format!("{}:{}: names {name}", path.display(), number + 1));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "the typesetting engine names what is above it:\n{}",
        upward.join("\n")
    );
}
