//! The permission policy on every route, for every role, generated from the route tables.
//!
//! For each page and API route that needs an action of the policy (`Guard::Do`), every role of
//! the organisation — and a member who leads the project — asks for it on a fresh project: a
//! role that [`gemba_domain::permits`] the action gets an answer that is neither 403 nor 404
//! (nor a 5xx), any other role exactly 403, and someone of another organisation 404. A route added
//! to a table without its check, or with the wrong one, fails here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use std::collections::BTreeSet;

use common::{Api, User};
use gemba_domain::{
    permits, Action, ChartSettings, DataPoint, DriverKind, MeasureFields, MeasureId, MeasureType,
    Multiplier, NonEmpty, OrgId, PdsaFields, Period, ProjectFields, ProjectId, ProjectStatus, Role,
    Store, SystemRole, TeamId, UserId,
};
use gemba_spc::{ChartType, Improvement};
use gemba_web::Guard;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// One person asking: their role in organisation A, whether they lead the fixture's project,
/// their browser session and API token.
struct Asker {
    label: String,
    role: Role,
    leads: bool,
    user: User,
    token: String,
}

struct Seeds {
    org_a: OrgId,
    team: TeamId,
    /// A member of A who starts (and so leads) every fixture project.
    owner: UserId,
    /// A member of A whom the admin routes act on.
    victim: UserId,
    askers: Vec<Asker>,
    /// A member of organisation B only.
    outsider: Asker,
}

type App = common::App<Seeds>;

async fn spawn_app() -> App {
    let store = common::in_memory().await;
    let orgs = common::northshire_and_southshire(&*store).await;
    let org_a = orgs.org_a;
    let team = store.create_team(org_a, "Ward 7").await.unwrap();
    let hash = common::password_hash();
    let owner = common::add_user(
        &*store,
        "owner@a.nhs.uk",
        "Olu Owner",
        &hash,
        &[(org_a, Role::Member)],
    )
    .await;
    let victim = common::add_user(
        &*store,
        "victim@a.nhs.uk",
        "Vic Tim",
        &hash,
        &[(org_a, Role::Member)],
    )
    .await;
    for role in Role::ALL {
        let email = format!("{}@a.nhs.uk", role.name());
        common::add_user(&*store, &email, role.label(), &hash, &[(org_a, role)]).await;
    }
    common::add_user(
        &*store,
        "member@b.nhs.uk",
        "Bea B",
        &hash,
        &[(orgs.org_b, Role::Member)],
    )
    .await;
    let base = common::serve(store.clone(), |_| {}).await;
    let asker = |label: String, email: String, role: Role, leads: bool| {
        let (store, base) = (store.clone(), base.clone());
        async move {
            let user = common::signed_in(&*store, &base, &email).await;
            let token = common::api_token(&*store, user.id).await;
            Asker {
                label,
                role,
                leads,
                user,
                token,
            }
        }
    };
    let mut askers = Vec::new();
    for role in Role::ALL {
        let email = format!("{}@a.nhs.uk", role.name());
        askers.push(asker(role.name().to_owned(), email, role, false).await);
    }
    askers.push(
        asker(
            "member who leads the project".to_owned(),
            "owner@a.nhs.uk".to_owned(),
            Role::Member,
            true,
        )
        .await,
    );
    let outsider = asker(
        "member of another organisation".to_owned(),
        "member@b.nhs.uk".to_owned(),
        Role::Member,
        false,
    )
    .await;
    let seeds = Seeds {
        org_a,
        team,
        owner,
        victim,
        askers,
        outsider,
    };
    common::App { base, store, seeds }
}

/// Everything a route's path can name, made fresh by the owner: a live project with a measure
/// (with a replaced value), a PDSA cycle and a driver node, and deleted ones of each kind.
struct Fixture {
    project: ProjectId,
    measure: MeasureId,
    revision: i64,
    pdsa: i64,
    node: i64,
    deleted_project: ProjectId,
    deleted_measure: MeasureId,
    deleted_pdsa: i64,
    deleted_node: i64,
    /// A saved monthly report with January 2024 published.
    report: i64,
    /// A strategic priority of the organisation.
    priority: i64,
    /// A self-assessment of the organisation's board.
    assessment: i64,
    /// An idea put forward by the owner.
    idea: i64,
    /// A realised value entry of the project, not yet confirmed.
    value: i64,
    /// A training course with a session of two places: the victim's is booked.
    course: i64,
    /// That session.
    session: i64,
}

