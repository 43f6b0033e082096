//! Blocks as the parser meets them: a fenced or indented code block becomes a block, a quiz
//! or nothing; HTML opens and closes `<details>` (hints and hidden solutions).

use super::*;

impl<'t> Builder<'t> {
    /// Turns a fenced or indented code block into a block, quiz or nothing, and returns the
    /// content entry that shows it (none inside `<details>`).
    pub(super) fn code_block(
        &mut self,
        fenced: bool,
        code: String,
        code_span: Span,
        span: Span,
    ) -> Option<Content> {
        // The info string as written: pulldown-cmark resolves backslash escapes in it, which
        // would change `expect="v1\.2"` and every position after the escape.
        let info_span = if fenced {
            raw_info(self.text, span.start)
        } else {
            Span::new(span.start, span.start)
        };
        let info_text = &self.text[info_span.range()];
        let parsed = parse_info_string(info_text, info_span.start, &mut self.out.diagnostics);
        if fenced {
            self.check_fence_closed(span);
        }
        let in_details = !self.details.is_empty();
        // YAML and HTTP are parsed from the file's own text when the block is not indented,
        // so positions stay right in CRLF files; nested blocks use the de-indented text.
        let source = &self.text[code_span.range()];
        let (exact, remap) = if source.len() == code.len() || source.replace("\r\n", "\n") == code {
            (source, None)
        } else {
            (
                code.as_str(),
                Some(Remap::new(source, code_span.start, &code)),
            )
        };
        // The de-indented text is parsed from 0, and what it reports is put back in place.
        let base = if remap.is_some() { 0 } else { code_span.start };
        let before = self.out.diagnostics.len();
        // (A problem with the quiz as a whole is at `span`, in the file already.)
        let place = |diagnostics: &mut [Diagnostic]| {
            if let Some(remap) = &remap {
                for diagnostic in diagnostics.iter_mut().filter(|d| d.span != span) {
                    diagnostic.span = remap.span(diagnostic.span);
                }
            }
        };

        if parsed.lang.eq_ignore_ascii_case("quiz") {
            let quiz = parse_quiz(exact, base, span, &mut self.out.diagnostics);
            place(&mut self.out.diagnostics[before..]);
            let quiz = quiz?;
            let Some(step) = self.out.steps.last_mut() else {
                self.out.diagnostics.push(outside_step(span, "a quiz"));
                return None;
            };
            step.quizzes.push(quiz);
            return (!in_details).then(|| Content::Quiz {
                index: step.quizzes.len() - 1,
            });
        }

        if parsed.attrs.raw {
            self.raw_spans.push(code_span);
        }
        if let (Some(role), Some(_)) = (parsed.role, &parsed.attrs.file) {
            self.out.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidAttribute,
                    info_span,
                    format!(
                        "`file=` is for a block with no role, not a `{}` block",
                        role.as_str()
                    ),
                )
                .with_help("write the file in its own block, then run or check it in another"),
            );
        }
        if parsed.role.is_some() && code.trim().is_empty() {
            self.out.diagnostics.push(Diagnostic::new(
                Code::EmptyBlock,
                self.first_line(span),
                "this block has a role but no code",
            ));
        }
        let http = if parsed.role.is_some() && parsed.lang.eq_ignore_ascii_case("http") {
            let (mut entries, mut diags) = parse_http_block(exact, base);
            place(&mut diags);
            self.out.diagnostics.extend(diags);
            if let Some(remap) = &remap {
                for entry in &mut entries {
                    remap.entry(entry);
                }
            }
            entries
        } else {
            Vec::new()
        };
        // A block with no role inside a hint is part of the hint's text.
        if in_details && parsed.role.is_none() {
            return None;
        }
        // A transcript (`console`, `shell-session`) shows prompts and output: what a learner
        // can run of it is its commands.
        let code = match transcript_commands(&parsed.lang, &code) {
            Some(commands) if parsed.role.is_none() => commands,
            _ => code,
        };
        let block = Block {
            lang: parsed.lang,
            role: parsed.role,
            attrs: parsed.attrs,
            code,
            span,
            info_span,
            code_span,
            file: self.file,
            http,
        };
        let blocks = match self.out.steps.last_mut() {
            Some(step) => &mut step.blocks,
            None => {
                if matches!(block.role, Some(Role::Run | Role::Check | Role::Solve)) {
                    let what = format!("a `{}` block", block.role.map_or("", Role::as_str));
                    self.out
                        .diagnostics
                        .push(outside_step(self.first_line(span), &what));
                }
                &mut self.out.intro_blocks
            }
        };
        blocks.push(block);
        (!in_details).then(|| Content::Block {
            index: blocks.len() - 1,
        })
    }

    pub(super) fn html_block(&mut self, html: &str, span: Span) {
        let lower = html.to_ascii_lowercase();
        let mut found_any = false;
        let mut pos = 0;
        // Walk the `<details>` and `</details>` tags of this HTML in order.
        while let Some((at, opening)) = next_details_tag(&lower, pos) {
            found_any = true;
            if opening {
                let summary = summary_of(html, at).unwrap_or_default();
                let after_summary = lower[at..].find("</summary>").map_or_else(
                    || lower[at..].find('>').map_or(lower.len(), |i| at + i + 1),
                    |i| at + i + "</summary>".len(),
                );
                let is_hint = summary.trim().to_ascii_lowercase().starts_with("hint");
                self.details.push(OpenDetails {
                    summary,
                    is_hint,
                    start: Span::new(span.start + at, span.start + after_summary),
                    body_start: span.start + after_summary,
                });
                pos = after_summary;
            } else {
                self.close_details(Span::new(
                    span.start + at,
                    span.start + at + "</details>".len(),
                ));
                pos = at + "</details>".len();
            }
        }
        if !found_any && self.details.is_empty() {
            self.push_markdown(span);
        }
    }

    pub(super) fn close_details(&mut self, closing: Span) {
        let Some(open) = self.details.pop() else {
            self.push_markdown(closing);
            return;
        };
        if !self.details.is_empty() {
            return;
        }
        let body = Span::new(open.body_start, closing.start.max(open.body_start));
        let whole = Span::new(open.start.start, closing.end);
        if open.is_hint
            && let Some(step) = self.out.steps.last_mut()
        {
            step.hints.push(Hint {
                summary: open.summary,
                body,
                span: whole,
            });
            let index = step.hints.len() - 1;
            step.content.push(Content::Hint { index });
            return;
        }
        self.push_content(Content::Details {
            summary: open.summary,
            span: body,
        });
    }

    /// Closes any `<details>` left open when a step ends, with an error.
    pub(super) fn close_details_at(&mut self, end: usize) {
        if self.details.is_empty() {
            return;
        }
        let outermost_start = self.details[0].start;
        self.out.diagnostics.push(
            Diagnostic::new(
                Code::UnclosedHint,
                outermost_start,
                "`<details>` is not closed before the step ends",
            )
            .with_help("add `</details>` on its own line, after a blank line"),
        );
        while !self.details.is_empty() {
            self.close_details(Span::new(end, end));
        }
    }
}

