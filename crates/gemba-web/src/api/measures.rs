//! Measures, their data and their charts.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use gemba_api::workspace::{
    parse_date_field, DataPointJson, DataRevisionJson, ErrorItemJson, ImportedJson, MeasureInput,
    MeasureJson,
};
use gemba_api::{ChartDocument, SeriesJson, CONTRACT_VERSION};
use gemba_domain::{
    check_entries, measure_chart, Action, DataPoint, EntryRow, Measure, MeasureId, ProjectId,
    RevisionId, StoreError,
};
use serde_json::Value;

use super::extract::{body_error, is_json, media_type};
use super::{
    created_tagged, delete_refused, measure_access, merge_patch, project_access, tagged, ApiError,
    ApiUser, Id, IdAnd, IfMatch, JsonBody,
};
use crate::AppState;

/// `GET /projects/{id}/measures`.
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<MeasureJson>>, ApiError> {
    let (project, _) = project_access(&state, &user, ProjectId(id), Action::Read).await?;
    let measures = state.store.measures(project.id).await?;
    Ok(Json(measures.iter().map(MeasureJson::from).collect()))
}

/// `POST /projects/{id}/measures`.
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<MeasureInput>,
) -> Result<Response, ApiError> {
    let (project, _) = project_access(&state, &user, ProjectId(id), Action::DefineMeasure).await?;
    let fields = input.to_fields(None)?;
    let id = state
        .store
        .create_measure(project.id, &fields, user.id)
        .await?;
    let measure = state.store.measure(id).await?.ok_or(ApiError::NotFound)?;
    Ok(created_tagged(
        format!("/api/v1/measures/{id}"),
        measure.version,
        MeasureJson::from(&measure),
    ))
}

/// `GET /measures/{id}`, with its `ETag`.
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let (measure, _, _) = measure_access(&state, &user, MeasureId(id), Action::Read).await?;
    Ok(tagged(measure.version, MeasureJson::from(&measure)))
}

/// `PATCH /measures/{id}`: any subset of the fields; the others keep their stored values even
/// when someone else changes them meanwhile. With `If-Match`, only if the measure is still at
/// that version (412 with the current measure otherwise).
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<MeasureInput>,
) -> Result<Response, ApiError> {
    let (measure, _, _) =
        measure_access(&state, &user, MeasureId(id), Action::DefineMeasure).await?;
    let id = measure.id;
    // The merge closures share these; each round's future borrows them.
    let (state, input, user) = (&state, &input, &user);
    let measure = merge_patch(
        if_match,
        measure,
        |m: &Measure| m.version,
        |m: &Measure| MeasureJson::from(m),
        || async { state.store.measure(id).await?.ok_or(ApiError::NotFound) },
        |current: Measure| async move {
            let fields = input.to_fields(Some(&current))?;
            state
                .store
                .update_measure(id, &fields, current.version, user.id)
                .await?;
            Ok(())
        },
    )
    .await?;
    Ok(tagged(measure.version, MeasureJson::from(&measure)))
}

/// `DELETE /measures/{id}`: the project's lead, improvement leads and admins; the data stays
/// and an admin can restore the measure. With `If-Match`, only if the measure is still at that
/// version.
pub async fn remove(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
) -> Result<StatusCode, ApiError> {
    let (measure, _, _) = measure_access(&state, &user, MeasureId(id), Action::Delete).await?;
    match state
        .store
        .delete_measure(measure.id, if_match, user.id)
        .await
    {
        Err(StoreError::Stale(_)) => Err(delete_refused(
            state.store.measure(measure.id).await?,
            |m| m.version,
            |m| MeasureJson::from(m),
        )),
        done => Ok(done.map(|()| StatusCode::NO_CONTENT)?),
    }
}

