//! Reading lessons from disk: a Markdown file, or a folder whose Markdown files are its parts.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::diagnostic::{Code, Diagnostic};
use super::front_matter::{FrontMatter, RawVar};
use super::front_matter::{ToolRequirement, VarSpec};
use super::lint;
use super::model::{Lesson, Part, Source, VarRef};
use super::parser::{Image, parse_file};
use super::span::Span;
use super::yaml::Key;

/// A lesson could not be read at all (as opposed to read with problems: see [`Loaded`]).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{0}` holds no Markdown (`.md`) files")]
    NoMarkdown(PathBuf),
    #[error("`{0}` is not UTF-8 text")]
    NotUtf8(PathBuf),
    /// A FIFO, a device, a socket: reading it could block for ever or never end.
    #[error(
        "`{0}` is not a regular file (a pipe, a device?): a lesson is a Markdown file or a folder"
    )]
    NotAFile(PathBuf),
    #[error("`{path}` is {size} bytes: a lesson file may hold at most {MAX_LESSON_BYTES} (16 MiB)")]
    TooLarge { path: PathBuf, size: u64 },
}

/// The largest lesson file labrun reads: far above any real lesson, far below what would
/// hurt the machine.
pub(super) const MAX_LESSON_BYTES: u64 = 16 * 1024 * 1024;

/// Reads one lesson file: a regular file (links followed) of at most [`MAX_LESSON_BYTES`].
fn read_lesson_file(file: &Path) -> Result<Vec<u8>, LoadError> {
    use std::io::Read;
    let io = |source| LoadError::Io {
        path: file.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(file).map_err(io)?;
    if !meta.is_file() {
        return Err(LoadError::NotAFile(file.to_path_buf()));
    }
    if meta.len() > MAX_LESSON_BYTES {
        return Err(LoadError::TooLarge {
            path: file.to_path_buf(),
            size: meta.len(),
        });
    }
    // The size can change between the look and the read (a growing file): read at most one
    // byte past the limit, to tell.
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .map_err(io)?
        .take(MAX_LESSON_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_LESSON_BYTES {
        return Err(LoadError::TooLarge {
            path: file.to_path_buf(),
            size: bytes.len() as u64,
        });
    }
    Ok(bytes)
}

/// A lesson and every problem found in it, errors and warnings.
#[derive(Debug)]
pub struct Loaded {
    pub lesson: Lesson,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// How many of the diagnostics are errors, and how many warnings.
    pub fn counts(&self) -> (usize, usize) {
        let errors = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == super::Severity::Error)
            .count();
        (errors, self.diagnostics.len() - errors)
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == super::Severity::Error)
    }
}

