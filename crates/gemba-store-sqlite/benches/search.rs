//! Search over a portfolio of 10,000 projects in 50 organisations (issue 12: "search in under
//! 50 ms"): seeds the projects through the `Store` (titles, problems, aims, three change ideas
//! and two measures each, from varied generated text) into an in-memory database, then times
//! `gemba_domain::search` and `similar` as the web app calls them, for a member of one
//! organisation and for a scope of all fifty, and prints p50 and p95. Nothing is asserted.
//!
//! `cargo bench -p gemba-store-sqlite --bench search` (release build). The figures go into
//! BENCHMARKS.md by hand.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a benchmark may fail loudly

use std::time::{Duration, Instant};

use gemba_domain::{
    search, similar, Access, ChartSettings, DriverKind, Email, MeasureFields, MeasureType,
    Membership, Multiplier, NonEmpty, OrgId, Organisation, Period, ProjectFields, ProjectId,
    ProjectStatus, Role, Store, UserId,
};
use gemba_store_sqlite::SqliteStore;

const ORGS: usize = 50;
const PROJECTS: usize = 10_000;
const RUNS: usize = 200;

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
    "hydration",
    "deteriorating patients",
    "NEWS2 escalation",
    "handover",
    "theatre utilisation",
    "outpatient did not attend",
    "waiting times",
    "ambulance handover",
    "four-hour performance",
    "stroke thrombolysis",
    "hip fracture surgery",
    "diabetes foot checks",
    "antibiotic review",
    "insulin safety",
    "mental health crisis",
    "restraint",
    "staff sickness",
    "agency spend",
    "patient experience",
    "complaints response",
    "end of life care",
    "smoking cessation",
    "breastfeeding",
    "maternity triage",
    "neonatal hypothermia",
    "COPD readmissions",
    "heart failure",
    "cancer two-week waits",
    "frailty assessment",
    "dementia care",
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
    "critical care",
    "outpatients",
    "primary care",
    "mental health wards",
    "the stroke unit",
];
const GROUPS: &[&str] = &[
    "older people",
    "children",
    "people with learning disabilities",
    "new mothers",
    "people with dementia",
    "day-case patients",
    "people living alone",
    "night staff",
];
const IDEAS: &[&str] = &[
    "Intentional rounding",
    "Safety huddles",
    "Bedside checklists",
    "Electronic alerts",
    "Patient information leaflets",
    "Standard work",
    "Daily board rounds",
    "Peer review",
    "Visual management boards",
    "Simulation training",
    "Family involvement",
    "Red bag scheme",
    "Discharge lounge",
    "Criteria-led discharge",
    "Pharmacist review",
    "Falls sensors",
    "Low beds",
    "Yellow socks",
    "Sepsis trolley",
    "Screening tool",
    "Escalation cards",
    "Protected mealtimes",
    "Hydration stations",
    "Skin bundle",
    "Turning clocks",
];
const MEASURES: &[&str] = &[
    "per 1,000 bed days",
    "rate",
    "compliance",
    "median time",
    "count per month",
    "percentage within target",
    "days between events",
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

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

fn project(rng: &mut Rng, n: usize) -> (ProjectFields, [String; 3], [String; 2]) {
    let topic = rng.pick(TOPICS);
    let place = rng.pick(PLACES);
    let group = rng.pick(GROUPS);
    let title = match n % 4 {
        0 => format!("Reducing {topic} in {place}"),
        1 => format!("{topic} on {place}: improving care for {group}"),
        2 => format!("Better {topic} for {group}"),
        _ => format!("{place} {topic} collaborative"),
    };
    let fields = ProjectFields {
        title: NonEmpty::parse("title", &title).unwrap(),
        problem: format!(
            "In {place}, {group} are harmed by {topic}; audit in {} found {} incidents a month \
             and variation between teams. Staff say {} is hard on busy shifts.",
            2020 + n % 6,
            5 + n % 40,
            rng.pick(IDEAS).to_lowercase()
        ),
        aim: format!(
            "Improve {topic} for {group} in {place} by {}% by March {}",
            10 + n % 50,
            2026 + n % 3
        ),
        method: "Model for Improvement".into(),
        status: ProjectStatus::ALL[n % ProjectStatus::ALL.len()],
        team: None,
        sponsor: "Chief Nurse".into(),
        tags: vec![topic.into()],
        private: false,
    };
    let ideas = [0, 1, 2].map(|_| format!("{} for {topic}", rng.pick(IDEAS)));
    let measures = [0, 1].map(|_| format!("{topic} {}", rng.pick(MEASURES)));
    (fields, ideas, measures)
}

fn measure(name: &str) -> MeasureFields {
    MeasureFields {
        name: NonEmpty::parse("name", name).unwrap(),
        kind: MeasureType::Outcome,
        definition: String::new(),
        unit: String::new(),
        data_source: String::new(),
        denominator_label: String::new(),
        chart: ChartSettings {
            chart: gemba_spc::ChartType::Xmr,
            improvement: gemba_spc::Improvement::Decrease,
            target: None,
            rules: "mdc".into(),
            rebase: Vec::new(),
            fix_after: None,
            period: Period::Month,
            multiplier: Multiplier::ONE,
        },
    }
}

fn percentiles(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let at = |p: f64| {
        let i = ((times.len() as f64 - 1.0) * p).round() as usize;
        times[i].as_secs_f64() * 1000.0
    };
    (at(0.50), at(0.95))
}

async fn seed(store: &SqliteStore) -> (Vec<Membership>, UserId, Vec<ProjectId>) {
    let user = store
        .create_user(&Email::parse("bench@nhs.net").unwrap(), "Bench", "hash")
        .await
        .unwrap();
    let mut orgs = Vec::new();
    for i in 0..ORGS {
        let id = store.create_org(&format!("Trust {i}"), None).await.unwrap();
        orgs.push(id);
    }
    let mut rng = Rng(12);
    let mut projects = Vec::new();
    for n in 0..PROJECTS {
        let org = orgs[n % ORGS];
        let (fields, ideas, measures) = project(&mut rng, n);
        let p = store.create_project(org, &fields, user).await.unwrap();
        let primary = store
            .add_driver_node(p, None, DriverKind::Primary, "Reliable care", user)
            .await
            .unwrap();
        let secondary = store
            .add_driver_node(
                p,
                Some(primary),
                DriverKind::Secondary,
                "Standard work",
                user,
            )
            .await
            .unwrap();
        for idea in &ideas {
            store
                .add_driver_node(p, Some(secondary), DriverKind::ChangeIdea, idea, user)
                .await
                .unwrap();
        }
        for m in &measures {
            store.create_measure(p, &measure(m), user).await.unwrap();
        }
        projects.push(p);
    }
    let memberships = orgs
        .iter()
        .map(|&id| Membership {
            org: Organisation {
                id,
                name: format!("Trust {id}"),
                system: None,
            },
            role: Role::Member,
        })
        .collect();
    (memberships, user, projects)
}

async fn run() {
    // In memory: seeding 70,000 rows through the Store in a file with `synchronous = FULL` would
    // wait for the disk 70,000 times; searches read the same pages either way.
    let store = SqliteStore::in_memory().await.unwrap();
    let started = Instant::now();
    let (all, user, projects) = seed(&store).await;
    println!(
        "seeded {PROJECTS} projects in {ORGS} organisations (3 change ideas and 2 measures each) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let one: Vec<Membership> = all[..1].to_vec();
    let queries = [
        "falls",
        "sepsis screening",
        "pressure ulcers",
        "discharge",
        "older people dementia",
        "ward 9",
        "intentional rounding",
        "medication errors",
        "care homes",
        "giraffe",
        "reducing falls in ward 9",
        "hydration",
        "antibiotic review",
        "the",
        "NEWS2",
    ];
    println!();
    println!("| Work | Scope | p50 | p95 | Results (mean) |");
    println!("|---|---|---|---|---|");
    for (label, memberships) in [
        ("1 organisation (200 projects)", &one),
        ("50 organisations (10,000 projects)", &all),
    ] {
        let access = Access::new(&store, user, memberships);
        let scope: Vec<OrgId> = memberships.iter().map(|m| m.org.id).collect();
        // Search: the queries in turn.
        let mut times = Vec::new();
        let mut found = 0;
        for i in 0..RUNS {
            let q = queries[i % queries.len()];
            let t = Instant::now();
            let hits = search(&access, q, None).await.unwrap();
            times.push(t.elapsed());
            found += hits.len();
        }
        let (p50, p95) = percentiles(times);
        println!(
            "| `search`, {} queries of 1–5 words, 20 results | {label} | {p50:.2} ms | {p95:.2} ms | {:.1} |",
            queries.len(),
            found as f64 / RUNS as f64
        );
        // Similar work: projects of the scope in turn.
        let mut times = Vec::new();
        let mut found = 0;
        // Project n belongs to organisation n % ORGS; the one-organisation scope is the first.
        let mine: Vec<ProjectId> = if scope.len() == 1 {
            projects.iter().step_by(ORGS).copied().collect()
        } else {
            projects.clone()
        };
        for i in 0..RUNS {
            let p = mine[(i * 37) % mine.len()];
            let t = Instant::now();
            let hits = similar(&access, p).await.unwrap();
            times.push(t.elapsed());
            found += hits.len();
        }
        let (p50, p95) = percentiles(times);
        println!(
            "| `similar` (a project's title, problem, aim and change ideas, any word), 5 results | {label} | {p50:.2} ms | {p95:.2} ms | {:.1} |",
            found as f64 / RUNS as f64
        );
    }
    store.close().await;
}

fn main() {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(run());
}
