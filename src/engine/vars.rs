//! Variable values of a session, where they come from, and which are secret.
//!
//! Precedence for a declared variable: `--var NAME=VALUE` > its `env` variable > the answer
//! saved in the progress log > asking the learner. A `value` is computed from the others.
//! Steps set the rest: `capture=`, `[Captures]`, `$LABRUN_OUTPUT`.

use std::collections::BTreeMap;

use crate::exec::Secrets;
use crate::lesson::{VarSpec, template};

/// Where a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueSource {
    Flag,
    Env,
    Saved,
    Prompt,
    Computed,
    Step,
    Builtin,
    /// The variable's `default`, where nobody can be asked (`labrun test`, `labrun check`).
    Default,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Value {
    text: String,
    secret: bool,
    source: ValueSource,
}

/// The values known so far, and the secrets among them.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    values: BTreeMap<String, Value>,
    secrets: Secrets,
    /// The lesson's variable names, once known: any other `{{word}}` stands for itself.
    names: Option<std::sync::Arc<std::collections::BTreeSet<String>>>,
}

impl Vars {
    pub fn new(specs: &[VarSpec]) -> Self {
        let mut secrets = Secrets::new();
        for spec in specs.iter().filter(|spec| spec.secret) {
            secrets.add_name(&spec.name);
        }
        Self {
            secrets,
            ..Self::default()
        }
    }

    /// The values known without asking anyone, by precedence: `flags` (`--var`), each
    /// variable's environment variable, `saved` answers and captures of earlier sessions, then
    /// (with `use_defaults`, where nobody can be asked) each variable's default. Computed
    /// values last.
    pub fn preset(
        specs: &[VarSpec],
        builtins: &[(&str, String)],
        flags: &[(String, String)],
        saved: &[(String, String)],
        use_defaults: bool,
    ) -> Self {
        let mut vars = Self::new(specs);
        for (name, value) in builtins {
            vars.set(name, value.clone(), ValueSource::Builtin, false);
        }
        for (name, value) in flags {
            vars.set(name, value.clone(), ValueSource::Flag, false);
        }
        for spec in specs {
            if vars.get(&spec.name).is_some() {
                continue;
            }
            let from_env = spec
                .env
                .as_deref()
                .and_then(|env| std::env::var(env).ok())
                .filter(|v| !v.is_empty());
            if let Some(value) = from_env {
                vars.set(&spec.name, value, ValueSource::Env, spec.secret);
            }
        }
        for (name, value) in saved {
            // A secret is never saved; a value for one here would not be trusted.
            if vars.get(name).is_none() && !vars.is_secret(name) {
                vars.set(name, value.clone(), ValueSource::Saved, false);
            }
        }
        if use_defaults {
            // Never a secret's: lint refuses one written in the lesson (it could hide a command).
            for spec in specs
                .iter()
                .filter(|spec| spec.value.is_none() && !spec.secret)
            {
                if let (None, Some(default)) = (vars.get(&spec.name), &spec.default) {
                    vars.set(
                        &spec.name,
                        default.clone(),
                        ValueSource::Default,
                        spec.secret,
                    );
                }
            }
        }
        vars.compute(specs);
        vars
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(|value| value.text.as_str())
    }

    /// Tells which names are the lesson's variables: a `{{word}}` that is none is text.
    pub fn set_names(&mut self, names: &std::collections::BTreeSet<String>) {
        self.names = Some(std::sync::Arc::new(names.clone()));
    }

    /// Whether `{{name}}` is a variable (every name is, until [`Vars::set_names`]).
    pub fn is_variable(&self, name: &str) -> bool {
        self.names.as_ref().is_none_or(|names| names.contains(name))
    }

    /// What `{{name}}` becomes in a command: the value of a variable (none yet: `None`), or
    /// the reference as written when `name` is no variable.
    pub fn resolve(&self, name: &str) -> Option<String> {
        if self.is_variable(name) {
            self.get(name).map(str::to_owned)
        } else {
            Some(format!("{{{{{name}}}}}"))
        }
    }

    pub fn source(&self, name: &str) -> Option<ValueSource> {
        self.values.get(name).map(|value| value.source)
    }

    pub fn is_secret(&self, name: &str) -> bool {
        self.secrets.is_secret_name(name)
    }

