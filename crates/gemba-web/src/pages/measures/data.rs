//! Entering a measure's data: one row by form, many rows pasted from a spreadsheet, or a CSV or
//! Excel file. Every way is all-or-nothing, lists every bad row next to the input and keeps
//! what was typed; dates already there are replaced, and the page says how many. A wrong point
//! is removed with its own button. A value that an upload replaced or a removal took away is
//! listed under "Replaced and removed values" and can be put back.

use std::collections::HashSet;

use crate::pages::Path;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::FormRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::NaiveDate;
use gemba_data::{parse_pasted, MeasureRow, RowProblem};
use gemba_domain::{
    check_entries, Action, DataPoint, EntryDoubt, EntryRow, Grant, Measure, Project, RevisionId,
    RevisionKind, StoreError,
};
use maud::{html, Markup};
use serde::Deserialize;

use super::{load_measure, num, shown, uk_date};
use crate::pages::error::PageError;
use crate::pages::form::{self, FieldErrors};
use crate::pages::layout::{self, csrf_field};
use crate::pages::projects::CsrfForm;
use crate::pages::session::{see_other, CurrentUser};
use crate::AppState;

/// The largest file accepted.
const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// The largest upload request read: a little more than the file, so that a file just over the
/// limit is read to its end and refused with a clear message rather than a dropped connection.
const MAX_UPLOAD_BODY: usize = 16 * 1024 * 1024;

/// The largest paste accepted, in bytes of text.
const MAX_PASTE_BYTES: usize = 2 * 1024 * 1024;
/// The largest paste request read: form encoding can triple text (a tab is `%09`), so that a
/// paste just over the limit is read and refused with a page rather than an empty 413.
const MAX_PASTE_BODY: usize = 3 * MAX_PASTE_BYTES + 64 * 1024;
/// The most problems listed for one paste or file; the rest are counted.
const MAX_LISTED_PROBLEMS: usize = 50;

page_routes! {
    get "/measures/{id}/data" => page, Do(Action::Read);
    post "/measures/{id}/data/row" => add_row, Do(Action::EnterData);
    post "/measures/{id}/data/remove" => remove, Do(Action::DeleteData);
    post "/measures/{id}/data/revisions/{revision}/restore" => put_back, Do(Action::EnterData);
    post "/measures/{id}/data/paste" => paste [DefaultBodyLimit::max(MAX_PASTE_BODY)], Do(Action::EnterData);
    post "/measures/{id}/data/confirm" => confirm [DefaultBodyLimit::max(MAX_PASTE_BODY)], Do(Action::EnterData);
    post "/measures/{id}/data/upload" => upload [DefaultBodyLimit::max(MAX_UPLOAD_BODY)], Do(Action::EnterData);
}

