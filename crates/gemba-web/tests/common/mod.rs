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

    /// Sends a request and reads its reply; a body that is not JSON fails the test, and so do
    /// a request body or a reply that breaks `openapi.json` (see [`contract`]).
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Reply {
        self.send_checked(req, true).await
    }

    /// Sends a request that breaks `openapi.json` on purpose (malformed JSON, a wrong media
    /// type, a field of the wrong type...): its reply is still checked against the document.
    pub async fn send_unchecked(&self, req: reqwest::RequestBuilder) -> Reply {
        self.send_checked(req, false).await
    }

    /// [`Api::call`] for a body that breaks `openapi.json` on purpose; the reply is checked.
    pub async fn call_unchecked(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Value,
    ) -> Reply {
        let r = self.req(method, path, Some(token)).json(&body);
        self.send_unchecked(r).await
    }

    async fn send_checked(&self, req: reqwest::RequestBuilder, check_request: bool) -> Reply {
        let request = req.build().unwrap();
        let method = request.method().as_str().to_ascii_lowercase();
        let path = request
            .url()
            .path()
            .strip_prefix("/api/v1")
            .unwrap_or_else(|| panic!("{} is not under /api/v1", request.url()))
            .to_owned();
        if check_request {
            let content_type = request
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default();
            let body = request
                .body()
                .map(|b| b.as_bytes().expect("a test's request body is in memory"));
            contract::check_request(&method, &path, &content_type, body);
        }
        let res = self.client.execute(request).await.unwrap();
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
        } else if !content_type.contains("json") {
            // A document (a PDF): its text, lossily, for the test to look at.
            Value::String(String::from_utf8_lossy(&bytes).into_owned())
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                panic!(
                    "{status}: body is not JSON ({e}): {}",
                    String::from_utf8_lossy(&bytes)
                )
            })
        };
        contract::check_etag(&method, &path, status.as_u16(), etag.as_deref());
        contract::check_response(
            &method,
            &path,
            status.as_u16(),
            &content_type,
            &body,
            bytes.is_empty(),
        );
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

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::PUT, path, token, Some(body)).await
    }

    /// [`Api::post`] of a body that breaks `openapi.json` on purpose; the reply is checked.
    pub async fn post_unchecked(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call_unchecked(Method::POST, path, token, body).await
    }

    /// [`Api::patch`] of a body that breaks `openapi.json` on purpose; the reply is checked.
    pub async fn patch_unchecked(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call_unchecked(Method::PATCH, path, token, body).await
    }
}

