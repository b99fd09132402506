//! A project's progress end to end: the score derived from what the team records (aim and
//! team, a baseline, PDSA cycles, a study), the lead's override with a reason (If-Match, 412,
//! clearing), stalled work and overdue data, the PDSA method's quality, the project page's
//! Progress section and its form, and the organisation's stall setting.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use common::{location, Api, User};
use gemba_domain::{OrgId, Role};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

struct Seeds {
    org_a: OrgId,
    coach: User,
    member: User,
    coach_token: String,
    member_token: String,
    admin_token: String,
}

type App = common::App<Seeds>;

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
    let member_id = common::add_user(
        &*store,
        "member@a.nhs.uk",
        "Mo Member",
        &hash,
        &[(orgs.org_a, Role::Member)],
    )
    .await;
    let admin_id = common::add_user(
        &*store,
        "admin@a.nhs.uk",
        "Ada Admin",
        &hash,
        &[(orgs.org_a, Role::Admin)],
    )
    .await;
    let base = common::serve(store.clone(), |_| {}).await;
    let seeds = Seeds {
        org_a: orgs.org_a,
        coach: common::signed_in(&*store, &base, "coach@a.nhs.uk").await,
        member: common::signed_in(&*store, &base, "member@a.nhs.uk").await,
        coach_token: common::api_token(&*store, coach_id).await,
        member_token: common::api_token(&*store, member_id).await,
        admin_token: common::api_token(&*store, admin_id).await,
    };
    common::App { base, store, seeds }
}

/// Monthly values from January 2024.
fn monthly(values: &[f64]) -> Value {
    Value::Array(
        values
            .iter()
            .enumerate()
            .map(|(i, v)| json!({"date": format!("2024-{:02}-01", i + 1), "value": v}))
            .collect(),
    )
}

