//! Value end to end: potential and realised savings recorded on a project's page and through
//! the API; only finance confirms realised value (a member gets 403); a change of a confirmed
//! entry's figures takes the confirmation away; every change is versioned; the organisation's
//! roll-up counts every saving once, a project serving two priorities under each, an adopted
//! project's savings as its own; nobody of another organisation sees any of it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use common::{location, Api, User};
use gemba_domain::{NonEmpty, OrgId, ProjectFields, ProjectId, ProjectStatus, Role, Store};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

struct Seeds {
    org_a: OrgId,
    /// "Falls on Ward 7", led by the member, on the team Ward 7.
    project: ProjectId,
    member: User,
    member_token: String,
    finance: User,
    finance_token: String,
    coach_token: String,
    board_token: String,
    /// A member of Trust B (another system).
    outsider_token: String,
}

type App = common::App<Seeds>;

async fn spawn_app() -> App {
    let store = common::in_memory().await;
    let orgs = common::northshire_and_southshire(&*store).await;
    let team = store.create_team(orgs.org_a, "Ward 7").await.unwrap();
    let hash = common::password_hash();
    let ids = common::add_users(
        &*store,
        &hash,
        &[
            ("member@a.nhs.uk", "Mo Member", orgs.org_a, Role::Member),
            ("finance@a.nhs.uk", "Fin Ance", orgs.org_a, Role::Finance),
            (
                "coach@a.nhs.uk",
                "Cora Coach",
                orgs.org_a,
                Role::ImprovementLead,
            ),
            ("board@a.nhs.uk", "Bo Board", orgs.org_a, Role::BoardViewer),
            ("member@b.nhs.uk", "Sam South", orgs.org_b, Role::Member),
        ],
    )
    .await;
    let fields = ProjectFields {
        title: NonEmpty::parse("title", "Falls on Ward 7").unwrap(),
        problem: String::new(),
        aim: "Halve falls by March".into(),
        method: String::new(),
        status: ProjectStatus::Testing,
        team: Some(team),
        sponsor: String::new(),
        tags: vec![],
        private: false,
    };
    let project = store
        .create_project(orgs.org_a, &fields, ids[0])
        .await
        .unwrap();
    let base = common::serve(store.clone(), |_| {}).await;
    let seeds = Seeds {
        org_a: orgs.org_a,
        project,
        member: common::signed_in(&*store, &base, "member@a.nhs.uk").await,
        member_token: common::api_token(&*store, ids[0]).await,
        finance: common::signed_in(&*store, &base, "finance@a.nhs.uk").await,
        finance_token: common::api_token(&*store, ids[1]).await,
        coach_token: common::api_token(&*store, ids[2]).await,
        board_token: common::api_token(&*store, ids[3]).await,
        outsider_token: common::api_token(&*store, ids[4]).await,
    };
    common::App { base, store, seeds }
}

/// A request with an `If-Match` header of version `v`.
async fn with_version(api: &Api, method: Method, path: &str, token: &str, v: i64) -> common::Reply {
    let r = api
        .client
        .request(method, format!("{}{path}", api.base))
        .bearer_auth(token)
        .header("If-Match", format!("\"{v}\""));
    api.send(r).await
}

