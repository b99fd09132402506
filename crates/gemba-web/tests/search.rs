//! Finding projects end to end: `GET /api/v1/search`, a project's similar work
//! (`GET /api/v1/projects/{id}/similar` and its panel), the search page, and the new-project
//! form that lists similar projects before anything is saved. Nobody finds another
//! organisation's projects.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use common::{location, Api, User};
use gemba_domain::{NonEmpty, OrgId, ProjectFields, ProjectId, ProjectStatus, Role, Store};
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Seeds {
    org_a: OrgId,
    coach: User,
    outsider: User,
    coach_token: String,
    outsider_token: String,
    /// Trust A: falls in the title.
    falls: ProjectId,
    /// Trust A: falls only in the problem.
    flow: ProjectId,
    /// Trust A: nothing about falls.
    sepsis: ProjectId,
    /// Trust B: falls in the title.
    theirs: ProjectId,
}

type App = common::App<Seeds>;

fn fields(title: &str, problem: &str, aim: &str) -> ProjectFields {
    ProjectFields {
        title: NonEmpty::parse("title", title).unwrap(),
        problem: problem.into(),
        aim: aim.into(),
        method: "Model for Improvement".into(),
        status: ProjectStatus::Testing,
        team: None,
        sponsor: String::new(),
        tags: Vec::new(),
        private: false,
    }
}

async fn spawn_app() -> App {
    let store = common::in_memory().await;
    let orgs = common::northshire_and_southshire(&*store).await;
    let hash = common::password_hash();
    let coach_id = common::add_user(
        &*store,
        "coach@a.nhs.uk",
        "Cora Coach",
        &hash,
        &[(orgs.org_a, Role::ImprovementLead)],
    )
    .await;
    let outsider_id = common::add_user(
        &*store,
        "member@b.nhs.uk",
        "Sam South",
        &hash,
        &[(orgs.org_b, Role::ImprovementLead)],
    )
    .await;
    let make = |org, f: ProjectFields, by| {
        let store = store.clone();
        async move { store.create_project(org, &f, by).await.unwrap() }
    };
    let falls = make(
        orgs.org_a,
        fields(
            "Falls prevention on the frailty wards",
            "Older people fall at night on wards 7 and 9",
            "Halve inpatient falls on the frailty wards by March",
        ),
        coach_id,
    )
    .await;
    let flow = make(
        orgs.org_a,
        fields(
            "Discharge before noon",
            "Long stays lead to deconditioning and falls",
            "Half of discharges before noon",
        ),
        coach_id,
    )
    .await;
    let sepsis = make(
        orgs.org_a,
        fields(
            "Sepsis screening in ED",
            "Screening is late",
            "Screen 95% within an hour",
        ),
        coach_id,
    )
    .await;
    let theirs = make(
        orgs.org_b,
        fields(
            "Falls in care homes",
            "Residents fall at night",
            "Fewer falls in care homes",
        ),
        outsider_id,
    )
    .await;
    let base = common::serve(store.clone(), |_| {}).await;
    let seeds = Seeds {
        org_a: orgs.org_a,
        coach: common::signed_in(&*store, &base, "coach@a.nhs.uk").await,
        outsider: common::signed_in(&*store, &base, "member@b.nhs.uk").await,
        coach_token: common::api_token(&*store, coach_id).await,
        outsider_token: common::api_token(&*store, outsider_id).await,
        falls,
        flow,
        sepsis,
        theirs,
    };
    common::App { base, store, seeds }
}

