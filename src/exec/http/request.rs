//! From an [`HttpEntry`] and the variables to a request ready to send: `{{NAME}}` filled in,
//! query parameters added to the URL, the body encoded and its content type chosen.

use reqwest::header::{
    AUTHORIZATION, CONTENT_TYPE, COOKIE, HeaderName, HeaderValue, PROXY_AUTHORIZATION,
};
use reqwest::{Method, Url};

use crate::exec::Secrets;
use crate::lesson::http::{BodyKind, HttpEntry};
use crate::lesson::template::{references, substitute};

/// Looks a variable up: the block's earlier captures first, then the lesson's variables.
pub(super) type Lookup<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// A request ready to send, and to send again after a redirect.
#[derive(Debug, Clone)]
pub(super) struct Prepared {
    pub method: Method,
    /// With the `[QueryStringParams]` added.
    pub url: Url,
    /// The URL for a learner to read: as written with variables filled in, and the query
    /// parameters unencoded. Not yet masked.
    pub shown_url: String,
    pub headers: Vec<PreparedHeader>,
    pub body: Option<Vec<u8>>,
}

#[derive(Debug, Clone)]
pub(super) struct PreparedHeader {
    pub name: HeaderName,
    pub value: HeaderValue,
    /// Never sent to another origin after a redirect: credentials, and any header whose value
    /// holds a secret or came from a variable (a captured token, say).
    pub sensitive: bool,
}

/// Builds the request of `entry`. The error is a sentence for the learner; retrying would
/// not change it.
pub(super) fn prepare(
    entry: &HttpEntry,
    lookup: &Lookup<'_>,
    secrets: &Secrets,
) -> Result<Prepared, String> {
    let method = Method::from_bytes(entry.method.as_bytes())
        .map_err(|_| format!("invalid HTTP method `{}`", entry.method))?;
    let written = fill(&entry.url, lookup, "the URL")?;
    let mut url =
        Url::parse(written.trim()).map_err(|e| format!("invalid URL `{}`: {e}", written.trim()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "unsupported URL scheme `{}` (expected http or https)",
            url.scheme()
        ));
    }
    let mut shown_url = written.trim().to_string();
    let mut separator = if shown_url.contains('?') { '&' } else { '?' };
    for param in &entry.query {
        let value = fill(
            &param.value,
            lookup,
            &format!("query parameter `{}`", param.name),
        )?;
        url.query_pairs_mut().append_pair(&param.name, &value);
        shown_url.push(separator);
        shown_url.push_str(&format!("{}={value}", param.name));
        separator = '&';
    }

    let mut headers = Vec::new();
    for header in &entry.headers {
        let name = HeaderName::from_bytes(header.name.as_bytes())
            .map_err(|_| format!("invalid header name `{}`", header.name))?;
        let text = fill(&header.value, lookup, &format!("header `{}`", header.name))?;
        let mut value = HeaderValue::from_str(&text)
            .map_err(|_| format!("invalid value for header `{}`", header.name))?;
        let sensitive = [AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE].contains(&name)
            || references(&header.value).next().is_some()
            || secrets.mask(&text) != text;
        value.set_sensitive(sensitive);
        headers.push(PreparedHeader {
            name,
            value,
            sensitive,
        });
    }

    let has_content_type = headers.iter().any(|h| h.name == CONTENT_TYPE);
    let (body, content_type) = if !entry.form.is_empty() {
        let mut form = form_urlencoded::Serializer::new(String::new());
        for param in &entry.form {
            let value = fill(
                &param.value,
                lookup,
                &format!("form parameter `{}`", param.name),
            )?;
            form.append_pair(&param.name, &value);
        }
        let body = form.finish().into_bytes();
        (Some(body), "application/x-www-form-urlencoded")
    } else if let Some(body) = &entry.body {
        let bytes = match body.kind {
            BodyKind::Json => fill_json(&body.text, lookup)?.into_bytes(),
            BodyKind::Hex | BodyKind::Base64 => {
                body.bytes().ok_or("the body's bytes are invalid")?
            }
            _ if body.is_template() => fill(&body.text, lookup, "the body")?.into_bytes(),
            _ => body.text.clone().into_bytes(),
        };
        // As Hurl: a JSON body is sent as JSON, an XML one as XML, unless a header says.
        (Some(bytes), body.content_type().unwrap_or(""))
    } else {
        (None, "")
    };
    if !has_content_type && !content_type.is_empty() {
        headers.push(PreparedHeader {
            name: CONTENT_TYPE,
            value: HeaderValue::from_static(content_type),
            sensitive: false,
        });
    }
    Ok(Prepared {
        method,
        url,
        shown_url,
        headers,
        body,
    })
}