/// Reads and parses the lesson at `path` (a file or a folder lesson) and lints it.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    let is_folder = path.is_dir();
    let files = if is_folder {
        parts(path)?
    } else {
        vec![path.to_path_buf()]
    };
    if files.is_empty() {
        return Err(LoadError::NoMarkdown(path.to_path_buf()));
    }
    let mut unreadable = Vec::new();
    let sources = files
        .into_iter()
        .enumerate()
        .map(|(index, file)| {
            let bytes = read_lesson_file(&file)?;
            // A part that is not UTF-8 is reported like any problem, and the other parts
            // are still read; a single file that is not UTF-8 is no lesson at all.
            let Ok(mut text) = String::from_utf8(bytes) else {
                if !is_folder {
                    return Err(LoadError::NotUtf8(file));
                }
                unreadable.push(index);
                return Ok(Source {
                    path: file,
                    text: Arc::from(""),
                });
            };
            // A byte order mark would hide the front matter; editors show none, so drop it.
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Ok(Source {
                path: file,
                text: Arc::from(text),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut loaded = from_sources(path.to_path_buf(), sources);
    for file in unreadable {
        let diag = Diagnostic::new(
            Code::Unreadable,
            Span::default(),
            "this part is not UTF-8 text, so it was skipped",
        )
        .with_help("save the file as UTF-8")
        .in_file(file);
        loaded.diagnostics.insert(0, diag);
    }
    Ok(loaded)
}

/// The parts of a folder lesson: the files its table of contents (`_sidebar.md`,
/// `SUMMARY.md`, a scenario's `index.json`) links to, in its order; else its `.md` files in the order of their numbers
/// (`2-x.md` before `10-x.md`), without a `README.md` (the folder's landing page on GitHub)
/// unless it is the only one.
pub fn parts(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    if let Some(listed) = table_of_contents(dir) {
        return Ok(listed);
    }
    let mut files = markdown_files(dir)?;
    natural_order(&mut files);
    let parts: Vec<PathBuf> = files
        .iter()
        .filter(|file| !is_readme(file))
        .cloned()
        .collect();
    Ok(if parts.is_empty() { files } else { parts })
}

/// The tables of contents a folder of docs may have, by the tools that read them (docsify,
/// mdBook and GitBook).
const TABLES_OF_CONTENTS: &[&str] = &["_sidebar.md", "SUMMARY.md"];

/// The Markdown files of `dir` that its table of contents links to, in its order, each
/// once; `None` without a table of contents that links to any.
fn table_of_contents(dir: &Path) -> Option<Vec<PathBuf>> {
    if let Some(listed) = scenario_pages(dir) {
        return Some(listed);
    }
    let toc = TABLES_OF_CONTENTS
        .iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())?;
    let text = std::fs::read_to_string(&toc).ok()?;
    let mut listed: Vec<PathBuf> = Vec::new();
    for event in super::markdown::parser(&text) {
        let pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) = event else {
            continue;
        };
        let target = dest_url
            .split(['#', '?'])
            .next()
            .unwrap_or("")
            .trim_start_matches("./");
        // docsify's home page is `/` or `README.md`.
        let target = if target.is_empty() || target == "/" {
            "README.md"
        } else {
            target.trim_start_matches('/')
        };
        let path = dir.join(target);
        let path = if is_markdown(&path) {
            path
        } else {
            path.with_extension("md")
        };
        if path.parent() == Some(dir) && path.is_file() && !listed.contains(&path) {
            listed.push(path);
        }
    }
    (!listed.is_empty()).then_some(listed)
}

/// The pages of a Killercoda or Katacoda scenario, in the order its `index.json` gives them:
/// the intro's text, each step's, the finish's. (Its scripts need `labrun import`.)
pub fn scenario_pages(dir: &Path) -> Option<Vec<PathBuf>> {
    let index = std::fs::read_to_string(dir.join("index.json")).ok()?;
    let index = super::import::killercoda::without_trailing_commas(&index);
    let index: serde_json::Value = serde_json::from_str(&index).ok()?;
    let details = index.get("details")?;
    let steps = details.get("steps").and_then(|steps| steps.as_array());
    let pages = details
        .get("intro")
        .into_iter()
        .chain(steps.into_iter().flatten())
        .chain(details.get("finish"));
    let mut listed: Vec<PathBuf> = Vec::new();
    for page in pages {
        let Some(name) = page.get("text").and_then(|text| text.as_str()) else {
            continue;
        };
        // A page in the scenario's folder, or in a step's folder inside it.
        let inside = Path::new(name)
            .components()
            .all(|part| matches!(part, std::path::Component::Normal(_)));
        let path = dir.join(name);
        if inside && is_markdown(&path) && path.is_file() && !listed.contains(&path) {
            listed.push(path);
        }
    }
    (!listed.is_empty()).then_some(listed)
}

/// Sorts file names by their numbers as numbers: `2-x.md` before `10-x.md`.
fn natural_order(files: &mut [PathBuf]) {
    let key = |path: &PathBuf| {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
        (digits.parse::<u64>().unwrap_or(u64::MAX), name)
    };
    files.sort_by_cached_key(key);
}

/// Whether `dir` reads as one lesson in parts: it has a table of contents (`_sidebar.md`,
/// `SUMMARY.md`, a scenario's `index.json`), or every Markdown file but a `README.md` starts with a digit
/// (`1-registry.md`, `02-va.md`).
pub fn is_folder_lesson(dir: &Path) -> bool {
    if table_of_contents(dir).is_some() {
        return true;
    }
    let Ok(files) = markdown_files(dir) else {
        return false;
    };
    let parts: Vec<&PathBuf> = files.iter().filter(|file| !is_readme(file)).collect();
    !parts.is_empty()
        && parts.iter().all(|file| {
            file.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with(|c: char| c.is_ascii_digit()))
        })
}

