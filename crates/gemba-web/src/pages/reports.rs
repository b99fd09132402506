//! Saved board reports: their settings, the owners' narratives for a period, the live report
//! (page and PDF), publishing a period and the published copies, kept as the board saw them.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use gemba_domain::{
    create_report, delete_report, may_write_narrative, saved_report, update_report,
    write_narrative, Action, BoardError, Cadence, MeasureId, NarrativeDraft, OrgId, ReportDraft,
    ReportId, ReportPeriod, Resource, SavedReport, Version,
};
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;

use super::board::{
    board_error, file_part, html_response, org_of, pdf_download, pdf_response, report_period,
};
use super::conflict;
use super::error::PageError;
use super::form::{self, FieldErrors};
use super::layout::{self, csrf_field};
use super::session::{see_other, CurrentUser};
use super::today;
use crate::board_report::{board_report, latest_period, publish, PublishError, ReportSpec};
use crate::pages::Path;
use crate::AppState;

page_routes! {
    get "/orgs/{org}/reports" => list, Do(Action::Read);
    post "/orgs/{org}/reports" => create, Do(Action::ManageBoard);
    get "/reports/{id}" => show, Do(Action::Read);
    post "/reports/{id}" => update, Do(Action::ManageBoard);
    post "/reports/{id}/delete" => delete, Do(Action::ManageBoard);
    get "/reports/{id}/view" => view, Do(Action::Read);
    get "/reports/{id}/report.pdf" => view_pdf, Do(Action::Read);
    post "/reports/{id}/publish" => publish_period, Do(Action::ManageBoard);
    get "/reports/{id}/published/{period}" => published, Do(Action::Read);
    get "/reports/{id}/published/{period}/report.pdf" => published_pdf, Do(Action::Read);
    get "/measures/{id}/narratives/{period}" => narrative_form, Do(Action::WriteNarrative);
    post "/measures/{id}/narratives/{period}" => save_narrative, Do(Action::WriteNarrative);
}

/// The saved report of the path, for `action`, with whether the user may manage it.
async fn report_of(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    action: Action,
) -> Result<(SavedReport, bool), PageError> {
    let id = id
        .parse::<i64>()
        .map(ReportId)
        .map_err(|_| PageError::NotFound)?;
    let access = user.access(state);
    let grant = access.resource(Resource::Report(id), action).await?.grant();
    let report = saved_report(&access, id, action)
        .await
        .map_err(board_error)?;
    Ok((report, grant.may(Action::ManageBoard)))
}

#[derive(Debug, Default, Deserialize)]
struct PeriodQuery {
    #[serde(default)]
    period: String,
}

// ---- the list ---------------------------------------------------------------------------------

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let (org, grant) = org_of(&state, &user, &org, Action::Read)?;
    render_list(
        &state,
        &user,
        org,
        grant.may(Action::ManageBoard),
        &ReportForm::default(),
        &FieldErrors::new(),
    )
    .await
}

async fn render_list(
    state: &AppState,
    user: &CurrentUser,
    org: OrgId,
    manage: bool,
    typed: &ReportForm,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let store = state.store.as_ref();
    let name = store
        .org(org)
        .await?
        .map(|o| o.name)
        .ok_or(PageError::NotFound)?;
    let reports = store.saved_reports(org).await?;
    let mut latest = Vec::with_capacity(reports.len());
    for r in &reports {
        latest.push(store.publications(r.id).await?.into_iter().next());
    }
    let body = html! {
        span class="caption" { (name) }
        h1 { "Board reports" }
        p {
            "Saved reports of the board measures: each with its own title, sections and cadence. "
            "Owners write a narrative for each measure and period; publishing a period keeps that "
            "report exactly as the board saw it."
        }
        @if reports.is_empty() {
            p class="hint" { "No saved reports yet." }
        } @else {
            div class="table-scroll" role="region" aria-label="Saved reports" tabindex="0" {
                table class="table" {
                    caption class="visually-hidden" { "Saved reports" }
                    thead { tr { th scope="col" { "Report" } th scope="col" { "How often" } th scope="col" { "Latest published" } } }
                    tbody {
                        @for (r, p) in reports.iter().zip(&latest) {
                            tr {
                                td { a href={ "/reports/" (r.id) } { (r.settings.title) } }
                                td { (r.settings.cadence.label()) }
                                td { @match p { Some(p) => (p.label), None => "Not yet published" } }
                            }
                        }
                    }
                }
            }
        }
        @if manage {
            h2 id="new" { "Save a new report" }
            (form::error_summary_ordered(errors, &["title", "cadence"]))
            form method="post" action={ "/orgs/" (org) "/reports" } novalidate {
                (csrf_field(user))
                (form::text_input("title", "Title", &typed.title, Some("Like “Integrated quality and performance report”."), errors))
                (cadence_select(&typed.cadence, errors))
                button type="submit" class="button" { "Save the report" }
            }
        }
        p { a href={ "/orgs/" (org) "/board" } { "Back to the board measures" } }
    };
    let title = if errors.is_empty() {
        "Board reports"
    } else {
        "Error: Board reports"
    };
    Ok(layout::page(title, Some(user), body))
}

