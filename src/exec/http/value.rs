//! The values queries and filters give, with Hurl 8's rules (hurl.dev, "Asserting response",
//! and its runner's behaviour recorded in `tests/hurl/verdicts.txt`):
//!
//! - Integers and floats are kinds of their own, but compare as numbers (`1 == 1.0`); an
//!   integer beyond 64 bits is kept as its digits and compared digit by digit.
//! - Values of different kinds are never equal (`"3" != 3`), and ordering them (`<`) is a type
//!   mismatch, which fails whether or not `not` comes first.
//! - A JSON object is an object, an array a list; bytes (`bytes`, `sha256`, `base64Decode`)
//!   and dates (`toDate`) are kinds of their own.

use std::cmp::Ordering;
use std::fmt;

/// A value a query or a filter gives.
#[derive(Debug, Clone)]
pub(super) enum Value {
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    Object(Vec<(String, Value)>),
    Bytes(Vec<u8>),
    Date(jiff::Timestamp),
    Null,
}

/// A number, as Hurl keeps it.
#[derive(Debug, Clone)]
pub(super) enum Number {
    Integer(i64),
    Float(f64),
    /// An integer beyond `i64`, as its digits.
    Big(String),
}

impl Number {
    /// A JSON number: an integer when it has no fraction or exponent and fits, else a float.
    pub(super) fn from_json(number: &serde_json::Number) -> Self {
        if let Some(integer) = number.as_i64() {
            Self::Integer(integer)
        } else if number.is_u64() {
            Self::Big(number.to_string())
        } else {
            Self::Float(number.as_f64().unwrap_or(f64::NAN))
        }
    }

    /// Numbers in order: integers and floats as floats, big integers by their digits.
    pub(super) fn compare(&self, other: &Number) -> Ordering {
        match (self, other) {
            (Self::Integer(a), Self::Integer(b)) => a.cmp(b),
            (Self::Float(a), Self::Float(b)) => float_order(*a, *b),
            (Self::Integer(a), Self::Float(b)) => float_order(*a as f64, *b),
            (Self::Float(a), Self::Integer(b)) => float_order(*a, *b as f64),
            (a, b) => digits_order(&a.to_string(), &b.to_string()),
        }
    }
}

fn float_order(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

/// Two decimal numbers written out, in order, without parsing them.
fn digits_order(a: &str, b: &str) -> Ordering {
    let parts = |s: &str| {
        let (negative, s) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (integer, fraction) = s.split_once('.').unwrap_or((s, ""));
        (
            negative,
            integer.trim_start_matches('0').to_owned(),
            fraction.trim_end_matches('0').to_owned(),
        )
    };
    let (a_negative, a_integer, a_fraction) = parts(a);
    let (b_negative, b_integer, b_fraction) = parts(b);
    let magnitude = a_integer
        .len()
        .cmp(&b_integer.len())
        .then_with(|| a_integer.cmp(&b_integer))
        .then_with(|| a_fraction.cmp(&b_fraction));
    match (a_negative, b_negative) {
        (false, false) => magnitude,
        (true, true) => magnitude.reverse(),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Integer(n) => write!(f, "{n}"),
            Self::Float(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e16 => {
                write!(f, "{x:.1}")
            }
            Self::Float(x) => write!(f, "{x}"),
            Self::Big(digits) => f.write_str(digits),
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Bool(a), Self::Bool(b)) => a == b,
            (Self::Number(a), Self::Number(b)) => a.compare(b) == Ordering::Equal,
            (Self::String(a), Self::String(b)) => a == b,
            (Self::List(a), Self::List(b)) => a == b,
            (Self::Object(a), Self::Object(b)) => a == b,
            (Self::Bytes(a), Self::Bytes(b)) => a == b,
            (Self::Date(a), Self::Date(b)) => a == b,
            (Self::Null, Self::Null) => true,
            _ => false,
        }
    }
}

/// An operation given a value of a kind it does not take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TypeMismatch;

impl Value {
    pub(super) fn from_json(json: &serde_json::Value) -> Self {
        match json {
            serde_json::Value::Null => Self::Null,
            serde_json::Value::Bool(b) => Self::Bool(*b),
            serde_json::Value::Number(n) => Self::Number(Number::from_json(n)),
            serde_json::Value::String(s) => Self::String(s.clone()),
            serde_json::Value::Array(items) => {
                Self::List(items.iter().map(Self::from_json).collect())
            }
            serde_json::Value::Object(map) => Self::Object(
                map.iter()
                    .map(|(key, value)| (key.clone(), Self::from_json(value)))
                    .collect(),
            ),
        }
    }

