//! Who is signed in: the `gemba_session` cookie, looked up by the hash of its secret; and the
//! sign-in and sign-out pages.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::header::{COOKIE, HOST, LOCATION, ORIGIN, REFERER, RETRY_AFTER, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::NaiveDateTime;
use gemba_domain::{Email, Membership, OrgId, Role, User};
use maud::{html, Markup};
use serde::Deserialize;

use super::error::PageError;
use super::form::{self, FieldErrors};
use super::layout;
use crate::auth;
use crate::AppState;

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "gemba_session";

/// How long a sign-in lasts.
pub const SESSION_HOURS: i64 = 12;

/// The signed-in user of a page request, with their session's CSRF token and their roles.
///
/// As an extractor it answers a redirect (303) to `/login?next=…` when nobody is signed in or
/// the session has expired.
#[derive(Clone)]
pub struct CurrentUser {
    /// Who.
    pub user: User,
    /// The session's CSRF token, to put in every form.
    pub csrf: String,
    /// Their organisations and roles.
    pub memberships: Vec<Membership>,
}

impl std::fmt::Debug for CurrentUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CurrentUser")
            .field("user", &self.user)
            .field("csrf", &"[redacted]")
            .field("memberships", &self.memberships)
            .finish()
    }
}

impl CurrentUser {
    /// The user's role in `org`, or `None` when they are not a member.
    pub fn role_in(&self, org: OrgId) -> Option<Role> {
        self.memberships
            .iter()
            .find(|m| m.org.id == org)
            .map(|m| m.role)
    }

    /// Checks a form's CSRF token against the session's, in constant time.
    pub fn check_csrf(&self, token: &str) -> Result<(), PageError> {
        if constant_time_eq(self.csrf.as_bytes(), token.as_bytes()) && !self.csrf.is_empty() {
            Ok(())
        } else {
            Err(PageError::Forbidden)
        }
    }

    /// The user's access to the workspace: the one way a page reaches a row
    /// ([`gemba_domain::Access`]).
    pub fn access<'a>(&self, state: &'a AppState) -> gemba_domain::Access<'a> {
        gemba_domain::Access::new(state.store.as_ref(), self.user.id, &self.memberships)
    }
}

/// Byte-wise equality whose time depends only on the lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Now, in UTC, as the store keeps times.
pub(crate) fn now() -> NaiveDateTime {
    chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).naive_utc()
}

/// The value of the session cookie in `headers`, if any.
pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE)
}

/// The value of the cookie `name`, if the request carries it and it is not empty.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The signed-in user, or `None` when there is no live session.
pub(crate) async fn current_user(
    headers: &HeaderMap,
    state: &AppState,
) -> Result<Option<CurrentUser>, PageError> {
    let Some(secret) = session_cookie(headers) else {
        return Ok(None);
    };
    let Some(session) = state
        .store
        .session(&auth::secret_hash(&secret), now())
        .await?
    else {
        return Ok(None);
    };
    let memberships = state.store.memberships(session.user.id).await?;
    Ok(Some(CurrentUser {
        user: session.user,
        csrf: session.csrf,
        memberships,
    }))
}

/// A 303 redirect to `to` (a local path).
pub(crate) fn see_other(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(LOCATION, v);
    }
    res
}

/// Percent-encodes everything but unreserved characters and `/`, for a query value.
pub(crate) fn encode_query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match current_user(&parts.headers, state).await {
            Ok(Some(user)) => Ok(user),
            Ok(None) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                Err(see_other(&format!(
                    "/login?next={}",
                    encode_query_value(next)
                )))
            }
            Err(e) => Err(e.into_response()),
        }
    }
}

/// The client's address, when the server was started with connect info
/// (`into_make_service_with_connect_info::<SocketAddr>()`), else `None`.
///
/// This is the peer of the TCP connection, unless the peer is one of the app's trusted
/// reverse proxies ([`auth::TrustedProxies`]): then it is the client the proxy names in its
/// forwarding headers.
pub(crate) struct ClientAddr(pub(crate) Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Ok(ClientAddr(peer.map(|peer| {
            state.trusted_proxies.client(peer, &parts.headers)
        })))
    }
}