fn cadence_select(selected: &str, errors: &FieldErrors) -> Markup {
    let options: Vec<(&str, &str)> = Cadence::ALL.iter().map(|c| (c.name(), c.label())).collect();
    form::select_with_hint(
        "cadence",
        "How often",
        &options,
        if selected.is_empty() { "month" } else { selected },
        Some("A monthly report shows the data to the end of a month; a quarterly one to the end of a calendar quarter."),
        errors,
    )
}

/// A saved report's settings as the forms send them.
#[derive(Debug, Default, Deserialize)]
struct ReportForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    cadence: String,
    /// One section per line; absent on the create form.
    sections: Option<String>,
    #[serde(default)]
    concern_first: String,
    #[serde(default)]
    version: String,
}

impl ReportForm {
    fn draft(&self, with_settings: bool) -> ReportDraft {
        ReportDraft {
            title: Some(self.title.clone()),
            cadence: Some(if self.cadence.is_empty() {
                "month".into()
            } else {
                self.cadence.clone()
            }),
            sections: self
                .sections
                .as_ref()
                .map(|s| s.lines().map(str::to_owned).collect()),
            concern_first: with_settings.then_some(self.concern_first == "yes"),
        }
    }
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    Form(f): Form<ReportForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (org, _) = org_of(&state, &user, &org, Action::ManageBoard)?;
    match create_report(&user.access(&state), org, &f.draft(false)).await {
        Ok(id) => Ok(see_other(&format!("/reports/{id}"))),
        Err(BoardError::Invalid(problems)) => {
            let errors = FieldErrors::from(problems);
            let page = render_list(&state, &user, org, true, &f, &errors).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(board_error(e)),
    }
}

// ---- one report -------------------------------------------------------------------------------

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Markup, PageError> {
    let (report, manage) = report_of(&state, &user, &id, Action::Read).await?;
    let period = period_of(&state, &report, &q.period).await?;
    render_report(&state, &user, &report, manage, period, None, None).await
}

/// The period asked for (400 unless it is one of the report's cadence), else the latest with
/// data.
async fn period_of(
    state: &AppState,
    report: &SavedReport,
    asked: &str,
) -> Result<ReportPeriod, PageError> {
    match report_period(asked)? {
        Some(p) => {
            gemba_domain::check_period(report, p).map_err(board_error)?;
            Ok(p)
        }
        None => Ok(latest_period(state.store.as_ref(), report, today()).await?),
    }
}

/// The settings form's values and errors, when a save came back.
struct Typed<'a> {
    form: &'a ReportForm,
    errors: FieldErrors,
    conflict: Option<Markup>,
}

