//! Accounts in the browser, end to end: the real app on a free port over an in-memory store,
//! driven over HTTP as a browser would (cookies, forms with their CSRF token): admins add
//! people who set their password with a one-time link, change roles, deactivate leavers, run
//! teams and organisations; everyone changes their password and keeps API tokens.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use std::sync::Arc;

use common::{value_of, Orgs, PASSWORD};
use gemba_domain::{Email, Role, Store, UserId};
use gemba_web::auth;
use reqwest::{Client, Method, StatusCode};

/// A running app: org A with an admin and a member, org B with an admin.
type App = common::App<Orgs>;

async fn spawn_app() -> App {
    let store: Arc<dyn Store> = common::in_memory().await;
    let orgs = common::northshire_and_southshire(&*store).await;
    let (org_a, org_b) = (orgs.org_a, orgs.org_b);
    let people = [
        ("admin@a.nhs.uk", "Ada Admin", org_a, Role::Admin),
        ("member@a.nhs.uk", "Mo Member", org_a, Role::Member),
        ("admin@b.nhs.uk", "Bea Admin", org_b, Role::Admin),
    ];
    common::add_users(&*store, &common::password_hash(), &people).await;
    App::start(store, orgs, |_| {}).await
}

/// A browser that signs in through the sign-in form: a cookie jar, redirects not followed (so
/// that tests see them).
struct Browser {
    client: Client,
}

impl Browser {
    fn new() -> Self {
        Browser {
            client: common::browser().0,
        }
    }

    async fn get(&self, app: &App, path: &str) -> (StatusCode, String) {
        let res = self.client.get(app.url(path)).send().await.unwrap();
        let status = res.status();
        (status, res.text().await.unwrap())
    }

    /// Posts a form as it is (no CSRF token added): the status and the redirect's location,
    /// or the body when there is none.
    async fn post_raw(&self, app: &App, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let res = self
            .client
            .post(app.url(path))
            .form(form)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let location = common::location(&res);
        let body = res.text().await.unwrap();
        (status, if location.is_empty() { body } else { location })
    }

    /// Posts a form with the CSRF token of the session (read from the account page).
    async fn post(&self, app: &App, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let (_, page) = self.get(app, "/account").await;
        let csrf = common::csrf_in(&page);
        let mut fields = vec![("csrf", csrf.as_str())];
        fields.extend_from_slice(form);
        self.post_raw(app, path, &fields).await
    }

    /// Signs in through the sign-in form: the status (303 when it worked).
    async fn sign_in(&self, app: &App, email: &str, password: &str) -> StatusCode {
        self.post_raw(
            app,
            "/login",
            &[("email", email), ("password", password), ("next", "/")],
        )
        .await
        .0
    }
}

async fn signed_in(app: &App, email: &str) -> Browser {
    let b = Browser::new();
    assert_eq!(b.sign_in(app, email, PASSWORD).await, StatusCode::SEE_OTHER);
    b
}

async fn user_id(app: &App, email: &str) -> UserId {
    common::user_id(&*app.store, email).await
}

/// The status of `GET /api/v1/me` with `token`.
async fn api_me(app: &App, token: &str) -> StatusCode {
    let api = common::Api::new(&app.base);
    api.send(api.req(Method::GET, "/me", Some(token)))
        .await
        .status
}

#[tokio::test]
async fn the_header_links_account_for_everyone_and_admin_for_admins() {
    let app = spawn_app().await;
    let admin = signed_in(&app, "admin@a.nhs.uk").await;
    let member = signed_in(&app, "member@a.nhs.uk").await;
    let (_, page) = admin.get(&app, "/").await;
    assert!(page.contains("href=\"/account\""));
    assert!(page.contains("href=\"/admin\""));
    let (_, page) = member.get(&app, "/").await;
    assert!(page.contains("href=\"/account\""));
    assert!(!page.contains("href=\"/admin\""));
    let (status, page) = admin.get(&app, "/admin").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("href=\"/admin/orgs/{}/people\"", app.org_a)));
    assert!(!page.contains(&format!("/admin/orgs/{}/", app.org_b)));
    assert_eq!(member.get(&app, "/admin").await.0, StatusCode::FORBIDDEN);
    // Signed out: to the sign-in page.
    let (status, _) = Browser::new().get(&app, "/account").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

