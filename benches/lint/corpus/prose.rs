//! A lesson's files, front matter, steps and prose: headings, sentences, lists, tables,
//! callouts, images, hints and solutions.

use std::collections::HashSet;
use std::fmt::Write as _;

use super::words::*;
use super::{Expected, GenLesson, LessonGen, Rng};

impl LessonGen {
    pub(super) fn new(rng: &mut Rng, index: usize) -> Self {
        // Everyone works somewhere: region and namespace are common, the rest varies.
        let mut vars: Vec<&'static str> = Vec::new();
        let wanted = rng.range(3, 9);
        let base: &[&str] = if rng.chance(70) {
            &["region", "namespace"]
        } else {
            &["app_port"]
        };
        for name in base {
            add_var(&mut vars, name);
        }
        while vars.len() < wanted {
            add_var(&mut vars, rng.pick(VARS).name);
        }
        Self {
            index,
            refs: vars.clone(),
            vars,
            ids: HashSet::new(),
            expected: Expected::default(),
            image_prefix: "",
            part: 0,
        }
    }

    pub(super) fn file_lesson(mut self, rng: &mut Rng) -> GenLesson {
        let path = format!("lesson-{:05}.md", self.index);
        let text = self.file(rng);
        GenLesson {
            path: path.clone(),
            parts: vec![(path, text)],
            expected: self.expected,
        }
    }

    pub(super) fn folder_lesson(mut self, rng: &mut Rng, parts: usize) -> GenLesson {
        let folder = format!("folders/lab-{:05}", self.index);
        self.image_prefix = "../../";
        let mut files = Vec::new();
        for part in 0..parts {
            self.part = part;
            let name = format!("{folder}/{:02}-{}.md", part + 1, slugify(rng.word(OBJECTS)));
            files.push((name, self.file(rng)));
        }
        GenLesson {
            path: folder,
            parts: files,
            expected: self.expected,
        }
    }

    /// One Markdown file: front matter, title, intro and 5–20 steps; 4–30 KiB once written,
    /// as the last element of a step may overshoot its share.
    pub(super) fn file(&mut self, rng: &mut Rng) -> String {
        // Skewed towards small files, as real lessons are: the smaller of two draws.
        let target = rng
            .range(4 * 1024, 28 * 1024)
            .min(rng.range(4 * 1024, 28 * 1024));
        let steps = (target / 1400 + rng.below(5))
            .saturating_sub(2)
            .clamp(5, 20);
        let mut out = String::with_capacity(target + 2048);
        if self.part == 0 || rng.chance(50) {
            self.front_matter(rng, &mut out);
        }
        self.intro(rng, &mut out);
        // Each step gets its share of what is left, so an overshoot is paid back later.
        for step in 0..steps {
            let share = target.saturating_sub(out.len()) / (steps - step);
            self.step(rng, &mut out, share);
        }
        out
    }

    pub(super) fn front_matter(&mut self, rng: &mut Rng, out: &mut String) {
        out.push_str("---\n");
        if self.part == 0 {
            let _ = writeln!(out, "id: lab-{:05}", self.index);
        }
        let _ = writeln!(out, "title: \"{} {}\"", rng.pick(VERBS), rng.pick(OBJECTS));
        let _ = writeln!(
            out,
            "summary: \"{}\"",
            self.plain_sentence(rng).replace('"', "'")
        );
        let _ = writeln!(out, "duration: {}m", rng.range(2, 12) * 5);
        let _ = writeln!(out, "version: {}", rng.range(1, 4));
        if rng.chance(80) {
            out.push_str("requires:\n  tools:\n");
            let count = rng.range(1, 4);
            let start = rng.below(TOOLS.len());
            for i in 0..count {
                out.push_str(TOOLS[(start + i) % TOOLS.len()]);
            }
        }
        // A folder lesson declares its variables once, in its first part.
        if self.part == 0 {
            out.push_str("vars:\n");
            for name in &self.vars {
                let def = VARS
                    .iter()
                    .find(|def| def.name == *name)
                    .expect("known var");
                out.push_str(def.yaml);
            }
        }
        out.push_str("---\n\n");
    }

