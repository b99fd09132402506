//! The HTML pages end to end: the real app on a free port over a fresh in-memory SQLite
//! store, driven over HTTP as a browser would (cookies on, redirects checked by hand).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use std::sync::Arc;

use chrono::NaiveDate;
use common::{browser, csrf_in, location, Orgs, PASSWORD};
use gemba_domain::{
    ChartSettings, DataPoint, MeasureFields, MeasureType, NonEmpty, Period, ProjectFields,
    ProjectId, ProjectStatus, Role, Store, UserId,
};
use gemba_spc::{ChartType, Improvement};
use gemba_web::{auth, AppState};
use reqwest::{Client, StatusCode};

/// A running app with two organisations and a user of every role.
type App = common::App<Orgs>;

/// Starts the app on 127.0.0.1 with a free port and seeds:
/// org A (admin, lead, member, patient, board users and a team), org B (one member).
async fn spawn_app() -> App {
    spawn_app_with(|_| {}).await
}

/// [`spawn_app`], with the app's settings changed by `configure`.
async fn spawn_app_with(configure: impl FnOnce(&mut AppState)) -> App {
    let store: Arc<dyn Store> = common::in_memory().await;
    let orgs = common::northshire_and_southshire(&*store).await;
    let (org_a, org_b) = (orgs.org_a, orgs.org_b);
    store.create_team(org_a, "Ward 7 (frailty)").await.unwrap();
    let people = [
        ("admin@a.nhs.uk", "Ada Admin", org_a, Role::Admin),
        ("lead@a.nhs.uk", "Lee Lead", org_a, Role::ImprovementLead),
        ("member@a.nhs.uk", "Mo Member", org_a, Role::Member),
        (
            "patient@a.nhs.uk",
            "Pat Partner",
            org_a,
            Role::PatientPartner,
        ),
        ("board@a.nhs.uk", "Bo Board", org_a, Role::BoardViewer),
        ("member@b.nhs.uk", "Bea Other", org_b, Role::Member),
    ];
    common::add_users(&*store, &common::password_hash(), &people).await;
    App::start(store, orgs, configure).await
}

impl App {
    /// A project of org A made through the store.
    async fn project(&self, title: &str, by: UserId) -> ProjectId {
        let fields = ProjectFields {
            title: NonEmpty::parse("title", title).unwrap(),
            problem: "Too many falls at night".to_owned(),
            aim: "Reduce falls by 30% by March 2026".to_owned(),
            method: "Model for Improvement".to_owned(),
            status: ProjectStatus::Testing,
            team: None,
            sponsor: "Chief Nurse".to_owned(),
            tags: vec!["falls".to_owned()],
            private: false,
        };
        self.store
            .create_project(self.org_a, &fields, by)
            .await
            .unwrap()
    }
}

fn project_form<'a>(title: &'a str, aim: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("problem", "Patients fall at night"),
        ("aim", aim),
        ("method", "Lean"),
        ("status", "scoping"),
        ("team", ""),
        ("sponsor", "Director of Nursing"),
        ("tags", "falls, frailty"),
    ]
}

