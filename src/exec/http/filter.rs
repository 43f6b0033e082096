//! Filters, as Hurl 8 applies them (hurl.dev, "Filters"): each takes the value before it and
//! gives a value, nothing, or an error when the value is not of a kind it takes; a filter
//! given nothing is an error too. An assert whose filters fail fails, whatever its
//! predicate (`not` included).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};

use super::jsonpath;
use super::request::{Lookup, fill};
use super::value::{Number, Value};
use crate::lesson::http::{Filter, encoding_known};

/// The value after `filters`, `None` for nothing; an error names the filter and why.
pub(super) fn apply(
    filters: &[Filter],
    mut value: Option<Value>,
    lookup: &Lookup<'_>,
) -> Result<Option<Value>, String> {
    for filter in filters {
        let Some(input) = value else {
            return Err(format!("`{}` got nothing to filter", name(filter)));
        };
        value = one(filter, input, lookup).map_err(|why| format!("`{}`: {why}", name(filter)))?;
    }
    Ok(value)
}

fn one(filter: &Filter, value: Value, lookup: &Lookup<'_>) -> Result<Option<Value>, String> {
    let text = |what: &str, template: &str| fill(template, lookup, what);
    let wrong = |expected: &str| Err(format!("takes {expected}, not {}", value.kind()));
    Ok(match filter {
        Filter::Count => match &value {
            Value::List(items) => Some(integer(items.len())),
            Value::Bytes(bytes) => Some(integer(bytes.len())),
            _ => return wrong("a list or bytes"),
        },
        Filter::First | Filter::Last | Filter::Nth(_) | Filter::NthOf(_) => {
            let Value::List(items) = value else {
                return wrong("a list");
            };
            let nth = match filter {
                Filter::NthOf(name) => {
                    let text = text("the index", &format!("{{{{{name}}}}}"))?;
                    Some(
                        text.trim()
                            .parse::<i64>()
                            .map_err(|_| format!("`{name}` holds `{text}`, which is no integer"))?,
                    )
                }
                Filter::Nth(n) => Some(*n),
                _ => None,
            };
            let index = match (filter, nth) {
                (Filter::First, _) => 0,
                (Filter::Last, _) => items.len() as i64 - 1,
                (_, Some(n)) if n < 0 => items.len() as i64 + n,
                (_, Some(n)) => n,
                (_, None) => unreachable!("nth has its index"),
            };
            match usize::try_from(index).ok().and_then(|i| items.get(i)) {
                Some(item) => Some(item.clone()),
                None if items.is_empty() => return Err("the list is empty".into()),
                None => return Err(format!("no item {index} in a list of {}", items.len())),
            }
        }
        Filter::ToString => match value.render() {
            Some(text) => Some(Value::String(text)),
            None => return Err(format!("a {} has no text", value.kind())),
        },
        Filter::ToInt => match &value {
            Value::Number(Number::Integer(n)) => Some(Value::Number(Number::Integer(*n))),
            Value::Number(Number::Float(x)) => Some(Value::Number(Number::Integer(*x as i64))),
            Value::String(s) => match s.parse::<i64>() {
                Ok(n) => Some(Value::Number(Number::Integer(n))),
                Err(_) => return Err(format!("{} is no integer", value.shown())),
            },
            _ => return wrong("a number or a string"),
        },
        Filter::ToFloat => match &value {
            Value::Number(Number::Integer(n)) => Some(Value::Number(Number::Float(*n as f64))),
            Value::Number(Number::Float(x)) => Some(Value::Number(Number::Float(*x))),
            Value::String(s) => match s.parse::<f64>() {
                Ok(x) => Some(Value::Number(Number::Float(x))),
                Err(_) => return Err(format!("{} is no number", value.shown())),
            },
            _ => return wrong("a number or a string"),
        },
        Filter::ToHex => match &value {
            Value::Bytes(bytes) => Some(Value::String(crate::text::hex(bytes))),
            _ => return wrong("bytes"),
        },
        Filter::Split(separator) => match &value {
            Value::String(s) => {
                let separator = text("the separator", separator)?;
                Some(Value::List(
                    s.split(separator.as_str())
                        .map(|part| Value::String(part.to_owned()))
                        .collect(),
                ))
            }
            _ => return wrong("a string"),
        },
        Filter::Replace { old, new } => match &value {
            Value::String(s) => Some(Value::String(s.replace(
                &text("the text replaced", old)?,
                &text("the replacement", new)?,
            ))),
            _ => return wrong("a string"),
        },
        Filter::ReplaceRegex { pattern, new } => match &value {
            Value::String(s) => {
                let regex = regex(&text("the regex", pattern)?)?;
                let new = text("the replacement", new)?;
                Some(Value::String(
                    regex.replace_all(s, new.as_str()).into_owned(),
                ))
            }
            _ => return wrong("a string"),
        },
        Filter::Regex(pattern) => match &value {
            Value::String(s) => regex(&text("the regex", pattern)?)?
                .captures(s)
                .and_then(|groups| groups.get(1))
                .map(|group| Value::String(group.as_str().to_owned())),
            _ => return wrong("a string"),
        },
        Filter::JsonPath(path) => match &value {
            Value::String(s) => {
                let doc: serde_json::Value =
                    serde_json::from_str(s).map_err(|_| "the value is not JSON".to_string())?;
                let path = text("the JSONPath", path)?;
                let nodes = jsonpath::select(&path, &doc)?;
                jsonpath::as_hurl(nodes)
            }
            _ => return wrong("a string"),
        },
        Filter::Decode(encoding) => match &value {
            Value::Bytes(bytes) => {
                let encoding = text("the encoding", encoding)?;
                Some(Value::String(decode(bytes, &encoding)?))
            }
            _ => return wrong("bytes"),
        },
        Filter::UrlQueryParam(name) => match &value {
            Value::String(s) => {
                let url =
                    url::Url::parse(s).map_err(|e| format!("{} is no URL: {e}", value.shown()))?;
                let name = text("the parameter", name)?;
                url.query_pairs()
                    .find(|(key, _)| *key == name)
                    .map(|(_, found)| Value::String(found.into_owned()))
            }
            _ => return wrong("a string"),
        },
        Filter::ToDate(format) => match &value {
            Value::String(s) => {
                let format = text("the date format", format)?;
                Some(Value::Date(to_date(s, &format)?))
            }
            _ => return wrong("a string"),
        },
        Filter::Format(format) => match &value {
            Value::Date(date) => {
                let format = text("the date format", format)?;
                let civil = jiff::tz::Offset::UTC.to_datetime(*date);
                let formatted = jiff::fmt::strtime::format(format.as_bytes(), civil)
                    .map_err(|e| format!("invalid date format `{format}`: {e}"))?;
                Some(Value::String(formatted))
            }
            _ => return wrong("a date"),
        },
        Filter::DaysAfterNow | Filter::DaysBeforeNow => match &value {
            Value::Date(date) => {
                let seconds = date.as_second() - jiff::Timestamp::now().as_second();
                // Whole days, towards zero.
                let days = seconds / 86_400;
                Some(Value::Number(Number::Integer(match filter {
                    Filter::DaysAfterNow => days,
                    _ => -days,
                })))
            }
            _ => return wrong("a date"),
        },
        Filter::UrlEncode => match &value {
            Value::String(s) => Some(Value::String(
                percent_encoding::utf8_percent_encode(s, URL_COMPONENT).to_string(),
            )),
            _ => return wrong("a string"),
        },
        Filter::UrlDecode => match &value {
            Value::String(s) => Some(Value::String(
                percent_encoding::percent_decode_str(s)
                    .decode_utf8()
                    .map_err(|_| "the decoded bytes are not UTF-8".to_string())?
                    .into_owned(),
            )),
            _ => return wrong("a string"),
        },
        Filter::HtmlEscape => match &value {
            Value::String(s) => Some(Value::String(crate::text::html_escape(s))),
            _ => return wrong("a string"),
        },
        Filter::HtmlUnescape => match &value {
            Value::String(s) => Some(Value::String(html_unescape(s))),
            _ => return wrong("a string"),
        },
        Filter::Utf8Encode => match &value {
            Value::String(s) => Some(Value::Bytes(s.as_bytes().to_vec())),
            _ => return wrong("a string"),
        },
        Filter::Utf8Decode => match &value {
            Value::Bytes(bytes) => Some(Value::String(String::from_utf8_lossy(bytes).into_owned())),
            _ => return wrong("bytes"),
        },
        Filter::Base64Encode | Filter::Base64UrlSafeEncode => match &value {
            Value::Bytes(bytes) => Some(Value::String(match filter {
                Filter::Base64Encode => STANDARD.encode(bytes),
                _ => URL_SAFE_NO_PAD.encode(bytes),
            })),
            _ => return wrong("bytes"),
        },
        Filter::Base64Decode | Filter::Base64UrlSafeDecode => match &value {
            Value::String(s) => {
                let decoded = match filter {
                    Filter::Base64Decode => STANDARD.decode(s),
                    _ => URL_SAFE_NO_PAD
                        .decode(s.trim_end_matches('='))
                        .or_else(|_| URL_SAFE.decode(s)),
                };
                Some(Value::Bytes(
                    decoded.map_err(|_| format!("{} is not base64", value.shown()))?,
                ))
            }
            _ => return wrong("a string"),
        },
    })
}