/// What the page shows besides the data: what was typed and what is wrong with it.
#[derive(Default)]
struct Entry {
    row: RowForm,
    row_errors: FieldErrors,
    pasted: String,
    paste_problems: Vec<RowProblem>,
    upload_problems: Vec<RowProblem>,
    saved: Option<(usize, usize)>,
    removed: Option<NaiveDate>,
    restored: Option<NaiveDate>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RowForm {
    csrf: String,
    date: String,
    value: String,
    denominator: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PasteForm {
    csrf: String,
    pasted: String,
}

/// The confirmation page's form: the checked rows again, to save as they are.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ConfirmForm {
    csrf: String,
    rows: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SavedQuery {
    saved: Option<usize>,
    replaced: Option<usize>,
    removed: Option<String>,
    restored: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RemoveForm {
    csrf: String,
    date: String,
}

async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> Result<Markup, PageError> {
    let (m, project, grant) = load_measure(&state, &user, id, Action::Read).await?;
    let entry = Entry {
        saved: q.saved.map(|n| (n, q.replaced.unwrap_or(0))),
        removed: q
            .removed
            .and_then(|d| NaiveDate::parse_from_str(&d, "%F").ok()),
        restored: q
            .restored
            .and_then(|d| NaiveDate::parse_from_str(&d, "%F").ok()),
        ..Entry::default()
    };
    render(&state, &user, &m, &project, grant, &entry).await
}

/// Removes the point of one date; the history keeps its value, so nothing is lost.
async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<RemoveForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (m, _, _) = load_measure(&state, &user, id, Action::DeleteData).await?;
    let date = NaiveDate::parse_from_str(f.date.trim(), "%F").map_err(|_| {
        PageError::BadRequest("Remove a point with its button on the data page.".into())
    })?;
    match state
        .store
        .delete_data_point(m.id, date, user.user.id)
        .await
    {
        Ok(()) => Ok(see_other(&format!(
            "/measures/{}/data?removed={}",
            m.id,
            date.format("%F")
        ))),
        Err(StoreError::Missing(_)) => Err(PageError::BadRequest(format!(
            "There is no point on {}; it may have been removed already.",
            uk_date(date)
        ))),
        Err(e) => Err(e.into()),
    }
}

/// Puts back a value that an upload replaced or a removal took away; the history says so.
async fn put_back(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, revision)): Path<(i64, String)>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (m, _, _) = load_measure(&state, &user, id, Action::EnterData).await?;
    let revision = revision.parse::<i64>().map_err(|_| PageError::NotFound)?;
    match state
        .store
        .restore_data_revision(m.id, RevisionId(revision), user.user.id)
        .await
    {
        Ok(point) => Ok(see_other(&format!(
            "/measures/{}/data?restored={}",
            m.id,
            point.date.format("%F")
        ))),
        Err(StoreError::Missing(_)) => Err(PageError::BadRequest(
            "That value is not among this measure's replaced and removed values; it may have \
             been put back already."
                .into(),
        )),
        Err(e) => Err(e.into()),
    }
}

async fn add_row(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<RowForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (m, project, grant) = load_measure(&state, &user, id, Action::EnterData).await?;
    let mut errors = FieldErrors::new();
    let date = match f.date.trim() {
        "" => {
            errors.insert("date", "Enter the date");
            None
        }
        t => {
            let d = gemba_data::parse_date(t);
            if d.is_none() {
                errors.insert(
                    "date",
                    "Enter a real date, like 2024-03-01, 01/03/2024 or Mar 2024",
                );
            }
            d
        }
    };
    let (value_text, value_percent) = percent_split(&f.value);
    let value = match value_text {
        "" if !value_percent => {
            errors.insert("value", "Enter the value");
            None
        }
        t if is_missing_marker(t) && !value_percent => None,
        t => match gemba_domain::optional_number("value", t) {
            Ok(v) => v,
            Err(_) => {
                let t = f.value.trim();
                errors.insert("value", format!("Enter a number; \"{t}\" is not a number"));
                None
            }
        },
    };
    let (den_text, denominator_percent) = percent_split(&f.denominator);
    let denominator = match gemba_domain::optional_number("denominator", den_text) {
        Ok(d) => d,
        Err(_) => {
            errors.insert("denominator", "Enter a number, or leave it blank");
            None
        }
    };
    if let (Some(date), true) = (date, errors.is_empty()) {
        let rows = vec![EntryRow {
            line: 1,
            date,
            value,
            value_percent,
            denominator,
            denominator_percent,
        }];
        match save(&state, &user, &m, rows, false).await? {
            Saved::Done(n, replaced) => return Ok(saved_redirect(&m, n, replaced)),
            Saved::Doubted(doubts, points) => {
                return confirm_page(&state, &user, &m, &project, &doubts, &points).await
            }
            Saved::Refused(problems) => {
                for p in problems {
                    let field = match p.column.as_str() {
                        "denominator" => "denominator",
                        "date" => "date",
                        _ => "value",
                    };
                    errors.insert(field, sentence(&p.message));
                }
            }
        }
    }
    let entry = Entry {
        row: f,
        row_errors: errors,
        ..Entry::default()
    };
    invalid(render(&state, &user, &m, &project, grant, &entry).await?)
}

