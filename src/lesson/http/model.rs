//! The model of an `http` block: its entries (request and expected response), bodies and
//! options, as the executor runs them.

use super::*;

/// One request of an `http` block, with what its response must satisfy.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HttpEntry {
    /// From the request line to the last line of the entry.
    pub span: Span,
    pub method: String,
    /// As written, escapes resolved; may contain `{{NAME}}` templates.
    pub url: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<KeyValue>,
    /// `[QueryStringParams]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<KeyValue>,
    /// `[FormParams]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub form: Vec<KeyValue>,
    /// What to send.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
    /// `None` for `HTTP *`, or without an `HTTP` line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub captures: Vec<Capture>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub asserts: Vec<Assert>,
    #[serde(skip_serializing_if = "HttpOptions::is_empty")]
    pub options: HttpOptions,
}

/// A request's body, and the kind of it that decides how Hurl sends it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Body {
    /// As written: JSON and XML whole, a ``` or `` ` `` string without its quotes (a `` ` ``
    /// string's escapes resolved).
    pub text: String,
    pub kind: BodyKind,
}

/// How a body is filled in and labelled, as Hurl does for each way of writing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// A JSON value written as it is (`{…}`, `[…]`, `"text"`, `100`, `true`): sent as
    /// `application/json`; a `{{NAME}}` inside a JSON string is escaped as JSON.
    Json,
    /// A ```` ```json ```` string: sent as `application/json`, `{{NAME}}` filled in as it is.
    JsonText,
    /// XML written as it is (from `<`): sent as `application/xml`, and as written, since
    /// Hurl fills no `{{NAME}}` in it.
    Xml,
    /// A ```` ```xml ```` string: sent as `application/xml`, `{{NAME}}` filled in.
    XmlText,
    /// A ```` ``` ```` or `` ` `` string, or lines of text: no content type.
    Text,
    /// A ```` ```raw ```` string: sent exactly as written, `{{…}}` included.
    Raw,
    /// `hex,…;`: bytes, `text` their hex digits.
    Hex,
    /// `base64,…;`: bytes, `text` their base64.
    Base64,
}

impl Body {
    /// The content type Hurl gives this body when no header names one.
    pub fn content_type(&self) -> Option<&'static str> {
        match self.kind {
            BodyKind::Json | BodyKind::JsonText => Some("application/json"),
            BodyKind::Xml | BodyKind::XmlText => Some("application/xml"),
            BodyKind::Text | BodyKind::Raw | BodyKind::Hex | BodyKind::Base64 => None,
        }
    }

    /// Whether `{{NAME}}` in the body is a variable to fill in.
    pub fn is_template(&self) -> bool {
        matches!(
            self.kind,
            BodyKind::Json | BodyKind::JsonText | BodyKind::XmlText | BodyKind::Text
        )
    }

    /// The bytes a `hex,…;` or `base64,…;` body stands for; `None` for a body of text.
    pub fn bytes(&self) -> Option<Vec<u8>> {
        match self.kind {
            BodyKind::Hex | BodyKind::Base64 => {
                value::decode_bytes(self.kind == BodyKind::Hex, &self.text)
            }
            _ => None,
        }
    }
}

/// A `name: value` line (header, query or form parameter), escapes resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KeyValue {
    pub name: String,
    pub value: String,
    pub span: Span,
}

/// `[Options]`. Durations serialize as milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HttpOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "millis")]
    pub retry_interval: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "millis")]
    pub timeout: Option<Duration>,
}

impl HttpOptions {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

fn millis<S: serde::Serializer>(value: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(d) => s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        None => s.serialize_none(),
    }
}