fn met(progress: &Value) -> Vec<&str> {
    progress["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["met"] == true)
        .map(|s| s["step"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn progress_is_derived_from_the_record_and_the_lead_may_override_it() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    // The coach starts a project with an aim: they lead it, so aim and team are set.
    let p = api
        .post(
            "/projects",
            &app.coach_token,
            json!({"title": "Falls on Ward 7", "status": "testing",
                   "aim": "Halve falls by March 2025"}),
        )
        .await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
    let pid = p.body["id"].as_i64().unwrap();
    let path = format!("/projects/{pid}/progress");
    let r = api.get(&path, &app.member_token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["derived_score"], 1.0);
    assert_eq!(met(&r.body), ["aim_and_team"]);
    // Created today with nothing recorded yet: not stalled.
    assert_eq!(r.body["stalled"], false);
    assert_eq!(r.body["method_quality"]["cycles"], 0);

    // Twelve months of an outcome measure: a baseline (1.5).
    let m = api
        .post(
            &format!("/projects/{pid}/measures"),
            &app.coach_token,
            json!({"name": "Falls per 1,000 bed days", "type": "outcome", "chart": "xmr",
                   "improvement": "decrease"}),
        )
        .await;
    let mid = m.body["id"].as_i64().unwrap();
    let data = monthly(&[
        10.0, 11.0, 9.0, 10.0, 12.0, 8.0, 10.0, 11.0, 9.0, 10.0, 11.0, 9.0,
    ]);
    let r = api
        .post(&format!("/measures/{mid}/data"), &app.member_token, data)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A cycle with a prediction, started in March 2024 (2.0), then studied (2.5).
    let c = api
        .post(
            &format!("/projects/{pid}/pdsa-cycles"),
            &app.member_token,
            json!({"title": "Falls huddle", "start_date": "2024-03-04",
                   "prediction": "Fewer falls at night"}),
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.body);
    let cid = c.body["id"].as_i64().unwrap();
    let r = api.get(&path, &app.member_token).await;
    assert_eq!(r.body["derived_score"], 2.0);
    let r = api
        .patch(
            &format!("/pdsa-cycles/{cid}"),
            &app.member_token,
            json!({"study": "Two fewer falls than predicted", "scale": "Bay 3, nights, two weeks"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = api.get(&path, &app.member_token).await;
    assert_eq!(r.body["derived_score"], 2.5);
    assert_eq!(r.body["score"], 2.5);
    assert_eq!(
        met(&r.body),
        [
            "aim_and_team",
            "baseline",
            "cycles_started",
            "changes_tested"
        ]
    );
    // The latest activity is December 2024's value, far more than 6 weeks ago; December's is
    // the latest value of a monthly measure, so data are overdue.
    assert_eq!(r.body["last_activity"], "2024-12-01");
    assert_eq!(r.body["stalled"], true);
    assert_eq!(r.body["stall_weeks"], 6);
    assert_eq!(
        r.body["overdue_measures"],
        json!(["Falls per 1,000 bed days"])
    );
    // One cycle: predicted before its study, not linked, its scale recorded, data in March
    // and April.
    let shares: Vec<(String, i64, i64)> = r.body["method_quality"]["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["feature"].as_str().unwrap().to_owned(),
                f["count"].as_i64().unwrap(),
                f["percent"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        shares,
        [
            ("predicted".to_owned(), 1, 100),
            ("iterative".to_owned(), 0, 0),
            ("scaled".to_owned(), 1, 100),
            ("monthly_data".to_owned(), 1, 100),
        ]
    );
    assert_eq!(r.body["override"], Value::Null);
    let etag = r.etag.clone().unwrap();

    // A member may not override; the lead must give a score in halves and a reason.
    let set = |score: Value, reason: &str| json!({"override": {"score": score, "reason": reason}});
    let r = api
        .call(
            Method::PUT,
            &path,
            &app.member_token,
            Some(set(json!(3.0), "x")),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = api
        .call_unchecked(
            Method::PUT,
            &path,
            &app.coach_token,
            set(json!(3.2), "Audit"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["error"]["field"], "score");
    let r = api
        .call_unchecked(Method::PUT, &path, &app.coach_token, set(json!(3.0), " "))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["error"]["field"], "reason");
    let r = api
        .call_unchecked(Method::PUT, &path, &app.coach_token, json!({}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["error"]["field"], "override");
    // Nothing was written by the refused requests.
    assert_eq!(
        api.get(&path, &app.member_token).await.body["override"],
        Value::Null
    );

    let r = api
        .send(
            api.req(Method::PUT, &path, Some(&app.coach_token))
                .header("If-Match", &etag)
                .json(&set(json!(3.0), "The ward audit shows fewer falls")),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["score"], 3.0);
    assert_eq!(r.body["derived_score"], 2.5);
    assert_eq!(
        r.body["override"]["reason"],
        "The ward audit shows fewer falls"
    );
    assert_eq!(r.body["override"]["by"], "Cora Coach");
    assert_ne!(r.etag.as_deref(), Some(etag.as_str()));
    // Over the old version: 412 with the progress as it is.
    let r = api
        .send(
            api.req(Method::PUT, &path, Some(&app.coach_token))
                .header("If-Match", &etag)
                .json(&json!({"override": null})),
        )
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.body);
    assert_eq!(r.body["current"]["score"], 3.0);
    // The history says who changed the score, from what to what, and why.
    let h = api
        .get(&format!("/projects/{pid}/history"), &app.member_token)
        .await;
    let change = h
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "score")
        .unwrap_or_else(|| panic!("{}", h.body))
        .clone();
    assert_eq!(change["new"], "3.0");
    assert_eq!(change["reason"], "The ward audit shows fewer falls");

    // The project page shows the section; only those who may see the form.
    let (status, html) = app.member.get(&app, &format!("/projects/{pid}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Progress score: <strong>3.0 out of 5.0</strong>"),
        "{html}"
    );
    assert!(html.contains("2.5 derived from the record"));
    assert!(html.contains("The ward audit shows fewer falls"));
    assert!(html.contains("Stalled: "));
    assert!(html.contains("Prediction before study"));
    assert!(!html.contains("Set the progress score"));
    let (_, html) = app.coach.get(&app, &format!("/projects/{pid}")).await;
    assert!(html.contains("Set the progress score"));
    let version = common::value_of(&html, "name=\"version\" value=\"");
    // A score that is not on the scale comes back with the problem beside the field.
    let res = app
        .coach
        .post(
            &app,
            &format!("/projects/{pid}/progress"),
            &[("version", &version), ("score", "7"), ("reason", "Better")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("There is a problem"), "{html}");
    assert!(
        html.contains("Choose a score from 0.5 to 5.0 from the list"),
        "{html}"
    );
    // Clearing from the page.
    let res = app
        .coach
        .post(
            &app,
            &format!("/projects/{pid}/progress"),
            &[("version", &version), ("clear", "1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/projects/{pid}#progress-title"));
    let r = api.get(&path, &app.member_token).await;
    assert_eq!(r.body["override"], Value::Null);
    assert_eq!(r.body["score"], 2.5);
}

#[tokio::test]
async fn admins_choose_how_many_weeks_make_work_stalled() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let path = format!("/organisations/{}/progress-settings", app.org_a.0);
    assert_eq!(
        api.get(&path, &app.member_token).await.body,
        json!({"stall_weeks": 6})
    );
    let r = api
        .call(
            Method::PUT,
            &path,
            &app.coach_token,
            Some(json!({"stall_weeks": 8})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = api
        .call_unchecked(
            Method::PUT,
            &path,
            &app.admin_token,
            json!({"stall_weeks": 0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["error"]["field"], "stall_weeks");
    let r = api
        .call(
            Method::PUT,
            &path,
            &app.admin_token,
            Some(json!({"stall_weeks": 52})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        api.get(&path, &app.member_token).await.body,
        json!({"stall_weeks": 52})
    );
    // A project reports the organisation's setting.
    let p = api
        .post(
            "/projects",
            &app.coach_token,
            json!({"title": "Sepsis screening"}),
        )
        .await;
    let pid = p.body["id"].as_i64().unwrap();
    let r = api
        .get(&format!("/projects/{pid}/progress"), &app.member_token)
        .await;
    assert_eq!(r.body["stall_weeks"], 52);
    // Without an aim, the first step is not met: intent alone, 0.5.
    assert_eq!(r.body["derived_score"], 0.5);
}
