//! What a learner agrees to before a lesson's commands run: the commands counted by role,
//! the files written and the variables passed to commands, with where their values come
//! from. Every way into a lesson (the terminal UI, plain mode, `labrun check`) asks with
//! these same words.

use super::Lesson;

impl Lesson {
    /// What a learner agrees to when allowing a lesson's commands: `runs 3 check commands`,
    /// `runs 1 setup and 4 check commands and writes 2 files`, `writes 1 file`.
    pub fn consent_summary(&self) -> String {
        use super::Role;
        let blocks: Vec<&super::Block> = self.all_blocks().collect();
        let kinds: Vec<String> = [Role::Setup, Role::Check, Role::Cleanup]
            .into_iter()
            .filter_map(|role| {
                let count = blocks.iter().filter(|b| b.role == Some(role)).count();
                (count > 0).then(|| format!("{count} {}", role.as_str()))
            })
            .collect();
        let total: usize = blocks
            .iter()
            .filter(|b| matches!(b.role, Some(Role::Setup | Role::Check | Role::Cleanup)))
            .count();
        let files = blocks
            .iter()
            .filter(|b| b.role.is_none() && b.attrs.file.is_some())
            .count();
        let noun = if total == 1 { "command" } else { "commands" };
        let runs = match kinds.as_slice() {
            [] => None,
            [one] => Some(format!("runs {one} {noun}")),
            [rest @ .., last] => Some(format!("runs {} and {last} {noun}", rest.join(", "))),
        };
        let writes = (files > 0).then(|| {
            format!(
                "writes {files} {} in its folder",
                if files == 1 { "file" } else { "files" }
            )
        });
        match (runs, writes) {
            (Some(runs), Some(writes)) => format!("{runs} and {writes}"),
            (Some(only), None) | (None, Some(only)) => only,
            (None, None) => "runs no commands".to_owned(),
        }
    }

    /// What consent covers besides the commands counted by [`Lesson::consent_summary`], one line
    /// each: the files the lesson writes, and every variable passed to its commands with where
    /// its value comes from. `show --commands` lists the same. `given`: the variables the
    /// learner gave on the command line (`--var NAME=VALUE`), whose value stands.
    pub fn consent_details(&self, given: &[(String, String)]) -> Vec<String> {
        let mut lines = Vec::new();
        let files: Vec<String> = self
            .all_blocks()
            .filter(|b| b.role.is_none())
            .filter_map(|b| b.attrs.file.as_deref())
            .map(|file| format!("`{file}`"))
            .collect();
        if !files.is_empty() {
            lines.push(format!("Files it writes: {}.", files.join(", ")));
        }
        let sources = self.var_sources();
        if !sources.is_empty() {
            lines.push("Variables its commands get in their environment:".to_owned());
            for source in sources {
                let secret = if source.secret { " (secret)" } else { "" };
                let from = if given.iter().any(|(name, _)| *name == source.name) {
                    source.given_on_command_line()
                } else {
                    source.from()
                };
                lines.push(format!("  • `{}`{secret}: {from}", source.name));
            }
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_commands_to_consent_to_are_counted_by_role() {
        let lesson = |blocks: &str| {
            super::super::from_sources(
                "t.md".into(),
                vec![super::super::Source {
                    path: "t.md".into(),
                    text: std::sync::Arc::from(format!(
                        "# T\n\n{blocks}\n## S\n\n```bash {{check}}\ntrue\n```\n"
                    )),
                }],
            )
            .lesson
        };
        assert_eq!(lesson("").consent_summary(), "runs 1 check command");
        assert_eq!(
            lesson("```bash {setup}\ntrue\n```\n\n```bash {cleanup}\ntrue\n```\n")
                .consent_summary(),
            "runs 1 setup, 1 check and 1 cleanup commands"
        );
        assert_eq!(
            lesson("```text {file=a.txt}\na\n```\n").consent_summary(),
            "runs 1 check command and writes 1 file in its folder"
        );
    }

    #[test]
    fn consent_names_the_files_and_the_variables_with_their_sources() {
        let lesson = super::super::from_sources(
            "t.md".into(),
            vec![super::super::Source {
                path: "t.md".into(),
                text: std::sync::Arc::from(
                    "---\nvars:\n  tok: { secret: true, env: TOKEN }\n  \
                     host: { value: \"{{tok}}.example\" }\n---\n# T\n\n## S\n\n\
                     ```text {file=a.txt}\na\n```\n\n```bash {check capture=tok}\ntrue\n```\n",
                ),
            }],
        )
        .lesson;
        assert_eq!(
            lesson.consent_details(&[]),
            [
                "Files it writes: `a.txt`.",
                "Variables its commands get in their environment:",
                "  • `tok` (secret): read from `$TOKEN`, else asked; set from the output of a \
                 command (capture=) at t.md:14",
                "  • `host`: written in the lesson: `{{tok}}.example`",
            ]
        );
        // A value given on the command line stands for what the lesson declares; a block
        // that sets the variable still does.
        let given = [
            ("host".to_owned(), "h".to_owned()),
            ("tok".to_owned(), "t".to_owned()),
        ];
        assert_eq!(
            lesson.consent_details(&given)[2..],
            [
                "  • `tok` (secret): given with `--var`; set from the output of a command \
                 (capture=) at t.md:14",
                "  • `host`: given with `--var`",
            ]
        );
    }
}
