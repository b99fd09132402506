//! Measures: create and edit, the chart page with its settings, and data entry (`data`).

pub(crate) mod data;

use crate::pages::Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::NaiveDate;
use gemba_chart::{Place, SeriesView};
use gemba_domain::{
    grouped, measure_chart, parse_date, Action, ChartSettings, Field, FieldProblem, Grant, Measure,
    MeasureDraft, MeasureFields, MeasureId, MeasureType, Period, Position, Problem, Project,
    ProjectId, Rebase, RebaseDraft, Resource, StoreError, Version, AUTOMATIC_MULTIPLIER,
    MEASURE_CHARTS,
};
use gemba_spc::{ChartResult, ChartType, PointVariation};
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;

use super::confirm;
use super::conflict;
use super::error::PageError;
use super::form::{self, FieldErrors};
use super::layout::{self, csrf_field};
use super::load_project;
use super::projects::{CsrfForm, DeleteForm};
use super::session::{see_other, CurrentUser};
use crate::AppState;

page_routes! {
    get "/projects/{id}/measures/new" => new_page, Do(Action::DefineMeasure);
    post "/projects/{id}/measures/new" => create, Do(Action::DefineMeasure);
    get "/measures/{id}" => show, Do(Action::Read);
    post "/measures/{id}/settings" => settings, Do(Action::DefineMeasure);
    get "/measures/{id}/edit" => edit_page, Do(Action::DefineMeasure);
    post "/measures/{id}/edit" => update, Do(Action::DefineMeasure);
    post "/measures/{id}/delete" => delete, Do(Action::Delete);
    post "/measures/{id}/restore" => restore, Do(Action::Restore);
}

/// The measure `id`, for `action`, with its project and what the user may do there
/// ([`gemba_domain::Access::measure`]); `NotFound` when it does not exist or belongs to another
/// organisation, `Denied` when the user may not take `action`.
pub(crate) async fn load_measure(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    action: Action,
) -> Result<(Measure, Project, Grant), PageError> {
    let ((measure, project), grant) = user
        .access(state)
        .measure(MeasureId(id), action)
        .await?
        .into_parts();
    Ok((measure, project, grant))
}

const DIRECTIONS: [(&str, &str); 3] = [
    ("increase", "Higher is better"),
    ("decrease", "Lower is better"),
    ("neutral", "Neither: no preferred direction"),
];

/// The domain's rule profiles ([`gemba_domain::RULE_PROFILES`]), each in words.
const RULE_PROFILES: [(&str, &str); 3] = [
    ("mdc", "Making Data Count (NHS England, NHSRplotthedots)"),
    ("powerbi", "NHS Power BI SPC visual"),
    ("qic", "qicharts2 (Anhøj runs, 3σ limits)"),
];

/// A rule profile in words, never its code.
fn profile_label(code: &str) -> &str {
    RULE_PROFILES
        .iter()
        .find(|(v, _)| *v == code)
        .map_or("custom rules", |(_, label)| label)
}

/// The periods a measure can have, for the select: ("month", "Monthly").
fn period_options() -> Vec<(&'static str, &'static str)> {
    Period::ALL.iter().map(|p| (p.name(), p.label())).collect()
}

/// The domain's chart types for a measure ([`MEASURE_CHARTS`]), each with its title.
fn chart_options() -> Vec<(&'static str, &'static str)> {
    MEASURE_CHARTS
        .iter()
        .map(|c| (c.name(), c.title()))
        .collect()
}

fn kind_label(k: MeasureType) -> &'static str {
    match k {
        MeasureType::Outcome => "Outcome measure",
        MeasureType::Process => "Process measure",
        MeasureType::Balancing => "Balancing measure",
    }
}

