//! The board's measures end to end: an improvement lead adds an organisation measure, a member
//! enters its data, the lead puts it and a project measure on the board report with sections
//! and owners; everyone reads the board page and `GET /organisations/{id}/board`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use common::{location, Api, User};
use gemba_domain::{OrgId, Role, UserId};
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Seeds {
    org_a: OrgId,
    coach: User,
    member: User,
    viewer: User,
    outsider: User,
    coach_token: String,
    member_token: String,
    viewer_token: String,
    coach_id: UserId,
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
    let viewer_id = common::add_user(
        &*store,
        "board@a.nhs.uk",
        "Bea Board",
        &hash,
        &[(orgs.org_a, Role::BoardViewer)],
    )
    .await;
    common::add_user(
        &*store,
        "member@b.nhs.uk",
        "Sam South",
        &hash,
        &[(orgs.org_b, Role::Member)],
    )
    .await;
    let base = common::serve(store.clone(), |_| {}).await;
    let seeds = Seeds {
        org_a: orgs.org_a,
        coach: common::signed_in(&*store, &base, "coach@a.nhs.uk").await,
        member: common::signed_in(&*store, &base, "member@a.nhs.uk").await,
        viewer: common::signed_in(&*store, &base, "board@a.nhs.uk").await,
        outsider: common::signed_in(&*store, &base, "member@b.nhs.uk").await,
        coach_token: common::api_token(&*store, coach_id).await,
        member_token: common::api_token(&*store, member_id).await,
        viewer_token: common::api_token(&*store, viewer_id).await,
        coach_id,
    };
    common::App { base, store, seeds }
}

fn monthly(values: &[f64]) -> Value {
    Value::Array(
        values
            .iter()
            .enumerate()
            .map(|(i, v)| json!({"date": format!("2024-{:02}-01", i + 1), "value": v}))
            .collect(),
    )
}