async fn paste(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    form: Result<Form<PasteForm>, FormRejection>,
) -> Result<Response, PageError> {
    // Only those who may enter data get any further, even with a body too big to read.
    let (m, project, grant) = load_measure(&state, &user, id, Action::EnterData).await?;
    let f = match form {
        Ok(Form(f)) if f.pasted.len() <= MAX_PASTE_BYTES => f,
        Ok(Form(f)) => {
            user.check_csrf(&f.csrf)?;
            return paste_too_big(&state, &user, &m, &project, grant).await;
        }
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            // The token was not read; nothing is changed.
            return paste_too_big(&state, &user, &m, &project, grant).await;
        }
        Err(_) => {
            return Err(PageError::BadRequest(
                "Send the rows with the paste form on the data page.".into(),
            ))
        }
    };
    user.check_csrf(&f.csrf)?;
    let pasted = f.pasted;
    let (pasted, parsed) = blocking(move || {
        let parsed = parse_pasted(&pasted);
        (pasted, parsed)
    })
    .await?;
    let problems = match parsed {
        Ok(rows) => match save(&state, &user, &m, entry_rows(&rows), false).await? {
            Saved::Done(n, replaced) => return Ok(saved_redirect(&m, n, replaced)),
            Saved::Doubted(doubts, points) => {
                return confirm_page(&state, &user, &m, &project, &doubts, &points).await
            }
            Saved::Refused(problems) => problems,
        },
        Err(problems) => problems,
    };
    let entry = Entry {
        pasted,
        paste_problems: problems,
        ..Entry::default()
    };
    invalid(render(&state, &user, &m, &project, grant, &entry).await?)
}

/// The data page saying that a paste was too large (413), with nothing saved.
async fn paste_too_big(
    state: &AppState,
    user: &CurrentUser,
    m: &Measure,
    project: &Project,
    grant: Grant,
) -> Result<Response, PageError> {
    let entry = Entry {
        paste_problems: vec![problem(
            "The pasted text is larger than 2 MB, so nothing was saved; upload it as a file",
        )],
        ..Entry::default()
    };
    let page = render(state, user, m, project, grant, &entry).await?;
    Ok((StatusCode::PAYLOAD_TOO_LARGE, page).into_response())
}

/// Runs parsing or checking work off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PageError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| PageError::Internal(format!("data import task failed: {e}")))
}

async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let (m, project, grant) = load_measure(&state, &user, id, Action::EnterData).await?;
    let mut multipart = multipart.map_err(|_| {
        PageError::BadRequest("Send the file with the upload form on the data page.".into())
    })?;
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut too_big = false;
    'fields: loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                too_big = true;
                break;
            }
            Err(_) => {
                return Err(PageError::BadRequest(
                    "The upload was cut short; try again.".into(),
                ))
            }
        };
        match field.name() {
            Some("csrf") => {
                csrf = field.text().await.map_err(|_| {
                    PageError::BadRequest("The upload was cut short; try again.".into())
                })?;
            }
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let mut bytes = Vec::new();
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                                too_big = true;
                                bytes = Vec::new();
                            } else if !too_big {
                                bytes.extend_from_slice(&chunk);
                            }
                        }
                        Ok(None) => break,
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            too_big = true;
                            break 'fields;
                        }
                        Err(_) => {
                            return Err(PageError::BadRequest(
                                "The upload was cut short; try again.".into(),
                            ))
                        }
                    }
                }
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    if too_big {
        // The token may not have been read; nothing is changed either way.
        if !csrf.is_empty() {
            user.check_csrf(&csrf)?;
        }
        let entry = Entry {
            upload_problems: vec![problem(
                "The file is larger than 5 MB, so nothing was imported. Split it into smaller \
                 files, or keep only the date, value and denominator columns.",
            )],
            ..Entry::default()
        };
        let page = render(&state, &user, &m, &project, grant, &entry).await?;
        return Ok((StatusCode::PAYLOAD_TOO_LARGE, page).into_response());
    }
    user.check_csrf(&csrf)?;
    let problems = match file {
        Some((name, bytes)) if !name.is_empty() && !bytes.is_empty() => {
            let read = state.sheets.read_measure_file(bytes, name).await;
            match read.ok_or_else(|| PageError::Internal("data import task failed".into()))? {
                Ok(rows) => match save(&state, &user, &m, entry_rows(&rows), false).await? {
                    Saved::Done(n, replaced) => return Ok(saved_redirect(&m, n, replaced)),
                    Saved::Doubted(doubts, points) => {
                        return confirm_page(&state, &user, &m, &project, &doubts, &points).await
                    }
                    Saved::Refused(problems) => problems,
                },
                Err(problems) => problems,
            }
        }
        Some((name, _)) if !name.is_empty() => vec![problem("The file is empty")],
        _ => vec![problem("Choose a CSV or Excel file to upload")],
    };
    let entry = Entry {
        upload_problems: problems,
        ..Entry::default()
    };
    invalid(render(&state, &user, &m, &project, grant, &entry).await?)
}

