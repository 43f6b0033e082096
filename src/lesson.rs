//! Lessons: the Markdown format, parsed into a model that keeps every source position, and
//! the diagnostics an author can act on.

mod commands;
mod consent;
mod diagnostic;
mod dialects;
mod duration;
mod front_matter;
pub mod http;
mod import;
pub(crate) mod info_string;
mod lint;
mod load;
pub mod markdown;
mod model;
mod parser;
mod quiz;
mod shell_lines;
mod span;
pub mod template;
mod validate;
mod var_sources;
pub(crate) mod yaml;

pub use diagnostic::{Code, Diagnostic, Severity, nearest};
pub use duration::parse_duration;
pub use front_matter::{ToolRequirement, VarSpec};
pub use import::{ImportError, Imported, import};
pub use lint::BUILTIN_VARS;
pub use load::{
    LoadError, Loaded, from_sources, is_folder_lesson, is_markdown, load, markdown_files, parts,
    scenario_pages,
};
pub use model::{
    Attrs, Block, CalloutKind, Content, Hint, Lesson, Part, Role, Shell, Source, Step, VarRef,
};
pub use parser::slug;
pub use quiz::Quiz;
pub use shell_lines::command_starts;
pub use span::{LineCol, LineIndex, Span};
pub use validate::{is_identifier, is_reserved_env_name};
pub use var_sources::VarSource;