/// The filter as a lesson writes it.
fn name(filter: &Filter) -> &'static str {
    match filter {
        Filter::Count => "count",
        Filter::First => "first",
        Filter::Last => "last",
        Filter::Nth(_) | Filter::NthOf(_) => "nth",
        Filter::ToString => "toString",
        Filter::ToInt => "toInt",
        Filter::ToFloat => "toFloat",
        Filter::ToHex => "toHex",
        Filter::Split(_) => "split",
        Filter::Replace { .. } => "replace",
        Filter::ReplaceRegex { .. } => "replaceRegex",
        Filter::Regex(_) => "regex",
        Filter::JsonPath(_) => "jsonpath",
        Filter::Decode(_) => "decode",
        Filter::UrlQueryParam(_) => "urlQueryParam",
        Filter::ToDate(_) => "toDate",
        Filter::Format(_) => "format",
        Filter::DaysAfterNow => "daysAfterNow",
        Filter::DaysBeforeNow => "daysBeforeNow",
        Filter::UrlEncode => "urlEncode",
        Filter::UrlDecode => "urlDecode",
        Filter::HtmlEscape => "htmlEscape",
        Filter::HtmlUnescape => "htmlUnescape",
        Filter::Utf8Encode => "utf8Encode",
        Filter::Utf8Decode => "utf8Decode",
        Filter::Base64Encode => "base64Encode",
        Filter::Base64Decode => "base64Decode",
        Filter::Base64UrlSafeEncode => "base64UrlSafeEncode",
        Filter::Base64UrlSafeDecode => "base64UrlSafeDecode",
    }
}

