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
    /// An admin of Trust A, who sets the response target.
    admin: User,
    admin_token: String,
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
            ("admin@a.nhs.uk", "Ada Admin", orgs.org_a, Role::Admin),
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
        admin: common::signed_in(&*store, &base, "admin@a.nhs.uk").await,
        admin_token: common::api_token(&*store, ids[4]).await,
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

#[tokio::test]
async fn an_idea_becomes_a_project_and_a_change_idea_with_its_lineage_through_the_api() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let r = api
        .post(
            "/ideas",
            &app.partner_token,
            json!({"problem": "Call bells are out of reach at night", "idea": "Clip the call bell to the bed rail"}),
        )
        .await;
    let id = r.body["id"].as_i64().unwrap();
    let convert = format!("/ideas/{id}/convert");
    // Only improvement leads and admins take an idea forward; a bad kind or a missing driver is
    // named.
    let r = api
        .post(&convert, &app.member_token, json!({"into": "project"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    for (body, field) in [
        (json!({"into": "poster"}), "into"),
        (json!({"into": "change_idea"}), "driver_id"),
        (
            json!({"into": "change_idea", "driver_id": 987654}),
            "driver_id",
        ),
    ] {
        let r = api
            .post_unchecked(&convert, &app.coach_token, body.clone())
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.body
        );
        assert_eq!(r.body["error"]["field"], field, "{body}");
    }
    // A stale version writes nothing.
    let r = api
        .send(
            api.req(Method::POST, &convert, Some(&app.coach_token))
                .header("If-Match", "\"7\"")
                .json(&json!({"into": "project"})),
        )
        .await;
    assert!(
        r.status == StatusCode::PRECONDITION_FAILED || r.status == StatusCode::CONFLICT,
        "{}: {}",
        r.status,
        r.body
    );
    let r = api
        .post(&convert, &app.coach_token, json!({"into": "project"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["status"], "being_tested");
    let project_id = r.body["became"][0]["project_id"].as_i64().unwrap();
    assert_eq!(
        r.body["became"][0]["project_title"],
        "Clip the call bell to the bed rail"
    );
    assert_eq!(
        r.body["became"][0]["change_idea_id"],
        serde_json::Value::Null
    );
    // The project names its idea and starts from the idea's problem.
    let p = api
        .get(&format!("/projects/{project_id}"), &app.member_token)
        .await;
    assert_eq!(p.body["idea_id"], id);
    assert_eq!(p.body["problem"], "Call bells are out of reach at night");
    assert_eq!(p.body["status"], "scoping");
    // A secondary driver on it; the idea also becomes a change idea under it.
    let nodes = format!("/projects/{project_id}/driver-nodes");
    let primary = api
        .post(&nodes, &app.coach_token, json!({"text": "Help is at hand"}))
        .await;
    let secondary = api
        .post(
            &nodes,
            &app.coach_token,
            json!({"text": "Bells within reach", "parent_id": primary.body["id"]}),
        )
        .await;
    let driver = secondary.body["id"].as_i64().unwrap();
    let r = api
        .post(
            &convert,
            &app.coach_token,
            json!({"into": "change_idea", "driver_id": driver, "text": "Bell clipped at every check"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let change = r.body["became"][1].clone();
    assert_eq!(change["change_idea"], "Bell clipped at every check");
    let nodes = api.get(&nodes, &app.member_token).await;
    let node = nodes
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == change["change_idea_id"])
        .cloned()
        .unwrap();
    assert_eq!(
        (node["kind"].clone(), node["idea_id"].clone()),
        (json!("change_idea"), json!(id))
    );
    // A change idea cannot be a driver.
    let r = api
        .post(
            &convert,
            &app.coach_token,
            json!({"into": "change_idea", "driver_id": change["change_idea_id"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // The submitter was told twice, with where it went.
    let r = api.get("/notifications", &app.partner_token).await;
    let texts: Vec<String> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(
        texts[0].contains("Now a change idea on the driver diagram of"),
        "{texts:?}"
    );
    assert!(texts[1].contains("Now a project"), "{texts:?}");
    // Nobody of another organisation takes it forward.
    let r = api
        .post(&convert, &app.outsider_token, json!({"into": "project"}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}

#[tokio::test]
async fn response_times_per_team_against_the_organisations_target() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let team = app.store.teams(app.org_a).await.unwrap()[0].id.0;
    let mut ids = Vec::new();
    for (idea, team) in [
        ("Bells on the rail", Some(team)),
        ("Quiet hours", Some(team)),
        ("Fewer forms", None),
    ] {
        let mut body = json!({"problem": "p", "idea": idea});
        if let Some(t) = team {
            body["team_id"] = json!(t);
        }
        let r = api.post("/ideas", &app.member_token, body).await;
        ids.push(r.body["id"].as_i64().unwrap());
    }
    // Two answered (at once: 0 days), one waiting.
    for id in &ids[..2] {
        let r = api
            .patch(
                &format!("/ideas/{id}"),
                &app.coach_token,
                json!({"status": "under_review"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let path = format!("/organisations/{}/idea-responses", app.org_a);
    let r = api.get(&path, &app.member_token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["target_days"], serde_json::Value::Null);
    let groups = r.body["groups"].as_array().unwrap();
    let scopes: Vec<&str> = groups
        .iter()
        .map(|g| g["scope"].as_str().unwrap())
        .collect();
    assert_eq!(scopes, ["organisation", "team", "no_team"]);
    assert_eq!(groups[0]["answered"].as_array().unwrap().len(), 2);
    assert_eq!(groups[0]["waiting"][0]["idea_id"], ids[2]);
    assert_eq!(groups[1]["team_name"], "Ward 7");
    assert_eq!(groups[1]["answered"][0]["days"], 0.0);
    assert_eq!(groups[1]["mean_days"], 0.0);
    assert_eq!(groups[2]["answered"], json!([]));
    assert_eq!(groups[2]["mean_days"], serde_json::Value::Null);
    // Only admins set the target; 0 and 366 are refused.
    let target = format!("/organisations/{}/idea-response-target", app.org_a);
    let r = api.put(&target, &app.coach_token, json!({"days": 7})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    for days in [0, 366] {
        let r = api
            .call_unchecked(
                Method::PUT,
                &target,
                &app.admin_token,
                json!({"days": days}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{days}: {}",
            r.body
        );
        assert_eq!(r.body["error"]["field"], "target");
    }
    let r = api.put(&target, &app.admin_token, json!({"days": 7})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (
            r.body["target_days"].clone(),
            r.body["target_version"].clone()
        ),
        (json!(7), json!(1))
    );
    // Answered at once, well within 7 days: the limits are both 0 and the target above them, so
    // the target is met every time (the "pass" assurance icon), and none is late.
    assert_eq!(r.body["groups"][1]["late"], 0);
    assert_eq!(r.body["groups"][1]["assurance"], "pass", "{}", r.body);
    // A stale If-Match is refused.
    let r = api
        .send(
            api.req(Method::PUT, &target, Some(&app.admin_token))
                .header("If-Match", "\"5\"")
                .json(&json!({"days": 5})),
        )
        .await;
    assert!(
        r.status == StatusCode::PRECONDITION_FAILED || r.status == StatusCode::CONFLICT,
        "{}: {}",
        r.status,
        r.body
    );

    // The page: the target form for admins, a chart per team, the waiting idea.
    let page = format!("/orgs/{}/ideas/responses", app.org_a);
    let (status, html) = app.member.get(&app, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("The organisation\u{2019}s target is <strong>7 days</strong>"),
        "{html}"
    );
    assert!(html.contains("Ward 7"));
    assert!(html.contains("Waiting for a response"));
    assert!(!html.contains("Set the target"));
    let (_, html) = app.admin.get(&app, &page).await;
    assert!(html.contains("Set the target"));
    let r = app
        .admin
        .post(
            &app,
            &format!("/orgs/{}/ideas/target", app.org_a),
            &[("target", "ten"), ("version", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .admin
        .post(
            &app,
            &format!("/orgs/{}/ideas/target", app.org_a),
            &[("target", "10"), ("version", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = api.get(&path, &app.member_token).await;
    assert_eq!(r.body["target_days"], 10);
}

#[tokio::test]
async fn an_idea_is_taken_forward_from_its_page() {
    let app = spawn_app().await;
    let r = app
        .partner
        .post(
            &app,
            &format!("/orgs/{}/ideas", app.org_a),
            &[
                ("problem", "Long waits for porters"),
                ("idea", "A porter request button on the ward tablet"),
                ("team", ""),
            ],
        )
        .await;
    let page = location(&r);
    let (_, html) = app.member.get(&app, &page).await;
    assert!(
        !html.contains("Take it forward"),
        "only those who triage see the form"
    );
    let (_, html) = app.coach.get(&app, &page).await;
    assert!(html.contains("Take it forward"));
    let version = "1";
    let r = app
        .coach
        .post(
            &app,
            &format!("{page}/convert"),
            &[
                ("into", "change_idea"),
                ("driver", ""),
                ("version", version),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .coach
        .post(
            &app,
            &format!("{page}/convert"),
            &[
                ("into", "project"),
                ("title", "Porter requests"),
                ("version", version),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let project = location(&r);
    let (_, html) = app.member.get(&app, &project).await;
    assert!(html.contains("Started from"), "{html}");
    assert!(html.contains(&format!("href=\"{page}\"")));
    let (_, html) = app.member.get(&app, &page).await;
    assert!(html.contains("What it became"));
    assert!(html.contains(&format!("href=\"{project}\"")));
    // A second save from the same (old) form is stale.
    let r = app
        .coach
        .post(
            &app,
            &format!("{page}/convert"),
            &[("into", "project"), ("version", version)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
}

/// A fake SMTP server on a free port: answers every command, keeps each message's data.
async fn fake_smtp() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = got.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 fake ESMTP\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(d) = data.as_mut() {
                        if line == "." {
                            kept.lock().unwrap().push(std::mem::take(d));
                            data = None;
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            d.push_str(&line);
                            d.push('\n');
                        }
                        continue;
                    }
                    let command = line.to_ascii_uppercase();
                    let reply: &[u8] = if command.starts_with("EHLO") {
                        b"250-fake\r\n250 8BITMIME\r\n"
                    } else if command.starts_with("DATA") {
                        data = Some(String::new());
                        b"354 go on\r\n"
                    } else if command.starts_with("QUIT") {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, got)
}

#[tokio::test]
async fn notifications_are_emailed_through_the_smtp_server_while_email_is_on() {
    use gemba_web::mail::{MailSettings, Mailer, Round};
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let r = api
        .post(
            "/ideas",
            &app.partner_token,
            json!({"problem": "Call bells out of reach", "idea": "Clip them to the bed rail"}),
        )
        .await;
    let id = r.body["id"].as_i64().unwrap();
    let outbox = format!("/organisations/{}/email-outbox", app.org_a);
    // Off by default: a comment is notified, not e-mailed.
    api.post(
        &format!("/ideas/{id}/comments"),
        &app.member_token,
        json!({"text": "Yes"}),
    )
    .await;
    let r = api.get(&outbox, &app.admin_token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body, json!({"enabled": false, "emails": []}));
    let r = api.get(&outbox, &app.member_token).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "only admins see the outbox"
    );

    let (port, got) = fake_smtp().await;
    let mailer = Mailer::new(&MailSettings {
        smtp_url: format!("smtp://127.0.0.1:{port}"),
        from: "Gemba <gemba@a.nhs.uk>".into(),
        public_url: "https://gemba.example.nhs.uk/".into(),
    })
    .unwrap();
    app.store.set_email_enabled(true).await.unwrap();
    api.patch(
        &format!("/ideas/{id}"),
        &app.coach_token,
        json!({"status": "under_review", "response": "At Thursday's huddle"}),
    )
    .await;
    let r = api.get(&outbox, &app.admin_token).await;
    assert_eq!(r.body["enabled"], true);
    assert_eq!(r.body["emails"][0]["state"], "waiting");
    assert_eq!(r.body["emails"][0]["to_email"], "partner@a.nhs.uk");
    let round = mailer.send_due(&*app.store).await.unwrap();
    assert_eq!(round, Round { sent: 1, failed: 0 });
    let mail = got.lock().unwrap().join("\n---\n");
    let unfolded = mail.replace("=\n", "");
    assert!(
        mail.contains("To: \"Pat Partner\" <partner@a.nhs.uk>")
            || mail.contains("To: Pat Partner <partner@a.nhs.uk>"),
        "{mail}"
    );
    assert!(mail.contains("From: Gemba <gemba@a.nhs.uk>"), "{mail}");
    assert!(
        unfolded.contains(&format!(
            "See it in Gemba: https://gemba.example.nhs.uk/ideas/{id}"
        )),
        "{mail}"
    );
    assert!(unfolded.contains("At Thursday's huddle"), "{mail}");
    let r = api.get(&outbox, &app.admin_token).await;
    assert_eq!(r.body["emails"][0]["state"], "sent");
    // Nothing more is due.
    assert_eq!(
        mailer.send_due(&*app.store).await.unwrap(),
        Round::default()
    );

    // A server that does not answer: the failure is recorded, to be tried again later.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_port = closed.local_addr().unwrap().port();
    drop(closed);
    let dead = Mailer::new(&MailSettings {
        smtp_url: format!("smtp://127.0.0.1:{dead_port}"),
        from: "gemba@a.nhs.uk".into(),
        public_url: "https://gemba.example.nhs.uk".into(),
    })
    .unwrap();
    api.post(
        &format!("/ideas/{id}/comments"),
        &app.member_token,
        json!({"text": "Again"}),
    )
    .await;
    assert_eq!(
        dead.send_due(&*app.store).await.unwrap(),
        Round { sent: 0, failed: 1 }
    );
    let r = api.get(&outbox, &app.admin_token).await;
    let e = &r.body["emails"][0];
    assert_eq!(
        (e["state"].clone(), e["attempts"].clone()),
        (json!("waiting"), json!(1))
    );
    assert!(e["last_error"].is_string(), "{e}");
    // Not due again at once (the next try is a minute later).
    assert_eq!(
        mailer.send_due(&*app.store).await.unwrap(),
        Round::default()
    );
    let (status, html) = app
        .admin
        .get(&app, &format!("/orgs/{}/email", app.org_a))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("E-mail is <strong>on</strong>"), "{html}");
    assert!(html.contains("Waiting to try again"), "{html}");
    // Bad settings are named.
    let bad = Mailer::new(&MailSettings {
        smtp_url: "smtp://127.0.0.1".into(),
        from: "not an address".into(),
        public_url: String::new(),
    });
    assert!(bad
        .err()
        .unwrap()
        .to_string()
        .contains("not an e-mail address"));
}

#[tokio::test]
async fn for_you_lists_data_due_cycles_to_study_ideas_waiting_and_unread_notifications() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    // The member's project (they lead it): a monthly measure last filled in January 2024, a cycle
    // started on 8 January 2024 with no study yet.
    let r = api
        .post(
            "/projects",
            &app.member_token,
            json!({"title": "Call bells within reach", "org_id": app.org_a.0}),
        )
        .await;
    let project = r.body["id"].as_i64().unwrap();
    let r = api
        .post(
            &format!("/projects/{project}/measures"),
            &app.member_token,
            json!({"name": "Falls at night", "type": "outcome", "chart": "xmr", "period": "month"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let measure = r.body["id"].as_i64().unwrap();
    api.post(
        &format!("/measures/{measure}/data"),
        &app.member_token,
        json!([{"date": "2023-12-01", "value": 4}, {"date": "2024-01-01", "value": 3}]),
    )
    .await;
    let r = api
        .post(
            &format!("/projects/{project}/pdsa-cycles"),
            &app.member_token,
            json!({"title": "Bells on the rail, bay 2", "start_date": "2024-01-08"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // An idea from the partner, commented on by the member: the partner has one unread
    // notification; the idea waits for the coach.
    let r = api
        .post(
            "/ideas",
            &app.partner_token,
            json!({"problem": "Long waits for porters", "idea": "A porter button"}),
        )
        .await;
    let idea = r.body["id"].as_i64().unwrap();
    api.post(
        &format!("/ideas/{idea}/comments"),
        &app.member_token,
        json!({"text": "Yes"}),
    )
    .await;

    let mine = api.get("/for-you", &app.member_token).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert_eq!(mine.body["data_due"][0]["measure_id"], measure);
    assert_eq!(mine.body["data_due"][0]["latest"], "Jan 2024");
    assert_eq!(mine.body["data_due"][0]["missing"], "Feb 2024");
    assert_eq!(
        mine.body["cycles_awaiting_study"][0]["title"],
        "Bells on the rail, bay 2"
    );
    assert_eq!(
        mine.body["ideas_waiting"],
        json!([]),
        "a member does not triage"
    );
    assert_eq!(mine.body["unread_notifications"], 0);
    let coach = api.get("/for-you", &app.coach_token).await;
    assert_eq!(coach.body["ideas_waiting"][0]["idea_id"], idea);
    assert_eq!(coach.body["data_due"], json!([]), "not on the project");
    let partner = api.get("/for-you", &app.partner_token).await;
    assert_eq!(partner.body["unread_notifications"], 1);
    // The study written: no longer waiting.
    let cycle = api
        .get(
            &format!("/projects/{project}/pdsa-cycles"),
            &app.member_token,
        )
        .await;
    let cycle = cycle.body[0]["id"].as_i64().unwrap();
    let r = api
        .patch(
            &format!("/pdsa-cycles/{cycle}"),
            &app.member_token,
            json!({"study": "Falls at night halved on bay 2"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mine = api.get("/for-you", &app.member_token).await;
    assert_eq!(mine.body["cycles_awaiting_study"], json!([]));
    // The dashboard lists the same.
    let (_, html) = app.member.get(&app, "/").await;
    assert!(html.contains("For you"));
    assert!(html.contains("Data due: <a href=\"/measures/"), "{html}");
    assert!(html.contains("nothing for Feb 2024 yet"));
    let (_, html) = app.coach.get(&app, "/").await;
    assert!(html.contains("An idea waiting"), "{html}");
}
