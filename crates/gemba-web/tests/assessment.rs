//! The board's self-assessment of QI governance end to end: board members start an assessment
//! and rate the eight dimensions in the browser and through the API; everyone reads the
//! ratings beside the evidence Gemba holds, with the disagreement said in words; assessments
//! are compared over time; other organisations see nothing.
//!
//! The evidence seeded here, worked out by hand: two measures on the board report — one with
//! twelve months of data up to this month (an XmR chart, so it has a variation icon) in Safe,
//! one with no data in Effective — so 1 of 2 board measures (50%) is shown as SPC with icons
//! and 1 of 2 has current data; one active project whose team is the coach and the patient
//! partner (2 of the organisation's 5 people, 1 of 1 active project with a patient partner).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use chrono::{Datelike, NaiveDate};
use common::{location, Api, User};
use gemba_domain::{OrgId, Role};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

struct Seeds {
    org_a: OrgId,
    admin: User,
    viewer: User,
    member: User,
    outsider: User,
    admin_token: String,
    coach_token: String,
    viewer_token: String,
    member_token: String,
    outsider_token: String,
}

type App = common::App<Seeds>;

async fn spawn_app() -> App {
    let store = common::in_memory().await;
    let orgs = common::northshire_and_southshire(&*store).await;
    let a = orgs.org_a;
    let hash = common::password_hash();
    let ids = common::add_users(
        &*store,
        &hash,
        &[
            ("admin@a.nhs.uk", "Ade Admin", a, Role::Admin),
            ("coach@a.nhs.uk", "Cora Coach", a, Role::ImprovementLead),
            ("board@a.nhs.uk", "Bea Board", a, Role::BoardViewer),
            ("member@a.nhs.uk", "Mo Member", a, Role::Member),
            ("partner@a.nhs.uk", "Pat Partner", a, Role::PatientPartner),
            ("member@b.nhs.uk", "Sam South", orgs.org_b, Role::Member),
        ],
    )
    .await;
    let base = common::serve(store.clone(), |_| {}).await;
    let seeds = Seeds {
        org_a: a,
        admin: common::signed_in(&*store, &base, "admin@a.nhs.uk").await,
        viewer: common::signed_in(&*store, &base, "board@a.nhs.uk").await,
        member: common::signed_in(&*store, &base, "member@a.nhs.uk").await,
        outsider: common::signed_in(&*store, &base, "member@b.nhs.uk").await,
        admin_token: common::api_token(&*store, ids[0]).await,
        coach_token: common::api_token(&*store, ids[1]).await,
        viewer_token: common::api_token(&*store, ids[2]).await,
        member_token: common::api_token(&*store, ids[3]).await,
        outsider_token: common::api_token(&*store, ids[5]).await,
    };
    let app = common::App { base, store, seeds };
    seed_evidence(&app, ids[1], ids[4]).await;
    app
}

/// The first day of the month `back` months before this one.
fn months_ago(back: u32) -> NaiveDate {
    let today = chrono::Utc::now().date_naive();
    today
        .with_day(1)
        .unwrap()
        .checked_sub_months(chrono::Months::new(back))
        .unwrap()
}