fn integer(n: usize) -> Value {
    Value::Number(Number::Integer(i64::try_from(n).unwrap_or(i64::MAX)))
}

fn regex(pattern: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(pattern).map_err(|e| format!("invalid regex: {e}"))
}

/// What `urlEncode` leaves as it is: RFC 3986's unreserved characters, and `/` (as Hurl's
/// `urlEncode` does).
const URL_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

fn decode(bytes: &[u8], encoding: &str) -> Result<String, String> {
    match encoding_known(encoding) {
        Some("utf-8") => Ok(String::from_utf8_lossy(bytes).into_owned()),
        Some("iso-8859-1") => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
        Some("us-ascii") if bytes.is_ascii() => Ok(String::from_utf8_lossy(bytes).into_owned()),
        Some(_) => Err("the bytes are not ASCII".into()),
        None => Err(format!("encoding `{encoding}` is not supported by labrun")),
    }
}

/// A date read with a strftime `format`: with a zone when the format has one, else as UTC,
/// and a date alone at midnight UTC.
fn to_date(text: &str, format: &str) -> Result<jiff::Timestamp, String> {
    // `%+` is RFC 3339 (chrono's name for it, which Hurl's formats follow).
    if format == "%+" {
        return text
            .parse::<jiff::Timestamp>()
            .map_err(|e| format!("`{text}` is no RFC 3339 date: {e}"));
    }
    let parsed = jiff::fmt::strtime::parse(format, text)
        .map_err(|e| format!("`{text}` does not read as `{format}`: {e}"))?;
    if let Ok(timestamp) = parsed.to_timestamp() {
        return Ok(timestamp);
    }
    let utc = |datetime: jiff::civil::DateTime| {
        jiff::tz::Offset::UTC
            .to_timestamp(datetime)
            .map_err(|e| e.to_string())
    };
    if let Ok(datetime) = parsed.to_datetime() {
        return utc(datetime);
    }
    match parsed.to_date() {
        Ok(date) => utc(date.to_datetime(jiff::civil::Time::midnight())),
        Err(e) => Err(format!("`{text}` does not read as `{format}`: {e}")),
    }
}

