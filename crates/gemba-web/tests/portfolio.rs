//! Strategic priorities and the portfolio end to end: an improvement lead sets the
//! organisation's and the system's priorities, projects are linked to them, and everyone reads
//! the portfolio by priority, filtered, as a page, a CSV and JSON; another trust of the same
//! system shares the system's priorities and nothing else.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use common::{location, Api, User};
use gemba_domain::{OrgId, Role, Store};
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Seeds {
    org_a: OrgId,
    org_c: OrgId,
    coach: User,
    member: User,
    coach_token: String,
    member_token: String,
    neighbour_token: String,
    outsider_token: String,
}

type App = common::App<Seeds>;

async fn spawn_app() -> App {
    let store = common::in_memory().await;
    let orgs = common::northshire_and_southshire(&*store).await;
    // A second trust of Northshire ICS.
    let org_c = store
        .create_org("Northshire Community Trust", Some("Northshire ICS"))
        .await
        .unwrap();
    let hash = common::password_hash();
    let ids = common::add_users(
        &*store,
        &hash,
        &[
            (
                "coach@a.nhs.uk",
                "Cora Coach",
                orgs.org_a,
                Role::ImprovementLead,
            ),
            ("member@a.nhs.uk", "Mo Member", orgs.org_a, Role::Member),
            (
                "lead@c.nhs.uk",
                "Nia Neighbour",
                org_c,
                Role::ImprovementLead,
            ),
            ("member@b.nhs.uk", "Sam South", orgs.org_b, Role::Member),
        ],
    )
    .await;
    let base = common::serve(store.clone(), |_| {}).await;
    let seeds = Seeds {
        org_a: orgs.org_a,
        org_c,
        coach: common::signed_in(&*store, &base, "coach@a.nhs.uk").await,
        member: common::signed_in(&*store, &base, "member@a.nhs.uk").await,
        coach_token: common::api_token(&*store, ids[0]).await,
        member_token: common::api_token(&*store, ids[1]).await,
        neighbour_token: common::api_token(&*store, ids[2]).await,
        outsider_token: common::api_token(&*store, ids[3]).await,
    };
    common::App { base, store, seeds }
}

