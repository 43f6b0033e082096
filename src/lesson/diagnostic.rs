//! Problems found in a lesson, each pointing at a span of its source.

use super::span::Span;

/// How bad a problem is: errors make a lesson invalid (exit 3), warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

macro_rules! codes {
    ($($variant:ident => $name:literal, $severity:ident;)*) => {
        /// The rule a diagnostic comes from. Its kebab-case name is stable: tools and the
        /// `--format json` output key on it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name,)* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Self::$variant => Severity::$severity,)* }
            }
        }
    };
}

codes! {
    YamlSyntax => "yaml-syntax", Error;
    UnknownKey => "unknown-key", Error;
    InvalidFrontMatter => "invalid-front-matter", Error;
    UnknownRole => "unknown-role", Error;
    UnknownAttribute => "unknown-attribute", Error;
    InvalidAttribute => "invalid-attribute", Error;
    BadDuration => "bad-duration", Error;
    BadRegex => "bad-regex", Error;
    BadJsonPath => "bad-jsonpath", Error;
    BadHttpMethod => "bad-http-method", Error;
    MalformedHttp => "malformed-http", Error;
    MalformedQuiz => "malformed-quiz", Error;
    QuizAnswerNotAChoice => "quiz-answer-not-a-choice", Error;
    UndefinedVariable => "undefined-variable", Error;
    DuplicateVariable => "duplicate-variable", Error;
    InvalidVariable => "invalid-variable", Error;
    DuplicateStepId => "duplicate-step-id", Error;
    FileOutsideWorkspace => "file-outside-workspace", Error;
    BlockOutsideStep => "block-outside-step", Error;
    UnclosedHint => "unclosed-hint", Error;
    UnclosedFence => "unclosed-fence", Error;
    MissingImage => "missing-image", Warning;
    UnverifiableStep => "unverifiable-step", Warning;
    ExtraTitle => "extra-title", Warning;
    NoSteps => "no-steps", Warning;
    EmptyBlock => "empty-block", Warning;
    UnclearDuration => "unclear-duration", Warning;
    Unreadable => "unreadable", Error;
    ControlCharacter => "control-character", Error;
    DuplicateLessonId => "duplicate-lesson-id", Warning;
    HurlDifference => "hurl-difference", Warning;
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem in one source file of a lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    /// A lowercase fragment, names in backticks.
    pub message: String,
    pub span: Span,
    /// What to do about it, when there is something better to say than the message.
    pub help: Option<String>,
    /// Index of the source file in [`crate::lesson::Lesson::sources`].
    pub file: usize,
}

impl Diagnostic {
    /// A diagnostic with the rule's own severity.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Self {
            severity: code.severity(),
            code,
            message: message.into(),
            span,
            help: None,
            file: 0,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds "did you mean `X`?" when a candidate is close enough to `name`.
    pub fn with_suggestion<'a>(
        mut self,
        name: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        if let Some(best) = nearest(name, candidates) {
            self.help = Some(format!("did you mean `{best}`?"));
        }
        self
    }

    /// Adds `help` unless a suggestion already said something better.
    pub fn with_help_unless_set(self, help: impl Into<String>) -> Self {
        if self.help.is_some() {
            self
        } else {
            self.with_help(help)
        }
    }

    pub fn in_file(mut self, file: usize) -> Self {
        self.file = file;
        self
    }
}

/// The candidate closest to `name`, if any is close enough to be a plausible typo.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name = name.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            (
                strsim::damerau_levenshtein(&name, &candidate.to_ascii_lowercase()),
                candidate,
            )
        })
        .filter(|&(distance, candidate)| {
            distance <= 2.max(candidate.len() / 3) && distance < candidate.len().max(name.len())
        })
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_typos_and_rejects_unrelated_names() {
        let roles = ["run", "check", "solve", "setup", "cleanup"];
        assert_eq!(nearest("chek", roles), Some("check"));
        assert_eq!(nearest("CLEANUP", roles), Some("cleanup"));
        assert_eq!(nearest("sovle", roles), Some("solve"));
        assert_eq!(nearest("banana", roles), None);
        assert_eq!(
            nearest("image_digest", ["IMAGE_DIGEST", "region"]),
            Some("IMAGE_DIGEST")
        );
        assert_eq!(nearest("WRAN", ["OK", "WARN", "FAIL"]), Some("WARN"));
    }

    #[test]
    fn every_code_is_documented_in_the_lint_rules() {
        let docs = include_str!("../../docs/lint-rules.md");
        for code in Code::ALL {
            let row = format!("| `{}` | {} |", code, code.severity().as_str());
            assert!(
                docs.contains(&row),
                "docs/lint-rules.md lacks the row for `{code}`"
            );
        }
    }

    #[test]
    fn codes_have_unique_names() {
        let mut names: Vec<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }
}
