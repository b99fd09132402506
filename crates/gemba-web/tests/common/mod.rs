//! The workspace test harness, shared by the integration tests of `gemba-web`: the real app on
//! 127.0.0.1 with a free port over a fresh in-memory SQLite store, people seeded with their
//! roles, signed-in browsers (cookie jar and CSRF token) and an API client with bearer tokens.
//!
//! Each test file compiles this module on its own, so helpers one file does not use are
//! allowed to be dead there.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::NaiveDate;
use gemba_domain::{Email, OrgId, Role, Store, UserId};
use gemba_store_sqlite::SqliteStore;
use gemba_web::{auth, router, AppState};
use reqwest::cookie::Jar;
use reqwest::redirect::Policy;
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::Value;

/// The password of every seeded person whose hash is real.
pub const PASSWORD: &str = "correct horse battery staple";

/// A fresh, empty in-memory SQLite store.
pub async fn in_memory() -> Arc<SqliteStore> {
    Arc::new(SqliteStore::in_memory().await.unwrap())
}

/// The argon2 hash of [`PASSWORD`]: made once per app, as hashing is slow in debug builds.
pub fn password_hash() -> String {
    auth::hash_password(PASSWORD).unwrap()
}

/// Starts the real app over `store` on 127.0.0.1 with a free port and returns its base URL
/// (`http://127.0.0.1:PORT`). Cookies are not marked secure (plain HTTP) and spreadsheets are
/// read by the real sandboxed child process; `configure` may change any other setting (for
/// example the trusted proxies) before the app starts.
pub async fn serve(store: Arc<dyn Store>, configure: impl FnOnce(&mut AppState)) -> String {
    let mut state = AppState::new(store);
    state.secure_cookies = false;
    state.sheets = Arc::new(gemba_web::sheets::SheetImport::new(
        gemba_data::SheetReader::new(
            env!("CARGO_BIN_EXE_gemba-web-sheet-reader"),
            Vec::<String>::new(),
        ),
        gemba_web::sheets::SheetImport::DEFAULT_PERMITS,
    ));
    configure(&mut state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, app).await.unwrap();
    });
    format!("http://{addr}")
}

/// Adds a person with `hash` as their password hash and the given memberships.
pub async fn add_user(
    store: &dyn Store,
    email: &str,
    name: &str,
    hash: &str,
    memberships: &[(OrgId, Role)],
) -> UserId {
    let id = store
        .create_user(&Email::parse(email).unwrap(), name, hash)
        .await
        .unwrap();
    for (org, role) in memberships {
        store.set_membership(id, *org, *role).await.unwrap();
    }
    id
}

/// The two organisations the page and account tests seed: A, Northshire Hospitals of Northshire
/// ICS, and B, Southshire Trust.
pub struct Orgs {
    pub org_a: OrgId,
    pub org_b: OrgId,
}

/// Makes [`Orgs`] in `store`.
pub async fn northshire_and_southshire(store: &dyn Store) -> Orgs {
    let org_a = store
        .create_org("Northshire Hospitals", Some("Northshire ICS"))
        .await
        .unwrap();
    let org_b = store.create_org("Southshire Trust", None).await.unwrap();
    Orgs { org_a, org_b }
}

/// Adds each `(email, name, organisation, role)`, all with the password hash `hash`: their ids
/// in the same order.
pub async fn add_users(
    store: &dyn Store,
    hash: &str,
    people: &[(&str, &str, OrgId, Role)],
) -> Vec<UserId> {
    let mut ids = Vec::new();
    for (email, name, org, role) in people {
        ids.push(add_user(store, email, name, hash, &[(*org, *role)]).await);
    }
    ids
}

/// A new API token of `user`, made in the store.
pub async fn api_token(store: &dyn Store, user: UserId) -> String {
    let token = auth::new_secret();
    store
        .create_api_token(&auth::secret_hash(&token), user, "test")
        .await
        .unwrap();
    token
}

/// The id of the person with `email`.
pub async fn user_id(store: &dyn Store, email: &str) -> UserId {
    store
        .user_by_email(&Email::parse(email).unwrap())
        .await
        .unwrap()
        .unwrap()
        .id
}

/// A running app over its store, with what a test file seeded (`S`, reached through `Deref`:
/// `app.org_a` is `app.seeds.org_a`).
pub struct App<S> {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    pub store: Arc<dyn Store>,
    pub seeds: S,
}

impl<S> App<S> {
    /// Starts the app over `store`, already seeded with `seeds`; see [`serve`] for `configure`.
    pub async fn start(
        store: Arc<dyn Store>,
        seeds: S,
        configure: impl FnOnce(&mut AppState),
    ) -> Self {
        let base = serve(store.clone(), configure).await;
        App { base, store, seeds }
    }

