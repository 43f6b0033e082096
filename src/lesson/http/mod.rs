//! The body of an `http` block: requests in a subset of [Hurl](https://hurl.dev)'s format, so
//! that authors can run the same block with the real `hurl` tool.
//!
//! The accepted grammar, one construct per line. Leading and trailing whitespace is ignored
//! outside bodies; a line starting with `#` is a comment, and so is the end of a line from an
//! unquoted `#` (write `\#` for a literal one, as in Hurl).
//!
//! ```text
//! block    = entry*
//! entry    = request response?
//! request  = METHOD url                GET HEAD POST PUT DELETE CONNECT OPTIONS TRACE PATCH
//!            header*                   Name: value
//!            section*                  [QueryStringParams] or [Query]    name: value
//!                                      [FormParams] or [Form]            name: value
//!                                      [Options]   retry: 3
//!                                                  retry-interval: 2s    (bare number: ms)
//!                                                  timeout: 10s          (or max-time)
//!            body?
//! body     = JSON                      from `{` or `[` to the matching bracket, any lines
//!          | ```[json|xml|raw] ... ``` the lines between the fences (```text``` on one line)
//!          | `text`
//!          | text                      lines up to a blank or comment line: XML from `<`, a
//!                                      JSON value (`"text"`, `100`, `true`), else (labrun
//!                                      only) plain text; `BodyKind` says how each is sent
//! response = HTTP[/1.0|/1.1|/2|/3] STATUS      STATUS: 100..=599, or `*` for any
//!            header*                   Name: value, meaning `header "Name" == "value"`
//!            section*                  [Captures]  name: query filter*
//!                                      [Asserts]   query filter* [not] predicate
//!            body?                     JSON or ``` string, meaning `body == "..."`
//! ```
//!
//! Queries, filters and predicates are Hurl 8's: `asserts.rs` has their grammar.
//!
//! Strings take `\"`, `\\`, `\n`, `\t`, `\r`, `\b`, `\f` and `\u{hex}`. Hurl features that
//! labrun lacks (`[BasicAuth]`, `[Cookies]`, multipart, queries such as `xpath`, most
//! options) are reported as not supported rather than unknown, so authors see the block is
//! valid Hurl but not for labrun.
//!
//! A line with an error is left out of the model and parsing goes on with the next line, so a
//! block reports all its problems at once. Entries stay even when their request or `HTTP` line
//! is wrong, so that their captures still define variables and lint reports no cascade.
//!
//! The files, one part of the grammar each: `model` (what a block becomes), `keywords` (the
//! format's words), `parser` (the line-by-line reader), `lines` (what a line is), `strings`
//! (values, quoting and escapes), `asserts` (queries, filters and predicates), `value` (the
//! values predicates compare with) and `jsonpath` (JSONPath's limits and syntax).

use std::time::Duration;

use serde::Serialize;

mod asserts;
mod jsonpath;
mod keywords;
mod lines;
mod model;
mod parser;
mod strings;
#[cfg(test)]
mod tests;
mod value;

pub use asserts::{
    Assert, Capture, Filter, Predicate, PredicateOp, PredicateValue, Query, encoding_known,
};
use asserts::{assert, capture};
pub use jsonpath::{MAX_JSONPATH_NESTING, jsonpath_is_singular, jsonpath_nesting};
pub use keywords::HURL_FUNCTIONS;
use keywords::*;
use lines::*;
pub use model::{Body, BodyKind, HttpEntry, HttpOptions, KeyValue};
use parser::*;
use strings::*;

use super::diagnostic::{Code, Diagnostic, nearest};
use super::duration::parse_duration;
use super::span::Span;

/// Parses the text of an `http` block. `base` is the byte offset of `text` in the lesson file,
/// so that every span is absolute in the file.
pub fn parse_http_block(text: &str, base: usize) -> (Vec<HttpEntry>, Vec<Diagnostic>) {
    let mut parser = Parser {
        text,
        base,
        ..Parser::default()
    };
    parser.run();
    let mut diags = parser.diags;
    for entry in &parser.entries {
        diags.extend(entry.asserts.iter().filter_map(asserts::hurl_difference));
    }
    (parser.entries, diags)
}
