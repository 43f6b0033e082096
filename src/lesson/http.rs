//! Placeholder until the HTTP block parser lands.
use super::diagnostic::Diagnostic;
use super::span::Span;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HttpEntry {
    pub span: Span,
    pub captures: Vec<Capture>,
}
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Capture {
    pub name: String,
}
pub fn parse_http_block(_text: &str, _base: usize) -> (Vec<HttpEntry>, Vec<Diagnostic>) {
    (Vec::new(), Vec::new())
}
