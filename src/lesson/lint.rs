//! Rules that need the whole lesson: ids, variables, images, verifiability.
//!
//! Rules about one element (an attribute, an HTTP entry, a quiz) run in its parser; this
//! module holds the rest. Every rule's code and severity are in [`Code`].

use std::collections::HashMap;
use std::path::Path;

use super::diagnostic::{Code, Diagnostic};
use super::front_matter::VarSpec;
use super::model::{Lesson, Role};
use super::parser::Image;
use super::span::Span;
use super::validate;

/// Variables every lesson has without declaring them.
pub const BUILTIN_VARS: &[&str] = &["learner", "lesson", "workspace"];

pub(super) fn check(lesson: &Lesson, images: &[(usize, Image)], diags: &mut Vec<Diagnostic>) {
    duplicate_step_ids(lesson, diags);
    undefined_variables(lesson, diags);
    reserved_captures(lesson, diags);
    secret_file_names(lesson, diags);
    missing_images(lesson, images, diags);
    unverifiable_steps(lesson, diags);
    if lesson.steps.is_empty() {
        diags.push(
            Diagnostic::new(Code::NoSteps, Span::default(), "the lesson has no steps")
                .with_help("start each step with a `##` heading"),
        );
    }
}

/// Where the settings of a variable that lint looks at are.
pub(super) struct VarSpans {
    pub pattern: Span,
    pub default: Span,
    pub value: Span,
}

/// Checks one declared variable on its own.
pub(super) fn check_var(var: &VarSpec, spans: VarSpans, diags: &mut Vec<Diagnostic>) {
    let pattern_span = spans.pattern;
    let invalid = |message: String| {
        Diagnostic::new(Code::InvalidVariable, var.span, message).in_file(var.file)
    };
    // A secret shows as `••••`: a value the lesson wrote itself would hide what a command
    // really runs. A secret comes from the learner (`prompt`, `env`, `--var`) or a step.
    for (key, given, span) in [
        ("default", var.default.is_some(), spans.default),
        ("value", var.value.is_some(), spans.value),
    ] {
        if var.secret && given {
            diags.push(
                Diagnostic::new(
                    Code::InvalidVariable,
                    span,
                    format!(
                        "secret variable `{}` has a `{key}` written in the lesson",
                        var.name
                    ),
                )
                .with_help(
                    "a secret comes from the learner (`prompt`, `env`, `--var`) or a step \
                     (`capture=`, `[Captures]`); it shows as •••• wherever it is used, so a \
                     value written here could hide what a command really runs",
                )
                .in_file(var.file),
            );
        }
    }
    if validate::is_reserved_env_name(&var.name) {
        diags.push(reserved_name(&var.name, var.span).in_file(var.file));
    }
    if let Some(pattern) = &var.pattern
        && let Err(reason) = validate::regex(pattern)
    {
        diags.push(
            Diagnostic::new(Code::BadRegex, pattern_span, format!("bad regex: {reason}"))
                .in_file(var.file),
        );
    }
    if var.value.is_some()
        && (var.prompt.is_some() || var.default.is_some() || !var.choices.is_empty())
    {
        diags.push(
            invalid(format!(
                "variable `{}` has a `value`, so it is never asked",
                var.name
            ))
            .with_help(
                "drop `value` to ask the learner, or drop `prompt`, `default` and `choices`",
            ),
        );
    }
    if let Some(default) = &var.default
        && !var.choices.is_empty()
        && !var.choices.contains(default)
    {
        diags.push(
            Diagnostic::new(
                Code::InvalidVariable,
                spans.default,
                format!(
                    "the default `{default}` of `{}` is not among its choices",
                    var.name
                ),
            )
            .with_suggestion(default, var.choices.iter().map(String::as_str))
            .with_help_unless_set(format!(
                "make it one of the choices: {}",
                var.choices.join(", ")
            ))
            .in_file(var.file),
        );
    }
    if !validate::is_identifier(&var.name) {
        diags.push(
            invalid(format!(
                "`{}` cannot be used as `{{{{{}}}}}`: a variable name is letters, digits and `_`",
                var.name, var.name
            ))
            .with_help("rename it: a letter or `_` first, then letters, digits and `_`"),
        );
    }
}

/// A variable named after something the shell or loader acts on.
fn reserved_name(name: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidVariable,
        span,
        format!("`{name}` cannot be a lesson variable: the shell or the program loader acts on it"),
    )
    .with_help(format!(
        "every lesson variable is exported to commands, and `{name}` would change what runs \
         before the command the learner approved; give it another name, such as `{}`",
        format!("lesson_{name}").to_ascii_lowercase()
    ))
}

/// `capture=` and `[Captures]` names must not be reserved either: the value is exported.
fn reserved_captures(lesson: &Lesson, diags: &mut Vec<Diagnostic>) {
    let blocks = lesson.all_blocks();
    for block in blocks {
        if let Some(name) = block
            .attrs
            .capture
            .as_deref()
            .filter(|name| validate::is_reserved_env_name(name))
        {
            diags.push(reserved_name(name, block.info_span).in_file(block.file));
        }
        for capture in block.http.iter().flat_map(|entry| &entry.captures) {
            if validate::is_reserved_env_name(&capture.name) {
                diags.push(reserved_name(&capture.name, capture.span).in_file(block.file));
            }
        }
    }
}

