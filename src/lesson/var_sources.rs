//! Where each of a lesson's variables gets its value: what consent and `show --commands`
//! list, since every variable is passed to the lesson's commands in their environment.

use super::model::{Block, Lesson};

/// One variable of a lesson and where its value comes from, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarSource {
    pub name: String,
    pub secret: bool,
    /// As the front matter declares it: "asked (default `eu-de`)", "read from
    /// `$IBMCLOUD_API_KEY`, else asked", "written in the lesson: `web-{{learner}}`".
    pub declared: Option<String>,
    /// The blocks that set it: "set from the output of a command (capture=) at lab.md:40".
    pub set_by: Vec<String>,
}

impl VarSource {
    /// Every source, in words.
    pub fn from(&self) -> String {
        self.declared
            .iter()
            .chain(&self.set_by)
            .cloned()
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The sources when the learner gave the value on the command line (`--var`): that
    /// value stands for what the lesson declares, and the blocks that set it still do.
    pub fn given_on_command_line(&self) -> String {
        std::iter::once("given with `--var`".to_owned())
            .chain(self.set_by.iter().cloned())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl Lesson {
    /// Every variable the lesson declares or sets by name, in order of first appearance,
    /// each with where its value comes from. A command can also set variables by writing to
    /// `$LABRUN_OUTPUT`, which only running it tells.
    pub fn var_sources(&self) -> Vec<VarSource> {
        let mut sources: Vec<VarSource> = self
            .vars
            .iter()
            .map(|var| VarSource {
                name: var.name.clone(),
                secret: var.secret,
                declared: Some(declared_source(var)),
                set_by: Vec::new(),
            })
            .collect();
        let blocks = self.all_blocks();
        for block in blocks {
            for name in block.captured_names() {
                let how = setter(self, block);
                match sources.iter_mut().find(|known| known.name == name) {
                    // Declared (a secret, say) and set by a command: both are true.
                    Some(known) if !known.set_by.contains(&how) => known.set_by.push(how),
                    Some(_) => {}
                    None => sources.push(VarSource {
                        name: name.to_owned(),
                        secret: false,
                        declared: None,
                        set_by: vec![how],
                    }),
                }
            }
        }
        sources
    }
}

fn declared_source(var: &super::VarSpec) -> String {
    if let Some(value) = &var.value {
        return format!("written in the lesson: `{value}`");
    }
    let mut asked = "asked".to_owned();
    if !var.choices.is_empty() {
        asked.push_str(&format!(", one of {}", quoted_list(&var.choices)));
    }
    if let Some(default) = &var.default {
        asked.push_str(&format!(" (the lesson's default: `{default}`)"));
    }
    match &var.env {
        Some(env) => format!("read from `${env}`, else {asked}"),
        None => asked,
    }
}

fn setter(lesson: &Lesson, block: &Block) -> String {
    let how = if block.attrs.capture.is_some() {
        "the output of a command (capture=)"
    } else {
        "an HTTP response ([Captures])"
    };
    format!("set from {how} at {}", lesson.location(block))
}

fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use crate::lesson::{Source, from_sources};

    fn sources(text: &str) -> Vec<(String, bool, String)> {
        let source = Source {
            path: PathBuf::from("l.md"),
            text: Arc::from(text),
        };
        from_sources(PathBuf::from("l.md"), vec![source])
            .lesson
            .var_sources()
            .into_iter()
            .map(|source| (source.name.clone(), source.secret, source.from()))
            .collect()
    }

    #[test]
    fn each_variable_says_where_its_value_comes_from() {
        let found = sources(
            "---\nvars:\n  region: { prompt: Region, default: eu-de, choices: [eu-de, us-south] }\n  \
             key: { secret: true, env: API_KEY }\n  app: { value: \"web-{{learner}}\" }\n---\n\
             # L\n\n## One\n\n```bash {run capture=ns}\necho ns\n```\n\n```bash {check}\ntrue\n```\n",
        );
        assert_eq!(
            found,
            [
                (
                    "region".to_owned(),
                    false,
                    "asked, one of `eu-de`, `us-south` (the lesson's default: `eu-de`)".to_owned()
                ),
                (
                    "key".to_owned(),
                    true,
                    "read from `$API_KEY`, else asked".to_owned()
                ),
                (
                    "app".to_owned(),
                    false,
                    "written in the lesson: `web-{{learner}}`".to_owned()
                ),
                (
                    "ns".to_owned(),
                    false,
                    "set from the output of a command (capture=) at l.md:11".to_owned()
                ),
            ]
        );
    }
}
