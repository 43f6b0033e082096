use super::*;
use crate::progress::EndReason;

/// Every event of the log at `path`, in order.
fn events(path: &Path) -> Vec<Event> {
    let file = BufReader::new(File::open(path).unwrap());
    let mut events = Vec::new();
    for_each_record(file, path, &mut Vec::new(), |record| {
        events.push(record.event)
    })
    .unwrap();
    events
}

fn entered(step: &str) -> Event {
    Event::StepEntered {
        step: step.to_owned(),
    }
}

#[test]
fn appended_events_read_back_with_every_common_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = log_path(dir.path(), "ada", "welcome");
    let (mut log, read) = ProgressLog::open(&path, "ada", "welcome").unwrap();
    assert_eq!(read.records, 0);
    log.append(entered("hello")).unwrap();
    log.append(Event::SessionEnded {
        reason: EndReason::Quit,
    })
    .unwrap();
    drop(log);

    let text = fs::read_to_string(&path).unwrap();
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    for field in ["v", "ts", "learner", "lesson", "event", "step"] {
        assert!(first.get(field).is_some(), "missing `{field}` in {first}");
    }
    assert_eq!(first["event"], "step_entered");
    assert_eq!(first["v"], 1);

    let read = read_log(&path).unwrap();
    assert_eq!(read.records, 2);
    assert_eq!(events(&path)[0], entered("hello"));
    assert!(read.warnings.is_empty());
}

#[test]
fn a_line_too_long_for_any_event_is_skipped_without_being_held() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.jsonl");
    let good = r#"{"v":1,"ts":"2026-11-26T19:00:00Z","learner":"ada","lesson":"w","event":"step_entered","step":"a"}"#;
    let huge = format!(r#"{{"v":1,"reason":"{}"}}"#, "x".repeat(3 * MAX_LINE_BYTES));
    fs::write(&path, format!("{good}\n{huge}\n{good}\n{huge}")).unwrap();
    let read = read_log(&path).unwrap();
    assert_eq!(read.records, 2);
    let lines: Vec<usize> = read.warnings.iter().map(|w| w.line).collect();
    assert_eq!(lines, [2, 4]);
    assert!(
        read.warnings[0].message.contains("longer than any event"),
        "{}",
        read.warnings[0]
    );
    assert_eq!(read.state.current.as_deref(), Some("a"));
}

#[test]
fn lines_are_read_whole_across_small_reads() {
    let good = r#"{"v":1,"ts":"2026-11-26T19:00:00Z","learner":"ada","lesson":"w","event":"step_entered","step":"b"}"#;
    let text = format!("{good}\n\n{good}");
    let reader = BufReader::with_capacity(7, text.as_bytes());
    let mut count = 0;
    let mut warnings = Vec::new();
    for_each_record(reader, Path::new("x"), &mut warnings, |_| count += 1).unwrap();
    assert_eq!((count, warnings.len()), (2, 0));
}

#[test]
fn a_second_session_on_the_same_log_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = log_path(dir.path(), "ada", "welcome");
    let (_first, _) = ProgressLog::open(&path, "ada", "welcome").unwrap();
    let second = ProgressLog::open(&path, "ada", "welcome").unwrap_err();
    assert!(matches!(second, LogError::Busy { .. }), "{second}");
    assert!(
        second
            .to_string()
            .contains("another labrun session is already using")
    );
}

#[test]
fn the_lock_is_released_when_the_session_ends() {
    let dir = tempfile::tempdir().unwrap();
    let path = log_path(dir.path(), "ada", "welcome");
    drop(ProgressLog::open(&path, "ada", "welcome").unwrap());
    assert!(ProgressLog::open(&path, "ada", "welcome").is_ok());
}

