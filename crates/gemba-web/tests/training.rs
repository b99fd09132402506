//! Improvement training end to end: an improvement lead adds a course and a session of two
//! places; three people ask for a place (two booked, the third waits); a booked person gives
//! theirs up and the first on the waiting list gets it and is told; attendance and completion
//! give the level in each person's record — in the browser and through the API, with the roles
//! that may not refused and nobody of another organisation seeing any of it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use common::{location, Api, User};
use gemba_domain::{OrgId, Role, UserId};
use reqwest::{Method, StatusCode};
use serde_json::json;

struct Seeds {
    org_a: OrgId,
    /// An improvement lead of Trust A, who runs training.
    coach: User,
    coach_token: String,
    /// A member of Trust A.
    member: User,
    member_id: UserId,
    member_token: String,
    /// A patient partner of Trust A.
    partner: User,
    partner_id: UserId,
    partner_token: String,
    /// A board viewer of Trust A: they may ask for a place too.
    viewer: User,
    viewer_id: UserId,
    /// A member of Trust B (another system).
    outsider_token: String,
    /// An admin of Trust A, who sets the capability plan.
    admin: User,
    admin_token: String,
}

type App = common::App<Seeds>;

async fn spawn_app() -> App {
    let store = common::in_memory().await;
    let orgs = common::northshire_and_southshire(&*store).await;
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
                "partner@a.nhs.uk",
                "Pat Partner",
                orgs.org_a,
                Role::PatientPartner,
            ),
            (
                "viewer@a.nhs.uk",
                "Val Viewer",
                orgs.org_a,
                Role::BoardViewer,
            ),
            ("member@b.nhs.uk", "Sam South", orgs.org_b, Role::Member),
            ("admin@a.nhs.uk", "Ada Admin", orgs.org_a, Role::Admin),
        ],
    )
    .await;
    let base = common::serve(store.clone(), |_| {}).await;
    let seeds = Seeds {
        org_a: orgs.org_a,
        coach: common::signed_in(&*store, &base, "coach@a.nhs.uk").await,
        coach_token: common::api_token(&*store, ids[0]).await,
        member: common::signed_in(&*store, &base, "member@a.nhs.uk").await,
        member_id: ids[1],
        member_token: common::api_token(&*store, ids[1]).await,
        partner: common::signed_in(&*store, &base, "partner@a.nhs.uk").await,
        partner_id: ids[2],
        partner_token: common::api_token(&*store, ids[2]).await,
        viewer: common::signed_in(&*store, &base, "viewer@a.nhs.uk").await,
        viewer_id: ids[3],
        outsider_token: common::api_token(&*store, ids[4]).await,
        admin: common::signed_in(&*store, &base, "admin@a.nhs.uk").await,
        admin_token: common::api_token(&*store, ids[5]).await,
    };
    common::App { base, store, seeds }
}

