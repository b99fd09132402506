//! Patient and carer involvement end to end: recorded on a project's page (and through the
//! API) by whoever may edit the project, versioned (a stale save is refused with a notice, 409;
//! `If-Match` 412), in the project's history, shown on the project's page; a board viewer may
//! not record it (403) and nobody of another organisation sees it (404).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use common::{location, Api, User};
use gemba_domain::{NonEmpty, OrgId, ProjectFields, ProjectId, ProjectStatus, Role, Store};
use reqwest::{Method, StatusCode};
use serde_json::json;

struct Seeds {
    org_a: OrgId,
    project: ProjectId,
    partner: User,
    partner_token: String,
    member: User,
    member_token: String,
    board: User,
    board_token: String,
    outsider_token: String,
}

type App = common::App<Seeds>;

fn fields(title: &str) -> ProjectFields {
    ProjectFields {
        title: NonEmpty::parse("title", title).unwrap(),
        problem: String::new(),
        aim: String::new(),
        method: "Model for Improvement".into(),
        status: ProjectStatus::Testing,
        team: None,
        sponsor: String::new(),
        tags: vec![],
        private: false,
    }
}

async fn spawn_app() -> App {
    let store = common::in_memory().await;
    let orgs = common::northshire_and_southshire(&*store).await;
    let hash = common::password_hash();
    let ids = common::add_users(
        &*store,
        &hash,
        &[
            (
                "partner@a.nhs.uk",
                "Pat Partner",
                orgs.org_a,
                Role::PatientPartner,
            ),
            ("member@a.nhs.uk", "Mo Member", orgs.org_a, Role::Member),
            ("board@a.nhs.uk", "Bo Board", orgs.org_a, Role::BoardViewer),
            ("member@b.nhs.uk", "Sam South", orgs.org_b, Role::Member),
        ],
    )
    .await;
    let project = store
        .create_project(orgs.org_a, &fields("Falls on Ward 7"), ids[1])
        .await
        .unwrap();
    let base = common::serve(store.clone(), |_| {}).await;
    let seeds = Seeds {
        org_a: orgs.org_a,
        project,
        partner: common::signed_in(&*store, &base, "partner@a.nhs.uk").await,
        partner_token: common::api_token(&*store, ids[0]).await,
        member: common::signed_in(&*store, &base, "member@a.nhs.uk").await,
        member_token: common::api_token(&*store, ids[1]).await,
        board: common::signed_in(&*store, &base, "board@a.nhs.uk").await,
        board_token: common::api_token(&*store, ids[2]).await,
        outsider_token: common::api_token(&*store, ids[3]).await,
    };
    common::App { base, store, seeds }
}

