//! The frame of every page: a skip link, the NHS-blue header with the navigation, the main
//! content and the footer.

use maud::{html, Markup, DOCTYPE};

use super::session::CurrentUser;

/// A full HTML document titled `title` (and "– Gemba") around `body`.
///
/// With a signed-in `user` the header has the navigation and a sign-out button.
pub fn page(title: &str, user: Option<&CurrentUser>, body: Markup) -> Markup {
    let is_admin = user.is_some_and(|u| {
        u.memberships
            .iter()
            .any(|m| gemba_domain::permits(m.role, false, gemba_domain::Action::ManageOrganisation))
    });
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – Gemba" }
                link rel="stylesheet" href="/static/gemba.css";
            }
            body {
                a class="skip-link" href="#main-content" { "Skip to main content" }
                header class="header" {
                    div class="width-container header__inner" {
                        a class="header__brand" href="/" aria-label="Gemba dashboard" {
                            "Gemba"
                        }
                        @if let Some(u) = user {
                            nav class="header__nav" aria-label="Main" {
                                ul {
                                    li { a href="/" { "Dashboard" } }
                                    li { a href="/projects" { "Projects" } }
                                    li { a href="/portfolio" { "Portfolio" } }
                                    li { a href="/library" { "Library" } }
                                    li { a href="/ideas" { "Ideas" } }
                                    li { a href="/training" { "Training" } }
                                    li { a href="/board" { "Board" } }
                                    li { a href="/search" { "Search" } }
                                    @if is_admin {
                                        li { a href="/admin" { "Admin" } }
                                    }
                                    li { a href="/account" { "Account" } }
                                    li {
                                        form method="post" action="/logout" class="header__signout" {
                                            (csrf_field(u))
                                            button type="submit" class="link-button" {
                                                "Sign out"
                                                span class="visually-hidden" { " " (u.user.name) }
                                            }
                                        }
                                    }
                                }
                            }
                        } @else {
                            nav class="header__nav" aria-label="Main" {
                                ul { li { a href="/login" { "Sign in" } } }
                            }
                        }
                    }
                }
                div class="width-container" {
                    main id="main-content" class="main" tabindex="-1" {
                        (body)
                    }
                }
                footer class="footer" {
                    div class="width-container" {
                        p {
                            "Gemba – open-source quality improvement for health and care. "
                            "Charts follow NHS England's Making Data Count rules."
                        }
                    }
                }
            }
        }
    }
}

/// The hidden CSRF field every form posts.
pub fn csrf_field(user: &CurrentUser) -> Markup {
    html! { input type="hidden" name="csrf" value=(user.csrf); }
}
