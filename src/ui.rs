//! Everything that reaches a person's eyes: styles, rendered lessons, rendered diagnostics.
//!
//! Renderers write to any `io::Write`, so they can be snapshot-tested; only the command layer
//! decides whether that is a terminal.

pub mod diagnostics;
pub mod plain;
pub mod render;
pub mod stdin;
pub mod style;
pub mod terminal;

/// What a learner agrees to when allowing a lesson's commands: `3 check commands`, `1 setup
/// and 4 check commands`, `1 setup, 4 check and 1 cleanup commands`.
pub(crate) fn commands_to_consent(lesson: &crate::lesson::Lesson) -> String {
    use crate::lesson::Role;
    let blocks: Vec<Role> = lesson
        .lesson_blocks()
        .chain(lesson.steps.iter().flat_map(|step| &step.blocks))
        .filter_map(|block| block.role)
        .collect();
    let kinds: Vec<String> = [Role::Setup, Role::Check, Role::Cleanup]
        .into_iter()
        .filter_map(|role| {
            let count = blocks.iter().filter(|&&r| r == role).count();
            (count > 0).then(|| format!("{count} {}", role.as_str()))
        })
        .collect();
    let total: usize = [Role::Setup, Role::Check, Role::Cleanup]
        .iter()
        .map(|role| blocks.iter().filter(|r| *r == role).count())
        .sum();
    let listed = match kinds.as_slice() {
        [] => "no".to_owned(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    let noun = if total == 1 { "command" } else { "commands" };
    format!("{listed} {noun}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_commands_to_consent_to_are_counted_by_role() {
        let lesson = |blocks: &str| {
            crate::lesson::from_sources(
                "t.md".into(),
                vec![crate::lesson::Source {
                    path: "t.md".into(),
                    text: std::sync::Arc::from(format!(
                        "# T\n\n{blocks}\n## S\n\n```bash {{check}}\ntrue\n```\n"
                    )),
                }],
            )
            .lesson
        };
        assert_eq!(commands_to_consent(&lesson("")), "1 check command");
        assert_eq!(
            commands_to_consent(&lesson(
                "```bash {setup}\ntrue\n```\n\n```bash {cleanup}\ntrue\n```\n"
            )),
            "1 setup, 1 check and 1 cleanup commands"
        );
    }
}