/// The API's contract, `openapi.json`, checked on every request and reply of [`Api`]: each
/// JSON request body against its operation's request schema, and each reply's status, media
/// type and body against the operation's documented responses (`default` when its status is not
/// listed). Operations are found from the method and the path matched against the document's
/// path templates, literal segments first. Formats (`date`, `date-time`) are checked too.
pub mod contract {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};

    use jsonschema::Validator;
    use serde_json::Value;

    /// The document, parsed once.
    pub fn document() -> &'static Value {
        static DOC: OnceLock<Value> = OnceLock::new();
        DOC.get_or_init(|| {
            serde_json::from_str(gemba_web::api::OPENAPI_JSON).expect("openapi.json is JSON")
        })
    }

    /// Escapes one JSON pointer token.
    fn token(s: &str) -> String {
        s.replace('~', "~0").replace('/', "~1")
    }

    /// Follows a local `$ref` (of a response or a request body) to what it names, with the
    /// pointer of what was found.
    fn resolve(mut pointer: String) -> (String, &'static Value) {
        let doc = document();
        loop {
            let v = doc
                .pointer(&pointer)
                .unwrap_or_else(|| panic!("openapi.json has nothing at {pointer}"));
            match v.get("$ref").and_then(Value::as_str) {
                Some(r) => {
                    pointer = r
                        .strip_prefix('#')
                        .unwrap_or_else(|| panic!("non-local $ref {r}"))
                        .to_owned();
                }
                None => return (pointer, v),
            }
        }
    }

    /// The compiled schema at `pointer`, its `$ref`s resolved in the document's components.
    fn validator(pointer: &str) -> Arc<Validator> {
        static CACHE: OnceLock<Mutex<HashMap<String, Arc<Validator>>>> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        if let Some(v) = cache.lock().unwrap().get(pointer) {
            return v.clone();
        }
        // The schema becomes the root of a document that holds the components too, so that
        // its `#/components/schemas/...` references resolve.
        let doc = document();
        let mut schema = doc
            .pointer(pointer)
            .unwrap_or_else(|| panic!("openapi.json has no schema at {pointer}"))
            .clone();
        let obj = schema
            .as_object_mut()
            .unwrap_or_else(|| panic!("the schema at {pointer} is not an object"));
        obj.insert("components".into(), doc["components"].clone());
        let compiled = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("the schema at {pointer} does not compile: {e}"));
        let compiled = Arc::new(compiled);
        cache
            .lock()
            .unwrap()
            .insert(pointer.to_owned(), compiled.clone());
        compiled
    }

    /// The document's path template that `path` (under `/api/v1`, no query) matches for
    /// `method` (lower case), preferring the one with the most literal segments.
    pub fn operation(method: &str, path: &str) -> Option<&'static str> {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        document()["paths"]
            .as_object()
            .expect("paths")
            .iter()
            .filter(|(_, ops)| ops.get(method).is_some())
            .filter_map(|(template, _)| {
                let parts: Vec<&str> = template.trim_start_matches('/').split('/').collect();
                if parts.len() != segments.len() {
                    return None;
                }
                let mut literal = 0;
                for (p, s) in parts.iter().zip(&segments) {
                    if p.starts_with('{') && p.ends_with('}') {
                        if s.is_empty() {
                            return None;
                        }
                    } else if p == s {
                        literal += 1;
                    } else {
                        return None;
                    }
                }
                Some((literal, template.as_str()))
            })
            .max_by_key(|(literal, _)| *literal)
            .map(|(_, t)| t)
    }

    /// Every way `instance` breaks the schema at `pointer`, as "at /json/pointer: problem".
    fn problems(pointer: &str, instance: &Value) -> Vec<String> {
        validator(pointer)
            .iter_errors(instance)
            .map(|e| format!("at {:?}: {e}", e.instance_path().as_str()))
            .collect()
    }

    /// The bare media type of a `content-type` header (`application/json`).
    fn media_type(content_type: &str) -> String {
        content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }

    /// Checks a request the tests send: a body must be of a media type the operation accepts,
    /// and a JSON body must match its schema. Panics naming the operation and every problem.
    pub fn check_request(method: &str, path: &str, content_type: &str, body: Option<&[u8]>) {
        // A path or method the API does not have: its reply must be the error object, which
        // `check_response` checks.
        let Some(template) = operation(method, path) else {
            return;
        };
        let op = format!("{} {template}", method.to_uppercase());
        let op_pointer = format!("/paths/{}/{method}", token(template));
        let request_body = document().pointer(&format!("{op_pointer}/requestBody"));
        let Some(body) = body.filter(|b| !b.is_empty()) else {
            if request_body.is_some() {
                let (_, rb) = resolve(format!("{op_pointer}/requestBody"));
                assert!(
                    rb["required"] != Value::Bool(true),
                    "{op}: the request body is required but none was sent"
                );
            }
            return;
        };
        assert!(
            request_body.is_some(),
            "{op}: a body was sent but the operation documents none"
        );
        let (rb_pointer, rb) = resolve(format!("{op_pointer}/requestBody"));
        let media = media_type(content_type);
        assert!(
            rb["content"].get(&media).is_some(),
            "{op}: the request's media type {media:?} is not documented \
             (use send_unchecked to send it on purpose)"
        );
        if media != "application/json" {
            return;
        }
        let json: Value = serde_json::from_slice(body).unwrap_or_else(|e| {
            panic!("{op}: the request body is not JSON ({e}); use send_unchecked to send it on purpose")
        });
        let schema = format!("{rb_pointer}/content/{}/schema", token(&media));
        let found = problems(&schema, &json);
        assert!(
            found.is_empty(),
            "{op}: the request body breaks openapi.json's schema \
             (use send_unchecked to send it on purpose):\n{}\nbody: {json}",
            found.join("\n")
        );
    }

    /// The operation (as "METHOD /template") and the pointer of the documented response for
    /// `status` (or `default`); panics on a status the operation does not document.
    fn response_of(method: &str, path: &str, status: u16, body: &Value) -> (String, String) {
        match operation(method, path) {
            Some(template) => {
                let op = format!("{} {template}", method.to_uppercase());
                let responses = format!("/paths/{}/{method}/responses", token(template));
                let listed = document()
                    .pointer(&responses)
                    .and_then(Value::as_object)
                    .unwrap_or_else(|| panic!("{op} documents no responses"));
                let key = if listed.contains_key(&status.to_string()) {
                    status.to_string()
                } else if listed.contains_key("default") {
                    "default".to_owned()
                } else {
                    panic!(
                        "{op} answered {status}, a status openapi.json does not document for it; body: {body}"
                    );
                };
                (op, format!("{responses}/{key}"))
            }
            // The router's fallbacks (404, 405) answer the error object.
            None => (
                format!("{} {path} (no operation)", method.to_uppercase()),
                "/components/responses/NotFound".to_owned(),
            ),
        }
    }

    /// Checks a reply's `ETag`: present, and of the documented form, exactly when the
    /// operation's response for its status documents one.
    pub fn check_etag(method: &str, path: &str, status: u16, etag: Option<&str>) {
        let (op, response_pointer) = response_of(method, path, status, &Value::Null);
        let (pointer, response) = resolve(response_pointer);
        match (response.pointer("/headers/ETag"), etag) {
            (None, None) => {}
            (None, Some(tag)) => {
                panic!("{op} {status}: the reply has ETag {tag} but openapi.json documents none")
            }
            (Some(_), None) => {
                panic!("{op} {status}: openapi.json documents an ETag but none came")
            }
            (Some(_), Some(tag)) => {
                let (header, _) = resolve(format!("{pointer}/headers/ETag"));
                let found = problems(&format!("{header}/schema"), &Value::from(tag));
                assert!(
                    found.is_empty(),
                    "{op} {status}: the ETag {tag} breaks openapi.json:\n{}",
                    found.join("\n")
                );
            }
        }
    }

    /// Checks a reply: its status must be documented for the operation (or `default`), its
    /// media type among the documented ones, and a JSON body must match the schema. Replies to
    /// paths no operation matches must be the API's error object. Panics naming the operation,
    /// the status and every problem with its JSON pointer.
    pub fn check_response(
        method: &str,
        path: &str,
        status: u16,
        content_type: &str,
        body: &Value,
        empty: bool,
    ) {
        let (op, response_pointer) = response_of(method, path, status, body);
        let (pointer, response) = resolve(response_pointer);
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            assert!(
                empty,
                "{op} {status}: openapi.json documents no body but one came: {body}"
            );
            return;
        };
        assert!(
            !empty,
            "{op} {status}: openapi.json documents a body but none came"
        );
        let media = media_type(content_type);
        assert!(
            content.contains_key(&media),
            "{op} {status}: media type {media:?} is not documented (only {:?})",
            content.keys().collect::<Vec<_>>()
        );
        if media != "application/json" {
            return;
        }
        let schema = format!("{pointer}/content/{}/schema", token(&media));
        let found = problems(&schema, body);
        assert!(
            found.is_empty(),
            "{op} {status}: the response breaks openapi.json's schema:\n{}\nbody: {body}",
            found.join("\n")
        );
    }
}