fn project_fields(title: &str) -> ProjectFields {
    ProjectFields {
        title: NonEmpty::parse("title", title).unwrap(),
        problem: String::new(),
        aim: "Halve falls by March".to_owned(),
        method: String::new(),
        status: ProjectStatus::Testing,
        team: None,
        sponsor: String::new(),
        tags: vec![],
        private: false,
    }
}

fn measure_fields() -> MeasureFields {
    MeasureFields {
        name: NonEmpty::parse("name", "Falls").unwrap(),
        kind: MeasureType::Outcome,
        definition: String::new(),
        unit: "falls".into(),
        data_source: String::new(),
        denominator_label: String::new(),
        chart: ChartSettings {
            chart: ChartType::Xmr,
            improvement: Improvement::Decrease,
            target: None,
            rules: "mdc".into(),
            rebase: Vec::new(),
            fix_after: None,
            period: Period::Month,
            multiplier: Multiplier::ONE,
        },
    }
}

fn pdsa_fields() -> PdsaFields {
    PdsaFields {
        title: "Night checks".to_owned(),
        ..PdsaFields::default()
    }
}

async fn fixture(store: &dyn Store, owner: UserId, victim: UserId, org: OrgId) -> Fixture {
    let project = store
        .create_project(org, &project_fields("Falls"), owner)
        .await
        .unwrap();
    let measure = store
        .create_measure(project, &measure_fields(), owner)
        .await
        .unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    for value in [5.0, 6.0] {
        let point = DataPoint {
            date,
            value: Some(value),
            denominator: None,
        };
        store.put_data(measure, &[point], owner).await.unwrap();
    }
    let revision = store.data_revisions(measure).await.unwrap()[0].id.0;
    // On the board report, so that taking it off is something to do.
    let place = gemba_domain::BoardPlace {
        section: "Safe".into(),
        owner: None,
    };
    store
        .set_board_place(measure, Some(&place), owner)
        .await
        .unwrap();
    let pdsa = store
        .create_pdsa(project, &pdsa_fields(), owner)
        .await
        .unwrap();
    let node = store
        .add_driver_node(project, None, DriverKind::Primary, "Staffing", owner)
        .await
        .unwrap();
    let deleted_measure = store
        .create_measure(project, &measure_fields(), owner)
        .await
        .unwrap();
    store
        .delete_measure(deleted_measure, None, owner)
        .await
        .unwrap();
    let deleted_pdsa = store
        .create_pdsa(project, &pdsa_fields(), owner)
        .await
        .unwrap();
    store.delete_pdsa(deleted_pdsa, None, owner).await.unwrap();
    // A rapid improvement event, so that its report-outs are there to write.
    store
        .set_event_date(project, chrono::NaiveDate::from_ymd_opt(2026, 9, 1))
        .await
        .unwrap();
    let priority = store
        .create_priority(
            &gemba_domain::PriorityScope::Organisation(org),
            &gemba_domain::PriorityText {
                title: "Reduce harm from falls".into(),
                description: String::new(),
            },
            owner,
        )
        .await
        .unwrap();
    let report = store
        .create_saved_report(
            org,
            &gemba_domain::ReportSettings {
                title: "Integrated quality report".into(),
                ..gemba_domain::ReportSettings::default()
            },
            owner,
        )
        .await
        .unwrap();
    let kept = gemba_report::Report {
        title: "Kept".into(),
        period: "January 2024".into(),
        ..gemba_report::Report::default()
    };
    let summary = gemba_report::summarise(&kept);
    let copy = gemba_domain::PublishedCopy {
        summary_json: serde_json::to_string(&gemba_api::report::ReportSummaryJson::new(
            &kept, &summary,
        ))
        .unwrap(),
        html: "<!DOCTYPE html><title>Kept</title>".into(),
        pdf: b"%PDF-1.7".to_vec(),
    };
    store
        .publish_report(report, "2024-01", "January 2024", &copy, owner)
        .await
        .unwrap();
    store
        .set_narrative(
            measure,
            "2024-01",
            &gemba_domain::NarrativeText {
                shows: "Falls fell.".into(),
                ..gemba_domain::NarrativeText::default()
            },
            None,
            owner,
        )
        .await
        .unwrap();
    let deleted_node = store
        .add_driver_node(project, None, DriverKind::Primary, "Gone", owner)
        .await
        .unwrap();
    store
        .delete_driver_node(deleted_node, None, owner)
        .await
        .unwrap();
    let deleted_project = store
        .create_project(org, &project_fields("Gone"), owner)
        .await
        .unwrap();
    store
        .delete_project(deleted_project, None, owner)
        .await
        .unwrap();
    let fields = gemba_domain::AssessmentFields {
        title: NonEmpty::parse("title", "Board development").unwrap(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 3, 12).unwrap(),
    };
    let assessment = store
        .create_assessment(org, &fields, owner)
        .await
        .unwrap()
        .0;
    let idea = store
        .create_idea(
            org,
            None,
            &gemba_domain::IdeaText {
                problem: "Call bells out of reach".into(),
                idea: "Clip them to the bed rail".into(),
                area: String::new(),
            },
            owner,
        )
        .await
        .unwrap();
    let value = store
        .create_value(
            project,
            &gemba_domain::ValueFields {
                kind: gemba_domain::ValueKind::Realised,
                pence: 400_000,
                hours: 0.0,
                cash_releasing: true,
                recurrence: gemba_domain::Recurrence::OneOff,
                date,
                method: "Agency spend down".into(),
            },
            owner,
        )
        .await
        .unwrap();
    let course = store
        .create_course(
            org,
            &gemba_domain::CourseText {
                title: "Foundations of QI".into(),
                level: gemba_domain::Level::Foundation,
                description: String::new(),
            },
        )
        .await
        .unwrap();
    let session = store
        .create_training_session(
            course,
            &gemba_domain::TrainingSessionFields {
                date: chrono::NaiveDate::from_ymd_opt(2026, 3, 4).unwrap(),
                places: 2,
                venue: "Education centre".into(),
            },
        )
        .await
        .unwrap();
    store
        .add_place(
            session,
            victim,
            gemba_domain::PlaceState::Booked,
            gemba_domain::Version(1),
        )
        .await
        .unwrap();
    Fixture {
        value: value.0,
        course: course.0,
        session: session.0,
        idea: idea.0,
        assessment,
        project,
        measure,
        revision,
        pdsa: pdsa.0,
        node: node.0,
        deleted_project,
        deleted_measure,
        deleted_pdsa: deleted_pdsa.0,
        deleted_node: deleted_node.0,
        report: report.0,
        priority: priority.0,
    }
}

