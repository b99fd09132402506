//! Every user's own account: their organisations and roles, a password change (which ends
//! their other sessions), their API tokens (named, with an expiry, revocable; the secret shown
//! once), and the one-time "set your password" page an admin's link opens.

use crate::pages::Path;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::NaiveDateTime;
use gemba_domain::{ApiToken, ApiTokenId, NonEmpty};
use maud::{html, Markup};
use serde::Deserialize;

use super::error::PageError;
use super::form::{self, FieldErrors};
use super::layout::{csrf_field, page};
use super::session::{current_user, now, same_origin, session_cookie, ClientAddr, CurrentUser};
use crate::auth;
use crate::AppState;

page_routes! {
    get "/account" => account, Own;
    post "/account/password" => change_password, Own;
    post "/account/tokens" => create_token, Own;
    post "/account/tokens/{id}/revoke" => revoke_token, Own;
    get "/reset/{secret}" => reset_page, Public;
    post "/reset/{secret}" => reset, Public;
}

/// How long a token made on the account page may work, in days, with its label.
const TOKEN_DAYS: [(&str, &str); 4] = [
    ("7", "7 days"),
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "1 year"),
];

fn when(t: NaiveDateTime) -> String {
    t.format("%-d %b %Y %H:%M UTC").to_string()
}

// --- the account page --------------------------------------------------------------------------

/// What the account page shows above the forms: a confirmation, or a new token's secret.
enum Notice {
    None,
    PasswordChanged,
    TokenMade { name: String, secret: String },
    TokenRevoked,
}

#[derive(Default)]
struct Entered {
    token_name: String,
    token_days: String,
}

async fn account_page(
    state: &AppState,
    user: &CurrentUser,
    notice: Notice,
    entered: &Entered,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let tokens = state.store.api_tokens(user.user.id).await?;
    let now = now();
    let days = if entered.token_days.is_empty() {
        "90"
    } else {
        entered.token_days.as_str()
    };
    let body = html! {
        h1 { "Your account" }
        @match &notice {
            Notice::None => {},
            Notice::PasswordChanged => {
                div class="card" role="status" {
                    p { "Your password has been changed. You have been signed out everywhere else." }
                }
            },
            Notice::TokenMade { name, secret } => {
                div class="card" role="status" {
                    h2 { "Your new API token “" (name) "”" }
                    p { "Copy it now: it will not be shown again. Send it as "
                        code { "Authorization: Bearer TOKEN" } "." }
                    p { label class="label" for="new-token" { "API token" }
                        input class="input" id="new-token" readonly value=(secret); }
                }
            },
            Notice::TokenRevoked => {
                div class="card" role="status" { p { "The token has been revoked." } }
            },
        }
        (form::error_summary_ordered(errors, &["current_password", "new_password", "confirm_password", "token_name", "token_days"]))
        dl class="summary-list" {
            div { dt { "Name" } dd { (user.user.name) } }
            div { dt { "Email" } dd { (user.user.email) } }
            div {
                dt { "Organisations" }
                dd {
                    @if user.memberships.is_empty() { "None" }
                    @for m in &user.memberships {
                        (m.org.name) " (" (m.role.label()) ")" br;
                    }
                }
            }
        }
        h2 id="password" { "Change your password" }
        form method="post" action="/account/password" novalidate {
            (csrf_field(user))
            (form::input_of_type("password", "current_password", "Current password", "", None, errors))
            (form::new_password_input("new_password", "New password",
                Some(&format!("At least {} characters. A few unrelated words make a good one.", auth::MIN_PASSWORD_CHARS)), errors))
            (form::new_password_input("confirm_password", "Type the new password again", None, errors))
            button type="submit" class="button" { "Change password" }
        }
        h2 id="tokens" { "API tokens" }
        p { "Scripts and reports (Power BI, R, Python) use an API token to read and change your work through the "
            a href="/api/v1/openapi.json" { "JSON API" } ", with your role. Revoke a token you no longer use." }
        @if tokens.is_empty() {
            p { "You have no API tokens." }
        } @else {
            div class="table-wrap" {
                table class="table" {
                    caption class="visually-hidden" { "Your API tokens" }
                    thead { tr { th scope="col" { "Name" } th scope="col" { "Made" } th scope="col" { "Expires" }
                        th scope="col" { "Last used" } th scope="col" { span class="visually-hidden" { "Action" } } } }
                    tbody {
                        @for t in &tokens {
                            (token_row(user, t, now))
                        }
                    }
                }
            }
        }
        h3 { "Make a token" }
        form method="post" action="/account/tokens" class="add-form" novalidate {
            (csrf_field(user))
            (form::text_input("token_name", "What is it for?", &entered.token_name, Some("For example “Power BI ward report”"), errors))
            (form::select("token_days", "Works for", &TOKEN_DAYS, days, errors))
            button type="submit" class="button button--secondary" { "Make token" }
        }
    };
    Ok(page("Your account", Some(user), body))
}

