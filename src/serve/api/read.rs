//! What the instructor reads: the report (`GET /api/v1/report`) and the stream of changes
//! the dashboard follows (`GET /api/v1/stream`).

use super::*;

#[derive(Deserialize, Default)]
pub(super) struct ReportQuery {
    /// Comma-separated lesson ids.
    lesson: Option<String>,
    /// Comma-separated learner names.
    learner: Option<String>,
    since: Option<String>,
}

/// The stream's query: the instructor token (a browser's event stream sets no header).
#[derive(Deserialize, Default)]
pub(super) struct StreamQuery {
    token: Option<String>,
}

pub(super) fn list(text: Option<&String>) -> Vec<String> {
    text.map(|text| {
        text.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

pub(super) async fn report(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    Query(query): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    server.instructor(&headers, None)?;
    let since = query
        .since
        .as_deref()
        .map(parse_since)
        .transpose()
        .map_err(ApiError::bad)?;
    let filter = Filter {
        lessons: list(query.lesson.as_ref()),
        learners: list(query.learner.as_ref()),
        since,
    };
    // Events stored by another server on the same database count too.
    server.class.catch_up(&server.store).await?;
    let summary = server.class.summary(&filter).await;
    let mut out = Vec::new();
    crate::text::write_json_compact(&mut out, &summary)
        .map_err(|error| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], out).into_response())
}

pub(super) async fn stream(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    Query(query): Query<StreamQuery>,
) -> Result<impl IntoResponse, ApiError> {
    server.instructor(&headers, query.token.as_deref())?;
    let changes = server.class.subscribe();
    let events = futures_util::stream::unfold(changes, |mut changes| async move {
        changes.changed().await.ok()?;
        let version = *changes.borrow_and_update();
        let event = Event::default().event("change").data(version.to_string());
        Some((Ok::<_, std::convert::Infallible>(event), changes))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}
