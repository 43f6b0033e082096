//! `labrun new`: a lesson to start from, which passes `labrun lint` and `labrun test` as made.

use std::path::PathBuf;

use super::args::NewArgs;
use super::{CliError, exit};

pub(super) fn run(args: &NewArgs) -> Result<u8, CliError> {
    if args.name.trim().is_empty() {
        return Err(CliError::Usage(
            "name the lesson: `labrun new my-lesson` writes my-lesson.md".into(),
        ));
    }
    let mut path = PathBuf::from(&args.name);
    if args.name.ends_with(['/', '\\']) || path.is_dir() || path.file_name().is_none() {
        return Err(CliError::Usage(format!(
            "`{}` is a folder: give the lesson's file name, like `{}`",
            args.name,
            PathBuf::from(&args.name).join("my-lesson").display()
        )));
    }
    if path
        .extension()
        .is_none_or(|ext| !ext.eq_ignore_ascii_case("md"))
    {
        // `x.txt` becomes `x.txt.md`: a lesson is a Markdown file, or labrun would not list it.
        path.as_mut_os_string().push(".md");
    }
    if path.exists() {
        return Err(CliError::Usage(format!(
            "`{}` already exists; choose another name",
            path.display()
        )));
    }
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "lesson".into());
    let id = crate::lesson::slug(&id);
    let id = if id.is_empty() {
        "lesson".to_owned()
    } else {
        id
    };
    let title = title_from(&id);
    let cannot = |error: std::io::Error| {
        CliError::Usage(format!("cannot write `{}`: {error}", path.display()))
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(cannot)?;
    }
    std::fs::write(&path, template(&id, &title)).map_err(cannot)?;
    let shown = shell_word(&path.display().to_string());
    crate::note!("Created {}. Next:", path.display());
    crate::note!("  labrun show {shown}        # read it as a learner will");
    crate::note!("  labrun lint {shown}        # check it as you edit");
    crate::note!("  labrun test {shown}        # run it end to end");
    Ok(exit::OK)
}

/// `text` as one word for a shell: quoted when it holds anything but plain characters.
fn shell_word(text: &str) -> String {
    // A leading `-` would read as an option, quoted or not.
    let text = if text.starts_with('-') {
        format!("./{text}")
    } else {
        text.to_owned()
    };
    let plain = |c: char| c.is_alphanumeric() || "-_./+:@%".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

fn title_from(id: &str) -> String {
    let words: Vec<String> = id
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        })
        .collect();
    if words.is_empty() {
        "A new lesson".into()
    } else {
        words.join(" ")
    }
}

/// The scaffold: front matter with a variable, two steps, a run block, a check with a hint
/// and a solution, and a quiz.
fn template(id: &str, title: &str) -> String {
    format!(
        r#"---
id: {id}
title: {title}
summary: One line that tells learners what they will do.
duration: 10m
version: 1
vars:
  project:
    description: A name for the folder this lesson works in
    prompt: Project name?
    default: demo
    pattern: "^[a-z][a-z0-9-]{{0,30}}$"
---

# {title}

What the learner will have done at the end, in two or three sentences. Everything before the
first `##` heading is the introduction.

## Create the project folder {{#create}}

Each `##` heading is a step. This block is marked `{{run}}`: labrun offers to run it.

```bash {{run}}
mkdir -p {{{{project}}}}
```

The check below proves the step is done; the step counts only when it passes.

```bash {{check}}
test -d {{{{project}}}} || {{ echo "the folder {{{{project}}}} does not exist yet"; exit 1; }}
```

<details><summary>Hint</summary>

Run `mkdir -p {{{{project}}}}` in the lesson workspace.

</details>

## Write a README {{#readme}}

Create `{{{{project}}}}/README.md` with a line that mentions labrun.

```bash
echo "Made with labrun" > {{{{project}}}}/README.md
```

```bash {{check}}
grep -q labrun {{{{project}}}}/README.md || {{ echo "README.md is missing or does not mention labrun"; exit 1; }}
```

```bash {{solve}}
echo "Made with labrun" > {{{{project}}}}/README.md
```

```quiz
question: When does a step with a check count as done?
choices:
  - As soon as the learner reads it
  - When every check passes
  - When the learner asks for a hint
answer: When every check passes
explain: Checks prove the work; a step with checks is verified only when they all pass.
```
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scaffold_lints_clean() {
        let text = template("my-lesson", "My Lesson");
        let loaded = crate::lesson::from_sources(
            "my-lesson.md".into(),
            vec![crate::lesson::Source {
                path: "my-lesson.md".into(),
                text: text.into(),
            }],
        );
        assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
        assert_eq!(loaded.lesson.steps.len(), 2);
        assert_eq!(loaded.lesson.steps[1].quizzes.len(), 1);
        assert_eq!(loaded.lesson.steps[0].hints.len(), 1);
    }

    #[test]
    fn titles_come_from_the_name() {
        assert_eq!(title_from("secure-my_cluster"), "Secure My Cluster");
        assert_eq!(title_from(""), "A new lesson");
    }
}
