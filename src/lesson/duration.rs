//! Durations as lesson authors write them: `500ms`, `30s`, `5m`, `1h`, `1m30s`.

use std::time::Duration;

/// Parses a duration such as `30s` or `1m30s`. Units: `ms`, `s`, `m`, `h`.
///
/// A bare number is refused: Hurl reads `retry-interval: 500` as milliseconds while people
/// read `timeout=30` as seconds, so a unit is required to keep one meaning per spelling.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty duration".into());
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(format!("expected a number in `{text}`"));
        }
        let (number, after) = rest.split_at(digits);
        let unit_len = after.bytes().take_while(u8::is_ascii_alphabetic).count();
        let (unit, after) = after.split_at(unit_len);
        let value: u64 = number
            .parse()
            .map_err(|_| format!("number too large in `{text}`"))?;
        let part = match unit {
            "ms" => Duration::from_millis(value),
            "s" => Duration::from_secs(value),
            "m" => Duration::from_secs(value.saturating_mul(60)),
            "h" => Duration::from_secs(value.saturating_mul(3600)),
            "" => return Err(format!("missing unit in `{text}` (use ms, s, m or h)")),
            other => {
                return Err(format!(
                    "unknown unit `{other}` in `{text}` (use ms, s, m or h)"
                ));
            }
        };
        total = total.saturating_add(part);
        rest = after;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_units_and_combinations() {
        let cases = [
            ("500ms", Duration::from_millis(500)),
            ("30s", Duration::from_secs(30)),
            ("5m", Duration::from_secs(300)),
            ("1h", Duration::from_secs(3600)),
            ("1m30s", Duration::from_secs(90)),
            (" 2s ", Duration::from_secs(2)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_duration(text), Ok(expected), "{text}");
        }
    }

    #[test]
    fn refuses_missing_or_unknown_units() {
        assert_eq!(
            parse_duration("30").unwrap_err(),
            "missing unit in `30` (use ms, s, m or h)"
        );
        assert_eq!(
            parse_duration("3 days").unwrap_err(),
            "missing unit in `3 days` (use ms, s, m or h)"
        );
        assert_eq!(
            parse_duration("3d").unwrap_err(),
            "unknown unit `d` in `3d` (use ms, s, m or h)"
        );
        assert_eq!(parse_duration("").unwrap_err(), "empty duration");
        assert_eq!(parse_duration("s").unwrap_err(), "expected a number in `s`");
        assert!(parse_duration("99999999999999999999s").is_err());
    }
}