async fn project(api: &Api, token: &str, org: OrgId, title: &str, status: &str) -> i64 {
    let r = api
        .post(
            "/projects",
            token,
            json!({"title": title, "org_id": org.0, "status": status, "method": "Model for Improvement"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["id"].as_i64().unwrap()
}

#[tokio::test]
async fn priorities_group_the_portfolio_and_the_system_shares_its_own() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let a = app.org_a.0;

    // The coach sets one priority of the trust and one of the system (through the page).
    let r = api
        .post(
            &format!("/organisations/{a}/priorities"),
            &app.coach_token,
            json!({"title": "Reduce avoidable harm from falls", "description": "Every ward."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["scope"], "organisation");
    let falls = r.body["id"].as_i64().unwrap();
    let res = app
        .coach
        .post(
            &app,
            &format!("/orgs/{a}/priorities"),
            &[("title", "Same-day emergency care"), ("scope", "system")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let listed = api
        .get(&format!("/organisations/{a}/priorities"), &app.member_token)
        .await;
    let titles: Vec<&str> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Same-day emergency care",
            "Reduce avoidable harm from falls"
        ],
        "the system's first"
    );
    let sdec = listed.body[0]["id"].as_i64().unwrap();
    assert_eq!(listed.body[0]["system"], "Northshire ICS");
    // A member may not set priorities; a blank title is named.
    let r = api
        .post(
            &format!("/organisations/{a}/priorities"),
            &app.member_token,
            json!({"title": "Mine"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = api
        .post(
            &format!("/organisations/{a}/priorities"),
            &app.coach_token,
            json!({"title": " "}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["error"]["field"], "title");

    // Projects: two serve falls (one active, one an idea), one serves nothing.
    let ward7 = project(
        &api,
        &app.member_token,
        app.org_a,
        "Falls on Ward 7",
        "testing",
    )
    .await;
    let idea = project(&api, &app.member_token, app.org_a, "Bed sensors", "idea").await;
    let other = project(
        &api,
        &app.member_token,
        app.org_a,
        "Discharge letters",
        "scoping",
    )
    .await;
    let r = api
        .put(
            &format!("/projects/{ward7}/priorities"),
            &app.member_token,
            json!({"priority_ids": [falls]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Through the project page's ticks.
    let (_, page) = app.member.get(&app, &format!("/projects/{idea}")).await;
    assert!(
        page.contains("The priorities this project serves"),
        "{page}"
    );
    let res = app
        .member
        .post(
            &app,
            &format!("/projects/{idea}/priorities"),
            &[("priority", &falls.to_string())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/projects/{idea}#priorities"));
    // A priority of another system is not one to link.
    let r = api
        .post(
            &format!("/organisations/{}/priorities", app.org_c.0),
            &app.neighbour_token,
            json!({"title": "Community only"}),
        )
        .await;
    let theirs = r.body["id"].as_i64().unwrap();
    let r = api
        .put(
            &format!("/projects/{other}/priorities"),
            &app.member_token,
            json!({"priority_ids": [theirs]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["error"]["field"], "priority_ids");

    // The portfolio: by stage, by priority; the system's priority has no active work.
    let p = api
        .get(&format!("/portfolio?org={a}"), &app.member_token)
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let o = &p.body["organisations"][0];
    assert_eq!(o["total"], 3);
    assert_eq!(
        (
            o["by_stage"]["testing"].as_i64(),
            o["by_stage"]["idea"].as_i64(),
            o["by_stage"]["scoping"].as_i64()
        ),
        (Some(1), Some(1), Some(1))
    );
    let groups: Vec<(&str, Vec<i64>, i64)> = o["priorities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["priority"]["title"].as_str().unwrap(),
                g["project_ids"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_i64().unwrap())
                    .collect(),
                g["active"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("Same-day emergency care", vec![], 0),
            // By title: "Bed sensors" (the idea, not active), then "Falls on Ward 7".
            ("Reduce avoidable harm from falls", vec![idea, ward7], 1),
        ]
    );
    // Each project's progress from its record: an aim and a team (the member who started it
    // leads it) but none of these has an aim, so each is at intent (0.5); made today with no
    // data or cycles, none has stalled.
    let first = &o["projects"][0];
    assert_eq!(
        (
            first["progress"].as_f64(),
            first["lead_score"].as_f64(),
            first["stalled"].as_bool()
        ),
        (Some(0.5), None, Some(false))
    );
    // Filters combine; a bad one is named.
    let p = api
        .get(
            &format!("/portfolio?org={a}&priority={falls}&status=testing"),
            &app.member_token,
        )
        .await;
    let ids: Vec<i64> = p.body["organisations"][0]["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [ward7]);
    let p = api
        .get(
            &format!("/portfolio?org={a}&priority=none"),
            &app.member_token,
        )
        .await;
    assert_eq!(p.body["organisations"][0]["projects"][0]["id"], other);
    let p = api
        .get("/portfolio?status=finished", &app.member_token)
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p.body["error"]["field"], "status");
    // Without `org`: each of the user's organisations; another's is not found.
    let p = api.get("/portfolio", &app.member_token).await;
    assert_eq!(p.body["organisations"].as_array().unwrap().len(), 1);
    let p = api
        .get(&format!("/portfolio?org={a}"), &app.outsider_token)
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);

    // The page and its CSV.
    let (status, page) = app.member.get(&app, &format!("/orgs/{a}/portfolio")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Priorities with no active work"), "{page}");
    assert!(page.contains("Falls on Ward 7"));
    let res = app
        .member
        .client
        .get(app.url(&format!("/orgs/{a}/portfolio.csv?priority={falls}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "a header and two projects: {csv}");
    assert!(lines[0].starts_with("project_id,title,stage,team,lead"));
    assert!(lines[2].contains("Falls on Ward 7,testing"), "{csv}");
    assert!(
        lines[2].contains("Reduce avoidable harm from falls"),
        "{csv}"
    );

    // Regression: text typed by users reached the CSV as is, so a title like a formula ran in
    // a spreadsheet; it now starts with a quote (CSV injection, as the CLI's exports do).
    project(
        &api,
        &app.member_token,
        app.org_a,
        "=HYPERLINK(\"http://x\")",
        "testing",
    )
    .await;
    let res = app
        .member
        .client
        .get(app.url(&format!("/orgs/{a}/portfolio.csv")))
        .send()
        .await
        .unwrap();
    let csv = res.text().await.unwrap();
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{csv}");

    // The neighbouring trust shares the system's priority, not the trust's own.
    let r = api
        .get(
            &format!("/organisations/{}/priorities", app.org_c.0),
            &app.neighbour_token,
        )
        .await;
    let theirs: Vec<&str> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(theirs, ["Same-day emergency care", "Community only"]);
    // Either trust's improvement lead may change the system's priority; a stale one is 412.
    let r = api
        .patch(
            &format!("/priorities/{sdec}"),
            &app.neighbour_token,
            json!({"description": "Shared across the ICS"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["version"], 2);
    let stale = api
        .req(
            reqwest::Method::PATCH,
            &format!("/priorities/{sdec}"),
            Some(&app.coach_token),
        )
        .header("If-Match", "\"1\"")
        .json(&json!({"title": "Mine"}));
    let r = api.send(stale).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.body);
    // The trust's own priority is not theirs to see.
    let r = api
        .patch(
            &format!("/priorities/{falls}"),
            &app.neighbour_token,
            json!({"title": "Mine"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Deleting a priority keeps its projects.
    let r = api
        .call(
            reqwest::Method::DELETE,
            &format!("/priorities/{falls}"),
            &app.coach_token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let p = api
        .get(&format!("/portfolio?org={a}"), &app.member_token)
        .await;
    assert_eq!(
        p.body["organisations"][0]["total"], 4,
        "the three and the formula-like one"
    );
    let _: &Value = &p.body;
}

/// A rapid improvement event held 61 days before today: its 30- and 60-day report-outs are due,
/// the 90-day one is not; writing one takes it off the dashboard's list.
#[tokio::test]
async fn a_rapid_improvement_event_reports_out_at_30_60_and_90_days() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let event = project(
        &api,
        &app.member_token,
        app.org_a,
        "Discharge week",
        "implementing",
    )
    .await;
    let today = chrono::Utc::now().date_naive();
    let held = today - chrono::Days::new(61);
    let r = api
        .put(
            &format!("/projects/{event}/event"),
            &app.member_token,
            json!({"event_date": held.to_string()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let states: Vec<(i64, &str, &str)> = r.body["report_outs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["day"].as_i64().unwrap(),
                x["due"].as_str().unwrap(),
                x["state"].as_str().unwrap(),
            )
        })
        .collect();
    let due = |days: u64| (held + chrono::Days::new(days)).to_string();
    assert_eq!(
        states,
        [
            (30, due(30).as_str(), "due"),
            (60, due(60).as_str(), "due"),
            (90, due(90).as_str(), "upcoming"),
        ]
    );
    let bad = api
        .put(
            &format!("/projects/{event}/event"),
            &app.member_token,
            json!({"event_date": "next week"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body["error"]["field"], "event_date");

    // The dashboard lists both due report-outs.
    let (_, page) = app.member.get(&app, "/").await;
    assert!(page.contains("Report-outs due"), "{page}");
    assert!(page.contains("Discharge week: 30-day report-out"), "{page}");
    // The team writes the 30-day one through the page (the template), then the API the 60-day.
    let form = format!("/projects/{event}/report-outs/30");
    let (status, html) = app.member.get(&app, &form).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Results on the charts"), "{html}");
    let res = app.member.post(&app, &form, &[("what_changed", "")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Enter what changed since the event"));
    let res = app
        .member
        .post(
            &app,
            &form,
            &[
                ("what_changed", "Discharge lounge open by 10am"),
                ("results", "Earlier discharges on both wards"),
                ("next_steps", "Weekend cover by March"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let r = api
        .put(
            &format!("/projects/{event}/report-outs/60"),
            &app.member_token,
            json!({"what_changed": "Held"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        (r.body["state"].as_str(), r.body["version"].as_i64()),
        (Some("written"), Some(1))
    );
    let stale = api
        .req(
            reqwest::Method::PUT,
            &format!("/projects/{event}/report-outs/60"),
            Some(&app.member_token),
        )
        .header("If-Match", "\"5\"")
        .json(&json!({"results": "Mine"}));
    let r = api.send(stale).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.body);
    let r = api
        .put(
            &format!("/projects/{event}/report-outs/45"),
            &app.member_token,
            json!({"what_changed": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = api
        .get(&format!("/projects/{event}/report-outs"), &app.member_token)
        .await;
    let states: Vec<&str> = r.body["report_outs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["written", "written", "upcoming"]);
    assert_eq!(
        r.body["report_outs"][0]["next_steps"],
        "Weekend cover by March"
    );
    let (_, page) = app.member.get(&app, "/").await;
    assert!(!page.contains("Report-outs due"), "nothing due now: {page}");
    // A project that is not an event has no report-outs to write.
    let plain = project(&api, &app.member_token, app.org_a, "Plain", "testing").await;
    let r = api
        .put(
            &format!("/projects/{plain}/report-outs/30"),
            &app.member_token,
            json!({"what_changed": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["error"]["field"], "day");
    // Another organisation's event is not found.
    let r = api
        .get(
            &format!("/projects/{event}/report-outs"),
            &app.outsider_token,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// Closing a project asks for its closing summary; the summary and the change package (the
/// change ideas adopted in PDSA cycles) go into the learning library.
#[tokio::test]
async fn a_closed_project_sums_up_what_it_learned_in_the_library() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let p = project(
        &api,
        &app.member_token,
        app.org_a,
        "Falls on Ward 9",
        "testing",
    )
    .await;
    // A change idea adopted after two cycles, another abandoned.
    let idea = |text: &str| {
        let api = &api;
        let token = app.member_token.clone();
        let text = text.to_owned();
        async move {
            let r = api
                .post(
                    &format!("/projects/{p}/driver-nodes"),
                    &token,
                    json!({"text": "Safer nights"}),
                )
                .await;
            let primary = r.body["id"].as_i64().unwrap();
            let r = api
                .post(
                    &format!("/projects/{p}/driver-nodes"),
                    &token,
                    json!({"text": "Rounding", "parent_id": primary}),
                )
                .await;
            let secondary = r.body["id"].as_i64().unwrap();
            let r = api
                .post(
                    &format!("/projects/{p}/driver-nodes"),
                    &token,
                    json!({"text": text, "parent_id": secondary}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            r.body["id"].as_i64().unwrap()
        }
    };
    let checks = idea("Hourly checks at night").await;
    let alarms = idea("Bed alarms").await;
    for (title, change, act) in [
        ("Checks on one bay", checks, "adapt"),
        ("Checks on the ward", checks, "adopt"),
        ("Alarms on two beds", alarms, "abandon"),
    ] {
        let r = api
            .post(
                &format!("/projects/{p}/pdsa-cycles"),
                &app.member_token,
                json!({"title": title, "start_date": "2026-03-01", "change_idea_id": change, "act": act}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    // Not closed yet: no summary.
    let r = api
        .put(
            &format!("/projects/{p}/closing"),
            &app.member_token,
            json!({"what_worked": "Checks"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["error"]["field"], "status");
    // Closing it through the edit form asks for the summary.
    let (_, form) = app.member.get(&app, &format!("/projects/{p}/edit")).await;
    let version = common::value_of(&form, "name=\"version\" value=\"");
    let res = app
        .member
        .post(
            &app,
            &format!("/projects/{p}/edit"),
            &[
                ("title", "Falls on Ward 9"),
                ("status", "closed"),
                ("method", "Model for Improvement"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    assert_eq!(location(&res), format!("/projects/{p}/closing?ask=1"));
    let (_, page) = app.member.get(&app, &location(&res)).await;
    assert!(page.contains("Sum up what it learned"), "{page}");
    let res = app
        .member
        .post(
            &app,
            &format!("/projects/{p}/closing"),
            &[
                ("what_worked", "Hourly checks at night"),
                ("what_did_not", "Bed alarms: too many false alarms"),
                ("results", "Falls halved"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // The API: the summary and the package (only the adopted idea, with both its cycles).
    let r = api
        .get(&format!("/projects/{p}/closing"), &app.member_token)
        .await;
    assert_eq!(r.body["what_worked"], "Hourly checks at night");
    assert_eq!(r.body["version"], 1);
    let package = r.body["change_package"].as_array().unwrap();
    assert_eq!(package.len(), 1);
    assert_eq!(package[0]["text"], "Hourly checks at night");
    let acts: Vec<&str> = package[0]["pdsa_cycles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["act"].as_str().unwrap())
        .collect();
    assert_eq!(acts, ["adapt", "adopt"]);
    // The library lists it, by tag too.
    let lib = api.get("/library", &app.member_token).await;
    assert_eq!(lib.status, StatusCode::OK, "{}", lib.body);
    assert_eq!(lib.body[0]["title"], "Falls on Ward 9");
    assert_eq!(lib.body[0]["closing"]["results"], "Falls halved");
    let lib = api.get("/library?tag=flow", &app.member_token).await;
    assert!(lib.body.as_array().unwrap().is_empty());
    let (_, page) = app.member.get(&app, "/library").await;
    assert!(page.contains("Bed alarms: too many false alarms"), "{page}");
    // Another organisation's library does not have it.
    let lib = api.get("/library", &app.outsider_token).await;
    assert!(lib.body.as_array().unwrap().is_empty());
}

fn close(a: &Value, b: f64) {
    let a = a.as_f64().unwrap();
    assert!((a - b).abs() < 1e-4, "{a} is not {b}");
}

/// Spread (issue 12 §4): a lead of another trust adopts a change package into their own trust;
/// the copy has the driver diagram and the measure's definition, not the data; the spread view
/// shows both on one axis with a funnel plot whose limits are worked out by hand, and someone
/// who cannot read the adopter sees it counted, not named.
#[tokio::test]
async fn a_change_package_is_adopted_and_its_spread_compared() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let coach = &app.coach_token;
    let neighbour = &app.neighbour_token;
    let source = project(
        &api,
        coach,
        app.org_a,
        "Fewer falls on Ward 7",
        "sustaining",
    )
    .await;
    let r = api
        .post(
            &format!("/projects/{source}/driver-nodes"),
            coach,
            json!({"text": "Help before patients try alone"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let primary = r.body["id"].as_i64().unwrap();
    let r = api
        .post(
            &format!("/projects/{source}/driver-nodes"),
            coach,
            json!({"text": "Predictable toileting at night", "parent_id": primary}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = api
        .post(
            &format!("/projects/{source}/measures"),
            coach,
            json!({"name": "Falls per 1,000 bed days", "type": "outcome", "chart": "u",
                   "multiplier": 1000, "period": "month", "improvement": "decrease",
                   "rebase": [{"date": "2025-02-01", "reason": "Rounding on every bay"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let falls = r.body["id"].as_i64().unwrap();
    let r = api
        .post(
            &format!("/measures/{falls}/data"),
            coach,
            json!([{"date": "2025-01-01", "value": 10, "denominator": 2000},
                   {"date": "2025-02-01", "value": 8, "denominator": 2000}]),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);

    // Southshire's member, outside the system, cannot read Trust A's project: not found.
    let adopt = format!("/projects/{source}/adopt");
    let r = api
        .post(
            &adopt,
            &app.outsider_token,
            json!({"organisation_id": app.org_c.0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    // Trust C's lead, of the same system, reads it and adopts it into Trust C.
    let lead_c = app
        .store
        .user_by_email(&gemba_domain::Email::parse("lead@c.nhs.uk").unwrap())
        .await
        .unwrap()
        .unwrap();
    for (body, field) in [
        (json!({}), "organisation_id"),
        (json!({"organisation_id": 987654}), "organisation_id"),
        (
            json!({"organisation_id": app.org_c.0, "team_id": 987654}),
            "team_id",
        ),
        (
            json!({"organisation_id": app.org_c.0, "title": "x".repeat(201)}),
            "title",
        ),
    ] {
        // Some break the schema on purpose; the server still names the field.
        let r = api.post_unchecked(&adopt, neighbour, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.body["error"]["field"], field, "{}", r.body);
    }
    let r = api
        .post(&adopt, neighbour, json!({"organisation_id": app.org_c.0}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["org_id"], app.org_c.0);
    assert_eq!(r.body["lead_id"], lead_c.id.0);
    assert_eq!(r.body["title"], "Fewer falls on Ward 7");
    assert_eq!(r.body["status"], "testing");
    let adopted = r.body["id"].as_i64().unwrap();
    let nodes = api
        .get(&format!("/projects/{adopted}/driver-nodes"), neighbour)
        .await;
    let nodes = nodes.body.as_array().unwrap();
    assert_eq!(nodes.len(), 2);
    assert_eq!(nodes[1]["parent_id"], nodes[0]["id"]);
    let measures = api
        .get(&format!("/projects/{adopted}/measures"), neighbour)
        .await;
    let copy = &measures.body[0];
    assert_eq!(copy["chart"], "u");
    assert_eq!(copy["multiplier"], 1000);
    assert_eq!(copy["rebase"], json!([]), "the source's rebase is its own");
    let copy_id = copy["id"].as_i64().unwrap();
    let data = api
        .get(&format!("/measures/{copy_id}/data"), neighbour)
        .await;
    assert_eq!(data.body, json!([]), "the data stay the source's");
    let r = api
        .post(
            &format!("/measures/{copy_id}/data"),
            neighbour,
            json!([{"date": "2025-02-01", "value": 12, "denominator": 1500}]),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);

    // The spread view, for someone who reads both. Totals over the window: A 18 / 4,000 (4.5
    // per 1,000), C 12 / 1,500 (8.0). θ = 30 / 5,500 = 5.454545 per 1,000; RC limits
    // θ·exp(∓z / (2√x)) (REFERENCE.md §5.2): at 4,000, 5.370679 and 5.539721 (95 %), 5.322903 and
    // 5.589443 (99.8 %); at 1,500, 5.318260 and 5.594323, 5.241221 and 5.676552.
    let view = api
        .get(&format!("/change-packages/{source}/spread"), neighbour)
        .await;
    assert_eq!(view.status, StatusCode::OK, "{}", view.body);
    let v = &view.body;
    assert_eq!(v["measure_id"], falls);
    assert_eq!(v["axis"], json!(["2025-01-01", "2025-02-01"]));
    assert_eq!(v["hidden_adopters"], 0);
    assert_eq!(v["projects"][0]["original"], true);
    assert_eq!(v["projects"][1]["project"]["id"], adopted);
    assert_eq!(v["projects"][1]["measure_id"], copy_id);
    // One axis: both series have a point for each month, the adopter's January empty.
    let points = v["projects"][1]["series"]["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    assert_eq!(points[0]["value"], Value::Null);
    let f = &v["funnel"];
    assert_eq!(f["type"], "rc");
    close(&f["target"], 5.454545);
    let (a, c) = (&f["groups"][0], &f["groups"][1]);
    close(&a["value"], 4.5);
    close(&c["value"], 8.0);
    close(&a["lower_95"], 5.370679);
    close(&a["upper_95"], 5.539721);
    close(&a["lower_998"], 5.322903);
    close(&a["upper_998"], 5.589443);
    close(&c["lower_95"], 5.318260);
    close(&c["upper_998"], 5.676552);
    assert_eq!(
        (&a["flag_998"], &c["flag_998"]),
        (&json!("low"), &json!("high"))
    );
    // Trust A's coach reads Trust C's adoption across the system, until Trust C makes it private:
    // then the adopter is counted, not named, and one organisation makes no funnel plot.
    let view = api
        .get(&format!("/change-packages/{source}/spread"), coach)
        .await;
    assert_eq!(view.body["projects"].as_array().unwrap().len(), 2);
    assert_eq!(view.body["hidden_adopters"], 0);
    let r = api
        .patch(
            &format!("/projects/{adopted}"),
            neighbour,
            json!({"private": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let view = api
        .get(&format!("/change-packages/{source}/spread"), coach)
        .await;
    assert_eq!(view.body["projects"].as_array().unwrap().len(), 1);
    assert_eq!(view.body["hidden_adopters"], 1);
    assert_eq!(view.body["funnel"], Value::Null);
    assert!(view.body["funnel_note"]
        .as_str()
        .unwrap()
        .contains("at least two"));
    for (query, field) in [
        ("periods=0", "periods"),
        ("measure_id=987654", "measure_id"),
    ] {
        let r = api
            .get(
                &format!("/change-packages/{source}/spread?{query}"),
                neighbour,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.body["error"]["field"], field);
    }

    // The pages: the source counts its adopters and links its spread; the spread page says
    // what the coach cannot see.
    let (status, html) = app.coach.get(&app, &format!("/projects/{source}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("1 team or organisation has adopted this change package."),
        "{html}"
    );
    let (status, html) = app
        .coach
        .get(&app, &format!("/projects/{source}/spread"))
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("counted but not shown"), "{html}");
    assert!(html.contains("at least two organisations"), "{html}");
    // The adopt form offers the coach's own organisation and adopts into it.
    let (status, html) = app
        .coach
        .get(&app, &format!("/projects/{source}/adopt"))
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Adopt this change package"));
    let res = app
        .coach
        .post(
            &app,
            &format!("/projects/{source}/adopt"),
            &[("org", app.org_a.0.to_string().as_str()), ("title", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    let (_, html) = app.coach.get(&app, &to).await;
    assert!(html.contains("Adopted from"), "{html}");
}

/// The portfolio keeps each project's icons, progress and method quality while the project is
/// unchanged: new data show at once (never a stale icon); the PDSA method is pooled over every
/// cycle of the projects shown; two active projects that look alike are listed, with why.
#[tokio::test]
async fn the_portfolio_shows_fresh_icons_pooled_method_quality_and_likely_duplicates() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let a = app.org_a.0;
    let token = &app.member_token;
    let mut ids = Vec::new();
    for (title, aim) in [
        ("Falls sensors on Ward 9", "Fewer falls at night on Ward 9"),
        ("Ward 9 night falls sensors", "Fewer falls at night"),
        ("Sepsis screening in ED", "Antibiotics within an hour"),
    ] {
        let r = api
            .post(
                "/projects",
                token,
                json!({"title": title, "aim": aim, "org_id": a, "status": "testing"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        ids.push(r.body["id"].as_i64().unwrap());
    }
    let m = api
        .post(
            &format!("/projects/{}/measures", ids[0]),
            token,
            json!({"name": "Falls", "type": "outcome", "chart": "xmr", "improvement": "decrease"}),
        )
        .await;
    assert_eq!(m.status, StatusCode::CREATED, "{}", m.body);
    let mid = m.body["id"].as_i64().unwrap();
    let twelve: Vec<Value> = [
        10.0, 11.0, 9.0, 10.0, 12.0, 8.0, 10.0, 11.0, 9.0, 10.0, 11.0, 9.0,
    ]
    .iter()
    .enumerate()
    .map(|(i, v)| json!({"date": format!("2024-{:02}-01", i + 1), "value": v}))
    .collect();
    let r = api
        .post(&format!("/measures/{mid}/data"), token, json!(twelve))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Cycles: two on the first project (the second follows the first; both predicted, one
    // scale), one on the second (nothing recorded but its start).
    let cycle = |pid: i64, body: Value| {
        let api = &api;
        async move {
            let r = api
                .post(&format!("/projects/{pid}/pdsa-cycles"), token, body)
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            r.body["id"].as_i64().unwrap()
        }
    };
    let c1 = cycle(
        ids[0],
        json!({"title": "Sensors in bay 3", "start_date": "2024-03-04",
               "prediction": "Fewer falls at night", "scale": "Bay 3, two weeks"}),
    )
    .await;
    cycle(
        ids[0],
        json!({"title": "Sensors in every bay", "start_date": "2024-05-06",
               "prediction": "Fewer falls", "follows_id": c1}),
    )
    .await;
    cycle(
        ids[1],
        json!({"title": "Night checks", "start_date": "2024-06-03"}),
    )
    .await;

    let path = format!("/portfolio?org={a}");
    let icon = |body: &Value| {
        body["organisations"][0]["projects"][0]["measures"][0]["variation_icon"].clone()
    };
    let p = api.get(&path, token).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let o = &p.body["organisations"][0];
    assert_eq!(o["projects"][0]["title"], "Falls sensors on Ward 9");
    // Twelve values about 10: common cause.
    assert_eq!(icon(&p.body), "common_cause");
    // The mean is 10 and the mean moving range 2 (11 moving ranges summing 22), so the upper
    // limit is 10 + 2.66 × 2 = 15.3: a value of 40 in January 2025 is special cause concern
    // (falls going up). The next read shows it, not the icon kept from before.
    let r = api
        .post(
            &format!("/measures/{mid}/data"),
            token,
            json!([{"date": "2025-01-01", "value": 40.0}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let p = api.get(&path, token).await;
    assert_eq!(icon(&p.body), "concern_high");
    let o = &p.body["organisations"][0];
    // The latest activity moved with the new value too.
    assert_eq!(o["projects"][0]["last_activity"], "2025-01-01");

    // Method quality. First project: 2 cycles, both predicted, both linked, one scale, both
    // with data in their month and the next (March–April, May–June 2024): 100, 100, 50, 100%.
    // Second: 1 cycle, nothing; third: none. Pooled: 3 cycles, 2 predicted (67%), 2 linked
    // (67%), 1 scale (33%), 2 with monthly data (67%).
    let shares = |q: &Value| -> (i64, Vec<i64>) {
        (
            q["cycles"].as_i64().unwrap(),
            q["features"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["percent"].as_i64().unwrap())
                .collect(),
        )
    };
    assert_eq!(
        o["projects"][0]["method_counts"],
        json!({"cycles": 2, "predicted": 2, "iterative": 2, "scaled": 1, "monthly_data": 2})
    );
    assert_eq!(
        o["projects"][1]["method_counts"],
        json!({"cycles": 0, "predicted": 0, "iterative": 0, "scaled": 0, "monthly_data": 0})
    );
    assert_eq!(shares(&o["method_quality"]), (3, vec![67, 67, 33, 67]));
    // Filtered to no project (a method none uses), there is nothing to pool.
    let only = api.get(&format!("{path}&method=none-such"), token).await;
    assert_eq!(
        shares(&only.body["organisations"][0]["method_quality"]),
        (0, vec![0, 0, 0, 0])
    );

    // Likely duplicates: the two falls projects have the same distinctive words (falls,
    // night, sensors, ward; "9" is one character, "on", "at" and "fewer" too common); each word
    // is in 2 of the 3 projects and weighs the same, so they come alphabetically, and the
    // share is 1. Sepsis shares nothing.
    let d = o["likely_duplicates"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["project_ids"], json!([ids[0], ids[1]]));
    assert_eq!(
        d[0]["shared_words"],
        json!(["falls", "night", "sensors", "ward"])
    );
    assert_eq!(d[0]["share"], 1.0);
    // Taking one of them back to an idea (not active work) takes the pair off the list.
    let r = api
        .patch(
            &format!("/projects/{}", ids[1]),
            token,
            json!({"status": "idea"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let p = api.get(&path, token).await;
    assert_eq!(p.body["organisations"][0]["likely_duplicates"], json!([]));
    api.patch(
        &format!("/projects/{}", ids[1]),
        token,
        json!({"status": "testing"}),
    )
    .await;

    // The page shows both sections, and the CSV the counts and the pair.
    let (status, page) = app.member.get(&app, &format!("/orgs/{a}/portfolio")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("PDSA method quality"), "{page}");
    assert!(page.contains("Likely duplicates"));
    assert!(
        page.contains("Both about: falls, night, sensors, ward"),
        "{page}"
    );
    assert!(page.contains("Predicted 100%, linked 100%, scale 50%, monthly data 100%"));
    let csv = app
        .member
        .client
        .get(app.url(&format!("/orgs/{a}/portfolio.csv")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].ends_with(
            "stalled,pdsa_cycles,predicted,iterative,scaled,monthly_data,likely_duplicates"
        ),
        "{csv}"
    );
    assert!(
        lines[1].starts_with(&format!("{},Falls sensors on Ward 9,", ids[0])),
        "{csv}"
    );
    assert!(
        lines[1].ends_with(&format!(",2,2,2,1,2,{}", ids[1])),
        "{csv}"
    );
}

/// The portfolios of many organisations read together are exactly each organisation's portfolio
/// read alone: for one of the organisations' people (private projects shown) and for one who
/// sees another organisation through a system role (its private projects left out), unfiltered
/// and filtered; an organisation the user may not see fails both ways.
#[tokio::test]
async fn many_portfolios_read_together_are_each_portfolio_read_alone() {
    use chrono::NaiveDate;
    use gemba_domain::{
        portfolio, portfolios, AccessError, BoardError, ChartSettings, DataPoint, MeasureFields,
        MeasureType, Multiplier, NonEmpty, Period, PortfolioCache, PortfolioFilter, PriorityScope,
        PriorityText, ProjectFields, ProjectStatus, SystemRole,
    };
    let store = common::in_memory().await;
    let s: &dyn Store = &*store;
    let north = s
        .create_org("North Trust", Some("Shire ICS"))
        .await
        .unwrap();
    let east = s.create_org("East Trust", Some("Shire ICS")).await.unwrap();
    let south = s
        .create_org("South Trust", Some("Other ICS"))
        .await
        .unwrap();
    let ids = common::add_users(
        s,
        "$argon2id$hash",
        &[
            (
                "lead@north.nhs.uk",
                "Lee Lead",
                north,
                Role::ImprovementLead,
            ),
            (
                "pat@north.nhs.uk",
                "Pat Partner",
                north,
                Role::PatientPartner,
            ),
            ("eve@east.nhs.uk", "Eve East", east, Role::Member),
            ("sam@south.nhs.uk", "Sam South", south, Role::Member),
        ],
    )
    .await;
    let (lead, pat, eve, sam) = (ids[0], ids[1], ids[2], ids[3]);
    // Eve is in both trusts; Lee sees East only through a role across the system.
    s.set_membership(eve, north, Role::Member).await.unwrap();
    s.set_system_role("Shire ICS", lead, Some(SystemRole::Viewer), lead)
        .await
        .unwrap();
    let ward = s.create_team(north, "Ward 7").await.unwrap();
    let east_team = s.create_team(east, "Community").await.unwrap();
    let text = |title: &str| PriorityText {
        title: title.into(),
        description: String::new(),
    };
    let falls = s
        .create_priority(&PriorityScope::Organisation(north), &text("Falls"), lead)
        .await
        .unwrap();
    let flow = s
        .create_priority(
            &PriorityScope::System("Shire ICS".into()),
            &text("Flow"),
            lead,
        )
        .await
        .unwrap();
    s.create_priority(&PriorityScope::Organisation(east), &text("Sepsis"), eve)
        .await
        .unwrap();
    s.set_stall_weeks(east, 3).await.unwrap();
    let fields = |title: &str, status, team, private| ProjectFields {
        title: NonEmpty::parse("title", title).unwrap(),
        problem: String::new(),
        aim: format!("Fewer {title} on the wards by March"),
        method: "Model for Improvement".into(),
        status,
        team,
        sponsor: String::new(),
        tags: vec!["safety".into()],
        private,
    };
    let seed = [
        (
            north,
            lead,
            "falls at night",
            ProjectStatus::Testing,
            Some(ward),
            false,
        ),
        (
            north,
            lead,
            "night falls",
            ProjectStatus::Scoping,
            Some(ward),
            true,
        ),
        (
            north,
            lead,
            "discharge letters",
            ProjectStatus::Closed,
            None,
            false,
        ),
        (
            east,
            eve,
            "sepsis screening",
            ProjectStatus::Testing,
            Some(east_team),
            false,
        ),
        (
            east,
            eve,
            "private sepsis",
            ProjectStatus::Testing,
            None,
            true,
        ),
        (south, sam, "theirs", ProjectStatus::Testing, None, false),
    ];
    let mut projects = Vec::new();
    for (org, by, title, status, team, private) in seed {
        let id = s
            .create_project(org, &fields(title, status, team, private), by)
            .await
            .unwrap();
        projects.push(id);
    }
    s.add_project_member(projects[0], pat, lead).await.unwrap();
    s.add_project_member(projects[1], eve, lead).await.unwrap();
    s.set_project_priorities(projects[0], &[falls, flow])
        .await
        .unwrap();
    s.set_project_priorities(projects[3], &[flow])
        .await
        .unwrap();
    let measure = s
        .create_measure(
            projects[0],
            &MeasureFields {
                name: NonEmpty::parse("name", "Falls").unwrap(),
                kind: MeasureType::Outcome,
                definition: String::new(),
                unit: String::new(),
                data_source: String::new(),
                denominator_label: String::new(),
                chart: ChartSettings {
                    chart: gemba_spc::ChartType::Xmr,
                    improvement: gemba_spc::Improvement::Decrease,
                    target: Some(5.0),
                    rules: "mdc".into(),
                    rebase: vec![],
                    fix_after: None,
                    period: Period::Month,
                    multiplier: Multiplier::ONE,
                },
            },
            lead,
        )
        .await
        .unwrap();
    let points: Vec<DataPoint> = (0..20u32)
        .map(|i| DataPoint {
            date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Months::new(i),
            value: Some(f64::from(10 + i % 4)),
            denominator: None,
        })
        .collect();
    s.put_data(measure, &points, lead).await.unwrap();
    // A deleted project is in neither.
    let gone = s
        .create_project(
            north,
            &fields("gone", ProjectStatus::Testing, None, false),
            lead,
        )
        .await
        .unwrap();
    s.delete_project(gone, None, lead).await.unwrap();

    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let filters = [
        PortfolioFilter::default(),
        PortfolioFilter {
            status: Some(ProjectStatus::Testing),
            ..PortfolioFilter::default()
        },
    ];
    for (user, private_in_east) in [(eve, true), (lead, false)] {
        let access = gemba_domain::Access::load(s, user).await.unwrap();
        for filter in &filters {
            let (alone_cache, together_cache) =
                (PortfolioCache::default(), PortfolioCache::default());
            let mut alone = Vec::new();
            for org in [east, north] {
                alone.push(
                    portfolio(&access, org, filter, today, &alone_cache)
                        .await
                        .unwrap(),
                );
            }
            let together = portfolios(&access, &[east, north], filter, today, &together_cache)
                .await
                .unwrap();
            assert_eq!(together, alone);
            let titles = |p: &gemba_domain::Portfolio| -> Vec<String> {
                p.projects.iter().map(|x| x.project.title.clone()).collect()
            };
            if filter.status.is_none() {
                // The fixture shows what it should: private work only to East's own people,
                // North's private project to all of them, priorities of the system first.
                assert_eq!(
                    titles(&together[0]).contains(&"private sepsis".to_owned()),
                    private_in_east
                );
                assert_eq!(
                    titles(&together[1]),
                    ["discharge letters", "falls at night", "night falls"]
                );
                let falls_at_night = &together[1].projects[1];
                assert!(falls_at_night.patient_partner);
                assert_eq!(falls_at_night.team.as_deref(), Some("Ward 7"));
                assert_eq!(falls_at_night.lead.as_deref(), Some("Lee Lead"));
                assert_eq!(falls_at_night.priorities, [falls, flow]);
                assert!(falls_at_night.measures[0].variation.is_some());
                assert_eq!(together[1].groups[0].priority.title, "Flow");
                assert_eq!(together[0].groups[0].priority.title, "Flow");
                assert_eq!(together[0].groups[0].projects.len(), 1);
            }
            // Named twice: the same portfolio twice.
            let twice = portfolios(&access, &[north, north], filter, today, &together_cache)
                .await
                .unwrap();
            assert_eq!(twice, [alone[1].clone(), alone[1].clone()]);
        }
        // South is outside the system: not found, alone or among others.
        let cache = PortfolioCache::default();
        assert!(matches!(
            portfolio(&access, south, &filters[0], today, &cache).await,
            Err(BoardError::Access(AccessError::NotFound))
        ));
        assert!(matches!(
            portfolios(&access, &[north, south], &filters[0], today, &cache).await,
            Err(BoardError::Access(AccessError::NotFound))
        ));
    }
}