fn token_row(user: &CurrentUser, t: &ApiToken, now: NaiveDateTime) -> Markup {
    html! {
        tr {
            td { (t.name) }
            td { (when(t.created_at)) }
            td {
                @match t.expires_at {
                    None => "Never",
                    Some(e) if t.expired(now) => { strong { "Expired" } " " (when(e)) },
                    Some(e) => (when(e)),
                }
            }
            td { @match t.last_used_at { None => "Never", Some(u) => (when(u)) } }
            td {
                form class="table__form" method="post" action={ "/account/tokens/" (t.id) "/revoke" } {
                    (csrf_field(user))
                    button type="submit" class="button button--link" {
                        "Revoke" span class="visually-hidden" { " the token " (t.name) }
                    }
                }
            }
        }
    }
}

async fn account(State(state): State<AppState>, user: CurrentUser) -> Result<Markup, PageError> {
    account_page(
        &state,
        &user,
        Notice::None,
        &Entered::default(),
        &FieldErrors::new(),
    )
    .await
}

// --- password change -----------------------------------------------------------------------------

#[derive(Default, Deserialize)]
struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

/// The errors of a new password and its confirmation, if any.
fn check_new(new: &str, confirm: &str, errors: &mut FieldErrors) {
    if let Err(e) = auth::check_new_password(new) {
        errors.insert("new_password", e);
    } else if new != confirm {
        errors.insert("confirm_password", "The two passwords are not the same");
    }
}

async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<PasswordForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    // The current password is checked like a sign-in, and counted with sign-ins: someone with a
    // stolen session cannot guess it at leisure.
    let key = user.user.email.as_str();
    let attempt = match state.login_limiter.begin(client, None, key) {
        Ok(attempt) => attempt,
        Err(wait) => {
            let mut errors = FieldErrors::new();
            errors.insert(
                "current_password",
                format!(
                    "Too many attempts; wait {} before you try again",
                    auth::wait_in_words(wait)
                ),
            );
            let body =
                account_page(&state, &user, Notice::None, &Entered::default(), &errors).await?;
            return Ok((StatusCode::TOO_MANY_REQUESTS, body).into_response());
        }
    };
    let mut errors = FieldErrors::new();
    check_new(&f.new_password, &f.confirm_password, &mut errors);
    let stored = state.store.login(&user.user.email).await?;
    let current_ok = match stored {
        Some((_, hash)) if !f.current_password.is_empty() => {
            state
                .passwords
                .verify(f.current_password.clone(), hash)
                .await
        }
        _ => false,
    };
    if current_ok {
        // The right current password: this attempt is forgiven.
        let _ = attempt.succeeded();
    } else {
        // Counted as a failed sign-in.
        drop(attempt);
        errors.insert(
            "current_password",
            "Enter your current password as it is now",
        );
    }
    if !errors.is_empty() {
        let body = account_page(&state, &user, Notice::None, &Entered::default(), &errors).await?;
        return Ok((StatusCode::BAD_REQUEST, body).into_response());
    }
    let hash = state
        .passwords
        .hash(f.new_password)
        .await
        .map_err(PageError::Internal)?;
    let keep = session_cookie(&headers).map(|s| auth::secret_hash(&s));
    state
        .store
        .set_password(user.user.id, &hash, keep.as_deref())
        .await?;
    let body = account_page(
        &state,
        &user,
        Notice::PasswordChanged,
        &Entered::default(),
        &FieldErrors::new(),
    )
    .await?;
    Ok(body.into_response())
}

// --- API tokens ------------------------------------------------------------------------------

#[derive(Default, Deserialize)]
struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token_name: String,
    #[serde(default)]
    token_days: String,
}