/// An admin adds a person; the one-time link lets them set a password once, then sign in.
#[tokio::test]
async fn a_new_person_sets_their_password_with_the_admins_link_once() {
    let app = spawn_app().await;
    let admin = signed_in(&app, "admin@a.nhs.uk").await;
    let people = format!("/admin/orgs/{}/people", app.org_a);
    let (status, page) = admin.get(&app, &people).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Mo Member") && page.contains("Active"));

    // Bad input: every field named, nothing saved.
    let (status, page) = admin
        .post(
            &app,
            &people,
            &[("email", "not-an-email"), ("name", " "), ("role", "boss")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for field in ["#email", "#name", "#role"] {
        assert!(
            page.contains(&format!("href=\"{field}\"")),
            "{field} not in the summary"
        );
    }
    // No CSRF token: refused.
    let (status, _) = admin
        .post_raw(
            &app,
            &people,
            &[
                ("email", "nia@a.nhs.uk"),
                ("name", "Nia"),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(app
        .store
        .user_by_email(&Email::parse("nia@a.nhs.uk").unwrap())
        .await
        .unwrap()
        .is_none());

    let (status, page) = admin
        .post(
            &app,
            &people,
            &[
                ("email", "Nia@A.nhs.uk"),
                ("name", "Nia Nurse"),
                ("role", "improvement_lead"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{page}");
    let link = value_of(&page, "id=\"reset-link\" readonly value=\"");
    let path = link
        .split_once("/reset/")
        .map(|(_, s)| format!("/reset/{s}"))
        .unwrap();
    assert!(link.starts_with("http://127.0.0.1:"), "{link}");
    // The list shows her; the link is not shown again.
    let (_, page) = admin.get(&app, &people).await;
    assert!(page.contains("Nia Nurse") && page.contains("Improvement lead"));
    assert!(!page.contains(&path));
    // Adding her twice names the email.
    let (status, page) = admin
        .post(
            &app,
            &people,
            &[
                ("email", "nia@a.nhs.uk"),
                ("name", "Nia"),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("nia@a.nhs.uk is already in Northshire Hospitals"),
        "{page}"
    );

    // She cannot sign in before she sets a password.
    let nia = Browser::new();
    assert_eq!(
        nia.sign_in(&app, "nia@a.nhs.uk", "").await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        nia.sign_in(&app, "nia@a.nhs.uk", "!").await,
        StatusCode::UNAUTHORIZED
    );
    let (status, page) = nia.get(&app, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("nia@a.nhs.uk") && page.contains("autocomplete=\"new-password\""));
    let (status, page) = nia
        .post_raw(
            &app,
            &path,
            &[("new_password", "short"), ("confirm_password", "short")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("at least 12 characters"));
    let (status, page) = nia
        .post_raw(
            &app,
            &path,
            &[
                ("new_password", "a long new passphrase"),
                ("confirm_password", "a long new passphrase!"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("not the same"));
    let (status, page) = nia
        .post_raw(
            &app,
            &path,
            &[
                ("new_password", "a long new passphrase"),
                ("confirm_password", "a long new passphrase"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Your password is set"));
    // Single use: the link now gets the clear page, for GET and POST alike.
    for (status, page) in [
        nia.get(&app, &path).await,
        nia.post_raw(
            &app,
            &path,
            &[
                ("new_password", "another passphrase"),
                ("confirm_password", "another passphrase"),
            ],
        )
        .await,
        nia.get(&app, "/reset/not-a-real-link").await,
    ] {
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(page.contains("This link cannot be used"), "{page}");
    }
    assert_eq!(
        nia.sign_in(&app, "nia@a.nhs.uk", "another passphrase")
            .await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        nia.sign_in(&app, "nia@a.nhs.uk", "a long new passphrase")
            .await,
        StatusCode::SEE_OTHER
    );
    let (status, page) = nia.get(&app, "/account").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Northshire Hospitals (Improvement lead)"));
}

/// A reset link from the admin ends every session of its user when used; it expires.
#[tokio::test]
async fn a_reset_link_ends_every_session_of_its_user() {
    let app = spawn_app().await;
    let admin = signed_in(&app, "admin@a.nhs.uk").await;
    let member = signed_in(&app, "member@a.nhs.uk").await;
    let mo = user_id(&app, "member@a.nhs.uk").await;
    let (status, page) = admin
        .post(
            &app,
            &format!("/admin/orgs/{}/people/{mo}/reset-link", app.org_a),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let link = value_of(&page, "id=\"reset-link\" readonly value=\"");
    let path = format!("/reset/{}", link.rsplit('/').next().unwrap());
    let (status, _) = Browser::new()
        .post_raw(
            &app,
            &path,
            &[
                ("new_password", "brand new passphrase"),
                ("confirm_password", "brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        member.get(&app, "/account").await.0,
        StatusCode::SEE_OTHER,
        "the old session ended"
    );
    assert_eq!(
        Browser::new()
            .sign_in(&app, "member@a.nhs.uk", PASSWORD)
            .await,
        StatusCode::UNAUTHORIZED
    );
    // An expired link (made in the past by the store directly) gets the clear page.
    let secret = auth::new_secret();
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::hours(73);
    let (_, reset) = auth::new_reset(past);
    let reset = gemba_domain::ResetSecret {
        secret_hash: auth::secret_hash(&secret),
        ..reset
    };
    app.store.create_password_reset(mo, &reset).await.unwrap();
    let (status, page) = Browser::new().get(&app, &format!("/reset/{secret}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("This link cannot be used"));
}

/// A leaver's sessions and API tokens stop at once; the last admin cannot leave; non-admins
/// cannot manage people.
#[tokio::test]
async fn deactivating_a_leaver_ends_their_sessions_and_tokens_at_once() {
    let app = spawn_app().await;
    let admin = signed_in(&app, "admin@a.nhs.uk").await;
    let member = signed_in(&app, "member@a.nhs.uk").await;
    let mo = user_id(&app, "member@a.nhs.uk").await;
    let token = auth::new_secret();
    app.store
        .create_api_token(&auth::secret_hash(&token), mo, "script")
        .await
        .unwrap();
    assert_eq!(api_me(&app, &token).await, StatusCode::OK);
    let person = format!("/admin/orgs/{}/people/{mo}", app.org_a);

    // Non-admins: 403 in their organisation, 404 in another.
    assert_eq!(member.get(&app, &person).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        member
            .post(&app, &format!("{person}/deactivate"), &[])
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let other = signed_in(&app, "admin@b.nhs.uk").await;
    assert_eq!(other.get(&app, &person).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        other
            .post(&app, &format!("{person}/deactivate"), &[])
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(member.get(&app, "/account").await.0, StatusCode::OK);

    // The confirmation first; then the deactivation.
    let (status, page) = admin.get(&app, &format!("{person}/deactivate")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Yes, deactivate Mo Member"));
    assert_eq!(
        member.get(&app, "/account").await.0,
        StatusCode::OK,
        "asking changes nothing"
    );
    let (status, page) = admin.post(&app, &format!("{person}/deactivate"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Mo Member has been deactivated"));
    assert_eq!(
        member.get(&app, "/account").await.0,
        StatusCode::SEE_OTHER,
        "session ended"
    );
    assert_eq!(
        api_me(&app, &token).await,
        StatusCode::UNAUTHORIZED,
        "token ended"
    );
    assert_eq!(
        Browser::new()
            .sign_in(&app, "member@a.nhs.uk", PASSWORD)
            .await,
        StatusCode::UNAUTHORIZED
    );
    let (_, page) = admin
        .get(&app, &format!("/admin/orgs/{}/people", app.org_a))
        .await;
    assert!(page.contains("Deactivated"));

    // Reactivated: they sign in again with their password; the old token stays revoked.
    let (status, _) = admin.post(&app, &format!("{person}/reactivate"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        Browser::new()
            .sign_in(&app, "member@a.nhs.uk", PASSWORD)
            .await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(api_me(&app, &token).await, StatusCode::UNAUTHORIZED);

    // Role change; the last admin can neither step down nor leave.
    let (status, page) = admin
        .post(&app, &format!("{person}/role"), &[("role", "board_viewer")])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Mo Member is now board viewer"));
    let me = user_id(&app, "admin@a.nhs.uk").await;
    let myself = format!("/admin/orgs/{}/people/{me}", app.org_a);
    for (path, form) in [
        (format!("{myself}/role"), vec![("role", "member")]),
        (format!("{myself}/deactivate"), vec![]),
    ] {
        let (status, page) = admin.post(&app, &path, &form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(page.contains("last active admin"), "{page}");
    }
    assert_eq!(
        admin.get(&app, &myself).await.0,
        StatusCode::OK,
        "still an admin"
    );
}

/// Changing one's password needs the current one, and ends one's other sessions.
#[tokio::test]
async fn a_user_changes_their_password_and_their_other_sessions_end() {
    let app = spawn_app().await;
    let laptop = signed_in(&app, "member@a.nhs.uk").await;
    let phone = signed_in(&app, "member@a.nhs.uk").await;
    let (status, page) = laptop
        .post(
            &app,
            "/account/password",
            &[
                ("current_password", "wrong"),
                ("new_password", "a new passphrase"),
                ("confirm_password", "a new passphrase"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("href=\"#current_password\""));
    let (status, page) = laptop
        .post(
            &app,
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "too short"),
                ("confirm_password", "too short"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("href=\"#new_password\""));
    assert_eq!(
        phone.get(&app, "/account").await.0,
        StatusCode::OK,
        "nothing changed yet"
    );
    let (status, page) = laptop
        .post(
            &app,
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a new passphrase"),
                ("confirm_password", "a new passphrase"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Your password has been changed"));
    assert_eq!(
        laptop.get(&app, "/account").await.0,
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        phone.get(&app, "/account").await.0,
        StatusCode::SEE_OTHER,
        "the other one ended"
    );
    assert_eq!(
        Browser::new()
            .sign_in(&app, "member@a.nhs.uk", PASSWORD)
            .await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        Browser::new()
            .sign_in(&app, "member@a.nhs.uk", "a new passphrase")
            .await,
        StatusCode::SEE_OTHER
    );
    // Guessing the current password is limited like signing in (five failures per address and
    // account): then even the right one is refused for now, and nothing changes.
    for _ in 0..5 {
        let (status, _) = laptop
            .post(
                &app,
                "/account/password",
                &[
                    ("current_password", "guess"),
                    ("new_password", "taken over now"),
                    ("confirm_password", "taken over now"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    let (status, page) = laptop
        .post(
            &app,
            "/account/password",
            &[
                ("current_password", "a new passphrase"),
                ("new_password", "taken over now"),
                ("confirm_password", "taken over now"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{page}");
    assert!(page.contains("Too many attempts"));
    let stored = app
        .store
        .login(&Email::parse("member@a.nhs.uk").unwrap())
        .await
        .unwrap()
        .unwrap()
        .1;
    assert!(
        auth::verify_password("a new passphrase", &stored),
        "the password did not change"
    );
}

/// API tokens on the account page: made with a name and an expiry, the secret shown once,
/// listed without it, revoked at once.
#[tokio::test]
async fn api_tokens_are_made_listed_and_revoked_on_the_account_page() {
    let app = spawn_app().await;
    let member = signed_in(&app, "member@a.nhs.uk").await;
    let (status, page) = member
        .post(
            &app,
            "/account/tokens",
            &[("token_name", ""), ("token_days", "9999")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("href=\"#token_name\"") && page.contains("href=\"#token_days\""));
    let (status, page) = member
        .post(
            &app,
            "/account/tokens",
            &[("token_name", "Power BI ward report"), ("token_days", "30")],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let secret = value_of(&page, "id=\"new-token\" readonly value=\"");
    assert_eq!(secret.len(), 64);
    assert_eq!(api_me(&app, &secret).await, StatusCode::OK);
    let (_, page) = member.get(&app, "/account").await;
    assert!(page.contains("Power BI ward report"));
    assert!(!page.contains(&secret), "the secret is shown once only");
    // Expires 30 days from today (the date as the page prints it).
    let expires = (chrono::Utc::now().naive_utc() + chrono::Duration::days(30))
        .format("%-d %b %Y")
        .to_string();
    assert!(page.contains(&expires), "{expires}");
    let tokens = app
        .store
        .api_tokens(user_id(&app, "member@a.nhs.uk").await)
        .await
        .unwrap();
    let id = tokens[0].id;
    // Someone else cannot revoke it.
    let admin = signed_in(&app, "admin@a.nhs.uk").await;
    assert_eq!(
        admin
            .post(&app, &format!("/account/tokens/{id}/revoke"), &[])
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(api_me(&app, &secret).await, StatusCode::OK);
    let (status, page) = member
        .post(&app, &format!("/account/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("The token has been revoked") && page.contains("You have no API tokens"));
    assert_eq!(api_me(&app, &secret).await, StatusCode::UNAUTHORIZED);
}

/// Teams are made, renamed, archived (gone from the project form's picker) and restored.
#[tokio::test]
async fn an_admin_runs_teams_in_the_browser() {
    let app = spawn_app().await;
    let admin = signed_in(&app, "admin@a.nhs.uk").await;
    let teams = format!("/admin/orgs/{}/teams", app.org_a);
    let (status, page) = admin.get(&app, &teams).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("There are no teams yet"));
    let (status, _) = admin.post(&app, &teams, &[("name", "Ward 10")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, page) = admin.post(&app, &teams, &[("name", " ward 10 ")]).await;
    assert_eq!(status, StatusCode::OK, "names differ in case: {page}");
    let (status, page) = admin.post(&app, &teams, &[("name", "Ward 10")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("already has a team called “Ward 10”"));
    let (status, _) = admin.post(&app, &teams, &[("name", "")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let all = app.store.all_teams(app.org_a).await.unwrap();
    let ward = all.iter().find(|t| t.name == "Ward 10").unwrap().id;
    let (status, page) = admin
        .post(
            &app,
            &format!("{teams}/{ward}/rename"),
            &[("name", "Ward 10 (surgery)")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("is now called “Ward 10 (surgery)”"));
    // A rename to a taken or blank name says which team was not renamed, and changes nothing.
    for taken in [" ward 10 ", "  "] {
        let (status, page) = admin
            .post(&app, &format!("{teams}/{ward}/rename"), &[("name", taken)])
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{taken:?}");
        assert!(
            page.contains("“Ward 10 (surgery)” was not renamed"),
            "{page}"
        );
    }
    assert_eq!(
        app.store.team(ward).await.unwrap().unwrap().name,
        "Ward 10 (surgery)"
    );
    let (_, form) = admin.get(&app, "/projects/new").await;
    assert!(form.contains("Ward 10 (surgery)"));
    let (status, _) = admin
        .post(&app, &format!("{teams}/{ward}/archive"), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, form) = admin.get(&app, "/projects/new").await;
    assert!(
        !form.contains("Ward 10 (surgery)"),
        "an archived team is not offered"
    );
    let (_, page) = admin.get(&app, &teams).await;
    assert!(page.contains("Ward 10 (surgery)") && page.contains("Archived"));
    let (status, _) = admin
        .post(&app, &format!("{teams}/{ward}/restore"), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, form) = admin.get(&app, "/projects/new").await;
    assert!(form.contains("Ward 10 (surgery)"));
    // Another organisation's team through this organisation's path: 404.
    let b_team = app.store.create_team(app.org_b, "Theatres").await.unwrap();
    assert_eq!(
        admin
            .post(&app, &format!("{teams}/{b_team}/archive"), &[])
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert!(!app.store.team(b_team).await.unwrap().unwrap().archived);
}

/// An admin adds an organisation to the system (and becomes its admin) and renames their own.
#[tokio::test]
async fn an_admin_adds_and_renames_organisations_in_the_browser() {
    let app = spawn_app().await;
    let admin = signed_in(&app, "admin@a.nhs.uk").await;
    let orgs = format!("/admin/orgs/{}/organisations", app.org_a);
    let (status, page) = admin.get(&app, &orgs).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Northshire ICS"));
    assert!(!page.contains("Southshire Trust"), "not of this system");
    let (status, location) = admin
        .post(&app, &orgs, &[("name", "Northshire Community Services")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let new = app
        .store
        .org_by_name("Northshire Community Services")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(location, format!("/admin/orgs/{}/people", new.id));
    assert_eq!(new.system.as_deref(), Some("Northshire ICS"));
    let (status, page) = admin.get(&app, &location).await;
    assert_eq!(status, StatusCode::OK, "the admin of the new organisation");
    assert!(page.contains("Ada Admin"));
    let (status, page) = admin
        .post(&app, &orgs, &[("name", "Southshire Trust")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("already an organisation called “Southshire Trust”"));
    let (status, _) = admin
        .post(
            &app,
            &format!("/admin/orgs/{}/rename", app.org_a),
            &[("new_name", "Northshire Teaching Hospitals")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.store.org(app.org_a).await.unwrap().unwrap().name,
        "Northshire Teaching Hospitals"
    );
    let member = signed_in(&app, "member@a.nhs.uk").await;
    assert_eq!(member.get(&app, &orgs).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        member
            .post(&app, &orgs, &[("name", "Sneaky Trust")])
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}