    /// The full URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A signed-in browser for `email`, its session made directly in the store.
    pub async fn user(&self, email: &str) -> User {
        signed_in(&*self.store, &self.base, email).await
    }
}

impl<S> std::ops::Deref for App<S> {
    type Target = S;

    fn deref(&self) -> &S {
        &self.seeds
    }
}

/// A browser: a cookie jar and no automatic redirects (so that tests see them).
pub fn browser() -> (Client, Arc<Jar>) {
    browser_with(Client::builder())
}

/// A [`browser`] whose connections come from `ip` (a loopback address such as 127.0.0.2), to
/// play another computer.
pub fn browser_from(ip: [u8; 4]) -> (Client, Arc<Jar>) {
    browser_with(Client::builder().local_address(std::net::IpAddr::from(ip)))
}

fn browser_with(builder: reqwest::ClientBuilder) -> (Client, Arc<Jar>) {
    let jar = Arc::new(Jar::default());
    let client = builder
        .cookie_provider(jar.clone())
        .redirect(Policy::none())
        .build()
        .unwrap();
    (client, jar)
}

/// A signed-in browser, its session made directly in the store (no argon2), and its CSRF token.
pub struct User {
    pub client: Client,
    pub csrf: String,
    pub id: UserId,
}

/// Signs `email` in on the app at `base`: a session row made in the store and its cookie.
pub async fn signed_in(store: &dyn Store, base: &str, email: &str) -> User {
    let id = user_id(store, email).await;
    let secret = auth::new_secret();
    let csrf = auth::new_secret();
    let expires = NaiveDate::from_ymd_opt(2999, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    store
        .create_session(&auth::secret_hash(&secret), id, &csrf, expires)
        .await
        .unwrap();
    let (client, jar) = browser();
    jar.add_cookie_str(
        &format!("gemba_session={secret}; Path=/"),
        &base.parse().unwrap(),
    );
    User { client, csrf, id }
}

impl User {
    /// Gets a page: its status and body.
    pub async fn get<S>(&self, app: &App<S>, path: &str) -> (StatusCode, String) {
        let res = self.client.get(app.url(path)).send().await.unwrap();
        let status = res.status();
        (status, res.text().await.unwrap())
    }

    /// Posts a form with this user's CSRF token added.
    pub async fn post<S>(&self, app: &App<S>, path: &str, form: &[(&str, &str)]) -> Response {
        let mut fields: Vec<(&str, &str)> = vec![("csrf", &self.csrf)];
        fields.extend_from_slice(form);
        self.client
            .post(app.url(path))
            .form(&fields)
            .send()
            .await
            .unwrap()
    }
}

/// The `location` header of a response, or empty.
pub fn location(res: &Response) -> String {
    res.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The text after `marker` up to the next `"`.
pub fn value_of(html: &str, marker: &str) -> String {
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in {html}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// The value of the first hidden `csrf` field of a page.
pub fn csrf_in(html: &str) -> String {
    value_of(html, "name=\"csrf\" value=\"")
}

/// An API client of the app at `base`, with bearer tokens.
pub struct Api {
    /// `http://127.0.0.1:PORT/api/v1`.
    pub base: String,
    pub client: Client,
}

/// A response of the API: its status and its JSON body (null when empty).
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub content_type: String,
    pub etag: Option<String>,
}

impl Api {
    /// A client of the API of the app at `base` (`http://127.0.0.1:PORT`).
    pub fn new(base: &str) -> Self {
        Api {
            base: format!("{base}/api/v1"),
            client: Client::new(),
        }
    }

    /// Sends a request and reads its reply; a body that is not JSON fails the test.
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Reply {
        let res = req.send().await.unwrap();
        let status = res.status();
        let content_type = res
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let etag = res
            .headers()
            .get("etag")
            .map(|v| v.to_str().unwrap().to_owned());
        let bytes = res.bytes().await.unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                panic!(
                    "{status}: body is not JSON ({e}): {}",
                    String::from_utf8_lossy(&bytes)
                )
            })
        };
        Reply {
            status,
            body,
            content_type,
            etag,
        }
    }

    /// A request to `path` (under `/api/v1`), with `token` as its bearer token when given.
    pub fn req(&self, method: Method, path: &str, token: Option<&str>) -> reqwest::RequestBuilder {
        let r = self.client.request(method, format!("{}{path}", self.base));
        match token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    /// Sends a request with `token` and an optional JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> Reply {
        let mut r = self.req(method, path, Some(token));
        if let Some(b) = body {
            r = r.json(&b);
        }
        self.send(r).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::PATCH, path, token, Some(body)).await
    }
}
