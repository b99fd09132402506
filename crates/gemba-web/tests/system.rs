//! Seeing across a system end to end: the projects of a system's other organisations read (only
//! read) unless private, the learning library and search across the system, roles across the
//! system given by an organisation's admin (page and API), and the system's portfolio for those
//! who hold one. Nobody outside the system sees anything.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use common::{location, Api, User};
use gemba_domain::{NonEmpty, OrgId, ProjectFields, ProjectId, ProjectStatus, Role, Store};
use reqwest::StatusCode;
use serde_json::json;

struct Seeds {
    north: OrgId,
    east: OrgId,
    /// Admin of North Trust.
    admin: User,
    admin_token: String,
    /// Improvement lead of North Trust, given a role across the system by the tests.
    coach: User,
    coach_token: String,
    /// Member of North Trust.
    member_token: String,
    /// Member of East Trust (same system).
    neighbour: User,
    /// Member of South Trust (another system).
    stranger: User,
    stranger_token: String,
    /// East Trust's falls project, open to the system.
    open: ProjectId,
    /// East Trust's private project.
    private: ProjectId,
}

type App = common::App<Seeds>;

fn fields(title: &str, status: ProjectStatus, private: bool) -> ProjectFields {
    ProjectFields {
        title: NonEmpty::parse("title", title).unwrap(),
        problem: "Patients fall at night".into(),
        aim: "Halve falls by March".into(),
        method: "Model for Improvement".into(),
        status,
        team: None,
        sponsor: String::new(),
        tags: vec!["falls".into()],
        private,
    }
}

async fn spawn_app() -> App {
    let store = common::in_memory().await;
    let north = store
        .create_org("North Trust", Some("Riverside ICS"))
        .await
        .unwrap();
    let east = store
        .create_org("East Trust", Some("Riverside ICS"))
        .await
        .unwrap();
    let south = store
        .create_org("South Trust", Some("Hillside ICS"))
        .await
        .unwrap();
    let hash = common::password_hash();
    let people = common::add_users(
        &*store,
        &hash,
        &[
            ("admin@north.nhs.uk", "Ada Admin", north, Role::Admin),
            (
                "coach@north.nhs.uk",
                "Cora Coach",
                north,
                Role::ImprovementLead,
            ),
            ("member@east.nhs.uk", "Ed East", east, Role::Member),
            ("member@south.nhs.uk", "Sam South", south, Role::Member),
            ("member@north.nhs.uk", "Mo North", north, Role::Member),
        ],
    )
    .await;
    let open = store
        .create_project(
            east,
            &fields("Falls on the stroke unit", ProjectStatus::Closed, false),
            people[2],
        )
        .await
        .unwrap();
    let private = store
        .create_project(
            east,
            &fields("Falls audit", ProjectStatus::Testing, true),
            people[2],
        )
        .await
        .unwrap();
    let base = common::serve(store.clone(), |_| {}).await;
    let seeds = Seeds {
        north,
        east,
        admin: common::signed_in(&*store, &base, "admin@north.nhs.uk").await,
        admin_token: common::api_token(&*store, people[0]).await,
        coach: common::signed_in(&*store, &base, "coach@north.nhs.uk").await,
        coach_token: common::api_token(&*store, people[1]).await,
        member_token: common::api_token(&*store, people[4]).await,
        neighbour: common::signed_in(&*store, &base, "member@east.nhs.uk").await,
        stranger: common::signed_in(&*store, &base, "member@south.nhs.uk").await,
        stranger_token: common::api_token(&*store, people[3]).await,
        open,
        private,
    };
    common::App { base, store, seeds }
}

