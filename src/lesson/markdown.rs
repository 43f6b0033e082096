//! The one place pulldown-cmark is configured, so lint, show and the benchmarks parse alike.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};

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

/// `event` with the control characters of its text made visible. Markdown decodes
/// character references (`&#27;` is ESC), so text clean in the file can still carry one;
/// everything that reads a lesson's Markdown reads it through this.
pub fn visible(event: Event<'_>) -> Event<'_> {
    fn shown(text: CowStr<'_>) -> CowStr<'_> {
        if crate::text::has_hidden(&text) {
            CowStr::from(crate::text::lines(&text))
        } else {
            text
        }
    }
    match event {
        Event::Text(text) => Event::Text(shown(text)),
        Event::Code(text) => Event::Code(shown(text)),
        Event::InlineMath(text) => Event::InlineMath(shown(text)),
        Event::DisplayMath(text) => Event::DisplayMath(shown(text)),
        Event::Html(text) => Event::Html(shown(text)),
        Event::InlineHtml(text) => Event::InlineHtml(shown(text)),
        Event::FootnoteReference(text) => Event::FootnoteReference(shown(text)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: shown(dest_url),
            title: shown(title),
            id: shown(id),
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: shown(dest_url),
            title: shown(title),
            id: shown(id),
        }),
        event => event,
    }
}

/// Where Markdown's character references (`&#x1b;`) make a control character out of text
/// that holds none: (byte range in `text`, the character). Only numeric references can, so
/// a text without `&#` is not parsed again.
pub fn hidden_references(text: &str) -> Vec<(std::ops::Range<usize>, char)> {
    if !text.contains("&#") {
        return Vec::new();
    }
    let mut found = Vec::new();
    for (event, range) in parser(text).into_offset_iter() {
        let decoded: Vec<&str> = match &event {
            Event::Text(text) => vec![text],
            Event::Start(
                Tag::Link {
                    dest_url, title, ..
                }
                | Tag::Image {
                    dest_url, title, ..
                },
            ) => vec![dest_url, title],
            _ => Vec::new(),
        };
        if let Some((_, c)) = decoded.into_iter().find_map(crate::text::first_hidden) {
            found.push((range, c));
        }
    }
    found
}

/// The text of inline HTML with its named character references read (`&lt;` `&gt;` `&amp;`
/// `&quot;` `&#39;` `&nbsp;`), as a lesson's HTML or a scenario's `<pre>` holds them.
pub fn decode_entities(text: &str) -> String {
    text.replace("&nbsp;", "\u{a0}")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