fn problem(message: &str) -> RowProblem {
    RowProblem {
        line: 0,
        column: String::new(),
        message: message.to_owned(),
        refused: false,
    }
}

fn invalid(page: Markup) -> Result<Response, PageError> {
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

fn saved_redirect(m: &Measure, n: usize, replaced: usize) -> Response {
    see_other(&format!(
        "/measures/{}/data?saved={n}&replaced={replaced}",
        m.id
    ))
}

/// What became of rows sent to be saved.
enum Saved {
    /// All saved: how many points, and how many of them replaced a point of the same date.
    Done(usize, usize),
    /// Nothing saved: rows the user must confirm first, and the points as checked.
    Doubted(Vec<EntryDoubt>, Vec<DataPoint>),
    /// Nothing saved: what is wrong, row by row.
    Refused(Vec<RowProblem>),
}

/// Checks the rows with the measure's rules ([`check_entries`], off the async workers), then
/// saves them all or none. Rows in doubt (a future date, a number far from the measure's
/// usual scale) are saved only when `confirmed`.
async fn save(
    state: &AppState,
    user: &CurrentUser,
    m: &Measure,
    rows: Vec<EntryRow>,
    confirmed: bool,
) -> Result<Saved, PageError> {
    let existing = state.store.data(m.id).await?;
    let measure = m.clone();
    let dates: HashSet<_> = existing.iter().map(|p| p.date).collect();
    let today = crate::pages::today();
    let check = blocking(move || check_entries(&measure, &rows, &existing, today)).await?;
    if !check.refusals.is_empty() {
        return Ok(Saved::Refused(
            check
                .refusals
                .iter()
                .map(|r| RowProblem {
                    line: r.line,
                    column: r.field.name().to_owned(),
                    message: r.problem.to_string(),
                    refused: false,
                })
                .collect(),
        ));
    }
    if !check.doubts.is_empty() && !confirmed {
        return Ok(Saved::Doubted(check.doubts, check.points));
    }
    let replaced = check
        .points
        .iter()
        .filter(|p| dates.contains(&p.date))
        .count();
    let n = state
        .store
        .put_data(m.id, &check.points, user.user.id)
        .await?;
    Ok(Saved::Done(n, replaced))
}

/// The rows read from a paste or a file, for the measure's rules.
fn entry_rows(rows: &[MeasureRow]) -> Vec<EntryRow> {
    rows.iter()
        .map(|r| EntryRow {
            line: r.line,
            date: r.date,
            value: r.value,
            value_percent: r.value_percent,
            denominator: r.denominator,
            denominator_percent: r.denominator_percent,
        })
        .collect()
}

/// A typed number without its `%` sign, and whether it had one.
fn percent_split(s: &str) -> (&str, bool) {
    let t = s.trim();
    match t.strip_suffix('%') {
        Some(n) => (n.trim_end(), true),
        None => (t, false),
    }
}

/// The words that mark a missing value, as in pasted rows.
fn is_missing_marker(s: &str) -> bool {
    ["na", "n/a", "-", "missing"]
        .iter()
        .any(|m| s.eq_ignore_ascii_case(m))
}

/// The points as rows to send back from the confirmation page: ISO date, value (or NA) and
/// denominator, tab-separated, numbers written so that they read back exactly.
fn rows_text(points: &[DataPoint]) -> String {
    let mut out = String::new();
    for p in points {
        out.push_str(&p.date.format("%F").to_string());
        out.push('\t');
        match p.value {
            Some(v) => out.push_str(&v.to_string()),
            None => out.push_str("NA"),
        }
        if let Some(d) = p.denominator {
            out.push('\t');
            out.push_str(&d.to_string());
        }
        out.push('\n');
    }
    out
}

/// The page that asks the user to confirm rows before anything is saved (200: nothing is
/// wrong, but nothing is saved yet).
async fn confirm_page(
    state: &AppState,
    user: &CurrentUser,
    m: &Measure,
    project: &Project,
    doubts: &[EntryDoubt],
    points: &[DataPoint],
) -> Result<Response, PageError> {
    let _ = state;
    let body = html! {
        a class="back-link" href={ "/measures/" (m.id) "/data" } { "Back to the data" }
        span class="caption" { (project.title) }
        h1 { "Check these rows before they are saved" }
        div class="warning-callout" role="alert" {
            p { "Nothing has been saved yet. "
                (doubts.len()) @if doubts.len() == 1 { " row looks" } @else { " rows look" }
                " unusual for " (m.name) ":" }
        }
        table class="table" {
            caption { "Rows to check" }
            thead { tr {
                th scope="col" { "Line" }
                th scope="col" { "Date" }
                th scope="col" { "Field" }
                th scope="col" { "Why it needs checking" }
            } }
            tbody {
                @for d in doubts {
                    tr {
                        th scope="row" { (d.line) }
                        td { (uk_date(d.date)) }
                        td { (d.field.name()) }
                        td { (doubt_text(m, d)) }
                    }
                }
            }
        }
        p { "If the rows are right, save them. Otherwise go back and correct them: for example, enter a rate's denominator in the same units as the saved points" @if !m.denominator_label.is_empty() { " (" (m.denominator_label) ")" } "." }
        form method="post" action={ "/measures/" (m.id) "/data/confirm" } novalidate {
            (csrf_field(user))
            // A hidden text area keeps the rows' tabs and line ends exactly.
            textarea name="rows" hidden { (rows_text(points)) }
            button type="submit" class="button" {
                "Save " (points.len()) @if points.len() == 1 { " point" } @else { " points" } " anyway"
            }
        }
        p { a href={ "/measures/" (m.id) "/data" } { "Go back without saving" } }
    };
    let page = layout::page(&format!("Check rows: {}", m.name), Some(user), body);
    Ok(page.into_response())
}

/// Why a row needs checking, in the measure's words.
fn doubt_text(m: &Measure, d: &EntryDoubt) -> String {
    match d.reason {
        gemba_domain::DoubtReason::FutureDate { today } => format!(
            "{} is in the future (today is {}); the chart would plot it as the next point",
            uk_date(d.date),
            uk_date(today)
        ),
        gemba_domain::DoubtReason::PeriodTaken { ref period, other } => format!(
            "{period} already has a point, dated {}; saving both puts two points on the chart \
             for one {}",
            uk_date(other),
            m.chart.period.name()
        ),
        gemba_domain::DoubtReason::OffPeriodStart { ref period, start } => format!(
            "{} is not the first day of {period} ({}), the day this measure's points are dated",
            uk_date(d.date),
            uk_date(start)
        ),
        gemba_domain::DoubtReason::FarFromUsual { given, median } => {
            let how = if given.abs() > median.abs() {
                "more than 10 times"
            } else {
                "less than a tenth of"
            };
            let what = match d.field {
                gemba_domain::EntryField::Denominator if !m.denominator_label.is_empty() => {
                    format!("denominator ({})", m.denominator_label)
                }
                f => f.name().to_owned(),
            };
            format!(
                "{} is {how} the usual {what}: the saved points have a median of {}",
                num(given),
                num(median)
            )
        }
    }
}

/// Saves rows the user confirmed on the confirmation page, checked again (a refusal is
/// still refused; only the doubts are waived).
async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    form: Result<Form<ConfirmForm>, FormRejection>,
) -> Result<Response, PageError> {
    let (m, project, grant) = load_measure(&state, &user, id, Action::EnterData).await?;
    let Ok(Form(f)) = form else {
        return Err(PageError::BadRequest(
            "Send the rows with the confirmation page's button.".into(),
        ));
    };
    user.check_csrf(&f.csrf)?;
    let text = f.rows;
    let parsed = blocking(move || parse_pasted(&text)).await?;
    let problems = match parsed {
        Ok(rows) => match save(&state, &user, &m, entry_rows(&rows), true).await? {
            Saved::Done(n, replaced) => return Ok(saved_redirect(&m, n, replaced)),
            Saved::Doubted(..) => {
                vec![problem("The rows could not be confirmed; enter them again")]
            }
            Saved::Refused(problems) => problems,
        },
        Err(problems) => problems,
    };
    let entry = Entry {
        paste_problems: problems,
        ..Entry::default()
    };
    invalid(render(&state, &user, &m, &project, grant, &entry).await?)
}

