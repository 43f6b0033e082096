//! The one place pulldown-cmark is configured, so lint, show and the benchmarks parse alike.

use pulldown_cmark::{Options, Parser};

/// GitHub-flavoured Markdown plus the two extensions lessons use: YAML front matter and
/// `{#id}` heading attributes.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_GFM
}

pub fn parser(text: &str) -> Parser<'_> {
    Parser::new_ext(text, options())
}