fn is_readme(path: &Path) -> bool {
    path.file_stem()
        .is_some_and(|stem| stem.eq_ignore_ascii_case("readme"))
}

/// The `.md` files directly in `dir`, in file-name order.
pub fn markdown_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_file() && is_markdown(&path) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("md"))
}

/// Builds a lesson from sources already in memory: the parts of `path`, in order.
pub fn from_sources(path: PathBuf, sources: Vec<Source>) -> Loaded {
    let mut diagnostics = Vec::new();
    let mut placeholders = Vec::new();
    let sources: Vec<Source> = sources
        .into_iter()
        .enumerate()
        .map(|(index, source)| visible_source(source, index, &mut diagnostics, &mut placeholders))
        .collect();
    let mut parts = Vec::new();
    let mut steps = Vec::new();
    let mut vars = Vec::new();
    // The file each declared variable's name is first declared in.
    let mut declared = std::collections::HashMap::new();
    let mut requires: Vec<ToolRequirement> = Vec::new();
    let mut var_refs: Vec<VarRef> = Vec::new();
    let mut images: Vec<(usize, Image)> = Vec::new();
    let mut meta = Meta::default();

    for (index, source) in sources.iter().enumerate() {
        let parsed = parse_file(&source.text, index, index);
        diagnostics.extend(parsed.diagnostics.into_iter().map(|d| d.in_file(index)));
        meta.absorb(&parsed.front_matter);
        for tool in parsed.front_matter.tools {
            if !requires.iter().any(|known| known.name == tool.name) {
                requires.push(tool);
            }
        }
        declare_vars(
            parsed.front_matter.vars,
            index,
            &mut vars,
            &mut declared,
            &mut diagnostics,
        );
        let first_step = steps.len();
        steps.extend(parsed.steps);
        parts.push(Part {
            title: parsed.title,
            file: index,
            intro: parsed.intro,
            blocks: parsed.intro_blocks,
            steps: first_step..steps.len(),
        });
        var_refs.extend(parsed.var_refs);
        images.extend(parsed.images.into_iter().map(|image| (index, image)));
    }

    let default_id = default_id(&path);
    let title = meta
        .title
        .or_else(|| parts.iter().find_map(|part| part.title.clone()))
        .unwrap_or_else(|| default_id.clone());
    let mut lesson = Lesson {
        id: meta.id.unwrap_or(default_id),
        title,
        summary: meta.summary,
        duration: meta.duration,
        version: meta.version,
        watch: meta.watch.unwrap_or(true),
        path,
        sources,
        parts,
        requires,
        vars,
        steps,
        var_refs,
        variables: Default::default(),
    };
    if !lesson.is_written_for_labrun() {
        // A near miss of labrun's front matter keys in a tutorial for another tool is likely
        // that tool's own key: worth a look, not a refusal.
        for diag in &mut diagnostics {
            if diag.code == Code::UnknownKey {
                diag.severity = super::Severity::Warning;
            }
        }
        reading_steps(&mut lesson);
        super::commands::offer(&mut lesson);
        number_repeated_ids(&mut lesson.steps);
    }
    // A tutorial's `<placeholder>` is a value the learner gives, asked when its step comes.
    for (name, written, file) in placeholders {
        if lesson.vars.iter().any(|var| var.name == name) {
            continue;
        }
        lesson.vars.push(VarSpec {
            name,
            description: Some(format!(
                "The tutorial writes {written} for a value of yours."
            )),
            prompt: Some(written.trim_matches(['<', '>']).replace(['-', '_'], " ")),
            file,
            ..VarSpec::default()
        });
    }

    lesson.variables = lint::BUILTIN_VARS
        .iter()
        .copied()
        .chain(lesson.variable_names())
        .map(str::to_owned)
        .collect();
    lint::check(&lesson, &images, &mut diagnostics);
    diagnostics.sort_by_key(|d| (d.file, d.span.start, d.span.end));
    Loaded {
        lesson,
        diagnostics,
    }
}