    pub(super) fn intro(&mut self, rng: &mut Rng, out: &mut String) {
        let _ = writeln!(out, "# {} {}\n", rng.pick(VERBS), rng.pick(OBJECTS));
        self.paragraph(rng, out, 2, 5);
        self.callout(rng, out);
        if rng.chance(60) {
            out.push_str("In this lab you will:\n\n");
            for _ in 0..rng.range(3, 6) {
                let _ = writeln!(
                    out,
                    "- {} {}",
                    rng.pick(VERBS).to_lowercase(),
                    rng.pick(OBJECTS)
                );
            }
            out.push('\n');
        }
        if rng.chance(25) {
            self.image(rng, out);
        }
        // Lesson-wide blocks: these run once, before the first step.
        if rng.chance(50) {
            self.shell_block(rng, out, Some("setup"));
        }
        if rng.chance(40) {
            self.shell_block(rng, out, Some("cleanup"));
        }
        if rng.chance(30) {
            self.paragraph(rng, out, 1, 3);
        }
    }

    pub(super) fn step(&mut self, rng: &mut Rng, out: &mut String, budget: usize) {
        let start = out.len();
        self.heading(rng, out);
        self.paragraph(rng, out, 1, 4);
        // A tenth of the steps only ask the learner to read and confirm.
        let verified = rng.chance(90);
        // Leave room for the check and the hints that end a verified step.
        let reserve = if verified { 700 } else { 0 };
        while out.len() - start + reserve < budget {
            match rng.below(100) {
                0..=21 => self.paragraph(rng, out, 2, 5),
                22..=30 => self.list(rng, out, verified),
                31..=36 => self.table(rng, out),
                37..=45 => self.shell_block(rng, out, None),
                46..=50 => self.file_block(rng, out),
                51..=61 if verified => self.shell_block(rng, out, Some("run")),
                62..=64 if verified => {
                    let role = *rng.pick(&["setup", "cleanup"]);
                    self.shell_block(rng, out, Some(role));
                }
                65..=69 if verified => self.http_block(rng, out, "run"),
                70..=75 => self.callout(rng, out),
                76..=79 => self.image(rng, out),
                80..=84 => {
                    let _ = writeln!(out, "### {} {}\n", rng.pick(VERBS), rng.pick(NOUNS));
                }
                85..=87 => self.details(rng, out),
                88..=91 => self.hint(rng, out),
                92..=95 if verified => self.check(rng, out),
                96..=99 => self.output_block(rng, out),
                _ => self.paragraph(rng, out, 1, 3),
            }
        }
        if verified {
            match rng.below(100) {
                0..=59 => self.shell_block(rng, out, Some("check")),
                60..=79 => self.http_block(rng, out, "check"),
                _ => self.quiz(rng, out),
            }
            if rng.chance(45) {
                self.hint(rng, out);
            }
            if rng.chance(20) {
                self.hint(rng, out);
            }
            if rng.chance(35) {
                self.solution(rng, out);
            }
        }
    }

    pub(super) fn heading(&mut self, rng: &mut Rng, out: &mut String) {
        self.expected.steps += 1;
        let title = format!("{} {}", rng.pick(VERBS), rng.pick(OBJECTS));
        let slug = slugify(&title);
        if !self.ids.contains(&slug) && rng.chance(75) {
            self.ids.insert(slug);
            let _ = writeln!(out, "## {title}\n");
            return;
        }
        // An explicit id: the author's choice, or the only way to tell two steps apart.
        let mut id = slug.split('-').take(2).collect::<Vec<_>>().join("-");
        let mut n = 2;
        while self.ids.contains(&id) {
            id = format!(
                "{}-{n}",
                slug.split('-').take(2).collect::<Vec<_>>().join("-")
            );
            n += 1;
        }
        let _ = writeln!(out, "## {title} {{#{id}}}\n");
        self.ids.insert(id);
    }