/// A date for people: "1 Mar 2024".
pub(crate) fn uk_date(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// A number for people: no trailing zeros, at most 4 decimals.
pub(crate) fn num(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

// --- the measure form ---------------------------------------------------------------------------

/// What the measure form posts, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct MeasureForm {
    csrf: String,
    name: String,
    kind: String,
    definition: String,
    unit: String,
    data_source: String,
    chart: String,
    improvement: String,
    target: String,
    rules: String,
    period: String,
    multiplier: String,
    denominator_label: String,
    /// The version of the measure the form was loaded with (edits only).
    version: String,
}

/// The label of `value` among `options`, or the value itself.
fn label_in(options: &[(&'static str, &'static str)], value: &str) -> String {
    options
        .iter()
        .find(|(v, _)| *v == value.trim())
        .map_or_else(|| value.to_owned(), |(_, l)| (*l).to_owned())
}

impl MeasureForm {
    /// The fields as people read them, in the form's order, for the conflict notice.
    fn shown(&self) -> Vec<conflict::Shown> {
        let kind = MeasureType::parse(&self.kind)
            .map_or_else(|| self.kind.clone(), |k| kind_label(k).to_owned());
        vec![
            ("Name", self.name.clone()),
            ("Type of measure", kind),
            ("Operational definition", self.definition.clone()),
            ("Unit", self.unit.clone()),
            ("Data source", self.data_source.clone()),
            (
                "What the denominator counts",
                self.denominator_label.clone(),
            ),
            ("Chart type", label_in(&chart_options(), &self.chart)),
            ("Show values", label_in(&MULTIPLIERS, &self.multiplier)),
            (
                "Improvement direction",
                label_in(&DIRECTIONS, &self.improvement),
            ),
            ("Target", self.target.clone()),
            ("Rule profile", label_in(&RULE_PROFILES, &self.rules)),
            (
                "Period of each point",
                label_in(&period_options(), &self.period),
            ),
        ]
    }

    fn blank() -> Self {
        MeasureForm {
            kind: "outcome".into(),
            chart: "xmr".into(),
            improvement: "increase".into(),
            rules: "mdc".into(),
            period: Period::Month.name().into(),
            multiplier: AUTOMATIC.into(),
            ..MeasureForm::default()
        }
    }

    fn of(m: &Measure) -> Self {
        MeasureForm {
            csrf: String::new(),
            name: m.name.clone(),
            kind: m.kind.name().into(),
            definition: m.definition.clone(),
            unit: m.unit.clone(),
            data_source: m.data_source.clone(),
            chart: m.chart.chart.name().into(),
            improvement: m.chart.improvement.name().into(),
            target: m.chart.target.map(num).unwrap_or_default(),
            rules: m.chart.rules.clone(),
            period: m.chart.period.name().into(),
            multiplier: m.chart.multiplier.get().to_string(),
            denominator_label: m.denominator_label.clone(),
            version: m.version.to_string(),
        }
    }

    /// The draft the form is: every field it shows; the rebases and the fixed baseline
    /// (set on the chart page) are not sent, so they are kept, and so is the period when an
    /// old page does not send one.
    fn draft(&self) -> MeasureDraft {
        let period = self.period.trim();
        MeasureDraft {
            name: Some(self.name.clone()),
            kind: Some(self.kind.clone()),
            definition: Some(self.definition.clone()),
            unit: Some(self.unit.clone()),
            data_source: Some(self.data_source.clone()),
            denominator_label: Some(self.denominator_label.clone()),
            chart: Some(self.chart.clone()),
            improvement: Some(self.improvement.clone()),
            target: Some(self.target.clone()),
            rules: Some(self.rules.clone()),
            rebase: None,
            fix_after: None,
            period: (!period.is_empty()).then(|| period.to_owned()),
            multiplier: Some(self.multiplier.clone()),
        }
    }

    /// The validated fields over the measure's `current` ones, or every error at once.
    fn fields(&self, current: Option<&Measure>) -> Result<MeasureFields, FieldErrors> {
        Ok(self.draft().apply(current.map(Measure::fields).as_ref())?)
    }
}

/// The multipliers offered, as the form posts them, with what they mean.
const MULTIPLIERS: [(&str, &str); 6] = [
    (
        AUTOMATIC,
        "Automatic: a p or p′ chart as percentages, anything else as entered",
    ),
    ("1", "As entered (no multiplier)"),
    ("100", "As a percentage (a proportion × 100), or per 100"),
    ("1000", "Per 1,000 (for example falls per 1,000 bed days)"),
    ("10000", "Per 10,000"),
    ("100000", "Per 100,000"),
];

/// The form's value for the chart's default multiplier.
const AUTOMATIC: &str = AUTOMATIC_MULTIPLIER;

const FORM_ORDER: [&str; 12] = [
    "name",
    "kind",
    "definition",
    "unit",
    "data_source",
    "denominator_label",
    "chart",
    "multiplier",
    "improvement",
    "target",
    "rules",
    "period",
];

/// The measure form posting to `action`; an edit carries the version it was loaded with.
fn measure_form(
    action: &str,
    user: &CurrentUser,
    version: Option<Version>,
    f: &MeasureForm,
    e: &FieldErrors,
) -> Markup {
    let kinds: Vec<(&str, &str)> = MeasureType::ALL
        .iter()
        .map(|k| (k.name(), kind_label(*k)))
        .collect();
    html! {
        (form::error_summary_ordered(e, &FORM_ORDER))
        form method="post" action=(action) novalidate {
            (csrf_field(user))
            @if let Some(v) = version {
                (conflict::version_field(v))
            }
            (form::text_input("name", "Name", &f.name,
                Some("For example, \"Patients seen within 4 hours\""), e))
            (form::select("kind", "Type of measure", &kinds, &f.kind, e))
            (form::textarea("definition", "Operational definition", &f.definition,
                Some("Exactly what is counted, how and when, so that anyone would count it the same way"), e))
            (form::text_input("unit", "Unit", &f.unit,
                Some("For example, %, days, or falls per 1,000 bed days"), e))
            (form::text_input("data_source", "Data source", &f.data_source,
                Some("Where the data come from"), e))
            (form::text_input("denominator_label", "What the denominator counts (for rates and proportions)", &f.denominator_label,
                Some("For example, bed days or doses due; shown next to the denominator when data are entered"), e))
            (form::select("chart", "Chart type", &chart_options(), &f.chart, e))
            (form::select("multiplier", "Show values", &MULTIPLIERS, &f.multiplier, e))
            (form::select("improvement", "Improvement direction", &DIRECTIONS, &f.improvement, e))
            (form::text_input("target", "Target (optional)", &f.target,
                Some("In the units the chart shows: a percentage from 0 to 100 for a proportion shown as a percentage, a rate per 1,000 for a rate per 1,000; leave blank for none"), e))
            (form::select("rules", "Rule profile", &RULE_PROFILES, &f.rules, e))
            (form::select_with_hint("period", "Period of each point", &period_options(), &f.period,
                Some("What one data point stands for. A PDSA cycle or a rebase dated inside a period is marked at that period's point: on a monthly measure, 2 October goes to October's point"), e))
            button type="submit" class="button" { "Save measure" }
        }
    }
}

async fn new_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    let (project, _) = load_project(&state, &user, ProjectId(id), Action::DefineMeasure).await?;
    Ok(new_measure_page(
        &user,
        &project,
        &MeasureForm::blank(),
        &FieldErrors::new(),
    ))
}