#[tokio::test]
async fn an_organisation_reports_its_measures_to_the_board() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let org = app.org_a.0;

    // An improvement lead adds one of the organisation's own measures.
    let m = api
        .post(
            &format!("/organisations/{org}/measures"),
            &app.coach_token,
            json!({"name": "Four-hour performance", "type": "outcome", "chart": "xmr",
                   "unit": "%", "improvement": "increase"}),
        )
        .await;
    assert_eq!(m.status, StatusCode::CREATED, "{}", m.body);
    let four_hour = m.body["id"].as_i64().unwrap();
    // A member enters its data; they may not put it on the board.
    let data = monthly(&[
        71.0, 72.0, 70.0, 73.0, 71.0, 72.0, 74.0, 70.0, 71.0, 73.0, 72.0, 71.0,
    ]);
    let r = api
        .post(
            &format!("/measures/{four_hour}/data"),
            &app.member_token,
            data,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let board = format!("/measures/{four_hour}/board");
    let r = api
        .call(
            reqwest::Method::PUT,
            &board,
            &app.member_token,
            Some(json!({"section": "Responsive"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // A section the report does not have is refused, naming the ones it has.
    let r = api
        .call(
            reqwest::Method::PUT,
            &board,
            &app.coach_token,
            Some(json!({"section": "Finance"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["error"]["field"], "section");
    assert_eq!(
        r.body["error"]["message"],
        "section must be one of: Safe, Effective, Caring, Responsive, Well-led"
    );
    let r = api
        .call(
            reqwest::Method::PUT,
            &board,
            &app.coach_token,
            Some(json!({"section": "Responsive", "owner_id": app.coach_id.0})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body,
        json!({"section": "Responsive", "owner_id": app.coach_id.0})
    );

    // A project measure goes on the board too, through the measure's page.
    let p = api
        .post(
            "/projects",
            &app.coach_token,
            json!({"title": "Falls on Ward 7", "status": "testing"}),
        )
        .await;
    let pid = p.body["id"].as_i64().unwrap();
    let falls = api
        .post(
            &format!("/projects/{pid}/measures"),
            &app.coach_token,
            json!({"name": "Falls per 1,000 bed days", "type": "outcome", "chart": "xmr"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let (_, html) = app.member.get(&app, &format!("/measures/{falls}")).await;
    assert!(!html.contains("Put on the board report"), "members cannot");
    let (_, html) = app.coach.get(&app, &format!("/measures/{falls}")).await;
    assert!(html.contains("Not on the board report."));
    assert!(html.contains("Put on the board report"));
    let res = app
        .coach
        .post(
            &app,
            &format!("/measures/{falls}/board"),
            &[("section", "Safe"), ("owner", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/measures/{falls}#board"));
    let (_, html) = app.member.get(&app, &format!("/measures/{falls}")).await;
    assert!(
        html.contains("in the section <strong>Safe</strong>, executive owner: not named."),
        "{html}"
    );

    // Everyone in the organisation reads the board, by section in the report's order.
    let got = api
        .get(&format!("/organisations/{org}/board"), &app.viewer_token)
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.body);
    assert_eq!(
        got.body["sections"],
        json!(["Safe", "Effective", "Caring", "Responsive", "Well-led"])
    );
    let rows: Vec<(String, String, Value, bool)> = got.body["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["measure"]["name"].as_str().unwrap().to_owned(),
                m["section"].as_str().unwrap().to_owned(),
                m["owner"]["name"].clone(),
                m["organisation_measure"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "Falls per 1,000 bed days".to_owned(),
                "Safe".to_owned(),
                Value::Null,
                false
            ),
            (
                "Four-hour performance".to_owned(),
                "Responsive".to_owned(),
                json!("Cora Coach"),
                true
            ),
        ]
    );
    let (status, html) = app.viewer.get(&app, &format!("/orgs/{org}/board")).await;
    assert_eq!(status, StatusCode::OK);
    let responsive = html.split("<h2>Responsive</h2>").nth(1).unwrap();
    let well_led = responsive.split("<h2>Well-led</h2>").next().unwrap();
    assert!(well_led.contains("Four-hour performance"));
    assert!(well_led.contains("Executive owner: Cora Coach"));
    // Twelve points with no signal: common cause, in words as well as colour.
    assert!(well_led.contains("Common cause variation"), "{well_led}");
    assert!(!html.contains("Save sections"), "board viewers only read");
    let (status, _) = app.outsider.get(&app, &format!("/orgs/{org}/board")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // `/board` takes a one-organisation user to theirs.
    let res = app
        .viewer
        .client
        .get(app.url("/board"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/orgs/{org}/board"));

    // The organisation's own measures are not a project in the lists; their "project" page is
    // the board.
    let (_, html) = app.member.get(&app, "/projects").await;
    assert!(!html.contains("Organisation measures"), "{html}");
    let home = api
        .get(&format!("/measures/{four_hour}"), &app.member_token)
        .await
        .body["project_id"]
        .as_i64()
        .unwrap();
    let res = app
        .member
        .client
        .get(app.url(&format!("/projects/{home}")))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), format!("/orgs/{org}/board"));
    let got = api
        .get(&format!("/projects/{home}"), &app.member_token)
        .await;
    assert_eq!(got.body["kind"], "organisation");
    // It is never deleted as a project (schemathesis found the undocumented 409).
    let r = api
        .call(
            reqwest::Method::DELETE,
            &format!("/projects/{home}"),
            &app.coach_token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // The board report: the renderer's page and PDF, as of the latest month or a chosen one.
    let (status, html) = app
        .viewer
        .get(&app, &format!("/orgs/{org}/board/report"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Northshire Hospitals: board report"),
        "{html}"
    );
    assert!(html.contains("December 2024"), "the latest month with data");
    assert!(html.contains("Four-hour performance"));
    assert!(html.contains("Cora Coach"), "the executive owner");
    let (status, html) = app
        .viewer
        .get(&app, &format!("/orgs/{org}/board/report?period=2024-06"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("June 2024"), "{html}");
    assert!(!html.contains("Dec 2024"), "nothing after June");
    let (status, _) = app
        .viewer
        .get(&app, &format!("/orgs/{org}/board/report?period=June"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let concern_first = "measures showing special cause concern or consistently failing their \
                         target come first";
    assert!(!html.contains(concern_first));
    let (_, html) = app
        .viewer
        .get(&app, &format!("/orgs/{org}/board/report?order=concern"))
        .await;
    assert!(html.contains(concern_first), "{html}");
    let pdf = |app: &App| {
        let url = app.url(&format!("/orgs/{org}/board/report.pdf?period=2024-06"));
        let client = app.viewer.client.clone();
        async move {
            let res = client.get(url).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            assert_eq!(res.headers()["content-type"], "application/pdf");
            assert_eq!(
                res.headers()["content-disposition"],
                "attachment; filename=\"board-report-june-2024.pdf\""
            );
            res.bytes().await.unwrap()
        }
    };
    let first = pdf(&app).await;
    assert!(first.starts_with(b"%PDF-"));
    assert_eq!(first, pdf(&app).await, "the same PDF, byte for byte");
    let (status, _) = app
        .outsider
        .get(&app, &format!("/orgs/{org}/board/report.pdf"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The summary's JSON through the API: four-hour performance, 12 months of 2024 with no
    // target, worked by hand: mean 860 / 12 = 71.667; the mean moving range 20 / 11 = 1.8182,
    // so the limits are 71.667 ± 2.66 × 1.8182 = 66.830 to 76.503.
    let r = api
        .get(
            &format!("/organisations/{org}/board/report"),
            &app.viewer_token,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["period"], "December 2024");
    let measures: Vec<&Value> = r.body["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["measures"].as_array().unwrap())
        .collect();
    let four = measures
        .iter()
        .find(|m| m["title"] == "Four-hour performance")
        .unwrap();
    let close = |v: &Value, x: f64| (v.as_f64().unwrap() - x).abs() < 1e-3;
    assert!(close(&four["mean"], 71.6667), "{four}");
    assert!(close(&four["lcl"], 66.8303), "{four}");
    assert!(close(&four["ucl"], 76.5030), "{four}");
    assert_eq!(four["latest_value"], 71.0);
    assert_eq!(four["owner"], "Cora Coach");
    assert_eq!(four["variation_icon"], "common_cause");
    // No target, so no assurance: outside the matrix, saying why.
    assert!(r.body["matrix"]["unplaced"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["id"] == four["id"]));
    let r = api
        .get(
            &format!("/organisations/{org}/board/report?period=2024-13"),
            &app.viewer_token,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["error"]["field"], "period");

    // Sections: a section that holds measures cannot be left out; the page says so.
    let res = app
        .coach
        .post(
            &app,
            &format!("/orgs/{org}/board/sections"),
            &[("sections", "Safe\nEffective")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(
            "The section “Responsive” still has measures: move them to another section first."
        ),
        "{html}"
    );
    let res = app
        .coach
        .post(
            &app,
            &format!("/orgs/{org}/board/sections"),
            &[("sections", "Safe\nResponsive\nFinance")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let got = api
        .get(&format!("/organisations/{org}/board"), &app.member_token)
        .await;
    assert_eq!(
        got.body["sections"],
        json!(["Safe", "Responsive", "Finance"])
    );
    let r = api
        .patch(
            &format!("/organisations/{org}/board"),
            &app.coach_token,
            json!({"sections": ["Responsive"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // Taken off the board, a measure keeps its data.
    let r = api
        .call(reqwest::Method::DELETE, &board, &app.coach_token, None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let got = api
        .get(&format!("/organisations/{org}/board"), &app.member_token)
        .await;
    assert_eq!(got.body["measures"].as_array().unwrap().len(), 1);
    let data = api
        .get(&format!("/measures/{four_hour}/data"), &app.member_token)
        .await;
    assert_eq!(data.body.as_array().unwrap().len(), 12);
    // The history of the organisation's measures says who put it there and took it off.
    let history = api
        .get(&format!("/projects/{home}/history"), &app.viewer_token)
        .await;
    let fields: Vec<(&str, &str)> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "changed")
        .map(|e| (e["field"].as_str().unwrap(), e["who"].as_str().unwrap()))
        .collect();
    assert_eq!(
        &fields[..4],
        [
            ("section", "Cora Coach"),
            ("owner_id", "Cora Coach"),
            ("section", "Cora Coach"),
            ("owner_id", "Cora Coach"),
        ]
    );
}

/// A board with no measures yet still has a report (of this month), and an empty summary.
#[tokio::test]
async fn an_empty_board_has_an_empty_report() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let org = app.org_a.0;
    let (status, html) = app
        .viewer
        .get(&app, &format!("/orgs/{org}/board/report"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let this_month = chrono::Utc::now().date_naive().format("%B %Y").to_string();
    assert!(html.contains(&this_month), "{html}");
    let r = api
        .get(
            &format!("/organisations/{org}/board/report"),
            &app.viewer_token,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body["sections"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["measures"].as_array().unwrap().is_empty()));
}

/// Values alternating 70, 72 from January to November 2024: mean 780/11 = 70.91, every moving
/// range 2, limits 70.91 ± 2.66 × 2 (65.59 to 76.23). A target of 75 lies within: hit and miss.
/// No point beyond a limit, no run of 7 on one side, no trend: common cause, no rule fired.
fn january_to_november() -> Value {
    Value::Array(
        (1..=11)
            .map(|m| json!({"date": format!("2024-{m:02}-01"), "value": if m % 2 == 1 { 70 } else { 72 }}))
            .collect(),
    )
}

/// The first measure row of a summary.
fn first_row(summary: &Value) -> &Value {
    &summary["sections"][0]["measures"][0]
}

#[tokio::test]
async fn a_published_report_is_kept_as_the_board_saw_it_and_the_next_says_what_changed() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let org = app.org_a.0;
    let m = api
        .post(
            &format!("/organisations/{org}/measures"),
            &app.coach_token,
            json!({"name": "Four-hour performance", "type": "outcome", "chart": "xmr",
                   "improvement": "increase", "target": 75}),
        )
        .await;
    assert_eq!(m.status, StatusCode::CREATED, "{}", m.body);
    let measure = m.body["id"].as_i64().unwrap();
    let r = api
        .post(
            &format!("/measures/{measure}/data"),
            &app.member_token,
            january_to_november(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // On the board, owned by a board member (a board viewer).
    let viewer_id = api.get("/me", &app.viewer_token).await.body["id"]
        .as_i64()
        .unwrap();
    let r = api
        .put(
            &format!("/measures/{measure}/board"),
            &app.coach_token,
            json!({"section": "Responsive", "owner_id": viewer_id}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // A saved monthly report of the Responsive section.
    let r = api
        .post(
            &format!("/organisations/{org}/reports"),
            &app.coach_token,
            json!({"title": "Integrated quality report", "sections": ["Responsive"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        (r.body["cadence"].as_str(), r.body["version"].as_i64()),
        (Some("month"), Some(1))
    );
    let report = r.body["id"].as_i64().unwrap();
    let r = api
        .post(
            &format!("/organisations/{org}/reports"),
            &app.member_token,
            json!({"title": "Mine"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // The owner writes the narrative for November; a member who does not own it may not.
    let narrative = format!("/measures/{measure}/narratives/2024-11");
    let r = api
        .put(&narrative, &app.member_token, json!({"shows": "Mine"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = api
        .put(
            &narrative,
            &app.viewer_token,
            json!({"shows": "Common cause variation around 71%.", "why": "No change yet.",
                   "actions": "Streaming pilot by January."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["version"], 1);

    // The live report of November has it; then November is published.
    let live = api
        .get(
            &format!("/reports/{report}?period=2024-11"),
            &app.viewer_token,
        )
        .await;
    assert_eq!(live.status, StatusCode::OK, "{}", live.body);
    assert_eq!(live.body["summary"]["period"], "November 2024");
    let r = api
        .post(
            &format!("/reports/{report}/publications"),
            &app.member_token,
            json!({"period": "2024-11"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let published = api
        .post(
            &format!("/reports/{report}/publications"),
            &app.coach_token,
            json!({"period": "2024-11"}),
        )
        .await;
    assert_eq!(published.status, StatusCode::CREATED, "{}", published.body);
    let november = &published.body["summary"];
    let row = first_row(november);
    assert_eq!(row["latest_value"], 70.0);
    assert_eq!(row["variation_icon"], "common_cause");
    assert_eq!(row["assurance_icon"], "hit_and_miss");
    assert_eq!(row["rules_fired"], json!([]));
    let mean = row["mean"].as_f64().unwrap();
    assert!((mean - 780.0 / 11.0).abs() < 1e-9, "{mean}");
    assert!((row["ucl"].as_f64().unwrap() - (780.0 / 11.0 + 2.66 * 2.0)).abs() < 1e-9);
    assert!(
        november["status"]
            .as_str()
            .unwrap()
            .ends_with("by Cora Coach"),
        "{november}"
    );
    assert_eq!(november["changes"], Value::Null, "nothing published before");
    let again = api
        .post(
            &format!("/reports/{report}/publications"),
            &app.coach_token,
            json!({"period": "2024-11"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    let pdf_url = format!("/reports/{report}/publications/2024-11/pdf");
    let pdf_before = api.get(&pdf_url, &app.viewer_token).await.body;

    // November is corrected (70 → 71) and December comes in at 90.
    let r = api
        .post(
            &format!("/measures/{measure}/data"),
            &app.member_token,
            json!([{"date": "2024-11-01", "value": 71}, {"date": "2024-12-01", "value": 90}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The published November is as the board saw it; the live one has the correction.
    let kept = api
        .get(
            &format!("/reports/{report}/publications/2024-11"),
            &app.viewer_token,
        )
        .await;
    assert_eq!(kept.status, StatusCode::OK);
    assert_eq!(kept.body, published.body);
    assert_eq!(api.get(&pdf_url, &app.viewer_token).await.body, pdf_before);
    let live = api
        .get(
            &format!("/reports/{report}?period=2024-11"),
            &app.viewer_token,
        )
        .await;
    assert_eq!(first_row(&live.body["summary"])["latest_value"], 71.0);

    // December: 70, 72 … 72, 71, 90. Mean 871/12 = 72.58; moving ranges nine of 2, then 1 and
    // 19, mean 38/11 = 3.45; the range of 19 is above 3.267 × 3.45 = 11.29, so it is screened
    // out (Making Data Count): mean moving range 19/10 = 1.9, upper limit 72.58 + 2.66 × 1.9 =
    // 77.64. 90 is beyond it (higher is better: improvement), and the first eleven points all
    // lie below the mean (a shift).
    let december = api
        .post(
            &format!("/reports/{report}/publications"),
            &app.coach_token,
            json!({"period": "2024-12"}),
        )
        .await;
    assert_eq!(december.status, StatusCode::CREATED, "{}", december.body);
    let summary = &december.body["summary"];
    let row = first_row(summary);
    assert!((row["ucl"].as_f64().unwrap() - (871.0 / 12.0 + 2.66 * 1.9)).abs() < 1e-9);
    assert_eq!(row["variation_icon"], "improvement_high");
    assert_eq!(row["rules_fired"], json!(["outside_limits", "shift"]));
    let changes = &summary["changes"];
    assert_eq!(changes["since"], "November 2024");
    let kinds: Vec<(&str, &str)> = changes["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["title"].as_str().unwrap(), i["change"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Four-hour performance", "variation"),
            ("Four-hour performance", "new_signal")
        ]
    );
    assert_eq!(changes["items"][0]["from"], "common_cause");
    assert_eq!(changes["items"][0]["to"], "improvement_high");
    assert_eq!(
        changes["items"][1]["rules"],
        json!(["outside_limits", "shift"])
    );
    let listed = api
        .get(&format!("/organisations/{org}/reports"), &app.viewer_token)
        .await;
    let periods: Vec<&str> = listed.body[0]["published"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["period"].as_str().unwrap())
        .collect();
    assert_eq!(periods, ["2024-12", "2024-11"]);

    // The published pages: the board's copy with its narrative and what changed.
    let (status, html) = app
        .viewer
        .get(&app, &format!("/reports/{report}/published/2024-12"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("What changed since November 2024"), "{html}");
    assert!(
        html.contains("New signal: point beyond a limit, shift"),
        "{html}"
    );
    let (_, html) = app
        .viewer
        .get(&app, &format!("/reports/{report}/published/2024-11"))
        .await;
    assert!(
        html.contains("Streaming pilot by January."),
        "the narrative: {html}"
    );
    let res = app
        .viewer
        .client
        .get(app.url(&format!("/reports/{report}/published/2024-11/report.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(
        String::from_utf8_lossy(&res.bytes().await.unwrap()),
        pdf_before.as_str().unwrap(),
        "the page's PDF is the API's, byte for byte"
    );

    // A published report is kept; a stale settings change is refused with the current one.
    let r = api
        .call(
            reqwest::Method::DELETE,
            &format!("/reports/{report}"),
            &app.coach_token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let stale = api
        .req(
            reqwest::Method::PATCH,
            &format!("/reports/{report}"),
            Some(&app.coach_token),
        )
        .header("If-Match", "\"7\"")
        .json(&json!({"title": "Renamed"}));
    let r = api.send(stale).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.body);
    assert_eq!(r.body["current"]["title"], "Integrated quality report");
    // Its months are published, so it stays monthly; the title may change.
    let r = api
        .patch(
            &format!("/reports/{report}"),
            &app.coach_token,
            json!({"cadence": "quarter"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("stays monthly"),
        "{}",
        r.body
    );
    // The settings form says the same beside the field.
    let (_, page) = app.coach.get(&app, &format!("/reports/{report}")).await;
    let version = common::value_of(&page, "name=\"version\" value=\"");
    let res = app
        .coach
        .post(
            &app,
            &format!("/reports/{report}"),
            &[
                ("title", "Integrated quality report"),
                ("cadence", "quarter"),
                ("sections", "Responsive"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let page = res.text().await.unwrap();
    assert!(page.contains("so it stays monthly"), "{page}");
    assert!(page.contains("Error: Integrated quality report"), "{page}");
    let r = api
        .patch(
            &format!("/reports/{report}"),
            &app.coach_token,
            json!({"title": "IPR"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.body["title"].as_str(), r.body["version"].as_i64()),
        (Some("IPR"), Some(2))
    );
}

#[tokio::test]
async fn a_quarterly_report_and_narratives_through_the_pages() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let org = app.org_a.0;
    let m = api
        .post(
            &format!("/organisations/{org}/measures"),
            &app.coach_token,
            json!({"name": "Staff turnover", "type": "outcome", "chart": "xmr", "improvement": "decrease"}),
        )
        .await;
    let measure = m.body["id"].as_i64().unwrap();
    api.post(
        &format!("/measures/{measure}/data"),
        &app.member_token,
        january_to_november(),
    )
    .await;
    let viewer_id = api.get("/me", &app.viewer_token).await.body["id"]
        .as_i64()
        .unwrap();
    api.put(
        &format!("/measures/{measure}/board"),
        &app.coach_token,
        json!({"section": "Well-led", "owner_id": viewer_id}),
    )
    .await;

    // The improvement lead saves a quarterly report through the pages.
    let res = app
        .coach
        .post(
            &app,
            &format!("/orgs/{org}/reports"),
            &[("title", "Quality committee"), ("cadence", "quarter")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let at = location(&res);
    let report: i64 = at.trim_start_matches("/reports/").parse().unwrap();
    let (status, html) = app.coach.get(&app, &at).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Narratives for October to December 2024"),
        "{html}"
    );
    // A blank title comes back with the form's message.
    let res = app
        .coach
        .post(&app, &format!("/orgs/{org}/reports"), &[("title", " ")])
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("Enter a title"));

    // The owner writes the quarter's narrative in the form; a member may not open it.
    let form = format!("/measures/{measure}/narratives/2024-Q4");
    let (status, _) = app.member.get(&app, &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, html) = app.viewer.get(&app, &form).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Narrative for October to December 2024"),
        "{html}"
    );
    let res = app
        .viewer
        .post(
            &app,
            &form,
            &[
                ("shows", "Steady at 71."),
                ("why", ""),
                ("actions", "Exit interviews by March."),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let r = api
        .get(
            &format!("/measures/{measure}/narratives/2024-Q4"),
            &app.member_token,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["actions"], "Exit interviews by March.");
    // Saving from a stale version shows theirs beside what was typed, and keeps it.
    let res = app
        .viewer
        .post(&app, &form, &[("shows", "Mine"), ("version", "7")])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Someone else changed this narrative"),
        "{html}"
    );
    assert!(html.contains("Mine"));

    // The live quarter carries the narrative; a month is not a period of this report.
    let (status, html) = app
        .viewer
        .get(&app, &format!("/reports/{report}/view?period=2024-Q4"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Exit interviews by March."), "{html}");
    assert!(html.contains("Draft: not yet published"));
    let r = api
        .get(
            &format!("/reports/{report}?period=2024-11"),
            &app.viewer_token,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let (status, html) = app
        .viewer
        .get(&app, &format!("/reports/{report}?period=2024-11"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("choose a quarter like 2024-Q4"), "{html}");
    let r = api
        .post(
            &format!("/reports/{report}/publications"),
            &app.coach_token,
            json!({"period": "2024-11"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // Publishing through the page leads to the board's copy.
    let res = app
        .coach
        .post(
            &app,
            &format!("/reports/{report}/publish"),
            &[("report_period", "2024-Q4")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&res),
        format!("/reports/{report}/published/2024-Q4")
    );
    let (_, html) = app.viewer.get(&app, &location(&res)).await;
    assert!(html.contains("Published on"), "{html}");
    let res = app
        .coach
        .post(
            &app,
            &format!("/reports/{report}/publish"),
            &[("report_period", "2024-Q4")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // An unpublished report can be deleted.
    let res = app
        .coach
        .post(&app, &format!("/orgs/{org}/reports"), &[("title", "Draft")])
        .await;
    let draft = location(&res);
    let res = app.coach.post(&app, &format!("{draft}/delete"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, _) = app.coach.get(&app, &draft).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn board_measures_move_within_their_section_and_reports_follow() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let org = app.org_a.0;
    let mut ids = Vec::new();
    for name in ["Falls", "Pressure ulcers"] {
        let m = api
            .post(
                &format!("/organisations/{org}/measures"),
                &app.coach_token,
                json!({"name": name, "type": "outcome", "chart": "xmr"}),
            )
            .await;
        let id = m.body["id"].as_i64().unwrap();
        api.post(
            &format!("/measures/{id}/data"),
            &app.member_token,
            january_to_november(),
        )
        .await;
        let r = api
            .put(
                &format!("/measures/{id}/board"),
                &app.coach_token,
                json!({"section": "Safe"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        ids.push(id);
    }
    let titles = |summary: &Value| -> Vec<String> {
        summary["sections"][0]["measures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let report = format!("/organisations/{org}/board/report");
    assert_eq!(
        titles(&api.get(&report, &app.viewer_token).await.body),
        ["Falls", "Pressure ulcers"]
    );
    // Through the page: pressure ulcers first.
    let (_, html) = app.coach.get(&app, &format!("/orgs/{org}/board")).await;
    assert!(html.contains("Move up"), "{html}");
    let res = app
        .coach
        .post(
            &app,
            &format!("/measures/{}/board/move", ids[1]),
            &[("direction", "up")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        titles(&api.get(&report, &app.viewer_token).await.body),
        ["Pressure ulcers", "Falls"]
    );
    // Through the API: back down; a member may not; a bad direction says so.
    let r = api
        .post(
            &format!("/measures/{}/board/move", ids[1]),
            &app.member_token,
            json!({"direction": "down"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = api
        .post(
            &format!("/measures/{}/board/move", ids[1]),
            &app.coach_token,
            json!({"direction": "down"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(
        titles(&api.get(&report, &app.viewer_token).await.body),
        ["Falls", "Pressure ulcers"]
    );
    let r = api
        .post_unchecked(
            &format!("/measures/{}/board/move", ids[1]),
            &app.coach_token,
            json!({"direction": "sideways"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["error"]["field"], "direction");
}