/// A page path with its parameters filled in for `asker` (restore routes name deleted things;
/// joining or leaving a team names the asker).
fn page_path(template: &str, f: &Fixture, app: &App, asker: &Asker) -> String {
    let restore = template.ends_with("/restore") && !template.contains("/revisions/");
    let (project, measure, pdsa, node) = if restore {
        (
            f.deleted_project,
            f.deleted_measure,
            f.deleted_pdsa,
            f.deleted_node,
        )
    } else {
        (f.project, f.measure, f.pdsa, f.node)
    };
    let id = if template.starts_with("/projects/{id}") {
        project.0.to_string()
    } else if template.starts_with("/measures/{id}") {
        measure.0.to_string()
    } else if template.starts_with("/pdsa/{id}") {
        pdsa.to_string()
    } else if template.starts_with("/teams/{id}") {
        app.team.0.to_string()
    } else if template.starts_with("/reports/{id}") {
        f.report.to_string()
    } else if template.starts_with("/priorities/{id}") {
        f.priority.to_string()
    } else if template.starts_with("/assessments/{id}") {
        f.assessment.to_string()
    } else if template.starts_with("/ideas/{id}") {
        f.idea.to_string()
    } else if template.starts_with("/value/{id}") {
        f.value.to_string()
    } else if template.starts_with("/courses/{id}") {
        f.course.to_string()
    } else if template.starts_with("/sessions/{id}") {
        f.session.to_string()
    } else {
        String::new()
    };
    let user = if template.contains("/members/") {
        asker.user.id.0
    } else {
        app.victim.0
    };
    template
        .replace("{id}", &id)
        .replace("{node}", &node.to_string())
        .replace("{org}", &app.org_a.0.to_string())
        .replace("{user}", &user.to_string())
        .replace("{team}", &app.team.0.to_string())
        .replace("{revision}", &f.revision.to_string())
        .replace("{period}", "2024-01")
        .replace("{day}", "30")
}