pub(super) fn outside_step(span: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::BlockOutsideStep,
        span,
        format!("{what} must be inside a step"),
    )
    .with_help(
        "move it under a `##` heading; before the first step only `setup` and `cleanup` blocks run",
    )
}

/// The info string on the fence line starting at `block_start`, as written.
pub(super) fn raw_info(text: &str, block_start: usize) -> Span {
    let line_end = line_end(text, block_start);
    let line = &text[block_start..line_end];
    let fence = line.trim_start();
    let marker = fence.chars().next().unwrap_or('`');
    let after_fence = fence.trim_start_matches(marker);
    let info = after_fence.trim();
    let start = line_end - after_fence.len() + (after_fence.len() - after_fence.trim_start().len());
    Span::new(start, start + info.len())
}

pub(super) fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

pub(super) fn line_end(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text[offset..].find('\n').map_or(text.len(), |i| offset + i)
}

/// The next `<details` or `</details>` tag at or after `pos` in lowercased HTML.
pub(super) fn next_details_tag(lower: &str, pos: usize) -> Option<(usize, bool)> {
    let open = lower[pos..].find("<details").map(|i| pos + i);
    let close = lower[pos..].find("</details>").map(|i| pos + i);
    match (open, close) {
        (Some(o), Some(c)) if o < c => Some((o, true)),
        (_, Some(c)) => Some((c, false)),
        (Some(o), None) => Some((o, true)),
        (None, None) => None,
    }
}

/// The text of the `<summary>` after the `<details` at `at`, tags stripped.
pub(super) fn summary_of(html: &str, at: usize) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let open = at + lower[at..].find("<summary")?;
    let content_start = open + lower[open..].find('>')? + 1;
    let content_end = content_start + lower[content_start..].find("</summary>")?;
    let mut summary = String::new();
    let mut in_tag = false;
    for c in html[content_start..content_end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => summary.push(c),
            _ => {}
        }
    }
    Some(summary.split_whitespace().collect::<Vec<_>>().join(" "))
}
