//! `labrun new`: a lesson to start from, which passes `labrun lint` and `labrun test` as made.

use std::path::PathBuf;

use super::args::NewArgs;
use super::{CliError, exit};

pub fn run(args: &NewArgs) -> Result<u8, CliError> {
    let mut path = PathBuf::from(&args.name);
    if path.extension().is_none() {
        path.set_extension("md");
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
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&path, template(&id, &title))?;
    crate::note!("Created {}. Next:", path.display());
    crate::note!(
        "  labrun show {}        # read it as a learner will",
        path.display()
    );
    crate::note!(
        "  labrun lint {}        # check it as you edit",
        path.display()
    );
    crate::note!(
        "  labrun test {}        # run it end to end",
        path.display()
    );
    Ok(exit::OK)
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