async fn create_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<TokenForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let mut errors = FieldErrors::new();
    let name = NonEmpty::parse("token_name", &f.token_name)
        .map_err(|e| errors.push(e))
        .ok();
    let days = TOKEN_DAYS
        .iter()
        .find(|(d, _)| *d == f.token_days)
        .and_then(|(d, _)| d.parse::<i64>().ok());
    if days.is_none() {
        errors.insert("token_days", "Choose how long the token works");
    }
    let (Some(name), Some(days)) = (name, days) else {
        let entered = Entered {
            token_name: f.token_name,
            token_days: f.token_days,
        };
        let body = account_page(&state, &user, Notice::None, &entered, &errors).await?;
        return Ok((StatusCode::BAD_REQUEST, body).into_response());
    };
    let secret = auth::new_secret();
    state
        .store
        .issue_api_token(
            &auth::secret_hash(&secret),
            user.user.id,
            name.as_str(),
            Some(now() + chrono::Duration::days(days)),
        )
        .await?;
    let notice = Notice::TokenMade {
        name: name.as_str().to_owned(),
        secret,
    };
    let body = account_page(
        &state,
        &user,
        notice,
        &Entered::default(),
        &FieldErrors::new(),
    )
    .await?;
    Ok((StatusCode::CREATED, body).into_response())
}

#[derive(Default, Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let id = id.parse::<i64>().map_err(|_| PageError::NotFound)?;
    if !state
        .store
        .revoke_api_token(user.user.id, ApiTokenId(id))
        .await?
    {
        return Err(PageError::NotFound);
    }
    let body = account_page(
        &state,
        &user,
        Notice::TokenRevoked,
        &Entered::default(),
        &FieldErrors::new(),
    )
    .await?;
    Ok(body.into_response())
}

// --- reset links -----------------------------------------------------------------------------

/// The page of a link that cannot be used: unknown, used, expired or its owner deactivated,
/// without saying which.
fn unusable_link() -> Response {
    let body = html! {
        h1 { "This link cannot be used" }
        p { "Links to set a password work once, for 72 hours. This one has been used, has expired or is not complete." }
        p { "Ask your organisation's Gemba admin for a new link, or " a href="/login" { "sign in" } " if you know your password." }
    };
    (
        StatusCode::NOT_FOUND,
        page("This link cannot be used", None, body),
    )
        .into_response()
}

fn reset_form(secret: &str, email: &str, errors: &FieldErrors) -> Markup {
    let body = html! {
        h1 { "Set your password" }
        (form::error_summary_ordered(errors, &["new_password", "confirm_password"]))
        p { "For the Gemba account " strong { (email) } ". This link works once; after it, sign in with your new password. Anyone signed in to this account is signed out." }
        form method="post" action={ "/reset/" (secret) } novalidate {
            // For password managers: the account the password is for.
            input type="hidden" name="username" autocomplete="username" value=(email);
            (form::new_password_input("new_password", "New password",
                Some(&format!("At least {} characters. A few unrelated words make a good one.", auth::MIN_PASSWORD_CHARS)), errors))
            (form::new_password_input("confirm_password", "Type the new password again", None, errors))
            button type="submit" class="button" { "Set password" }
        }
    };
    page("Set your password", None, body)
}

async fn reset_page(
    State(state): State<AppState>,
    Path(secret): Path<String>,
) -> Result<Response, PageError> {
    match state
        .store
        .password_reset_user(&auth::secret_hash(&secret), now())
        .await?
    {
        Some(user) => {
            Ok(reset_form(&secret, user.email.as_str(), &FieldErrors::new()).into_response())
        }
        None => Ok(unusable_link()),
    }
}

#[derive(Default, Deserialize)]
struct ResetForm {
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

async fn reset(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    Form(f): Form<ResetForm>,
) -> Result<Response, PageError> {
    // No session to carry a CSRF token: the secret in the path is the proof, and the post must
    // come from this site.
    if !same_origin(&headers, &uri) {
        return Err(PageError::Forbidden);
    }
    let hash = auth::secret_hash(&secret);
    let Some(user) = state.store.password_reset_user(&hash, now()).await? else {
        return Ok(unusable_link());
    };
    let mut errors = FieldErrors::new();
    check_new(&f.new_password, &f.confirm_password, &mut errors);
    if !errors.is_empty() {
        let body = reset_form(&secret, user.email.as_str(), &errors);
        return Ok((StatusCode::BAD_REQUEST, body).into_response());
    }
    let password_hash = state
        .passwords
        .hash(f.new_password)
        .await
        .map_err(PageError::Internal)?;
    if state
        .store
        .use_password_reset(&hash, &password_hash, now())
        .await?
        .is_none()
    {
        // Used by a second tab or expired in the meantime.
        return Ok(unusable_link());
    }
    // Whoever was signed in on this browser was signed out with every other session.
    let signed_in = current_user(&headers, &state).await?;
    let body = html! {
        h1 { "Your password is set" }
        p { "Sign in with your email address and the new password." }
        p { a class="button" href="/login" { "Sign in" } }
    };
    Ok(page("Your password is set", signed_in.as_ref(), body).into_response())
}