/// Whether a form post came from one of our own pages: its `Origin` (or, failing that, its
/// `Referer`) names the host the request was sent to. Requests with neither (old browsers,
/// scripts) pass; `Origin: null` (sandboxed or privacy-redirected documents) does not.
pub(crate) fn same_origin(headers: &HeaderMap, uri: &Uri) -> bool {
    let source = headers
        .get(ORIGIN)
        .or_else(|| headers.get(REFERER))
        .map(|v| v.to_str().ok().and_then(authority_of));
    let Some(source) = source else {
        return true;
    };
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()));
    matches!((source, host), (Some(s), Some(h)) if s.eq_ignore_ascii_case(h.trim()))
}

/// The `host[:port]` of an absolute URL, or `None` for anything else (such as `null`).
fn authority_of(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme.is_empty() || !scheme.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // Credentials in a URL (`user@host`) have no place in an origin.
    (!authority.is_empty() && !authority.contains('@')).then_some(authority)
}

page_routes! {
    get "/login" => login_page, Public;
    post "/login" => login, Public;
    post "/logout" => logout, Own;
}

/// `next` when it is a path on this site, else the dashboard: never an open redirect.
pub(crate) fn local_path(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.chars().any(|c| c.is_control() || c == '\\');
    if ok {
        next
    } else {
        "/"
    }
}

#[derive(Debug, Default, Deserialize)]
struct LoginQuery {
    #[serde(default)]
    next: String,
}

/// The sign-in form; what was typed (never the password) is kept.
#[derive(Default, Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

fn login_form(email: &str, next: &str, errors: &FieldErrors, problem: Option<&str>) -> Markup {
    html! {
        h1 { "Sign in" }
        (form::error_summary_ordered(errors, &["email", "password"]))
        @if let Some(p) = problem {
            div class="error-summary" role="alert" tabindex="-1" {
                h2 class="error-summary__title" { "There is a problem" }
                p { (p) }
            }
        }
        form method="post" action="/login" novalidate {
            input type="hidden" name="next" value=(local_path(next));
            (form::input_of_type("email", "email", "Email address", email, None, errors))
            (form::input_of_type("password", "password", "Password", "", None, errors))
            button type="submit" class="button" { "Sign in" }
        }
    }
}

fn login_response(status: StatusCode, body: Markup) -> Response {
    (status, layout::page("Sign in", None, body)).into_response()
}

async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Result<Response, PageError> {
    if current_user(&headers, &state).await?.is_some() {
        return Ok(see_other(local_path(&q.next)));
    }
    let body = login_form("", &q.next, &FieldErrors::new(), None);
    Ok(login_response(StatusCode::OK, body))
}

async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    uri: Uri,
    headers: HeaderMap,
    Form(mut f): Form<LoginForm>,
) -> Result<Response, PageError> {
    // Login CSRF: another site must not sign a visitor in to an account of its choosing.
    if !same_origin(&headers, &uri) {
        return Err(PageError::Forbidden);
    }
    let mut errors = FieldErrors::new();
    let email = match Email::parse(&f.email) {
        Ok(e) => Some(e),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    if f.password.is_empty() {
        errors.insert("password", "Enter your password");
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        let body = login_form(&f.email, &f.next, &errors, None);
        return Ok(login_response(StatusCode::BAD_REQUEST, body));
    };
    // Counted before the password is checked, so concurrent guesses cannot slip past the limit.
    let device = cookie(&headers, auth::DEVICE_COOKIE);
    let attempt = match state
        .login_limiter
        .begin(client, device.as_deref(), email.as_str())
    {
        Ok(attempt) => attempt,
        Err(wait) => {
            let message = format!(
                "Too many attempts; wait {} before you try again.",
                auth::wait_in_words(wait)
            );
            let body = login_form(&f.email, &f.next, &FieldErrors::new(), Some(&message));
            let mut res = login_response(StatusCode::TOO_MANY_REQUESTS, body);
            if let Ok(v) = HeaderValue::from_str(&auth::whole_seconds(wait).to_string()) {
                res.headers_mut().insert(RETRY_AFTER, v);
            }
            return Ok(res);
        }
    };
    // Unknown emails are checked against a dummy hash, so that timing does not tell. Checks
    // queue for a blocking thread: argon2 must not stall the async workers.
    let user = match state.store.login(&email).await? {
        Some((user, hash)) => state
            .passwords
            .verify(std::mem::take(&mut f.password), hash)
            .await
            .then_some(user),
        None => {
            state
                .passwords
                .verify_dummy(std::mem::take(&mut f.password))
                .await;
            None
        }
    };
    let Some(user) = user else {
        // The attempt stays counted.
        drop(attempt);
        let body = login_form(
            &f.email,
            &f.next,
            &FieldErrors::new(),
            Some("The email address or password is not right. Check them and try again."),
        );
        return Ok(login_response(StatusCode::UNAUTHORIZED, body));
    };
    let device = attempt.succeeded();
    if let Some(old) = session_cookie(&headers) {
        state.store.delete_session(&auth::secret_hash(&old)).await?;
    }
    let secret = auth::new_secret();
    let expires = now() + chrono::Duration::hours(SESSION_HOURS);
    state
        .store
        .create_session(
            &auth::secret_hash(&secret),
            user.id,
            &auth::new_secret(),
            expires,
        )
        .await?;
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={secret}; HttpOnly; SameSite=Lax; Path=/; Max-Age={}{secure}",
        SESSION_HOURS * 3600
    );
    let value = HeaderValue::from_str(&cookie)
        .map_err(|e| PageError::Internal(format!("session cookie: {e}")))?;
    // Marks this browser as one that signed in to this account, so that others' failures from
    // the same address do not slow it down (see `auth::LoginLimiter`).
    let device_cookie = format!(
        "{}={device}; HttpOnly; SameSite=Lax; Path=/login; Max-Age={}{secure}",
        auth::DEVICE_COOKIE,
        180 * 24 * 3600
    );
    let device_value = HeaderValue::from_str(&device_cookie)
        .map_err(|e| PageError::Internal(format!("device cookie: {e}")))?;
    let mut res = see_other(local_path(&f.next));
    res.headers_mut().insert(SET_COOKIE, value);
    res.headers_mut().append(SET_COOKIE, device_value);
    Ok(res)
}

