//! Quiz blocks: a fenced block with the language `quiz` and a YAML body.
//!
//! ```yaml
//! question: Which status means an image may be deployed?
//! choices: [FAIL, WARN, UNSCANNED]
//! answer: WARN              # or a list: [OK, WARN]
//! explain: WARN means every issue is exempted.
//! ```
//!
//! Free-text questions give `answer_pattern` (a regex) instead of `choices` and `answer`.

use std::fmt;

use serde::de::{SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_saphyr::Spanned;

use super::diagnostic::{Code, Diagnostic};
use super::span::Span;
use super::validate;
use super::yaml::{Scalar, Yaml, report_duplicates, report_unknown};

/// A question the learner answers; it counts as a check of its step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quiz {
    pub question: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// The right choices: one, or several for a multiple-answer question.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer_pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<String>,
    pub span: Span,
}

impl Quiz {
    pub fn is_multiple_answer(&self) -> bool {
        self.answers.len() > 1
    }
}

#[derive(Deserialize, Default)]
struct RawQuiz {
    question: Option<String>,
    #[serde(default)]
    choices: Vec<Scalar>,
    answer: Option<Spanned<Answers>>,
    answer_pattern: Option<Spanned<String>>,
    explain: Option<String>,
}

const KEYS: &[&str] = &["question", "choices", "answer", "answer_pattern", "explain"];

struct Answers(Vec<String>);

impl<'de> Deserialize<'de> for Answers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AnswersVisitor;
        impl<'de> Visitor<'de> for AnswersVisitor {
            type Value = Answers;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("one answer or a list of answers")
            }
            fn visit_str<E>(self, v: &str) -> Result<Answers, E> {
                Ok(Answers(vec![v.to_owned()]))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Answers, E> {
                Ok(Answers(vec![v.to_string()]))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Answers, E> {
                Ok(Answers(vec![v.to_string()]))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Answers, E> {
                Ok(Answers(vec![v.to_string()]))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Answers, E> {
                Ok(Answers(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Answers, A::Error> {
                let mut answers = Vec::new();
                while let Some(Scalar(answer)) = seq.next_element()? {
                    answers.push(answer);
                }
                Ok(Answers(answers))
            }
        }
        deserializer.deserialize_any(AnswersVisitor)
    }
}

/// Parses a quiz body starting at byte `base` of the file. `span` is the whole block, used
/// for problems about the quiz as a whole.
pub fn parse_quiz(
    yaml: &str,
    base: usize,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Quiz> {
    let yaml = Yaml::new(yaml, base);
    let keys = match yaml.keys() {
        Ok(keys) => keys,
        Err(mut diag) => {
            diag.code = Code::MalformedQuiz;
            diags.push(diag);
            return None;
        }
    };
    let before_keys = diags.len();
    report_unknown(&yaml, &keys, KEYS, " in a quiz", diags);
    // A misspelt key is likely the missing one: don't also report it as missing.
    let misspelt = diags.len() > before_keys;
    report_duplicates(&yaml, &keys, Code::MalformedQuiz, "key", diags);
    let errors_before = diags.len();
    let raw: RawQuiz = yaml.typed(&keys, &[], Code::MalformedQuiz, diags);
    if diags.len() > errors_before {
        return None;
    }
    let malformed = |message: &str, help: &str| {
        Diagnostic::new(Code::MalformedQuiz, span, message).with_help(help)
    };
    let Some(question) = raw.question else {
        if misspelt {
            return None;
        }
        diags.push(malformed(
            "quiz has no `question`",
            "add `question: ...` to the quiz",
        ));
        return None;
    };
    let choices: Vec<String> = raw
        .choices
        .into_iter()
        .map(|Scalar(choice)| choice)
        .collect();
    let mut answers = Vec::new();
    if let Some(answer) = &raw.answer {
        let answer_span = yaml.span_at(&answer.referenced);
        answers.clone_from(&answer.value.0);
        if choices.is_empty() && !misspelt {
            diags.push(
                Diagnostic::new(
                    Code::MalformedQuiz,
                    answer_span,
                    "quiz has an `answer` but no `choices`",
                )
                .with_help("list the `choices`, or use `answer_pattern` for a free-text answer"),
            );
        }
        for wrong in answers
            .iter()
            .filter(|a| !choices.is_empty() && !choices.contains(a))
        {
            diags.push(
                Diagnostic::new(
                    Code::QuizAnswerNotAChoice,
                    answer_span,
                    format!("the answer `{wrong}` is not among the choices"),
                )
                .with_suggestion(wrong, choices.iter().map(String::as_str))
                .with_help_unless_set(format!("choices are: {}", choices.join(", "))),
            );
        }
    }
    let answer_pattern = raw.answer_pattern.map(|pattern| {
        if let Err(reason) = validate::regex(&pattern.value) {
            let at = yaml.span_at(&pattern.referenced);
            diags.push(Diagnostic::new(
                Code::BadRegex,
                at,
                format!("bad regex: {reason}"),
            ));
        }
        pattern.value
    });
    match (answers.is_empty(), &answer_pattern) {
        (true, None) if misspelt => {}
        (true, None) => diags.push(malformed(
            "quiz has neither `answer` nor `answer_pattern`",
            "give the right choice as `answer`, or a regex for free text as `answer_pattern`",
        )),
        (false, Some(_)) => diags.push(malformed(
            "quiz has both `answer` and `answer_pattern`",
            "keep `answer` for a choice question, `answer_pattern` for free text",
        )),
        _ => {}
    }
    Some(Quiz {
        question,
        choices,
        answers,
        answer_pattern,
        explain: raw.explain,
        span,
    })
}