/// A part of a tutorial with text but no step (a page of docs without `##`, a file that is
/// one step of a scenario) becomes one reading step, titled by its `#` heading: the learner
/// reads it and confirms, and it is neither skipped nor complete at once.
fn reading_steps(lesson: &mut Lesson) {
    if lesson
        .parts
        .iter()
        .all(|part| !part.steps.is_empty() || part.intro.is_empty())
    {
        return;
    }
    let mut old_steps: Vec<Option<super::model::Step>> = std::mem::take(&mut lesson.steps)
        .into_iter()
        .map(Some)
        .collect();
    let mut steps = Vec::new();
    for part in &mut lesson.parts {
        let first = steps.len();
        if part.steps.is_empty() && !part.intro.is_empty() {
            let title = part.title.clone().unwrap_or_else(|| {
                lesson.sources.get(part.file).map_or_else(
                    || lesson.title.clone(),
                    |source| {
                        source.path.file_stem().map_or_else(
                            || lesson.title.clone(),
                            |stem| stem.to_string_lossy().into_owned(),
                        )
                    },
                )
            });
            let len = lesson.sources.get(part.file).map_or(0, |s| s.text.len());
            let id = match super::parser::slug(&title) {
                slug if slug.is_empty() => format!("step-{}", steps.len() + 1),
                slug => slug,
            };
            steps.push(super::model::Step {
                id,
                title,
                span: Span::new(0, 0),
                body: Span::new(0, len),
                file: part.file,
                part: part.file,
                content: std::mem::take(&mut part.intro),
                blocks: std::mem::take(&mut part.blocks),
                hints: Vec::new(),
                quizzes: Vec::new(),
            });
        } else {
            for index in part.steps.clone() {
                if let Some(step) = old_steps.get_mut(index).and_then(Option::take) {
                    steps.push(step);
                }
            }
        }
        part.steps = first..steps.len();
    }
    lesson.steps = steps;
}

/// Steps that share an id (a tutorial in parts, each with its "Verification") get numbered
/// ones, `verification-2`, as GitHub numbers its anchors. In a lesson written for labrun a
/// repeated id is a lint error instead: its author decides which step is which.
fn number_repeated_ids(steps: &mut [super::model::Step]) {
    let mut taken: std::collections::HashSet<String> =
        steps.iter().map(|step| step.id.clone()).collect();
    let mut seen = std::collections::HashSet::new();
    for step in steps.iter_mut() {
        if seen.insert(step.id.clone()) {
            continue;
        }
        let base = step.id.clone();
        let mut number = 2;
        while taken.contains(&format!("{base}-{number}")) {
            number += 1;
        }
        step.id = format!("{base}-{number}");
        taken.insert(step.id.clone());
        seen.insert(step.id.clone());
    }
}

/// The id of a lesson whose front matter gives none: its file's name without `.md`, or for
/// a `README.md` or `index.md` (the page of a folder, of which a collection has many) the
/// folder's name. Made a file name (letters, digits, `-`, `_`, `.`).
fn default_id(path: &Path) -> String {
    let stem = |path: &Path| {
        path.file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
    };
    let name = match stem(path) {
        Some(name)
            if ["readme", "index", "_index"]
                .iter()
                .any(|page| name.eq_ignore_ascii_case(page)) =>
        {
            path.canonicalize()
                .ok()
                .and_then(|full| full.parent().and_then(stem))
                .unwrap_or(name)
        }
        Some(name) => name,
        None => "lesson".to_owned(),
    };
    id_from_name(&name).unwrap_or_else(|| "lesson".to_owned())
}

/// `name` made a lesson id: each character but letters, digits, `-`, `_` and `.` becomes
/// `-`, and leading dots go; `None` when nothing is left.
pub(super) fn id_from_name(name: &str) -> Option<String> {
    let id: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let id = id.trim_start_matches('.');
    (!id.is_empty()).then(|| id.to_owned())
}