/// A point's rate or proportion in display units (3 falls in 830 bed days per 1,000: 3.614).
fn rate(m: &Measure, p: &DataPoint) -> Option<f64> {
    match (p.value, p.denominator) {
        (Some(v), Some(d)) if d > 0.0 => Some(m.chart.to_display(v / d)),
        _ => None,
    }
}

fn sentence(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// "Line 3, date: …" for a problem, or just the message when it is not about one line.
fn problem_text(p: &RowProblem) -> String {
    sentence(&p.to_string())
}

/// The error summary's line for the problems of a paste or file, which are listed in full
/// next to the field: the problem when there is one, else how many.
fn summary_text(problems: &[RowProblem], what: &str) -> String {
    match problems {
        [one] => problem_text(one),
        many => format!("{} problems with the {what}; nothing was saved", many.len()),
    }
}

/// A list of problems next to a field, linked to it by `aria-describedby`.
fn problem_list(id: &str, problems: &[RowProblem]) -> Markup {
    html! {
        div class="error-message" id={ (id) "-error" } {
            span class="visually-hidden" { "Error: " }
            @if problems.len() == 1 {
                (problem_text(&problems[0]))
            } @else {
                (problems.len()) " problems; nothing was saved:"
                ul class="error-list" {
                    @for p in problems.iter().take(MAX_LISTED_PROBLEMS) { li { (problem_text(p)) } }
                    @if problems.len() > MAX_LISTED_PROBLEMS {
                        li { "and " (problems.len() - MAX_LISTED_PROBLEMS) " more problems" }
                    }
                }
            }
        }
    }
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    m: &Measure,
    project: &Project,
    grant: Grant,
    entry: &Entry,
) -> Result<Markup, PageError> {
    let data = state.store.data(m.id).await?;
    let revisions = state.store.data_revisions(m.id).await?;
    let edit = grant.may(Action::EnterData);
    let remove = grant.may(Action::DeleteData);
    let has_errors = !entry.row_errors.is_empty()
        || !entry.paste_problems.is_empty()
        || !entry.upload_problems.is_empty();
    let needs_den = m.chart.chart.needs_denominator();
    let den_label = match (needs_den, m.denominator_label.is_empty()) {
        (true, true) => "Denominator".to_owned(),
        (true, false) => format!("Denominator: {}", m.denominator_label),
        (false, true) => "Denominator (optional)".to_owned(),
        (false, false) => format!("Denominator: {} (optional)", m.denominator_label),
    };
    let den_hint = if m.chart.multiplier.get() > 1 && needs_den {
        format!(
            "The raw number, not in thousands: the chart shows the rate {}",
            m.chart.display_suffix().trim()
        )
    } else {
        "A whole number of cases, days or doses".to_owned()
    };
    let body = html! {
        a class="back-link" href={ "/measures/" (m.id) } { "Back to the chart" }
        span class="caption" { (project.title) }
        h1 { "Data for " (m.name) }
        @if let Some((n, replaced)) = entry.saved {
            div class="success-callout" role="status" {
                p {
                    strong { (n) " point" @if n != 1 { "s" } " saved" }
                    @if replaced > 0 { " (" (replaced) " replaced)" }
                    ". "
                    a href={ "/measures/" (m.id) } { "See the chart" }
                }
            }
        }
        @if let Some(d) = entry.removed {
            div class="success-callout" role="status" {
                p {
                    strong { "The point of " (uk_date(d)) " was removed" }
                    ". Its value is kept under "
                    a href="#revisions" { "Replaced and removed values" }
                    ", where you can put it back."
                }
            }
        }
        @if let Some(d) = entry.restored {
            div class="success-callout" role="status" {
                p {
                    strong { "The value of " (uk_date(d)) " was put back" }
                    ". The "
                    a href={ "/projects/" (project.id) "/history" } { "project's history" }
                    " records it."
                }
            }
        }
        @if has_errors {
            div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
                h2 class="error-summary__title" id="error-summary-title" { "There is a problem" }
                ul class="error-summary__list" {
                    @for field in ["date", "value", "denominator"] {
                        @if let Some(message) = entry.row_errors.get(field) {
                            li { a href={ "#" (field) } { (message) } }
                        }
                    }
                    @if !entry.paste_problems.is_empty() {
                        li { a href="#pasted" { (summary_text(&entry.paste_problems, "pasted rows")) } }
                    }
                    @if !entry.upload_problems.is_empty() {
                        li { a href="#file" { (summary_text(&entry.upload_problems, "file")) } }
                    }
                }
            }
        }
        @if edit {
            p { "Enter one point, paste many from a spreadsheet, or upload a file. Nothing is saved unless every row is right; a date that is already there is replaced." }
            h2 { "Add one point" }
            form method="post" action={ "/measures/" (m.id) "/data/row" } novalidate {
                (csrf_field(user))
                (form::text_input("date", "Date", &entry.row.date,
                    Some("For example, 2024-03-01, 01/03/2024 or Mar 2024"), &entry.row_errors))
                (form::text_input("value", if needs_den { "Value (numerator)" } else { "Value" },
                    &entry.row.value, Some("A number, or NA for a missing value"), &entry.row_errors))
                (form::text_input("denominator",
                    &den_label,
                    &entry.row.denominator, Some(&den_hint), &entry.row_errors))
                button type="submit" class="button" { "Add point" }
            }
            h2 { "Paste from a spreadsheet" }
            form method="post" action={ "/measures/" (m.id) "/data/paste" } novalidate {
                (csrf_field(user))
                @let bad = !entry.paste_problems.is_empty();
                div class={ "form-group" @if bad { " form-group--error" } } {
                    label class="label" for="pasted" { "Rows to paste" }
                    div class="hint" id="pasted-hint" {
                        "Copy two or three columns – date, value and, for rates and proportions, denominator – and paste them here. A header row is fine."
                    }
                    @if bad { (problem_list("pasted", &entry.paste_problems)) }
                    textarea class={ "textarea" @if bad { " textarea--error" } } id="pasted" name="pasted" rows="12"
                        aria-invalid=[bad.then_some("true")]
                        aria-describedby={ "pasted-hint" @if bad { " pasted-error" } } {
                        (entry.pasted)
                    }
                }
                button type="submit" class="button" { "Save pasted rows" }
            }
            h2 { "Upload a file" }
            form method="post" action={ "/measures/" (m.id) "/data/upload" } enctype="multipart/form-data" novalidate {
                (csrf_field(user))
                @let bad = !entry.upload_problems.is_empty();
                div class={ "form-group" @if bad { " form-group--error" } } {
                    label class="label" for="file" { "CSV or Excel file (up to 5 MB)" }
                    div class="hint" id="file-hint" {
                        "Columns named date (or period, month, week) and value (or count, numerator), and optionally denominator; otherwise the first two or three columns are used."
                    }
                    @if bad { (problem_list("file", &entry.upload_problems)) }
                    input class="file-upload" type="file" id="file" name="file"
                        accept=".csv,.tsv,.txt,.xlsx,.xlsm,.xlsb,.xls,.ods"
                        aria-invalid=[bad.then_some("true")]
                        aria-describedby={ "file-hint" @if bad { " file-error" } };
                }
                button type="submit" class="button" { "Upload and save" }
            }
        }
        h2 { "Saved data" }
        @if data.is_empty() {
            p { "No data yet." }
        } @else {
            table class="table" {
                caption { (data.len()) " points of " (m.name) }
                thead { tr {
                    th scope="col" { "Date" }
                    th scope="col" { "Value" }
                    th scope="col" { "Denominator" @if !m.denominator_label.is_empty() { " (" (m.denominator_label) ")" } }
                    @if m.chart.multiplier.get() > 1 && needs_den {
                        th scope="col" { @if m.chart.shows_percent() { "Percentage" } @else { "Rate" (m.chart.display_suffix()) } }
                    }
                    @if remove { th scope="col" { span class="visually-hidden" { "Remove" } } }
                } }
                tbody {
                    @for p in &data {
                        tr {
                            th scope="row" { (uk_date(p.date)) }
                            td { (p.value.map(num).unwrap_or_else(|| "missing".into())) }
                            td { (p.denominator.map(num).unwrap_or_default()) }
                            @if m.chart.multiplier.get() > 1 && needs_den {
                                td { (rate(m, p).map(|r| shown(&m.chart, r)).unwrap_or_default()) }
                            }
                            @if remove {
                                td {
                                    form class="table__form" method="post" action={ "/measures/" (m.id) "/data/remove" } {
                                        (csrf_field(user))
                                        input type="hidden" name="date" value=(p.date.format("%F"));
                                        button type="submit" class="button button--link" {
                                            "Remove" span class="visually-hidden" { " the point of " (uk_date(p.date)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 id="revisions" { "Replaced and removed values" }
        @if revisions.is_empty() {
            p { "None: no upload has replaced a value and no point has been removed." }
        } @else {
            p { "Values that an upload replaced or that someone removed, newest first. Putting one back writes it on its date again; a value there now is kept here in turn." }
            div class="table-wrap" {
                table class="table" {
                    caption class="visually-hidden" { "Replaced and removed values of " (m.name) }
                    thead { tr {
                        th scope="col" { "Date" }
                        th scope="col" { "Old value" }
                        th scope="col" { "Old denominator" }
                        th scope="col" { "What happened" }
                        @if edit { th scope="col" { span class="visually-hidden" { "Put back" } } }
                    } }
                    tbody {
                        @for r in &revisions {
                            tr {
                                th scope="row" { (uk_date(r.old.date)) }
                                td { (r.old.value.map(num).unwrap_or_else(|| "missing".into())) }
                                td { (r.old.denominator.map(num).unwrap_or_default()) }
                                td {
                                    (match r.kind {
                                        RevisionKind::Replaced => "Replaced",
                                        RevisionKind::Removed => "Removed",
                                    })
                                    " by " (r.who) " on " (r.at.format("%-d %b %Y at %H:%M"))
                                }
                                @if edit {
                                    td {
                                        form class="table__form" method="post"
                                            action={ "/measures/" (m.id) "/data/revisions/" (r.id) "/restore" } {
                                            (csrf_field(user))
                                            button type="submit" class="button button--link" {
                                                "Put back"
                                                span class="visually-hidden" {
                                                    " the value " (r.old.value.map(num).unwrap_or_else(|| "missing".into()))
                                                    " of " (uk_date(r.old.date))
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let title = format!(
        "{}Data for {}",
        if has_errors { "Error: " } else { "" },
        m.name
    );
    Ok(layout::page(&title, Some(user), body))
}
