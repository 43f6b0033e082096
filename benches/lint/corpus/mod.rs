//! A deterministic generator of realistic lessons for the lint benchmark.
//!
//! Every lesson is built from the same seed, so two runs (and two machines) lint the very
//! same text. The lessons use the whole format of DESIGN.md: front matter with variables and
//! required tools, an intro with a callout and lesson-wide `setup`/`cleanup` blocks, and
//! steps mixing prose (bold, code, links, `{{var}}` references, Go templates), lists with
//! nested fenced blocks, tables, shell blocks with every role and attribute, HTTP blocks in
//! the Hurl subset, quizzes, hints, solutions in `<details>`, callouts and images.
//!
//! The generator keeps the lessons valid (every `{{NAME}}` is declared or captured, every
//! step that runs something has a check, step ids are unique, quiz answers are among the
//! choices) and counts what it wrote, so the benchmark can show that lint built the model
//! it was meant to build instead of stopping early.

use std::collections::HashSet;

/// SplitMix64: tiny, fast and good enough to vary text.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// One word (or phrase) of a list.
    pub fn word(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }
}

/// What the generator wrote into a lesson, to compare with the model lint builds.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Expected {
    pub steps: usize,
    /// Fenced blocks with a role (shell and HTTP), wherever they are.
    pub role_blocks: usize,
    pub http_blocks: usize,
    pub quizzes: usize,
    pub hints: usize,
    pub images: usize,
    pub local_images: usize,
}

impl Expected {
    pub fn add(&mut self, other: &Expected) {
        self.steps += other.steps;
        self.role_blocks += other.role_blocks;
        self.http_blocks += other.http_blocks;
        self.quizzes += other.quizzes;
        self.hints += other.hints;
        self.images += other.images;
        self.local_images += other.local_images;
    }
}

/// One generated lesson: a single file, or a folder whose files are its parts.
pub struct GenLesson {
    /// Relative to the corpus folder: `lesson-00001.md` or `folders/lab-00042`.
    pub path: String,
    /// (path relative to the corpus folder, text) of each part, in order.
    pub parts: Vec<(String, String)>,
    pub expected: Expected,
}

pub struct Corpus {
    pub lessons: Vec<GenLesson>,
    /// Local images the lessons show, relative to the corpus folder: they must exist.
    pub images: Vec<String>,
    pub bytes: usize,
}

/// Generates lessons until they hold at least `min_bytes` of Markdown.
pub fn generate(seed: u64, min_bytes: usize) -> Corpus {
    let mut rng = Rng::new(seed);
    let mut lessons = Vec::new();
    let mut bytes = 0;
    let mut index = 0;
    while bytes < min_bytes {
        index += 1;
        let folder = rng.chance(8);
        let lesson = if folder {
            let parts = rng.range(2, 4);
            LessonGen::new(&mut rng, index).folder_lesson(&mut rng, parts)
        } else {
            LessonGen::new(&mut rng, index).file_lesson(&mut rng)
        };
        bytes += lesson
            .parts
            .iter()
            .map(|(_, text)| text.len())
            .sum::<usize>();
        lessons.push(lesson);
    }
    let images = LOCAL_IMAGES
        .iter()
        .map(|name| format!("img/{name}"))
        .collect();
    Corpus {
        lessons,
        images,
        bytes,
    }
}

mod blocks;
mod prose;
mod words;

use words::LOCAL_IMAGES;

/// The state of one lesson being written: what it may reference and what it wrote.
struct LessonGen {
    index: usize,
    /// Declared variables.
    vars: Vec<&'static str>,
    /// Declared or captured: every name a `{{NAME}}` may use.
    refs: Vec<&'static str>,
    /// Step ids used so far, lesson-wide.
    ids: HashSet<String>,
    expected: Expected,
    /// `../../` for the parts of a folder lesson, whose images live two folders up.
    image_prefix: &'static str,
    /// How many parts deep (a folder lesson's later parts declare no variables).
    part: usize,
}