#[tokio::test]
async fn a_cohort_is_booked_waits_is_promoted_and_completes_in_the_browser() {
    let app = spawn_app().await;
    let training = format!("/orgs/{}/training", app.org_a);
    // A member sees the page but cannot add a course.
    let (status, html) = app.member.get(&app, &training).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No courses yet."));
    assert!(!html.contains("Add the course"));
    let r = app
        .member
        .post(
            &app,
            &format!("{training}/courses"),
            &[("title", "QI"), ("level", "foundation")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The coach adds a course: a missing level is named, then it is added.
    let r = app
        .coach
        .post(
            &app,
            &format!("{training}/courses"),
            &[("title", "Foundations of QI"), ("level", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(html.contains("Foundations of QI"), "what was typed is kept");
    assert!(html.contains("Choose a level from the list"), "{html}");
    let r = app
        .coach
        .post(
            &app,
            &format!("{training}/courses"),
            &[
                ("title", "Foundations of QI"),
                ("level", "foundation"),
                ("description", "The model for improvement and run charts"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let course = location(&r);
    // A session of two places; nought places is refused.
    let r = app
        .coach
        .post(
            &app,
            &format!("{course}/sessions"),
            &[("date", "2026-03-04"), ("places", "0"), ("venue", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .coach
        .post(
            &app,
            &format!("{course}/sessions"),
            &[
                ("date", "2026-03-04"),
                ("places", "2"),
                ("venue", "Education centre"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session = location(&r);

    // Member, then partner, then the board viewer ask: two booked, the viewer waits.
    for who in [&app.member, &app.partner, &app.viewer] {
        let r = who.post(&app, &format!("{session}/request"), &[]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let (_, html) = app.viewer.get(&app, &session).await;
    assert!(
        html.contains("You are number 1 on the waiting list."),
        "{html}"
    );
    assert!(html.contains("2 of 2 places booked · 1 on the waiting list"));
    assert!(html.contains("Leave the waiting list"));
    assert!(
        !html.contains("Waiting list</h2>"),
        "only leads see who waits"
    );
    let (_, html) = app.coach.get(&app, &session).await;
    assert!(html.contains("Mo Member") && html.contains("Pat Partner"));
    assert!(html.contains("Val Viewer ("), "the viewer waits: {html}");

    // The member gives up their place: the viewer, first in line, gets it and is told.
    let r = app
        .member
        .post(&app, &format!("{session}/cancel"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.viewer.get(&app, &session).await;
    assert!(html.contains("You have a place."), "{html}");
    let (_, html) = app.viewer.get(&app, "/notifications").await;
    assert!(
        html.contains("A place is yours on “Foundations of QI” on 4 March 2026"),
        "{html}"
    );
    let (_, html) = app.member.get(&app, &session).await;
    assert!(html.contains("Join the waiting list"), "full again: {html}");

    // The coach records the partner's attendance and completion; completing needs attending.
    let (_, html) = app.coach.get(&app, &session).await;
    let place = format!("{session}/places/{}", app.partner_id);
    let marker = format!("action=\"{place}\"");
    let form = html.split(&marker).nth(1).unwrap();
    let version = common::value_of(form, "name=\"version\" value=\"");
    let r = app
        .coach
        .post(
            &app,
            &place,
            &[
                ("attendance", "did_not_attend"),
                ("completed", "yes"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Only someone who attended can complete the course"));
    let r = app
        .coach
        .post(
            &app,
            &place,
            &[
                ("attendance", "attended"),
                ("completed", "yes"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The same form sent again, from the version it was opened at, is refused.
    let r = app
        .coach
        .post(&app, &place, &[("attendance", ""), ("version", &version)])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // The partner's record: booked, attended, completed, Foundation level.
    let (status, html) = app.partner.get(&app, "/account/training").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Level: <strong>Foundation</strong>"),
        "{html}"
    );
    assert!(html.contains("Attended"));
    // The coach sees it too; a member may not see another's.
    let record = format!("/orgs/{}/people/{}/training", app.org_a, app.partner_id);
    let (status, html) = app.coach.get(&app, &record).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Pat Partner") && html.contains("Foundation"));
    let (status, _) = app.member.get(&app, &record).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The member has no level: their place was given up.
    let (_, html) = app.member.get(&app, "/account/training").await;
    assert!(html.contains("Level: none yet"), "{html}");

    // An edit of the course from an old version is refused with the stale notice.
    let (_, html) = app.coach.get(&app, &course).await;
    let version = common::value_of(&html, "name=\"version\" value=\"");
    let form = [
        ("title", "Foundations of quality improvement"),
        ("level", "foundation"),
        ("version", version.as_str()),
    ];
    let r = app.coach.post(&app, &course, &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app.coach.post(&app, &course, &form).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Someone else changed this first"));
}

#[tokio::test]
async fn the_api_books_promotes_records_and_refuses_who_may_not() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let courses = format!("/organisations/{}/courses", app.org_a);
    let body = json!({"title": "Measurement for improvement", "level": "practitioner"});
    let r = api.post(&courses, &app.member_token, body.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = api.post(&courses, &app.outsider_token, body.clone()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = api
        .post(&courses, &app.coach_token, json!({"level": "guru"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let fields: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["title", "level"]);
    let r = api.post(&courses, &app.coach_token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let course = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["level"], "practitioner");
    let r = api
        .post(
            &format!("/courses/{course}/sessions"),
            &app.coach_token,
            json!({"date": "2026-05-12", "places": 1, "venue": "Room 4"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let session = r.body["id"].as_i64().unwrap();
    let places = format!("/sessions/{session}/places");

    // One place: the partner is booked; the member waits, first in line.
    let r = api
        .call(Method::POST, &places, &app.partner_token, None)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["state"], "booked");
    let r = api
        .call(Method::POST, &places, &app.member_token, None)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        (&r.body["state"], &r.body["position"]),
        (&json!("waiting"), &json!(1))
    );
    // Asking again changes nothing.
    let again = api
        .call(Method::POST, &places, &app.member_token, None)
        .await;
    assert_eq!(again.body["requested_at"], r.body["requested_at"]);
    let s = api
        .get(&format!("/sessions/{session}"), &app.member_token)
        .await;
    assert_eq!(
        (&s.body["booked"], &s.body["waiting"], &s.body["free"]),
        (&json!(1), &json!(1), &json!(0))
    );
    assert_eq!(s.body["my_place"]["position"], 1);
    // Only those who run training see everyone's places.
    let r = api.get(&places, &app.member_token).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = api.get(&places, &app.coach_token).await;
    let who: Vec<i64> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["user_id"].as_i64().unwrap())
        .collect();
    assert_eq!(who, [app.partner_id.0, app.member_id.0]);

    // A second place (from an old version: 412 with the current session), then the member is
    // booked by the change.
    let r = api
        .send(
            api.req(
                Method::PATCH,
                &format!("/sessions/{session}"),
                Some(&app.coach_token),
            )
            .header("If-Match", "\"1\"")
            .json(&json!({"places": 2})),
        )
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.body);
    let r = api
        .patch(
            &format!("/sessions/{session}"),
            &app.coach_token,
            json!({"places": 2}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (&r.body["booked"], &r.body["waiting"]),
        (&json!(2), &json!(0))
    );
    // Never fewer places than are booked.
    let r = api
        .patch(
            &format!("/sessions/{session}"),
            &app.coach_token,
            json!({"places": 1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["error"]["field"], "places");

    // Attendance: completing needs attending; a member may not record it.
    let member_place = format!("{places}/{}", app.member_id);
    let r = api
        .put(
            &member_place,
            &app.coach_token,
            json!({"attendance": "did_not_attend", "completed": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = api
        .put(
            &member_place,
            &app.member_token,
            json!({"attendance": "attended"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = api
        .put(
            &member_place,
            &app.coach_token,
            json!({"attendance": "attended", "completed": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["completed"], true);
    // The viewer has no place on it.
    let r = api
        .put(
            &format!("{places}/{}", app.viewer_id),
            &app.coach_token,
            json!({"attendance": "attended"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // Records: one's own, or anyone's for those who run training; not others'.
    let record = format!("/people/{}/training", app.member_id);
    let r = api.get(&record, &app.member_token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body[0]["level"], "practitioner");
    assert_eq!(r.body[0]["entries"][0]["attendance"], "attended");
    let r = api.get(&record, &app.coach_token).await;
    assert_eq!(r.body[0]["user_name"], "Mo Member");
    let r = api.get(&record, &app.partner_token).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = api.get(&record, &app.outsider_token).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // Giving up a place once attendance is recorded is refused; the partner gives theirs up.
    let r = api
        .call(Method::DELETE, &places, &app.member_token, None)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = api
        .call(Method::DELETE, &places, &app.partner_token, None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = api
        .get(&format!("/sessions/{session}"), &app.partner_token)
        .await;
    assert_eq!(r.body["my_place"], json!(null));
    assert_eq!(r.body["free"], 1);
    // Nobody of another organisation reaches the course or session.
    for path in [format!("/courses/{course}"), format!("/sessions/{session}")] {
        let r = api.get(&path, &app.outsider_token).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
}

/// Capability worked by hand: Trust A has five people (coach, member, partner, viewer, admin).
/// The partner completes the foundation course on 4 March 2026 and the coach the expert
/// programme on 2 April 2026: in March 1 of 5 (20%) is trained at foundation; from April 2 of 5
/// (40%) at foundation and 1 of 5 (20%) at practitioner and expert. Ward 7's people are the
/// partner alone (on its project's team): 100% at foundation.
#[tokio::test]
async fn capability_by_month_against_the_plan() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let org = app.org_a;
    let add = |title: &'static str, level: &'static str, date: &'static str| {
        let api = &api;
        let token = app.coach_token.clone();
        async move {
            let r = api
                .post(
                    &format!("/organisations/{org}/courses"),
                    &token,
                    json!({"title": title, "level": level}),
                )
                .await;
            let course = r.body["id"].as_i64().unwrap();
            let r = api
                .post(
                    &format!("/courses/{course}/sessions"),
                    &token,
                    json!({"date": date, "places": 5}),
                )
                .await;
            r.body["id"].as_i64().unwrap()
        }
    };
    let foundation = add("Foundations of QI", "foundation", "2026-03-04").await;
    let coaching = add("Improvement coach programme", "expert", "2026-04-02").await;
    let coach_id = app
        .store
        .user_by_email(&gemba_domain::Email::parse("coach@a.nhs.uk").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    for (session, token, who) in [
        (foundation, &app.partner_token, app.partner_id),
        (coaching, &app.coach_token, coach_id),
    ] {
        let places = format!("/sessions/{session}/places");
        let r = api.call(Method::POST, &places, token, None).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let r = api
            .put(
                &format!("{places}/{who}"),
                &app.coach_token,
                json!({"attendance": "attended", "completed": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    // The plan: admins only; a practitioner target above foundation's is refused.
    let plan = format!("/organisations/{org}/capability-plan");
    let r = api.get(&plan, &app.member_token).await;
    assert_eq!(
        (r.body["version"].as_i64(), r.body["foundation"].as_i64()),
        (Some(0), Some(0))
    );
    let r = api
        .put(&plan, &app.coach_token, json!({"foundation": 60}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // No plan yet: no version to match.
    let r = api
        .send(
            api.req(Method::PUT, &plan, Some(&app.admin_token))
                .header("If-Match", "\"3\"")
                .json(&json!({"foundation": 60})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = api
        .put(
            &plan,
            &app.admin_token,
            json!({"foundation": 10, "practitioner": 20}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = api
        .put(
            &plan,
            &app.admin_token,
            json!({"foundation": 60, "practitioner": 15, "expert": 5}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["version"], 1);
    let r = api
        .send(
            api.req(Method::PUT, &plan, Some(&app.admin_token))
                .header("If-Match", "\"9\"")
                .json(&json!({"expert": 2})),
        )
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.body);

    let r = api
        .get(
            &format!("/organisations/{org}/capability"),
            &app.member_token,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["staff"], 5);
    let month = |i: usize| &r.body["months"][i];
    assert_eq!(month(0)["month"], "2026-03");
    let level = |i: usize, l: usize, key: &str| month(i)["levels"][l][key].clone();
    assert_eq!(level(0, 0, "trained"), 1);
    assert_eq!(level(0, 0, "share"), 0.2);
    assert_eq!(level(0, 0, "target"), 0.6);
    assert_eq!(level(0, 1, "trained"), 0);
    assert_eq!(month(1)["month"], "2026-04");
    assert_eq!(
        [
            level(1, 0, "share"),
            level(1, 1, "share"),
            level(1, 2, "share")
        ],
        [json!(0.4), json!(0.2), json!(0.2)]
    );
    assert_eq!(level(1, 2, "target"), 0.05);

    // Ward 7's people: the partner, on the team of its project.
    let ward = app.store.create_team(org, "Ward 7").await.unwrap();
    let r = api
        .post(
            "/projects",
            &app.member_token,
            json!({"title": "Falls", "org_id": org.0, "team_id": ward.0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let project = r.body["id"].as_i64().unwrap();
    let r = api
        .post(
            &format!("/projects/{project}/members"),
            &app.partner_token,
            json!({"user_id": app.partner_id.0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = api
        .get(
            &format!("/organisations/{org}/capability?team_id={ward}"),
            &app.member_token,
        )
        .await;
    // The member started (and leads) it, so Ward 7 has two people: one trained.
    assert_eq!(r.body["staff"], 2, "{}", r.body);
    assert_eq!(r.body["months"][0]["levels"][0]["share"], 0.5);
    let r = api
        .get(
            &format!("/organisations/{org}/capability?team_id=987654"),
            &app.member_token,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // The page: chart and table, the plan form for the admin only.
    let page = format!("/orgs/{org}/capability");
    let (status, html) = app.member.get(&app, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<svg") && html.contains("role=\"img\""));
    assert!(
        html.contains("Foundation: 40% against a plan of 60%"),
        "{html}"
    );
    assert!(html.contains("1 (20%)"), "March's foundation cell: {html}");
    assert!(!html.contains("Save the plan"));
    let (_, html) = app.admin.get(&app, &page).await;
    let version = common::value_of(&html, "name=\"version\" value=\"");
    let r = app
        .admin
        .post(
            &app,
            &format!("{page}/plan"),
            &[
                ("foundation", "50"),
                ("practitioner", "60"),
                ("expert", "1"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .admin
        .post(
            &app,
            &format!("{page}/plan"),
            &[
                ("foundation", "50"),
                ("practitioner", "10"),
                ("expert", "1"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .admin
        .post(
            &app,
            &format!("{page}/plan"),
            &[("foundation", "40"), ("version", &version)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = api.get(&plan, &app.outsider_token).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// Coaching: an improvement lead is assigned to two projects (one active, one still an idea);
/// their load counts the active one; only improvement leads coach and only leads and admins
/// assign; the page shows each lead's load and takes a coach off.
#[tokio::test]
async fn coaches_are_assigned_and_their_load_is_visible() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let org = app.org_a;
    let coach_id = app
        .store
        .user_by_email(&gemba_domain::Email::parse("coach@a.nhs.uk").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut ids = Vec::new();
    for (title, status) in [("Falls", "testing"), ("Parents' leaflet", "idea")] {
        let r = api
            .post(
                "/projects",
                &app.member_token,
                json!({"title": title, "org_id": org.0, "status": status}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        ids.push(r.body["id"].as_i64().unwrap());
    }
    let coaches = |p: i64| format!("/projects/{p}/coaches");
    let r = api
        .post(
            &coaches(ids[0]),
            &app.member_token,
            json!({"user_id": coach_id.0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = api
        .post(
            &coaches(ids[0]),
            &app.coach_token,
            json!({"user_id": app.member_id.0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["error"]["field"], "user_id");
    for p in &ids {
        let r = api
            .post(
                &coaches(*p),
                &app.admin_token,
                json!({"user_id": coach_id.0}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.body, json!([{"id": coach_id.0, "name": "Cora Coach"}]));
    }
    let r = api
        .get(&format!("/organisations/{org}/coaching"), &app.member_token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body[0]["coach_name"], "Cora Coach");
    assert_eq!(
        (&r.body[0]["active"], &r.body[0]["all"]),
        (&json!(1), &json!(2))
    );
    assert_eq!(r.body[0]["projects"][0]["title"], "Falls");
    let r = api
        .get(
            &format!("/organisations/{org}/coaching"),
            &app.outsider_token,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let page = format!("/orgs/{org}/coaching");
    let (status, html) = app.member.get(&app, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Cora Coach"), "{html}");
    assert!(!html.contains("Add a coach"), "members do not assign");
    let (_, html) = app.coach.get(&app, &page).await;
    assert!(html.contains("Add a coach"));
    let r = app
        .coach
        .post(
            &app,
            &format!("/projects/{}/coaches/{coach_id}/remove", ids[0]),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = api
        .get(&format!("/organisations/{org}/coaching"), &app.member_token)
        .await;
    assert_eq!(
        (&r.body[0]["active"], &r.body[0]["all"]),
        (&json!(0), &json!(1))
    );
    let r = app
        .coach
        .post(
            &app,
            &format!("/projects/{}/coaches", ids[0]),
            &[("coach", &coach_id.0.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = api.get(&coaches(ids[0]), &app.member_token).await;
    assert_eq!(r.body.as_array().unwrap().len(), 1);
}

/// Protected time worked by hand: the member plans 8 hours on Falls in March 2026 and uses 6;
/// the coach records 4 planned and 4 used for the partner on Falls in March and 10 planned, 5
/// used on Sepsis (Ward 7) in April. March: the organisation 12 planned, 10 used (83%);
/// April: 10 and 5 (50%). A board viewer may not record; a member may not record for others.
#[tokio::test]
async fn protected_time_is_recorded_and_rolled_up() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let org = app.org_a;
    let ward = app.store.create_team(org, "Ward 7").await.unwrap();
    let mut ids = Vec::new();
    for (title, team) in [("Falls", None), ("Sepsis", Some(ward.0))] {
        let r = api
            .post(
                "/projects",
                &app.member_token,
                json!({"title": title, "org_id": org.0, "status": "testing", "team_id": team}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        ids.push(r.body["id"].as_i64().unwrap());
    }
    let time = |p: i64| format!("/projects/{p}/time");
    let r = api
        .post(
            &time(ids[0]),
            &app.member_token,
            json!({"month": "2026-03", "planned_hours": 8, "used_hours": 6}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["version"], 1);
    let r = api
        .post(
            &time(ids[0]),
            &app.member_token,
            json!({"month": "2026-03", "planned_hours": 8, "user_id": app.partner_id.0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = api
        .post(
            &time(ids[0]),
            &app.member_token,
            json!({"month": "March", "planned_hours": 800}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for (p, month, planned, used) in [(ids[0], "2026-03", 4, 4), (ids[1], "2026-04", 10, 5)] {
        let r = api
            .post(
                &time(p),
                &app.coach_token,
                json!({"month": month, "planned_hours": planned, "used_hours": used,
                       "user_id": app.partner_id.0}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    // A change from an old version is refused.
    let r = api
        .send(
            api.req(Method::POST, &time(ids[0]), Some(&app.member_token))
                .header("If-Match", "\"7\"")
                .json(&json!({"month": "2026-03", "used_hours": 7})),
        )
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.body);
    let r = api
        .get(&format!("/organisations/{org}/time"), &app.member_token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let o = &r.body["organisation"];
    assert_eq!(
        (&o[0]["month"], &o[0]["planned_hours"], &o[0]["used_hours"]),
        (&json!("2026-03"), &json!(12.0), &json!(10.0))
    );
    assert!((o[0]["used_share"].as_f64().unwrap() - 10.0 / 12.0).abs() < 1e-9);
    assert_eq!(o[1]["used_share"], 0.5);
    let teams: Vec<(String, String, f64)> = r.body["by_team"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_owned(),
                t["month"].as_str().unwrap().to_owned(),
                t["planned_hours"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        teams,
        [
            ("No team".to_owned(), "2026-03".to_owned(), 12.0),
            ("Ward 7".to_owned(), "2026-04".to_owned(), 10.0)
        ]
    );
    let people: Vec<(String, String, f64)> = r.body["by_person"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_owned(),
                t["month"].as_str().unwrap().to_owned(),
                t["used_hours"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        people,
        [
            ("Mo Member".to_owned(), "2026-03".to_owned(), 6.0),
            ("Pat Partner".to_owned(), "2026-03".to_owned(), 4.0),
            ("Pat Partner".to_owned(), "2026-04".to_owned(), 5.0)
        ]
    );
    let r = api.get(&time(ids[0]), &app.outsider_token).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The page: the viewer sees the roll-ups but records nothing; the member records and is
    // refused a stale change.
    let page = format!("/orgs/{org}/time");
    let (status, html) = app.viewer.get(&app, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("83%") && html.contains("50%"), "{html}");
    assert!(!html.contains("Save the hours"));
    let r = app
        .viewer
        .post(
            &app,
            &page,
            &[("project", &ids[0].to_string()), ("month", "2026-05")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, html) = app
        .member
        .get(&app, &format!("{page}?project={}&month=2026-03", ids[0]))
        .await;
    assert!(html.contains("Change the hours"), "{html}");
    let version = common::value_of(&html, "name=\"version\" value=\"");
    assert_eq!(version, "1");
    let form = [
        ("project", ids[0].to_string()),
        ("month", "2026-03".to_owned()),
        ("planned", "8".to_owned()),
        ("used", "7".to_owned()),
        ("version", version.clone()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.member.post(&app, &page, &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app.member.post(&app, &page, &form).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = api.get(&time(ids[0]), &app.member_token).await;
    assert_eq!(r.body[0]["used_hours"], 7.0);
}