fn ids(body: &Value) -> Vec<i64> {
    body["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results: {body}"))
        .iter()
        .map(|h| h["project_id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn the_api_searches_the_users_organisations_best_first() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    // The title match first, then the problem match; never Trust B's.
    let r = api.get("/search?q=falls", &app.coach_token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(ids(&r.body), [app.falls.0, app.flow.0]);
    let first = &r.body["results"][0];
    assert_eq!(first["org_id"], app.org_a.0);
    assert_eq!(first["title"], "Falls prevention on the frailty wards");
    assert_eq!(first["status"], "testing");
    // Trust B's lead finds only Trust B's.
    let r = api.get("/search?q=falls", &app.outsider_token).await;
    assert_eq!(ids(&r.body), [app.theirs.0]);
    // Every word is needed; the limit holds.
    let r = api.get("/search?q=falls%20noon", &app.coach_token).await;
    assert_eq!(ids(&r.body), [app.flow.0]);
    let r = api.get("/search?q=falls&limit=1", &app.coach_token).await;
    assert_eq!(ids(&r.body), [app.falls.0]);
    // Search syntax is only words; only punctuation finds nothing; neither is an error.
    for q in [
        "%22falls",
        "falls%20OR%20sepsis",
        "NEAR(falls)",
        "title%3Asepsis",
        "%22*()-%5E",
    ] {
        let r = api.get(&format!("/search?q={q}"), &app.coach_token).await;
        assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
    }
    let r = api.get("/search?q=%22falls", &app.coach_token).await;
    assert_eq!(ids(&r.body), [app.falls.0, app.flow.0]);
    let r = api.get("/search?q=%22*()-%5E", &app.coach_token).await;
    assert_eq!(r.body, json!({"results": []}));
    // Bad queries: 422 naming the parameter.
    for (q, field, message) in [
        ("/search", "q", "q is required"),
        ("/search?q=%20%20", "q", "q is required"),
        (
            "/search?q=falls&limit=0",
            "limit",
            "limit must be a whole number from 1 to 50",
        ),
        (
            "/search?q=falls&limit=51",
            "limit",
            "limit must be a whole number from 1 to 50",
        ),
        (
            "/search?q=falls&limit=many",
            "limit",
            "limit must be a whole number from 1 to 50",
        ),
    ] {
        let r = api.get(q, &app.coach_token).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{q}: {}",
            r.body
        );
        assert_eq!(r.body["error"]["field"], field, "{q}");
        assert_eq!(r.body["error"]["message"], message, "{q}");
    }
    let long = format!("/search?q={}", "a".repeat(201));
    let r = api.get(&long, &app.coach_token).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(
        r.body["error"]["message"],
        "q must be 200 characters or fewer"
    );
    let r = api
        .get(&format!("/search?q={}", "a".repeat(200)), &app.coach_token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // No token: 401.
    let r = api
        .send(api.req(reqwest::Method::GET, "/search?q=falls", None))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // A deleted project is not found.
    app.store
        .delete_project(
            app.flow,
            None,
            common::user_id(&*app.store, "coach@a.nhs.uk").await,
        )
        .await
        .unwrap();
    let r = api.get("/search?q=falls", &app.coach_token).await;
    assert_eq!(ids(&r.body), [app.falls.0]);
}

#[tokio::test]
async fn similar_work_is_of_the_users_organisations_and_never_the_project_itself() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let r = api
        .get(
            &format!("/projects/{}/similar", app.falls),
            &app.coach_token,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Shares "falls" (and "fall" by its stem): the discharge project; not sepsis, not itself,
    // not Trust B's care homes.
    assert_eq!(ids(&r.body), [app.flow.0]);
    let r = api
        .get(
            &format!("/projects/{}/similar", app.sepsis),
            &app.coach_token,
        )
        .await;
    assert_eq!(r.body, json!({"results": []}));
    // Another organisation's project: 404, as for one that does not exist.
    for id in [app.falls.0, 987_654] {
        let r = api
            .get(&format!("/projects/{id}/similar"), &app.outsider_token)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        assert_eq!(r.body["error"]["code"], "not_found");
    }
    // The project page's panel: the similar project linked, or none found.
    let (status, html) = app
        .coach
        .get(&app, &format!("/projects/{}", app.falls))
        .await;
    assert_eq!(status, StatusCode::OK);
    let panel = &html[html.find("id=\"similar-work\"").unwrap()..];
    assert!(
        panel.contains(&format!("href=\"/projects/{}\"", app.flow)),
        "{panel}"
    );
    assert!(panel.contains("Discharge before noon"));
    assert!(!panel.contains("care homes"));
    let (_, html) = app
        .coach
        .get(&app, &format!("/projects/{}", app.sepsis))
        .await;
    assert!(html.contains("No similar projects found."));
}

#[tokio::test]
async fn the_search_page_lists_what_the_user_may_read() {
    let app = spawn_app().await;
    let (status, html) = app.coach.get(&app, "/search").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("role=\"search\""));
    assert!(
        html.contains("<label class=\"label\" for=\"q\">Words to find</label>"),
        "{html}"
    );
    assert!(
        html.contains("href=\"/search\""),
        "the header links to search"
    );
    assert!(!html.contains("Results"));
    let (status, html) = app.coach.get(&app, "/search?q=falls").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("2 projects found, best match first."));
    let first = html
        .find(&format!("href=\"/projects/{}\"", app.falls))
        .unwrap();
    let second = html
        .find(&format!("href=\"/projects/{}\"", app.flow))
        .unwrap();
    assert!(first < second);
    assert!(html.contains("Northshire Hospitals"));
    assert!(html.contains("tag--testing"));
    assert!(
        html.contains("deconditioning and falls"),
        "the snippet: {html}"
    );
    assert!(!html.contains("care homes"));
    // Trust B's member sees only Trust B's.
    let (_, html) = app.outsider.get(&app, "/search?q=falls").await;
    assert!(html.contains("1 project found"));
    assert!(html.contains("Falls in care homes"));
    assert!(!html.contains("frailty wards") && !html.contains("Discharge before noon"));
    // Nothing found, said so; markup typed is shown as text.
    let (_, html) = app.coach.get(&app, "/search?q=%3Cscript%3Egiraffe").await;
    assert!(html.contains("No projects match “&lt;script&gt;giraffe”."));
    // Too long: the form comes back with the error beside the field.
    let (status, html) = app
        .coach
        .get(&app, &format!("/search?q={}", "a".repeat(201)))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Search must be 200 characters or fewer"));
    assert!(html.contains("id=\"q-error\""));
}