/// Two board measures (one charted with current data in Safe, one without data in
/// Effective) and one active project with the coach and the patient partner on its team.
async fn seed_evidence(app: &App, coach: gemba_domain::UserId, partner: gemba_domain::UserId) {
    let api = Api::new(&app.base);
    let org = app.org_a.0;
    let mut board = Vec::new();
    for (name, section) in [("Falls with harm", "Safe"), ("Readmissions", "Effective")] {
        let r = api
            .post(
                &format!("/organisations/{org}/measures"),
                &app.coach_token,
                json!({"name": name, "type": "outcome", "chart": "xmr", "improvement": "decrease"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        let r = api
            .call(
                Method::PUT,
                &format!("/measures/{id}/board"),
                &app.coach_token,
                Some(json!({"section": section})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        board.push(id);
    }
    let values = [7.0, 9.0, 8.0, 6.0, 9.0, 7.0, 8.0, 10.0, 7.0, 8.0, 9.0, 7.0];
    let points: Vec<Value> = values
        .iter()
        .enumerate()
        .map(|(i, v)| json!({"date": months_ago(11 - i as u32).to_string(), "value": v}))
        .collect();
    let r = api
        .post(
            &format!("/measures/{}/data", board[0]),
            &app.coach_token,
            Value::Array(points),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = api
        .post(
            "/projects",
            &app.coach_token,
            json!({"title": "Falls on Ward 7", "status": "testing"}),
        )
        .await;
    let project = r.body["id"].as_i64().unwrap();
    for who in [coach, partner] {
        let r = api
            .post(
                &format!("/projects/{project}/members"),
                &app.coach_token,
                json!({"user_id": who.0}),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.body);
    }
}

#[tokio::test]
async fn board_members_rate_through_the_api_and_see_the_evidence_beside_their_ratings() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let org = app.org_a.0;
    let list = format!("/organisations/{org}/assessments");

    // A board viewer starts an assessment; a member may not.
    let r = api
        .post(
            &list,
            &app.member_token,
            json!({"title": "Board development", "date": "2026-03-12"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(
        r.body["error"]["message"],
        "Only an admin, an improvement lead or a board viewer can rate the board's QI governance."
    );
    let r = api
        .post(
            &list,
            &app.viewer_token,
            json!({"title": "  ", "date": "31/02/2026"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["error"]["field"], "title");
    assert_eq!(r.body["errors"][1]["field"], "date");
    let r = api
        .post(
            &list,
            &app.viewer_token,
            json!({"title": "Board development session, March 2026", "date": "12/03/2026"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(
        r.body,
        json!({"id": id, "organisation_id": org, "title": "Board development session, March 2026", "date": "2026-03-12"})
    );
    let ratings = format!("/assessments/{id}/ratings");

    // The viewer rates data for improvement Established.
    let r = api
        .call(
            Method::PUT,
            &ratings,
            &app.viewer_token,
            Some(json!({"ratings": [
                {"dimension": "data_for_improvement", "rating": 4, "note": "We see SPC charts monthly."}
            ]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.etag.as_deref(), Some("\"1\""));
    assert_eq!(r.body["version"], 1);
    assert_eq!(
        r.body["ratings"],
        json!([{"dimension": "data_for_improvement", "rating": 4, "note": "We see SPC charts monthly."}])
    );

    // Everyone reads it: 1 of 2 board measures has an icon, so "Established" disagrees.
    let got = api
        .get(&format!("/assessments/{id}"), &app.member_token)
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.body);
    assert_eq!(got.body["mine"], Value::Null);
    let e = &got.body["evidence"];
    assert_eq!(
        (
            e["board_measures"].as_i64(),
            e["spc_with_icons"].as_i64(),
            e["current"].as_i64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(
        (e["people"].as_i64(), e["people_in_teams"].as_i64()),
        (Some(5), Some(2))
    );
    assert_eq!(
        (
            e["active_projects"].as_i64(),
            e["with_patient_partner"].as_i64()
        ),
        (Some(1), Some(1))
    );
    let data = &got.body["dimensions"][1];
    assert_eq!(data["dimension"], "data_for_improvement");
    assert_eq!(data["median"], 4.0);
    assert_eq!(data["range"], json!({"lowest": 4, "highest": 4}));
    assert_eq!(
        data["evidence"],
        "1 of 2 board measures (50%) is shown as SPC with icons."
    );
    assert_eq!(
        data["disagreement"],
        "Rated Established, but only 1 of 2 board measures (50%) is shown as SPC with icons"
    );
    assert_eq!(data["ratings"][0]["user"]["name"], "Bea Board");
    assert_eq!(got.body["dimensions"][0]["median"], Value::Null);
    assert_eq!(got.body["dimensions"][0]["disagreement"], Value::Null);
    assert!(got.body["dimensions"][5]["evidence"]
        .as_str()
        .unwrap()
        .ends_with("serving 0 strategic priorities."));

    // The coach rates it Emerging: the median of 4 and 2 is 3, in between, no disagreement.
    let r = api
        .call(
            Method::PUT,
            &ratings,
            &app.coach_token,
            Some(json!({"ratings": [{"dimension": "data_for_improvement", "rating": 2}]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let got = api
        .get(&format!("/assessments/{id}"), &app.viewer_token)
        .await;
    let data = &got.body["dimensions"][1];
    assert_eq!(data["median"], 3.0);
    assert_eq!(data["range"], json!({"lowest": 2, "highest": 4}));
    assert_eq!(data["disagreement"], Value::Null);
    assert_eq!(got.body["mine"]["version"], 1);

    // The viewer changes theirs over version 1; a save based on version 1 again is 412 with
    // the ratings as stored.
    let change = json!({"ratings": [{"dimension": "data_for_improvement", "rating": 3, "note": "On reflection."}]});
    let r = api
        .send(
            api.req(Method::PUT, &ratings, Some(&app.viewer_token))
                .header("If-Match", "\"1\"")
                .json(&change),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["version"], 2);
    let r = api
        .send(
            api.req(Method::PUT, &ratings, Some(&app.viewer_token))
                .header("If-Match", "\"1\"")
                .json(&json!({"ratings": []})),
        )
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.body);
    assert_eq!(r.body["current"]["version"], 2);
    assert_eq!(r.body["current"]["ratings"][0]["note"], "On reflection.");

    // Bad ratings: every problem, by field and position; nothing changes.
    let r = api
        .call_unchecked(
            Method::PUT,
            &ratings,
            &app.viewer_token,
            json!({"ratings": [
                {"dimension": "balance", "rating": 6},
                {"dimension": "wellbeing", "rating": 3}
            ]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["errors"][0]["field"], "rating");
    assert_eq!(r.body["errors"][0]["index"], 0);
    assert_eq!(
        r.body["errors"][0]["message"],
        "must be a whole number from 1 to 5"
    );
    assert_eq!(r.body["errors"][1]["field"], "dimension");
    assert_eq!(r.body["errors"][1]["index"], 1);
    let r = api
        .call_unchecked(Method::PUT, &ratings, &app.viewer_token, json!({}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["error"]["field"], "ratings");
    // Members read but do not rate; other organisations see nothing.
    let r = api
        .call(
            Method::PUT,
            &ratings,
            &app.member_token,
            Some(change.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    for path in [format!("/assessments/{id}"), list.clone()] {
        let r = api.get(&path, &app.outsider_token).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    let r = api
        .call(Method::PUT, &ratings, &app.outsider_token, Some(change))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // An earlier assessment, and the two compared, oldest first.
    let r = api
        .post(
            &list,
            &app.admin_token,
            json!({"title": "Away day, autumn 2025", "date": "2025-10-01"}),
        )
        .await;
    let older = r.body["id"].as_i64().unwrap();
    let r = api
        .call(
            Method::PUT,
            &format!("/assessments/{older}/ratings"),
            &app.admin_token,
            Some(json!({"ratings": [{"dimension": "data_for_improvement", "rating": 1}]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let listed = api.get(&list, &app.member_token).await;
    let titles: Vec<&str> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Away day, autumn 2025",
            "Board development session, March 2026"
        ]
    );
    let c = api
        .get(&format!("{list}/comparison"), &app.member_token)
        .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.body);
    assert_eq!(c.body["assessments"][0]["id"], older);
    assert_eq!(c.body["dimensions"][1]["dimension"], "data_for_improvement");
    // 1 alone; then 3 (viewer) and 2 (coach): 2.5.
    assert_eq!(c.body["dimensions"][1]["medians"], json!([1.0, 2.5]));
    assert_eq!(c.body["dimensions"][0]["medians"], json!([null, null]));
}

#[tokio::test]
async fn a_board_viewer_rates_in_the_browser_and_sees_where_rating_and_evidence_disagree() {
    let app = spawn_app().await;
    let org = app.org_a.0;

    // The board page links to the self-assessment; members see the list but no form.
    let (_, html) = app.viewer.get(&app, &format!("/orgs/{org}/board")).await;
    assert!(html.contains(&format!("href=\"/orgs/{org}/board/assessments\"")));
    let page = format!("/orgs/{org}/board/assessments");
    let (status, html) = app.member.get(&app, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No assessments yet."));
    assert!(!html.contains("Start the assessment"));
    let res = app
        .member
        .post(&app, &page, &[("title", "Mine"), ("date", "2026-03-12")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The viewer starts one: problems first, on the form.
    let (_, html) = app.viewer.get(&app, &page).await;
    assert!(html.contains("Start the assessment"));
    let res = app
        .viewer
        .post(&app, &page, &[("title", ""), ("date", "someday")])
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<title>Error: Board self-assessment"),
        "{html}"
    );
    assert!(html.contains("Enter a title"), "{html}");
    assert!(html.contains("value=\"someday\""), "kept as typed");
    let res = app
        .viewer
        .post(
            &app,
            &page,
            &[
                ("title", "Board development session, March 2026"),
                ("date", "2026-03-12"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let at = location(&res);
    assert!(at.starts_with("/assessments/"), "{at}");
    let id: i64 = at.trim_start_matches("/assessments/").parse().unwrap();

    // The page: a fieldset per dimension with its five levels as labelled radios.
    let (status, html) = app.viewer.get(&app, &at).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>Board development session, March 2026</h1>"));
    assert!(html.contains("<legend class=\"fieldset__legend\">Using data for improvement</legend>"));
    assert_eq!(
        html.matches("type=\"radio\"").count(),
        8 * 6,
        "Not rated and 5 levels, 8 times"
    );
    assert!(html.contains("for=\"rating_balance-4\">4 Established</label>"));
    assert!(html.contains("1 of 2 board measures (50%) is shown as SPC with icons."));
    assert!(html.contains("Not rated yet."));

    // The viewer rates data for improvement Leading: the page says it disagrees.
    let ratings = format!("/assessments/{id}/ratings");
    let form = [
        ("version", "0"),
        ("rating_data_for_improvement", "5"),
        (
            "note_data_for_improvement",
            "Every board paper has SPC charts.",
        ),
    ];
    let res = app.viewer.post(&app, &ratings, &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/assessments/{id}#your-ratings"));
    let (_, html) = app.member.get(&app, &at).await;
    assert!(
        html.contains("The rating and the evidence disagree."),
        "{html}"
    );
    assert!(html.contains(
        "Rated Leading, but only 1 of 2 board measures (50%) is shown as SPC with icons."
    ));
    assert!(html.contains("Every board paper has SPC charts."));
    assert!(html.contains("<strong>Median: </strong>Leading (5)"));
    assert!(!html.contains("Save your ratings"), "members do not rate");
    // The viewer's form shows what they saved.
    let (_, html) = app.viewer.get(&app, &at).await;
    assert!(html.contains(
        "id=\"rating_data_for_improvement-5\" name=\"rating_data_for_improvement\" value=\"5\" checked"
    ), "{html}");
    assert!(html.contains("name=\"version\" value=\"1\""));

    // A save from a page opened before that one: 409, the form kept, nothing changed.
    let res = app
        .viewer
        .post(&app, &ratings, &[("version", "0"), ("rating_balance", "2")])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(html.contains("Your ratings changed meanwhile"));
    assert!(html.contains("id=\"rating_balance-2\" name=\"rating_balance\" value=\"2\" checked"));
    assert!(html.contains("name=\"version\" value=\"1\""));
    // A note without a level: named on its radio group.
    let res = app
        .viewer
        .post(
            &app,
            &ratings,
            &[("version", "1"), ("note_balance", "We cover all three.")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("Choose a level for balance of safety, effectiveness and experience"));
    assert!(html.contains("href=\"#rating_balance\""));
    let api = Api::new(&app.base);
    let got = api
        .get(&format!("/assessments/{id}"), &app.viewer_token)
        .await;
    assert_eq!(got.body["mine"]["version"], 1);
    assert_eq!(got.body["dimensions"][6]["median"], Value::Null);

    // Members cannot rate in the browser; other organisations see nothing.
    let res = app.member.post(&app, &ratings, &[("version", "0")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    for path in [at.as_str(), page.as_str()] {
        let (status, _) = app.outsider.get(&app, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let res = app
        .outsider
        .post(&app, &ratings, &[("version", "0"), ("rating_balance", "5")])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // The admin adds an earlier assessment; the comparison puts it first, with what changed.
    let res = app
        .admin
        .post(
            &app,
            &page,
            &[("title", "Away day, autumn 2025"), ("date", "01/10/2025")],
        )
        .await;
    let older = location(&res);
    let res = app
        .admin
        .post(
            &app,
            &format!("{older}/ratings"),
            &[("version", "0"), ("rating_data_for_improvement", "2")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, html) = app
        .member
        .get(&app, &format!("/orgs/{org}/board/assessments/compare"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<caption>Median rating by dimension and assessment</caption>"));
    let autumn = html.find("Away day, autumn 2025").unwrap();
    let march = html.find("Board development session, March 2026").unwrap();
    assert!(autumn < march, "oldest first");
    assert!(
        html.contains(
            "Using data for improvement: rose from Emerging (2) in “Away day, autumn 2025” to \
         Leading (5) in “Board development session, March 2026”."
        ),
        "{html}"
    );
}
