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

use super::diagnostic::{Code, Diagnostic};
use super::span::Span;
use super::validate;
use super::yaml::{Node, Reader, Value, report_duplicates, report_unknown};

/// A question the learner answers; it counts as a check of its step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quiz {
    pub question: String,
    pub choices: Vec<String>,
    /// The right choices: one, or several for a multiple-answer question.
    pub answers: Vec<String>,
    pub answer_pattern: Option<String>,
    pub explain: Option<String>,
    pub span: Span,
}

impl Quiz {
    /// The quiz as shown, with `fill` applied to its question, choices, right answers and
    /// explanation (the lesson's `{{NAME}}`s filled in, secrets masked). The answers change as
    /// the choices do, so a picked choice is still right; `answer_pattern` is left as written.
    pub fn filled(&self, fill: impl Fn(&str) -> String) -> Quiz {
        Quiz {
            question: fill(&self.question),
            choices: self.choices.iter().map(|c| fill(c)).collect(),
            answers: self.answers.iter().map(|a| fill(a)).collect(),
            answer_pattern: self.answer_pattern.clone(),
            explain: self.explain.as_deref().map(&fill),
            span: self.span,
        }
    }

    pub fn is_multiple_answer(&self) -> bool {
        self.answers.len() > 1
    }

    /// The question as plain text, for a prompt line or a failure reason: Markdown's code
    /// quotes would show as backticks there.
    pub fn plain_question(&self) -> String {
        self.question.replace('`', "")
    }

    /// Whether `answers` (the chosen choices, or one typed answer) are right: exactly the
    /// right choices in any order, or a typed answer matching `answer_pattern` (case
    /// insensitive).
    pub fn is_correct(&self, answers: &[String]) -> bool {
        if let Some(pattern) = &self.answer_pattern {
            let answer = answers.first().map_or("", |a| a.trim());
            return regex::RegexBuilder::new(pattern)
                .case_insensitive(true)
                .build()
                .is_ok_and(|re| re.is_match(answer));
        }
        let mut given: Vec<&str> = answers.iter().map(|a| a.trim()).collect();
        let mut expected: Vec<&str> = self.answers.iter().map(String::as_str).collect();
        given.sort_unstable();
        expected.sort_unstable();
        given == expected
    }
}

const KEYS: &[&str] = &["question", "choices", "answer", "answer_pattern", "explain"];

/// Parses a quiz body starting at byte `base` of the file. `span` is the whole block, used
/// for problems about the quiz as a whole.
pub(super) fn parse_quiz(
    yaml: &str,
    base: usize,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Quiz> {
    let root = match Node::parse(yaml, base, Code::MalformedQuiz) {
        Ok(root) => root,
        Err(diag) => {
            diags.push(diag);
            return None;
        }
    };
    let before_keys = diags.len();
    report_unknown(&root, KEYS, " in a quiz", diags);
    // A misspelt key is likely the missing one: don't also report it as missing.
    let misspelt = diags.len() > before_keys;
    report_duplicates(&root, Code::MalformedQuiz, "key", diags);
    let errors_before = diags.len();
    let mut read = Reader::new(Code::MalformedQuiz, diags);
    if !root.is_null() {
        read.map(Some(&root), "a quiz");
    }
    let question = read.text(root.get("question"), "`question`");
    let choices = read.texts(root.get("choices"), "`choices`");
    let answer = root.get("answer").filter(|node| !node.is_null());
    let answers = match answer {
        Some(node) if matches!(node.value, Value::List(_)) => read.texts(Some(node), "`answer`"),
        Some(node) => read.text(Some(node), "`answer`").into_iter().collect(),
        None => Vec::new(),
    };
    let pattern_node = root.get("answer_pattern");
    let answer_pattern = read.text(pattern_node, "`answer_pattern`");
    let explain = read.text(root.get("explain"), "`explain`");
    if diags.len() > errors_before {
        return None;
    }
    let malformed = |message: &str, help: &str| {
        Diagnostic::new(Code::MalformedQuiz, span, message).with_help(help)
    };
    let Some(question) = question else {
        if misspelt {
            return None;
        }
        diags.push(malformed(
            "quiz has no `question`",
            "add `question: ...` to the quiz",
        ));
        return None;
    };
    if let Some(answer) = answer {
        let answer_span = answer.span;
        // With `answer_pattern` too, that is the one mistake reported (below).
        if choices.is_empty() && !misspelt && answer_pattern.is_none() {
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
    if let (Some(pattern), Some(node)) = (&answer_pattern, pattern_node)
        && let Err(reason) = validate::regex(pattern)
    {
        diags.push(Diagnostic::new(
            Code::BadRegex,
            node.span,
            format!("bad regex: {reason}"),
        ));
    }
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
        explain,
        span,
    })
}