fn new_project(org: &str, title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("org", org.to_owned()),
        ("title", title.to_owned()),
        (
            "problem",
            "Patients fall when they get up at night".to_owned(),
        ),
        ("aim", "Fewer injuries from falls by June".to_owned()),
        ("method", "Model for Improvement".to_owned()),
        ("status", "idea".to_owned()),
        ("team", String::new()),
        ("sponsor", String::new()),
        ("tags", String::new()),
    ]
}

#[tokio::test]
async fn starting_a_project_suggests_similar_work_before_saving() {
    let app = spawn_app().await;
    let org = app.org_a.to_string();
    let count = || async { app.store.projects(app.org_a).await.unwrap().len() };
    assert_eq!(count().await, 3);
    let form = new_project(&org, "Reducing falls on Ward 9");
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = app.coach.post(&app, "/projects/new", &pairs).await;
    // Not an error: the form comes back with the similar projects, nothing saved.
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("<title>Similar work exists: Start a project – Gemba</title>"));
    assert!(html.contains("Similar work already exists"));
    assert!(html.contains(&format!("href=\"/projects/{}\"", app.falls)));
    assert!(!html.contains(&format!("href=\"/projects/{}\"", app.sepsis)));
    assert!(
        !html.contains(&format!("href=\"/projects/{}\"", app.theirs)),
        "Trust B's"
    );
    assert!(html.contains("name=\"confirmed\" value=\"1\""));
    assert!(html.contains("Start it anyway"));
    assert!(
        html.contains("value=\"Reducing falls on Ward 9\""),
        "what was typed is kept"
    );
    assert_eq!(count().await, 3);
    // Started anyway: saved.
    let mut confirmed = pairs.clone();
    confirmed.push(("confirmed", "1"));
    let res = app.coach.post(&app, "/projects/new", &confirmed).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/projects/"));
    assert_eq!(count().await, 4);
    // Nothing like it: saved at once.
    let mut form = new_project(&org, "Theatre list utilisation");
    form[2].1 = "Lists overrun".to_owned();
    form[3].1 = "Start lists on time".to_owned();
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = app.coach.post(&app, "/projects/new", &pairs).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(count().await, 5);
}