/// A `file=` path naming a secret variable: the secret would be on disk as a file's name,
/// and on screen in every note about the file.
fn secret_file_names(lesson: &Lesson, diags: &mut Vec<Diagnostic>) {
    let blocks = lesson.all_blocks();
    for block in blocks {
        let Some(path) = &block.attrs.file else {
            continue;
        };
        for (name, _) in super::template::references(path) {
            if lesson.vars.iter().any(|var| var.name == name && var.secret) {
                diags.push(
                    Diagnostic::new(
                        Code::InvalidAttribute,
                        block.info_span,
                        format!("`file=` is named after secret variable `{name}`"),
                    )
                    .with_help(
                        "a secret never names a file: it would be on disk, and on screen, as \
                         the file's name; put the secret inside the file instead",
                    )
                    .in_file(block.file),
                );
            }
        }
    }
}

fn duplicate_step_ids(lesson: &Lesson, diags: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(lesson.steps.len());
    for (index, step) in lesson.steps.iter().enumerate() {
        if let Some(&first) = seen.get(step.id.as_str()) {
            let first = &lesson.steps[first];
            let place = match lesson.sources.get(first.file) {
                Some(source) if first.file != step.file => {
                    format!(" in `{}`", source.path.display())
                }
                _ => String::new(),
            };
            let line = lesson.sources.get(first.file).map_or(0, |s| {
                s.line_index().line_col(&s.text, first.span.start).line
            });
            diags.push(
                Diagnostic::new(Code::DuplicateStepId, step.span, format!("duplicate step id `{}`", step.id))
                    .with_help(format!(
                        "the step on line {line}{place} has the same id; give one an explicit id with `{{#other-id}}` after its title"
                    ))
                    .in_file(step.file),
            );
        } else {
            seen.insert(&step.id, index);
        }
    }
}

/// A `{{word}}` that is no variable is text: another tool's (`{{exec}}`, Go's `{{end}}`,
/// Cloud Shell's `{{project_id}}`). One that is a near miss of a variable is an error with
/// the name it misses; in a lesson written for labrun, any other is a warning, since it
/// reaches commands as written.
fn undefined_variables(lesson: &Lesson, diags: &mut Vec<Diagnostic>) {
    // In order, for suggestions that do not change from run to run.
    let mut names: Vec<&str> = BUILTIN_VARS.to_vec();
    names.extend(lesson.variable_names());
    let for_labrun = lesson.is_written_for_labrun();
    // Hurl's template functions, which HTTP blocks fill in (`{{newUuid}}`).
    let http_blocks: Vec<(usize, Span)> = lesson
        .all_blocks()
        .filter(|block| block.is_http())
        .map(|block| (block.file, block.code_span))
        .collect();
    for reference in &lesson.var_refs {
        if lesson.is_variable(&reference.name) {
            continue;
        }
        let in_http = http_blocks.iter().any(|(file, span)| {
            *file == reference.file
                && span.start <= reference.span.start
                && reference.span.end <= span.end
        });
        if in_http && crate::lesson::http::HURL_FUNCTIONS.contains(&reference.name.as_str()) {
            continue;
        }
        let near = super::nearest(&reference.name, names.iter().copied());
        let diag = match near {
            Some(_) => Diagnostic::new(
                Code::UndefinedVariable,
                reference.span,
                format!("undefined variable `{}`", reference.name),
            )
            .with_suggestion(&reference.name, names.iter().copied()),
            None if for_labrun => {
                let mut diag = Diagnostic::new(
                    Code::UndefinedVariable,
                    reference.span,
                    format!("`{{{{{}}}}}` is no variable: it stays as written", reference.name),
                )
                .with_help(format!(
                    "declare it under `vars:` in the front matter, or set it with `capture={}`, to fill it in",
                    reference.name
                ));
                diag.severity = super::Severity::Warning;
                diag
            }
            None => continue,
        };
        diags.push(diag.in_file(reference.file));
    }
}

fn missing_images(lesson: &Lesson, images: &[(usize, Image)], diags: &mut Vec<Diagnostic>) {
    for (file, image) in images {
        let url = image.url.as_str();
        // Remote, inline, anchors, templated, and root-relative paths (which GitHub resolves
        // from the repository root, unknown here) are not checked.
        if url.is_empty()
            || url.contains("://")
            || url.starts_with("data:")
            || url.starts_with('#')
            || url.starts_with('/')
            || url.contains("{{")
        {
            continue;
        }
        let Some(source) = lesson.sources.get(*file) else {
            continue;
        };
        let base = match source.path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let local = percent_decode(url.split(['?', '#']).next().unwrap_or(url));
        if !base.join(&local).exists() {
            diags.push(
                Diagnostic::new(
                    Code::MissingImage,
                    image.span,
                    format!("image `{url}` does not exist"),
                )
                .with_help(format!(
                    "the path is relative to the lesson's folder `{}`",
                    base.display()
                ))
                .in_file(*file),
            );
        }
    }
}

/// Decodes `%20` and friends, as a browser does before fetching a relative image.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, ..) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn unverifiable_steps(lesson: &Lesson, diags: &mut Vec<Diagnostic>) {
    for step in &lesson.steps {
        let runs = step
            .blocks
            .iter()
            .any(|b| matches!(b.role, Some(Role::Run | Role::Solve)));
        if runs && !step.has_checks() {
            diags.push(
                Diagnostic::new(
                    Code::UnverifiableStep,
                    step.span,
                    format!(
                        "step `{}` runs commands but has no check, so it cannot be verified",
                        step.id
                    ),
                )
                .with_help(
                    "add a ```` ```bash {check} ```` block or a quiz that proves the step worked",
                )
                .in_file(step.file),
            );
        }
    }
}