fn new_measure_page(user: &CurrentUser, p: &Project, f: &MeasureForm, e: &FieldErrors) -> Markup {
    let body = html! {
        a class="back-link" href={ "/projects/" (p.id) } { "Back to " (p.title) }
        span class="caption" { (p.title) }
        h1 { "Add a measure" }
        (measure_form(&format!("/projects/{}/measures/new", p.id), user, None, f, e))
    };
    layout::page(
        if e.is_empty() {
            "Add a measure"
        } else {
            "Error: Add a measure"
        },
        Some(user),
        body,
    )
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<MeasureForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (project, _) = load_project(&state, &user, ProjectId(id), Action::DefineMeasure).await?;
    match f.fields(None) {
        Ok(fields) => {
            let mid = state
                .store
                .create_measure(project.id, &fields, user.user.id)
                .await?;
            Ok(see_other(&format!("/measures/{mid}/data")))
        }
        Err(e) => Ok((
            StatusCode::BAD_REQUEST,
            new_measure_page(&user, &project, &f, &e),
        )
            .into_response()),
    }
}

async fn edit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    let (m, _, _) = load_measure(&state, &user, id, Action::DefineMeasure).await?;
    Ok(edit_measure_page(
        &user,
        &m,
        &MeasureForm::of(&m),
        &FieldErrors::new(),
        None,
    ))
}