#[tokio::test]
async fn sign_in_sign_out_and_rate_limit() {
    let app = spawn_app().await;
    let (client, _jar) = browser();

    // Signed out: pages redirect to the sign-in page, remembering where we were going.
    let res = client
        .get(app.url("/projects?status=idea"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/login?next=/projects%3Fstatus%3Didea");

    let page = client.get(app.url("/login")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Skip to main content"));

    // Wrong password: the email is kept, the password is not.
    let res = client
        .post(app.url("/login"))
        .form(&[
            ("email", "member@a.nhs.uk"),
            ("password", "nope"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let html = res.text().await.unwrap();
    assert!(html.contains("The email address or password is not right"));
    assert!(html.contains("value=\"member@a.nhs.uk\""));
    assert!(!html.contains("value=\"nope\""));

    // A malformed email is an error next to the field.
    let res = client
        .post(app.url("/login"))
        .form(&[("email", "nurse"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("id=\"email-error\""));

    // Success: an HttpOnly, SameSite cookie (not Secure on plain HTTP) and the local `next`.
    let res = client
        .post(app.url("/login"))
        .form(&[
            ("email", "Member@A.nhs.uk"),
            ("password", PASSWORD),
            ("next", "/projects"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/projects");
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("gemba_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    assert!(cookie.contains("Path=/") && !cookie.contains("Secure"));

    let (status, html) = {
        let r = client.get(app.url("/")).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    };
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Dashboard") && html.contains("Northshire Hospitals"));

    // Signing out needs the CSRF token; then the session is gone.
    let res = client
        .post(app.url("/logout"))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = client
        .post(app.url("/logout"))
        .form(&[("csrf", csrf_in(&html))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/login"));

    // An absolute `next` is not followed: no open redirect.
    let (other, _jar) = browser();
    let res = other
        .post(app.url("/login"))
        .form(&[
            ("email", "lead@a.nhs.uk"),
            ("password", PASSWORD),
            ("next", "//evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/");

    // Five failures lock the account out for a while, even with the right password.
    for _ in 0..5 {
        let res = other
            .post(app.url("/login"))
            .form(&[("email", "admin@a.nhs.uk"), ("password", "guess")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = other
        .post(app.url("/login"))
        .form(&[("email", "admin@a.nhs.uk"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Too many attempts; wait 30 seconds"));
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let mut form = project_form("Night falls", "Fewer falls");
    form.push(("org", "1"));
    let res = member
        .client
        .post(app.url("/projects/new"))
        .form(&[("csrf", "not-the-token")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let mut fields = vec![("csrf", "not-the-token")];
    fields.extend(form);
    let res = member
        .client
        .post(app.url("/projects/new"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(app.store.projects(app.org_a).await.unwrap().is_empty());

    let id = app.project("Falls", member.id).await;
    let res = member
        .client
        .post(app.url(&format!("/projects/{id}/drivers")))
        .form(&[("text", "Staffing")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(app.store.driver_nodes(id).await.unwrap().is_empty());
}

#[tokio::test]
async fn create_a_project_with_errors_shown_next_to_fields_then_edit_it() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;

    let (status, html) = member.get(&app, "/projects/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("What, how much, by when"));
    assert!(html.contains("Model for Improvement") && html.contains("Six Sigma"));
    assert!(html.contains("Ward 7 (frailty)"));

    // A blank title: the error sits next to the title and everything typed is kept.
    let org = app.org_a.to_string();
    let mut form = project_form("   ", "Reduce night falls by 30% by March 2026");
    form.push(("org", &org));
    let res = member.post(&app, "/projects/new", &form).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("There is a problem"));
    assert!(html.contains("href=\"#title\""));
    assert!(html.contains("id=\"title-error\""));
    assert!(html.contains("aria-describedby=\"title-error\""));
    assert!(html.contains("Reduce night falls by 30% by March 2026</textarea>"));
    assert!(html.contains("value=\"Director of Nursing\""));
    assert!(html.contains("<option value=\"Lean\" selected>"));
    assert!(app.store.projects(app.org_a).await.unwrap().is_empty());

    // Corrected: created, and we land on its page.
    let mut form = project_form(
        "Night-time falls",
        "Reduce night falls by 30% by March 2026",
    );
    form.push(("org", &org));
    let res = member.post(&app, "/projects/new", &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let path = location(&res);
    let projects = app.store.projects(app.org_a).await.unwrap();
    assert_eq!(projects.len(), 1);
    let p = &projects[0];
    assert_eq!(path, format!("/projects/{}", p.id));
    assert_eq!(p.tags, vec!["falls", "frailty"]);
    assert_eq!(p.method, "Lean");
    let (status, html) = member.get(&app, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Night-time falls"));
    assert!(html.contains("Reduce night falls by 30% by March 2026"));
    assert!(html.contains(&format!("/projects/{}/measures/new", p.id)));
    assert!(html.contains(&format!("/projects/{}/pdsa/new", p.id)));
    assert!(html.contains("Add a measure") && html.contains("Log a PDSA cycle"));

    // Markup typed into a field is shown as text, never run. The problem is the same as the
    // first project's, so that one is suggested first (nothing saved) and this one is started
    // anyway.
    let mut form = project_form("<script>alert(1)</script>", "x");
    form.push(("org", &org));
    let res = member.post(&app, "/projects/new", &form).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("Similar work already exists"));
    assert!(html.contains(&format!("href=\"/projects/{}\"", p.id)));
    assert!(html.contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\""));
    assert_eq!(app.store.projects(app.org_a).await.unwrap().len(), 1);
    form.push(("confirmed", "1"));
    let res = member.post(&app, "/projects/new", &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = member.get(&app, &location(&res)).await;
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));

    // Edit: the form is filled in; a bad team is an error; a good change is saved.
    let (status, html) = member.get(&app, &format!("{path}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("value=\"Night-time falls\""));
    let mut bad = project_form("Night-time falls", "Aim");
    bad.push(("team", "999"));
    bad.retain(|(k, v)| *k != "team" || *v == "999");
    let res = member.post(&app, &format!("{path}/edit"), &bad).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("id=\"team-error\""));

    let mut good = project_form(
        "Fewer night-time falls",
        "Reduce night falls by 40% by June 2026",
    );
    good.retain(|(k, _)| *k != "status");
    good.push(("status", "implementing"));
    let version = app
        .store
        .project(p.id)
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string();
    good.push(("version", &version));
    let res = member.post(&app, &format!("{path}/edit"), &good).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = member.get(&app, &path).await;
    assert!(html.contains("Fewer night-time falls"));
    assert!(html.contains("Implementing"));

    // The list filters by status.
    let (_, html) = member.get(&app, "/projects?status=implementing").await;
    assert!(html.contains("Fewer night-time falls"));
    let (_, html) = member.get(&app, "/projects?status=idea").await;
    assert!(!html.contains("Fewer night-time falls"));

    // History: who changed what, newest first.
    let (status, html) = member.get(&app, &format!("{path}/history")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Mo Member"));
    let rows = html.matches("<tr>").count() - 1;
    assert!(rows >= 2, "{html}");
}

#[tokio::test]
async fn driver_diagram_add_edit_delete_without_javascript() {
    let app = spawn_app().await;
    // Patient partners edit like members.
    let patient = app.user("patient@a.nhs.uk").await;
    let id = app.project("Falls", patient.id).await;
    let drivers = format!("/projects/{id}/drivers");

    let (status, html) = patient.get(&app, &drivers).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Add a primary driver"));

    let res = patient
        .post(&app, &drivers, &[("text", "Safe staffing at night")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let nodes = app.store.driver_nodes(id).await.unwrap();
    let primary = nodes[0].id.to_string();
    let res = patient
        .post(
            &app,
            &drivers,
            &[("parent", &primary), ("text", "Enough HCAs on shift")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let nodes = app.store.driver_nodes(id).await.unwrap();
    let secondary = nodes[1].id.to_string();
    let res = patient
        .post(
            &app,
            &drivers,
            &[("parent", &secondary), ("text", "Bay nursing trial")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let nodes = app.store.driver_nodes(id).await.unwrap();
    assert_eq!(nodes.len(), 3);
    let idea = nodes[2].id.to_string();

    // Nothing goes under a change idea; blank text is an error next to the field.
    let res = patient
        .post(&app, &drivers, &[("parent", &idea), ("text", "x")])
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = patient
        .post(&app, &drivers, &[("parent", &primary), ("text", "  ")])
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("id=\"text-error\""));

    // The project page shows aim → primary → secondary → change idea as nested lists.
    let (_, html) = patient.get(&app, &format!("/projects/{id}")).await;
    let aim = html.find("Reduce falls by 30% by March 2026").unwrap();
    let p = html.find("Safe staffing at night").unwrap();
    let s = html.find("Enough HCAs on shift").unwrap();
    let c = html.find("Bay nursing trial").unwrap();
    assert!(aim < p && p < s && s < c);
    assert!(html[p..c].matches("<ul").count() >= 2);

    // Edit the text.
    let res = patient
        .post(
            &app,
            &format!("{drivers}/{secondary}/edit"),
            &[("text", "Two HCAs every night"), ("version", "1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = patient.get(&app, &format!("/projects/{id}")).await;
    assert!(html.contains("Two HCAs every night") && !html.contains("Enough HCAs"));

    // A node of another project is not found through this one.
    let other = app.project("Other", patient.id).await;
    let res = patient
        .post(
            &app,
            &format!("/projects/{other}/drivers/{secondary}/edit"),
            &[("text", "x")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Deleting the primary driver removes what hangs from it.
    // Deleting asks first: nothing is deleted until the confirmation page's button is pressed.
    let res = patient
        .post(&app, &format!("{drivers}/{primary}/delete"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("Delete this driver diagram entry?"), "{html}");
    assert!(html.contains("name=\"confirm\" value=\"yes\""));
    assert!(!app.store.driver_nodes(id).await.unwrap().is_empty());
    let res = patient
        .post(
            &app,
            &format!("{drivers}/{primary}/delete"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&res).starts_with("/deleted?"),
        "{}",
        location(&res)
    );
    assert!(app.store.driver_nodes(id).await.unwrap().is_empty());
}

#[tokio::test]
async fn board_viewers_read_but_cannot_change_anything() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let board = app.user("board@a.nhs.uk").await;
    let id = app.project("Falls", member.id).await;
    let (status, html) = board.get(&app, &format!("/projects/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Falls") && !html.contains("Edit project"));
    assert!(!html.contains("Add a measure"));

    let (status, _) = board.get(&app, &format!("/projects/{id}/edit")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = board.get(&app, &format!("/projects/{id}/drivers")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = board.get(&app, "/projects/new").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let res = board
        .post(
            &app,
            &format!("/projects/{id}/edit"),
            &project_form("Hijacked", "x"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = board
        .post(&app, &format!("/projects/{id}/drivers"), &[("text", "x")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = board
        .post(&app, &format!("/projects/{id}/delete"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let org = app.org_a.to_string();
    let mut form = project_form("New", "x");
    form.push(("org", &org));
    let res = board.post(&app, "/projects/new", &form).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let p = app.store.project(id).await.unwrap().unwrap();
    assert_eq!(p.title, "Falls");
    assert_eq!(app.store.projects(app.org_a).await.unwrap().len(), 1);
    assert!(app.store.driver_nodes(id).await.unwrap().is_empty());
}

/// Issue 10: unknown paths and malformed ids got axum's raw text (`Invalid URL: Cannot parse
/// "new" to a "i64"`) or an empty 404. Every one is now the styled "Page not found", with the
/// signed-in header for a signed-in user; the API keeps its JSON errors.
#[tokio::test]
async fn unknown_paths_and_malformed_ids_get_the_styled_not_found_page() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    for path in [
        "/measures/new",
        "/projects/12abc",
        "/pdsa/-",
        "/no/such/page",
        "/projects/1/nothing",
        "/logout",
    ] {
        let res = member.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let html = res.text().await.unwrap();
        assert!(html.contains("<h1>Page not found</h1>"), "{path}: {html}");
        assert!(html.contains("Mo Member"), "{path}: no signed-in header");
        assert!(!html.contains("Invalid URL"), "{path}");
    }
    // Signed out: the same page, without anyone's header (pages that need a session send
    // the visitor to sign in first).
    let (anon, _jar) = browser();
    let res = anon.get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let html = res.text().await.unwrap();
    assert!(html.contains("Page not found") && !html.contains("Mo Member"));
    // The API answers in JSON.
    let res = anon
        .get(app.url("/api/v1/no-such-route"))
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
}

#[tokio::test]
async fn another_organisations_projects_are_not_found() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let outsider = app.user("member@b.nhs.uk").await;
    let id = app.project("Secret falls work", member.id).await;
    let node = app
        .store
        .add_driver_node(
            id,
            None,
            gemba_domain::DriverKind::Primary,
            "Staffing",
            member.id,
        )
        .await
        .unwrap();

    for path in [
        format!("/projects/{id}"),
        format!("/projects/{id}/edit"),
        format!("/projects/{id}/history"),
        format!("/projects/{id}/drivers"),
        "/projects/999999".to_owned(),
    ] {
        let (status, html) = outsider.get(&app, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!html.contains("Secret falls work"), "{path}");
    }
    for (path, form) in [
        (
            format!("/projects/{id}/edit"),
            project_form("Mine now", "x"),
        ),
        (format!("/projects/{id}/delete"), vec![]),
        (format!("/projects/{id}/restore"), vec![]),
        (format!("/projects/{id}/drivers"), vec![("text", "Sneaky")]),
        (
            format!("/projects/{id}/drivers/{node}/edit"),
            vec![("text", "Sneaky")],
        ),
        (format!("/projects/{id}/drivers/{node}/delete"), vec![]),
    ] {
        let res = outsider.post(&app, &path, &form).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    // Creating in an organisation one is not a member of looks like nothing there.
    let org = app.org_a.to_string();
    let mut form = project_form("Planted", "x");
    form.push(("org", &org));
    let res = outsider.post(&app, "/projects/new", &form).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let p = app.store.project(id).await.unwrap().unwrap();
    assert_eq!(p.title, "Secret falls work");
    assert_eq!(app.store.driver_nodes(id).await.unwrap().len(), 1);
    assert_eq!(app.store.projects(app.org_a).await.unwrap().len(), 1);
    assert!(app.store.projects(app.org_b).await.unwrap().is_empty());
    let (_, html) = outsider.get(&app, "/").await;
    assert!(!html.contains("Secret falls work"));
    let (_, html) = outsider.get(&app, "/projects").await;
    assert!(!html.contains("Secret falls work"));
}

#[tokio::test]
async fn deleted_projects_are_restored_by_an_admin() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let lead = app.user("lead@a.nhs.uk").await;
    let admin = app.user("admin@a.nhs.uk").await;
    // The improvement lead made it, so leads it; the member does not.
    let id = app.project("Pressure ulcers", lead.id).await;
    let path = format!("/projects/{id}");

    // Members may not delete; improvement leads may.
    let res = member.post(&app, &format!("{path}/delete"), &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (_, html) = lead.get(&app, &format!("{path}/edit")).await;
    assert!(html.contains("Delete project"));
    let res = lead
        .post(&app, &format!("{path}/delete"), &[("confirm", "yes")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // The next page says what happened.
    let (status, html) = lead.get(&app, &location(&res)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Project deleted"), "{html}");
    let (status, _) = member.get(&app, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Only admins see the deleted projects and restore them.
    let (status, _) = lead.get(&app, "/admin/deleted").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let res = lead.post(&app, &format!("{path}/restore"), &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (status, html) = admin.get(&app, "/admin/deleted").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Pressure ulcers"));
    let res = admin.post(&app, &format!("{path}/restore"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), path);
    let (status, html) = member.get(&app, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Pressure ulcers"));
    let (_, html) = admin.get(&app, "/admin/deleted").await;
    assert!(!html.contains("Pressure ulcers"));

    // Both the delete and the restore are in the history.
    let history = app.store.history(id).await.unwrap();
    assert!(history.len() >= 3, "{history:?}");
    let (_, html) = admin.get(&app, &format!("{path}/history")).await;
    assert!(html.contains("Lee Lead") && html.contains("Ada Admin"));
}

#[tokio::test]
async fn deleted_driver_nodes_are_restored_by_an_admin() {
    use gemba_domain::{DriverKind, PdsaFields};
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let board = app.user("board@a.nhs.uk").await;
    let admin = app.user("admin@a.nhs.uk").await;
    let outsider = app.user("member@b.nhs.uk").await;
    // An admin of the other organisation.
    common::add_user(
        &*app.store,
        "admin@b.nhs.uk",
        "Abe Other",
        "$argon2id$unused",
        &[(app.org_b, Role::Admin)],
    )
    .await;
    let other_admin = app.user("admin@b.nhs.uk").await;

    let id = app.project("Falls", member.id).await;
    let add = |parent, kind, text: &'static str| {
        app.store.add_driver_node(id, parent, kind, text, member.id)
    };
    let primary = add(None, DriverKind::Primary, "Safe staffing at night")
        .await
        .unwrap();
    let secondary = add(Some(primary), DriverKind::Secondary, "Enough HCAs on shift")
        .await
        .unwrap();
    let idea = add(Some(secondary), DriverKind::ChangeIdea, "Bay nursing trial")
        .await
        .unwrap();
    let cycle = app
        .store
        .create_pdsa(
            id,
            &PdsaFields {
                title: "Bay nursing on nights".into(),
                start_date: NaiveDate::from_ymd_opt(2024, 2, 1),
                change_idea: Some(idea),
                ..PdsaFields::default()
            },
            member.id,
        )
        .await
        .unwrap();

    let res = member
        .post(
            &app,
            &format!("/projects/{id}/drivers/{primary}/delete"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(app.store.driver_nodes(id).await.unwrap().is_empty());
    // The cycle keeps its change idea, shown as deleted; new cycles are not offered it.
    let (_, html) = member.get(&app, &format!("/pdsa/{cycle}")).await;
    assert!(html.contains("Bay nursing trial (deleted)"), "{html}");
    let (_, html) = member.get(&app, &format!("/pdsa/{cycle}/edit")).await;
    assert!(html.contains("Bay nursing trial (deleted)"));
    let (_, html) = member.get(&app, &format!("/projects/{id}/pdsa/new")).await;
    assert!(!html.contains("Bay nursing trial"));

    // Only admins of the project's organisation see and restore deleted nodes.
    let restore = |node: gemba_domain::DriverNodeId| format!("/drivers/{node}/restore");
    let (status, _) = member.get(&app, "/admin/deleted").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for user in [&member, &board] {
        let res = user.post(&app, &restore(primary), &[]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    for user in [&outsider, &other_admin] {
        let res = user.post(&app, &restore(primary), &[]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    let (_, html) = other_admin.get(&app, "/admin/deleted").await;
    assert!(!html.contains("Safe staffing at night"));
    let res = admin
        .post(&app, &restore(gemba_domain::DriverNodeId(999_999)), &[])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // A live node is not a deleted one.
    let live = add(None, DriverKind::Primary, "Falls risk assessment")
        .await
        .unwrap();
    let res = admin.post(&app, &restore(live), &[]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = admin
        .client
        .post(app.url(&restore(primary)))
        .form(&[("csrf", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let (status, html) = admin.get(&app, "/admin/deleted").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Driver diagram nodes"));
    assert!(html.contains("Safe staffing at night"));
    assert!(
        !html.contains("Enough HCAs on shift"),
        "nodes deleted with their parent come back with it"
    );
    // A node deleted with its parent cannot come back alone.
    let res = admin.post(&app, &restore(secondary), &[]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    let res = admin.post(&app, &restore(primary), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&res),
        format!("/projects/{id}/drivers#node-{primary}")
    );
    assert_eq!(app.store.driver_nodes(id).await.unwrap().len(), 4);
    assert_eq!(
        gemba_web::history::sentences(&app.store.history(id).await.unwrap())[0],
        "restored primary driver “Safe staffing at night” and the 2 nodes under it"
    );
    let (_, html) = admin.get(&app, "/admin/deleted").await;
    assert!(html.contains("No deleted driver diagram nodes."));
    let (_, html) = member.get(&app, &format!("/pdsa/{cycle}")).await;
    assert!(html.contains("Bay nursing trial") && !html.contains("(deleted)"));
}

#[tokio::test]
async fn dashboard_shows_projects_with_measure_icons() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let id = app
        .project("Sepsis antibiotics within the hour", member.id)
        .await;
    let measure = app
        .store
        .create_measure(
            id,
            &MeasureFields {
                name: NonEmpty::parse("name", "Antibiotics within 1 hour").unwrap(),
                kind: MeasureType::Process,
                definition: "Patients with red-flag sepsis given antibiotics within 60 minutes"
                    .to_owned(),
                unit: "%".to_owned(),
                data_source: "Sepsis audit".to_owned(),
                denominator_label: String::new(),
                chart: ChartSettings {
                    chart: ChartType::Xmr,
                    improvement: Improvement::Increase,
                    target: Some(10.0),
                    rules: "mdc".to_owned(),
                    rebase: vec![],
                    fix_after: None,
                    period: Period::Month,
                    multiplier: gemba_domain::Multiplier::ONE,
                },
            },
            member.id,
        )
        .await
        .unwrap();
    // Twelve months around 60%, then twelve around 90%: a shift upwards, an improvement.
    let points: Vec<DataPoint> = (0..24)
        .map(|i| DataPoint {
            date: NaiveDate::from_ymd_opt(2023 + i / 12, (i % 12) as u32 + 1, 1).unwrap(),
            value: Some(if i < 12 { 60.0 } else { 90.0 } + f64::from(i % 3)),
            denominator: None,
        })
        .collect();
    app.store
        .put_data(measure, &points, member.id)
        .await
        .unwrap();
    app.store
        .create_team(app.org_a, "Emergency department")
        .await
        .unwrap();

    let (status, html) = member.get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Northshire Hospitals"));
    assert!(html.contains("Ward 7 (frailty)") && html.contains("Emergency department"));
    assert!(html.contains("Sepsis antibiotics within the hour"));
    assert!(html.contains("Testing"));
    assert!(html.contains(&format!("href=\"/measures/{measure}\"")));
    assert!(html.contains("Special cause improvement (high)"), "{html}");
    assert!(html.contains("data-icon=\"improvement_high\""));
    assert!(html.contains("Consistently passes target"));
    // Issue 10: one icon set: the dashboard draws the same Making Data Count icons as the chart.
    assert!(
        html.contains("class=\"icon variation-icon improvement_high\""),
        "{html}"
    );
    assert!(
        html.contains("class=\"icon assurance-icon pass\""),
        "{html}"
    );
    let (_, chart_page) = member.get(&app, &format!("/measures/{measure}")).await;
    assert!(chart_page.contains("class=\"icon variation-icon improvement_high\""));

    // The project page lists the measure with the same icons.
    let (_, html) = member.get(&app, &format!("/projects/{id}")).await;
    assert!(html.contains("Antibiotics within 1 hour"));
    assert!(html.contains("Special cause improvement (high)"));

    // The style sheet is served.
    let res = member
        .client
        .get(app.url("/static/gemba.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert!(res.text().await.unwrap().contains("#005eb8"));
}

/// Issue 10 §4: every list of measures (organisation dashboard, team dashboard, project page)
/// shows the latest value with its period and the target, and flags a measure whose next
/// figure is overdue: a monthly measure whose latest point is March 2019 has missed April's.
#[tokio::test]
async fn dashboards_show_latest_value_period_target_and_overdue_data() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let team = app
        .store
        .create_team(app.org_a, "Patient flow")
        .await
        .unwrap();
    let fields = ProjectFields {
        title: NonEmpty::parse("title", "Discharge before noon").unwrap(),
        problem: String::new(),
        aim: "Half of discharges before noon".to_owned(),
        method: "Model for Improvement".to_owned(),
        status: ProjectStatus::Testing,
        team: Some(team),
        sponsor: String::new(),
        tags: vec![],
        private: false,
    };
    let project = app
        .store
        .create_project(app.org_a, &fields, member.id)
        .await
        .unwrap();
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    // Today by the clock, as the server reads it (UTC).
    let today = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).date_naive();
    /// A measure to make: its name, period, target and (date, value) points.
    type Made<'a> = (&'a str, Period, Option<f64>, Vec<(NaiveDate, f64)>);
    let measures: [Made; 4] = [
        (
            "Discharges before noon",
            Period::Month,
            Some(10.0),
            vec![
                (d(2019, 1, 1), 10.0),
                (d(2019, 2, 1), 11.0),
                (d(2019, 3, 1), 12.5),
            ],
        ),
        (
            "Delayed transfers",
            Period::Quarter,
            None,
            vec![(d(2018, 10, 1), 40.0), (d(2019, 2, 14), 35.0)],
        ),
        (
            "Weekend discharges",
            Period::Week,
            None,
            vec![(d(2019, 2, 27), 7.0), (d(2019, 3, 6), 9.0)],
        ),
        (
            "Beds free by noon",
            Period::Month,
            Some(4.0),
            vec![(today, 3.0)],
        ),
    ];
    for (name, period, target, points) in &measures {
        let id = app
            .store
            .create_measure(
                project,
                &MeasureFields {
                    name: NonEmpty::parse("name", name).unwrap(),
                    kind: MeasureType::Process,
                    definition: String::new(),
                    unit: "%".to_owned(),
                    data_source: String::new(),
                    denominator_label: String::new(),
                    chart: ChartSettings {
                        chart: ChartType::Xmr,
                        improvement: Improvement::Increase,
                        target: *target,
                        rules: "mdc".to_owned(),
                        rebase: vec![],
                        fix_after: None,
                        period: *period,
                        multiplier: gemba_domain::Multiplier::ONE,
                    },
                },
                member.id,
            )
            .await
            .unwrap();
        let points: Vec<DataPoint> = points
            .iter()
            .map(|(date, v)| DataPoint {
                date: *date,
                value: Some(*v),
                denominator: None,
            })
            .collect();
        app.store.put_data(id, &points, member.id).await.unwrap();
    }
    /// The list item of the measure `name` in a page.
    fn item<'h>(html: &'h str, name: &str) -> &'h str {
        let start = html
            .find(&format!(">{name}</a>"))
            .unwrap_or_else(|| panic!("{name} not listed:\n{html}"));
        let end = html[start..].find("</li>").unwrap() + start;
        &html[start..end]
    }
    for page in [
        "/".to_owned(),
        format!("/teams/{team}"),
        format!("/projects/{project}"),
    ] {
        let (status, html) = member.get(&app, &page).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        // The dashboard lists the data due "for you" first; the measure lists come after.
        let html = match html.find("aria-labelledby=\"for-you\"") {
            Some(at) => html[at..].split_once("</section>").unwrap().1.to_owned(),
            None => html,
        };
        let monthly = item(&html, "Discharges before noon");
        assert!(
            monthly.contains(
                "Latest <span class=\"measure-list__period\">Mar 2019</span>: \
                 <strong class=\"measure-list__value\">12.5</strong> %"
            ),
            "{page}: {monthly}"
        );
        assert!(
            monthly.contains("Target <span class=\"measure-list__target\">10</span>"),
            "{page}: {monthly}"
        );
        assert!(monthly.contains("Overdue"), "{page}: {monthly}");
        assert!(
            monthly.contains("latest point: Mar 2019; Apr 2019 has ended without data"),
            "{page}: {monthly}"
        );
        let quarterly = item(&html, "Delayed transfers");
        assert!(quarterly.contains(">Q1 2019</span>"), "{page}: {quarterly}");
        assert!(quarterly.contains("No target"), "{page}: {quarterly}");
        assert!(
            quarterly.contains("latest point: Q1 2019; Q2 2019 has ended without data"),
            "{page}: {quarterly}"
        );
        // Wednesday 6 March 2019 is in the week of Monday 4 March.
        let weekly = item(&html, "Weekend discharges");
        assert!(
            weekly.contains(">week of 4 Mar 2019</span>"),
            "{page}: {weekly}"
        );
        assert!(weekly.contains("Overdue"), "{page}: {weekly}");
        // This month's figure is in: nothing is overdue.
        let current = item(&html, "Beds free by noon");
        assert!(
            current.contains(&format!(">{}</span>", today.format("%b %Y"))),
            "{page}: {current}"
        );
        assert!(current.contains("Target <span class=\"measure-list__target\">4</span>"));
        assert!(!current.contains("Overdue"), "{page}: {current}");
    }
}

/// A team's own dashboard lists its projects only; another organisation's team is not found.
/// Also pins the summary cache: icons follow new data at once (the project's version moves).
#[tokio::test]
async fn team_dashboard_and_icons_follow_new_data() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let ed = app
        .store
        .create_team(app.org_a, "Emergency department")
        .await
        .unwrap();
    let mut fields = ProjectFields {
        title: NonEmpty::parse("title", "Four-hour waits").unwrap(),
        problem: String::new(),
        aim: "90% within 4 hours by March".to_owned(),
        method: "Model for Improvement".to_owned(),
        status: ProjectStatus::Testing,
        team: Some(ed),
        sponsor: String::new(),
        tags: vec![],
        private: false,
    };
    let in_team = app
        .store
        .create_project(app.org_a, &fields, member.id)
        .await
        .unwrap();
    fields.title = NonEmpty::parse("title", "Falls at night").unwrap();
    fields.team = None;
    app.store
        .create_project(app.org_a, &fields, member.id)
        .await
        .unwrap();
    let measure = app
        .store
        .create_measure(
            in_team,
            &MeasureFields {
                name: NonEmpty::parse("name", "Seen within 4 hours").unwrap(),
                kind: MeasureType::Outcome,
                definition: String::new(),
                unit: "%".to_owned(),
                data_source: String::new(),
                denominator_label: String::new(),
                chart: ChartSettings {
                    chart: ChartType::Xmr,
                    improvement: Improvement::Increase,
                    target: None,
                    rules: "mdc".to_owned(),
                    rebase: vec![],
                    fix_after: None,
                    period: Period::Month,
                    multiplier: gemba_domain::Multiplier::ONE,
                },
            },
            member.id,
        )
        .await
        .unwrap();

    let (status, html) = member.get(&app, &format!("/teams/{ed}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>Emergency department</h1>"), "{html}");
    assert!(html.contains("Four-hour waits") && !html.contains("Falls at night"));
    assert!(html.contains("No data yet"));

    // New data: the cached "No data yet" must give way to the chart's icon.
    let points: Vec<DataPoint> = (0..24)
        .map(|i| DataPoint {
            date: NaiveDate::from_ymd_opt(2023 + i / 12, (i % 12) as u32 + 1, 1).unwrap(),
            value: Some(if i < 12 { 80.0 } else { 90.0 } + f64::from(i % 3)),
            denominator: None,
        })
        .collect();
    app.store
        .put_data(measure, &points, member.id)
        .await
        .unwrap();
    let (_, html) = member.get(&app, &format!("/teams/{ed}")).await;
    assert!(!html.contains("No data yet"), "{html}");
    assert!(html.contains("Special cause improvement (high)"), "{html}");
    // The home dashboard links the team.
    let (_, html) = member.get(&app, "/").await;
    assert!(html.contains(&format!("href=\"/teams/{ed}\"")));

    // Another organisation's member: not found.
    let other = app.user("member@b.nhs.uk").await;
    let (status, _) = other.get(&app, &format!("/teams/{ed}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// A browser whose connections come from `ip` (a loopback address such as 127.0.0.2), to play a
/// second computer.
fn browser_from(ip: [u8; 4]) -> Client {
    common::browser_from(ip).0
}

/// Regression: five wrong passwords from anywhere locked the account out for everyone for 15
/// minutes. The lock is now per client address and email: the person at their own computer
/// can still sign in.
#[tokio::test]
async fn regression_a_stranger_cannot_lock_someone_out() {
    let app = spawn_app().await;
    let stranger = browser_from([127, 0, 0, 1]);
    for _ in 0..5 {
        let res = stranger
            .post(app.url("/login"))
            .form(&[("email", "admin@a.nhs.uk"), ("password", "guess")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = stranger
        .post(app.url("/login"))
        .form(&[("email", "admin@a.nhs.uk"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Too many attempts; wait 30 seconds"));

    let owner = browser_from([127, 0, 0, 2]);
    let res = owner
        .post(app.url("/login"))
        .form(&[("email", "admin@a.nhs.uk"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "the owner is not locked out"
    );
}

/// Signs in with `password` from `client`, as the browser at `forwarded_for` behind a proxy
/// when given; returns the status.
async fn sign_in_as(
    app: &App,
    client: &Client,
    email: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> StatusCode {
    let mut req = client
        .post(app.url("/login"))
        .form(&[("email", email), ("password", password)]);
    if let Some(ip) = forwarded_for {
        req = req.header("x-forwarded-for", ip);
    }
    req.send().await.unwrap().status()
}

/// Regression (issue 8): behind a reverse proxy every client had the proxy's address, so 20
/// failed sign-ins with made-up emails locked every user of every organisation out, renewable
/// forever. With `--trusted-proxy`, the client is the address the proxy forwards.
#[tokio::test]
async fn regression_behind_a_trusted_proxy_strangers_cannot_lock_everyone_out() {
    let app = spawn_app_with(|state| {
        state.trusted_proxies = Arc::new(auth::TrustedProxies::parse(["127.0.0.1/32"]).unwrap());
    })
    .await;
    let proxy = browser_from([127, 0, 0, 1]);
    for i in 0..25 {
        let status = sign_in_as(
            &app,
            &proxy,
            &format!("made-up{i}@a.nhs.uk"),
            "guess",
            Some("203.0.113.66"),
        )
        .await;
        let expected = if i < 20 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(status, expected, "attempt {i}");
    }
    // A colleague elsewhere, through the same proxy, signs in.
    let colleague = browser_from([127, 0, 0, 1]);
    assert_eq!(
        sign_in_as(
            &app,
            &colleague,
            "member@a.nhs.uk",
            PASSWORD,
            Some("198.51.100.7")
        )
        .await,
        StatusCode::SEE_OTHER
    );

    // Without the setting, the header is not believed: a client cannot dodge the limit by
    // inventing a new address for every attempt.
    let app = spawn_app().await;
    let liar = browser_from([127, 0, 0, 3]);
    for i in 0..5 {
        let fake = format!("203.0.113.{i}");
        let status = sign_in_as(&app, &liar, "admin@a.nhs.uk", "guess", Some(&fake)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let res = liar
        .post(app.url("/login"))
        .header("x-forwarded-for", "203.0.113.99")
        .form(&[("email", "admin@a.nhs.uk"), ("password", "guess")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry), "Retry-After: {retry}");
}

/// Regression (issue 8): the limit was checked before the password and counted after, so 40
/// concurrent attempts got 39 wrong passwords checked against a limit of 5.
#[tokio::test]
async fn regression_concurrent_guesses_cannot_pass_the_limit() {
    let app = Arc::new(spawn_app().await);
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let client = browser_from([127, 0, 0, 4]);
            sign_in_as(&app, &client, "admin@a.nhs.uk", "guess", None).await
        }));
    }
    let mut checked = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(checked, 5, "passwords checked");
}

/// A person who signed in on this browser before is not slowed down by other people's
/// failures from the same address (a ward's shared NAT or proxy address).
#[tokio::test]
async fn a_known_browser_signs_in_whatever_its_neighbours_do() {
    let app = spawn_app().await;
    let (nurse, _jar) = common::browser_from([127, 0, 0, 5]);
    assert_eq!(
        sign_in_as(&app, &nurse, "member@a.nhs.uk", PASSWORD, None).await,
        StatusCode::SEE_OTHER
    );
    let neighbour = browser_from([127, 0, 0, 5]);
    for i in 0..30 {
        let email = if i % 2 == 0 {
            "member@a.nhs.uk".to_owned()
        } else {
            format!("x{i}@a.nhs.uk")
        };
        sign_in_as(&app, &neighbour, &email, "guess", None).await;
    }
    assert_eq!(
        sign_in_as(&app, &neighbour, "member@a.nhs.uk", PASSWORD, None).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        sign_in_as(&app, &nurse, "member@a.nhs.uk", PASSWORD, None).await,
        StatusCode::SEE_OTHER
    );
}

/// Regression (login CSRF): another site could post the sign-in form and sign a visitor in to
/// an account of its choosing. A post whose `Origin` or `Referer` names another host is now
/// refused, and no session is made.
#[tokio::test]
async fn regression_sign_in_from_another_site_is_refused() {
    let app = spawn_app().await;
    let (client, _jar) = browser();
    let form = [("email", "member@a.nhs.uk"), ("password", PASSWORD)];
    for (header, value) in [
        ("origin", "https://evil.example".to_owned()),
        ("origin", "null".to_owned()),
        ("referer", "https://evil.example/phish".to_owned()),
    ] {
        let res = client
            .post(app.url("/login"))
            .header(header, &value)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{header}: {value}");
        assert!(res.headers().get("set-cookie").is_none());
    }
    let res = client
        .post(app.url("/login"))
        .header("origin", &app.base)
        .header("referer", app.url("/login"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(res.headers().get("set-cookie").is_some());
}

/// Regression: responses had no security headers, so pages could be framed (clickjacking),
/// sniffed as another type, and signed-in pages kept in caches.
#[tokio::test]
async fn regression_every_response_has_security_headers() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let (anonymous, _jar) = browser();
    let signed_in = member.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(signed_in.status(), StatusCode::OK);
    let responses = [
        ("signed-in page", signed_in),
        (
            "sign-in page",
            anonymous.get(app.url("/login")).send().await.unwrap(),
        ),
        (
            "redirect",
            anonymous.get(app.url("/projects")).send().await.unwrap(),
        ),
        (
            "not found",
            member
                .client
                .get(app.url("/projects/999999"))
                .send()
                .await
                .unwrap(),
        ),
        (
            "style sheet",
            anonymous
                .get(app.url("/static/gemba.css"))
                .send()
                .await
                .unwrap(),
        ),
        (
            "API",
            anonymous
                .get(app.url("/api/v1/projects"))
                .send()
                .await
                .unwrap(),
        ),
    ];
    for (what, res) in &responses {
        let h = res.headers();
        let get = |name: &str| h.get(name).map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(
            get("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{what}"
        );
        assert_eq!(get("x-frame-options").as_deref(), Some("DENY"), "{what}");
        assert_eq!(
            get("referrer-policy").as_deref(),
            Some("same-origin"),
            "{what}"
        );
        let csp = get("content-security-policy").unwrap_or_default();
        assert!(csp.contains("default-src 'self'"), "{what}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        assert!(csp.contains("form-action 'self'"), "{what}: {csp}");
        let cache = get("cache-control").unwrap_or_default();
        if *what == "style sheet" {
            assert!(cache.starts_with("public"), "{what}: {cache}");
        } else {
            assert_eq!(cache, "no-store", "{what}");
        }
    }
}

/// The project team: editors add and remove members of the organisation (patient partners
/// too); each change is in the history; board viewers, forged forms and other organisations
/// change nothing.
#[tokio::test]
async fn project_team_members_are_added_and_removed() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let id = app.project("Night-time falls", member.id).await;
    let partner = common::user_id(&*app.store, "patient@a.nhs.uk").await;

    let (_, html) = member.get(&app, &format!("/projects/{id}")).await;
    assert!(html.contains("Project team") && html.contains("No one has joined the team yet."));
    assert!(
        html.contains("Pat Partner (Patient partner)"),
        "a candidate: {html}"
    );

    let res = member
        .post(
            &app,
            &format!("/projects/{id}/members"),
            &[("user", &partner.to_string())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let team = app.store.project_members(id).await.unwrap();
    assert_eq!(team.len(), 1);
    assert_eq!(team[0].name, "Pat Partner");
    let (_, html) = member.get(&app, &format!("/projects/{id}/history")).await;
    assert!(
        html.contains("added Pat Partner to the project team"),
        "{html}"
    );

    // Someone of another organisation cannot be added: not found, nothing changes.
    let outsider = common::user_id(&*app.store, "member@b.nhs.uk").await;
    let res = member
        .post(
            &app,
            &format!("/projects/{id}/members"),
            &[("user", &outsider.to_string())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // A board viewer and a forged form change nothing; another organisation sees nothing.
    let board = app.user("board@a.nhs.uk").await;
    let res = board
        .post(
            &app,
            &format!("/projects/{id}/members/{}/remove", partner),
            &[],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = member
        .client
        .post(app.url(&format!("/projects/{id}/members/{}/remove", partner)))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let other = app.user("member@b.nhs.uk").await;
    let res = other
        .post(
            &app,
            &format!("/projects/{id}/members"),
            &[("user", &outsider.to_string())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.store.project_members(id).await.unwrap().len(), 1);

    let res = member
        .post(
            &app,
            &format!("/projects/{id}/members/{}/remove", partner),
            &[],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(app.store.project_members(id).await.unwrap().is_empty());
}

/// Regression: two people editing the same project at once; the later save rewrote every field
/// from its stale form and the other change disappeared. Now the later save gets a 409 page
/// that compares both versions field by field, keeps what was typed and carries the new
/// version, so that saving again is a deliberate overwrite.
#[tokio::test]
async fn regression_a_stale_project_save_shows_both_versions_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let id = app.project("Falls", member.id).await;
    let path = format!("/projects/{id}/edit");
    // Both open the form at version 1.
    let (_, html) = member.get(&app, &path).await;
    assert!(html.contains("name=\"version\" value=\"1\""), "{html}");

    // One saves a new aim.
    let mut theirs = project_form("Falls", "Halve falls by June 2026");
    theirs.push(("version", "1"));
    let res = member.post(&app, &path, &theirs).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // The other, from the same version, changes the sponsor only.
    let mut mine = project_form("Falls", "Reduce falls by 30% by March 2026");
    mine.retain(|(k, _)| *k != "sponsor");
    mine.push(("sponsor", "Medical Director"));
    mine.push(("version", "1"));
    let res = member.post(&app, &path, &mine).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<title>Changed by someone else: Edit project"),
        "{html}"
    );
    assert!(html.contains("Someone else changed this project while you were editing it"));
    // Field by field: theirs beside mine, only where they differ.
    assert!(html.contains("<th scope=\"row\">Aim</th><td data-label=\"Saved now by someone else\">Halve falls by June 2026</td><td data-label=\"Your version\">Reduce falls by 30% by March 2026</td>"), "{html}");
    assert!(html.contains("<th scope=\"row\">Sponsor</th>"));
    assert!(!html.contains("<th scope=\"row\">Title</th>"));
    // What was typed stays in the form, which now carries version 2.
    assert!(html.contains("value=\"Medical Director\""));
    assert!(html.contains("name=\"version\" value=\"2\""));
    // Nothing of mine was written; theirs is intact.
    let stored = app.store.project(id).await.unwrap().unwrap();
    assert_eq!(stored.aim, "Halve falls by June 2026");
    assert_eq!(
        stored.sponsor, "Director of Nursing",
        "their form's sponsor"
    );
    assert_eq!(stored.version, gemba_domain::Version(2));

    // Saving again from the conflict page is a deliberate overwrite.
    mine.retain(|(k, _)| *k != "version");
    mine.push(("version", "2"));
    let res = member.post(&app, &path, &mine).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let stored = app.store.project(id).await.unwrap().unwrap();
    assert_eq!(stored.sponsor, "Medical Director");
    assert_eq!(stored.aim, "Reduce falls by 30% by March 2026");

    // A form without a version cannot overwrite blindly either.
    let res = member
        .post(&app, &path, &project_form("Falls", "Blind"))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(
        app.store.project(id).await.unwrap().unwrap().aim,
        "Reduce falls by 30% by March 2026"
    );
}

/// A driver node saved from a stale diagram shows the other person's text beside one's own;
/// a stale delete is refused with a 409 page and deletes nothing.
#[tokio::test]
async fn a_stale_driver_node_save_or_delete_is_a_conflict() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let id = app.project("Falls", member.id).await;
    let node = app
        .store
        .add_driver_node(
            id,
            None,
            gemba_domain::DriverKind::Primary,
            "Safe staffing",
            member.id,
        )
        .await
        .unwrap();
    let edit = format!("/projects/{id}/drivers/{node}/edit");
    let res = member
        .post(
            &app,
            &edit,
            &[("text", "Safe staffing at night"), ("version", "1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = member
        .post(&app, &edit, &[("text", "Enough nurses"), ("version", "1")])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Someone else changed this primary driver"),
        "{html}"
    );
    assert!(html.contains("Safe staffing at night</td>"));
    assert!(html.contains("value=\"Enough nurses\""));
    assert!(html.contains("name=\"version\" value=\"2\""));
    let res = member
        .post(
            &app,
            &format!("/projects/{id}/drivers/{node}/delete"),
            &[("version", "1"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let nodes = app.store.driver_nodes(id).await.unwrap();
    assert_eq!(nodes.len(), 1);
    assert_eq!(nodes[0].text, "Safe staffing at night");
}

/// Regression: a form sent back for an invalid field carried the version stored by then, so
/// that fixing the field and saving again silently overwrote a change made meanwhile. It keeps
/// the version it was loaded with.
#[tokio::test]
async fn regression_fixing_an_invalid_field_never_skips_a_conflict() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let id = app.project("Falls", member.id).await;
    let path = format!("/projects/{id}/edit");
    // Someone saves while I edit version 1.
    let mut theirs = project_form("Falls", "Halve falls by June 2026");
    theirs.push(("version", "1"));
    assert_eq!(
        member.post(&app, &path, &theirs).await.status(),
        StatusCode::SEE_OTHER
    );
    // My save has an empty title: sent back with my version, 1.
    let mut mine = project_form("", "My aim");
    mine.push(("version", "1"));
    let res = member.post(&app, &path, &mine).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("name=\"version\" value=\"1\""), "{html}");
    // Fixed and saved again: a conflict, not an overwrite.
    let mut fixed = project_form("Falls", "My aim");
    fixed.push(("version", "1"));
    let res = member.post(&app, &path, &fixed).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(
        app.store.project(id).await.unwrap().unwrap().aim,
        "Halve falls by June 2026"
    );
}

/// The history page words each kind of record the store keeps as a sentence: project fields,
/// driver diagram nodes, measure settings, data written, removed and put back, PDSA cycles,
/// the team, deletes and restores; the records of one change make one sentence.
#[tokio::test]
async fn the_history_page_words_every_kind_of_change() {
    let app = spawn_app().await;
    let member = app.user("member@a.nhs.uk").await;
    let s = &*app.store;
    let id = app.project("Falls on Ward 7", member.id).await;
    let mut f = ProjectFields {
        title: NonEmpty::parse("title", "Falls on Ward 7").unwrap(),
        problem: "Too many falls at night".to_owned(),
        aim: "Reduce falls by 30% by March 2026".to_owned(),
        method: "Model for Improvement".to_owned(),
        status: ProjectStatus::Testing,
        team: None,
        sponsor: "Chief Nurse".to_owned(),
        tags: vec!["falls".to_owned()],
        private: false,
    };
    f.aim = "Reduce falls by 50% by March 2026".into();
    f.status = ProjectStatus::Spreading;
    f.problem = "Falls at night and weekends".into();
    let v = s.project(id).await.unwrap().unwrap().version;
    s.update_project(id, &f, v, member.id).await.unwrap();
    let node = s
        .add_driver_node(
            id,
            None,
            gemba_domain::DriverKind::Primary,
            "Safe staffing",
            member.id,
        )
        .await
        .unwrap();
    let v = s.driver_node(node).await.unwrap().unwrap().version;
    s.update_driver_node(node, "Safe staffing at night", v, member.id)
        .await
        .unwrap();
    let mut mf = MeasureFields {
        name: NonEmpty::parse("name", "Falls").unwrap(),
        kind: MeasureType::Outcome,
        definition: String::new(),
        unit: "falls".to_owned(),
        data_source: String::new(),
        denominator_label: String::new(),
        chart: ChartSettings {
            chart: ChartType::Xmr,
            improvement: Improvement::Decrease,
            target: Some(4.5),
            rules: "mdc".to_owned(),
            rebase: vec![],
            fix_after: None,
            period: Period::Month,
            multiplier: gemba_domain::Multiplier::ONE,
        },
    };
    let m = s.create_measure(id, &mf, member.id).await.unwrap();
    mf.chart.chart = ChartType::Run;
    mf.chart.target = None;
    let v = s.measure(m).await.unwrap().unwrap().version;
    s.update_measure(m, &mf, v, member.id).await.unwrap();
    let day = |d| NaiveDate::from_ymd_opt(2024, 1, d).unwrap();
    let pt = |d, v| DataPoint {
        date: day(d),
        value: Some(v),
        denominator: None,
    };
    s.put_data(m, &[pt(1, 3.0), pt(2, 4.0)], member.id)
        .await
        .unwrap();
    s.put_data(m, &[pt(1, 5.0)], member.id).await.unwrap();
    s.delete_data_point(m, day(2), member.id).await.unwrap();
    let removed = s.data_revisions(m).await.unwrap()[0].id;
    s.restore_data_revision(m, removed, member.id)
        .await
        .unwrap();
    let mut pf = gemba_domain::PdsaFields {
        title: "Night rounds".into(),
        ..Default::default()
    };
    let cycle = s.create_pdsa(id, &pf, member.id).await.unwrap();
    pf.title = "Hourly night rounds".into();
    pf.act = Some(gemba_domain::ActDecision::Adopt);
    let v = s.pdsa(cycle).await.unwrap().unwrap().version;
    s.update_pdsa(cycle, &pf, v, member.id).await.unwrap();
    let partner = common::user_id(s, "patient@a.nhs.uk").await;
    s.add_project_member(id, partner, member.id).await.unwrap();
    s.delete_measure(m, None, member.id).await.unwrap();
    s.restore_measure(m, member.id).await.unwrap();

    let (status, html) = member.get(&app, &format!("/projects/{id}/history")).await;
    assert_eq!(status, StatusCode::OK);
    let expected = [
        "restored measure “Falls”",
        "deleted measure “Falls”",
        "added Pat Partner to the project team",
        "renamed PDSA cycle “Night rounds” to “Hourly night rounds” and changed the decision \
         from none to adopt",
        "added PDSA cycle “Night rounds”",
        "put back the 2024-01-02 point (value 4) of “Falls”",
        "removed the 2024-01-02 point (value 4) of “Falls”",
        "imported 1 data point into “Falls”, replacing the 2024-01-01 point (value 3)",
        "imported 2 data points into “Falls”",
        "changed the chart type from XmR chart to Run chart and the target from 4.5 to none of \
         measure “Falls”",
        "added measure “Falls”",
        "changed primary driver “Safe staffing” to “Safe staffing at night”",
        "added primary driver “Safe staffing”",
        "changed the problem, the aim from “Reduce falls by 30% by March 2026” to “Reduce falls \
         by 50% by March 2026” and the status from testing to spreading",
        "created the project",
    ];
    // Each sentence once, newest first, in its own table cell.
    let mut from = 0;
    for sentence in expected {
        let cell = format!("<td>{sentence}</td>");
        let at = html[from..]
            .find(&cell)
            .unwrap_or_else(|| panic!("{sentence} after byte {from}: {html}"));
        from += at + cell.len();
    }
    assert_eq!(
        html.matches("<tr><td>").count(),
        expected.len(),
        "one row each: {html}"
    );
    assert!(html.contains("Mo Member"));
}

/// Issue 9 regression: the forms capped method and unit at 100 characters and sponsor at 200
/// while the API took 10,000, so a project or measure made through the API could not be saved
/// again in the browser. With one set of limits, what the API took, the forms take back
/// unchanged.
#[tokio::test]
async fn regression_what_the_api_made_is_saved_again_through_the_forms() {
    let app = spawn_app().await;
    let lead = app.user("lead@a.nhs.uk").await;
    let token = common::api_token(&*app.store, lead.id).await;
    let api = common::Api::new(&app.base);
    // Long but valid: 150 and 200 characters, plain text so the page shows them verbatim.
    let method = format!("Model for Improvement with {}", "a".repeat(123));
    let sponsor = "s".repeat(200);
    let unit = format!("falls per 1,000 occupied bed days {}", "b".repeat(166));
    assert_eq!((method.len(), unit.len()), (150, 200));
    let r = api
        .post(
            "/projects",
            &token,
            serde_json::json!({"title": "Night falls", "method": method, "sponsor": sponsor,
                               "status": "testing", "tags": ["falls"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let pid = r.body["id"].as_i64().unwrap();
    let r = api
        .post(
            &format!("/projects/{pid}/measures"),
            &token,
            serde_json::json!({"name": "Falls", "type": "outcome", "chart": "u",
                               "unit": unit, "multiplier": 1000}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let mid = r.body["id"].as_i64().unwrap();

    // The project's edit form shows the values; posted back as they are, they are saved.
    let before = app.store.project(ProjectId(pid)).await.unwrap().unwrap();
    let (_, html) = lead.get(&app, &format!("/projects/{pid}/edit")).await;
    assert!(
        html.contains(&format!("<option value=\"{method}\" selected>")),
        "{html}"
    );
    assert!(html.contains(&format!("value=\"{sponsor}\"")));
    let version = before.version.to_string();
    let form = [
        ("title", "Night falls"),
        ("problem", ""),
        ("aim", ""),
        ("method", &method),
        ("status", "testing"),
        ("team", ""),
        ("sponsor", &sponsor),
        ("tags", "falls"),
        ("version", &version),
    ];
    let res = lead
        .post(&app, &format!("/projects/{pid}/edit"), &form)
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let after = app.store.project(ProjectId(pid)).await.unwrap().unwrap();
    assert_eq!(after.method, method);
    assert_eq!(after.sponsor, sponsor);
    assert_eq!(after.title, before.title);

    // The measure's edit form likewise.
    let (_, html) = lead.get(&app, &format!("/measures/{mid}/edit")).await;
    assert!(html.contains(&format!("value=\"{unit}\"")));
    let m = app
        .store
        .measure(gemba_domain::MeasureId(mid))
        .await
        .unwrap()
        .unwrap();
    let version = m.version.to_string();
    let form = [
        ("name", "Falls"),
        ("kind", "outcome"),
        ("definition", ""),
        ("unit", &unit),
        ("data_source", ""),
        ("denominator_label", ""),
        ("chart", "u"),
        ("multiplier", "1000"),
        ("improvement", "increase"),
        ("target", ""),
        ("rules", "mdc"),
        ("period", "month"),
        ("version", &version),
    ];
    let res = lead
        .post(&app, &format!("/measures/{mid}/edit"), &form)
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let after = app
        .store
        .measure(gemba_domain::MeasureId(mid))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.unit, unit);
    assert_eq!(after.chart, m.chart);

    // One more than the limit is refused in the form's words.
    let long = "m".repeat(201);
    let mut too_long = form.to_vec();
    too_long.retain(|(k, _)| *k != "unit");
    too_long.push(("unit", &long));
    let res = lead
        .post(&app, &format!("/measures/{mid}/edit"), &too_long)
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Unit must be 200 characters or fewer"));
}

/// Issue 9 regression, through the page: a cycle whose change idea and earlier cycle were
/// deleted since is updated through its edit form, which offers both (marked deleted) and
/// keeps them; choosing another live idea still works.
#[tokio::test]
async fn regression_the_pdsa_form_keeps_links_to_what_was_deleted() {
    let app = spawn_app().await;
    let lead = app.user("lead@a.nhs.uk").await;
    let p = app.project("Night falls", lead.id).await;
    let store = &app.store;
    // Safe nights → Rounds → Bay rounds at 2am (the change idea).
    let mut parent = None;
    for (kind, text) in [
        (gemba_domain::DriverKind::Primary, "Safe nights"),
        (gemba_domain::DriverKind::Secondary, "Rounds"),
        (gemba_domain::DriverKind::ChangeIdea, "Bay rounds at 2am"),
    ] {
        let id = store
            .add_driver_node(p, parent, kind, text, lead.id)
            .await
            .unwrap();
        parent = Some(id);
    }
    let idea = parent.unwrap();
    let cycle = |title: &str, follows, change_idea| gemba_domain::PdsaFields {
        title: title.into(),
        start_date: NaiveDate::from_ymd_opt(2025, 1, 6),
        follows,
        change_idea,
        ..gemba_domain::PdsaFields::default()
    };
    let first = store
        .create_pdsa(p, &cycle("Cycle 1", None, None), lead.id)
        .await
        .unwrap();
    let second = store
        .create_pdsa(p, &cycle("Cycle 2", Some(first), Some(idea)), lead.id)
        .await
        .unwrap();
    store.delete_driver_node(idea, None, lead.id).await.unwrap();
    store.delete_pdsa(first, None, lead.id).await.unwrap();

    let (status, html) = lead.get(&app, &format!("/pdsa/{second}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!(
            "<option value=\"{idea}\" selected>Bay rounds at 2am (deleted)</option>"
        )),
        "{html}"
    );
    assert!(html.contains(&format!(
        "<option value=\"{first}\" selected>Cycle 1 (deleted)</option>"
    )));
    let version = store
        .pdsa(second)
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string();
    let (idea_s, first_s) = (idea.to_string(), first.to_string());
    let form = [
        ("title", "Cycle 2"),
        ("start_date", "2025-01-06"),
        ("change_idea", idea_s.as_str()),
        ("follows", first_s.as_str()),
        ("objective", ""),
        ("prediction", ""),
        ("plan", ""),
        ("data_plan", ""),
        ("do_notes", "Ran every night"),
        ("study", "Two falls fewer"),
        ("act", "adopt"),
        ("act_notes", ""),
        ("version", &version),
    ];
    let res = lead
        .post(&app, &format!("/pdsa/{second}/edit"), &form)
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let saved = store.pdsa(second).await.unwrap().unwrap();
    assert_eq!(saved.fields.study, "Two falls fewer");
    assert_eq!(saved.fields.change_idea, Some(idea));
    assert_eq!(saved.fields.follows, Some(first));
}
