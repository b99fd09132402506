//! The portfolio at scale (issue 12: "a portfolio of 10,000 projects across 50 organisations:
//! the portfolio page and API answer in under 200 ms (p95)"): seeds 10,000 projects in 50
//! organisations through the `Store` (two to four measures each with 12 to 36 monthly points,
//! some with targets and a rebase; up to four PDSA cycles, some linked, some with predictions
//! and scales; leads and team members) into an in-memory database, then sends requests to the
//! whole app (`router`, with its session and token checks, rendering and JSON) one at a time
//! and prints p50 and p95: the page and the API for one organisation (200 projects) and the
//! API for all fifty (the system view). The first request of each kind is printed on its own
//! (nothing cached yet). Nothing is asserted.
//!
//! `cargo bench -p gemba-web --bench portfolio` (release build); `GEMBA_BENCH_RUNS` sets the
//! requests per scenario (default 50). The figures go into BENCHMARKS.md by hand.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a benchmark may fail loudly

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::{Months, NaiveDate};
use gemba_domain::{
    ActDecision, ChartSettings, Email, MeasureFields, MeasureType, Multiplier, NonEmpty, OrgId,
    PdsaFields, Period, ProjectFields, ProjectStatus, Rebase, Role, Store, UserId,
};
use gemba_store_sqlite::SqliteStore;
use gemba_web::{auth, router, AppState};
use tower::ServiceExt;

const ORGS: usize = 50;
const PROJECTS: usize = 10_000;

const TOPICS: &[&str] = &[
    "falls",
    "sepsis",
    "pressure ulcers",
    "delirium",
    "medication errors",
    "discharge delays",
    "hand hygiene",
    "catheter infections",
    "VTE assessment",
    "nutrition",
    "deteriorating patients",
    "handover",
    "theatre utilisation",
    "outpatient did not attend",
    "ambulance handover",
    "stroke thrombolysis",
    "hip fracture surgery",
    "insulin safety",
    "staff sickness",
    "end of life care",
];
const PLACES: &[&str] = &[
    "Ward 9",
    "the emergency department",
    "acute medical unit",
    "theatres",
    "maternity",
    "community nursing",
    "care homes",
    "the frailty unit",
    "surgical wards",
    "paediatrics",
];
const IDEAS: &[&str] = &[
    "Intentional rounding",
    "Safety huddles",
    "Bedside checklists",
    "Electronic alerts",
    "Standard work",
    "Daily board rounds",
    "Simulation training",
    "Family involvement",
];

/// A deterministic generator (splitmix64), so every run seeds the same portfolio.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len() as u64) as usize]
    }
}

fn month(back: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1)
        .unwrap()
        .checked_sub_months(Months::new(back))
        .unwrap()
}

fn measure(name: &str, kind: MeasureType, rng: &mut Rng, points: u32) -> MeasureFields {
    let target = (rng.below(3) == 0).then_some(20.0);
    let rebase = if points >= 30 && rng.below(2) == 0 {
        vec![Rebase {
            date: month(points / 3),
            reason: "New falls bundle".into(),
        }]
    } else {
        Vec::new()
    };
    MeasureFields {
        name: NonEmpty::parse("name", name).unwrap(),
        kind,
        definition: String::new(),
        unit: String::new(),
        data_source: String::new(),
        denominator_label: String::new(),
        chart: ChartSettings {
            chart: gemba_spc::ChartType::Xmr,
            improvement: gemba_spc::Improvement::Decrease,
            target,
            rules: "mdc".into(),
            rebase,
            fix_after: None,
            period: Period::Month,
            multiplier: Multiplier::ONE,
        },
    }
}