#[tokio::test]
async fn the_systems_other_organisations_read_open_work_in_the_browser() {
    let app = spawn_app().await;
    // North's coach reads East's open project, and is told whose it is; no edit link.
    let (status, html) = app
        .coach
        .get(&app, &format!("/projects/{}", app.open))
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Falls on the stroke unit"));
    assert!(html.contains("This is East Trust's project, shared across Riverside ICS"));
    assert!(!html.contains("Edit project"));
    // …but not the private one, nor can anyone of another system read either.
    let (status, _) = app
        .coach
        .get(&app, &format!("/projects/{}", app.private))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .stranger
        .get(&app, &format!("/projects/{}", app.open))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Writing is refused.
    let r = app
        .coach
        .post(
            &app,
            &format!("/projects/{}/edit", app.open),
            &[("title", "Taken over"), ("status", "closed")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The closed project is in North's learning library; the stranger's library lacks it.
    let (_, html) = app.coach.get(&app, "/library").await;
    assert!(html.contains("Falls on the stroke unit"), "{html}");
    assert!(!html.contains("Falls audit"));
    let (_, html) = app.stranger.get(&app, "/library").await;
    assert!(!html.contains("Falls on the stroke unit"));
    // The library is searched by words, as search finds them (stemmed: "strokes" finds "stroke").
    let (_, html) = app.coach.get(&app, "/library?q=strokes").await;
    assert!(html.contains("Falls on the stroke unit"), "{html}");
    let (_, html) = app.coach.get(&app, "/library?q=giraffe").await;
    assert!(!html.contains("Falls on the stroke unit"));
    assert!(html.contains("with the words “giraffe”"));
    let (status, _) = app
        .coach
        .get(&app, &format!("/library?q={}", "a".repeat(201)))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // East's own member marks it private from the edit form; then North no longer sees it.
    let (_, form) = app
        .neighbour
        .get(&app, &format!("/projects/{}/edit", app.open))
        .await;
    assert!(form.contains("Private to the organisation"));
    let version = common::value_of(&form, "name=\"version\" value=\"");
    let r = app
        .neighbour
        .post(
            &app,
            &format!("/projects/{}/edit", app.open),
            &[
                ("title", "Falls on the stroke unit"),
                ("problem", "Patients fall at night"),
                ("aim", "Halve falls by March"),
                ("method", "Model for Improvement"),
                ("status", "closed"),
                ("team", ""),
                ("sponsor", ""),
                ("tags", "falls"),
                ("private", "yes"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", location(&r));
    let (status, _) = app
        .coach
        .get(&app, &format!("/projects/{}", app.open))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, html) = app
        .neighbour
        .get(&app, &format!("/projects/{}", app.open))
        .await;
    assert!(html.contains("East Trust only (private)"), "{html}");
}

#[tokio::test]
async fn an_admin_gives_roles_across_the_system_and_they_open_its_portfolio() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let system_page = format!("/orgs/{}/system", app.north);
    // Without a role across the system the coach may not see its portfolio; outside it, 404.
    let (status, _) = app.coach.get(&app, &system_page).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.stranger.get(&app, &system_page).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // East's portfolio is East's people's alone so far.
    let east_portfolio = format!("/orgs/{}/portfolio", app.east);
    let (status, _) = app.coach.get(&app, &east_portfolio).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // North's admin makes the coach a system viewer from the organisations page.
    let r = app
        .admin
        .post(
            &app,
            &format!("/admin/orgs/{}/system-roles", app.north),
            &[
                ("email", "coach@north.nhs.uk"),
                ("system_role", "system_viewer"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app
        .admin
        .get(&app, &format!("/admin/orgs/{}/organisations", app.north))
        .await;
    assert!(html.contains("Roles across Riverside ICS"));
    assert!(html.contains("Cora Coach"));
    assert!(html.contains("System viewer"));
    // Someone of another organisation is not hers to vouch for.
    let r = app
        .admin
        .post(
            &app,
            &format!("/admin/orgs/{}/system-roles", app.north),
            &[
                ("email", "member@east.nhs.uk"),
                ("system_role", "system_lead"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("No active person of this organisation has the email member@east.nhs.uk"),
        "{html}"
    );

    // The system's portfolio: both trusts, East's open project but not its private one.
    let (status, html) = app.coach.get(&app, &system_page).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("Riverside ICS: the system&#39;s portfolio")
            || html.contains("Riverside ICS: the system's portfolio")
    );
    assert!(html.contains("North Trust") && html.contains("East Trust"));
    assert!(html.contains("Falls on the stroke unit"));
    assert!(!html.contains("Falls audit"));
    // East's own portfolio, without its private work, says why.
    let (status, html) = app.coach.get(&app, &east_portfolio).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("its private projects are not shown"));
    assert!(!html.contains("Falls audit"));

    // Through the API: the portfolio with scope=system has both organisations; 1 project of
    // East's 2 (the other is private).
    let r = api.get("/portfolio?scope=system", &app.coach_token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let orgs = r.body["organisations"].as_array().unwrap();
    assert_eq!(orgs.len(), 2, "{}", r.body);
    let east = orgs
        .iter()
        .find(|o| o["org_id"] == app.east.0)
        .unwrap_or_else(|| panic!("{}", r.body));
    assert_eq!(east["total"], 1, "{east}");
    let r = api
        .get("/portfolio?scope=everything", &app.coach_token)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["error"]["field"], "scope");
    // The stranger's system scope is their own organisation only.
    let r = api
        .get("/portfolio?scope=system", &app.stranger_token)
        .await;
    assert_eq!(r.body["organisations"].as_array().unwrap().len(), 1);
    let r = api
        .get(&format!("/portfolio?org={}", app.east), &app.stranger_token)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The API gives and takes away roles; it checks what it is sent.
    let roles = format!("/organisations/{}/system-roles", app.north);
    let r = api.get(&roles, &app.admin_token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["system"], "Riverside ICS");
    assert_eq!(r.body["organisations"].as_array().unwrap().len(), 2);
    assert_eq!(
        r.body["people"],
        json!([{"user_id": r.body["people"][0]["user_id"], "email": "coach@north.nhs.uk", "name": "Cora Coach", "role": "system_viewer"}])
    );
    let r = api
        .put(
            &roles,
            &app.admin_token,
            json!({"email": "coach@north.nhs.uk", "role": "system_lead"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["people"][0]["role"], "system_lead");
    for (body, field) in [
        (json!({"email": "not an email", "role": null}), "email"),
        (
            json!({"email": "member@east.nhs.uk", "role": "system_viewer"}),
            "email",
        ),
    ] {
        let r = api.put(&roles, &app.admin_token, body.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.body
        );
        assert_eq!(r.body["error"]["field"], field, "{body}");
    }
    // Only admins; nobody of another organisation.
    let r = api.get(&roles, &app.coach_token).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = api.get(&roles, &app.stranger_token).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = api
        .put(
            &roles,
            &app.admin_token,
            json!({"email": "coach@north.nhs.uk", "role": null}),
        )
        .await;
    assert_eq!(r.body["people"], json!([]));
    let (status, _) = app.coach.get(&app, &system_page).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A member who leads improvement across the system sets the system's priorities (not
    // North's own, which need North's leads).
    let priorities = format!("/organisations/{}/priorities", app.north);
    let system_priority = json!({"title": "Fewer falls across Riverside", "scope": "system"});
    let r = api
        .post(&priorities, &app.member_token, system_priority.clone())
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = api
        .put(
            &roles,
            &app.admin_token,
            json!({"email": "member@north.nhs.uk", "role": "system_lead"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = api
        .post(&priorities, &app.member_token, system_priority)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["scope"], "system");
    let id = r.body["id"].as_i64().unwrap();
    let r = api
        .post(
            &priorities,
            &app.member_token,
            json!({"title": "North only", "scope": "organisation"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // East's people see the system's priority among theirs.
    let r = api
        .get(
            &format!("/organisations/{}/priorities", app.east),
            &app.admin_token,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "North's admin is not East's"
    );
    let r = api
        .patch(
            &format!("/priorities/{id}"),
            &app.member_token,
            json!({"title": "Fewer falls in Riverside"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// Every page that reads something in a project opens for the system's other organisations
/// (from the route table), and is "not found" for anyone of another system.
#[tokio::test]
async fn every_project_page_opens_across_the_system() {
    let app = spawn_app().await;
    let east_member = common::user_id(&*app.store, "member@east.nhs.uk").await;
    let measure = app
        .store
        .create_measure(
            app.open,
            &gemba_domain::MeasureFields {
                name: NonEmpty::parse("name", "Falls").unwrap(),
                kind: gemba_domain::MeasureType::Outcome,
                definition: String::new(),
                unit: String::new(),
                data_source: String::new(),
                denominator_label: String::new(),
                chart: gemba_domain::ChartSettings {
                    chart: gemba_spc::ChartType::Xmr,
                    improvement: gemba_spc::Improvement::Decrease,
                    target: None,
                    rules: "mdc".into(),
                    rebase: Vec::new(),
                    fix_after: None,
                    period: gemba_domain::Period::Month,
                    multiplier: gemba_domain::Multiplier::ONE,
                },
            },
            east_member,
        )
        .await
        .unwrap();
    let cycle = app
        .store
        .create_pdsa(
            app.open,
            &gemba_domain::PdsaFields {
                title: "Night checks".into(),
                ..gemba_domain::PdsaFields::default()
            },
            east_member,
        )
        .await
        .unwrap();
    // An improvement event, so that its report-outs have pages.
    app.store
        .set_event_date(
            app.open,
            Some(chrono::NaiveDate::from_ymd_opt(2026, 1, 12).unwrap()),
        )
        .await
        .unwrap();
    let mut opened = 0;
    for (method, template, guard) in gemba_web::pages::routes() {
        if method != "get" || guard != gemba_web::Guard::Do(gemba_domain::Action::Read) {
            continue;
        }
        let id = if template.starts_with("/projects/{id}") {
            app.open.0
        } else if template.starts_with("/measures/{id}") {
            measure.0
        } else if template.starts_with("/pdsa/{id}") {
            cycle.0
        } else {
            continue;
        };
        let path = template
            .replace("{id}", &id.to_string())
            .replace("{day}", "30");
        let (status, html) = app.coach.get(&app, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
        let (status, _) = app.stranger.get(&app, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        opened += 1;
    }
    assert!(opened >= 8, "only {opened} pages opened");
}