#[tokio::test]
async fn involvement_is_recorded_on_the_page_versioned_and_in_the_history() {
    let app = spawn_app().await;
    let page = format!("/projects/{}/involvement", app.project);
    // Before anything is recorded: "None yet", and the project page says so.
    let (status, html) = app
        .member
        .get(&app, &format!("/projects/{}", app.project))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Patients and carers"));
    assert!(html.contains("None yet"));
    assert!(html.contains("does not count as one with patient partners yet"));
    let (status, html) = app.member.get(&app, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"name="version" value="0""#));
    assert!(html.contains("Carer representative"));

    // A bad level and a date in the future are both named.
    let r = app
        .member
        .post(
            &app,
            &page,
            &[
                ("version", "0"),
                ("level", "devolve"),
                ("involved_since", "2999-01-01"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(html.contains("There is a problem"));
    assert!(html.contains("Must not be in the future"), "{html}");

    // A member records co-production with two roles.
    let form = [
        ("version", "0"),
        ("level", "co_produce"),
        ("patient_roles", "team_member"),
        ("patient_roles", "carer_representative"),
        ("involved_since", "2025-10-01"),
        ("note", "Two carers design the changes with us"),
    ];
    let r = app.member.post(&app, &page, &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), format!("{page}?saved=1"));
    let (_, html) = app
        .member
        .get(&app, &format!("/projects/{}", app.project))
        .await;
    assert!(html.contains("Co-produce"));
    assert!(html.contains("Member of the project team; Carer representative"));
    assert!(html.contains("counts as one with patient partners"));
    let (_, html) = app
        .member
        .get(&app, &format!("/projects/{}/history", app.project))
        .await;
    assert!(
        html.contains("how patients and carers are involved from none yet to co-produce"),
        "{html}"
    );

    // The same form again (version 0) is stale: refused with the notice, nothing lost.
    let r = app.partner.post(&app, &page, &form).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains("Someone else changed this record of patient and carer involvement"));
    assert!(html.contains(r#"name="version" value="1""#));

    // A board viewer reads it but may not record it.
    let (status, html) = app.board.get(&app, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Co-produce") && !html.contains("<form method=\"post\" action=\"/projects")
    );
    let r = app
        .board
        .post(&app, &page, &[("version", "1"), ("level", "inform")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn involvement_through_the_api() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let path = format!("/projects/{}/involvement", app.project);
    let r = api.get(&path, &app.member_token).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["level"], "none_yet");
    assert_eq!(r.body["version"], 0);
    assert_eq!(r.body["partnered"], false);
    assert_eq!(r.etag.as_deref(), Some("\"0\""));
    // An If-Match naming a version it never had: 412 with the record as stored, ETag "0".
    let r = api
        .send(
            api.req(Method::PUT, &path, Some(&app.member_token))
                .header("If-Match", "\"1\"")
                .json(&json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.body);
    assert_eq!(r.etag.as_deref(), Some("\"0\""));

    // Every problem by field.
    let r = api
        .call_unchecked(
            Method::PUT,
            &path,
            &app.member_token,
            json!({"level": "devolve", "patient_roles": ["mascot"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    let r = api
        .put(
            &path,
            &app.partner_token,
            json!({"level": "consult", "patient_roles": ["tests_changes"], "note": "Surveys"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["level"], "consult");
    assert_eq!(r.body["level_label"], "Consult");
    assert_eq!(r.body["patient_roles"][0]["name"], "tests_changes");
    assert_eq!(r.body["version"], 1);
    assert_eq!(r.body["updated_by"], "Pat Partner");
    // Consult is not partnership, and the partner is not on the team yet.
    assert_eq!(r.body["partnered"], false);

    // Absent fields are kept; an old If-Match is 412 with the record as stored.
    let put_if = |tag: &'static str| {
        api.req(Method::PUT, &path, Some(&app.member_token))
            .header("If-Match", tag)
            .json(&json!({"level": "involve"}))
    };
    let r = api.send(put_if("\"1\"")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["note"], "Surveys");
    assert_eq!(r.body["partnered"], true);
    assert_eq!(r.body["version"], 2);
    let stale = api.send(put_if("\"1\"")).await;
    assert_eq!(
        stale.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        stale.body
    );

    // The patient partner on the team is named.
    let partner = app.partner.id;
    app.store
        .add_project_member(app.project, partner, partner)
        .await
        .unwrap();
    let r = api.get(&path, &app.member_token).await;
    assert_eq!(r.body["patient_partners"], json!(["Pat Partner"]));

    // A board viewer: 403; another organisation: 404.
    let r = api
        .put(&path, &app.board_token, json!({"level": "inform"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = api.get(&path, &app.board_token).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = api.get(&path, &app.outsider_token).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = api
        .put(&path, &app.outsider_token, json!({"level": "inform"}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let _ = app.org_a;
}

#[tokio::test]
async fn a_patient_partner_sees_their_projects_in_plain_words() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    // Not on a team yet: nothing listed, and the dashboard links the view.
    let (status, html) = app.partner.get(&app, "/my-projects").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("You are not on a project&#39;s team yet")
            || html.contains("You are not on a project's team yet")
    );
    let (_, html) = app.partner.get(&app, "/").await;
    assert!(html.contains(r#"href="/my-projects""#));
    let (_, html) = app.member.get(&app, "/").await;
    assert!(!html.contains(r#"href="/my-projects""#));

    let partner = app.partner.id;
    app.store
        .add_project_member(app.project, partner, partner)
        .await
        .unwrap();
    let cycle = gemba_domain::PdsaFields {
        title: "Bedside falls plan on bay 2".into(),
        start_date: chrono::NaiveDate::from_ymd_opt(2026, 3, 2),
        ..gemba_domain::PdsaFields::default()
    };
    app.store
        .create_pdsa(app.project, &cycle, partner)
        .await
        .unwrap();
    let (status, html) = app.partner.get(&app, "/my-projects").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Falls on Ward 7"));
    assert!(html.contains("Bedside falls plan on bay 2"));
    assert!(html.contains("started 2 March 2026"));
    assert!(html.contains("still being tested"));
    assert!(html.contains("No measures yet."));
    assert!(html.contains("added PDSA cycle"), "{html}");
    assert!(
        html.contains("added Pat Partner to the project team"),
        "{html}"
    );

    let r = api.get("/me/projects", &app.partner_token).await;
    assert_eq!(r.status, StatusCode::OK);
    let mine = r.body.as_array().unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["title"], "Falls on Ward 7");
    assert_eq!(mine[0]["involvement"], "none_yet");
    assert_eq!(mine[0]["cycles"][0]["title"], "Bedside falls plan on bay 2");
    assert_eq!(mine[0]["cycles"][0]["start_date"], "2026-03-02");
    assert_eq!(mine[0]["cycles"][0]["act"], serde_json::Value::Null);
    assert_eq!(
        mine[0]["recent"].as_array().unwrap().len(),
        3,
        "created, joined, cycle added"
    );
    // Someone on no team sees none; another organisation's person none of these.
    let r = api.get("/me/projects", &app.board_token).await;
    assert_eq!(r.body, json!([]));
    let r = api.get("/me/projects", &app.outsider_token).await;
    assert_eq!(r.body, json!([]));
}

#[tokio::test]
async fn the_share_of_projects_with_patient_partners_by_team_and_month() {
    use chrono::Datelike;
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let today = chrono::Utc::now().date_naive();
    let this_month = chrono::NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap();
    let months_ago = |n: u32| {
        this_month
            .checked_sub_months(chrono::Months::new(n))
            .unwrap()
    };
    // The first project co-produces since two months ago; a second, on Ward 7, started now
    // without patient partners.
    let ward7 = app.store.create_team(app.org_a, "Ward 7").await.unwrap();
    let member = common::user_id(&*app.store, "member@a.nhs.uk").await;
    app.store
        .create_project(
            app.org_a,
            &ProjectFields {
                team: Some(ward7),
                ..fields("Discharge letters")
            },
            member,
        )
        .await
        .unwrap();
    let since = months_ago(2).to_string();
    let r = api
        .put(
            &format!("/projects/{}/involvement", app.project),
            &app.member_token,
            json!({"level": "co_produce", "involved_since": since}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // By hand: two months ago and last month, only the first project is under way, with
    // partners: 1 of 1 (100%); this month both: 1 of 2 (50%). Now: 1 of 2 overall; Ward 7 0 of
    // 1; no team 1 of 1.
    let path = format!("/organisations/{}/involvement", app.org_a);
    let r = api.get(&path, &app.board_token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body["overall"],
        json!({"with": 1, "of": 2, "percent": 50})
    );
    assert_eq!(
        r.body["by_team"],
        json!([
            {"team_id": ward7.0, "team_name": "Ward 7", "with": 0, "of": 1, "percent": 0},
            {"team_id": null, "team_name": "No team", "with": 1, "of": 1, "percent": 100}
        ])
    );
    let months: Vec<(String, i64, i64)> = r.body["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["month"].as_str().unwrap().to_owned(),
                m["with"].as_i64().unwrap(),
                m["of"].as_i64().unwrap(),
            )
        })
        .collect();
    let ym = |d: chrono::NaiveDate| d.format("%Y-%m").to_string();
    assert_eq!(
        months,
        [
            (ym(months_ago(2)), 1, 1),
            (ym(months_ago(1)), 1, 1),
            (ym(this_month), 1, 2)
        ]
    );
    // Too few months for a runs analysis to find anything, but the chart is the engine's.
    assert_eq!(r.body["run_chart"]["signal"], false);
    assert_eq!(r.body["run_chart"]["median"], 100.0);

    let (status, html) = app
        .board
        .get(&app, &format!("/orgs/{}/involvement", app.org_a))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("1 of 2 (50%)"));
    assert!(html.contains("Ward 7") && html.contains("0 of 1 (0%)"));
    assert!(html.contains("<svg"), "the run chart");
    assert!(html.contains("<table"), "the figures as a table");

    // The board self-assessment counts the co-produced project as one with patient partners.
    let r = api
        .post(
            &format!("/organisations/{}/assessments", app.org_a),
            &app.board_token,
            json!({"title": "Board development", "date": today.to_string()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let r = api
        .get(&format!("/assessments/{id}"), &app.board_token)
        .await;
    assert_eq!(r.body["evidence"]["with_patient_partner"], 1);
    assert_eq!(r.body["evidence"]["active_projects"], 2);

    // Another organisation's people: not found.
    let r = api.get(&path, &app.outsider_token).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn engagement_is_the_share_of_staff_taking_part_by_month() {
    use chrono::Datelike;
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let today = chrono::Utc::now().date_naive();
    let this_month = chrono::NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap();
    let months_ago = |n: u32| {
        this_month
            .checked_sub_months(chrono::Months::new(n))
            .unwrap()
    };
    let member = common::user_id(&*app.store, "member@a.nhs.uk").await;
    let board = common::user_id(&*app.store, "board@a.nhs.uk").await;
    // The member logs a cycle that started two months ago, joins the project's team now and is
    // on a Ward 7 project; the patient partner joins too (not staff); the board viewer only
    // supports an idea, this month.
    app.store
        .create_pdsa(
            app.project,
            &gemba_domain::PdsaFields {
                title: "Bedside falls plan".into(),
                start_date: Some(months_ago(2)),
                ..gemba_domain::PdsaFields::default()
            },
            member,
        )
        .await
        .unwrap();
    for u in [member, app.partner.id] {
        app.store
            .add_project_member(app.project, u, u)
            .await
            .unwrap();
    }
    let ward7 = app.store.create_team(app.org_a, "Ward 7").await.unwrap();
    let p2 = app
        .store
        .create_project(
            app.org_a,
            &ProjectFields {
                team: Some(ward7),
                ..fields("Discharge letters")
            },
            member,
        )
        .await
        .unwrap();
    app.store
        .add_project_member(p2, member, member)
        .await
        .unwrap();
    let idea = app
        .store
        .create_idea(
            app.org_a,
            None,
            &gemba_domain::IdeaText {
                problem: "Falls data reach the board late".into(),
                idea: "A weekly count".into(),
                area: String::new(),
            },
            app.partner.id,
        )
        .await
        .unwrap();
    app.store.set_idea_support(idea, board, true).await.unwrap();

    // By hand: staff are the member and the board viewer (2). Two months ago the member (the
    // cycle): 1 of 2; last month nobody: 0 of 2; this month both (the member on the teams, the
    // board viewer's support): 2 of 2. Ward 7's staff: the member: 1 of 1, 0 of 1, 1 of 1.
    let r = api
        .get(
            &format!("/organisations/{}/engagement", app.org_a),
            &app.member_token,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["staff"], 2);
    let shares = |v: &serde_json::Value| -> Vec<(String, i64, i64)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["month"].as_str().unwrap().to_owned(),
                    m["with"].as_i64().unwrap(),
                    m["of"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let ym = |d: chrono::NaiveDate| d.format("%Y-%m").to_string();
    assert_eq!(
        shares(&r.body["months"]),
        [
            (ym(months_ago(2)), 1, 2),
            (ym(months_ago(1)), 0, 2),
            (ym(this_month), 2, 2)
        ]
    );
    assert_eq!(r.body["teams"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["teams"][0]["team_name"], "Ward 7");
    assert_eq!(r.body["teams"][0]["staff"], 1);
    assert_eq!(
        shares(&r.body["teams"][0]["months"]),
        [
            (ym(months_ago(2)), 1, 1),
            (ym(months_ago(1)), 0, 1),
            (ym(this_month), 1, 1)
        ]
    );
    assert!(r.body["run_chart"]["median"].is_number());

    let (status, html) = app
        .partner
        .get(&app, &format!("/orgs/{}/engagement", app.org_a))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("This month: <strong>2 of 2 (100%)</strong>"),
        "{html}"
    );
    assert!(html.contains("Ward 7"));
    assert!(html.contains("<svg"));
    let r = api
        .get(
            &format!("/organisations/{}/engagement", app.org_a),
            &app.outsider_token,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