#[test]
fn a_torn_last_line_is_skipped_with_a_warning_and_closed_before_appending() {
    let dir = tempfile::tempdir().unwrap();
    let path = log_path(dir.path(), "ada", "welcome");
    let (mut log, _) = ProgressLog::open(&path, "ada", "welcome").unwrap();
    log.append(entered("a")).unwrap();
    drop(log);
    // A crash in the middle of a write.
    let mut file = OpenOptions::new().append(true).open(&path).unwrap();
    file.write_all(br#"{"v":1,"ts":"2026-11-26T19:00:00Z","learner":"ada","les"#)
        .unwrap();
    drop(file);

    let read = read_log(&path).unwrap();
    assert_eq!(read.records, 1);
    assert_eq!(read.warnings.len(), 1);
    assert_eq!(read.warnings[0].line, 2);
    assert!(
        read.warnings[0].message.contains("incomplete"),
        "{}",
        read.warnings[0]
    );

    let (mut log, read) = ProgressLog::open(&path, "ada", "welcome").unwrap();
    assert_eq!(read.records, 1);
    log.append(entered("b")).unwrap();
    drop(log);
    let read = read_log(&path).unwrap();
    let all = events(&path);
    let steps: Vec<_> = all.iter().filter_map(Event::step).collect();
    assert_eq!(steps, ["a", "b"], "the event after the torn line is intact");
    assert_eq!(read.warnings.len(), 1);
}

#[test]
fn garbage_lines_are_reported_with_their_line_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.jsonl");
    let good = r#"{"v":1,"ts":"2026-11-26T19:00:00Z","learner":"ada","lesson":"w","event":"step_entered","step":"a"}"#;
    fs::write(&path, format!("{good}\nnot json\n\n{good}\n")).unwrap();
    let read = read_log(&path).unwrap();
    assert_eq!(read.records, 2);
    assert_eq!(read.warnings.len(), 1);
    assert_eq!(read.warnings[0].line, 2);
    assert!(
        read.warnings[0]
            .to_string()
            .starts_with(&format!("{}:2: not a progress event", path.display()))
    );
}

#[test]
fn unknown_events_from_a_newer_labrun_are_kept_out_of_the_way() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.jsonl");
    fs::write(&path, r#"{"v":1,"ts":"2026-11-26T19:00:00Z","learner":"ada","lesson":"w","event":"teleported","to":"mars"}"#).unwrap();
    let read = read_log(&path).unwrap();
    assert_eq!(events(&path), [Event::Unknown]);
    assert!(read.warnings.is_empty());
}

#[test]
fn a_newer_format_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.jsonl");
    fs::write(&path, r#"{"v":2,"ts":"2026-11-26T19:00:00Z","learner":"ada","lesson":"w","event":"lesson_reset"}"#).unwrap();
    let error = read_log(&path).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("written by a newer labrun (format v2"),
        "{error}"
    );
}

#[test]
fn names_are_made_safe_for_file_systems() {
    let path = log_path(Path::new("/p"), "Ada Lovelace/../x", "..hidden");
    let text = path.to_str().unwrap();
    assert!(text.starts_with("/p/hidden+"), "{text}");
    assert!(text.contains("/Ada_Lovelace_.._x+"), "{text}");
    assert_eq!(path.parent().unwrap().parent().unwrap(), Path::new("/p"));
    // A name that is safe already is its own file name: logs written before stay found.
    assert_eq!(
        log_path(Path::new("/p"), "ada_lovelace-2", "k8s.basics"),
        Path::new("/p/k8s.basics/ada_lovelace-2.jsonl")
    );
}

#[test]
fn names_that_look_alike_never_share_a_log() {
    let names = [
        "ada@x", "ada x", "ada_x", "ada/x", "ada+x", "ada_x+", ".ada_x", "", "_",
    ];
    let paths: std::collections::HashSet<_> = names
        .iter()
        .map(|name| log_path(Path::new("/p"), name, "l"))
        .collect();
    assert_eq!(paths.len(), names.len(), "{paths:?}");
    let long = "x".repeat(300);
    let name = log_path(Path::new("/p"), &long, "l");
    assert!(name.file_name().unwrap().len() < 100, "{name:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_gives_a_clear_error_and_no_partial_line() {
    // /dev/full accepts opens and fails every write with ENOSPC.
    if !Path::new("/dev/full").exists() {
        return;
    }
    let file = OpenOptions::new()
        .read(true)
        .append(true)
        .open("/dev/full")
        .unwrap();
    let mut log = ProgressLog {
        file,
        path: PathBuf::from("/dev/full"),
        learner: "ada".into(),
        lesson: "w".into(),
        len: 0,
        lines: 0,
        last_hash: None,
    };
    let error = log.append(entered("a")).unwrap_err();
    assert!(matches!(error, LogError::DiskFull { .. }), "{error:?}");
    assert!(error.to_string().starts_with("the disk is full"));
}