    /// The kind's name, as failures say it.
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Self::Bool(_) => "boolean",
            Self::Number(Number::Float(_)) => "float",
            Self::Number(_) => "integer",
            Self::String(_) => "string",
            Self::List(_) => "list",
            Self::Object(_) => "object",
            Self::Bytes(_) => "bytes",
            Self::Date(_) => "date",
            Self::Null => "null",
        }
    }

    /// `<`, `>` and the like: strings by their characters, numbers as numbers, dates in time.
    pub(super) fn compare(&self, other: &Value) -> Result<Ordering, TypeMismatch> {
        match (self, other) {
            (Self::String(a), Self::String(b)) => Ok(a.cmp(b)),
            (Self::Number(a), Self::Number(b)) => Ok(a.compare(b)),
            (Self::Date(a), Self::Date(b)) => Ok(a.cmp(b)),
            _ => Err(TypeMismatch),
        }
    }

    pub(super) fn starts_with(&self, prefix: &Value) -> Result<bool, TypeMismatch> {
        match (self, prefix) {
            (Self::String(s), Self::String(p)) => Ok(s.starts_with(p.as_str())),
            (Self::Bytes(s), Self::Bytes(p)) => Ok(s.starts_with(p)),
            _ => Err(TypeMismatch),
        }
    }

    pub(super) fn ends_with(&self, suffix: &Value) -> Result<bool, TypeMismatch> {
        match (self, suffix) {
            (Self::String(s), Self::String(p)) => Ok(s.ends_with(p.as_str())),
            (Self::Bytes(s), Self::Bytes(p)) => Ok(s.ends_with(p)),
            _ => Err(TypeMismatch),
        }
    }

    /// `contains`: a substring, a run of bytes, or an equal item of a list.
    pub(super) fn contains(&self, part: &Value) -> Result<bool, TypeMismatch> {
        match (self, part) {
            (Self::String(s), Self::String(p)) => Ok(s.contains(p.as_str())),
            (Self::Bytes(s), Self::Bytes(p)) => {
                Ok(p.is_empty() || s.windows(p.len()).any(|window| window == p.as_slice()))
            }
            (Self::List(items), _) => Ok(items.contains(part)),
            _ => Err(TypeMismatch),
        }
    }

    /// `includes`: an equal item of a list.
    pub(super) fn includes(&self, item: &Value) -> Result<bool, TypeMismatch> {
        match self {
            Self::List(items) => Ok(items.contains(item)),
            _ => Err(TypeMismatch),
        }
    }

    /// How many items, bytes or characters `isEmpty` counts.
    pub(super) fn size(&self) -> Result<usize, TypeMismatch> {
        match self {
            Self::List(items) => Ok(items.len()),
            Self::Object(fields) => Ok(fields.len()),
            Self::String(s) => Ok(s.len()),
            Self::Bytes(bytes) => Ok(bytes.len()),
            _ => Err(TypeMismatch),
        }
    }

    /// The text `toString` gives, for the kinds that have one.
    pub(super) fn render(&self) -> Option<String> {
        match self {
            Self::Bool(b) => Some(b.to_string()),
            Self::Number(n) => Some(n.to_string()),
            Self::String(s) => Some(s.clone()),
            Self::Null => Some("null".to_owned()),
            Self::Date(date) => Some(format!(
                "{}.{:06}Z",
                date.strftime("%Y-%m-%dT%H:%M:%S"),
                date.subsec_microsecond()
            )),
            Self::List(_) | Self::Object(_) | Self::Bytes(_) => None,
        }
    }

    /// As a failure shows it: JSON for JSON's kinds, `hex,...;` for bytes.
    pub(super) fn shown(&self) -> String {
        match self {
            Self::Bool(b) => b.to_string(),
            Self::Number(n) => n.to_string(),
            Self::String(s) => serde_json::Value::from(s.as_str()).to_string(),
            Self::List(items) => {
                let items: Vec<String> = items.iter().map(Value::shown).collect();
                format!("[{}]", items.join(","))
            }
            Self::Object(fields) => {
                let fields: Vec<String> = fields
                    .iter()
                    .map(|(key, value)| {
                        format!(
                            "{}:{}",
                            serde_json::Value::from(key.as_str()),
                            value.shown()
                        )
                    })
                    .collect();
                format!("{{{}}}", fields.join(","))
            }
            Self::Bytes(bytes) => {
                format!("hex,{};", crate::text::hex(bytes))
            }
            Self::Date(date) => format!("date {date}"),
            Self::Null => "null".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Value {
        Value::from_json(&serde_json::from_str(text).unwrap())
    }

    #[test]
    fn numbers_compare_across_kinds_and_beyond_64_bits() {
        assert_eq!(json("1"), json("1.0"));
        assert_ne!(json("1"), json("\"1\""));
        assert_eq!(json("12345678901234567890"), json("12345678901234567890"));
        let big = json("12345678901234567890");
        assert_eq!(big.compare(&json("1000")), Ok(Ordering::Greater));
        assert_eq!(json("-2").compare(&json("-10")), Ok(Ordering::Greater));
        assert_eq!(digits_order("-12345678901234567890", "-2"), Ordering::Less);
        assert_eq!(json("true").compare(&json("1")), Err(TypeMismatch));
        assert_eq!(Number::Float(1.0).to_string(), "1.0");
        assert_eq!(Number::Float(0.1).to_string(), "0.1");
    }

    #[test]
    fn contains_looks_into_strings_bytes_and_lists() {
        assert_eq!(json("\"labrun\"").contains(&json("\"bru\"")), Ok(true));
        assert_eq!(json("[\"Bob\"]").contains(&json("\"Bo\"")), Ok(false));
        assert_eq!(json("[\"Bob\"]").includes(&json("\"Bob\"")), Ok(true));
        assert_eq!(json("3").contains(&json("3")), Err(TypeMismatch));
        assert_eq!(
            Value::Bytes(b"abc".to_vec()).contains(&Value::Bytes(b"bc".to_vec())),
            Ok(true)
        );
    }
}