/// A JSON body with every `{{NAME}}` filled in: inside a JSON string a value is escaped as
/// JSON escapes it (a `"` or `\` in a captured value stays in the string, as Hurl does),
/// elsewhere it goes in as it is (`"count": {{n}}`).
fn fill_json(text: &str, lookup: &Lookup<'_>) -> Result<String, String> {
    // Where JSON strings are, byte by byte.
    let mut in_string = vec![false; text.len()];
    let (mut inside, mut escaped) = (false, false);
    for (at, byte) in text.bytes().enumerate() {
        in_string[at] = inside;
        match byte {
            _ if escaped => escaped = false,
            b'\\' if inside => escaped = true,
            b'"' => inside = !inside,
            _ => {}
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (name, range) in crate::lesson::template::references(text) {
        let value =
            lookup(name).ok_or_else(|| format!("variable `{name}` has no value (in the body)"))?;
        out.push_str(&text[copied..range.start]);
        if in_string[range.start] {
            let quoted = serde_json::Value::from(value).to_string();
            out.push_str(&quoted[1..quoted.len() - 1]);
        } else {
            out.push_str(&value);
        }
        copied = range.end;
    }
    out.push_str(&text[copied..]);
    Ok(out)
}

/// `text` with every `{{NAME}}` filled in, or which variable has no value.
pub(super) fn fill(text: &str, lookup: &Lookup<'_>, place: &str) -> Result<String, String> {
    let mut missing = None;
    let filled = substitute(text, |name| {
        let value = lookup(name);
        if value.is_none() && missing.is_none() {
            missing = Some(name.to_string());
        }
        value
    });
    match missing {
        Some(name) => Err(format!("variable `{name}` has no value (in {place})")),
        None => Ok(filled.into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::http::{Body, KeyValue};

    fn json(text: &str) -> Option<Body> {
        let kind = BodyKind::Json;
        let text = text.to_owned();
        Some(Body { text, kind })
    }

    fn kv(name: &str, value: &str) -> KeyValue {
        KeyValue {
            name: name.into(),
            value: value.into(),
            ..KeyValue::default()
        }
    }

    fn vars(name: &str) -> Option<String> {
        match name {
            "host" => Some("example.org".into()),
            "token" => Some("tok en".into()),
            _ => None,
        }
    }

    #[test]
    fn variables_and_query_parameters_make_the_url() {
        let entry = HttpEntry {
            method: "GET".into(),
            url: "https://{{host}}/a?x=1".into(),
            query: vec![kv("q", "{{token}}"), kv("n", "2")],
            ..HttpEntry::default()
        };
        let prepared = prepare(&entry, &vars, &Secrets::new()).unwrap();
        assert_eq!(
            prepared.url.as_str(),
            "https://example.org/a?x=1&q=tok+en&n=2"
        );
        assert_eq!(prepared.shown_url, "https://example.org/a?x=1&q=tok en&n=2");
    }

    #[test]
    fn a_value_inside_a_json_string_is_escaped_and_one_outside_goes_as_it_is() {
        let values = |name: &str| match name {
            "said" => Some(r#"say "hi" \ bye"#.to_owned()),
            "n" => Some("3".to_owned()),
            _ => None,
        };
        let entry = HttpEntry {
            method: "POST".into(),
            url: "https://example.org/".into(),
            body: json(r#"{"said": "{{said}}", "n": {{n}}, "both": "{{n}}\"{{said}}"}"#),
            ..HttpEntry::default()
        };
        let prepared = prepare(&entry, &values, &Secrets::new()).unwrap();
        let body: serde_json::Value = serde_json::from_slice(&prepared.body.unwrap()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"said": r#"say "hi" \ bye"#, "n": 3, "both": r#"3"say "hi" \ bye"#})
        );
    }

    #[test]
    fn a_variable_without_value_is_named() {
        let entry = HttpEntry {
            method: "GET".into(),
            url: "https://{{nope}}/".into(),
            ..HttpEntry::default()
        };
        let err = prepare(&entry, &vars, &Secrets::new()).unwrap_err();
        assert_eq!(err, "variable `nope` has no value (in the URL)");
    }

    #[test]
    fn credentials_templated_and_secret_headers_are_sensitive() {
        let mut secrets = Secrets::new();
        secrets.add("hunter2");
        let entry = HttpEntry {
            method: "GET".into(),
            url: "https://example.org/".into(),
            headers: vec![
                kv("Authorization", "Basic abc"),
                kv("X-Token", "{{token}}"),
                kv("X-Key", "key hunter2"),
                kv("Accept", "application/json"),
            ],
            ..HttpEntry::default()
        };
        let prepared = prepare(&entry, &vars, &secrets).unwrap();
        let sensitive: Vec<bool> = prepared.headers.iter().map(|h| h.sensitive).collect();
        assert_eq!(sensitive, [true, true, true, false]);
    }

    #[test]
    fn a_json_body_gets_its_content_type_unless_one_is_given() {
        let mut entry = HttpEntry {
            method: "POST".into(),
            url: "https://example.org/".into(),
            body: json("{\"a\": \"{{host}}\"}"),
            ..HttpEntry::default()
        };
        let prepared = prepare(&entry, &vars, &Secrets::new()).unwrap();
        assert_eq!(
            prepared.body.as_deref(),
            Some(&b"{\"a\": \"example.org\"}"[..])
        );
        let types: Vec<_> = prepared.headers.iter().map(|h| h.value.clone()).collect();
        assert_eq!(types, ["application/json"]);

        entry
            .headers
            .push(kv("content-type", "application/merge-patch+json"));
        let prepared = prepare(&entry, &vars, &Secrets::new()).unwrap();
        let types: Vec<_> = prepared.headers.iter().map(|h| h.value.clone()).collect();
        assert_eq!(types, ["application/merge-patch+json"]);

        // An XML body is sent as XML; plain text gets no type.
        let bodies = [
            ("<a>1</a>", BodyKind::Xml, Some("application/xml")),
            ("a=1", BodyKind::Text, None),
        ];
        for (text, kind, wanted) in bodies {
            let entry = HttpEntry {
                method: "POST".into(),
                url: "https://example.org/".into(),
                body: Some(Body {
                    text: text.into(),
                    kind,
                }),
                ..HttpEntry::default()
            };
            let prepared = prepare(&entry, &vars, &Secrets::new()).unwrap();
            let types: Vec<_> = prepared
                .headers
                .iter()
                .map(|h| h.value.to_str().unwrap().to_owned())
                .collect();
            assert_eq!(types.first().map(String::as_str), wanted, "{text}");
        }
    }

    #[test]
    fn other_schemes_and_bad_urls_are_refused() {
        for (url, message) in [
            ("ftp://example.org/", "unsupported URL scheme `ftp`"),
            ("not a url", "invalid URL `not a url`"),
        ] {
            let entry = HttpEntry {
                method: "GET".into(),
                url: url.into(),
                ..HttpEntry::default()
            };
            let err = prepare(&entry, &vars, &Secrets::new()).unwrap_err();
            assert!(err.starts_with(message), "{err}");
        }
    }
}