/// `GET /measures/{id}/data/revisions`: the values that imports replaced and removals took
/// away, not yet put back, newest first.
pub async fn revisions(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<DataRevisionJson>>, ApiError> {
    let (measure, _, _) = measure_access(&state, &user, MeasureId(id), Action::Read).await?;
    let revisions = state.store.data_revisions(measure.id).await?;
    Ok(Json(revisions.iter().map(DataRevisionJson::from).collect()))
}

/// `POST /measures/{id}/data/revisions/{revision_id}/restore`: puts an old value back on its
/// date (the value there now is kept as a revision in turn); answers the point as restored.
/// 404 when the revision is not one of this measure's or was put back already.
pub async fn restore_revision(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    IdAnd(id, revision): IdAnd,
) -> Result<Json<DataPointJson>, ApiError> {
    let (measure, _, _) = measure_access(&state, &user, MeasureId(id), Action::EnterData).await?;
    let revision = revision.parse::<i64>().map_err(|_| ApiError::NotFound)?;
    let point = state
        .store
        .restore_data_revision(measure.id, RevisionId(revision), user.id)
        .await?;
    Ok(Json(DataPointJson::from(&point)))
}

/// `DELETE /measures/{id}/data/{date}`: removes the point of that date (ISO, `2024-01-31`);
/// 404 when there is none. The history keeps what it was.
pub async fn remove_point(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    IdAnd(id, date): IdAnd,
) -> Result<StatusCode, ApiError> {
    let (measure, _, _) = measure_access(&state, &user, MeasureId(id), Action::DeleteData).await?;
    // A date that cannot be read is a point that does not exist, like an id that is not a number.
    let date = parse_date_field("date", &date).map_err(|_| ApiError::NotFound)?;
    // `Missing` (no point on that date) is 404.
    state
        .store
        .delete_data_point(measure.id, date, user.id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /measures/{id}/data`: the points by date.
pub async fn data(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<DataPointJson>>, ApiError> {
    let (measure, _, _) = measure_access(&state, &user, MeasureId(id), Action::Read).await?;
    let points = state.store.data(measure.id).await?;
    Ok(Json(points.iter().map(DataPointJson::from).collect()))
}

/// `GET /measures/{id}/chart`: the engine's JSON contract, one series (the measure's id).
pub async fn chart(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let (measure, project, _) = measure_access(&state, &user, MeasureId(id), Action::Read).await?;
    let points = state.store.data(measure.id).await?;
    let cycles = state.store.pdsas(project.id).await?;
    let chart = measure_chart(&measure, &points, &cycles)
        .map_err(|e| ApiError::field("data", format!("cannot be charted: {e}")))?;
    let labels: Vec<String> = chart
        .dates
        .iter()
        .map(|d| d.format("%Y-%m-%d").to_string())
        .collect();
    let series_id = measure.id.to_string();
    let doc = ChartDocument {
        version: CONTRACT_VERSION,
        series: vec![SeriesJson::new(&series_id, &labels, &chart.result)],
    };
    Ok(Json(doc).into_response())
}

/// Where an uploaded point came from, for error messages.
#[derive(Debug, Clone, Copy)]
enum Origin {
    /// Position in a JSON array.
    Index(usize),
    /// Line of a CSV body.
    Line(u64),
}

fn problem(origin: Origin, field: &str, message: impl Into<String>) -> ErrorItemJson {
    let (line, index) = match origin {
        Origin::Index(i) => (None, Some(i)),
        Origin::Line(l) => (Some(l), None),
    };
    ErrorItemJson {
        line,
        index,
        field: field.to_owned(),
        message: message.into(),
    }
}

/// `POST /measures/{id}/data`: a JSON array of `{"date","value","denominator"}` or a CSV with
/// the header `date,value[,denominator]`. All or nothing: any bad row and nothing is saved,
/// with every bad row listed (422 `invalid`). Rows with a date in the future or a number far
/// from the measure's usual scale are listed with 422 `needs_confirmation` and saved only when
/// the request says `?confirm=true`.
pub async fn upload(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ImportedJson>, ApiError> {
    let confirmed = confirm_flag(query.as_deref())?;
    let (measure, _, _) = measure_access(&state, &user, MeasureId(id), Action::EnterData).await?;
    let body = body.map_err(body_error)?;
    let json = is_json(&headers);
    let file_name = match media_type(&headers) {
        _ if json => None,
        Some(m) => Some(upload_file_name(&m).ok_or(ApiError::UnsupportedMediaType(UPLOAD_TYPES))?),
        None => return Err(ApiError::UnsupportedMediaType(UPLOAD_TYPES)),
    };
    let rows = match file_name {
        None => None,
        // Spreadsheets are parsed in the sandboxed reader, a few at a time.
        Some(name) => Some(
            state
                .sheets
                .read_measure_file(body.to_vec(), name.to_owned())
                .await
                .ok_or_else(|| ApiError::Internal("reading an upload failed".to_owned()))?,
        ),
    };
    // Reading and checking up to 5 MB is CPU work: keep it off the async workers.
    let checked = measure.clone();
    let existing = state.store.data(measure.id).await?;
    let today = crate::pages::today();
    let points = tokio::task::spawn_blocking(move || -> Result<Vec<DataPoint>, ApiError> {
        let rows = match rows {
            None => rows_from_json(&body)?,
            Some(read) => rows_from_file(read)?,
        };
        check_points(&checked, &rows, &existing, today, confirmed)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("checking an upload failed: {e}")))??;
    let imported = state.store.put_data(measure.id, &points, user.id).await?;
    Ok(Json(ImportedJson { imported }))
}

/// The points of a JSON array, or every problem with them.
fn rows_from_json(body: &[u8]) -> Result<Vec<(EntryRow, Origin)>, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| ApiError::BadRequest {
        message: format!("the body is not valid JSON: {e}"),
        field: None,
    })?;
    let Value::Array(items) = value else {
        return Err(ApiError::BadRequest {
            message: "the body must be a JSON array of {\"date\", \"value\", \"denominator\"}"
                .to_owned(),
            field: None,
        });
    };
    let mut rows = Vec::with_capacity(items.len());
    let mut problems = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = Origin::Index(i);
        let Value::Object(obj) = item else {
            problems.push(problem(
                at,
                "date",
                "each item must be an object such as {\"date\": \"2024-01-31\", \"value\": 12}",
            ));
            continue;
        };
        let date = match obj.get("date") {
            Some(Value::String(s)) => match parse_date_field("date", s) {
                Ok(d) => Some(d),
                Err(e) => {
                    problems.push(problem(at, "date", e.message));
                    None
                }
            },
            None | Some(Value::Null) => {
                problems.push(problem(at, "date", "is required"));
                None
            }
            Some(_) => {
                problems.push(problem(
                    at,
                    "date",
                    "must be a string such as \"2024-01-31\"",
                ));
                None
            }
        };
        let mut number = |field: &str| match obj.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => n.as_f64().filter(|x| x.is_finite()).or_else(|| {
                problems.push(problem(at, field, "must be a finite number"));
                None
            }),
            Some(_) => {
                problems.push(problem(at, field, "must be a number or null"));
                None
            }
        };
        let value = number("value");
        let denominator = number("denominator");
        if let Some(date) = date {
            rows.push((entry_row(date, value, denominator), at));
        }
    }
    finish(rows, problems)
}

/// The media types of the data upload, for the 415 answer.
const UPLOAD_TYPES: &str = "application/json (an array of {\"date\",\"value\",\"denominator\"}), \
     text/csv, or a spreadsheet (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet \
     for .xlsx, application/vnd.oasis.opendocument.spreadsheet for .ods, application/vnd.ms-excel \
     for .xls)";

/// The file name that tells `gemba_data::read_measure_file` the format of a body of media type
/// `m`, for the file types it reads.
fn upload_file_name(m: &str) -> Option<&'static str> {
    Some(match m {
        "text/csv" | "application/csv" => "upload.csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "upload.xlsx",
        "application/vnd.ms-excel.sheet.macroenabled.12" => "upload.xlsm",
        "application/vnd.ms-excel.sheet.binary.macroenabled.12" => "upload.xlsb",
        "application/vnd.ms-excel" => "upload.xls",
        "application/vnd.oasis.opendocument.spreadsheet" => "upload.ods",
        _ => return None,
    })
}

/// The points of a CSV or spreadsheet body as `gemba_data::read_measure_file` read them, or
/// every problem with them. A spreadsheet refused as unsafe to read is a 422 `unsafe_file`.
fn rows_from_file(
    read: Result<Vec<gemba_data::MeasureRow>, Vec<gemba_data::RowProblem>>,
) -> Result<Vec<(EntryRow, Origin)>, ApiError> {
    match read {
        Ok(rows) => finish(
            rows.iter()
                .map(|r| {
                    (
                        EntryRow {
                            value_percent: r.value_percent,
                            denominator_percent: r.denominator_percent,
                            ..entry_row(r.date, r.value, r.denominator)
                        },
                        Origin::Line(r.line as u64),
                    )
                })
                .collect(),
            vec![],
        ),
        Err(problems) if problems.iter().any(|p| p.refused) => Err(ApiError::UnsafeFile(
            problems
                .into_iter()
                .map(|p| p.message)
                .collect::<Vec<_>>()
                .join("; "),
        )),
        Err(problems) if problems.iter().all(|p| p.line == 0) => Err(ApiError::BadRequest {
            message: problems
                .iter()
                .map(|p| p.message.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            field: None,
        }),
        Err(problems) => Err(ApiError::Invalid(
            problems
                .into_iter()
                .map(|p| ErrorItemJson {
                    line: (p.line > 0).then_some(p.line as u64),
                    index: None,
                    field: if p.column.is_empty() {
                        "row".to_owned()
                    } else {
                        p.column
                    },
                    message: p.message,
                })
                .collect(),
        )),
    }
}

/// Refuses a date given twice; otherwise the rows, or all the problems.
fn finish(
    rows: Vec<(EntryRow, Origin)>,
    mut problems: Vec<ErrorItemJson>,
) -> Result<Vec<(EntryRow, Origin)>, ApiError> {
    let mut seen: HashMap<NaiveDate, Origin> = HashMap::new();
    for (p, at) in &rows {
        if let Some(first) = seen.insert(p.date, *at) {
            let where_first = match first {
                Origin::Index(i) => format!("item {i}"),
                Origin::Line(l) => format!("line {l}"),
            };
            problems.push(problem(
                *at,
                "date",
                format!("{} is given twice (also at {where_first})", p.date),
            ));
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(ApiError::Invalid(problems))
    }
}

/// A row as read, before the measure's rules.
fn entry_row(date: NaiveDate, value: Option<f64>, denominator: Option<f64>) -> EntryRow {
    EntryRow {
        line: 0,
        date,
        value,
        value_percent: false,
        denominator,
        denominator_percent: false,
    }
}

/// `confirm=true` (or `1`) in the query string: save rows that need confirmation.
fn confirm_flag(query: Option<&str>) -> Result<bool, ApiError> {
    let mut confirmed = false;
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if k == "confirm" {
            confirmed = match v {
                "true" | "1" => true,
                "false" | "0" => false,
                _ => {
                    return Err(ApiError::BadRequest {
                        message: "confirm must be true or false".to_owned(),
                        field: Some("confirm".to_owned()),
                    })
                }
            };
        }
    }
    Ok(confirmed)
}

/// Checks the uploaded rows with the measure's rules ([`check_entries`]): every refused row
/// is a 422 `invalid` item naming its item or line and field; when none is refused, rows in
/// doubt are a 422 `needs_confirmation` unless `confirmed`. Returns the points to save.
fn check_points(
    measure: &Measure,
    rows: &[(EntryRow, Origin)],
    existing: &[DataPoint],
    today: NaiveDate,
    confirmed: bool,
) -> Result<Vec<DataPoint>, ApiError> {
    let entries: Vec<EntryRow> = rows
        .iter()
        .enumerate()
        .map(|(i, (r, _))| EntryRow { line: i + 1, ..*r })
        .collect();
    let check = check_entries(measure, &entries, existing, today);
    let origin = |line: usize| {
        rows.get(line.wrapping_sub(1))
            .map_or(Origin::Index(0), |r| r.1)
    };
    if !check.refusals.is_empty() {
        return Err(ApiError::Invalid(
            check
                .refusals
                .iter()
                .map(|r| problem(origin(r.line), r.field.name(), r.problem.to_string()))
                .collect(),
        ));
    }
    if !check.doubts.is_empty() && !confirmed {
        return Err(ApiError::NeedsConfirmation(
            check
                .doubts
                .iter()
                .map(|d| {
                    let text = d.to_string();
                    // The item or line is given apart; the sentence is what follows it.
                    let message = text.split_once(": ").map_or(text.as_str(), |(_, m)| m);
                    problem(origin(d.line), d.field.name(), message)
                })
                .collect(),
        ));
    }
    Ok(check.points)
}