/// A form that passes every page's extractor, so that only access decides the answer.
fn page_form(app: &App, asker: &Asker, f: &Fixture) -> Vec<(String, String)> {
    let me = asker.user.id.0.to_string();
    let owner = app.owner.0.to_string();
    let coach = improvement_lead(app).to_string();
    let project = f.project.0.to_string();
    [
        ("csrf", asker.user.csrf.as_str()),
        ("org", &app.org_a.0.to_string()),
        ("title", "Taken over"),
        // The aim as it is: only some may change it (a test below).
        ("aim", "Halve falls by March"),
        ("status", "testing"),
        ("name", "Taken over"),
        ("new_name", "Taken over too"),
        ("email", "new.person@a.nhs.uk"),
        ("role", "member"),
        ("kind", "process"),
        ("chart", "xmr"),
        ("improvement", "increase"),
        ("rules", "mdc"),
        ("period", "month"),
        ("text", "Taken over"),
        ("date", "2024-01-01"),
        ("value", "7"),
        ("pasted", "2024-02-01\t8"),
        ("rows", "2024-02-01\t8"),
        ("report_period", "2024-02"),
        ("direction", "up"),
        ("what_changed", "Taken over"),
        ("event_date", "2026-09-01"),
        ("what_worked", "Taken over"),
        ("shows", "Taken over"),
        ("score", "3.0"),
        ("reason", "Taken over"),
        ("stall_weeks", "8"),
        ("system_role", "system_viewer"),
        ("problem", "Call bells out of reach"),
        ("idea", "Clip them to the bed rail"),
        ("response", "Thank you"),
        ("support", "yes"),
        ("amount", "1200.50"),
        ("method", "Taken over"),
        ("level", "involve"),
        ("patient_roles", "team_member"),
        ("places", "5"),
        ("venue", "Education centre"),
        ("attendance", "attended"),
        ("completed", "yes"),
        ("foundation", "50"),
        ("practitioner", "10"),
        ("expert", "2"),
        ("coach", &coach),
        ("project", &project),
        ("month", "2026-03"),
        ("planned", "8"),
        ("used", "6"),
        ("user", if asker.leads { &owner } else { &me }),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

/// The id of organisation A's improvement lead (a coach).
fn improvement_lead(app: &App) -> i64 {
    app.askers
        .iter()
        .find(|a| a.role == Role::ImprovementLead && !a.leads)
        .unwrap()
        .user
        .id
        .0
}

/// Whether a route's path names something in a project (so that its lead counts), rather than
/// an organisation, a team or nothing.
fn in_a_project(template: &str) -> bool {
    [
        "/projects/{id}",
        "/measures/{id}",
        "/pdsa/{id}",
        "/pdsa-cycles/{id}",
        "/driver-nodes/{id}",
        "/drivers/{node}",
        "/change-packages/{id}",
        "/value/{id}",
    ]
    .iter()
    .any(|p| template.starts_with(p))
}

/// What `asker` may expect from a route needing `action`: may they take it? Leading the
/// fixture's project counts only on routes in a project.
fn allowed(asker: &Asker, action: Action, template: &str) -> bool {
    permits(asker.role, asker.leads && in_a_project(template), action)
}

fn method_of(m: &str) -> Method {
    Method::from_bytes(m.to_uppercase().as_bytes()).unwrap()
}

async fn ask_page(
    app: &App,
    asker: &Asker,
    method: &str,
    template: &str,
    f: &Fixture,
) -> (String, StatusCode) {
    let path = page_path(template, f, app, asker);
    let req = asker.user.client.request(method_of(method), app.url(&path));
    let req = if method == "get" {
        req
    } else {
        req.form(&page_form(app, asker, f))
    };
    (path, req.send().await.unwrap().status())
}

/// A route for people with a role across the system: 404 outside the system, 403 for every role
/// of organisation A without one, and open to each of them once they hold one (the fixture's
/// organisation A is in a system).
async fn system_route_answers_only_system_roles(
    app: &App,
    f: &Fixture,
    method: &str,
    template: &str,
) {
    let (path, status) = ask_page(app, &app.outsider, method, template, f).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "{method} {path} as the outsider"
    );
    let system = app
        .store
        .org(app.org_a)
        .await
        .unwrap()
        .and_then(|o| o.system)
        .expect("organisation A is in a system");
    for asker in &app.askers {
        let case = format!("{method} {path} as {}", asker.label);
        let (_, status) = ask_page(app, asker, method, template, f).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{case} without a system role"
        );
        for role in SystemRole::ALL {
            app.store
                .set_system_role(&system, asker.user.id, Some(role), app.owner)
                .await
                .unwrap();
            let (_, status) = ask_page(app, asker, method, template, f).await;
            assert!(
                status.is_success() || status.is_redirection(),
                "{case} as {}: {status}",
                role.label()
            );
        }
        app.store
            .set_system_role(&system, asker.user.id, None, app.owner)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn every_page_route_answers_each_role_as_the_policy_says() {
    let app = spawn_app().await;
    let shared = fixture(&*app.store, app.owner, app.victim, app.org_a).await;
    let routes = gemba_web::pages::routes();
    let mut checked = BTreeSet::new();
    for (method, template, guard) in &routes {
        if *method != "get" {
            assert_ne!(
                *guard,
                Guard::Do(Action::Read),
                "{method} {template} changes something but only asks to read"
            );
        }
        if *guard == Guard::System {
            system_route_answers_only_system_roles(&app, &shared, method, template).await;
            checked.insert((*method, *template));
            continue;
        }
        let Guard::Do(action) = *guard else { continue };
        for asker in app.askers.iter().chain([&app.outsider]) {
            // Every change gets a project of its own, so that one case cannot spoil the next.
            let own;
            let f = if *method == "get" {
                &shared
            } else {
                own = fixture(&*app.store, app.owner, app.victim, app.org_a).await;
                &own
            };
            let (path, status) = ask_page(&app, asker, method, template, f).await;
            let case = format!("{method} {path} as {}", asker.label);
            if std::ptr::eq(asker, &app.outsider) {
                // Routes that name no organisation answer by the outsider's own role there.
                if template.contains('{') {
                    assert_eq!(status, StatusCode::NOT_FOUND, "{case}");
                }
            } else if allowed(asker, action, template) {
                assert!(
                    status != StatusCode::FORBIDDEN
                        && status != StatusCode::NOT_FOUND
                        && !status.is_server_error(),
                    "{case}: {status}, but {action:?} is allowed"
                );
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{case}: {action:?}");
            }
        }
        checked.insert((*method, *template));
    }
    assert!(
        checked.len() >= 45,
        "only {} page routes checked",
        checked.len()
    );
}

/// An API path with its parameters filled in for `asker`.
fn api_path(template: &str, f: &Fixture, app: &App, asker: &Asker) -> String {
    let id = if template.starts_with("/projects/{id}")
        || template.starts_with("/change-packages/{id}")
    {
        f.project.0
    } else if template.starts_with("/measures/{id}") {
        f.measure.0
    } else if template.starts_with("/pdsa-cycles/{id}") {
        f.pdsa
    } else if template.starts_with("/driver-nodes/{id}") {
        f.node
    } else if template.starts_with("/organisations/{id}") {
        app.org_a.0
    } else if template.starts_with("/teams/{id}") {
        app.team.0
    } else if template.starts_with("/reports/{id}") {
        f.report
    } else if template.starts_with("/priorities/{id}") {
        f.priority
    } else if template.starts_with("/assessments/{id}") {
        f.assessment
    } else if template.starts_with("/ideas/{id}") {
        f.idea
    } else if template.starts_with("/value/{id}") {
        f.value
    } else if template.starts_with("/courses/{id}") {
        f.course
    } else if template.starts_with("/sessions/{id}") {
        f.session
    } else {
        0
    };
    let user = if template.starts_with("/projects/") {
        asker.user.id.0
    } else {
        app.victim.0
    };
    template
        .replace("{id}", &id.to_string())
        .replace("{user_id}", &user.to_string())
        .replace("{date}", "2024-01-01")
        .replace("{revision_id}", &f.revision.to_string())
        .replace("{period}", "2024-01")
        .replace("{day}", "30")
}

/// A body that passes every route's parsing, so that only access decides the answer.
fn api_body(method: &str, template: &str, app: &App, asker: &Asker) -> Option<Value> {
    let me = asker.user.id.0;
    Some(match (method, template) {
        ("post", "/projects") => json!({"title": "Taken over", "org_id": app.org_a.0}),
        ("post", "/projects/{id}/adopt") => json!({"organisation_id": app.org_a.0}),
        ("patch", "/projects/{id}") => json!({"title": "Taken over"}),
        ("post", "/projects/{id}/members") => json!({"user_id": me}),
        ("post", "/projects/{id}/lead") => json!({"user_id": app.owner.0}),
        ("post", "/projects/{id}/measures") => {
            json!({"name": "Taken over", "type": "process", "chart": "xmr"})
        }
        ("patch", "/measures/{id}") => json!({"name": "Taken over"}),
        ("post", "/measures/{id}/data") => json!([{"date": "2024-02-01", "value": 1}]),
        ("post", "/projects/{id}/pdsa-cycles") => {
            json!({"title": "Taken over", "start_date": "2024-03-01"})
        }
        ("patch", "/pdsa-cycles/{id}") => json!({"study": "Taken over"}),
        ("post", "/projects/{id}/driver-nodes") => json!({"text": "Taken over"}),
        ("patch", "/driver-nodes/{id}") => json!({"text": "Taken over"}),
        ("patch", "/organisations/{id}") => json!({"name": "Taken over"}),
        ("post", "/organisations/{id}/system") => json!({"name": "Another trust"}),
        ("post", "/organisations/{id}/people") => {
            json!({"email": "new.person@a.nhs.uk", "name": "New Person", "role": "member"})
        }
        ("patch", "/organisations/{id}/people/{user_id}") => json!({"role": "member"}),
        ("post", "/organisations/{id}/teams") => json!({"name": "Theatres"}),
        ("patch", "/teams/{id}") => json!({"name": "Ward 7"}),
        ("patch", "/organisations/{id}/board") => json!({"sections": ["Safe", "Effective"]}),
        ("post", "/organisations/{id}/measures") => {
            json!({"name": "Four-hour performance", "type": "outcome", "chart": "xmr"})
        }
        ("put", "/measures/{id}/board") => json!({"section": "Safe", "owner_id": null}),
        ("post", "/measures/{id}/board/move") => json!({"direction": "up"}),
        ("post", "/organisations/{id}/priorities") => json!({"title": "Taken over"}),
        ("patch", "/priorities/{id}") => json!({"title": "Taken over"}),
        ("put", "/projects/{id}/priorities") => json!({"priority_ids": []}),
        ("put", "/projects/{id}/event") => json!({"event_date": "2026-09-01"}),
        ("put", "/projects/{id}/closing") => json!({"what_worked": "Taken over"}),
        ("put", "/projects/{id}/report-outs/{day}") => json!({"what_changed": "Taken over"}),
        ("post", "/organisations/{id}/reports") => json!({"title": "Taken over"}),
        ("patch", "/reports/{id}") => json!({"title": "Taken over"}),
        ("post", "/reports/{id}/publications") => json!({"period": "2024-02"}),
        ("put", "/measures/{id}/narratives/{period}") => json!({"shows": "Taken over"}),
        ("post", "/organisations/{id}/assessments") => {
            json!({"title": "Board development", "date": "2026-03-12"})
        }
        ("put", "/assessments/{id}/ratings") => {
            json!({"ratings": [{"dimension": "balance", "rating": 4, "note": "Taken over"}]})
        }
        ("put", "/projects/{id}/progress") => {
            json!({"override": {"score": 3.0, "reason": "Taken over"}})
        }
        ("put", "/organisations/{id}/progress-settings") => json!({"stall_weeks": 8}),
        ("post", "/ideas") => json!({
            "problem": "Call bells out of reach",
            "idea": "Clip them to the bed rail",
            "org_id": app.org_a.0
        }),
        ("patch", "/ideas/{id}") => json!({"status": "under_review"}),
        ("post", "/organisations/{id}/courses") | ("patch", "/courses/{id}") => {
            json!({"title": "Taken over", "level": "practitioner"})
        }
        ("post", "/courses/{id}/sessions") | ("patch", "/sessions/{id}") => {
            json!({"date": "2026-04-01", "places": 3})
        }
        ("put", "/sessions/{id}/places/{user_id}") => {
            json!({"attendance": "attended", "completed": true})
        }
        ("post", "/projects/{id}/coaches") => json!({"user_id": improvement_lead(app)}),
        ("post", "/projects/{id}/time") => {
            json!({"month": "2026-03", "planned_hours": 8, "used_hours": 6.5})
        }
        ("put", "/organisations/{id}/capability-plan") => {
            json!({"foundation": 50, "practitioner": 10, "expert": 2})
        }
        ("post", "/ideas/{id}/comments") => json!({"text": "Yes please"}),
        ("post", "/ideas/{id}/convert") => json!({"into": "project"}),
        ("put", "/organisations/{id}/idea-response-target") => json!({"days": 14}),
        ("post", "/projects/{id}/value") => json!({
            "kind": "potential", "amount": 1200.5, "date": "2026-04-01", "method": "Taken over"
        }),
        ("patch", "/value/{id}") => json!({"method": "Taken over"}),
        ("put", "/projects/{id}/involvement") => {
            json!({"level": "involve", "patient_roles": ["team_member"]})
        }
        ("put", "/organisations/{id}/system-roles") => {
            json!({"email": "new.person@a.nhs.uk", "role": "system_viewer"})
        }
        _ => return None,
    })
}

#[tokio::test]
async fn every_api_route_answers_each_role_as_the_policy_says() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let shared = fixture(&*app.store, app.owner, app.victim, app.org_a).await;
    let mut checked = 0;
    for (method, template, guard) in gemba_web::api::ROUTE_GUARDS {
        if *method != "get" {
            assert_ne!(
                *guard,
                Guard::Do(Action::Read),
                "{method} {template} changes something but only asks to read"
            );
        }
        let Guard::Do(action) = *guard else { continue };
        for asker in app.askers.iter().chain([&app.outsider]) {
            let own;
            let f = if *method == "get" {
                &shared
            } else {
                own = fixture(&*app.store, app.owner, app.victim, app.org_a).await;
                &own
            };
            if template.contains("/members/{user_id}") {
                // Leaving a team one is on (an outsider cannot be put on it).
                let _ = app
                    .store
                    .add_project_member(f.project, asker.user.id, app.owner)
                    .await;
            }
            let path = api_path(template, f, &app, asker);
            let body = api_body(method, template, &app, asker);
            let r = api.call(method_of(method), &path, &asker.token, body).await;
            let case = format!("{method} {path} as {}: {}", asker.label, r.body);
            if std::ptr::eq(asker, &app.outsider) {
                if template.contains('{') {
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{case}");
                } else {
                    // POST /projects names organisation A in its body.
                    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{case}");
                }
            } else if allowed(asker, action, template) {
                assert!(
                    r.status != StatusCode::FORBIDDEN
                        && r.status != StatusCode::NOT_FOUND
                        && !r.status.is_server_error(),
                    "{case}: {action:?} is allowed"
                );
            } else {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{case}: {action:?}");
                assert_eq!(r.body["error"]["message"], action.refusal(), "{case}");
            }
        }
        checked += 1;
    }
    assert!(checked >= 38, "only {checked} API routes checked");
}

/// Putting someone else on a team or taking them off is the lead's; joining is anyone's.
#[tokio::test]
async fn members_join_teams_but_only_leads_manage_them() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let f = fixture(&*app.store, app.owner, app.victim, app.org_a).await;
    let members = format!("/projects/{}/members", f.project);
    for asker in &app.askers {
        let r = api
            .post(&members, &asker.token, json!({"user_id": app.victim.0}))
            .await;
        let may = permits(asker.role, asker.leads, Action::ManageTeam);
        assert_eq!(
            r.status == StatusCode::CREATED,
            may,
            "{}: {}",
            asker.label,
            r.body
        );
        if !may {
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", asker.label);
        }
    }
    // A member joins by themselves, and leaves.
    let member = app
        .askers
        .iter()
        .find(|a| a.role == Role::Member && !a.leads)
        .unwrap();
    let r = api
        .post(
            &members,
            &member.token,
            json!({"user_id": member.user.id.0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = api
        .call(
            Method::DELETE,
            &format!("{members}/{}", app.victim.0),
            &member.token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = api
        .call(
            Method::DELETE,
            &format!("{members}/{}", member.user.id.0),
            &member.token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
}

fn asker(app: &App, role: Role, leads: bool) -> &Asker {
    app.askers
        .iter()
        .find(|a| a.role == role && a.leads == leads)
        .unwrap()
}

/// Anyone who contributes may edit a project's details; its aim only its lead, an improvement
/// lead or an admin — in the API and in the browser, where others see the aim read-only.
#[tokio::test]
async fn only_the_lead_an_improvement_lead_or_an_admin_changes_an_aim() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let f = fixture(&*app.store, app.owner, app.victim, app.org_a).await;
    let project = format!("/projects/{}", f.project);
    let member = asker(&app, Role::Member, false);
    let r = api
        .patch(
            &project,
            &member.token,
            json!({"aim": "Halve falls by May"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(
        r.body["error"]["message"],
        "Only the project's lead, an admin or an improvement lead can change a project's aim."
    );
    // The same aim, or other fields, are fine.
    let r = api
        .patch(
            &project,
            &member.token,
            json!({"aim": "Halve falls by March", "sponsor": "Chief Nurse"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["sponsor"], "Chief Nurse");
    for who in [
        asker(&app, Role::Member, true),
        asker(&app, Role::ImprovementLead, false),
        asker(&app, Role::Admin, false),
    ] {
        let aim = format!("Halve falls, says the {}", who.label);
        let r = api.patch(&project, &who.token, json!({"aim": aim})).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", who.label, r.body);
        assert_eq!(r.body["aim"], aim);
    }

    // In the browser the member sees the aim but cannot change it.
    let (status, html) = member.user.get(&app, &format!("{project}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    let aim_field = html.split("id=\"aim\"").nth(1).unwrap();
    assert!(
        aim_field.starts_with(" name=\"aim\" rows=\"4\" readonly"),
        "{aim_field}"
    );
    assert!(
        html.contains("can change a project&#39;s aim")
            || html.contains("can change a project's aim")
    );
    let version = app
        .store
        .project(f.project)
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string();
    let form = [
        ("title", "Falls"),
        ("aim", "Halve falls by June"),
        ("status", "testing"),
        ("version", version.as_str()),
    ];
    let res = member
        .user
        .post(&app, &format!("{project}/edit"), &form)
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let stored = app.store.project(f.project).await.unwrap().unwrap();
    assert_eq!(stored.aim, "Halve falls, says the admin", "nothing changed");
    // The lead sees an aim they can change.
    let lead = asker(&app, Role::Member, true);
    let (_, html) = lead.user.get(&app, &format!("{project}/edit")).await;
    let aim_field = html.split("id=\"aim\"").nth(1).unwrap();
    assert!(!aim_field.starts_with(" name=\"aim\" rows=\"4\" readonly"));
}

/// A project's lead is its creator at first; an improvement lead hands it to someone else, who
/// then has the lead's rights in that project (and is put on its team). A board viewer cannot
/// lead.
#[tokio::test]
async fn a_project_lead_is_chosen_and_gains_the_leads_rights() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let f = fixture(&*app.store, app.owner, app.victim, app.org_a).await;
    let project = format!("/projects/{}", f.project);
    let member = asker(&app, Role::Member, false);
    let coach = asker(&app, Role::ImprovementLead, false);
    let got = api.get(&project, &member.token).await;
    assert_eq!(got.body["lead_id"], app.owner.0);
    let measure = format!("/measures/{}", f.measure);
    let r = api
        .call(Method::DELETE, &measure, &member.token, None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The member cannot make themselves the lead.
    let r = api
        .post(
            &format!("{project}/lead"),
            &member.token,
            json!({"user_id": member.user.id.0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = api
        .post(
            &format!("{project}/lead"),
            &coach.token,
            json!({"user_id": member.user.id.0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["lead_id"], member.user.id.0);
    assert_eq!(r.body["version"], got.body["version"].as_i64().unwrap() + 1);
    let team = api.get(&format!("{project}/members"), &member.token).await;
    assert!(team
        .body
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["id"] == member.user.id.0));
    // Now the member may delete in the project; the former lead may not.
    let r = api
        .call(Method::DELETE, &measure, &member.token, None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let owner = asker(&app, Role::Member, true);
    let r = api
        .call(
            Method::DELETE,
            &format!("/pdsa-cycles/{}", f.pdsa),
            &owner.token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // A board viewer reads but does not lead.
    let viewer = asker(&app, Role::BoardViewer, false);
    let r = api
        .post(
            &format!("{project}/lead"),
            &coach.token,
            json!({"user_id": viewer.user.id.0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["error"]["field"], "user_id");
    // The history says who leads.
    let history = app.store.history(f.project).await.unwrap();
    let record = history
        .iter()
        .filter(|h| h.who == "Improvement lead")
        .find_map(|h| h.record())
        .unwrap();
    assert_eq!(record.field, Some(gemba_domain::history::Field::Lead));
    assert_eq!(record.old.as_deref(), Some("Olu Owner"));
    assert_eq!(record.new.as_deref(), Some("Member"));
    let (_, html) = member.user.get(&app, &format!("{project}/history")).await;
    assert!(
        html.contains("changed the project lead from “Olu Owner” to “Member”"),
        "{html}"
    );
    // In the browser, an improvement lead makes someone the lead from the team list.
    let res = coach
        .user
        .post(
            &app,
            &format!("{project}/lead"),
            &[("user", &app.owner.0.to_string())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = member.user.get(&app, &project).await;
    assert!(
        html.contains("Project lead: <strong>Olu Owner</strong>"),
        "{html}"
    );
}

/// The README prints the policy exactly as the code holds it.
#[test]
fn the_readme_states_the_policy_the_code_enforces() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    assert!(
        readme.contains(&gemba_domain::policy_table()),
        "update README.md's \"Who may do what\" table to:\n{}",
        gemba_domain::policy_table()
    );
}