async fn render_report(
    state: &AppState,
    user: &CurrentUser,
    report: &SavedReport,
    manage: bool,
    period: ReportPeriod,
    typed: Option<Typed<'_>>,
    publish_error: Option<&str>,
) -> Result<Markup, PageError> {
    let store = state.store.as_ref();
    let org_name = store
        .org(report.org)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let org_sections = store.report_sections(report.org).await?;
    let sections = report.settings.sections_of(&org_sections);
    let board: Vec<_> = store
        .board_measures(report.org)
        .await?
        .into_iter()
        .filter(|b| sections.contains(&b.section))
        .collect();
    let narratives = store.narratives(report.org, &period.code()).await?;
    let access = user.access(state);
    let mut may_write = Vec::with_capacity(board.len());
    for b in &board {
        may_write.push(may_write_narrative(&access, b.measure.id).await?);
    }
    let publications = store.publications(report.id).await?;
    let published_now = publications.iter().any(|p| p.period == period.code());
    let id = report.id;
    let code = period.code();
    let label = period.label();
    let s = &report.settings;
    let (form_title, form_cadence, form_sections, form_concern, errors, conflict_notice) =
        match &typed {
            Some(t) => (
                t.form.title.clone(),
                t.form.cadence.clone(),
                t.form.sections.clone().unwrap_or_default(),
                t.form.concern_first == "yes",
                &t.errors,
                t.conflict.clone(),
            ),
            None => (
                s.title.clone(),
                s.cadence.name().to_owned(),
                s.sections.join("\n"),
                s.concern_first,
                &FieldErrors::new(),
                None,
            ),
        };
    let period_hint = match s.cadence {
        Cadence::Month => "A month, like 2026-11.",
        Cadence::Quarter => "A quarter, like 2026-Q3 (July to September).",
    };
    let body = html! {
        span class="caption" { (org_name) }
        h1 { (s.title) }
        p {
            (s.cadence.label()) " report · "
            "Sections: " (sections.join(", "))
            @if s.concern_first { " · concern and failing measures first" }
        }
        h2 id="period" { "Period" }
        form method="get" action={ "/reports/" (id) } class="inline-form" {
            (form::text_input("period", "Reporting period", &code, Some(period_hint), &FieldErrors::new()))
            button type="submit" class="button button--secondary" { "Choose the period" }
        }
        p {
            a class="button" href={ "/reports/" (id) "/view?period=" (code) } { "Open the report for " (label) }
            " "
            a class="button button--secondary" href={ "/reports/" (id) "/report.pdf?period=" (code) } { "Download the PDF for " (label) }
        }
        h2 id="narratives" { "Narratives for " (label) }
        @if board.is_empty() {
            p class="hint" { "No board measures in this report's sections yet." }
        } @else {
            div class="table-scroll" role="region" aria-label="Narratives" tabindex="0" {
                table class="table" {
                    caption class="visually-hidden" { "Narratives for " (label) }
                    thead { tr {
                        th scope="col" { "Measure" } th scope="col" { "Section" }
                        th scope="col" { "Executive owner" } th scope="col" { "Narrative" }
                    } }
                    tbody {
                        @for (b, may) in board.iter().zip(&may_write) {
                            @let written = narratives.iter().find(|n| n.measure == b.measure.id);
                            tr {
                                td { a href={ "/measures/" (b.measure.id) } { (b.measure.name) } }
                                td { (b.section) }
                                td { (b.owner.as_ref().map_or("Not named", |o| o.name.as_str())) }
                                td {
                                    @match written {
                                        Some(n) => {
                                            "Written"
                                            @if let Some(a) = &n.author { " by " (a.name) }
                                            " on " (n.updated_at.format("%-d %B %Y"))
                                        }
                                        None => "Not written",
                                    }
                                    @if *may {
                                        " · "
                                        a href={ "/measures/" (b.measure.id) "/narratives/" (code) } {
                                            @if written.is_some() { "Change" } @else { "Write" }
                                            span class="visually-hidden" { " the narrative for " (b.measure.name) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 id="published" { "Published reports" }
        @if publications.is_empty() {
            p class="hint" { "No period has been published yet." }
        } @else {
            div class="table-scroll" role="region" aria-label="Published reports" tabindex="0" {
                table class="table" {
                    caption class="visually-hidden" { "Published reports" }
                    thead { tr { th scope="col" { "Period" } th scope="col" { "Published" } th scope="col" { "Copies" } } }
                    tbody {
                        @for p in &publications {
                            tr {
                                td { (p.label) }
                                td {
                                    (p.published_at.format("%-d %B %Y"))
                                    @if let Some(by) = &p.published_by { " by " (by.name) }
                                }
                                td {
                                    a href={ "/reports/" (id) "/published/" (p.period) } { "Read" span class="visually-hidden" { " the report for " (p.label) } }
                                    " · "
                                    a href={ "/reports/" (id) "/published/" (p.period) "/report.pdf" } { "PDF" span class="visually-hidden" { " of the report for " (p.label) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if manage {
            h2 id="publish" { "Publish " (label) }
            @if let Some(e) = publish_error {
                div class="error-summary" role="alert" tabindex="-1" aria-labelledby="publish-error-title" {
                    h3 class="error-summary__title" id="publish-error-title" { "There is a problem" }
                    p { (e) }
                }
            }
            @if published_now {
                p { (label) " is published. A published report is kept exactly as the board saw it; later corrections to the data show in the live report only." }
            } @else {
                p {
                    "Publishing keeps the report for " (label) " exactly as it is now — its data, limits, icons and narratives — "
                    "and shows what changed since the previous published period. It cannot be changed afterwards."
                }
                form method="post" action={ "/reports/" (id) "/publish" } {
                    (csrf_field(user))
                    input type="hidden" name="report_period" value=(code);
                    button type="submit" class="button" { "Publish the report for " (label) }
                }
            }
            h2 id="settings" { "Settings" }
            @if let Some(n) = conflict_notice { (n) }
            (form::error_summary_ordered(errors, &["title", "cadence", "sections"]))
            form method="post" action={ "/reports/" (id) } novalidate {
                (csrf_field(user))
                (conflict::version_field(report.version))
                (form::text_input("title", "Title", &form_title, None, errors))
                (cadence_select(&form_cadence, errors))
                (form::textarea("sections", "Sections, one per line, in order", &form_sections,
                    Some(&format!("Leave empty for every section of the board report: {}.", org_sections.join(", "))), errors))
                div class="checkboxes" {
                    div class="checkbox" {
                        input class="checkbox__input" type="checkbox" id="concern_first" name="concern_first" value="yes" checked[form_concern];
                        label class="label checkbox__label" for="concern_first" { "Concern and failing measures first in each section" }
                    }
                }
                button type="submit" class="button" { "Save settings" }
            }
            @if publications.is_empty() {
                form method="post" action={ "/reports/" (id) "/delete" } {
                    (csrf_field(user))
                    button type="submit" class="button button--warning" { "Delete this report" }
                }
            }
        }
        p { a href={ "/orgs/" (report.org) "/reports" } { "All board reports" } }
    };
    let title = if errors.is_empty() && publish_error.is_none() {
        s.title.clone()
    } else {
        format!("Error: {}", s.title)
    };
    Ok(layout::page(&title, Some(user), body))
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ReportForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (report, manage) = report_of(&state, &user, &id, Action::ManageBoard).await?;
    let expected = conflict::parse(&f.version).unwrap_or(Version(0));
    let typed = |errors: FieldErrors, conflict: Option<Markup>| Typed {
        form: &f,
        errors,
        conflict,
    };
    let result = update_report(&user.access(&state), report.id, &f.draft(true), expected).await;
    if result.is_ok() {
        return Ok(see_other(&format!("/reports/{}#settings", report.id)));
    }
    // The form comes back on the page of the latest period.
    let period = latest_period(state.store.as_ref(), &report, today()).await?;
    match result {
        Ok(_) => Ok(see_other(&format!("/reports/{}#settings", report.id))),
        Err(BoardError::Refused(why)) => {
            let mut errors = FieldErrors::new();
            errors.insert("cadence", super::error::sentence(&why));
            let page = render_report(
                &state,
                &user,
                &report,
                manage,
                period,
                Some(typed(errors, None)),
                None,
            )
            .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(BoardError::Invalid(problems)) => {
            let page = render_report(
                &state,
                &user,
                &report,
                manage,
                period,
                Some(typed(problems.into(), None)),
                None,
            )
            .await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(BoardError::Access(gemba_domain::AccessError::Store(
            gemba_domain::StoreError::Stale(_),
        ))) => {
            // Someone else saved in between: show theirs beside what was typed.
            let s = &report.settings;
            let theirs: Vec<conflict::Shown> = vec![
                ("Title", s.title.clone()),
                ("How often", s.cadence.label().to_owned()),
                ("Sections", s.sections.join(", ")),
            ];
            let yours: Vec<conflict::Shown> = vec![
                ("Title", f.title.clone()),
                (
                    "How often",
                    Cadence::parse(&f.cadence).map_or(f.cadence.clone(), |c| c.label().to_owned()),
                ),
                (
                    "Sections",
                    f.sections
                        .clone()
                        .unwrap_or_default()
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ];
            let notice = conflict::notice("report", &theirs, &yours);
            let page = render_report(
                &state,
                &user,
                &report,
                manage,
                period,
                Some(typed(FieldErrors::new(), Some(notice))),
                None,
            )
            .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(board_error(e)),
    }
}

async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<super::projects::CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (report, _) = report_of(&state, &user, &id, Action::ManageBoard).await?;
    delete_report(&user.access(&state), report.id, None)
        .await
        .map_err(board_error)?;
    Ok(see_other(&format!("/orgs/{}/reports", report.org)))
}

/// The live report of a saved report for the period asked (by default the latest).
async fn live(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    q: &PeriodQuery,
) -> Result<gemba_report::Report, PageError> {
    let (report, _) = report_of(state, user, id, Action::Read).await?;
    let store = state.store.as_ref();
    let period = period_of(state, &report, &q.period).await?;
    let org_sections = store.report_sections(report.org).await?;
    let spec = ReportSpec::of(&report, &org_sections, Some(period));
    let (mut out, _) = board_report(store, report.org, &spec, today()).await?;
    let published = store
        .publications(report.id)
        .await?
        .into_iter()
        .any(|p| p.period == period.code());
    out.status = Some(if published {
        format!(
            "Live: the data as they are now. The report the board saw for {} is kept as published.",
            period.label()
        )
    } else {
        "Draft: not yet published".to_owned()
    });
    Ok(out)
}

async fn view(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    html_response(live(&state, &user, &id, &q).await?).await
}

async fn view_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    pdf_response(live(&state, &user, &id, &q).await?).await
}

#[derive(Debug, Default, Deserialize)]
struct PublishForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    report_period: String,
}

async fn publish_period(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<PublishForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (report, manage) = report_of(&state, &user, &id, Action::ManageBoard).await?;
    let Some(period) = report_period(&f.report_period)? else {
        return Err(PageError::BadRequest(
            "Choose the period to publish.".into(),
        ));
    };
    let access = user.access(&state);
    match publish(
        state.store.as_ref(),
        &access,
        report.id,
        period,
        today(),
        &user.user.name,
    )
    .await
    {
        Ok(()) => Ok(see_other(&format!(
            "/reports/{}/published/{}",
            report.id,
            period.code()
        ))),
        Err(PublishError::Board(BoardError::Refused(why))) => {
            let page = render_report(
                &state,
                &user,
                &report,
                manage,
                period,
                None,
                Some(&super::error::sentence(&why)),
            )
            .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(PublishError::Board(e)) => Err(board_error(e)),
        Err(PublishError::Render(e)) => Err(PageError::Internal(e)),
    }
}

/// A published copy of the report of the path, 404 when that period was not published.
async fn copy_of(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    period: &str,
) -> Result<(gemba_domain::Publication, gemba_domain::PublishedCopy), PageError> {
    let (report, _) = report_of(state, user, id, Action::Read).await?;
    let period = ReportPeriod::parse(period).ok_or(PageError::NotFound)?;
    state
        .store
        .published_report(report.id, &period.code())
        .await?
        .ok_or(PageError::NotFound)
}

async fn published(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, period)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (_, copy) = copy_of(&state, &user, &id, &period).await?;
    Ok(PreEscaped(copy.html).into_response())
}

async fn published_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, period)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (publication, copy) = copy_of(&state, &user, &id, &period).await?;
    let file = format!(
        "board-report-{}-published.pdf",
        file_part(&publication.label)
    );
    Ok(pdf_download(&file, copy.pdf))
}

// ---- narratives -------------------------------------------------------------------------------

/// The measure and period of a narrative's path, if the user may write it (404 for a period
/// that is not one).
async fn narrative_target(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    period: &str,
) -> Result<(gemba_domain::Measure, ReportPeriod), PageError> {
    let id = id
        .parse::<i64>()
        .map(MeasureId)
        .map_err(|_| PageError::NotFound)?;
    let access = user.access(state);
    let (measure, _) = access.measure(id, Action::Read).await?.into_parts().0;
    if !may_write_narrative(&access, id).await? {
        return Err(gemba_domain::AccessError::Denied(Action::WriteNarrative).into());
    }
    let period = ReportPeriod::parse(period).ok_or(PageError::NotFound)?;
    Ok((measure, period))
}

#[derive(Debug, Default, Deserialize)]
struct NarrativeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    shows: String,
    #[serde(default)]
    why: String,
    #[serde(default)]
    actions: String,
    #[serde(default)]
    version: String,
}

#[derive(Debug, Default, Deserialize)]
struct SavedQuery {
    #[serde(default)]
    saved: String,
}

async fn narrative_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, period)): Path<(String, String)>,
    Query(q): Query<SavedQuery>,
) -> Result<Markup, PageError> {
    let (measure, period) = narrative_target(&state, &user, &id, &period).await?;
    let current = state.store.narrative(measure.id, &period.code()).await?;
    let typed = NarrativeForm {
        shows: current
            .as_ref()
            .map(|n| n.text.shows.clone())
            .unwrap_or_default(),
        why: current
            .as_ref()
            .map(|n| n.text.why.clone())
            .unwrap_or_default(),
        actions: current
            .as_ref()
            .map(|n| n.text.actions.clone())
            .unwrap_or_default(),
        ..NarrativeForm::default()
    };
    let saved = (q.saved == "1").then(|| {
        html! {
            div class="notice" role="status" {
                p { "The narrative is saved. It shows in the report for " (period.label()) "." }
            }
        }
    });
    Ok(render_narrative(
        &user,
        &measure,
        period,
        current.map(|n| n.version),
        &typed,
        &FieldErrors::new(),
        saved,
    ))
}

fn render_narrative(
    user: &CurrentUser,
    measure: &gemba_domain::Measure,
    period: ReportPeriod,
    version: Option<Version>,
    typed: &NarrativeForm,
    errors: &FieldErrors,
    conflict_notice: Option<Markup>,
) -> Markup {
    let label = period.label();
    let body = html! {
        span class="caption" { (measure.name) }
        h1 { "Narrative for " (label) }
        p {
            "What the board reads beside this measure's chart in the report for " (label) ". "
            a href={ "/measures/" (measure.id) } { "See the measure and its chart" } "."
        }
        @if let Some(n) = conflict_notice { (n) }
        (form::error_summary_ordered(errors, &["shows", "why", "actions"]))
        form method="post" action={ "/measures/" (measure.id) "/narratives/" (period.code()) } novalidate {
            (csrf_field(user))
            @if let Some(v) = version { (conflict::version_field(v)) }
            (form::textarea("shows", "What the chart shows", &typed.shows, Some("The variation and assurance in plain words: is anything changing, and will the target be met?"), errors))
            (form::textarea("why", "Why", &typed.why, Some("What explains it, as far as is known."), errors))
            (form::textarea("actions", "Actions and by when", &typed.actions, Some("What is being done, by whom and by when."), errors))
            button type="submit" class="button" { "Save the narrative" }
        }
    };
    let title = if errors.is_empty() {
        format!("Narrative for {label}")
    } else {
        format!("Error: Narrative for {label}")
    };
    layout::page(&title, Some(user), body)
}

async fn save_narrative(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, period)): Path<(String, String)>,
    Form(f): Form<NarrativeForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (measure, period) = narrative_target(&state, &user, &id, &period).await?;
    let expected = match f.version.trim() {
        "" => None,
        v => Some(conflict::parse(v).unwrap_or(Version(0))),
    };
    let draft = NarrativeDraft {
        shows: Some(f.shows.clone()),
        why: Some(f.why.clone()),
        actions: Some(f.actions.clone()),
    };
    let access = user.access(&state);
    match write_narrative(&access, measure.id, period, &draft, expected).await {
        Ok(_) => Ok(see_other(&format!(
            "/measures/{}/narratives/{}?saved=1",
            measure.id,
            period.code()
        ))),
        Err(BoardError::Invalid(problems)) => {
            let page = render_narrative(
                &user,
                &measure,
                period,
                expected,
                &f,
                &problems.into(),
                None,
            );
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(BoardError::Access(gemba_domain::AccessError::Store(
            gemba_domain::StoreError::Stale(_),
        ))) => {
            let current = state.store.narrative(measure.id, &period.code()).await?;
            let text = current.as_ref().map(|n| n.text.clone()).unwrap_or_default();
            let theirs: Vec<conflict::Shown> = vec![
                ("What the chart shows", text.shows),
                ("Why", text.why),
                ("Actions and by when", text.actions),
            ];
            let yours: Vec<conflict::Shown> = vec![
                ("What the chart shows", f.shows.clone()),
                ("Why", f.why.clone()),
                ("Actions and by when", f.actions.clone()),
            ];
            let notice = conflict::notice("narrative", &theirs, &yours);
            let page = render_narrative(
                &user,
                &measure,
                period,
                current.map(|n| n.version),
                &f,
                &FieldErrors::new(),
                Some(notice),
            );
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(board_error(e)),
    }
}