#[derive(Default, Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    if let Some(secret) = session_cookie(&headers) {
        state
            .store
            .delete_session(&auth::secret_hash(&secret))
            .await?;
    }
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let cookie = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0{secure}");
    let mut res = see_other("/login");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(SET_COOKIE, v);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            HeaderValue::from_static("a=1; gemba_session=abc ; b=2"),
        );
        assert_eq!(session_cookie(&h).as_deref(), Some("abc"));
        assert_eq!(session_cookie(&HeaderMap::new()), None);
    }

    #[test]
    fn constant_time_compare() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path("/projects/3"), "/projects/3");
        assert_eq!(local_path("https://evil.example"), "/");
        assert_eq!(local_path("//evil.example"), "/");
        assert_eq!(local_path("/\\evil.example"), "/");
        assert_eq!(local_path(""), "/");
    }

    fn headers(pairs: &[(axum::http::HeaderName, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(name.clone(), HeaderValue::from_static(value));
        }
        h
    }

    #[test]
    fn sign_in_posts_must_come_from_this_site() {
        let uri = Uri::from_static("/login");
        let host = (HOST, "gemba.example.nhs.uk");
        let ok =
            |pairs: &[(axum::http::HeaderName, &'static str)]| same_origin(&headers(pairs), &uri);
        assert!(ok(std::slice::from_ref(&host)), "no Origin, no Referer");
        assert!(ok(&[
            host.clone(),
            (ORIGIN, "https://gemba.example.nhs.uk")
        ]));
        assert!(ok(&[
            host.clone(),
            (ORIGIN, "https://Gemba.Example.nhs.uk")
        ]));
        assert!(ok(&[
            host.clone(),
            (REFERER, "https://gemba.example.nhs.uk/login?next=/")
        ]));
        assert!(!ok(&[host.clone(), (ORIGIN, "https://evil.example")]));
        assert!(!ok(&[host.clone(), (ORIGIN, "null")]));
        assert!(!ok(&[
            host.clone(),
            (ORIGIN, "https://gemba.example.nhs.uk.evil.example")
        ]));
        assert!(!ok(&[
            host.clone(),
            (ORIGIN, "https://gemba.example.nhs.uk:8443")
        ]));
        assert!(!ok(&[
            host.clone(),
            (REFERER, "https://evil.example/gemba.example.nhs.uk")
        ]));
        assert!(!ok(&[
            host.clone(),
            (REFERER, "https://gemba.example.nhs.uk@evil.example/")
        ]));
        assert!(!ok(&[(ORIGIN, "https://gemba.example.nhs.uk")]), "no Host");
        // Origin wins over Referer.
        assert!(!ok(&[
            host,
            (ORIGIN, "https://evil.example"),
            (REFERER, "https://gemba.example.nhs.uk/login")
        ]));
    }

    #[test]
    fn next_is_encoded() {
        assert_eq!(
            encode_query_value("/projects?status=idea&x=1"),
            "/projects%3Fstatus%3Didea%26x%3D1"
        );
    }
}