    // -- prose ------------------------------------------------------------------------

    pub(super) fn var_ref(&self, rng: &mut Rng) -> String {
        format!("{{{{{}}}}}", rng.pick(&self.refs))
    }

    pub(super) fn inline_code(&self, rng: &mut Rng) -> String {
        let code = rng.pick(INLINE_CODE).replace("$v", &self.var_ref(rng));
        format!("`{code}`")
    }

    pub(super) fn sentence(&self, rng: &mut Rng) -> String {
        let template = *rng.pick(SENTENCES);
        let mut out = String::with_capacity(template.len() + 64);
        let mut chars = template.chars();
        while let Some(c) = chars.next() {
            if c != '$' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('C') => out.push_str(&self.inline_code(rng)),
                Some('N') => out.push_str(rng.word(NOUNS)),
                Some('R') => out.push_str(&self.var_ref(rng)),
                Some('T') => {
                    let _ = write!(out, "`{}`", rng.pick(TOOL_NAMES));
                }
                Some('L') => {
                    let (text, url) = rng.pick(LINKS);
                    let _ = write!(out, "[{text}]({url})");
                }
                Some('G') => out.push_str(rng.word(GO_TEMPLATES)),
                Some('B') => {
                    let _ = write!(out, "**{}**", rng.pick(BOLD));
                }
                Some('E') => {
                    let _ = write!(out, "*{}*", rng.pick(EMPHASIS));
                }
                Some('S') => out.push_str(&slugify(rng.word(OBJECTS))),
                Some('I') => out.push_str(&self.image_url(rng)),
                Some(other) => out.push(other),
                None => {}
            }
        }
        out
    }

    /// A sentence with no Markdown or variables, for YAML strings.
    pub(super) fn plain_sentence(&self, rng: &mut Rng) -> String {
        format!(
            "{} {} and {} {}.",
            rng.pick(VERBS),
            rng.pick(OBJECTS),
            rng.pick(VERBS).to_lowercase(),
            rng.pick(NOUNS)
        )
    }

    pub(super) fn paragraph(&mut self, rng: &mut Rng, out: &mut String, min: usize, max: usize) {
        let sentences: Vec<String> = (0..rng.range(min, max))
            .map(|_| self.sentence(rng))
            .collect();
        if sentences.iter().any(|s| s.contains("![")) {
            self.expected.images += sentences.iter().filter(|s| s.contains("![")).count();
            self.expected.local_images += sentences
                .iter()
                .filter(|s| s.contains("![") && !s.contains("://"))
                .count();
        }
        wrap(out, &sentences.join(" "), "", 100);
        out.push('\n');
    }

    pub(super) fn list(&mut self, rng: &mut Rng, out: &mut String, verified: bool) {
        let ordered = rng.chance(50);
        let items = rng.range(2, 6);
        let nested_blocks = rng.chance(40);
        for i in 0..items {
            let marker = if ordered {
                format!("{}. ", i + 1)
            } else {
                "- ".to_owned()
            };
            let indent = " ".repeat(marker.len());
            let text = if rng.chance(30) {
                format!(
                    "[{}] {}",
                    if rng.chance(50) { "x" } else { " " },
                    self.sentence(rng)
                )
            } else {
                self.sentence(rng)
            };
            let text = text.replace("![", "[");
            let mut item = String::new();
            wrap(&mut item, &text, &indent, 100);
            out.push_str(&marker);
            out.push_str(&item[indent.len()..]);
            if nested_blocks && rng.chance(60) {
                out.push('\n');
                let role = if verified && rng.chance(40) {
                    Some("run")
                } else {
                    None
                };
                let mut block = String::new();
                self.shell_block(rng, &mut block, role);
                for line in block.lines() {
                    if line.is_empty() {
                        out.push('\n');
                    } else {
                        let _ = writeln!(out, "{indent}{line}");
                    }
                }
            } else if nested_blocks {
                out.push('\n');
            }
        }
        out.push('\n');
    }

    pub(super) fn table(&self, rng: &mut Rng, out: &mut String) {
        out.push_str("| Setting | Value | Why |\n| --- | :---: | --- |\n");
        for _ in 0..rng.range(2, 6) {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} {} |",
                rng.pick(&self.refs),
                self.var_ref(rng),
                rng.pick(VERBS),
                rng.pick(NOUNS)
            );
        }
        out.push('\n');
    }

    pub(super) fn callout(&self, rng: &mut Rng, out: &mut String) {
        let kind = rng.pick(&["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"]);
        let _ = writeln!(out, "> [!{kind}]");
        let mut body = String::new();
        let text = (0..rng.range(1, 3))
            .map(|_| self.sentence(rng).replace("![", "["))
            .collect::<Vec<_>>()
            .join(" ");
        wrap(&mut body, &text, "> ", 100);
        out.push_str(&body);
        out.push('\n');
    }

    pub(super) fn image_url(&self, rng: &mut Rng) -> String {
        if rng.chance(4) {
            format!("{}img/{}", self.image_prefix, rng.pick(LOCAL_IMAGES))
        } else {
            (*rng.pick(IMAGE_URLS)).to_owned()
        }
    }

    pub(super) fn image(&mut self, rng: &mut Rng, out: &mut String) {
        let url = self.image_url(rng);
        self.expected.images += 1;
        if !url.contains("://") {
            self.expected.local_images += 1;
        }
        let _ = writeln!(out, "![{} {}]({url})\n", rng.pick(VERBS), rng.pick(NOUNS));
    }

    pub(super) fn details(&mut self, rng: &mut Rng, out: &mut String) {
        let summary = rng.pick(&[
            "Why this works",
            "What the fields mean",
            "Example output",
            "On macOS",
        ]);
        let _ = writeln!(out, "<details><summary>{summary}</summary>\n");
        self.paragraph(rng, out, 1, 3);
        if rng.chance(50) {
            self.output_block(rng, out);
        }
        out.push_str("</details>\n\n");
    }

    pub(super) fn hint(&mut self, rng: &mut Rng, out: &mut String) {
        self.expected.hints += 1;
        let summary = rng.pick(&[
            "Hint",
            "Hint",
            "Hint 2",
            "Hint: where to look",
            "Hint — the command",
        ]);
        let _ = writeln!(out, "<details><summary>{summary}</summary>\n");
        self.paragraph(rng, out, 1, 3);
        if rng.chance(30) {
            // No role: part of the hint's text, not a block of the step.
            let mut block = String::new();
            let body = self.command_lines(rng, 1, 2);
            let _ = write!(block, "```bash\n{body}```\n\n");
            out.push_str(&block);
        }
        out.push_str("</details>\n\n");
    }

    /// A solution hidden from GitHub readers: a `solve` block inside `<details>`.
    pub(super) fn solution(&mut self, rng: &mut Rng, out: &mut String) {
        out.push_str("<details><summary>Solution</summary>\n\n");
        self.shell_block(rng, out, Some("solve"));
        out.push_str("</details>\n\n");
    }
}

/// Adds `name` and the variables its `value` template needs.
pub(super) fn add_var(vars: &mut Vec<&'static str>, name: &str) {
    let def = VARS.iter().find(|def| def.name == name).expect("known var");
    for need in def.needs {
        add_var(vars, need);
    }
    if !vars.contains(&def.name) {
        vars.push(def.name);
    }
}

/// Lowercase words joined by `-`, as a step slug or a file name.
pub(super) fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// Appends `text` wrapped at `width` columns, each line starting with `prefix`; breaks only
/// at spaces, so code spans and references stay whole when they have no space.
pub(super) fn wrap(out: &mut String, text: &str, prefix: &str, width: usize) {
    let mut line_len = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if line_len == 0 {
            out.push_str(prefix);
            line_len = prefix.len();
        } else if line_len + 1 + word.len() > width {
            out.push('\n');
            out.push_str(prefix);
            line_len = prefix.len();
        } else {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += word.len();
    }
    out.push('\n');
}
