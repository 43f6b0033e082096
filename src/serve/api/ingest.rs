//! What learners and the instructor send: a learner's lines (`POST /api/v1/events`), whole
//! log files (`POST /api/v1/import`), each read, checked and stored.

use super::*;

#[derive(Deserialize)]
pub(super) struct FromLine {
    from: Option<i64>,
}

/// A line of a learner's log that is no event (blank, torn by a crash, refused) stands in a
/// batch as `{"skipped": "<its SHA-256>", "lesson": "<the log's lesson>"}`: the chain goes
/// through it. Nothing else may be in it: it is never read as an event.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StandIn {
    skipped: String,
    lesson: String,
}

pub(super) async fn events(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    Query(from): Query<FromLine>,
    body: Body,
) -> Result<Json<EventsStored>, ApiError> {
    let learner = server.learner(&headers).await?;
    let first = from
        .from
        .filter(|first| (1..=MAX_LINE).contains(first))
        .ok_or_else(|| {
            ApiError::bad(format!(
                "give `?from=N`, 1 to {MAX_LINE}: the line of the learner's log the batch starts at"
            ))
        })?;
    let unavailable = || ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping");
    // Room in the queue before the body is read: what the body takes, and the lines made of
    // it, about twice more (the body's announced length, else the most a batch may be).
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<usize>().ok())
        .unwrap_or(EVENTS_LIMIT)
        .clamp(1, EVENTS_LIMIT);
    let room = u32::try_from(announced * ROOM_PER_BODY_BYTE).unwrap_or(u32::MAX);
    let room = Arc::clone(&server.queued)
        .acquire_many_owned(room)
        .await
        .map_err(|_| unavailable())?;
    let text = read_body(body, EVENTS_LIMIT).await?;
    // Sent by a running session, or afterwards by `labrun sync`.
    let during_session = headers
        .get(SENT_BY)
        .is_some_and(|value| value.as_bytes() == b"session");
    let lines = batch(&text, &learner, first, during_session)?;
    let (reply, answer) = tokio::sync::oneshot::channel();
    drop(text);
    server
        .writes
        .send(Write {
            lines,
            _room: room,
            reply,
        })
        .await
        .map_err(|_| unavailable())?;
    let (stored, version) = answer
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the server failed to store this batch: try again later",
            )
        })?
        .map_err(|error| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, error))?;
    Ok(Json(EventsStored { stored, version }))
}

/// What a batch of events did, and the class's version that holds them: a dashboard's
/// stream announces it (`change`, with the version as its data).
#[derive(Serialize)]
pub(super) struct EventsStored {
    #[serde(flatten)]
    stored: Stored,
    version: u64,
}

/// The most bad lines a refusal names (`"lines"`).
pub(super) const BAD_LINES_NAMED: usize = 1_000;

/// The lines of a learner's batch, checked whole before anything is stored. A refusal names
/// its first bad line (its message, `"line"`) and every bad line (`"lines"`), so a sender
/// sets them all aside at once.
pub(super) fn batch(
    text: &str,
    learner: &str,
    first: i64,
    during_session: bool,
) -> Result<Vec<Line>, ApiError> {
    let now = jiff::Timestamp::now();
    let mut lines = Vec::new();
    let body = text.strip_suffix('\n').unwrap_or(text);
    if body.is_empty() {
        return Ok(lines);
    }
    let mut refusal: Option<ApiError> = None;
    let mut bad = Vec::new();
    for (index, raw) in body.split('\n').enumerate() {
        let (number, seq) = (index + 1, first + index as i64);
        match one_line(raw, number, seq, learner, during_session, now) {
            Ok(line) => lines.push(line),
            Err(error) => {
                if bad.len() < BAD_LINES_NAMED {
                    bad.push(number);
                }
                refusal.get_or_insert(error);
            }
        }
    }
    match refusal {
        Some(mut error) => {
            error.lines = bad;
            Err(error)
        }
        None => Ok(lines),
    }
}

/// One line of a learner's batch, at line `number` of the batch and `seq` of the log.
pub(super) fn one_line(
    raw: &str,
    number: usize,
    seq: i64,
    learner: &str,
    during_session: bool,
    now: jiff::Timestamp,
) -> Result<Line, ApiError> {
    if let Ok(stand_in) = serde_json::from_str::<StandIn>(raw) {
        if stand_in.skipped.len() != 64 || !stand_in.skipped.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(
                ApiError::bad(format!("line {number}: `skipped` is no SHA-256")).at_line(number),
            );
        }
        check_lesson_id(&stand_in.lesson)
            .map_err(|why| ApiError::bad(format!("line {number}: {why}")).at_line(number))?;
        return Ok(Line {
            learner: learner.to_owned(),
            lesson: stand_in.lesson,
            seq,
            text: raw.to_owned(),
            hash: stand_in.skipped.to_ascii_lowercase(),
            kind: Kind::StandIn,
            chained: false,
            prev: None,
            evidence: if during_session { "live" } else { "late" },
        });
    }
    let record: Record = serde_json::from_str(raw).map_err(|error| {
        ApiError::bad(format!(
            "line {number}: not a progress event ({error}); nothing of the batch was stored"
        ))
        .at_line(number)
    })?;
    if record.v > FORMAT_VERSION {
        return Err(ApiError::bad(format!(
            "line {number}: written by a newer labrun (format v{}); this server reads v{FORMAT_VERSION}",
            record.v
        ))
        .at_line(number));
    }
    if record.learner != learner {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "line {number} names learner `{}`: this token writes only `{learner}`'s events",
                record.learner
            ),
        )
        .at_line(number));
    }
    check_lesson_id(&record.lesson)
        .map_err(|why| ApiError::bad(format!("line {number}: {why}")).at_line(number))?;
    if let Some(written) = record.seq
        && i64::try_from(written).ok() != Some(seq)
    {
        return Err(ApiError::bad(format!(
            "line {number}: its `seq` is {written}, but the batch puts it at line {seq} of the log"
        ))
        .at_line(number));
    }
    // Live: sent by the session itself, soon after it was written.
    let late = !during_session || now.as_second() - record.ts.as_second() > LIVE_WINDOW_SECONDS;
    Ok(Line {
        learner: learner.to_owned(),
        lesson: record.lesson.clone(),
        seq,
        text: raw.to_owned(),
        hash: hex(&Sha256::digest(raw.as_bytes())),
        kind: Kind::Event,
        chained: record.seq.is_some(),
        prev: record.prev.clone(),
        evidence: if late { "late" } else { "live" },
    })
}

