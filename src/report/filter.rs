//! Which lessons and learners a report covers: `--lesson`, `--learner`, `--since`.

use jiff::Timestamp;

/// What a report keeps. An empty list keeps everyone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Lesson ids to keep (`--lesson`, repeatable).
    pub lessons: Vec<String>,
    /// Learner names to keep (`--learner`, repeatable).
    pub learners: Vec<String>,
    /// Keep the learners active at or after this instant (`--since`). Their whole history
    /// still counts: a step verified before the date stays verified.
    pub since: Option<Timestamp>,
}

impl Filter {
    pub fn keeps_lesson(&self, lesson: &str) -> bool {
        self.lessons.is_empty() || self.lessons.iter().any(|kept| kept == lesson)
    }

    pub fn keeps_learner(&self, learner: &str) -> bool {
        self.learners.is_empty() || self.learners.iter().any(|kept| kept == learner)
    }

    /// Whether a learner last active at `last_activity` is in the report.
    pub fn keeps_activity(&self, last_activity: Timestamp) -> bool {
        self.since.is_none_or(|since| last_activity >= since)
    }
}

/// `--since`: a date (`2026-11-26`, midnight UTC), a date and time in UTC
/// (`2026-11-26T09:30`), or an RFC 3339 timestamp (`2026-11-26T09:30:00+01:00`).
pub fn parse_since(text: &str) -> Result<Timestamp, String> {
    let text = text.trim();
    if let Ok(timestamp) = text.parse::<Timestamp>() {
        return Ok(timestamp);
    }
    let utc = jiff::tz::TimeZone::UTC;
    let datetime = text.parse::<jiff::civil::DateTime>().or_else(|_| {
        text.parse::<jiff::civil::Date>()
            .map(|date| date.to_datetime(jiff::civil::Time::midnight()))
    });
    if let Ok(datetime) = datetime
        && let Ok(timestamp) = utc.to_timestamp(datetime)
    {
        return Ok(timestamp);
    }
    Err(format!(
        "expected a date (`2026-11-26`) or a time (`2026-11-26T09:30:00Z`), got `{text}`"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_accepts_a_date_a_utc_time_and_an_offset_time() {
        let cases = [
            ("2026-11-26", "2026-11-26T00:00:00Z"),
            ("2026-11-26T09:30", "2026-11-26T09:30:00Z"),
            ("2026-11-26T09:30:00Z", "2026-11-26T09:30:00Z"),
            ("2026-11-26T09:30:00+01:00", "2026-11-26T08:30:00Z"),
        ];
        for (text, expected) in cases {
            assert_eq!(
                parse_since(text).map(|t| t.to_string()),
                Ok(expected.to_owned()),
                "{text}"
            );
        }
    }

    #[test]
    fn since_refuses_what_is_not_a_date_and_says_what_it_expects() {
        let error = parse_since("last week").unwrap_err();
        assert!(error.contains("`last week`"), "{error}");
        assert!(error.contains("2026-11-26"), "{error}");
        assert!(parse_since("2026-13-01").is_err());
    }

    #[test]
    fn empty_lists_keep_everyone_and_a_list_keeps_only_its_names() {
        let all = Filter::default();
        assert!(all.keeps_lesson("welcome") && all.keeps_learner("ada"));
        let some = Filter {
            lessons: vec!["welcome".into()],
            learners: vec!["ada".into(), "bob".into()],
            since: None,
        };
        assert!(some.keeps_lesson("welcome"));
        assert!(!some.keeps_lesson("welcome-2"));
        assert!(some.keeps_learner("bob"));
        assert!(!some.keeps_learner("ad"));
    }

    #[test]
    fn since_keeps_activity_on_or_after_the_instant() {
        let since = parse_since("2026-11-26").unwrap();
        let filter = Filter {
            since: Some(since),
            ..Filter::default()
        };
        assert!(filter.keeps_activity(since));
        assert!(!filter.keeps_activity(parse_since("2026-11-25T23:59:59Z").unwrap()));
        assert!(Filter::default().keeps_activity(since));
    }
}