#[tokio::test]
async fn finance_confirms_realised_value_and_a_member_cannot() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let list = format!("/projects/{}/value", app.project);
    let r = api
        .post(
            &list,
            &app.member_token,
            json!({"kind": "potential", "amount": 12000.5, "hours": 37.5, "recurrence": "recurrent",
                   "date": "2026-04-01", "method": "30 bed days a year at £400"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["amount"], json!(12000.5));
    assert_eq!(r.body["hours"], json!(37.5));
    assert_eq!(r.body["recurrence"], "recurrent");
    assert_eq!(r.body["cash_releasing"], false);
    assert_eq!(r.body["recorded_by_name"], "Mo Member");
    let potential = r.body["id"].as_i64().unwrap();
    let r = api
        .post(
            &list,
            &app.member_token,
            json!({"kind": "realised", "amount": 4000, "cash_releasing": true,
                   "date": "2026-03-01", "method": "Agency spend down: ledger 4471"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["confirmed"], false);
    let realised = r.body["id"].as_i64().unwrap();
    // Every problem by field: the first named.
    for (body, field) in [
        (
            json!({"amount": 1, "date": "2026-01-01", "method": "x"}),
            "kind",
        ),
        (
            json!({"kind": "realised", "date": "2026-01-01", "method": "x"}),
            "amount",
        ),
        (
            json!({"kind": "realised", "amount": 1.005, "date": "2026-01-01", "method": "x"}),
            "amount",
        ),
        (
            json!({"kind": "realised", "amount": 0, "date": "2026-01-01", "method": "x"}),
            "amount",
        ),
        (
            json!({"kind": "realised", "amount": 1, "date": "2026-01-01", "method": " "}),
            "method",
        ),
        (
            json!({"kind": "realised", "amount": 1, "date": "1999-12-31", "method": "x"}),
            "date",
        ),
    ] {
        let r = api.post(&list, &app.member_token, body.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.body
        );
        assert_eq!(r.body["error"]["field"], field, "{body}");
    }
    // A board viewer reads but records nothing.
    let r = api.get(&list, &app.board_token).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body.as_array().unwrap().len(), 2);
    let r = api
        .post(
            &list,
            &app.board_token,
            json!({"kind": "potential", "amount": 1, "date": "2026-01-01", "method": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The member (the project's lead) and the improvement lead cannot confirm: 403.
    let confirm = format!("/value/{realised}/confirm");
    for token in [&app.member_token, &app.coach_token] {
        let r = api.call(Method::POST, &confirm, token, None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert_eq!(
            r.body["error"]["message"],
            "Only someone in finance can confirm a project's realised value."
        );
    }
    // Finance cannot confirm a potential entry; confirms the realised one, once.
    let r = api
        .call(
            Method::POST,
            &format!("/value/{potential}/confirm"),
            &app.finance_token,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["error"]["field"], "kind");
    let r = with_version(&api, Method::POST, &confirm, &app.finance_token, 7).await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "a stale confirmation: {}",
        r.body
    );
    let r = api
        .call(Method::POST, &confirm, &app.finance_token, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["confirmed"], true);
    assert_eq!(r.body["confirmed_by_name"], "Fin Ance");
    assert_eq!(r.body["version"], 2);
    let r = api
        .call(Method::POST, &confirm, &app.finance_token, None)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // Changes carry the version: a stale one is 409. The evidence's words keep the
    // confirmation; the amount takes it away.
    let entry = format!("/value/{realised}");
    let r = api
        .patch(
            &entry,
            &app.member_token,
            json!({"method": "Ledger 4471 and 4472", "version": 1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = api
        .patch(
            &entry,
            &app.member_token,
            json!({"method": "Ledger 4471 and 4472", "version": 2}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.body["confirmed"].clone(), r.body["version"].clone()),
        (json!(true), json!(3))
    );
    let r = api
        .patch(&entry, &app.member_token, json!({"amount": 4500}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["confirmed"], false);
    assert_eq!(r.body["confirmed_at"], Value::Null);
    assert_eq!(r.body["amount"], json!(4500.0));
    let r = api
        .call(Method::POST, &confirm, &app.finance_token, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // The roll-up: potential £12,000.50 (37.5 h); realised and confirmed £4,500, all cash.
    let r = api
        .get(
            &format!("/organisations/{}/value", app.org_a),
            &app.board_token,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let t = &r.body["totals"];
    assert_eq!(t["potential"]["amount"], json!(12000.5));
    assert_eq!(t["potential"]["hours"], json!(37.5));
    assert_eq!(t["realised_confirmed"]["amount"], json!(4500.0));
    assert_eq!(t["realised_confirmed"]["cash_releasing_share"], json!(1.0));
    assert_eq!(t["realised_unconfirmed"]["entries"], 0);
    assert_eq!(r.body["by_team"][0]["name"], "Ward 7");
    assert_eq!(r.body["months"][0]["month"], "2026-03");
    assert_eq!(r.body["months"][1]["potential"], json!(12000.5));

    // Deleting carries the version too.
    let r = with_version(&api, Method::DELETE, &entry, &app.member_token, 1).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.body);
    let r = api
        .call(Method::DELETE, &entry, &app.member_token, None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        api.get(&entry, &app.member_token).await.status,
        StatusCode::NOT_FOUND
    );

    // Another organisation sees nothing.
    for path in [
        list.clone(),
        format!("/value/{potential}"),
        format!("/organisations/{}/value", app.org_a),
    ] {
        let r = api.get(&path, &app.outsider_token).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
}

/// Worked by hand. "Falls on Ward 7" (Ward 7) serves both priorities, Falls and Flow: potential
/// £10,000 and realised £4,000 (confirmed). "Falls at Eastgate" adopts its change package (no
/// team, no priority) and records its own realised £2,500 (confirmed). The organisation:
/// potential £10,000, confirmed £6,500. Falls: £10,000 / £4,000; Flow the same; the two
/// priorities' potential adds up to £20,000, but the organisation counts it once. Ward 7's
/// confirmed value stays £4,000: the adopter's £2,500 is its own, under "No team".
#[tokio::test]
async fn the_roll_up_counts_a_shared_priority_and_an_adopted_project_once() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let orgs = format!("/organisations/{}", app.org_a);
    let mut priorities = Vec::new();
    for title in ["Falls", "Flow"] {
        let r = api
            .post(
                &format!("{orgs}/priorities"),
                &app.coach_token,
                json!({ "title": title }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        priorities.push(r.body["id"].as_i64().unwrap());
    }
    let r = api
        .put(
            &format!("/projects/{}/priorities", app.project),
            &app.member_token,
            json!({ "priority_ids": priorities }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let record = |project: i64, kind: &'static str, amount: f64| {
        let (api, token) = (&api, app.member_token.clone());
        async move {
            let r = api
                .post(
                    &format!("/projects/{project}/value"),
                    &token,
                    json!({"kind": kind, "amount": amount, "date": "2026-03-01", "method": "Audit"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            r.body["id"].as_i64().unwrap()
        }
    };
    record(app.project.0, "potential", 10_000.0).await;
    let source_saving = record(app.project.0, "realised", 4_000.0).await;
    let r = api
        .post(
            &format!("/projects/{}/adopt", app.project),
            &app.member_token,
            json!({"organisation_id": app.org_a.0, "title": "Falls at Eastgate"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let adopter = r.body["id"].as_i64().unwrap();
    let adopter_saving = record(adopter, "realised", 2_500.0).await;
    for id in [source_saving, adopter_saving] {
        let r = api
            .call(
                Method::POST,
                &format!("/value/{id}/confirm"),
                &app.finance_token,
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = api.get(&format!("{orgs}/value"), &app.member_token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let b = &r.body;
    let amount = |v: &Value, part: &str| v["totals"][part]["amount"].as_f64().unwrap();
    assert_eq!(amount(b, "potential"), 10_000.0);
    assert_eq!(amount(b, "realised_confirmed"), 6_500.0);
    let group = |list: &str, name: &str| {
        b[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == name)
            .unwrap_or_else(|| panic!("no {name} in {list}: {b}"))
            .clone()
    };
    for name in ["Falls", "Flow"] {
        let g = group("by_priority", name);
        assert_eq!(amount(&g, "potential"), 10_000.0, "{name}");
        assert_eq!(amount(&g, "realised_confirmed"), 4_000.0, "{name}");
    }
    let priority_sum: f64 = b["by_priority"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| amount(g, "potential"))
        .sum();
    assert_eq!(
        priority_sum, 20_000.0,
        "each priority counts the shared project"
    );
    assert_eq!(
        amount(&group("by_team", "Ward 7"), "realised_confirmed"),
        4_000.0
    );
    assert_eq!(
        amount(&group("by_team", "No team"), "realised_confirmed"),
        2_500.0
    );
    let adopted = b["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["project_id"] == adopter)
        .unwrap();
    assert_eq!(adopted["adopted_from_id"], app.project.0);
    assert_eq!(amount(adopted, "realised_confirmed"), 2_500.0);
    assert_eq!(b["system"], Value::Null, "no system role, no system view");

    // The page says the same, and says why the priorities add up to more.
    let (status, html) = app
        .member
        .get(&app, &format!("/orgs/{}/value", app.org_a))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("counted once in every total"), "{html}");
    assert!(html.contains("£6,500"));
    assert!(html.contains("Adopted from Falls on Ward 7; its savings are its own"));
    assert!(html.contains("role=\"img\""));
    assert!(html.contains("Cumulative value by month"));
}

#[tokio::test]
async fn finance_confirms_in_the_browser_and_a_stale_edit_is_shown() {
    let app = spawn_app().await;
    let page = format!("/projects/{}/value", app.project);
    // Linked from the project page and the portfolio.
    let (_, html) = app
        .member
        .get(&app, &format!("/projects/{}", app.project))
        .await;
    assert!(html.contains(&format!("href=\"{page}\"")));
    let (_, html) = app
        .member
        .get(&app, &format!("/orgs/{}/portfolio", app.org_a))
        .await;
    assert!(html.contains(&format!("href=\"/orgs/{}/value\"", app.org_a)));

    // A member records realised value: a bad amount is named first.
    let form = |amount: &'static str| {
        [
            ("kind", "realised"),
            ("amount", amount),
            ("hours", "12.5"),
            ("cash_releasing", "yes"),
            ("recurrence", "one_off"),
            ("date", "2026-03-01"),
            ("method", "Agency spend down: ledger 4471"),
        ]
    };
    let r = app.member.post(&app, &page, &form("lots")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(html.contains("Error: Value"));
    assert!(html.contains("href=\"#amount\""), "{html}");
    let r = app.member.post(&app, &page, &form("£4,000")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id: i64 = location(&r)
        .rsplit("#value-")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (_, html) = app.member.get(&app, &page).await;
    assert!(html.contains("£4,000"));
    assert!(
        html.contains("Awaiting finance&#39;s confirmation")
            || html.contains("Awaiting finance's confirmation")
    );
    assert!(
        !html.contains("Confirm £"),
        "a member has no confirm button"
    );
    let r = app
        .member
        .post(&app, &format!("/value/{id}/confirm"), &[("version", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Finance sees the button and confirms.
    let (_, html) = app.finance.get(&app, &page).await;
    assert!(html.contains("Confirm £4,000 as released"), "{html}");
    assert!(
        !html.contains("Record the value"),
        "finance records nothing"
    );
    let r = app
        .finance
        .post(&app, &format!("/value/{id}/confirm"), &[("version", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.member.get(&app, &page).await;
    assert!(html.contains("Confirmed by finance"));
    assert!(html.contains("by Fin Ance"));

    // The member's edit form was loaded at version 1: saving it now is a conflict, shown.
    let mut stale: Vec<(&str, &str)> = form("4500").to_vec();
    stale.push(("version", "1"));
    let r = app.member.post(&app, &format!("/value/{id}"), &stale).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains("Someone else changed this value entry"));
    // Saved at the current version, the new amount takes the confirmation away.
    let (_, html) = app.member.get(&app, &format!("/value/{id}")).await;
    assert!(html.contains("Finance has confirmed this entry"));
    let version = common::value_of(&html, "name=\"version\" value=\"");
    let mut fresh: Vec<(&str, &str)> = form("4500").to_vec();
    fresh.push(("version", &version));
    let r = app.member.post(&app, &format!("/value/{id}"), &fresh).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.member.get(&app, &page).await;
    assert!(html.contains("£4,500"));
    assert!(!html.contains("Confirmed by finance"));
    // Deleted at its version.
    let (_, html) = app.member.get(&app, &format!("/value/{id}")).await;
    let version = common::value_of(&html, "name=\"version\" value=\"");
    let r = app
        .member
        .post(
            &app,
            &format!("/value/{id}/delete"),
            &[("version", version.as_str())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.member.get(&app, &page).await;
    assert!(html.contains("No value recorded yet."));
}

/// Worked by hand. Eastgate Community Health joins the Northshire system with two projects:
/// an open one with a realised £1,000 (confirmed) and a private one with a potential £9,000.
/// Northshire's falls project has a potential £2,000. The coach, a system viewer, sees each
/// organisation's value and the system's: Northshire potential £2,000; Eastgate confirmed
/// £1,000 and no potential (its private project is not theirs to see); the system: potential
/// £2,000, confirmed £1,000. A member without a system role sees no system.
#[tokio::test]
async fn a_system_role_sees_each_organisation_s_value_without_private_work() {
    let app = spawn_app().await;
    let api = Api::new(&app.base);
    let store = &app.store;
    let eastgate = store
        .create_org("Eastgate Community Health", Some("Northshire ICS"))
        .await
        .unwrap();
    let coach = common::user_id(&**store, "coach@a.nhs.uk").await;
    let member = common::user_id(&**store, "member@a.nhs.uk").await;
    store
        .set_system_role(
            "Northshire ICS",
            coach,
            Some(gemba_domain::SystemRole::Viewer),
            coach,
        )
        .await
        .unwrap();
    let fields = |title: &str, private: bool| ProjectFields {
        title: NonEmpty::parse("title", title).unwrap(),
        problem: String::new(),
        aim: String::new(),
        method: String::new(),
        status: ProjectStatus::Testing,
        team: None,
        sponsor: String::new(),
        tags: vec![],
        private,
    };
    let value = |kind, pence| gemba_domain::ValueFields {
        kind,
        pence,
        hours: 0.0,
        cash_releasing: false,
        recurrence: gemba_domain::Recurrence::OneOff,
        date: chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
        method: "Audit".into(),
    };
    let open = store
        .create_project(eastgate, &fields("District falls", false), member)
        .await
        .unwrap();
    let id = store
        .create_value(
            open,
            &value(gemba_domain::ValueKind::Realised, 100_000),
            member,
        )
        .await
        .unwrap();
    store.confirm_value(id, None, member).await.unwrap();
    let private = store
        .create_project(eastgate, &fields("Private pilot", true), member)
        .await
        .unwrap();
    store
        .create_value(
            private,
            &value(gemba_domain::ValueKind::Potential, 900_000),
            member,
        )
        .await
        .unwrap();
    store
        .create_value(
            app.project,
            &value(gemba_domain::ValueKind::Potential, 200_000),
            member,
        )
        .await
        .unwrap();

    let r = api
        .get(
            &format!("/organisations/{}/value", app.org_a),
            &app.coach_token,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let system = &r.body["system"];
    assert_eq!(system["name"], "Northshire ICS");
    let org = |name: &str| {
        system["organisations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == name)
            .unwrap_or_else(|| panic!("no {name}: {system}"))
            .clone()
    };
    let amount = |v: &Value, part: &str| v["totals"][part]["amount"].as_f64().unwrap();
    let north = org("Northshire Hospitals");
    assert_eq!(amount(&north, "potential"), 2_000.0);
    let east = org("Eastgate Community Health");
    assert_eq!(amount(&east, "realised_confirmed"), 1_000.0);
    assert_eq!(
        amount(&east, "potential"),
        0.0,
        "the private project is not shown"
    );
    assert_eq!(amount(system, "potential"), 2_000.0);
    assert_eq!(amount(system, "realised_confirmed"), 1_000.0);

    let r = api
        .get(
            &format!("/organisations/{}/value", app.org_a),
            &app.member_token,
        )
        .await;
    assert_eq!(r.body["system"], Value::Null);
}