/// Seeds the portfolio; returns the organisations and the user who is a member of each.
async fn seed(store: &SqliteStore) -> (Vec<OrgId>, UserId) {
    let user = store
        .create_user(&Email::parse("bench@nhs.net").unwrap(), "Bench", "hash")
        .await
        .unwrap();
    let mut orgs = Vec::new();
    let mut staff = Vec::new();
    for i in 0..ORGS {
        let org = store
            .create_org(&format!("Trust {i}"), Some("Riverside ICS"))
            .await
            .unwrap();
        store.set_membership(user, org, Role::Member).await.unwrap();
        let mut people = Vec::new();
        for j in 0..4 {
            let email = Email::parse(&format!("p{i}-{j}@nhs.net")).unwrap();
            let id = store
                .create_user(&email, &format!("Person {i}-{j}"), "hash")
                .await
                .unwrap();
            let role = if j == 3 {
                Role::PatientPartner
            } else {
                Role::Member
            };
            store.set_membership(id, org, role).await.unwrap();
            people.push(id);
        }
        orgs.push(org);
        staff.push(people);
    }
    let mut rng = Rng(12);
    for n in 0..PROJECTS {
        let o = n % ORGS;
        let topic = rng.pick(TOPICS);
        let place = rng.pick(PLACES);
        let fields = ProjectFields {
            title: NonEmpty::parse("title", &format!("Reducing {topic} in {place} ({n})")).unwrap(),
            problem: format!("In {place}, {topic} harm patients; audit found variation."),
            aim: format!(
                "Reduce {topic} in {place} by {}% by March 2027",
                10 + n % 50
            ),
            method: if n % 5 == 0 {
                "Lean"
            } else {
                "Model for Improvement"
            }
            .into(),
            status: ProjectStatus::ALL[n % ProjectStatus::ALL.len()],
            team: None,
            sponsor: "Chief Nurse".into(),
            tags: vec![],
            private: false,
        };
        let p = store.create_project(orgs[o], &fields, user).await.unwrap();
        let lead = staff[o][n % 3];
        store
            .set_project_lead(p, Some(lead), None, user)
            .await
            .unwrap();
        if n % 4 == 0 {
            store
                .add_project_member(p, staff[o][3], user)
                .await
                .unwrap();
        }
        for k in 0..2 + rng.below(3) {
            let points = 12 + rng.below(25) as u32;
            let kind = if k == 0 {
                MeasureType::Outcome
            } else {
                MeasureType::Process
            };
            let name = format!("{topic} measure {k}");
            let m = store
                .create_measure(p, &measure(&name, kind, &mut rng, points), user)
                .await
                .unwrap();
            let level = 20.0 + rng.below(20) as f64;
            let data: Vec<_> = (0..points)
                .rev()
                .map(|back| gemba_domain::DataPoint {
                    date: month(back),
                    value: Some(
                        level + (rng.below(100) as f64) / 10.0
                            - if back < points / 3 { 5.0 } else { 0.0 },
                    ),
                    denominator: None,
                })
                .collect();
            store.put_data(m, &data, user).await.unwrap();
        }
        let mut earlier = None;
        for c in 0..rng.below(5) {
            let cycle = PdsaFields {
                title: format!("{} test {c}", rng.pick(IDEAS)),
                start_date: Some(month(10 - 2 * c as u32)),
                follows: if rng.below(2) == 0 { earlier } else { None },
                prediction: if rng.below(3) > 0 {
                    "Fewer misses".into()
                } else {
                    String::new()
                },
                scale: if rng.below(2) == 0 {
                    "One bay".into()
                } else {
                    String::new()
                },
                study: "As predicted".into(),
                act: Some(ActDecision::Adapt),
                ..PdsaFields::default()
            };
            earlier = Some(store.create_pdsa(p, &cycle, user).await.unwrap());
        }
    }
    (orgs, user)
}

fn percentiles(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let at = |p: f64| {
        let i = ((times.len() as f64 - 1.0) * p).round() as usize;
        times[i].as_secs_f64() * 1000.0
    };
    (at(0.50), at(0.95))
}

async fn get(app: &axum::Router, uri: &str, auth: (&str, &str)) -> (Duration, usize) {
    let req = Request::get(uri)
        .header(auth.0, auth.1)
        .body(Body::empty())
        .unwrap();
    let t = Instant::now();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let took = t.elapsed();
    assert_eq!(status, StatusCode::OK, "{uri}");
    (took, body.len())
}

async fn run() {
    let runs: usize = std::env::var("GEMBA_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let store = Arc::new(SqliteStore::in_memory().await.unwrap());
    let started = Instant::now();
    let (orgs, user) = seed(&store).await;
    println!(
        "seeded {PROJECTS} projects in {ORGS} organisations in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let token = auth::new_secret();
    store
        .create_api_token(&auth::secret_hash(&token), user, "bench")
        .await
        .unwrap();
    let secret = auth::new_secret();
    let expires = chrono::Utc::now().naive_utc() + chrono::Duration::hours(8);
    store
        .create_session(&auth::secret_hash(&secret), user, "csrf", expires)
        .await
        .unwrap();
    let bearer = format!("Bearer {token}");
    let cookie = format!("gemba_session={secret}");
    let mut state = AppState::new(store.clone() as Arc<dyn Store>);
    state.secure_cookies = false;
    let app = router(state);
    let org = orgs[7];
    let scenarios = [
        (
            "page `GET /orgs/{org}/portfolio` (HTML)",
            "1 organisation (200 projects)",
            format!("/orgs/{org}/portfolio"),
            (header::COOKIE.as_str(), cookie.as_str()),
        ),
        (
            "API `GET /api/v1/portfolio?org=` (JSON)",
            "1 organisation (200 projects)",
            format!("/api/v1/portfolio?org={org}"),
            (header::AUTHORIZATION.as_str(), bearer.as_str()),
        ),
        (
            "CSV `GET /orgs/{org}/portfolio.csv`",
            "1 organisation (200 projects)",
            format!("/orgs/{org}/portfolio.csv"),
            (header::COOKIE.as_str(), cookie.as_str()),
        ),
        (
            "API `GET /api/v1/portfolio` (JSON)",
            "50 organisations (10,000 projects)",
            "/api/v1/portfolio".to_owned(),
            (header::AUTHORIZATION.as_str(), bearer.as_str()),
        ),
    ];
    println!();
    println!("| Work | Scope | first | p50 | p95 | Size |");
    println!("|---|---|---|---|---|---|");
    for (label, scope, uri, auth) in &scenarios {
        let (first, size) = get(&app, uri, *auth).await;
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            times.push(get(&app, uri, *auth).await.0);
        }
        let (p50, p95) = percentiles(times);
        println!(
            "| {label} | {scope} | {:.1} ms | {p50:.1} ms | {p95:.1} ms | {:.0} KB |",
            first.as_secs_f64() * 1000.0,
            size as f64 / 1024.0
        );
    }
}

fn main() {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(run());
}