/// The edit page of `m` (as stored now), filled with `f`; with a conflict notice when a save
/// was refused because someone else saved first. The form carries `f`'s version (the one it
/// was loaded with, so that fixing an invalid field never skips a conflict).
fn edit_measure_page(
    user: &CurrentUser,
    m: &Measure,
    f: &MeasureForm,
    e: &FieldErrors,
    clash: Option<Markup>,
) -> Markup {
    let title = format!(
        "{}Edit measure",
        if clash.is_some() {
            "Changed by someone else: "
        } else if e.is_empty() {
            ""
        } else {
            "Error: "
        }
    );
    let body = html! {
        a class="back-link" href={ "/measures/" (m.id) } { "Back to the chart" }
        h1 { "Edit " (m.name) }
        @if let Some(clash) = clash {
            (clash)
        }
        (measure_form(&format!("/measures/{}/edit", m.id), user, conflict::parse(&f.version), f, e))
    };
    layout::page(&title, Some(user), body)
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<MeasureForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (m, _, _) = load_measure(&state, &user, id, Action::DefineMeasure).await?;
    let fields = match f.fields(Some(&m)) {
        Ok(fields) => fields,
        Err(e) => {
            let page = edit_measure_page(&user, &m, &f, &e, None);
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let saved = match conflict::parse(&f.version) {
        Some(v) => {
            state
                .store
                .update_measure(m.id, &fields, v, user.user.id)
                .await
        }
        None => Err(StoreError::Stale(format!("the measure {}", m.id))),
    };
    match saved {
        Ok(_) => Ok(see_other(&format!("/measures/{}", m.id))),
        Err(StoreError::Stale(_)) => {
            // Someone else saved first: show theirs beside ours, keep ours in the form.
            let (now, _, _) = load_measure(&state, &user, id, Action::Read).await?;
            let clash = conflict::notice("measure", &MeasureForm::of(&now).shown(), &f.shown());
            let f = MeasureForm {
                version: now.version.to_string(),
                ..f
            };
            let page = edit_measure_page(&user, &now, &f, &FieldErrors::new(), Some(clash));
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// --- the chart page -------------------------------------------------------------------------------

/// The chart settings form, as typed.
#[derive(Debug, Clone, Default)]
struct SettingsForm {
    csrf: String,
    chart: String,
    improvement: String,
    target: String,
    rules: String,
    fix_after: String,
    add_rebase: String,
    /// Why the process changed on `add_rebase`.
    add_reason: String,
    /// The reasons of the rebases kept, by ISO date (`reason-2024-03-01`).
    reasons: Vec<(String, String)>,
    remove: Vec<String>,
    /// The version of the measure the form was loaded with.
    version: String,
}

impl SettingsForm {
    fn of(m: &Measure) -> Self {
        let c = &m.chart;
        SettingsForm {
            csrf: String::new(),
            chart: c.chart.name().into(),
            improvement: c.improvement.name().into(),
            target: c.target.map(num).unwrap_or_default(),
            rules: c.rules.clone(),
            fix_after: c.fix_after.map(|n| n.to_string()).unwrap_or_default(),
            add_rebase: String::new(),
            add_reason: String::new(),
            reasons: c
                .rebase
                .iter()
                .map(|r| (r.date.to_string(), r.reason.clone()))
                .collect(),
            remove: Vec::new(),
            version: m.version.to_string(),
        }
    }

    /// The settings as people read them, for the conflict notice (rebase changes are changes
    /// to what is stored now, so they are not compared).
    fn shown(&self) -> Vec<conflict::Shown> {
        vec![
            ("Chart type", label_in(&chart_options(), &self.chart)),
            (
                "Improvement direction",
                label_in(&DIRECTIONS, &self.improvement),
            ),
            ("Target", self.target.clone()),
            ("Rule profile", label_in(&RULE_PROFILES, &self.rules)),
            ("Baseline points", self.fix_after.clone()),
        ]
    }

    /// From the posted pairs (`remove` may repeat).
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = SettingsForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "csrf" => f.csrf = v,
                "chart" => f.chart = v,
                "improvement" => f.improvement = v,
                "target" => f.target = v,
                "rules" => f.rules = v,
                "fix_after" => f.fix_after = v,
                "add_rebase" => f.add_rebase = v,
                "add_reason" => f.add_reason = v,
                "remove" => f.remove.push(v),
                k if k.starts_with(REASON_PREFIX) => {
                    f.reasons.push((k[REASON_PREFIX.len()..].to_owned(), v));
                }
                "version" => f.version = v,
                _ => {}
            }
        }
        f
    }

    /// The reason typed for the stored rebase `r`, or its stored reason when the form did
    /// not send one (a page opened before reasons were asked for).
    fn reason_of(&self, r: &Rebase) -> String {
        let date = r.date.to_string();
        self.reasons
            .iter()
            .find(|(d, _)| *d == date)
            .map_or_else(|| r.reason.clone(), |(_, reason)| reason.clone())
    }

    /// Whether a rebase is being added.
    fn adds_rebase(&self) -> bool {
        !self.add_rebase.trim().is_empty() || !self.add_reason.trim().is_empty()
    }

    /// The rebases the form sends: those stored now less those removed, with their reasons
    /// as typed, then the one added.
    fn rebases(&self, m: &Measure) -> Vec<RebaseDraft> {
        let mut rebases: Vec<RebaseDraft> = m
            .chart
            .rebase
            .iter()
            .filter(|r| !self.remove.iter().any(|x| *x == r.date.to_string()))
            .map(|r| RebaseDraft {
                date: r.date.to_string(),
                reason: self.reason_of(r),
            })
            .collect();
        if self.adds_rebase() {
            rebases.push(RebaseDraft {
                date: self.add_rebase.clone(),
                reason: self.add_reason.clone(),
            });
        }
        rebases
    }

    /// The measure's fields with these settings, or every error at once, each next to the
    /// field it is about.
    fn apply(&self, m: &Measure) -> Result<MeasureFields, FieldErrors> {
        let rebases = self.rebases(m);
        let draft = MeasureDraft {
            chart: Some(self.chart.clone()),
            improvement: Some(self.improvement.clone()),
            target: Some(self.target.clone()),
            rules: Some(self.rules.clone()),
            fix_after: Some(self.fix_after.clone()),
            rebase: Some(rebases.clone()),
            ..MeasureDraft::default()
        };
        let added = rebases.len().checked_sub(1).filter(|_| self.adds_rebase());
        draft.apply(Some(&m.fields())).map_err(|problems| {
            let mut errors = FieldErrors::new();
            for p in problems {
                let (field, sentence) = settings_error(&p, &rebases, added);
                errors.insert(field, sentence);
            }
            errors
        })
    }
}

/// Where the chart settings form shows a draft's problem, and in what words: the problem of
/// the rebase added next to its date or reason, those of the rebases kept on their fieldset.
fn settings_error(
    p: &FieldProblem,
    rebases: &[RebaseDraft],
    added: Option<usize>,
) -> (&'static str, String) {
    let sentence = form::problem_sentence(p.field, &p.problem);
    let too_long = |max: usize| format!("must be {} characters or fewer", grouped(max as i64));
    match (p.field, p.index, &p.problem) {
        // The multiplier is set on the measure's edit form; here it is the chart type that
        // does not suit it.
        (Field::Multiplier, _, _) => ("chart", sentence),
        (Field::Rebase, Some(i), Problem::NoReason { .. }) if Some(i) == added => (
            "add_reason",
            "Enter why the process changed on that date".to_owned(),
        ),
        (Field::Rebase, Some(i), Problem::TooLong { max }) if Some(i) == added => {
            ("add_reason", format!("The reason {}", too_long(*max)))
        }
        (Field::Rebase, Some(i), _) if Some(i) == added => ("add_rebase", sentence),
        (Field::Rebase, Some(i), Problem::TooLong { max }) => {
            let on = rebases.get(i).map(|r| r.date.as_str()).unwrap_or_default();
            let on = parse_date(on).map_or_else(|| on.to_owned(), uk_date);
            (
                "rebases",
                format!("The reason for the rebase on {on} {}", too_long(*max)),
            )
        }
        (Field::Rebase, _, _) => ("rebases", sentence),
        (field, _, _) => (form::form_name(field), sentence),
    }
}

/// The name prefix of the reason fields of the rebases kept (`reason-2024-03-01`).
const REASON_PREFIX: &str = "reason-";

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    let (m, project, grant) = load_measure(&state, &user, id, Action::Read).await?;
    let f = SettingsForm::of(&m);
    let settings = Settings {
        form: &f,
        errors: &FieldErrors::new(),
        clash: None,
    };
    measure_page(&state, &user, &m, &project, grant, settings).await
}

async fn settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = SettingsForm::from_pairs(pairs);
    user.check_csrf(&f.csrf)?;
    let (m, project, grant) = load_measure(&state, &user, id, Action::DefineMeasure).await?;
    let fields = match f.apply(&m) {
        Ok(fields) => fields,
        Err(e) => {
            let settings = Settings {
                form: &f,
                errors: &e,
                clash: None,
            };
            let page = measure_page(&state, &user, &m, &project, grant, settings).await?;
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let saved = match conflict::parse(&f.version) {
        Some(v) => {
            state
                .store
                .update_measure(m.id, &fields, v, user.user.id)
                .await
        }
        None => Err(StoreError::Stale(format!("the measure {}", m.id))),
    };
    match saved {
        Ok(_) => Ok(see_other(&format!("/measures/{}#settings", m.id))),
        Err(StoreError::Stale(_)) => {
            // Someone else saved first: their settings beside ours, ours kept in the form.
            let (now, project, grant) = load_measure(&state, &user, id, Action::Read).await?;
            let clash = conflict::notice("measure", &SettingsForm::of(&now).shown(), &f.shown());
            let mut f = f;
            f.version = now.version.to_string();
            let settings = Settings {
                form: &f,
                errors: &FieldErrors::new(),
                clash: Some(clash),
            };
            let page = measure_page(&state, &user, &now, &project, grant, settings).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Deletes a measure (recoverably): the project's lead, improvement leads and admins.
async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<DeleteForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (m, project, _) = load_measure(&state, &user, id, Action::Delete).await?;
    let expected = conflict::parse(&f.version);
    confirm::Deletion {
        kind: confirm::Kind::Measure,
        name: &m.name,
        action: format!("/measures/{}/delete", m.id),
        back: format!("/measures/{}", m.id),
        next: format!("/projects/{}", project.id),
    }
    .run(
        &user,
        &f.confirm,
        expected,
        state.store.delete_measure(m.id, expected, user.user.id),
    )
    .await
}

/// Brings back a deleted measure of a live project: admins only. Deleted measures of other
/// organisations, and ids that are not deleted measures, look missing.
async fn restore(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let id = MeasureId(id);
    user.access(&state)
        .resource(Resource::Measure(id), Action::Restore)
        .await?;
    state.store.restore_measure(id, user.user.id).await?;
    Ok(see_other(&format!("/measures/{id}")))
}

fn rule_sentence(name: &str, r: &ChartResult) -> String {
    match name {
        "outside_limits" => "A point beyond a process limit".to_owned(),
        "shift" => format!(
            "A shift: {} or more points in a row on one side of the centre line",
            r.rules.shift_length
        ),
        "trend" => format!(
            "A trend: {} or more points in a row going up or down",
            r.rules.trend_length
        ),
        "two_in_three" => "Two of three points close to a limit (beyond 2σ)".to_owned(),
        other => other.to_owned(),
    }
}

fn variation_words(v: PointVariation) -> &'static str {
    match v {
        PointVariation::CommonCause => "Common cause",
        PointVariation::SpecialCauseImprovement => "Special cause improvement",
        PointVariation::SpecialCauseConcern => "Special cause concern",
        PointVariation::SpecialCauseNeither => "Special cause, neither",
    }
}

/// The chart settings form as the measure page shows it: what was typed, its errors, and the
/// conflict notice when a save was refused because someone else saved first.
struct Settings<'a> {
    form: &'a SettingsForm,
    errors: &'a FieldErrors,
    clash: Option<Markup>,
}

async fn measure_page(
    state: &AppState,
    user: &CurrentUser,
    m: &Measure,
    project: &Project,
    grant: Grant,
    settings: Settings<'_>,
) -> Result<Markup, PageError> {
    let Settings {
        form: settings,
        errors,
        clash,
    } = settings;
    let data = state.store.data(m.id).await?;
    let pdsas = state.store.pdsas(project.id).await?;
    let chart = if data.is_empty() {
        None
    } else {
        Some(measure_chart(m, &data, &pdsas))
    };
    let edit = grant.may(Action::EnterData);
    let define = grant.may(Action::DefineMeasure);
    let conflicted = clash.is_some();
    let board = super::board::measure_section(state, user, m.id, project.org, grant).await?;
    let body = html! {
        a class="back-link" href={ "/projects/" (project.id) } { "Back to " (project.title) }
        span class="caption" { (kind_label(m.kind)) " · " (project.title) }
        h1 { (m.name) }
        @if let Some(clash) = clash {
            (clash)
            p { a href="#settings" { "Go to your chart settings" } }
        }
        dl class="summary-list" {
            div { dt { "Operational definition" } dd { @if m.definition.is_empty() { "Not written yet" } @else { (m.definition) } } }
            div { dt { "Unit" } dd { @if m.unit.is_empty() { "Not set" } @else { (m.unit) } } }
            div { dt { "Data source" } dd { @if m.data_source.is_empty() { "Not set" } @else { (m.data_source) } } }
            div { dt { "Period of each point" } dd { (m.chart.period.label()) } }
            div { dt { "Values shown" } dd { (scale_words(&m.chart)) } }
            @if m.chart.chart.needs_denominator() {
                div { dt { "The denominator counts" } dd { @if m.denominator_label.is_empty() { "Not said" } @else { (m.denominator_label) } } }
            }
            div { dt { "Chart" } dd { (m.chart.chart.title()) ", " (DIRECTIONS.iter().find(|d| d.0 == m.chart.improvement.name()).map_or("", |d| d.1).to_lowercase()) } }
        }
        p class="actions" {
            @if edit {
                a href={ "/measures/" (m.id) "/data" } { "Enter data" span class="visually-hidden" { " for " (m.name) } }
                @if define {
                    " · "
                    a href={ "/measures/" (m.id) "/edit" } { "Edit measure" span class="visually-hidden" { " " (m.name) } }
                }
            } @else {
                a href={ "/measures/" (m.id) "/data" } { "See the data" }
            }
        }
        h2 { "Chart" }
        @match &chart {
            None => {
                p { "No data yet." }
                @if edit { p { a class="button" href={ "/measures/" (m.id) "/data" } { "Enter data" } } }
            }
            Some(Err(e)) => {
                div class="warning-callout" role="alert" {
                    h3 { "The chart cannot be drawn" }
                    p { (sentence(&e.to_string())) ". Check the data, or choose another chart type below." }
                }
            }
            Some(Ok(mc)) => { (chart_section(m, mc)) }
        }
        @if define {
            (settings_form(user, m, settings, errors))
        } @else {
            h2 id="settings" { "Chart settings" }
            p { "Rules: " (profile_label(&m.chart.rules)) ". " @if let Some(t) = m.chart.target { "Target: " (shown(&m.chart, t)) "." } }
        }
        (board)
        @if grant.may(Action::Delete) {
            h2 { "Delete this measure" }
            p { "Deleting hides the measure and its chart from everyone. An admin can restore it with its data." }
            form method="post" action={ "/measures/" (m.id) "/delete" } {
                (csrf_field(user))
                (conflict::version_field(m.version))
                button type="submit" class="button button--warning" {
                    "Delete measure" span class="visually-hidden" { " " (m.name) }
                }
            }
        }
    };
    let title = if conflicted {
        format!("Changed by someone else: {}", m.name)
    } else if errors.is_empty() {
        m.name.clone()
    } else {
        format!("Error: {}", m.name)
    };
    Ok(layout::page(&title, Some(user), body))
}

/// How a measure's values are shown, for people.
fn scale_words(c: &ChartSettings) -> String {
    match c.multiplier.get() {
        1 => "As entered".to_owned(),
        100 if c.shows_percent() => "As a percentage".to_owned(),
        _ => format!("Per {}", c.multiplier),
    }
}

/// " (%)" or " (per 1,000)" after a column's name, or nothing.
fn unit_note(c: &ChartSettings) -> String {
    match c.display_suffix().trim() {
        "" => String::new(),
        s => format!(" ({s})"),
    }
}

/// A value in display units with its unit: "81%", "3.614 per 1,000".
pub(crate) fn shown(c: &ChartSettings, x: f64) -> String {
    format!("{}{}", num(x), c.display_suffix())
}

/// The target field's hint: which units the target is in.
fn target_hint(c: &ChartSettings) -> String {
    match c.multiplier.get() {
        1 => "In the units of the values, as entered; leave blank for none".to_owned(),
        100 if c.shows_percent() => "A percentage from 0 to 100; leave blank for none".to_owned(),
        _ => format!("A rate per {}; leave blank for none", c.multiplier),
    }
}

fn sentence(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The heading of the list of what is marked on the chart: PDSA cycles, rebases, or both.
fn notes_heading(marks: &[(Place, String, String)]) -> &'static str {
    let rebases = marks
        .iter()
        .filter(|(_, label, _)| label.starts_with("Rebased: "))
        .count();
    match (rebases, marks.len() - rebases) {
        (0, _) => "PDSA cycles on the chart",
        (_, 0) => "Rebases on the chart",
        _ => "PDSA cycles and rebases on the chart",
    }
}

fn chart_section(m: &Measure, mc: &gemba_domain::MeasureChart) -> Markup {
    let r = &mc.result;
    let labels: Vec<String> = mc.dates.iter().map(|d| uk_date(*d)).collect();
    let period = m.chart.period;
    let described = |i: usize| {
        mc.dates
            .get(i)
            .map_or_else(String::new, |d| period.describe(*d))
    };
    // Each PDSA cycle where its start date falls: its period's point, between two points
    // when no point stands for its period, or at the right edge after the latest data.
    let marks: Vec<(Place, String, String)> = mc
        .annotations
        .iter()
        .filter_map(|a| {
            let started = uk_date(a.date);
            let (place, at) = match a.position {
                Position::Before => return None,
                Position::At(i) => (
                    Place::At(i as f64),
                    format!("started {started}, marked at {}", described(i)),
                ),
                Position::Between(i, f) => (
                    Place::At(i as f64 + f),
                    format!(
                        "started {started}, marked between {} and {} (no data for {})",
                        described(i),
                        described(i + 1),
                        period.describe(a.date)
                    ),
                ),
                Position::After => (
                    Place::AfterLast,
                    format!(
                        "started {started}: starts after the latest data, marked at the right edge"
                    ),
                ),
            };
            Some((place, a.label.clone(), at))
        })
        .collect();
    let annotations: Vec<(Place, String)> = marks
        .iter()
        .map(|(place, label, _)| (*place, label.clone()))
        .collect();
    let y_label = if m.unit.is_empty() { &m.name } else { &m.unit };
    let id = format!("measure-{}", m.id);
    let svg = gemba_chart::chart_svg(&SeriesView {
        id: &id,
        title: &m.name,
        x_labels: &labels,
        y_label,
        result: r,
        multiplier: m.chart.multiplier.factor(),
        value_suffix: if m.chart.shows_percent() { "%" } else { "" },
        annotations: &annotations,
    });
    // The rules that fired in the latest phase, which the icons read, apart from those that
    // fired only before it (history, not the current process).
    let latest_phase = r.points.iter().map(|p| p.phase).max().unwrap_or(1);
    let mut latest: Vec<&'static str> = Vec::new();
    let mut earlier: Vec<&'static str> = Vec::new();
    for p in &r.points {
        let list = if p.phase == latest_phase {
            &mut latest
        } else {
            &mut earlier
        };
        for n in p.special_cause.names() {
            if !list.contains(&n) {
                list.push(n);
            }
        }
    }
    earlier.retain(|n| !latest.contains(n));
    let phased = latest_phase > 1;
    let variation_text = match (r.variation_icon, r.chart) {
        (Some(i), _) => i.describe().to_owned(),
        (None, ChartType::Run) => "run charts carry no Making Data Count icon; the runs analysis below says whether the variation is random".to_owned(),
        (None, _) => "not enough points for an icon yet".to_owned(),
    };
    let has_den = r.points.iter().any(|p| p.n.is_some());
    html! {
        // Full size, so that its text stays readable; on a phone it scrolls sideways in its frame.
        div class="chart" role="region" aria-label="Chart (scrolls sideways on small screens)" tabindex="0" {
            // The SVG is maud markup from gemba-chart, escaped there.
            (PreEscaped(svg))
        }
        h3 { "What the chart shows" }
        ul class="chart-reading" {
            li { "Variation: " strong { (sentence(&variation_text)) } }
            @match (r.assurance_icon, r.target) {
                (Some(a), Some(t)) => { li { "Assurance: " strong { (a.describe()) } " (target " (shown(&m.chart, t)) ")" } }
                (None, Some(t)) => { li { "Assurance: no icon yet (target " (shown(&m.chart, t)) ")" } }
                _ => { li { "Assurance: no target set" } }
            }
            @if latest.is_empty() && earlier.is_empty() {
                li { "No special cause rule fired." }
            } @else {
                li {
                    @if phased { "Rules that fired in the latest phase: " } @else { "Rules that fired: " }
                    @if latest.is_empty() { "none" }
                    @for (k, n) in latest.iter().enumerate() {
                        @if k > 0 { "; " }
                        (rule_sentence(n, r))
                    }
                }
                @if !earlier.is_empty() {
                    li { "Only in earlier phases: "
                        @for (k, n) in earlier.iter().enumerate() {
                            @if k > 0 { "; " }
                            (rule_sentence(n, r))
                        }
                    }
                }
            }
            @if let Some(runs) = &r.runs {
                @if r.chart == ChartType::Run {
                    li { @if runs.signal { "Runs analysis: signal of non-random variation" } @else { "Runs analysis: no signal" }
                        " (longest run " (runs.longest_run) ", limit " (runs.longest_run_limit) "; crossings " (runs.crossings) ", limit " (runs.crossings_limit) ")" }
                }
            }
        }
        @if !r.warnings.is_empty() {
            div class="warning-callout" {
                h3 { "Warnings" }
                ul { @for w in &r.warnings { li { (sentence(&w.to_string())) } } }
            }
        }
        @if !annotations.is_empty() {
            h3 { (notes_heading(&marks)) }
            ol class="annotations" {
                @for (_, label, at) in &marks {
                    li { (label) " – " (at) }
                }
            }
        }
        details class="details" {
            summary { "The chart's data as a table" }
            table class="table" {
                caption { "Data of " (m.name) }
                thead { tr {
                    th scope="col" { "Date" }
                    th scope="col" { "Value" (unit_note(&m.chart)) }
                    @if has_den { th scope="col" { "Denominator" @if !m.denominator_label.is_empty() { " (" (m.denominator_label) ")" } } }
                    th scope="col" { "Centre" }
                    th scope="col" { "Lower limit" }
                    th scope="col" { "Upper limit" }
                    th scope="col" { "Special cause" }
                } }
                tbody {
                    @for (i, p) in r.points.iter().enumerate() {
                        tr class=(p.variation.name()) {
                            th scope="row" { (labels.get(i).map_or("", String::as_str)) }
                            td { (p.y.map(num).unwrap_or_else(|| "missing".into())) }
                            @if has_den { td { (p.n.map(num).unwrap_or_default()) } }
                            td { (p.lines.centre.map(num).unwrap_or_default()) }
                            td { (p.lines.lcl.map(num).unwrap_or_default()) }
                            td { (p.lines.ucl.map(num).unwrap_or_default()) }
                            td {
                                @if p.variation == PointVariation::CommonCause { "–" } @else {
                                    (variation_words(p.variation))
                                    @let names: Vec<String> = p.special_cause.names().map(|n| rule_sentence(n, r).to_lowercase()).collect();
                                    @if !names.is_empty() { " (" (names.join("; ")) ")" }
                                }
                                @if p.excluded { " (excluded from the limits)" }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn settings_form(user: &CurrentUser, m: &Measure, f: &SettingsForm, e: &FieldErrors) -> Markup {
    html! {
        h2 id="settings" { "Chart settings" }
        (form::error_summary_ordered(e, &["chart", "improvement", "target", "rules", "fix_after", "rebases", "add_rebase", "add_reason"]))
        form method="post" action={ "/measures/" (m.id) "/settings" } novalidate {
            (csrf_field(user))
            input type="hidden" name="version" value=(f.version);
            (form::select("chart", "Chart type", &chart_options(), &f.chart, e))
            (form::select("improvement", "Improvement direction", &DIRECTIONS, &f.improvement, e))
            (form::text_input("target", "Target (optional)", &f.target,
                Some(&target_hint(&m.chart)), e))
            (form::select("rules", "Rule profile", &RULE_PROFILES, &f.rules, e))
            (form::text_input("fix_after", "Fix the baseline after this many points (optional)", &f.fix_after,
                Some("Each phase's limits are then calculated from its first points only; leave blank to use every point"), e))
            @if !m.chart.rebase.is_empty() {
                @let error = e.get("rebases");
                fieldset class={ "fieldset" @if error.is_some() { " form-group--error" } } id="rebases"
                    tabindex="-1" aria-describedby=[error.map(|_| "rebases-error")] {
                    legend { "Rebases: a new phase starts at the point whose period contains each date" }
                    @if let Some(error) = error {
                        p class="error-message" id="rebases-error" {
                            span class="visually-hidden" { "Error: " }
                            (error)
                        }
                    }
                    @for (k, r) in m.chart.rebase.iter().enumerate() {
                        div class="rebase-item" {
                            @let reason_id = format!("reason-{k}");
                            div class="form-group" {
                                label class="label" for=(reason_id) {
                                    "Why the chart is rebased on " (uk_date(r.date))
                                }
                                input class="input" type="text" id=(reason_id)
                                    name={ (REASON_PREFIX) (r.date) } value=(f.reason_of(r));
                            }
                            div class="checkboxes__item" {
                                input type="checkbox" id={ "remove-" (k) } name="remove" value=(r.date.to_string())
                                    checked[f.remove.iter().any(|x| *x == r.date.to_string())];
                                label for={ "remove-" (k) } { "Remove the rebase on " (uk_date(r.date)) }
                            }
                        }
                    }
                }
            }
            (form::text_input("add_rebase", "Add a rebase date (optional)", &f.add_rebase,
                Some("When the process changed, for example 2024-03-01 or 01/03/2024"), e))
            (form::text_input("add_reason", "Why the process changed then (needed with a rebase date)", &f.add_reason,
                Some("For example: the new triage pathway started. Shown on the chart"), e))
            button type="submit" class="button" { "Save chart settings" }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_people() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(0.12345), "0.1235");
        assert_eq!(num(-0.00001), "0");
        assert_eq!(num(2.5), "2.5");
    }

    /// The forms offer exactly the domain's chart types and rule profiles (the API's), which
    /// are the engine's profiles and its charts without subgroups.
    #[test]
    fn the_forms_offer_the_domains_chart_types_and_profiles() {
        let codes: Vec<&str> = RULE_PROFILES.iter().map(|(code, _)| *code).collect();
        assert_eq!(codes, gemba_domain::RULE_PROFILES);
        assert_eq!(codes, ["mdc", "powerbi", "qic"]);
        let charts: Vec<&str> = chart_options().iter().map(|(code, _)| *code).collect();
        let domain: Vec<&str> = MEASURE_CHARTS.iter().map(|c| c.name()).collect();
        assert_eq!(charts, domain);
        assert_eq!(
            charts,
            ["run", "xmr", "p", "pp", "u", "up", "c", "g", "t", "mr"]
        );
        let kinds: Vec<&str> = MULTIPLIERS.iter().map(|(code, _)| *code).collect();
        assert_eq!(kinds, [AUTOMATIC, "1", "100", "1000", "10000", "100000"]);
        assert_eq!(profile_label("qic"), "qicharts2 (Anhøj runs, 3σ limits)");
        assert_eq!(profile_label("made-up"), "custom rules");
    }
}