/// Character references: numeric ones, and the named ones of HTML's markup and Latin-1
/// punctuation a server's text is likely to hold; any other `&name;` stays as it is.
fn html_unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = numeric_reference(rest).or_else(|| {
            let end = rest.find(';').filter(|&end| end <= 32)?;
            named_reference(&rest[1..end]).map(|c| (c, end + 1))
        });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `&#65;`, `&#x41;`, or the same without the `;` (as HTML5 reads them): the character and
/// how many bytes it took.
fn numeric_reference(text: &str) -> Option<(char, usize)> {
    let rest = text.strip_prefix("&#")?;
    let (digits, radix, skip) = match rest.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16, 3),
        None => (rest, 10, 2),
    };
    let len = digits
        .bytes()
        .take_while(|b| {
            if radix == 16 {
                b.is_ascii_hexdigit()
            } else {
                b.is_ascii_digit()
            }
        })
        .count();
    let c = u32::from_str_radix(&digits[..len], radix)
        .ok()
        .and_then(char::from_u32)?;
    let semicolon = usize::from(digits[len..].starts_with(';'));
    Some((c, skip + len + semicolon))
}

fn named_reference(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "euro" => '€',
        "eacute" => 'é',
        "egrave" => 'è',
        "agrave" => 'à',
        "ccedil" => 'ç',
        "uuml" => 'ü',
        "ouml" => 'ö',
        "auml" => 'ä',
        "szlig" => 'ß',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_references_are_read_and_written() {
        assert_eq!(
            html_unescape("&lt;b&gt; &amp; co &#233;&#xE9; &nope; &"),
            "<b> & co éé &nope; &"
        );
        assert_eq!(
            crate::text::html_escape("<b> & \"x\""),
            "&lt;b&gt; &amp; &quot;x&quot;"
        );
    }

    #[test]
    fn dates_read_with_or_without_a_zone_or_a_time() {
        let utc = to_date("2026-12-04T10:00:00Z", "%Y-%m-%dT%H:%M:%SZ").unwrap();
        assert_eq!(utc.to_string(), "2026-12-04T10:00:00Z");
        let zoned = to_date("2026-12-04 10:00:00 +0100", "%Y-%m-%d %H:%M:%S %z").unwrap();
        assert_eq!(zoned.to_string(), "2026-12-04T09:00:00Z");
        let day = to_date("2026-12-04", "%Y-%m-%d").unwrap();
        assert_eq!(day.to_string(), "2026-12-04T00:00:00Z");
        assert!(to_date("tomorrow", "%Y-%m-%d").is_err());
    }
}