use crate::text::hex;

/// One collected log file, in an import request.
#[derive(Deserialize)]
pub(super) struct ImportedFile {
    path: String,
    text: String,
}

#[derive(Serialize, Default)]
pub(super) struct ImportResult {
    files: usize,
    stored: usize,
    duplicates: usize,
    /// Lines skipped, `PATH:LINE: why`; the first hundred.
    warnings: Vec<String>,
    more_warnings: usize,
}

pub(super) async fn import(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<ImportResult>, ApiError> {
    server.instructor(&headers, None)?;
    let text = read_body(body, IMPORT_LIMIT).await?;
    let mut result = ImportResult::default();
    let mut lines = Vec::new();
    for (index, raw) in text
        .lines()
        .enumerate()
        .filter(|(_, raw)| !raw.trim().is_empty())
    {
        let file: ImportedFile = serde_json::from_str(raw).map_err(|error| {
            ApiError::bad(format!(
                "line {}: expected {{\"path\", \"text\"}} ({error}); nothing was stored",
                index + 1
            ))
        })?;
        let mut warnings = Vec::new();
        lines.extend(log_file(&file.text, &mut warnings));
        for warning in warnings {
            if result.warnings.len() < 100 {
                result.warnings.push(format!("{}:{warning}", file.path));
            } else {
                result.more_warnings += 1;
            }
        }
        result.files += 1;
    }
    let stored = server.store.append(&lines).await?;
    result.stored = stored.stored;
    result.duplicates = stored.duplicates;
    server.class.catch_up(&server.store).await?;
    Ok(Json(result))
}

/// The lines of a whole log file, as `labrun report` reads one: the learner its first event
/// names owns it; a line naming anyone else, or of a newer format, is skipped with a
/// warning (`LINE: why`); a line that is no event only keeps the chain whole.
pub(super) fn log_file(text: &str, warnings: &mut Vec<String>) -> Vec<Line> {
    let records: Vec<(&str, Option<Record>)> = text
        .split_inclusive('\n')
        .map(|line| {
            let raw = line.strip_suffix('\n').unwrap_or(line);
            (raw, serde_json::from_str::<Record>(raw).ok())
        })
        .collect();
    let Some(owner) = records
        .iter()
        .find_map(|(_, record)| record.as_ref().filter(|r| r.v <= FORMAT_VERSION))
        .map(|record| (record.learner.clone(), record.lesson.clone()))
    else {
        if !text.trim().is_empty() {
            warnings.push("1: no progress event in the file; skipped".into());
        }
        return Vec::new();
    };
    if let Err(why) = roster::check_name(&owner.0).and_then(|()| check_lesson_id(&owner.1)) {
        warnings.push(format!("1: {why}; the file is skipped"));
        return Vec::new();
    }
    let mut lines = Vec::new();
    for (index, (raw, record)) in records.into_iter().enumerate() {
        let seq = index as i64 + 1;
        let hash = hex(&Sha256::digest(raw.as_bytes()));
        let stand_in = |lesson: &str| Line {
            learner: owner.0.clone(),
            lesson: lesson.to_owned(),
            seq,
            text: serde_json::json!({ "skipped": hash, "lesson": lesson }).to_string(),
            hash: hash.clone(),
            kind: Kind::StandIn,
            chained: false,
            prev: None,
            evidence: "imported",
        };
        match record {
            Some(record) if record.v > FORMAT_VERSION => {
                warnings.push(format!("{seq}: written by a newer labrun; skipped"));
                lines.push(stand_in(&owner.1));
            }
            Some(record) if check_lesson_id(&record.lesson).is_err() => {
                warnings.push(format!(
                    "{seq}: its lesson id is empty, too long or holds control characters; skipped"
                ));
                lines.push(stand_in(&owner.1));
            }
            Some(record) if record.learner != owner.0 => {
                warnings.push(format!(
                    "{seq}: names learner `{}`, but this log is `{}`'s; skipped",
                    record.learner, owner.0
                ));
                lines.push(stand_in(&record.lesson));
            }
            Some(record) => lines.push(Line {
                learner: owner.0.clone(),
                lesson: record.lesson.clone(),
                seq,
                text: raw.to_owned(),
                hash,
                kind: Kind::Event,
                chained: record.seq.is_some(),
                prev: record.prev.clone(),
                evidence: "imported",
            }),
            None => {
                if !raw.trim().is_empty() {
                    warnings.push(format!("{seq}: not a progress event; skipped"));
                }
                lines.push(stand_in(&owner.1));
            }
        }
    }
    lines
}