    pub fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    /// Sets a value; a secret one (declared secret, or `secret` here) joins the masked set.
    pub fn set(&mut self, name: &str, text: String, source: ValueSource, secret: bool) {
        let secret = secret || self.is_secret(name);
        if secret {
            self.secrets.add(&text);
            self.secrets.add_name(name);
        }
        self.values.insert(
            name.to_owned(),
            Value {
                text,
                secret,
                source,
            },
        );
    }

    /// `text` with every known `{{NAME}}` replaced; unknown ones stay as written.
    pub fn substitute<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        template::substitute(text, |name| self.get(name).map(str::to_owned))
    }

    /// `text` with variables replaced for display: secrets show as the mask.
    pub fn substitute_for_display<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        template::substitute(text, |name| {
            self.values.get(name).map(|value| {
                if value.secret {
                    crate::text::MASK.to_owned()
                } else {
                    self.secrets.mask(&value.text).into_owned()
                }
            })
        })
    }

    /// The value to show for `name`: the mask for a secret.
    pub fn display_value(&self, name: &str) -> Option<String> {
        self.values.get(name).map(|value| {
            if value.secret {
                crate::text::MASK.to_owned()
            } else {
                self.secrets.mask(&value.text).into_owned()
            }
        })
    }

    /// Every value, as environment variables for commands.
    /// Every value, as environment variables for commands; the built-ins also as
    /// `LABRUN_WORKSPACE`, `LABRUN_LESSON` and `LABRUN_LEARNER`.
    pub fn env(&self) -> Vec<(String, String)> {
        let builtins = self
            .values
            .iter()
            .filter(|(_, value)| value.source == ValueSource::Builtin)
            .map(|(name, value)| {
                (
                    format!("LABRUN_{}", name.to_ascii_uppercase()),
                    value.text.clone(),
                )
            });
        // A name the shell or the loader acts on is never exported (lint refuses one).
        self.values
            .iter()
            .filter(|(name, _)| !crate::lesson::is_reserved_env_name(name))
            .map(|(name, value)| (name.clone(), value.text.clone()))
            .chain(builtins)
            .collect()
    }

    /// Computes `value:` variables from the others, in declaration order, a few passes so one
    /// may use another declared after it.
    pub fn compute(&mut self, specs: &[VarSpec]) {
        for _ in 0..3 {
            for spec in specs {
                if let Some(template) = spec.value.as_ref().filter(|_| !spec.secret)
                    && matches!(self.source(&spec.name), None | Some(ValueSource::Computed))
                {
                    let text = self.substitute(template).into_owned();
                    self.set(&spec.name, text, ValueSource::Computed, spec.secret);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str) -> VarSpec {
        VarSpec {
            name: name.into(),
            ..VarSpec::default()
        }
    }

    #[test]
    fn secrets_are_masked_in_display_but_real_in_commands() {
        let mut key = spec("key");
        key.secret = true;
        let mut vars = Vars::new(&[key]);
        vars.set("key", "s3cr3t".into(), ValueSource::Env, false);
        vars.set("region", "us-south".into(), ValueSource::Prompt, false);
        assert_eq!(
            vars.substitute("k={{key}} r={{region}}"),
            "k=s3cr3t r=us-south"
        );
        assert_eq!(
            vars.substitute_for_display("k={{key}} r={{region}}"),
            "k=•••• r=us-south"
        );
        assert_eq!(vars.secrets().mask("echo s3cr3t"), "echo ••••");
    }

    #[test]
    fn a_value_captured_into_a_secret_name_is_secret() {
        let mut token = spec("token");
        token.secret = true;
        let mut vars = Vars::new(&[token]);
        vars.set("token", "Bearer abc".into(), ValueSource::Step, false);
        assert_eq!(
            vars.secrets().mask("Authorization: Bearer abc"),
            "Authorization: ••••"
        );
    }

    #[test]
    fn computed_values_use_other_variables_in_any_order() {
        let mut registry = spec("registry");
        registry.value = Some("{{region}}.icr.io".into());
        let mut url = spec("url");
        url.value = Some("https://{{registry}}/api".into());
        let specs = [url, registry];
        let mut vars = Vars::new(&specs);
        vars.set("region", "us".into(), ValueSource::Flag, false);
        vars.compute(&specs);
        assert_eq!(vars.get("url"), Some("https://us.icr.io/api"));
    }
}
