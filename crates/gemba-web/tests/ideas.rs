//! Staff ideas end to end: put forward from the page (and the API), supported and commented on,
//! triaged by an improvement lead with a response the submitter sees in their notifications;
//! "not now" needs a reason; nobody of another organisation sees any of it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use common::{location, Api, User};
use gemba_domain::{OrgId, Role, Store};
use reqwest::{Method, StatusCode};
use serde_json::json;

struct Seeds {
    org_a: OrgId,
    /// A patient partner of Trust A, who puts ideas forward.
    partner: User,
    partner_token: String,
    /// A member of Trust A.
    member: User,
    member_token: String,
    /// An improvement lead of Trust A, who triages.
    coach: User,
    coach_token: String,
    /// A member of Trust B (another system).
    outsider_token: String,
}

type App = common::App<Seeds>;

async fn spawn_app() -> App {
    let store = common::in_memory().await;
    let orgs = common::northshire_and_southshire(&*store).await;
    store.create_team(orgs.org_a, "Ward 7").await.unwrap();
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
            (
                "coach@a.nhs.uk",
                "Cora Coach",
                orgs.org_a,
                Role::ImprovementLead,
            ),
            ("member@b.nhs.uk", "Sam South", orgs.org_b, Role::Member),
        ],
    )
    .await;
    let base = common::serve(store.clone(), |_| {}).await;
    let seeds = Seeds {
        org_a: orgs.org_a,
        partner: common::signed_in(&*store, &base, "partner@a.nhs.uk").await,
        partner_token: common::api_token(&*store, ids[0]).await,
        member: common::signed_in(&*store, &base, "member@a.nhs.uk").await,
        member_token: common::api_token(&*store, ids[1]).await,
        coach: common::signed_in(&*store, &base, "coach@a.nhs.uk").await,
        coach_token: common::api_token(&*store, ids[2]).await,
        outsider_token: common::api_token(&*store, ids[3]).await,
    };
    common::App { base, store, seeds }
}

#[tokio::test]
async fn an_idea_gets_a_response_its_submitter_is_told_of() {
    let app = spawn_app().await;
    let ideas = format!("/orgs/{}/ideas", app.org_a);
    // A patient partner puts one forward; a missing idea is named.
    let r = app
        .partner
        .post(
            &app,
            &ideas,
            &[("problem", "Call bells out of reach"), ("idea", " ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("Enter your idea"));
    let r = app
        .partner
        .post(
            &app,
            &ideas,
            &[
                ("problem", "Call bells are out of reach at night"),
                ("idea", "Clip the call bell to the bed rail at every check"),
                ("area", "Ward 7"),
                ("team", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = location(&r);
    let id: i64 = page.trim_start_matches("/ideas/").parse().unwrap();
    let (status, html) = app.member.get(&app, &ideas).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Clip the call bell to the bed rail"));

    // A member supports it and comments; the partner is told of the comment.
    let r = app
        .member
        .post(&app, &format!("/ideas/{id}/support"), &[("support", "yes")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .member
        .post(
            &app,
            &format!("/ideas/{id}/comments"),
            &[("text", "We tried this on Ward 9: it works")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.member.get(&app, &page).await;
    assert!(html.contains("Withdraw my support"));
    assert!(html.contains("We tried this on Ward 9"));
    assert!(
        !html.contains("Save the response"),
        "a member does not triage"
    );

    // The coach triages: "not now" needs a reason; then under review.
    let (_, html) = app.coach.get(&app, &page).await;
    let version = common::value_of(&html, "name=\"version\" value=\"");
    let r = app
        .coach
        .post(
            &app,
            &format!("/ideas/{id}/triage"),
            &[
                ("status", "not_now"),
                ("response", ""),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("the submitter sees it"));
    let r = app
        .coach
        .post(
            &app,
            &format!("/ideas/{id}/triage"),
            &[
                ("status", "under_review"),
                ("response", "We will trial it on Ward 7 in March"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Saving again from the same (old) version is refused.
    let r = app
        .coach
        .post(
            &app,
            &format!("/ideas/{id}/triage"),
            &[
                ("status", "adopted"),
                ("response", ""),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // The partner's notifications: the comment, then the response, newest first.
    let (_, html) = app.partner.get(&app, "/notifications").await;
    let response_at = html
        .find("Under review. We will trial it on Ward 7 in March")
        .expect("the response is a notification");
    let comment_at = html
        .find("New comment on your idea")
        .expect("the comment is a notification");
    assert!(response_at < comment_at, "newest first");
    assert!(html.contains("2 new."));
    let r = app.partner.post(&app, "/notifications/read", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.partner.get(&app, "/notifications").await;
    assert!(html.contains("0 new."));
    let (_, html) = app.partner.get(&app, &page).await;
    assert!(html.contains("Under review"));
    assert!(html.contains("days after it was put forward"));
}

#[tokio::test]
async fn ideas_through_the_api() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let r = api
        .post(
            "/ideas",
            &app.partner_token,
            json!({"problem": "Discharge letters are late", "idea": "Draft them at the board round", "area": "Ward 7"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["status"], "new");
    assert_eq!(r.body["first_response_at"], serde_json::Value::Null);
    for (body, field) in [
        (json!({"problem": "x"}), "idea"),
        (
            json!({"problem": "x", "idea": "y", "team_id": 987654}),
            "team_id",
        ),
        (
            json!({"problem": "x", "idea": "y", "org_id": 987654}),
            "org_id",
        ),
    ] {
        let r = api.post("/ideas", &app.member_token, body.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.body
        );
        assert_eq!(r.body["error"]["field"], field, "{body}");
    }
    let r = api
        .call(
            Method::POST,
            &format!("/ideas/{id}/support"),
            &app.member_token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.body["supporters"].clone(), r.body["supported"].clone()),
        (json!(1), json!(true))
    );
    let r = api
        .call(
            Method::POST,
            &format!("/ideas/{id}/support"),
            &app.member_token,
            None,
        )
        .await;
    assert_eq!(r.body["supporters"], 1, "supporting twice counts once");
    let r = api
        .post(
            &format!("/ideas/{id}/comments"),
            &app.member_token,
            json!({"text": "Yes please"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body[0]["author_name"], "Mo Member");
    // Only improvement leads and admins triage.
    let r = api
        .patch(
            &format!("/ideas/{id}"),
            &app.member_token,
            json!({"status": "adopted"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = api
        .patch(
            &format!("/ideas/{id}"),
            &app.coach_token,
            json!({"status": "not_now"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["error"]["field"], "response");
    let r = api
        .patch(
            &format!("/ideas/{id}"),
            &app.coach_token,
            json!({"status": "not_now", "response": "The EPR upgrade in June does this"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["status"], "not_now");
    assert!(r.body["first_response_at"].is_string());
    // The list filters by status.
    let r = api.get("/ideas?status=not_now", &app.member_token).await;
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    let r = api.get("/ideas?status=new", &app.member_token).await;
    assert_eq!(r.body, json!([]));
    let r = api.get("/ideas?status=done", &app.member_token).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The partner was told of the comment and of the response.
    let r = api.get("/notifications", &app.partner_token).await;
    let texts: Vec<&str> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(
        texts[0].ends_with("\u{201d}: Not now. The EPR upgrade in June does this"),
        "{texts:?}"
    );
    let r = api
        .call(
            Method::POST,
            "/notifications/read",
            &app.partner_token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    // Nobody of another organisation sees it.
    let r = api.get(&format!("/ideas/{id}"), &app.outsider_token).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = api.get("/ideas", &app.outsider_token).await;
    assert_eq!(r.body, json!([]));
}