/// `source` with every control character a terminal would act on made visible, and an
/// error at each line that held one (and at each character reference that makes one). A
/// lesson is then shown as it runs: what the learner reads is what the shell gets.
fn visible_source(
    source: Source,
    file: usize,
    diagnostics: &mut Vec<Diagnostic>,
    placeholders: &mut Vec<(String, String, usize)>,
) -> Source {
    let problem = |span: Span, c: char| {
        Diagnostic::new(
            Code::ControlCharacter,
            span,
            format!(
                "a control character ({}) that a terminal acts on rather than shows",
                crate::text::code_point(c)
            ),
        )
        .with_help(
            "delete it: it can hide or disguise text on the learner's screen (a command that \
             needs one can make it, as `printf '\\033'` does)",
        )
        .in_file(file)
    };
    let mut source = source;
    // Other tools' markup first: what it becomes is what is read, shown and run.
    let (text, found) = super::dialects::normalize_with_placeholders(&source.text);
    if let std::borrow::Cow::Owned(text) = text {
        source.text = Arc::from(text);
    }
    placeholders.extend(
        found
            .into_iter()
            .map(|(name, written)| (name, written, file)),
    );
    if crate::text::has_hidden(&source.text) {
        // Stand-ins are longer than what they replace: find each in the cleaned text.
        let mut at = 0;
        let mut reported_line = None;
        let mut line = 0;
        let raw = source.text.clone();
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            let shown_len = match c {
                '\r' | '\n' | '\t' => 1,
                c if crate::text::is_control(c) => {
                    crate::text::TerminalText::lines(c.encode_utf8(&mut [0; 4]))
                        .as_str()
                        .len()
                }
                c => c.len_utf8(),
            };
            if crate::text::is_control(c)
                && !matches!(c, '\r' | '\n' | '\t')
                && reported_line != Some(line)
            {
                reported_line = Some(line);
                diagnostics.push(problem(Span::new(at, at + shown_len), c));
            }
            if c == '\n' || (c == '\r' && chars.peek() != Some(&'\n')) {
                line += 1;
            }
            at += shown_len;
        }
        source.text = Arc::from(crate::text::lines(&raw));
    }
    for (range, c) in super::markdown::hidden_references(&source.text) {
        diagnostics.push(problem(Span::new(range.start, range.end), c));
    }
    source
}

/// Lesson-wide settings: the first part that gives one wins.
#[derive(Default)]
struct Meta {
    id: Option<String>,
    title: Option<String>,
    summary: Option<String>,
    duration: Option<String>,
    version: Option<String>,
    watch: Option<bool>,
}

impl Meta {
    fn absorb(&mut self, front: &FrontMatter) {
        let pick = |slot: &mut Option<String>, value: &Option<String>| {
            if slot.is_none() {
                slot.clone_from(value);
            }
        };
        pick(&mut self.id, &front.id);
        pick(&mut self.title, &front.title);
        pick(&mut self.summary, &front.summary);
        pick(&mut self.duration, &front.duration);
        pick(&mut self.version, &front.version);
        if self.watch.is_none() {
            self.watch = front.watch;
        }
    }
}

fn declare_vars(
    raw: Vec<(Key, RawVar)>,
    file: usize,
    vars: &mut Vec<VarSpec>,
    declared: &mut std::collections::HashMap<String, usize>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (name, var) in raw {
        let span = name.span;
        if let Some(&first) = declared.get(&name.name) {
            // Twice in one file is reported by the YAML pass, with both places.
            if first != file {
                diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateVariable,
                        span,
                        format!("variable `{}` is declared twice", name.name),
                    )
                    .with_help("declare each variable once, in the first part that needs it")
                    .in_file(file),
                );
            }
            continue;
        }
        declared.insert(name.name.clone(), file);
        let (pattern, pattern_span) = var.pattern.unzip();
        let spec = VarSpec {
            name: name.name,
            description: var.description,
            prompt: var.prompt,
            default: var.default,
            choices: var.choices,
            pattern,
            pattern_hint: var.pattern_hint,
            secret: var.secret,
            env: var.env,
            value: var.value,
            span,
            file,
        };
        let spans = lint::VarSpans {
            pattern: pattern_span.unwrap_or(span),
            default: var.default_span.unwrap_or(span),
            value: var.value_span.unwrap_or(span),
        };
        lint::check_var(&spec, spans, diagnostics);
        vars.push(spec);
    }
}
